/*
 * EXPAND_DIMS: inserts a size-1 axis at a constant position (input 1, one
 * int32 or int64 value in [-rank-1, rank]). Shares its input's buffer like
 * RESHAPE.
 */
#include "shape_util.h"

static oct_status expand_dims_prepare(oct_ctx *ctx, oct_node *node) {
  oct_status st = oct_shape_check_io(ctx, node, 2, 2, 1);
  if (st) return st;
  const oct_tensor *in = oct_input(ctx, node, 0);
  const oct_tensor *out = oct_output(ctx, node, 0);
  if (in->rank >= OCT_MAX_RANK)
    return oct_fail(ctx, node, OCT_ERR_LIMIT, "rank %d cannot grow",
                    (int)in->rank);
  int64_t axis_v = 0;
  int32_t n = 0, axis = 0;
  st = oct_shape_read_ints(ctx, node, oct_input(ctx, node, 1), "axis", 1,
                           &axis_v, 1, &n);
  if (!st && n != 1)
    st = oct_fail(ctx, node, OCT_ERR_SHAPE, "axis must be one value");
  /* The new axis indexes the output, whose rank is one more. */
  if (!st) st = oct_shape_axis(ctx, node, axis_v, in->rank + 1, "axis", &axis);
  if (st) return st;
  int32_t dims[OCT_MAX_RANK];
  for (int32_t a = 0, k = 0; a <= in->rank; a++)
    dims[a] = a == axis ? 1 : in->dims[k++];
  st = oct_check_output_shape(ctx, node, out, in->rank + 1, dims);
  if (st) return st;
  return oct_shape_prepare_alias(ctx, node);
}

const oct_op oct_op_expand_dims = {OCT_OP_EXPAND_DIMS, expand_dims_prepare,
                                   oct_shape_eval_alias};
