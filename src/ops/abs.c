/* ABS on float32; all of it lives in math_common.c. */
#include "math_common.h"

static oct_status prepare(oct_ctx *ctx, oct_node *node) {
  return oct_math_unary_prepare(ctx, node, OCT_UNARY_ABS);
}

const oct_op oct_op_abs = {OCT_OP_ABS, prepare, oct_math_unary_eval};
