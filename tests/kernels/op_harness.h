/*
 * Runs one op's prepare and eval without a model file: a fake interpreter
 * holding a few tensors, one node and a small arena, so op-level logic
 * (masks, axis handling, validation, kernel choice) is tested with
 * hand-computed expectations. Used by the tests in tests/kernels/.
 *
 *   oh_t in = oh_tensor(OCT_INT8, 2, (int32_t[]){2, 3}, data);
 *   ...
 *   oh_op op = {0};
 *   oh_add_input(&op, &in); oh_add_output(&op, &out);
 *   oct_status st = oh_run(&op, &oct_op_transpose, OCT_OP_TRANSPOSE, &opts);
 */
#ifndef OCT_TEST_OP_HARNESS_H
#define OCT_TEST_OP_HARNESS_H

#include <string.h>

#include "runtime/interp.h"

#define OH_MAX_T 8

typedef struct oh_t {
  oct_tensor t;
} oh_t;

typedef struct oh_op {
  oct_tensor tensors[OH_MAX_T];
  int32_t in[OH_MAX_T], out[OH_MAX_T];
  int n_in, n_out, n_t;
  char error[256];
} oh_op;

/* A tensor over caller-owned data (constant when is_const). */
static inline oct_tensor oh_tensor(oct_dtype type, int rank,
                                   const int32_t *dims, void *data,
                                   int is_const) {
  oct_tensor t;
  memset(&t, 0, sizeof t);
  t.type = type;
  t.rank = rank;
  size_t n = 1;
  for (int i = 0; i < rank; i++) {
    t.dims[i] = dims[i];
    n *= (size_t)dims[i];
  }
  t.bytes = n * oct_dtype_size(type);
  t.data = data;
  t.is_const = (uint8_t)is_const;
  t.name = is_const ? "const" : "act";
  return t;
}

static inline void oh_quant(oct_tensor *t, float scale, int32_t zp) {
  t->q_count = 1;
  t->scale = scale;
  t->zero_point = zp;
}

static inline int oh_add_input(oh_op *op, const oct_tensor *t) {
  op->tensors[op->n_t] = *t;
  op->in[op->n_in++] = op->n_t;
  return op->n_t++;
}

static inline int oh_add_output(oh_op *op, const oct_tensor *t) {
  op->tensors[op->n_t] = *t;
  op->out[op->n_out++] = op->n_t;
  return op->n_t++;
}

/* Prepares and (when prepare succeeds) evaluates the op. Activation data
 * pointers stay as given: prepare sees them NULLed, as in the runtime, and
 * eval sees them restored. Returns prepare's or eval's status; the message
 * is left in op->error. */
static inline oct_status oh_run(oh_op *op, const oct_op *impl, int32_t builtin,
                                const oct_builtin_options *opts) {
  static _Alignas(64) uint8_t arena[1 << 16];
  static _Alignas(64) uint8_t scratch[1 << 16];
  static struct oct_interp it;
  static oct_scratch_slot slots[OCT_SCRATCH_PER_NODE];
  void *data[OH_MAX_T];
  memset(&it, 0, sizeof it);
  memset(slots, 0, sizeof slots);
  it.magic = OCT_INTERP_MAGIC;
  it.arena = arena;
  it.arena_size = sizeof arena;
  it.tensors = op->tensors;
  it.n_tensors = op->n_t;
  it.scratch = slots;
  it.preparing = 1;
  oct_builtin_options o;
  memset(&o, 0, sizeof o);
  if (opts) o = *opts;
  oct_node node;
  memset(&node, 0, sizeof node);
  node.builtin = builtin;
  node.version = 1;
  node.n_in = op->n_in;
  node.n_out = op->n_out;
  node.in = op->in;
  node.out = op->out;
  node.opts = &o;
  struct oct_ctx ctx = {&it};
  for (int i = 0; i < op->n_t; i++) {
    data[i] = op->tensors[i].data;
    if (!op->tensors[i].is_const) op->tensors[i].data = NULL;
  }
  oct_status st = impl->prepare(&ctx, &node);
  for (int i = 0; i < op->n_t; i++) op->tensors[i].data = data[i];
  it.preparing = 0;
  if (st == OCT_OK) {
    size_t off = 0;
    for (int s = 0; s < node.scratch_count; s++) {
      slots[s].offset = (int64_t)off;
      off += (slots[s].bytes + 63) & ~(size_t)63;
    }
    it.planned = scratch;
    if (off > sizeof scratch) st = OCT_ERR_ARENA_TOO_SMALL;
  }
  if (st == OCT_OK) st = impl->eval(&ctx, &node);
  memcpy(op->error, it.error, sizeof op->error);
  return st;
}

#endif /* OCT_TEST_OP_HARNESS_H */
