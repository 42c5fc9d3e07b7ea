/*
 * DEPTHWISE_CONV_2D reference kernels (the specification for optimized
 * variants).
 *
 * Input NHWC [batch, in_h, in_w, in_c], filter [1, k_h, k_w, out_c] with
 * out_c = in_c * depth_mult, output NHWC [batch, out_h, out_w, out_c].
 * Output channel c = ic * depth_mult + m reads input channel ic only.
 * Bias (out_c entries) may be NULL.
 *
 * Integer arithmetic is TFLite 2.9's (reference_integer_ops::
 * DepthwiseConvPerChannel, reference_ops::DepthwiseConv with away-from-zero
 * rounding, which is what x86 builds use):
 *   s8:  acc = sum w * (x + input_offset) + bias                  (int32)
 *   u8:  acc = sum (w + weight_offset) * (x + input_offset) + bias (int32)
 *   s16: acc = sum w * x + bias                                   (int64)
 *   out = clamp(mbqm(acc, mult[c], shift[c]) + output_offset, act_min, act_max)
 * The int32 multiply breaks ties as q->rounding says (OCT_ROUND_AWAY for
 * this op, as in TFLite 2.9).
 *
 * `scratch` is unused here (size 0); it keeps the ABI of variants that need
 * one.
 */
#ifndef OCT_KERNELS_REF_DEPTHWISE_CONV_H
#define OCT_KERNELS_REF_DEPTHWISE_CONV_H

#include "conv_params.h"

typedef void (*oct_dwconv2d_f32_fn)(
    const oct_conv_dims *d, const oct_act_f32 *a, const float *restrict in,
    const float *restrict w, const float *restrict bias, float *restrict out,
    void *restrict scratch);
typedef void (*oct_dwconv2d_s8_fn)(const oct_conv_dims *d, const oct_requant *q,
                                   const int8_t *restrict in,
                                   const int8_t *restrict w,
                                   const int32_t *restrict bias,
                                   int8_t *restrict out,
                                   void *restrict scratch);
typedef void (*oct_dwconv2d_u8_fn)(const oct_conv_dims *d, const oct_requant *q,
                                   const uint8_t *restrict in,
                                   const uint8_t *restrict w,
                                   const int32_t *restrict bias,
                                   uint8_t *restrict out,
                                   void *restrict scratch);
typedef void (*oct_dwconv2d_s16_fn)(
    const oct_conv_dims *d, const oct_requant *q, const int16_t *restrict in,
    const int8_t *restrict w, const int64_t *restrict bias,
    int16_t *restrict out, void *restrict scratch);

void oct_dwconv2d_f32_ref(const oct_conv_dims *d, const oct_act_f32 *a,
                          const float *restrict in, const float *restrict w,
                          const float *restrict bias, float *restrict out,
                          void *restrict scratch);
void oct_dwconv2d_s8_ref(const oct_conv_dims *d, const oct_requant *q,
                         const int8_t *restrict in, const int8_t *restrict w,
                         const int32_t *restrict bias, int8_t *restrict out,
                         void *restrict scratch);
void oct_dwconv2d_u8_ref(const oct_conv_dims *d, const oct_requant *q,
                         const uint8_t *restrict in, const uint8_t *restrict w,
                         const int32_t *restrict bias, uint8_t *restrict out,
                         void *restrict scratch);
void oct_dwconv2d_s16_ref(const oct_conv_dims *d, const oct_requant *q,
                          const int16_t *restrict in, const int8_t *restrict w,
                          const int64_t *restrict bias, int16_t *restrict out,
                          void *restrict scratch);

#endif /* OCT_KERNELS_REF_DEPTHWISE_CONV_H */
