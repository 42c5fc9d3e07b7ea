/* RELU: max(x, 0); quantized as TFLite's ReluX (requantize, then clamp). */
#include "unary_common.h"

static oct_status prepare(oct_ctx *ctx, oct_node *node) {
  return oct_relu_prepare(ctx, node, 0.0f, OCT_INFINITY);
}

const oct_op oct_op_relu = {OCT_OP_RELU, prepare, oct_relu_eval};
