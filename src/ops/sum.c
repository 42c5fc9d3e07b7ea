/* SUM on float32; all of it lives in reduce_f32_common.c. */
#include "reduce_f32_common.h"

static oct_status prepare(oct_ctx *ctx, oct_node *node) {
  return oct_reduce_f32_prepare(ctx, node, 0);
}

const oct_op oct_op_sum = {OCT_OP_SUM, prepare, oct_reduce_f32_eval};
