/*
 * 2-D pooling kernels on NHWC tensors: average and max, for float32, uint8,
 * int8 and int16.
 *
 * Windows are clipped to the input: padding contributes nothing, and an
 * average divides by the number of input elements the window covers
 * (TFLite's definition). Integer averages round to nearest with ties away
 * from zero, (sum +- count/2) / count, exactly as TFLite's reference and
 * optimized kernels do, then clamp to [act_min, act_max]. Quantized pooling
 * never rescales: it works on stored values, as TFLite does.
 *
 * The op (src/ops/pool_common.c) computes the output size and padding in
 * prepare; every window is known to cover at least one input element.
 */
#ifndef OCT_KERNELS_REF_POOLING_H
#define OCT_KERNELS_REF_POOLING_H

#include <stdint.h>

typedef struct oct_pool_params {
  int32_t batch, in_h, in_w, channels;
  int32_t out_h, out_w;
  int32_t filter_h, filter_w;
  int32_t stride_h, stride_w;
  int32_t pad_h, pad_w;       /* leading padding (top, left) */
  int32_t act_min, act_max;   /* integer kernels: clamp range */
  float act_min_f, act_max_f; /* float kernels */
} oct_pool_params;

void oct_avgpool_f32_ref(const oct_pool_params *p, const float *in, float *out);
void oct_avgpool_u8_ref(const oct_pool_params *p, const uint8_t *in,
                        uint8_t *out);
void oct_avgpool_s8_ref(const oct_pool_params *p, const int8_t *in,
                        int8_t *out);
void oct_avgpool_s16_ref(const oct_pool_params *p, const int16_t *in,
                         int16_t *out);

void oct_maxpool_f32_ref(const oct_pool_params *p, const float *in, float *out);
void oct_maxpool_u8_ref(const oct_pool_params *p, const uint8_t *in,
                        uint8_t *out);
void oct_maxpool_s8_ref(const oct_pool_params *p, const int8_t *in,
                        int8_t *out);
void oct_maxpool_s16_ref(const oct_pool_params *p, const int16_t *in,
                         int16_t *out);

#endif /* OCT_KERNELS_REF_POOLING_H */
