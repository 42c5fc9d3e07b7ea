/*
 * Helpers for the conv-family kernel tests: a deterministic generator,
 * random requantization parameters, and the integer epilogue written out
 * longhand (the oracles below recompute every sum their own way and only
 * share the TFLite multiply from quant_math.h, which test_conv checks on
 * hand-computed values).
 */
#ifndef OCT_TESTS_CONV_TEST_UTIL_H
#define OCT_TESTS_CONV_TEST_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/ref/conv_params.h"
#include "test_util.h"

static uint64_t t_rng_state = 0x9E3779B97F4A7C15ull;

static inline uint32_t t_rand(void) {
  t_rng_state = t_rng_state * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)(t_rng_state >> 33);
}
/* Uniform integer in [lo, hi]. */
static inline int32_t t_randint(int32_t lo, int32_t hi) {
  return lo + (int32_t)(t_rand() % (uint32_t)(hi - lo + 1));
}
static inline float t_randf(float lo, float hi) {
  return lo + (hi - lo) * (float)(t_rand() & 0xFFFFFF) / (float)0xFFFFFF;
}

/* Per-channel requantization arrays for `n` channels with real multipliers
 * drawn from [lo, hi] (log-uniform-ish), as prepare would compute them. */
typedef struct t_requant {
  oct_requant q;
  int32_t mult[64];
  int32_t shift[64];
} t_requant;

static inline void t_make_requant(t_requant *r, int n, double lo, double hi,
                                  int32_t in_zp, int32_t w_zp, int32_t out_zp,
                                  int32_t act_min, int32_t act_max) {
  for (int c = 0; c < n; c++) {
    double m = lo * pow(hi / lo, (double)(t_rand() % 1000) / 999.0);
    int e = 0;
    oct_quantize_multiplier(m, &r->mult[c], &e);
    r->shift[c] = e;
  }
  r->q.input_offset = -in_zp;
  r->q.weight_offset = -w_zp;
  r->q.output_offset = out_zp;
  r->q.act_min = act_min;
  r->q.act_max = act_max;
  r->q.mult = r->mult;
  r->q.shift = r->shift;
  r->q.rounding = (int32_t)(t_rand() & 1);
}

/* Divides by 2^n rounding to nearest, ties per `rounding`, longhand. */
static inline int64_t t_round_shift(int64_t v, int n, int rounding) {
  if (n == 0) return v;
  const int64_t d = (int64_t)1 << n;
  int64_t fl = v >= 0 ? v / d : -((-v + d - 1) / d); /* floor */
  const int64_t rem2 = 2 * (v - fl * d);             /* in [0, 2d) */
  if (rem2 > d) return fl + 1;
  if (rem2 < d) return fl;
  return rounding == OCT_ROUND_UP ? fl + 1 : (v < 0 ? fl : fl + 1);
}

/* The 8-bit epilogue from an exact int64 sum: TFLite's int32 accumulator
 * (two's complement), the doubling high multiply, the rounding shift with
 * the kernel's tie rule, offset, clamp. */
static inline int32_t t_epilogue32(int64_t sum, const oct_requant *q, int c) {
  const int32_t acc = (int32_t)(uint32_t)(uint64_t)sum;
  const int s = q->shift[c];
  const int32_t hi =
      oct_srdhm((int32_t)((uint32_t)acc << (s > 0 ? s : 0)), q->mult[c]);
  int64_t v = t_round_shift(hi, s > 0 ? 0 : -s, q->rounding) + q->output_offset;
  if (v < q->act_min) v = q->act_min;
  if (v > q->act_max) v = q->act_max;
  return (int32_t)v;
}

static inline int32_t t_epilogue64(int64_t sum, const oct_requant *q, int c) {
  int32_t v = oct_mbqm64(sum, q->mult[c], q->shift[c]);
  if (v < q->act_min) v = q->act_min;
  if (v > q->act_max) v = q->act_max;
  return v;
}

static inline float t_clampf(float v, float lo, float hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

#endif /* OCT_TESTS_CONV_TEST_UTIL_H */
