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
#include <unistd.h>
#include <stdlib.h>

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
    } else if (!strcmp(o, "--quantize")) {
      if (i + 1 >= argc || oct_quant_mode_parse(argv[++i], &a->opts.quantize))
        return cli_error("convert: --quantize needs float16, weights-int8, dynamic, "
                         "int8 or int16x8");
    } else if (!strcmp(o, "--io")) {
      const char *v = i + 1 < argc ? argv[++i] : "";
      if (!strcmp(v, "float32")) a->opts.io_type = OCT_FLOAT32;
      else if (!strcmp(v, "int8")) a->opts.io_type = OCT_INT8;
      else if (!strcmp(v, "uint8")) a->opts.io_type = OCT_UINT8;
      else if (!strcmp(v, "int16")) a->opts.io_type = OCT_INT16;
      else return cli_error("convert: --io needs float32, int8, uint8 or int16");
    } else if (!strcmp(o, "--per-channel-fc")) {
      a->opts.per_channel_fc = 1;
    } else if (!strcmp(o, "--per-tensor")) {
      a->opts.per_tensor = 1;
    } else if (!strcmp(o, "--no-bias-correction")) {
      a->opts.no_bias_correction = 1;
    } else if (!strcmp(o, "--rounding")) {
      const char *v = i + 1 < argc ? argv[++i] : "";
      if (!strcmp(v, "nearest")) a->opts.rounding = OCT_WROUND_NEAREST;
      else if (!strcmp(v, "gptq")) a->opts.rounding = OCT_WROUND_GPTQ;
      else return cli_error("convert: --rounding needs gptq or nearest");
    } else if (!strcmp(o, "--keep-float")) {
      if (i + 1 >= argc) return cli_error("convert: --keep-float needs names");
      a->opts.keep_float = argv[++i];
    } else if (!strcmp(o, "--calibration")) {
      if (i + 1 >= argc) return cli_error("convert: --calibration needs a .npy file");
      if (a->opts.n_calibration_files == OCT_CONVERT_MAX_CALIB_FILES)
        return cli_error("convert: at most %d --calibration files", OCT_CONVERT_MAX_CALIB_FILES);
      a->opts.calibration_files[a->opts.n_calibration_files++] = argv[++i];
    } else if (!strcmp(o, "--calibration-dir")) {
      if (i + 1 >= argc) return cli_error("convert: --calibration-dir needs a folder");
      a->opts.calibration_dir = argv[++i];
    } else if (!strcmp(o, "--calibration-samples")) {
      long v = 0;
      if (i + 1 >= argc || cli_parse_int(argv[++i], 1, 1 << 24, &v))
        return cli_error("convert: --calibration-samples needs a positive number");
      a->opts.calibration_samples = (int)v;
    } else if (!strcmp(o, "--calibrator")) {
      const char *v = i + 1 < argc ? argv[++i] : "";
      if (!strcmp(v, "minmax")) a->opts.calibrator = OCT_CALIB_MINMAX;
      else if (!strcmp(v, "percentile")) a->opts.calibrator = OCT_CALIB_PERCENTILE;
      else if (!strcmp(v, "mse")) a->opts.calibrator = OCT_CALIB_MSE;
      else if (!strcmp(v, "entropy")) a->opts.calibrator = OCT_CALIB_ENTROPY;
      else return cli_error("convert: --calibrator needs minmax, percentile, mse or entropy");
    } else if (!strcmp(o, "--percentile")) {
      char *end = NULL;
      const char *v = i + 1 < argc ? argv[++i] : "";
      const double p = strtod(v, &end);
      if (!*v || *end || !(p > 50.0 && p <= 100.0))
        return cli_error("convert: --percentile needs a number in (50, 100]");
      a->opts.calibrator = OCT_CALIB_PERCENTILE;
      a->opts.percentile = (float)p;
    } else if (!strcmp(o, "--mean") || !strcmp(o, "--std")) {
      char *end = NULL;
      const char *v = i + 1 < argc ? argv[++i] : "";
      const double x = strtod(v, &end);
      if (!*v || *end) return cli_error("convert: %s needs a number", o);
      if (!strcmp(o, "--mean")) a->opts.image_mean = (float)x;
      else a->opts.image_std = (float)x;
      a->opts.image_mean_std_set = 1;
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
                     "[--no-optimize] [--nhwc-io] [--batch N] [--json] [--quantize MODE ...]");
  if (a->opts.image_mean_std_set && a->opts.image_std == 0.0f)
    return cli_error("convert: --std must not be 0");
  a->opts.progress = isatty(2);
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
  if (a->opts.quantize != OCT_QUANT_NONE) {
    printf("quantized: %s", r->quantize);
    if (r->calibration_samples_used)
      printf(", %d calibration samples", r->calibration_samples_used);
    printf(", %d ops left in float\n", r->float_ops);
  }
  if (r->warning[0]) fprintf(stderr, "warning: %s\n", r->warning);
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
  json_string(&j, "quantize", r->quantize ? r->quantize : "none");
  json_int(&j, "calibration_samples", r->calibration_samples_used);
  json_int(&j, "float_ops", r->float_ops);
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
