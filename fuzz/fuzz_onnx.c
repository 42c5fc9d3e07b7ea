/* Harness body for ONNX models: the converter pipeline as
 * oct_convert_file runs it (src/convert/convert.c), writing to memory, and
 * the written file through the runtime's verifier. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "convert/ir.h"
#include "convert/onnx/onnx_import.h"
#include "convert/passes.h"
#include "convert/shape_infer.h"
#include "convert/tflite_writer.h"
#include "fuzz_check.h"
#include "fuzz_targets.h"
#include "io/fb_builder.h"
#include "octet/convert.h"
#include "octet/octet.h"
#include "quant/quantize.h"

#define FUZZ_MAX_OPS 400

static void check_written(const uint8_t *bytes, size_t size) {
  size_t need = 0;
  oct_error err;
  memset(&err, 0, sizeof err);
  const oct_status st = oct_arena_size(bytes, size, NULL, &need, &err);
  OCT_FUZZ_REQUIRE(st == OCT_OK || err.message[0] != '\0',
                   "written model: status %d without a message", (int)st);
}

/* Real models materialize hundreds of MB of constants; the fuzzer wants
 * fast runs, so the importer's cap is 8 MB unless OCT_FUZZ_ONNX_CAP_MB says
 * otherwise (the release sweep of real models raises it). */
static size_t const_cap(void) {
  const char *e = getenv("OCT_FUZZ_ONNX_CAP_MB");
  const long mb = e ? strtol(e, NULL, 10) : 0;
  return (size_t)(mb > 0 ? mb : 8) << 20;
}

int oct_fuzz_onnx(const uint8_t *data, size_t size) {
  uint8_t *bytes = malloc(size ? size : 1);
  if (!bytes) return 0;
  if (size) memcpy(bytes, data, size);
  /* The size picks the options, so one corpus covers the layouts and the
   * weight-only quantizers (which need no calibration data). */
  oct_onnx_options o;
  memset(&o, 0, sizeof o);
  o.nhwc_io = (int)(size & 1);
  o.max_const_bytes = const_cap();
  oct_convert_options copts;
  oct_convert_options_init(&copts);
  const oct_quant_mode modes[4] = {OCT_QUANT_NONE, OCT_QUANT_NONE,
                                   OCT_QUANT_WEIGHTS_INT8, OCT_QUANT_FLOAT16};
  copts.quantize = modes[(size >> 1) & 3];

  oct_ir_graph g;
  oct_ir_init(&g);
  oct_status st = oct_onnx_import(bytes, size, &o, &g);
  free(bytes);
  if (!st) st = oct_ir_infer_shapes(&g);
  /* The passes scan the graph per op (quadratic): big graphs are real
   * (densenet121 has ~1000 ops) but too slow for fuzzing under ASan. */
  if (!st && g.n_ops > FUZZ_MAX_OPS) {
    oct_ir_free(&g);
    return 0;
  }
  if (!st) {
    oct_optimize_report rep;
    memset(&rep, 0, sizeof rep);
    st = oct_optimize(&g, &rep);
  }
  if (!st) st = oct_ir_infer_shapes(&g);
  if (!st) st = oct_ir_compact(&g);
  if (!st) st = oct_ir_verify(&g);
  if (!st && copts.quantize != OCT_QUANT_NONE) {
    st = oct_quantize_graph(&g, &copts, NULL);
    if (!st) st = oct_ir_compact(&g);
    if (!st) st = oct_ir_verify(&g);
  }
  if (!st) {
    oct_fbb b;
    oct_fbb_init(&b);
    st = oct_tflite_serialize(&g, &b);
    if (!st) check_written(oct_fbb_data(&b), oct_fbb_size(&b));
    oct_fbb_free(&b);
  }
  OCT_FUZZ_REQUIRE(st == OCT_OK || g.err.message[0] != '\0',
                   "status %d without a message", (int)st);
  oct_ir_free(&g);
  return 0;
}
