/* MUL: elementwise with broadcasting; all of it lives in binary_common.c. */
#include "binary_common.h"

static oct_status prepare(oct_ctx *ctx, oct_node *node) {
  return oct_binary_prepare(ctx, node, OCT_BINARY_MUL);
}

const oct_op oct_op_mul = {OCT_OP_MUL, prepare, oct_binary_eval};
