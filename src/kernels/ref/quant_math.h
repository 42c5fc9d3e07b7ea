/*
 * Integer requantization arithmetic, as TFLite's reference kernels do it
 * (gemmlowp's fixed-point rounding), so that octet's integer outputs are
 * bit-exact with TFLite. Every integer kernel uses these; optimized kernels
 * must reproduce them exactly.
 *
 * A real multiplier M is stored as (q, shift) with M ~= q * 2^(shift - 31),
 * q in [2^30, 2^31). Computed once, in prepare, with oct_quantize_multiplier.
 */
#ifndef OCT_QUANT_MATH_H
#define OCT_QUANT_MATH_H

#include <stdint.h>
#include "../../runtime/oct_libc.h"

/* Splits a positive real multiplier into a Q31 mantissa and a power-of-two
 * exponent, exactly as TFLite's QuantizeMultiplier. */
static inline void oct_quantize_multiplier(double m, int32_t *q, int *shift) {
  if (m == 0.0) {
    *q = 0;
    *shift = 0;
    return;
  }
  int e = 0;
  const double frac = frexp(m, &e);
  int64_t qf = (int64_t)round(frac * (double)(1LL << 31));
  if (qf == (1LL << 31)) {
    qf /= 2;
    ++e;
  }
  if (e < -31) {
    e = 0;
    qf = 0;
  }
  if (e > 30) {
    e = 30;
    qf = (1LL << 31) - 1;
  }
  *q = (int32_t)qf;
  *shift = e;
}

static inline int32_t oct_srdhm(int32_t a, int32_t b) {
  if (a == b && a == INT32_MIN) return INT32_MAX;
  const int64_t ab = (int64_t)a * (int64_t)b;
  const int64_t nudge = ab >= 0 ? (1LL << 30) : (1 - (1LL << 30));
  return (int32_t)((ab + nudge) / (1LL << 31));
}

/* Divides by 2^exponent, rounding half away from zero. */
static inline int32_t oct_rdivpot(int32_t x, int exponent) {
  const int32_t mask = (int32_t)((1LL << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* TFLite's MultiplyByQuantizedMultiplier (int32 accumulator). The left shift
 * wraps like the two's-complement int32 multiply TFLite compiles to. */
static inline int32_t oct_mbqm(int32_t x, int32_t q, int shift) {
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  const int32_t xs = (int32_t)((uint32_t)x << left);
  return oct_rdivpot(oct_srdhm(xs, q), right);
}

/* MultiplyByQuantizedMultiplierSmallerThanOneExp (shift <= 0). */
static inline int32_t oct_mbqm_smaller_than_one(int32_t x, int32_t q,
                                                int shift) {
  return oct_rdivpot(oct_srdhm(x, q), -shift);
}

/* MultiplyByQuantizedMultiplierGreaterThanOne (shift >= 0). */
static inline int32_t oct_mbqm_greater_than_one(int32_t x, int32_t q,
                                                int shift) {
  return oct_srdhm((int32_t)((uint32_t)x << shift), q);
}

/* TFLite's int64-accumulator MultiplyByQuantizedMultiplier (16x8 conv/FC):
 * rounds the multiplier to 16 bits, then one rounding shift. */
static inline int32_t oct_mbqm64(int64_t x, int32_t q, int shift) {
  const int32_t reduced = (q < 0x7FFF0000) ? ((q + (1 << 15)) >> 16) : 0x7FFF;
  const int total_shift = 15 - shift;
  x = x * (int64_t)reduced + ((int64_t)1 << (total_shift - 1));
  return (int32_t)(x >> total_shift);
}

static inline int32_t oct_clamp_i32(int32_t v, int32_t lo, int32_t hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

#endif /* OCT_QUANT_MATH_H */
