/*
 * Elementwise binary kernels (ADD, SUB, MUL, MINIMUM, MAXIMUM) with NumPy
 * broadcasting, the portable reference versions.
 *
 * Broadcasting is described once, at prepare, by an oct_bcast_shape: the
 * output dims after merging adjacent axes that broadcast alike, and each
 * input's element strides (0 on broadcast axes). Every kernel walks it the
 * same way: an outer loop over all but the last axis (oct_bcast_iter), and
 * an inner "row" over the last axis, where each input's stride is 0 or 1.
 * A SIMD variant replaces only the row loop and keeps the signature.
 *
 * Integer kernels follow TFLite's built-in kernels bit for bit (see each
 * params struct); they never overflow in C terms: sums that TFLite lets wrap
 * wrap here explicitly.
 */
#ifndef OCT_KERNELS_BINARY_H
#define OCT_KERNELS_BINARY_H

#include <stdint.h>
#include "octet/octet.h"

typedef struct oct_bcast_shape {
  int32_t rank;                  /* >= 1 after merging */
  int32_t dims[OCT_MAX_RANK];    /* output dims */
  int64_t stride1[OCT_MAX_RANK]; /* element strides; 0 = broadcast */
  int64_t stride2[OCT_MAX_RANK];
} oct_bcast_shape;

/* Builds the broadcast description of a(shape1) op b(shape2). Returns 0 and
 * fills out_dims/out_rank (the unmerged output shape) on success, -1 when
 * the shapes do not broadcast or a rank exceeds OCT_MAX_RANK. */
int oct_bcast_init(oct_bcast_shape *b, const int32_t *dims1, int32_t rank1,
                   const int32_t *dims2, int32_t rank2, int32_t *out_dims,
                   int32_t *out_rank);

/* Walks the rows (all axes but the last) of a broadcast. */
typedef struct oct_bcast_iter {
  int32_t idx[OCT_MAX_RANK];
  int64_t off1, off2, offo; /* element offsets of the current row */
  int64_t rows_left;
} oct_bcast_iter;

/* Starts at the first row; returns 0 when the output is empty. */
static inline int oct_bcast_begin(const oct_bcast_shape *b,
                                  oct_bcast_iter *it) {
  int64_t rows = 1;
  for (int d = 0; d + 1 < b->rank; d++) {
    it->idx[d] = 0;
    rows *= b->dims[d];
  }
  it->off1 = it->off2 = it->offo = 0;
  it->rows_left = b->dims[b->rank - 1] == 0 ? 0 : rows;
  return it->rows_left > 0;
}

/* Advances to the next row; returns 0 after the last one. */
static inline int oct_bcast_next(const oct_bcast_shape *b, oct_bcast_iter *it) {
  if (--it->rows_left <= 0) return 0;
  it->offo += b->dims[b->rank - 1];
  for (int d = b->rank - 2; d >= 0; d--) {
    it->off1 += b->stride1[d];
    it->off2 += b->stride2[d];
    if (++it->idx[d] < b->dims[d]) return 1;
    it->off1 -= b->stride1[d] * b->dims[d];
    it->off2 -= b->stride2[d] * b->dims[d];
    it->idx[d] = 0;
  }
  return 1;
}

/* ---- float32 and int32: plain arithmetic, then the fused clamp ---- */

typedef struct oct_arith_f32_params {
  float act_min, act_max;
} oct_arith_f32_params;

typedef struct oct_arith_s32_params {
  int32_t act_min, act_max;
} oct_arith_s32_params;

void oct_add_f32_ref(const oct_arith_f32_params *p, const oct_bcast_shape *b,
                     const float *in1, const float *in2, float *out);
void oct_sub_f32_ref(const oct_arith_f32_params *p, const oct_bcast_shape *b,
                     const float *in1, const float *in2, float *out);
void oct_mul_f32_ref(const oct_arith_f32_params *p, const oct_bcast_shape *b,
                     const float *in1, const float *in2, float *out);
/* int32 sums and products wrap modulo 2^32, as TFLite's compiled code does. */
void oct_add_s32_ref(const oct_arith_s32_params *p, const oct_bcast_shape *b,
                     const int32_t *in1, const int32_t *in2, int32_t *out);
void oct_sub_s32_ref(const oct_arith_s32_params *p, const oct_bcast_shape *b,
                     const int32_t *in1, const int32_t *in2, int32_t *out);
void oct_mul_s32_ref(const oct_arith_s32_params *p, const oct_bcast_shape *b,
                     const int32_t *in1, const int32_t *in2, int32_t *out);

