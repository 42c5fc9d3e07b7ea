/* Reference SOFTMAX kernels; see softmax.h. */
#include "softmax.h"

#include "../../runtime/oct_libc.h"
#include "fixed_point.h"
#include "quant_math.h"

void oct_softmax_f32_ref(float beta, size_t outer, size_t depth,
                         const float *in, float *out) {
  for (size_t r = 0; r < outer; r++, in += depth, out += depth) {
    float max = in[0];
    for (size_t j = 1; j < depth; j++) max = in[j] > max ? in[j] : max;
    float sum = 0.0f;
    for (size_t j = 0; j < depth; j++) {
      out[j] = expf((in[j] - max) * beta);
      sum += out[j];
    }
    const float inv = 1.0f / sum;
    for (size_t j = 0; j < depth; j++) out[j] *= inv;
  }
}

/* ---- 8-bit input ---- */

void oct_softmax_q8_populate(float in_scale, float beta, float table[256]) {
  const float scale = -in_scale * beta;
  for (int32_t d = 0; d <= 255; d++) table[255 - d] = expf(scale * (float)d);
}

/* float -> int32 as x86's cvttss2si: NaN and out-of-range values give
 * INT32_MIN (reachable with a negative beta, whose table overflows). */
static inline int32_t f2i_x86(float v) {
  return (v >= -2147483648.0f && v < 2147483648.0f) ? (int32_t)v : INT32_MIN;
}

/* a + b modulo 2^32, as TFLite's int32 addition compiles. */
static inline int32_t add_wrap(int32_t a, int32_t b) {
  const uint32_t u = (uint32_t)a + (uint32_t)b;
  return u <= (uint32_t)INT32_MAX ? (int32_t)u
                                  : (int32_t)(u - 2147483648u) - INT32_MAX - 1;
}

/* The float sum runs in input order, as TFLite's does, so the normalizer
 * rounds identically. `round_u8` selects TFLite's uint8 output on x86: add
 * 0.5 and truncate, and no zero point (its QuantizeSoftmaxOutput<uint8_t>
 * drops it). */
#define OCT_DEFINE_SOFTMAX_Q8(name, TIn, TOut, in_min, lo, hi, round_u8)  \
  void name(const oct_softmax_q8_params *p, size_t outer, size_t depth,   \
            const TIn *in, TOut *out) {                                   \
    for (size_t r = 0; r < outer; r++, in += depth, out += depth) {       \
      int32_t max = in_min;                                               \
      for (size_t j = 0; j < depth; j++) max = in[j] > max ? in[j] : max; \
      /* table[255 - (max - x)] = exp(-beta * s * (max - x)) */           \
      const float *t = p->table;                                          \
      const int32_t base = 255 - max;                                     \
      float sum = 0.0f;                                                   \
      for (size_t j = 0; j < depth; j++) sum += t[base + in[j]];          \
      const float inv = 1.0f / (sum * p->out_scale);                      \
      for (size_t j = 0; j < depth; j++) {                                \
        const float v = t[base + in[j]] * inv;                            \
        const int32_t q =                                                 \
            (round_u8) ? f2i_x86(v + 0.5f)                                \
                       : add_wrap(f2i_x86(roundf(v)), p->out_zero_point); \
        out[j] = (TOut)oct_clamp_i32(q, lo, hi);                          \
      }                                                                   \
    }                                                                     \
  }

OCT_DEFINE_SOFTMAX_Q8(oct_softmax_s8_ref, int8_t, int8_t, INT8_MIN, INT8_MIN,
                      INT8_MAX, 0)
OCT_DEFINE_SOFTMAX_Q8(oct_softmax_u8_ref, uint8_t, uint8_t, 0, 0, UINT8_MAX, 1)
OCT_DEFINE_SOFTMAX_Q8(oct_softmax_s8_s16_ref, int8_t, int16_t, INT8_MIN,
                      INT16_MIN, INT16_MAX, 0)
OCT_DEFINE_SOFTMAX_Q8(oct_softmax_u8_s16_ref, uint8_t, int16_t, 0, INT16_MIN,
                      INT16_MAX, 0)

/* ---- int16 ---- */

/* One table of gen_lut: `num - 1` samples of func on [min, max], each
 * corrected by half the error that linear interpolation makes at the
 * segment's midpoint, plus the end point for the last slope. */
