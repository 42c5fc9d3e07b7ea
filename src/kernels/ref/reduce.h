/*
 * Reduction kernels: MEAN and ARG_MAX.
 *
 * MEAN has several integer formulas because TFLite 2.9 does (its built-in
 * MEAN picks a path by type and shape, and octet must match each bit for
 * bit); the op (src/ops/mean.c) chooses, these kernels only compute:
 *
 *  - oct_mean_hw_*: the mean over H and W of an NHWC tensor (keep_dims, the
 *    global-average-pool case). uint8 follows TFLite's optimized kernel: the
 *    raw sum is scaled by one multiplier that folds in 1/count, then a bias
 *    that carries both zero points is added. int8 and int16 follow the
 *    reference integer kernel: the sum of (q - zp_in) is rescaled by
 *    in_scale/out_scale, divided by the count rounding half away from zero,
 *    and zp_out is added. (TFLite 2.9 has no optimized int8 MEAN; measured
 *    against it, the integer reference formula is the one that matches.)
 *  - oct_mean_*_ref: any axes. The sums go to a caller-provided accumulator
 *    (scratch, one per output element) and are then finished either as a
 *    plain truncating integer mean (input and output share quantization) or
 *    with TFLite's float requantization (QuantizedMeanOrSum):
 *    round(mean * in_scale/out_scale - zp_in * in_scale/out_scale) + zp_out.
 *
 * Shapes are described by oct_reduce_params: for each input axis, how far
 * one step moves in the output (0 along reduced axes).
 */
#ifndef OCT_KERNELS_REF_REDUCE_H
#define OCT_KERNELS_REF_REDUCE_H

#include <stdint.h>

#define OCT_REDUCE_MAX_RANK 8

typedef struct oct_reduce_params {
  int32_t rank;
  int32_t in_dims[OCT_REDUCE_MAX_RANK];
  int64_t out_step[OCT_REDUCE_MAX_RANK]; /* 0 along reduced axes */
  int64_t out_count;                     /* output elements */
  int64_t reduce_count; /* input elements summed into each output */
} oct_reduce_params;

typedef struct oct_mean_hw_params {
  int32_t batch, h, w, channels;
  int32_t multiplier, shift; /* Q31 rescale */
  int32_t bias;              /* uint8: added after rescaling */
  int32_t in_zp, out_zp;     /* int8, int16 */
  int32_t out_min, out_max;
} oct_mean_hw_params;

void oct_mean_hw_f32_ref(const oct_mean_hw_params *p, const float *in,
                         float *out);
void oct_mean_hw_u8_ref(const oct_mean_hw_params *p, const uint8_t *in,
                        uint8_t *out);
void oct_mean_hw_s8_ref(const oct_mean_hw_params *p, const int8_t *in,
                        int8_t *out);
void oct_mean_hw_s16_ref(const oct_mean_hw_params *p, const int16_t *in,
                         int16_t *out);

/* How a general quantized mean is finished. */
typedef struct oct_mean_quant {
  int32_t plain;     /* 1: out = sum / count, truncated toward zero */
  float scale, bias; /* else: round(mean * scale + bias) + out_zp */
  int32_t out_zp, out_min, out_max;
} oct_mean_quant;

/* Scratch needed by the general kernels: one accumulator per output. */
static inline int64_t oct_mean_scratch_bytes(const oct_reduce_params *p) {
  return p->out_count * 8;
}

void oct_mean_f32_ref(const oct_reduce_params *p, const float *in, float *out,
                      void *scratch);
void oct_mean_s32_ref(const oct_reduce_params *p, const int32_t *in,
                      int32_t *out, void *scratch);
void oct_mean_u8_ref(const oct_reduce_params *p, const oct_mean_quant *q,
                     const uint8_t *in, uint8_t *out, void *scratch);
void oct_mean_s8_ref(const oct_reduce_params *p, const oct_mean_quant *q,
                     const int8_t *in, int8_t *out, void *scratch);
void oct_mean_s16_ref(const oct_reduce_params *p, const oct_mean_quant *q,
                      const int16_t *in, int16_t *out, void *scratch);

/* ARG_MAX over the middle axis of [outer, axis, inner]; the first index wins
 * ties (and a leading NaN, as in TFLite). Output int32 or int64. */
typedef struct oct_arg_params {
  int64_t outer, inner;
  int32_t axis;
  int32_t out_i64; /* 1: int64 output, else int32 */
} oct_arg_params;

void oct_argmax_f32_ref(const oct_arg_params *p, const float *in, void *out);
void oct_argmax_u8_ref(const oct_arg_params *p, const uint8_t *in, void *out);
void oct_argmax_s8_ref(const oct_arg_params *p, const int8_t *in, void *out);
void oct_argmax_s16_ref(const oct_arg_params *p, const int16_t *in, void *out);
void oct_argmax_s32_ref(const oct_arg_params *p, const int32_t *in, void *out);
void oct_argmax_s64_ref(const oct_arg_params *p, const int64_t *in, void *out);
void oct_argmax_bool_ref(const oct_arg_params *p, const uint8_t *in, void *out);

#endif /* OCT_KERNELS_REF_REDUCE_H */
