/*
 * CONV_2D reference kernels: the specification every optimized variant
 * must reproduce (bit-exact for integers, within an error bound for float).
 *
 * Input NHWC [batch, in_h, in_w, in_c], filter [out_c, k_h, k_w, in_c],
 * output NHWC [batch, out_h, out_w, out_c]; bias (out_c entries) may be
 * NULL. Zero padding: taps outside the input contribute nothing, as in
 * TFLite (an 8-bit tap at the input zero point contributes zero).
 *
 * Integer arithmetic is TFLite 2.9's (reference_integer_ops::ConvPerChannel
 * and reference_ops::Conv):
 *   s8:  acc = sum w * (x + input_offset) + bias      (int32)
 *   u8:  acc = sum (w + weight_offset) * (x + input_offset) + bias (int32)
 *   s16: acc = sum w * x + bias                       (int64, 16x8)
 *   out = clamp(mbqm(acc, mult[c], shift[c]) + output_offset, act_min, act_max)
 * with mbqm the int32 or int64 MultiplyByQuantizedMultiplier; the int32
 * one breaks ties of its final shift as q->rounding says (CONV_2D uses
 * OCT_ROUND_UP, as TFLite 2.9 on x86 does; see conv_params.h).
 *
 * `scratch` is unused by the reference kernels (scratch size 0); it is in
 * the signature so that variants needing an im2col or packing buffer keep
 * the same ABI.
 */
#ifndef OCT_KERNELS_REF_CONV_H
#define OCT_KERNELS_REF_CONV_H

#include "conv_params.h"

typedef void (*oct_conv2d_f32_fn)(const oct_conv_dims *d, const oct_act_f32 *a,
                                  const float *restrict in,
                                  const float *restrict w,
                                  const float *restrict bias,
                                  float *restrict out, void *restrict scratch);
typedef void (*oct_conv2d_s8_fn)(const oct_conv_dims *d, const oct_requant *q,
                                 const int8_t *restrict in,
                                 const int8_t *restrict w,
                                 const int32_t *restrict bias,
                                 int8_t *restrict out, void *restrict scratch);
typedef void (*oct_conv2d_u8_fn)(const oct_conv_dims *d, const oct_requant *q,
                                 const uint8_t *restrict in,
                                 const uint8_t *restrict w,
                                 const int32_t *restrict bias,
                                 uint8_t *restrict out, void *restrict scratch);
typedef void (*oct_conv2d_s16_fn)(const oct_conv_dims *d, const oct_requant *q,
                                  const int16_t *restrict in,
                                  const int8_t *restrict w,
                                  const int64_t *restrict bias,
                                  int16_t *restrict out,
                                  void *restrict scratch);

void oct_conv2d_f32_ref(const oct_conv_dims *d, const oct_act_f32 *a,
                        const float *restrict in, const float *restrict w,
                        const float *restrict bias, float *restrict out,
                        void *restrict scratch);
void oct_conv2d_s8_ref(const oct_conv_dims *d, const oct_requant *q,
                       const int8_t *restrict in, const int8_t *restrict w,
                       const int32_t *restrict bias, int8_t *restrict out,
                       void *restrict scratch);
void oct_conv2d_u8_ref(const oct_conv_dims *d, const oct_requant *q,
                       const uint8_t *restrict in, const uint8_t *restrict w,
                       const int32_t *restrict bias, uint8_t *restrict out,
                       void *restrict scratch);
void oct_conv2d_s16_ref(const oct_conv_dims *d, const oct_requant *q,
                        const int16_t *restrict in, const int8_t *restrict w,
                        const int64_t *restrict bias, int16_t *restrict out,
                        void *restrict scratch);

#endif /* OCT_KERNELS_REF_CONV_H */
