/* EXP on float32; all of it lives in math_common.c. */
#include "math_common.h"

static oct_status prepare(oct_ctx *ctx, oct_node *node) {
  return oct_math_unary_prepare(ctx, node, OCT_UNARY_EXP);
}

const oct_op oct_op_exp = {OCT_OP_EXP, prepare, oct_math_unary_eval};
