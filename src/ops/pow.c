/* POW on float32 with broadcasting; all of it lives in math_common.c. */
#include "math_common.h"

static oct_status prepare(oct_ctx *ctx, oct_node *node) {
  return oct_math_binary_prepare(ctx, node, OCT_MATH_POW);
}

const oct_op oct_op_pow = {OCT_OP_POW, prepare, oct_math_binary_eval};
