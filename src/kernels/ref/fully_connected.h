/*
 * FULLY_CONNECTED reference kernels (the specification for optimized
 * variants).
 *
 * Input [batch, depth] (any input rank, flattened by the op), weights
 * [out_c, depth] row-major, output [batch, out_c]; bias (out_c entries) may
 * be NULL.
 *
 * Integer arithmetic is TFLite 2.9's (reference_integer_ops::FullyConnected,
 * reference_ops::FullyConnected); unlike conv, the weight offset applies to
 * int8 and int16x8 too:
 *   8-bit: acc = sum (w + weight_offset) * (x + input_offset) + bias (int32)
 *   s16:   acc = sum (w + weight_offset) * x + bias                  (int64)
 *   out = clamp(mbqm(acc, mult[c], shift[c]) + output_offset, act_min, act_max)
 * The int32 multiply breaks ties as q->rounding says (OCT_ROUND_UP for
 * this op, as TFLite 2.9 on x86 does; see conv_params.h).
 *
 * `scratch` is unused here (size 0); it keeps the ABI of variants that need
 * one (e.g. packed or transposed weights).
 */
#ifndef OCT_KERNELS_REF_FULLY_CONNECTED_H
#define OCT_KERNELS_REF_FULLY_CONNECTED_H

#include "conv_params.h"

typedef void (*oct_fc_f32_fn)(const oct_fc_dims *d, const oct_act_f32 *a,
                              const float *restrict in, const float *restrict w,
                              const float *restrict bias, float *restrict out,
                              void *restrict scratch);
typedef void (*oct_fc_s8_fn)(const oct_fc_dims *d, const oct_requant *q,
                             const int8_t *restrict in,
                             const int8_t *restrict w,
                             const int32_t *restrict bias, int8_t *restrict out,
                             void *restrict scratch);
typedef void (*oct_fc_u8_fn)(const oct_fc_dims *d, const oct_requant *q,
                             const uint8_t *restrict in,
                             const uint8_t *restrict w,
                             const int32_t *restrict bias,
                             uint8_t *restrict out, void *restrict scratch);
typedef void (*oct_fc_s16_fn)(const oct_fc_dims *d, const oct_requant *q,
                              const int16_t *restrict in,
                              const int8_t *restrict w,
                              const int64_t *restrict bias,
                              int16_t *restrict out, void *restrict scratch);

void oct_fc_f32_ref(const oct_fc_dims *d, const oct_act_f32 *a,
                    const float *restrict in, const float *restrict w,
                    const float *restrict bias, float *restrict out,
                    void *restrict scratch);
void oct_fc_s8_ref(const oct_fc_dims *d, const oct_requant *q,
                   const int8_t *restrict in, const int8_t *restrict w,
                   const int32_t *restrict bias, int8_t *restrict out,
                   void *restrict scratch);
void oct_fc_u8_ref(const oct_fc_dims *d, const oct_requant *q,
                   const uint8_t *restrict in, const uint8_t *restrict w,
                   const int32_t *restrict bias, uint8_t *restrict out,
                   void *restrict scratch);
void oct_fc_s16_ref(const oct_fc_dims *d, const oct_requant *q,
                    const int16_t *restrict in, const int8_t *restrict w,
                    const int64_t *restrict bias, int16_t *restrict out,
                    void *restrict scratch);

#endif /* OCT_KERNELS_REF_FULLY_CONNECTED_H */
