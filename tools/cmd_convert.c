/*
 * `octet convert IN.{onnx,tflite} -o OUT.tflite [--no-optimize]
 *               [--nhwc-io] [--batch N] [--json]`:
 * converts an ONNX or float .tflite model into an optimized .tflite file
 * (include/octet/convert.h does the work) and prints what changed: ops by
 * type before and after, parameter bytes, the file's size.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "octet/convert.h"

typedef struct convert_args {
  const char *in, *out;
  int json;
  oct_convert_options opts;
} convert_args;

static int parse_args(int argc, char **argv, convert_args *a) {
  memset(a, 0, sizeof *a);
  oct_convert_options_init(&a->opts);
  for (int i = 0; i < argc; i++) {
    const char *o = argv[i];
    if (!strcmp(o, "-o") || !strcmp(o, "--output")) {
      if (i + 1 >= argc) return cli_error("convert: %s needs a file name", o);
      a->out = argv[++i];
    } else if (!strcmp(o, "--no-optimize")) {
      a->opts.optimize = 0;
    } else if (!strcmp(o, "--nhwc-io")) {
      a->opts.nhwc_io = 1;
    } else if (!strcmp(o, "--batch")) {
      long v = 0;
      if (i + 1 >= argc || cli_parse_int(argv[++i], 1, 1 << 20, &v))
        return cli_error("convert: --batch needs a number from 1 to %d", 1 << 20);
      a->opts.batch = (int)v;
    } else if (!strcmp(o, "--json")) {
      a->json = 1;
    } else if (o[0] == '-' && o[1]) {
      return cli_error("convert: unknown option '%s'", o);
    } else if (!a->in) {
      a->in = o;
    } else {
      return cli_error("convert: more than one input model ('%s', '%s')", a->in, o);
    }
  }
  if (!a->in || !a->out)
    return cli_error("convert: usage: octet convert IN.{onnx,tflite} -o OUT.tflite "
                     "[--no-optimize] [--nhwc-io] [--batch N] [--json]");
  return 0;
}

static void print_text(const convert_args *a, const oct_convert_report *r) {
  printf("converted %s (%s) -> %s\n", a->in, r->format, a->out);
  printf("ops: %d -> %d%s\n", r->ops_before, r->ops_after,
         a->opts.optimize ? "" : " (not optimized)");
  for (int i = 0; i < r->n_types; i++) {
    const oct_convert_op_count *t = &r->types[i];
    printf("  %-28s %4d -> %4d\n", t->type, t->before, t->after);
  }
  printf("tensors: %d\n", r->tensors);
  printf("parameters: %zu bytes\n", r->param_bytes);
  printf("file: %zu bytes\n", r->file_bytes);
}

static void print_json(const convert_args *a, const oct_convert_report *r) {
  cli_json j = {stdout, 0, {0}};
  json_begin_object(&j, NULL);
  json_string(&j, "input", a->in);
  json_string(&j, "format", r->format);
  json_string(&j, "output", a->out);
  json_bool(&j, "optimized", a->opts.optimize);
  json_begin_object(&j, "ops_before");
  for (int i = 0; i < r->n_types; i++)
    if (r->types[i].before) json_int(&j, r->types[i].type, r->types[i].before);
  json_end_object(&j);
  json_begin_object(&j, "ops_after");
  for (int i = 0; i < r->n_types; i++)
    if (r->types[i].after) json_int(&j, r->types[i].type, r->types[i].after);
  json_end_object(&j);
  json_int(&j, "tensors", r->tensors);
  json_int(&j, "param_bytes", (long long)r->param_bytes);
  json_int(&j, "file_bytes", (long long)r->file_bytes);
  json_end_object(&j);
}

int cmd_convert(int argc, char **argv) {
  convert_args a;
  if (parse_args(argc, argv, &a)) return 2;
  oct_convert_report rep;
  oct_error err;
  if (oct_convert_file(a.in, a.out, &a.opts, &rep, &err) != OCT_OK)
    return cli_error("%s", err.message);
  if (a.json)
    print_json(&a, &rep);
  else
    print_text(&a, &rep);
  return 0;
}
