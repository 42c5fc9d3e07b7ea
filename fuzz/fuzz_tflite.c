/* Harness body for .tflite files: the runtime's whole load path and one
 * invoke, then the converter's importer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "convert/ir.h"
#include "convert/shape_infer.h"
#include "convert/tflite_import.h"
#include "fuzz_check.h"
#include "fuzz_targets.h"
#include "octet/octet.h"

/* Over these the model is only loaded, not run: a fuzzer wants many small
 * runs, and a valid model may legitimately need gigabytes or minutes. */
#define ARENA_CAP ((size_t)16 << 20)
#define WORK_CAP 20000000.0

static double elems(const oct_tensor_info *t) {
  double n = 1;
  for (int d = 0; d < t->rank; d++) n *= t->dims[d] > 0 ? t->dims[d] : 1;
  return n;
}

/* A generous upper bound on an invoke's inner-loop count: every output
 * element may read every element of the op's largest input. */
static double work_bound(const oct_interp *it) {
  double total = 0;
  for (int op = 0; op < oct_interp_op_count(it); op++) {
    oct_op_info oi;
    if (oct_interp_op_info(it, op, &oi)) return WORK_CAP * 2;
    double out = 0, in = 1;
    for (int k = 0; k < oi.output_count; k++) {
      oct_tensor_info ti;
      if (oi.outputs[k] >= 0 && !oct_interp_tensor_info(it, oi.outputs[k], &ti))
        out += elems(&ti);
    }
    for (int k = 0; k < oi.input_count; k++) {
      oct_tensor_info ti;
      if (oi.inputs[k] >= 0 && !oct_interp_tensor_info(it, oi.inputs[k], &ti) &&
          elems(&ti) > in)
        in = elems(&ti);
    }
    total += (out + 1) * in;
  }
  return total;
}

/* Returns whether the runtime accepted the model (whatever its arena). */
static int run_runtime(const uint8_t *model, size_t size) {
  size_t need = 0;
  oct_error err;
  memset(&err, 0, sizeof err);
  oct_status st = oct_arena_size(model, size, NULL, &need, &err);
  if (st != OCT_OK) {
    OCT_FUZZ_REQUIRE(err.message[0] != '\0', "status %d without a message", (int)st);
    return 0;
  }
  if (need > ARENA_CAP) return 1; /* valid, but too big to run here */
  void *arena = NULL;
  if (posix_memalign(&arena, OCT_ARENA_ALIGN, need ? need : OCT_ARENA_ALIGN)) abort();
  oct_interp *it = NULL;
  st = oct_interp_init(&it, model, size, arena, need, NULL, &err);
  OCT_FUZZ_REQUIRE(st == OCT_OK, "sized model failed to init: %s", err.message);
  if (work_bound(it) <= WORK_CAP) {
    for (int i = 0; i < oct_interp_input_count(it); i++) {
      oct_tensor_info ti;
      if (oct_interp_tensor_info(it, oct_interp_input_index(it, i), &ti)) continue;
      void *p = oct_interp_input_data(it, i);
      if (p) memset(p, 0, ti.bytes);
    }
    st = oct_interp_invoke(it);
    OCT_FUZZ_REQUIRE(st == OCT_OK || oct_interp_error(it)[0] != '\0',
                     "invoke failed (%d) without a message", (int)st);
  }
  free(arena);
  return 1;
}

static void run_importer(const uint8_t *model, size_t size) {
  oct_ir_graph g;
  oct_ir_init(&g);
  oct_status st = oct_tflite_import(model, size, &g);
  if (!st) st = oct_ir_infer_shapes(&g);
  if (!st) st = oct_ir_verify(&g);
  OCT_FUZZ_REQUIRE(st == OCT_OK || g.err.message[0] != '\0',
                   "importer status %d without a message", (int)st);
  oct_ir_free(&g);
}

int oct_fuzz_tflite(const uint8_t *data, size_t size) {
  /* A private, exactly sized copy: any read past the end hits a redzone. */
  uint8_t *model = malloc(size ? size : 1);
  if (!model) return 0;
  if (size) memcpy(model, data, size);
  /* The importer takes no activation memory (oct_interp_init_records),
   * so it also gets the valid models too big for ARENA_CAP. */
  if (run_runtime(model, size)) run_importer(model, size);
  free(model);
  return 0;
}
