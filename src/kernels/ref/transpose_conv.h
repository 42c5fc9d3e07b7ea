/*
 * TRANSPOSE_CONV reference kernels (the specification for optimized
 * variants).
 *
 * Input NHWC [batch, in_h, in_w, in_c], filter [out_c, k_h, k_w, in_c],
 * output NHWC [batch, out_h, out_w, out_c]; bias (out_c entries) may be
 * NULL; dil_* and depth_mult of the dims are unused. Input pixel (iy, ix)
 * through tap (ky, kx) lands on output (iy * stride_h - pad_h + ky,
 * ix * stride_w - pad_w + kx); contributions outside the output are dropped.
 *
 * TFLite's reference kernels scatter each input pixel into a zeroed
 * accumulator buffer the size of the output. These gather instead (each
 * output sums the taps that reach it), which needs no scratch and gives the
 * same integers: the sums are exact (int64) or modulo 2^32 either way.
 * Float sums may differ in rounding order only.
 *
 * Integer arithmetic is TFLite 2.9's (reference_integer_ops::TransposeConv,
 * reference_ops::TransposeConv):
 *   s8:  acc = sum w * (x + input_offset) + bias                  (int32)
 *   u8:  acc = sum (w + weight_offset) * (x + input_offset) + bias (int32)
 *   s16: acc = sum w * x + bias                                   (int64)
 *   out = clamp(mbqm(acc, mult[c], shift[c]) + output_offset, act_min, act_max)
 * The int32 multiply breaks ties as q->rounding says (OCT_ROUND_AWAY for
 * this op, as in TFLite 2.9).
 *
 * `scratch` is unused here (size 0); it keeps the ABI of variants that
 * accumulate in a buffer.
 */
#ifndef OCT_KERNELS_REF_TRANSPOSE_CONV_H
#define OCT_KERNELS_REF_TRANSPOSE_CONV_H

#include "conv_params.h"

typedef void (*oct_tconv2d_f32_fn)(const oct_conv_dims *d, const oct_act_f32 *a,
                                   const float *restrict in,
                                   const float *restrict w,
                                   const float *restrict bias,
                                   float *restrict out, void *restrict scratch);
typedef void (*oct_tconv2d_s8_fn)(const oct_conv_dims *d, const oct_requant *q,
                                  const int8_t *restrict in,
                                  const int8_t *restrict w,
                                  const int32_t *restrict bias,
                                  int8_t *restrict out, void *restrict scratch);
typedef void (*oct_tconv2d_u8_fn)(const oct_conv_dims *d, const oct_requant *q,
                                  const uint8_t *restrict in,
                                  const uint8_t *restrict w,
                                  const int32_t *restrict bias,
                                  uint8_t *restrict out,
                                  void *restrict scratch);
typedef void (*oct_tconv2d_s16_fn)(const oct_conv_dims *d, const oct_requant *q,
                                   const int16_t *restrict in,
                                   const int8_t *restrict w,
                                   const int64_t *restrict bias,
                                   int16_t *restrict out,
                                   void *restrict scratch);

void oct_tconv2d_f32_ref(const oct_conv_dims *d, const oct_act_f32 *a,
                         const float *restrict in, const float *restrict w,
                         const float *restrict bias, float *restrict out,
                         void *restrict scratch);
void oct_tconv2d_s8_ref(const oct_conv_dims *d, const oct_requant *q,
                        const int8_t *restrict in, const int8_t *restrict w,
                        const int32_t *restrict bias, int8_t *restrict out,
                        void *restrict scratch);
void oct_tconv2d_u8_ref(const oct_conv_dims *d, const oct_requant *q,
                        const uint8_t *restrict in, const uint8_t *restrict w,
                        const int32_t *restrict bias, uint8_t *restrict out,
                        void *restrict scratch);
void oct_tconv2d_s16_ref(const oct_conv_dims *d, const oct_requant *q,
                         const int16_t *restrict in, const int8_t *restrict w,
                         const int64_t *restrict bias, int16_t *restrict out,
                         void *restrict scratch);

#endif /* OCT_KERNELS_REF_TRANSPOSE_CONV_H */
