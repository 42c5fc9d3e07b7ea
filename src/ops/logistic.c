/* LOGISTIC: 1 / (1 + exp(-x)); shares TANH's implementation. */
#include "unary_common.h"

static oct_status prepare(oct_ctx *ctx, oct_node *node) {
  return oct_sigmoid_prepare(ctx, node, 0);
}

const oct_op oct_op_logistic = {OCT_OP_LOGISTIC, prepare, oct_sigmoid_eval};
