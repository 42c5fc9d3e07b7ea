/*
 * Float32 elementwise math the ONNX importer emits: the one-input functions
 * (ABS, NEG, EXP, FLOOR, SQRT, RSQRT, GELU) and the broadcasting DIV, POW
 * and PRELU. Float only: TFLite's integer variants of these ops are not
 * produced by the converter.
 */
#ifndef OCT_KERNELS_MATH_F32_H
#define OCT_KERNELS_MATH_F32_H

#include <stdint.h>

#include "binary.h"

typedef enum oct_unary_f32_kind {
  OCT_UNARY_ABS,
  OCT_UNARY_NEG,
  OCT_UNARY_EXP,
  OCT_UNARY_FLOOR,
  OCT_UNARY_SQRT,
  OCT_UNARY_RSQRT,
  OCT_UNARY_GELU,        /* exact: x/2 (1 + erf(x / sqrt 2)) */
  OCT_UNARY_GELU_TANH    /* approximate: x/2 (1 + tanh(sqrt(2/pi)(x + 0.044715 x^3))) */
} oct_unary_f32_kind;

void oct_unary_f32_ref(oct_unary_f32_kind kind, int64_t n, const float *in,
                       float *out);

/* in1 / in2 (IEEE: x/0 is +-inf or NaN), then the fused clamp. */
void oct_div_f32_ref(const oct_arith_f32_params *p, const oct_bcast_shape *b,
                     const float *in1, const float *in2, float *out);
/* powf(in1, in2). */
void oct_pow_f32_ref(const oct_bcast_shape *b, const float *in1,
                     const float *in2, float *out);
/* x >= 0 ? x : alpha * x, alpha broadcast against x. */
void oct_prelu_f32_ref(const oct_bcast_shape *b, const float *in,
                       const float *alpha, float *out);

#endif /* OCT_KERNELS_MATH_F32_H */
