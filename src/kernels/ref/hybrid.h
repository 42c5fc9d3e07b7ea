/*
 * Hybrid reference kernels: float32 activations, int8 weights, float32
 * bias and output ("dynamic range" quantization). The float input is
 * quantized to int8 on the fly, the dot products run in int32 and are
 * rescaled to float, as TFLite 2.9's hybrid kernels do, with the same
 * rounding, so that octet and TFLite agree to the last bit or two:
 *
 *   symmetric (per row):  range = max|x|; s = range / 127;
 *                         q = clamp(round(x * (127 / range)), -127, 127)
 *                         (range 0: q = 0, s = 1)
 *   asymmetric (per row): [lo, hi] = [min(0, min x), max(0, max x)] in
 *                         double; s = (hi - lo) / 255; zero point z from
 *                         the endpoint with the smaller error, nudged into
 *                         [-128, 127]; q = clamp(round(z + x * (1 / s)))
 *                         (lo == hi: q = 0, s = 1, z = 0)
 *   NaN inputs quantize to -127 (symmetric) or 127 (asymmetric), what
 *   TFLite 2.9's casts and clamps give on x86
 *   acc = sum w * (q - z)  (int32; TFLite subtracts z * row sum)
 *
 * The float epilogues follow TFLite's order of operations:
 *   FULLY_CONNECTED, CONV_2D:   out = act(bias + (float)acc * (s * s_w[c]))
 *   DEPTHWISE_CONV_2D:          out = act(((float)acc * s) * s_w[c] + bias)
 * A "row" is one batch row of FULLY_CONNECTED and one whole image (batch
 * entry) of CONV_2D and DEPTHWISE_CONV_2D. Padding contributes 0 (TFLite
 * pads with the zero point).
 *
 * Scratch (from the arena, sized by oct_hybrid_scratch_bytes): the
 * quantized input, then per-row scales and zero points.
 */
#ifndef OCT_KERNELS_REF_HYBRID_H
#define OCT_KERNELS_REF_HYBRID_H

#include "conv_params.h"

typedef struct oct_hybrid_params {
  const float *w_scale; /* out_c weight scales (per-tensor broadcast) */
  int32_t asymmetric;   /* quantize the input with a zero point */
} oct_hybrid_params;

/* Scratch bytes for `rows` rows of `row_len` inputs. */
size_t oct_hybrid_scratch_bytes(int32_t rows, int64_t row_len);

/* A row's parameters from its min and max (as the quantizers below find
 * them): *scale, *zp and *inv, the multiplier the rounding uses. 0 when
 * the row quantizes to all zeros (scale 1, zero point 0). */
int oct_hybrid_params_sym(float lo, float hi, float *scale, float *inv);
int oct_hybrid_params_asym(float mn, float mx, float *scale, int32_t *zp,
                           float *inv);

/* Quantizes n floats; *scale (and *zp) receive the row's parameters. */
void oct_hybrid_quantize_sym(const float *restrict x, int64_t n,
                             int8_t *restrict q, float *scale);
void oct_hybrid_quantize_asym(const float *restrict x, int64_t n,
                              int8_t *restrict q, float *scale, int32_t *zp);

typedef void (*oct_fc_hybrid_fn)(const oct_fc_dims *d, const oct_act_f32 *a,
                                 const oct_hybrid_params *h,
                                 const float *restrict in,
                                 const int8_t *restrict w,
                                 const float *restrict bias,
                                 float *restrict out, void *restrict scratch);
typedef void (*oct_conv_hybrid_fn)(const oct_conv_dims *d, const oct_act_f32 *a,
                                   const oct_hybrid_params *h,
                                   const float *restrict in,
                                   const int8_t *restrict w,
                                   const float *restrict bias,
                                   float *restrict out, void *restrict scratch);

void oct_fc_hybrid_ref(const oct_fc_dims *d, const oct_act_f32 *a,
                       const oct_hybrid_params *h, const float *restrict in,
                       const int8_t *restrict w, const float *restrict bias,
                       float *restrict out, void *restrict scratch);
void oct_conv2d_hybrid_ref(const oct_conv_dims *d, const oct_act_f32 *a,
                           const oct_hybrid_params *h, const float *restrict in,
                           const int8_t *restrict w, const float *restrict bias,
                           float *restrict out, void *restrict scratch);
void oct_dwconv2d_hybrid_ref(const oct_conv_dims *d, const oct_act_f32 *a,
                             const oct_hybrid_params *h,
                             const float *restrict in, const int8_t *restrict w,
                             const float *restrict bias, float *restrict out,
                             void *restrict scratch);

#endif /* OCT_KERNELS_REF_HYBRID_H */
