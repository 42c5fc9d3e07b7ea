/*
 * TRANSPOSE: output axis i is input axis perm[i] (perm a constant int32
 * tensor, rank up to 6 as in TFLite). One strided copy.
 */
#include "shape_util.h"

#include "../kernels/ref/transform.h"

#define OCT_TRANSPOSE_MAX_RANK 6

static oct_status transpose_prepare(oct_ctx *ctx, oct_node *node) {
  oct_status st = oct_shape_check_io(ctx, node, 2, 2, 1);
  if (st) return st;
  const oct_tensor *in = oct_input(ctx, node, 0);
  const oct_tensor *out = oct_output(ctx, node, 0);
  int32_t es = 0;
  st = oct_shape_same_type(ctx, node, in, out, &es);
  if (st) return st;
  if (in->rank > OCT_TRANSPOSE_MAX_RANK)
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED, "rank %d exceeds %d",
                    (int)in->rank, OCT_TRANSPOSE_MAX_RANK);
  int64_t vals[OCT_MAX_RANK];
  int32_t n = 0;
  st = oct_shape_read_ints(ctx, node, oct_input(ctx, node, 1), "perm", 1, vals,
                           OCT_MAX_RANK, &n);
  if (st) return st;
  if (n != in->rank)
    return oct_fail(ctx, node, OCT_ERR_SHAPE, "perm has %d entries for rank %d",
                    (int)n, (int)in->rank);
  int32_t perm[OCT_MAX_RANK], dims[OCT_MAX_RANK];
  uint32_t seen = 0;
  for (int32_t i = 0; i < n; i++) {
    if (vals[i] < 0 || vals[i] >= n || (seen & (1u << vals[i])))
      return oct_fail(ctx, node, OCT_ERR_SHAPE,
                      "perm is not a permutation of 0..%d", (int)n - 1);
    seen |= 1u << vals[i];
    perm[i] = (int32_t)vals[i];
    dims[i] = in->dims[perm[i]];
  }
  st = oct_check_output_shape(ctx, node, out, n, dims);
  if (st) return st;
  oct_strided_copy_params p;
  oct_transpose_params(n, in->dims, perm, es, &p);
  return oct_shape_set_strided(ctx, node, &p);
}

const oct_op oct_op_transpose = {OCT_OP_TRANSPOSE, transpose_prepare,
                                 oct_shape_eval_strided};
