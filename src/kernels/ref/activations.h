/*
 * Elementwise activation kernels: RELU/RELU6 (clamps), LEAKY_RELU,
 * HARD_SWISH, LOGISTIC, TANH, and the 256-entry lookup table that TFLite's
 * built-in kernels use for 8-bit LOGISTIC and TANH.
 *
 * All kernels take an element count and flat arrays (activations are
 * shape-agnostic). Integer kernels reproduce TFLite 2.9's built-in kernels
 * bit for bit; the params structs say which formula each one follows.
 */
#ifndef OCT_KERNELS_ACTIVATIONS_H
#define OCT_KERNELS_ACTIVATIONS_H

#include <stddef.h>
#include <stdint.h>

/* ---- float ---- */

/* y = min(max(x, lo), hi); NaN passes through. */
void oct_clamp_f32_ref(float lo, float hi, size_t n, const float *in,
                       float *out);
/* y = x > 0 ? x : x * alpha */
void oct_leaky_relu_f32_ref(float alpha, size_t n, const float *in, float *out);
/* y = x * min(6, max(0, x + 3)) / 6 */
void oct_hard_swish_f32_ref(size_t n, const float *in, float *out);
void oct_logistic_f32_ref(size_t n, const float *in, float *out);
void oct_tanh_f32_ref(size_t n, const float *in, float *out);

/* ---- quantized RELU / RELU6 (TFLite ReluX) ----
 *   y = clamp(out_offset + mbqm(x - in_offset, mult, shift), act_min, act_max)
 */
typedef struct oct_relu_quant_params {
  int32_t in_offset, out_offset; /* the zero points */
  int32_t mult;
  int32_t shift;
  int32_t act_min, act_max;
} oct_relu_quant_params;

void oct_relu_s8_ref(const oct_relu_quant_params *p, size_t n, const int8_t *in,
                     int8_t *out);
void oct_relu_u8_ref(const oct_relu_quant_params *p, size_t n,
                     const uint8_t *in, uint8_t *out);
void oct_relu_s16_ref(const oct_relu_quant_params *p, size_t n,
                      const int16_t *in, int16_t *out);

/* ---- quantized LEAKY_RELU (TFLite QuantizeLeakyRelu) ----
 *   d = x - in_offset
 *   y = clamp_type(out_offset + mbqm(d, d >= 0 ? identity : alpha))
 */
typedef struct oct_leaky_relu_quant_params {
  int32_t in_offset, out_offset;
  int32_t mult_identity, shift_identity;
  int32_t mult_alpha, shift_alpha;
} oct_leaky_relu_quant_params;

void oct_leaky_relu_s8_ref(const oct_leaky_relu_quant_params *p, size_t n,
                           const int8_t *in, int8_t *out);
void oct_leaky_relu_u8_ref(const oct_leaky_relu_quant_params *p, size_t n,
                           const uint8_t *in, uint8_t *out);
void oct_leaky_relu_s16_ref(const oct_leaky_relu_quant_params *p, size_t n,
                            const int16_t *in, int16_t *out);

/* ---- quantized HARD_SWISH (TFLite reference_ops::HardSwish) ----
 * 16-bit fixed point: the input at 2^7 finer resolution, a "relu-ish"
 * factor in [0, 1] from (x + 3) / 6, and a final rounding shift. The 16-bit
 * multipliers are the Q31 ones rounded to Q15. */
typedef struct oct_hard_swish_params {
  int32_t in_zero_point, out_zero_point;
  int16_t reluish_mult;  /* Q15 */
  int32_t reluish_shift; /* may be positive */
  int16_t out_mult;      /* Q15 */
  int32_t out_shift;     /* <= 0 */
} oct_hard_swish_params;

void oct_hard_swish_s8_ref(const oct_hard_swish_params *p, size_t n,
                           const int8_t *in, int8_t *out);
void oct_hard_swish_u8_ref(const oct_hard_swish_params *p, size_t n,
                           const uint8_t *in, uint8_t *out);

/* ---- 8-bit lookup tables ----
 * The table is indexed by the input byte (int8 values by their two's
 * complement bit pattern) and holds output bytes. TFLite fills it at
 * prepare in float: q_out = clamp(round(f(s_in * (q - zp_in)) / s_out) +
 * zp_out). */
void oct_lut8_populate(float (*f)(float), float in_scale, int32_t in_zp,
                       float out_scale, int32_t out_zp, int is_signed,
                       uint8_t table[256]);
void oct_lut8_ref(const uint8_t table[256], size_t n, const uint8_t *in,
                  uint8_t *out);
/* The transforms TFLite tabulates for LOGISTIC and TANH. */
float oct_logistic_f(float x);
float oct_tanh_f(float x);

/* ---- int16 LOGISTIC / TANH ----
 * Output scale is 2^-15, zero points 0. Two algorithms, chosen at prepare
 * as TFLite 2.9 does:
 *  - "pot": the input scale is 2^-12 (LOGISTIC) or 2^-12 / 2^-11 (TANH,
 *    left_shift 0 or 1): gemmlowp's fixed-point logistic/tanh on Q3.12.
 *  - otherwise: the input is rescaled by an integer multiplier to the
 *    scale of a 256-entry sigmoid table and linearly interpolated. */
void oct_logistic_s16_pot_ref(size_t n, const int16_t *in, int16_t *out);
void oct_tanh_s16_pot_ref(int32_t left_shift, size_t n, const int16_t *in,
                          int16_t *out);
void oct_logistic_s16_ref(int32_t mult, int32_t left_shift, size_t n,
                          const int16_t *in, int16_t *out);
void oct_tanh_s16_ref(int32_t mult, int32_t left_shift, size_t n,
                      const int16_t *in, int16_t *out);

#endif /* OCT_KERNELS_ACTIVATIONS_H */