/* ---- quantized ADD/SUB, TFLite's general rescaling path ----
 * Both inputs are brought to a common scale with `left_shift` bits of
 * headroom (20 for 8-bit, 15 for int16), combined, and requantized:
 *   a = mbqm_smaller_than_one((x1 + in1_offset) << left_shift, in1_mult,
 * in1_shift) b = mbqm_smaller_than_one((x2 + in2_offset) << left_shift,
 * in2_mult, in2_shift) y = clamp(mbqm_smaller_than_one(a +- b, out_mult,
 * out_shift) + out_offset) SUB computes a - b, as TFLite 2.9 does. (Later
 * TFLite versions negate in2_mult and run ADD instead, which rounds ties of the
 * doubling multiply differently: about one multiplier in 2048 gives other
 * results.) */
typedef struct oct_add_quant_params {
  int32_t in1_offset, in2_offset, out_offset; /* -zp1, -zp2, +zp_out */
  int32_t in1_mult, in2_mult, out_mult;
  int32_t in1_shift, in2_shift, out_shift;
  int32_t left_shift;
  int32_t act_min, act_max;
} oct_add_quant_params;

void oct_add_s8_ref(const oct_add_quant_params *p, const oct_bcast_shape *b,
                    const int8_t *in1, const int8_t *in2, int8_t *out);
void oct_add_u8_ref(const oct_add_quant_params *p, const oct_bcast_shape *b,
                    const uint8_t *in1, const uint8_t *in2, uint8_t *out);
void oct_add_s16_ref(const oct_add_quant_params *p, const oct_bcast_shape *b,
                     const int16_t *in1, const int16_t *in2, int16_t *out);
void oct_sub_s8_ref(const oct_add_quant_params *p, const oct_bcast_shape *b,
                    const int8_t *in1, const int8_t *in2, int8_t *out);
void oct_sub_u8_ref(const oct_add_quant_params *p, const oct_bcast_shape *b,
                    const uint8_t *in1, const uint8_t *in2, uint8_t *out);
void oct_sub_s16_ref(const oct_add_quant_params *p, const oct_bcast_shape *b,
                     const int16_t *in1, const int16_t *in2, int16_t *out);

/* ---- int16 ADD/SUB on power-of-two scales (pot_scale_int16) ----
 * Zero points are 0; at most one input has a scale finer than the
 * output's and is divided by 2^shift (rounding half away from zero); the
 * result saturates to int16 and is clamped:
 *   y = clamp(sat(x1' + x2'))  or, for SUB,  y = clamp(sat(x1' - x2')). */
typedef struct oct_add_pot_s16_params {
  int32_t in1_shift, in2_shift; /* right shifts, >= 0 */
  int32_t subtract;             /* 1 for SUB */
  int32_t act_min, act_max;
} oct_add_pot_s16_params;

void oct_add_pot_s16_ref(const oct_add_pot_s16_params *p,
                         const oct_bcast_shape *b, const int16_t *in1,
                         const int16_t *in2, int16_t *out);

/* ---- quantized MUL ----
 *   y = clamp(mbqm((x1 + in1_offset) * (x2 + in2_offset), out_mult, out_shift)
 *             + out_offset)
 * (for int16 all offsets are 0, so the product fits in int32). */
typedef struct oct_mul_quant_params {
  int32_t in1_offset, in2_offset, out_offset;
  int32_t out_mult;
  int32_t out_shift;
  int32_t act_min, act_max;
} oct_mul_quant_params;

void oct_mul_s8_ref(const oct_mul_quant_params *p, const oct_bcast_shape *b,
                    const int8_t *in1, const int8_t *in2, int8_t *out);
void oct_mul_u8_ref(const oct_mul_quant_params *p, const oct_bcast_shape *b,
                    const uint8_t *in1, const uint8_t *in2, uint8_t *out);
void oct_mul_s16_ref(const oct_mul_quant_params *p, const oct_bcast_shape *b,
                     const int16_t *in1, const int16_t *in2, int16_t *out);

/* ---- MINIMUM / MAXIMUM on raw values (TFLite does not requantize) ----
 * Float follows TFLite's `a > b ? a : b` (and `a < b ? a : b`), so a NaN in
 * the first input yields the second. */
#define OCT_MINMAX_DECL(T, suffix)                                        \
  void oct_minimum_##suffix##_ref(const oct_bcast_shape *b, const T *in1, \
                                  const T *in2, T *out);                  \
  void oct_maximum_##suffix##_ref(const oct_bcast_shape *b, const T *in1, \
                                  const T *in2, T *out);
OCT_MINMAX_DECL(float, f32)
OCT_MINMAX_DECL(int8_t, s8)
OCT_MINMAX_DECL(uint8_t, u8)
OCT_MINMAX_DECL(int16_t, s16)
OCT_MINMAX_DECL(int32_t, s32)
#undef OCT_MINMAX_DECL

#endif /* OCT_KERNELS_BINARY_H */
