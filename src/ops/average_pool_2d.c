/* AVERAGE_POOL_2D; the shared logic is in pool_util.c. */
#include "pool_util.h"

static oct_status avgpool_prepare(oct_ctx *ctx, oct_node *node) {
  return oct_pool_prepare(ctx, node, OCT_POOL_AVG);
}

const oct_op oct_op_average_pool_2d = {OCT_OP_AVERAGE_POOL_2D, avgpool_prepare,
                                       oct_pool_eval};