static void gen_lut(double (*func)(double), double min, double max,
                    int16_t *table, int num) {
  const double step = (max - min) / (num - 1);
  const double half_step = step / 2.0;
  for (int i = 0; i < num - 1; i++) {
    const double sample_val = round(func(min + i * step) * 32768.0);
    const double midpoint_interp_val =
        round((func(min + (i + 1) * step) * 32768.0 +
               round(func(min + i * step) * 32768.0)) /
              2.0);
    const double midpoint_val =
        round(func(min + i * step + half_step) * 32768.0);
    const double midpoint_err = midpoint_interp_val - midpoint_val;
    const double bias = round(midpoint_err / 2.0);
    double v = sample_val - bias;
    v = v < -32768.0 ? -32768.0 : (v > 32767.0 ? 32767.0 : v);
    table[i] = (int16_t)v;
  }
  double last = round(func(max) * 32768.0);
  last = last < -32768.0 ? -32768.0 : (last > 32767.0 ? 32767.0 : last);
  table[num - 1] = (int16_t)last;
}

static double exp_d(double x) {
  return exp(x);
}
static double one_over_one_plus_x_d(double x) {
  return 1.0 / (1.0 + x);
}

void oct_softmax_s16_populate(
    int16_t exp_lut[OCT_SOFTMAX_S16_LUT_SIZE],
    int16_t one_over_one_plus_x[OCT_SOFTMAX_S16_LUT_SIZE]) {
  /* exp is only needed on [-10, 0]: exp(-10) is negligible in the sum. */
  gen_lut(exp_d, -10.0, 0.0, exp_lut, OCT_SOFTMAX_S16_LUT_SIZE);
  gen_lut(one_over_one_plus_x_d, 0.0, 1.0, one_over_one_plus_x,
          OCT_SOFTMAX_S16_LUT_SIZE);
}

int16_t oct_int16_lut_lookup(int16_t value, const int16_t *lut) {
  const int32_t index = 256 + (value >> 7);
  const int32_t offset = value & 0x7f;
  const int32_t base = lut[index];
  /* TFLite keeps the slope and the sum in int16 (wrapping). */
  const int32_t slope = oct_fx_wrap16(lut[index + 1] - lut[index]);
  /* slope is Q0.15 and offset Q0.7: round Q0.22 back to Q0.15 */
  const int32_t delta = (slope * offset + 64) >> 7;
  return oct_fx_wrap16(base + delta);
}

static inline int16_t sat16(int32_t v) {
  return (int16_t)(v < INT16_MIN ? INT16_MIN : (v > INT16_MAX ? INT16_MAX : v));
}

/* exp(x - max) of one element in Q0.15. */
static inline int16_t softmax_s16_exp(const oct_softmax_s16_params *p,
                                      int32_t x, int32_t max) {
  const int32_t scaled = oct_mbqm(x - max, p->in_mult, p->in_shift);
  /* recentre [-65535, 0] on [-32768, 32767] */
  return oct_int16_lut_lookup(sat16(scaled + 32767), p->exp_lut);
}

static inline int count_leading_zeros32(uint32_t v) {
  if (v == 0) return 32;
  int n = 0;
  while (!(v & 0x80000000u)) {
    v <<= 1;
    n++;
  }
  return n;
}

void oct_softmax_s16_ref(const oct_softmax_s16_params *p, size_t outer,
                         size_t depth, const int16_t *in, int16_t *out) {
  for (size_t r = 0; r < outer; r++, in += depth, out += depth) {
    int32_t max = INT16_MIN;
    for (size_t j = 0; j < depth; j++) max = in[j] > max ? in[j] : max;
    /* Q16.15; depth is limited at prepare so that it cannot overflow. The
     * exponentials are recomputed in the second pass instead of being kept
     * in scratch: the lookups are deterministic. */
    int32_t sum = 0;
    for (size_t j = 0; j < depth; j++) sum += softmax_s16_exp(p, in[j], max);
    /* 1 / sum via the 1/(1+x) table: normalize sum to [1, 2) in Q1.15... */
    const int headroom_plus_one = count_leading_zeros32((uint32_t)sum);
    const int32_t shifted_sum =
        (int32_t)((((int64_t)sum << (headroom_plus_one - 1)) + (1 << 13)) >>
                  14);
    /* ...then x = sum - 1, recentred from [0, 65535] to [-32768, 32767] */
    const int16_t sym = sat16(shifted_sum - ((1 << 15) + (1 << 16)));
    const int32_t reciprocal =
        oct_int16_lut_lookup(sym, p->one_over_one_plus_x);
    const int right_shift = 31 - headroom_plus_one;
    const int64_t round = (int64_t)1 << (right_shift - 1);
    for (size_t j = 0; j < depth; j++) {
      const int64_t e = softmax_s16_exp(p, in[j], max);
      const int32_t y = (int32_t)((e * reciprocal + round) >> right_shift);
      out[j] = (int16_t)oct_clamp_i32(y, 0, INT16_MAX);
    }
  }
}
