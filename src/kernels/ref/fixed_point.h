/*
 * 16-bit fixed-point math in the style of gemmlowp's FixedPoint<int16_t, N>,
 * for TFLite's int16 LOGISTIC and TANH kernels on power-of-two scales
 * (optimized_ops::Logistic/Tanh on int16 call gemmlowp::logistic/tanh with
 * a Q3.12 input and a Q0.15 result).
 *
 * gemmlowp computes these in int16 with C++ promotion rules: additions wrap
 * (truncation back to int16), multiplications are rounding doubling high
 * multiplies, and a few steps saturate. Bit-exactness with TFLite needs the
 * same wrap points, so every step here says which one it is. A value's
 * "integer bits" (the N of QN.(15-N)) is tracked by the caller, as in
 * gemmlowp's templates.
 */
#ifndef OCT_FIXED_POINT_H
#define OCT_FIXED_POINT_H

#include <stdint.h>

/* Two's-complement truncation to 16 bits, without implementation-defined
 * conversions. */
static inline int16_t oct_fx_wrap16(int32_t x) {
  const uint16_t u = (uint16_t)(uint32_t)x;
  return u >= 0x8000u ? (int16_t)((int32_t)u - 0x10000) : (int16_t)u;
}

static inline int16_t oct_fx_add16(int16_t a, int16_t b) {
  return oct_fx_wrap16((int32_t)a + b);
}

static inline int16_t oct_fx_sub16(int16_t a, int16_t b) {
  return oct_fx_wrap16((int32_t)a - b);
}

static inline int16_t oct_fx_neg16(int16_t a) {
  return oct_fx_wrap16(-(int32_t)a);
}

static inline int16_t oct_fx_sat16(int32_t x) {
  return (int16_t)(x < INT16_MIN ? INT16_MIN : (x > INT16_MAX ? INT16_MAX : x));
}

static inline int16_t oct_fx_sat_add16(int16_t a, int16_t b) {
  return oct_fx_sat16((int32_t)a + b);
}

static inline int16_t oct_fx_sat_sub16(int16_t a, int16_t b) {
  return oct_fx_sat16((int32_t)a - b);
}

/* (a * b) / 2^15 rounded half up, saturating -1 * -1 (ARM VQRDMULH). The
 * division truncates toward zero after a sign-dependent nudge, as gemmlowp's
 * scalar code does. */
static inline int16_t oct_fx_srdhm16(int16_t a, int16_t b) {
  if (a == INT16_MIN && b == INT16_MIN) return INT16_MAX;
  const int32_t ab = (int32_t)a * b;
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return (int16_t)((ab + nudge) / (1 << 15));
}

/* Divides by 2^exponent (0..31), rounding half away from zero, with
 * gemmlowp's int16 semantics: for exponents of 16 and more its mask
 * (2^exponent - 1) is truncated to 16 bits, and so is emulated here. */
static inline int16_t oct_fx_rdivpot16(int16_t x, int exponent) {
  const int16_t mask = oct_fx_wrap16((int32_t)(((int64_t)1 << exponent) - 1));
  const int16_t remainder = (int16_t)(x & mask);
  const int16_t threshold =
      oct_fx_wrap16((int32_t)(mask >> 1) + (x < 0 ? 1 : 0));
  return oct_fx_wrap16((x >> exponent) + (remainder > threshold ? 1 : 0));
}

/* Multiplies by 2^exponent (exponent > 0), saturating (gemmlowp's
 * SaturatingRoundingMultiplyByPOT with a positive exponent). */
static inline int16_t oct_fx_sat_shl16(int16_t x, int exponent) {
  const int32_t threshold = (1 << (15 - exponent)) - 1;
  if (x > threshold) return INT16_MAX;
  if (x < -threshold) return INT16_MIN;
  return (int16_t)(x * (1 << exponent));
}

/* A 32-bit fixed-point constant rounded to 16 bits, as gemmlowp's
 * RescaleConstantInitializer does for int16 raw types. */
static inline int16_t oct_fx_const16(int32_t q31) {
  const int32_t mask = (1 << 16) - 1;
  const int32_t remainder = q31 & mask;
  const int32_t threshold = (mask >> 1) + (q31 < 0 ? 1 : 0);
  return (int16_t)((q31 >> 16) + (remainder > threshold ? 1 : 0));
}

/* exp(a) for a in [-1/4, 0), Q0.15 in and out. */
static inline int16_t oct_fx_exp_quarter16(int16_t a) {
  const int16_t constant_term = oct_fx_const16(1895147668); /* exp(-1/8) */
  const int16_t one_third = oct_fx_const16(715827883);
  /* Taylor expansion around -1/8: x = a + 1/8. */
  const int16_t x = oct_fx_add16(a, (int16_t)(1 << 12));
  const int16_t x2 = oct_fx_srdhm16(x, x);
  const int16_t x3 = oct_fx_srdhm16(x2, x);
  const int16_t x4 = oct_fx_srdhm16(x2, x2);
  const int16_t x4_over_4 = oct_fx_rdivpot16(x4, 2);
  const int16_t poly = oct_fx_rdivpot16(
      oct_fx_add16(oct_fx_srdhm16(oct_fx_add16(x4_over_4, x3), one_third), x2),
      1);
  return oct_fx_sat_add16(constant_term,
                          oct_fx_srdhm16(constant_term, oct_fx_add16(x, poly)));
}

