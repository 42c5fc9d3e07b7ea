/*
 * What AVERAGE_POOL_2D and MAX_POOL_2D share: the whole prepare (options,
 * output size and padding, quantization checks, clamp range) and eval's
 * dispatch on the element type. Each op file only names its kind.
 */
#ifndef OCT_OPS_POOL_UTIL_H
#define OCT_OPS_POOL_UTIL_H

#include "op_api.h"

typedef enum oct_pool_kind { OCT_POOL_AVG, OCT_POOL_MAX } oct_pool_kind;

oct_status oct_pool_prepare(oct_ctx *ctx, oct_node *node, oct_pool_kind kind);
oct_status oct_pool_eval(oct_ctx *ctx, oct_node *node);

#endif /* OCT_OPS_POOL_UTIL_H */
