/*
 * SUM and REDUCE_MAX on float32 over constant axes (input 1, int32,
 * negative counting from the end, duplicates ignored), keep_dims or not:
 * the shared prepare and eval.
 */
#ifndef OCT_OPS_REDUCE_F32_COMMON_H
#define OCT_OPS_REDUCE_F32_COMMON_H

#include "op_api.h"

oct_status oct_reduce_f32_prepare(oct_ctx *ctx, oct_node *node, int is_max);
oct_status oct_reduce_f32_eval(oct_ctx *ctx, oct_node *node);

#endif /* OCT_OPS_REDUCE_F32_COMMON_H */
