/*
 * SOFTMAX over the last axis: `outer` rows of `depth` elements.
 *
 * The quantized kernels are TFLite 2.9's built-in ones, which are not the
 * fixed-point reference TFLite Micro uses:
 *  - 8-bit input: a float table of exp(-beta * s_in * d) for the 256
 *    possible distances d from the row's maximum, summed and normalized in
 *    float, then rounded to the output type;
 *  - int16: two 513-entry int16 tables (exp on [-10, 0] and 1/(1+x) on
 *    [0, 1]) with linear interpolation, all integer at run time.
 * uint8 outputs ignore their zero point, as TFLite 2.9 on x86 does (its
 * uint8 rounding adds 0.5 and truncates, without the zero point).
 * The tables are built at prepare (oct_softmax_*_populate) into memory the
 * caller owns.
 */
#ifndef OCT_KERNELS_SOFTMAX_H
#define OCT_KERNELS_SOFTMAX_H

#include <stddef.h>
#include <stdint.h>

void oct_softmax_f32_ref(float beta, size_t outer, size_t depth,
                         const float *in, float *out);

/* ---- 8-bit input ---- */

typedef struct oct_softmax_q8_params {
  const float *table; /* 256 entries, from oct_softmax_q8_populate */
  float out_scale;
  int32_t out_zero_point;
} oct_softmax_q8_params;

/* table[255 - d] = expf(-in_scale * beta * d), d = 0..255 */
void oct_softmax_q8_populate(float in_scale, float beta, float table[256]);

void oct_softmax_s8_ref(const oct_softmax_q8_params *p, size_t outer,
                        size_t depth, const int8_t *in, int8_t *out);
void oct_softmax_u8_ref(const oct_softmax_q8_params *p, size_t outer,
                        size_t depth, const uint8_t *in, uint8_t *out);
void oct_softmax_s8_s16_ref(const oct_softmax_q8_params *p, size_t outer,
                            size_t depth, const int8_t *in, int16_t *out);
void oct_softmax_u8_s16_ref(const oct_softmax_q8_params *p, size_t outer,
                            size_t depth, const uint8_t *in, int16_t *out);

/* ---- int16 ---- */

#define OCT_SOFTMAX_S16_LUT_SIZE 513

typedef struct oct_softmax_s16_params {
  int32_t in_mult; /* beta * s_in rescaled so that [-65535, 0] is [-10, 0] */
  int32_t in_shift;
  const int16_t *exp_lut;             /* OCT_SOFTMAX_S16_LUT_SIZE */
  const int16_t *one_over_one_plus_x; /* OCT_SOFTMAX_S16_LUT_SIZE */
} oct_softmax_s16_params;

/* Fills the two tables as TFLite 2.9's gen_lut does (in double). */
void oct_softmax_s16_populate(
    int16_t exp_lut[OCT_SOFTMAX_S16_LUT_SIZE],
    int16_t one_over_one_plus_x[OCT_SOFTMAX_S16_LUT_SIZE]);

/* 512-segment linear interpolation of a table over [-32768, 32767]. */
int16_t oct_int16_lut_lookup(int16_t value, const int16_t *lut);

void oct_softmax_s16_ref(const oct_softmax_s16_params *p, size_t outer,
                         size_t depth, const int16_t *in, int16_t *out);

#endif /* OCT_KERNELS_SOFTMAX_H */
