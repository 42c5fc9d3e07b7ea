/* TANH; shares LOGISTIC's implementation. */
#include "unary_common.h"

static oct_status prepare(oct_ctx *ctx, oct_node *node) {
  return oct_sigmoid_prepare(ctx, node, 1);
}

const oct_op oct_op_tanh = {OCT_OP_TANH, prepare, oct_sigmoid_eval};
