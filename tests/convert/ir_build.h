/*
 * Small helpers to build converter graphs (src/convert/ir.h) by hand in
 * tests: tensors of a given shape, constant int32 operands, ops.
 */
#ifndef OCT_TEST_IR_BUILD_H
#define OCT_TEST_IR_BUILD_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/ir.h"

#define IRB_DIMS(...) ((const int32_t[]){__VA_ARGS__})
#define IRB_INTS(...) ((const int[]){__VA_ARGS__})

static int irb_count;

/* A tensor named t<N>; rank -1 for unknown shape. */
static inline int irb_tensor(oct_ir_graph *g, oct_dtype type, int rank,
                             const int32_t *dims) {
  char name[32];
  snprintf(name, sizeof name, "t%d", irb_count++);
  return oct_ir_add_tensor(g, name, type, rank, dims);
}

static inline int irb_unknown(oct_ir_graph *g) {
  return irb_tensor(g, OCT_FLOAT32, -1, NULL);
}

/* A graph input of type float32. */
static inline int irb_input(oct_ir_graph *g, int rank, const int32_t *dims) {
  const int t = irb_tensor(g, OCT_FLOAT32, rank, dims);
  oct_ir_add_input(g, t);
  return t;
}

/* A constant int32 tensor: a vector of n values, or a scalar (n < 0, one
 * value). */
static inline int irb_i32(oct_ir_graph *g, int n, const int32_t *vals) {
  char name[32];
  snprintf(name, sizeof name, "c%d", irb_count++);
  const int32_t d[1] = {n};
  return oct_ir_add_const(g, name, OCT_INT32, n < 0 ? 0 : 1, d, vals);
}

/* A float32 constant filled with 0.5. */
static inline int irb_f32(oct_ir_graph *g, int rank, const int32_t *dims) {
  char name[32];
  snprintf(name, sizeof name, "w%d", irb_count++);
  int64_t n = 1;
  for (int i = 0; i < rank; i++) n *= dims[i];
  float *v = malloc((size_t)n * sizeof *v);
  for (int64_t i = 0; i < n; i++) v[i] = 0.5f;
  const int t = oct_ir_add_const(g, name, OCT_FLOAT32, rank, dims, v);
  free(v);
  return t;
}

static inline int irb_op(oct_ir_graph *g, int code, int n_in, const int *in,
                         int n_out, const int *out) {
  char name[32];
  snprintf(name, sizeof name, "op%d", g->n_ops);
  return oct_ir_add_op(g, code, n_in, in, n_out, out, name);
}

/* 1 if tensor t has exactly this shape. */
static inline int irb_shape_is(const oct_ir_graph *g, int t, int rank,
                               const int32_t *dims) {
  const oct_ir_tensor *x = &g->tensors[t];
  if (x->rank != rank) return 0;
  for (int i = 0; i < rank; i++)
    if (x->dims[i] != dims[i]) return 0;
  return 1;
}

static inline void irb_shape_str(const oct_ir_graph *g, int t, char *buf,
                                 size_t cap) {
  const oct_ir_tensor *x = &g->tensors[t];
  size_t n = (size_t)snprintf(buf, cap, "rank %d [", x->rank);
  for (int i = 0; i < x->rank && n < cap; i++)
    n += (size_t)snprintf(buf + n, cap - n, i ? ",%d" : "%d", (int)x->dims[i]);
  if (n < cap) snprintf(buf + n, cap - n, "]");
}

#endif /* OCT_TEST_IR_BUILD_H */
