/*
 * Shared code of the one-input activations: the common checks, RELU and
 * RELU6 (one clamp with different bounds), and LOGISTIC and TANH (the same
 * machinery - an 8-bit table, or one of two int16 algorithms - around a
 * different function).
 */
#ifndef OCT_OPS_UNARY_COMMON_H
#define OCT_OPS_UNARY_COMMON_H

#include "op_api.h"

/* One input, one output of the same type and shape. */
oct_status oct_unary_io(oct_ctx *ctx, const oct_node *node, oct_tensor **in,
                        oct_tensor **out);

/* RELU (hi = +inf) and RELU6 (hi = 6), lo = 0. */
oct_status oct_relu_prepare(oct_ctx *ctx, oct_node *node, float lo, float hi);
oct_status oct_relu_eval(oct_ctx *ctx, oct_node *node);

/* LOGISTIC (is_tanh = 0) and TANH (is_tanh = 1). */
oct_status oct_sigmoid_prepare(oct_ctx *ctx, oct_node *node, int is_tanh);
oct_status oct_sigmoid_eval(oct_ctx *ctx, oct_node *node);

#endif /* OCT_OPS_UNARY_COMMON_H */
