/*
 * Shared prepare and eval of the float32 math ops the ONNX importer emits:
 * one-input functions (ABS, NEG, EXP, FLOOR, SQRT, RSQRT, GELU) and the
 * broadcasting two-input DIV, POW and PRELU. Each op file only names its
 * kind; the kernels are in kernels/ref/math_f32.c.
 */
#ifndef OCT_OPS_MATH_COMMON_H
#define OCT_OPS_MATH_COMMON_H

#include "../kernels/ref/math_f32.h"
#include "op_api.h"

oct_status oct_math_unary_prepare(oct_ctx *ctx, oct_node *node,
                                  oct_unary_f32_kind kind);
oct_status oct_math_unary_eval(oct_ctx *ctx, oct_node *node);

typedef enum oct_math_binary_kind {
  OCT_MATH_DIV,
  OCT_MATH_POW,
  OCT_MATH_PRELU
} oct_math_binary_kind;

oct_status oct_math_binary_prepare(oct_ctx *ctx, oct_node *node,
                                   oct_math_binary_kind kind);
oct_status oct_math_binary_eval(oct_ctx *ctx, oct_node *node);

#endif /* OCT_OPS_MATH_COMMON_H */