/* exp(a) for a <= 0 in Q(int_bits).(15-int_bits), int_bits in 1..5; the
 * result is Q0.15. */
static inline int16_t oct_fx_exp_on_negative16(int16_t a, int int_bits) {
  static const int32_t k_barrel[7] = {
      /* exp(-2^e), e = -2 .. 4, Q0.31 */
      1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
  const int frac_bits = 15 - int_bits;
  const int16_t one_quarter = (int16_t)(1 << (frac_bits - 2));
  const int16_t mask = (int16_t)(one_quarter - 1);
  const int16_t a_mod_minus_quarter =
      oct_fx_sub16((int16_t)(a & mask), one_quarter);
  int16_t result = oct_fx_exp_quarter16(
      int_bits > 0 ? oct_fx_sat_shl16(a_mod_minus_quarter, int_bits)
                   : a_mod_minus_quarter);
  const int16_t remainder = oct_fx_sub16(a_mod_minus_quarter, a);
  for (int e = -2; e <= 4; e++) {
    if (int_bits <= e) break;
    if (remainder & (1 << (frac_bits + e)))
      result = oct_fx_srdhm16(result, oct_fx_const16(k_barrel[e + 2]));
  }
  return a == 0 ? INT16_MAX : result;
}

/* Newton-Raphson estimate of 1 / half_denominator in Q2.13, as gemmlowp's
 * one_over_one_plus_x / one_minus_x_over_one_plus_x share it. */
static inline int16_t oct_fx_reciprocal_q2_16(int16_t half_denominator) {
  const int16_t c48_17 = oct_fx_const16(1515870810);
  const int16_t cm32_17 = oct_fx_const16(-1010580540);
  const int16_t one_q2 = (int16_t)(1 << 13);
  int16_t x = oct_fx_add16(c48_17, oct_fx_srdhm16(half_denominator, cm32_17));
  for (int i = 0; i < 3; i++) {
    const int16_t hdx = oct_fx_srdhm16(half_denominator, x);
    const int16_t one_minus = oct_fx_sub16(one_q2, hdx);
    x = oct_fx_add16(x, oct_fx_sat_shl16(oct_fx_srdhm16(x, one_minus), 2));
  }
  return x;
}

/* (a + 1) / 2 with rounding half away from zero (gemmlowp RoundingHalfSum
 * with the Q0.15 "one", 32767). */
static inline int16_t oct_fx_half_sum_one16(int16_t a) {
  const int32_t sum = (int32_t)a + INT16_MAX;
  return (int16_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
}

/* 1 / (1 + a) for a in [0, 1), Q0.15. */
static inline int16_t oct_fx_one_over_one_plus_x16(int16_t a) {
  const int16_t x = oct_fx_reciprocal_q2_16(oct_fx_half_sum_one16(a));
  /* Halve exactly (Q2.13 -> Q1.14), then rescale to Q0.15 saturating. */
  return oct_fx_sat_shl16(x, 1);
}

/* (1 - a) / (1 + a) for a in [0, 1), Q0.15. */
static inline int16_t oct_fx_one_minus_x_over_one_plus_x16(int16_t a) {
  const int16_t x = oct_fx_reciprocal_q2_16(oct_fx_half_sum_one16(a));
  return oct_fx_sat_shl16(oct_fx_sub16(x, (int16_t)(1 << 13)), 2);
}

/* logistic(a) for a in Q3.12; result Q0.15. */
static inline int16_t oct_fx_logistic_q3_16(int16_t a) {
  if (a == 0) return oct_fx_const16(1 << 30);
  const int16_t abs_a = a > 0 ? a : oct_fx_neg16(a);
  const int16_t pos = oct_fx_one_over_one_plus_x16(
      oct_fx_exp_on_negative16(oct_fx_neg16(abs_a), 3));
  return a > 0 ? pos : oct_fx_sub16(INT16_MAX, pos);
}

/* tanh(a) for a in Q3.12; result Q0.15. */
static inline int16_t oct_fx_tanh_q3_16(int16_t a) {
  if (a == 0) return 0;
  const int16_t neg_abs = a < 0 ? a : oct_fx_neg16(a);
  /* exp(2 * neg_abs): the same raw value read as Q4.11. */
  const int16_t t = oct_fx_one_minus_x_over_one_plus_x16(
      oct_fx_exp_on_negative16(neg_abs, 4));
  return a < 0 ? oct_fx_neg16(t) : t;
}

#endif /* OCT_FIXED_POINT_H */
