/* NEG on float32; all of it lives in math_common.c. */
#include "math_common.h"

static oct_status prepare(oct_ctx *ctx, oct_node *node) {
  return oct_math_unary_prepare(ctx, node, OCT_UNARY_NEG);
}

const oct_op oct_op_neg = {OCT_OP_NEG, prepare, oct_math_unary_eval};
