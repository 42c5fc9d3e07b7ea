/* RELU6: min(max(x, 0), 6); shares RELU's implementation. */
#include "unary_common.h"

static oct_status prepare(oct_ctx *ctx, oct_node *node) {
  return oct_relu_prepare(ctx, node, 0.0f, 6.0f);
}

const oct_op oct_op_relu6 = {OCT_OP_RELU6, prepare, oct_relu_eval};
