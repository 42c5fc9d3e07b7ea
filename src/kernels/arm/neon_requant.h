/*
 * TFLite's int8 requantization on four channels at once, bit-exact with
 * oct_requant_acc32 (kernels/ref/conv_params.h):
 *  - the left shift wraps (SSHL, like the reference's uint32 shift);
 *  - SQRDMULH is gemmlowp's SaturatingRoundingDoublingHighMul exactly,
 *    including INT32_MIN * INT32_MIN -> INT32_MAX;
 *  - the right shift is a rounding shift (SRSHL, ties up = OCT_ROUND_UP);
 *    for OCT_ROUND_AWAY, negative values are first moved down by one (only
 *    when there is a right shift), which turns ties-up into ties-away and
 *    leaves every other value where it was;
 *  - the output offset is added saturating: the result is then clamped to
 *    the 8-bit activation range, so saturation cannot change it, and the
 *    reference's 64-bit add is not needed.
 */
#ifndef OCT_KERNELS_ARM_NEON_REQUANT_H
#define OCT_KERNELS_ARM_NEON_REQUANT_H

#include <arm_neon.h>

#include "../ref/conv_params.h"

/* Per-op constants of the epilogue, broadcast once per kernel call. */
typedef struct oct_neon_rq {
  int32x4_t out_off, lo, hi;
  int round_away;
} oct_neon_rq;

static inline oct_neon_rq oct_neon_rq_init(const oct_requant *q) {
  oct_neon_rq r;
  r.out_off = vdupq_n_s32(q->output_offset);
  r.lo = vdupq_n_s32(q->act_min);
  r.hi = vdupq_n_s32(q->act_max);
  r.round_away = q->rounding != OCT_ROUND_UP;
  return r;
}

/* acc: four int32 accumulators (already wrapped modulo 2^32); mult/shift
 * the four channels' multipliers and exponents. */
static inline int32x4_t oct_neon_requant4(int32x4_t acc, int32x4_t mult,
                                          int32x4_t shift,
                                          const oct_neon_rq *r) {
  const int32x4_t zero = vdupq_n_s32(0);
  const int32x4_t left = vmaxq_s32(shift, zero);
  const int32x4_t right = vminq_s32(shift, zero); /* <= 0: shifts right */
  int32x4_t x = vqrdmulhq_s32(vshlq_s32(acc, left), mult);
  if (r->round_away) {
    /* Sign bit of (x & right): set iff x < 0 and there is a right shift. */
    const int32x4_t fix = vshrq_n_s32(vandq_s32(x, right), 31);
    x = vqaddq_s32(x, fix);
  }
  x = vrshlq_s32(x, right);
  x = vqaddq_s32(x, r->out_off);
  return vminq_s32(vmaxq_s32(x, r->lo), r->hi);
}

/* Lane-wise a + b and a + b * c modulo 2^32. Accumulators wrap like the
 * reference's uint32 sums; GCC spells vaddq_s32 as a signed vector add,
 * which UBSan would call an overflow, so the wrapping adds are unsigned. */
static inline int32x4_t oct_neon_add_wrap(int32x4_t a, int32x4_t b) {
  return vreinterpretq_s32_u32(
      vaddq_u32(vreinterpretq_u32_s32(a), vreinterpretq_u32_s32(b)));
}

static inline int32x4_t oct_neon_mla_wrap(int32x4_t a, int32x4_t b,
                                          int32x4_t c) {
  return vreinterpretq_s32_u32(vmlaq_u32(vreinterpretq_u32_s32(a),
                                         vreinterpretq_u32_s32(b),
                                         vreinterpretq_u32_s32(c)));
}

/* Eight clamped int32 values to int8 (they are in range already). */
static inline int8x8_t oct_neon_narrow8(int32x4_t a, int32x4_t b) {
  return vqmovn_s16(vcombine_s16(vqmovn_s32(a), vqmovn_s32(b)));
}

#endif /* OCT_KERNELS_ARM_NEON_REQUANT_H */
