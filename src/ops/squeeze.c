/*
 * SQUEEZE: drops size-1 axes (the listed ones, or all of them). Like
 * RESHAPE it shares its input's buffer; prepare checks that the axes exist
 * and are 1 and that the result is the declared output shape.
 */
#include "shape_util.h"

static oct_status squeeze_prepare(oct_ctx *ctx, oct_node *node) {
  oct_status st = oct_shape_check_io(ctx, node, 1, 1, 1);
  if (st) return st;
  const oct_tensor *in = oct_input(ctx, node, 0);
  const oct_tensor *out = oct_output(ctx, node, 0);
  const oct_squeeze_options *o = &node->opts->squeeze;
  uint32_t drop = 0;
  for (int32_t i = 0; i < o->count; i++) {
    int32_t a = 0;
    st = oct_shape_axis(ctx, node, o->dims[i], in->rank, "squeeze axis", &a);
    if (st) return st;
    if (in->dims[a] != 1)
      return oct_fail(ctx, node, OCT_ERR_SHAPE,
                      "squeeze axis %d has size %d, not 1", (int)a,
                      (int)in->dims[a]);
    drop |= 1u << a;
  }
  if (o->count == 0)
    for (int32_t a = 0; a < in->rank; a++)
      if (in->dims[a] == 1) drop |= 1u << a;
  int32_t dims[OCT_MAX_RANK];
  int32_t rank = 0;
  for (int32_t a = 0; a < in->rank; a++)
    if (!(drop & (1u << a))) dims[rank++] = in->dims[a];
  st = oct_check_output_shape(ctx, node, out, rank, dims);
  if (st) return st;
  return oct_shape_prepare_alias(ctx, node);
}

const oct_op oct_op_squeeze = {OCT_OP_SQUEEZE, squeeze_prepare,
                               oct_shape_eval_alias};
