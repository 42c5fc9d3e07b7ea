/*
 * RESHAPE: the same elements under the model's declared output shape.
 *
 * The new shape (input 1 or the options) only restates what the declared
 * output shape already says, and may be computed at run time; octet trusts
 * the declared shape and checks that the element counts agree. The planner
 * aliases the output onto the input, so eval usually has nothing to do.
 */
#include "shape_util.h"

static oct_status reshape_prepare(oct_ctx *ctx, oct_node *node) {
  oct_status st = oct_shape_check_io(ctx, node, 1, 2, 1);
  if (st) return st;
  return oct_shape_prepare_alias(ctx, node);
}

const oct_op oct_op_reshape = {OCT_OP_RESHAPE, reshape_prepare,
                               oct_shape_eval_alias};
