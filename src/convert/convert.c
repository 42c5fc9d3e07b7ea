/* The converter pipeline behind include/octet/convert.h: read, detect,
 * import, optimize, infer shapes, verify, write. */
#include "octet/convert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/ir.h"
#include "convert/onnx/onnx_import.h"
#include "convert/passes.h"
#include "convert/shape_infer.h"
#include "convert/tflite_import.h"
#include "convert/tflite_writer.h"
#include "io/file.h"
#include "quant/quantize.h"

/* Op codes counted: builtins below 256, IR-only ops from OCT_IR_FIRST. */
#define COUNT_CODES (OCT_IR_DROPOUT + 1)

void oct_convert_options_init(oct_convert_options *opts) {
  if (!opts) return;
  memset(opts, 0, sizeof *opts);
  opts->optimize = 1;
  opts->io_type = OCT_FLOAT32;
  opts->percentile = 99.99f;
}

typedef enum in_format { FORMAT_UNKNOWN, FORMAT_TFLITE, FORMAT_ONNX } in_format;

/* A .tflite flatbuffer carries "TFL3" at bytes 4..7. An ONNX ModelProto is
 * a protobuf whose first byte is a field tag: field 1..15 with wire type
 * varint (0), 64-bit (1), length-delimited (2) or 32-bit (5); exporters
 * start with ir_version (0x08). */
static in_format detect(const unsigned char *p, size_t n) {
  if (n >= 8 && memcmp(p + 4, "TFL3", 4) == 0) return FORMAT_TFLITE;
  if (n >= 2) {
    const unsigned field = p[0] >> 3, wire = p[0] & 7;
    if (field >= 1 && (wire == 0 || wire == 1 || wire == 2 || wire == 5))
      return FORMAT_ONNX;
  }
  return FORMAT_UNKNOWN;
}

/* Without optimization, IR-only ops (BatchNorm, Identity, Dropout) still
 * have to become TFLite ops for the file to be written: these passes do
 * that and nothing else. */
static const oct_pass k_lowering[] = {
    {"remove_identity", oct_pass_remove_identity},
    {"fold_batch_norm", oct_pass_fold_batch_norm},
    {"dead_code", oct_pass_dead_code},
};
#define LOWERING_PASSES ((int)(sizeof k_lowering / sizeof k_lowering[0]))

static int has_ir_ops(const oct_ir_graph *g) {
  for (int i = 0; i < g->n_ops; i++)
    if (!g->ops[i].dead && g->ops[i].code >= OCT_IR_FIRST) return 1;
  return 0;
}

static void set_err(oct_error *err, const char *path, const char *msg) {
  if (err) snprintf(err->message, sizeof err->message, "%.100s: %.150s", path, msg);
}

static void count_types(oct_convert_report *r, const int *before, const int *after) {
  r->n_types = 0;
  r->ops_before = r->ops_after = 0;
  for (int code = 0; code < COUNT_CODES; code++) {
    if (!before[code] && !after[code]) continue;
    r->ops_before += before[code];
    r->ops_after += after[code];
    if (r->n_types == OCT_CONVERT_MAX_TYPES) continue;
    oct_convert_op_count *t = &r->types[r->n_types++];
    t->type = oct_ir_op_name(code);
    t->before = before[code];
    t->after = after[code];
  }
}

static oct_status run(oct_ir_graph *g, const char *in_path, const char *out_path,
                      const oct_convert_options *opts, oct_convert_report *rep,
                      int *before, int *after, oct_error *err) {
  void *bytes = NULL;
  size_t size = 0;
  oct_status st = oct_file_read(in_path, 0, &bytes, &size, err);
  if (st) return st;
  const in_format fmt = detect(bytes, size);
  if (fmt == FORMAT_TFLITE) {
    rep->format = "tflite";
    st = oct_tflite_import(bytes, size, g);
  } else if (fmt == FORMAT_ONNX) {
    oct_onnx_options o;
    memset(&o, 0, sizeof o);
    o.nhwc_io = opts->nhwc_io;
    o.batch = opts->batch;
    rep->format = "onnx";
    st = oct_onnx_import(bytes, size, &o, g);
  } else {
    st = oct_ir_fail(g, OCT_ERR_MODEL,
                     "neither a .tflite model (no TFL3 identifier) nor an ONNX protobuf");
  }
  oct_file_free(bytes);
  if (!st) {
    oct_ir_count_ops(g, before, COUNT_CODES);
    st = oct_ir_infer_shapes(g);
  }
  if (!st && (opts->optimize || has_ir_ops(g))) {
    oct_optimize_report orep;
    memset(&orep, 0, sizeof orep);
    st = opts->optimize ? oct_optimize(g, &orep)
                        : oct_optimize_with(g, k_lowering, LOWERING_PASSES, &orep);
    if (!st) st = oct_ir_infer_shapes(g);
  }
  if (!st) st = oct_ir_compact(g);
  if (!st) st = oct_ir_verify(g);
  if (!st && opts->quantize != OCT_QUANT_NONE) {
    st = oct_quantize_graph(g, opts, rep);
    if (!st) st = oct_ir_compact(g);
    if (!st) st = oct_ir_verify(g);
  } else if (!st) {
    rep->quantize = "none";
    oct_quant_drop_fixed(g);
  }
  if (st) {
    set_err(err, in_path, g->err.message);
    return st;
  }
  oct_fbb b;
  oct_fbb_init(&b);
  st = oct_tflite_serialize(g, &b);
  if (st) {
    set_err(err, out_path, g->err.message);
  } else {
    st = oct_file_write_atomic(out_path, oct_fbb_data(&b), oct_fbb_size(&b), err);
    rep->file_bytes = oct_fbb_size(&b);
  }
  oct_fbb_free(&b);
  if (st) return st;
  oct_ir_count_ops(g, after, COUNT_CODES);
  rep->tensors = g->n_tensors;
  for (int t = 0; t < g->n_tensors; t++)
    if (g->tensors[t].data) rep->param_bytes += g->tensors[t].bytes;
  return OCT_OK;
}

oct_status oct_convert_file(const char *in_path, const char *out_path,
                            const oct_convert_options *opts,
                            oct_convert_report *report, oct_error *err) {
  if (err) {
    err->message[0] = '\0';
    err->needed_bytes = 0;
  }
  if (!in_path || !out_path) {
    if (err) snprintf(err->message, sizeof err->message, "oct_convert_file: NULL path");
    return OCT_ERR_INVALID_ARG;
  }
  oct_convert_options defaults;
  oct_convert_options_init(&defaults);
  if (!opts) opts = &defaults;
  oct_convert_report local;
  oct_convert_report *rep = report ? report : &local;
  memset(rep, 0, sizeof *rep);
  int *counts = calloc(2 * COUNT_CODES, sizeof *counts);
  if (!counts) {
    if (err) snprintf(err->message, sizeof err->message, "out of memory");
    return OCT_ERR_NO_MEMORY;
  }
  oct_ir_graph g;
  oct_ir_init(&g);
  const oct_status st = run(&g, in_path, out_path, opts, rep, counts, counts + COUNT_CODES, err);
  if (!st) count_types(rep, counts, counts + COUNT_CODES);
  oct_ir_free(&g);
  free(counts);
  return st;
}
