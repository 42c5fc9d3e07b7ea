/*
 * Internals shared by the two halves of shape inference: shape_infer.c (the
 * driver, nn ops, elementwise ops) and shape_infer_move.c (data movement,
 * reductions, resizing).
 */
#ifndef OCT_CONVERT_SHAPE_INFER_INTERNAL_H
#define OCT_CONVERT_SHAPE_INFER_INTERNAL_H

#include "convert/ir.h"

typedef struct oct_si_shape {
  int known;
  int rank;
  int32_t dims[OCT_MAX_RANK];
} oct_si_shape;

/* The op being inferred and its computed output shapes. */
typedef struct oct_si_ctx {
  oct_ir_graph *g;
  int index;
  const oct_ir_op *op;
  oct_si_shape *out; /* op->n_outputs entries */
  int unknown_op;    /* set when no rule knows the op: shapes stay declared */
} oct_si_ctx;

/* Records "op <i> (<TYPE> '<name>'): <message>" and returns `code`. */
oct_status oct_si_fail(oct_si_ctx *c, oct_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Input k, or NULL when absent (-1 or past the end). */
const oct_ir_tensor *oct_si_in(const oct_si_ctx *c, int k);
/* Input k, which must be present. */
oct_status oct_si_need(oct_si_ctx *c, int k, const oct_ir_tensor **t);
/* Requires n outputs (-1: at least one). */
oct_status oct_si_outputs(oct_si_ctx *c, int n);
/* Reads a constant int32/int64 tensor into vals (at most max). Returns 1 on
 * success, 0 when `t` is absent or not a constant integer tensor, -1 when
 * it has more than max values. */
int oct_si_const_ints(const oct_ir_tensor *t, int64_t *vals, int max, int *n);
/* Sets output k's shape. Fails when the rank is over OCT_MAX_RANK or a
 * dimension is not positive. */
oct_status oct_si_set(oct_si_ctx *c, int k, int rank, const int32_t *dims);
/* Same shape as `t` on every output. */
oct_status oct_si_same_as(oct_si_ctx *c, const oct_ir_tensor *t);
/* Normalizes `axis` for rank `rank` (negative from the end). */
oct_status oct_si_axis(oct_si_ctx *c, int64_t axis, int rank, const char *what, int *out);

/* shape_infer_move.c: data movement, reductions, resizing; sets
 * c->unknown_op for an op no rule knows. */
oct_status oct_si_infer_move(oct_si_ctx *c);

#endif /* OCT_CONVERT_SHAPE_INFER_INTERNAL_H */
