/* Reference QUANTIZE / DEQUANTIZE kernels; see quantize.h. */
#include "quantize.h"

#include "../../runtime/oct_libc.h"
#include "quant_math.h"

/* zp + round(x / scale), the division in double: TFLite 2.9's built-in
 * (optimized) AffineQuantize widens the scale to double, which rounds
 * differently from a float division near .5. Clamped before any conversion
 * to int; TFLite converts first, so on x86 its |x / scale| >= 2^31 becomes
 * INT32_MIN, where this saturates. */
static inline int32_t quantize_one(float x, float scale, int32_t zp, int32_t lo,
                                   int32_t hi) {
  const double q = (double)zp + round((double)x / (double)scale);
  if (!(q >= (double)lo)) return lo; /* also NaN */
  return q > (double)hi ? hi : (int32_t)q;
}

#define OCT_DEFINE_QUANTIZE(name, TOut, lo, hi)                            \
  void name(const oct_affine_params *p, size_t n, const float *in,         \
            TOut *out) {                                                   \
    for (size_t i = 0; i < n; i++)                                         \
      out[i] = (TOut)quantize_one(in[i], p->scale, p->zero_point, lo, hi); \
  }

OCT_DEFINE_QUANTIZE(oct_quantize_f32_s8_ref, int8_t, INT8_MIN, INT8_MAX)
OCT_DEFINE_QUANTIZE(oct_quantize_f32_u8_ref, uint8_t, 0, UINT8_MAX)
OCT_DEFINE_QUANTIZE(oct_quantize_f32_s16_ref, int16_t, INT16_MIN, INT16_MAX)

/* x - zp_in wraps like TFLite's int32 subtraction (only reachable with
 * int32 inputs far from their zero point). */
static inline int32_t requant(const oct_requant_params *p, int32_t x,
                              int32_t lo, int32_t hi) {
  const uint32_t du = (uint32_t)x - (uint32_t)p->in_zero_point;
  const int32_t d = du <= (uint32_t)INT32_MAX
                        ? (int32_t)du
                        : (int32_t)(du - 2147483648u) - INT32_MAX - 1;
  const int64_t y = (int64_t)oct_mbqm(d, p->mult, p->shift) + p->out_zero_point;
  return y < lo ? lo : (y > hi ? hi : (int32_t)y);
}

#define OCT_DEFINE_REQUANT(TIn, TOut, name, lo, hi)                          \
  void oct_requantize_##name##_ref(const oct_requant_params *p, size_t n,    \
                                   const TIn *in, TOut *out) {               \
    for (size_t i = 0; i < n; i++) out[i] = (TOut)requant(p, in[i], lo, hi); \
  }

OCT_DEFINE_REQUANT(int8_t, int8_t, s8_s8, INT8_MIN, INT8_MAX)
OCT_DEFINE_REQUANT(int8_t, uint8_t, s8_u8, 0, UINT8_MAX)
OCT_DEFINE_REQUANT(uint8_t, int8_t, u8_s8, INT8_MIN, INT8_MAX)
OCT_DEFINE_REQUANT(uint8_t, uint8_t, u8_u8, 0, UINT8_MAX)
OCT_DEFINE_REQUANT(int16_t, int8_t, s16_s8, INT8_MIN, INT8_MAX)
OCT_DEFINE_REQUANT(int16_t, int16_t, s16_s16, INT16_MIN, INT16_MAX)
OCT_DEFINE_REQUANT(int16_t, int32_t, s16_s32, INT32_MIN, INT32_MAX)
OCT_DEFINE_REQUANT(int32_t, int8_t, s32_s8, INT8_MIN, INT8_MAX)
OCT_DEFINE_REQUANT(int32_t, int16_t, s32_s16, INT16_MIN, INT16_MAX)

/* scale * (q - zp) in double, rounded once to float: TFLite's optimized
 * Dequantize. The product is exact in double, so this equals the float
 * multiply of the reference kernel too. */
#define OCT_DEFINE_DEQUANTIZE(name, TIn)                                       \
  void name(const oct_affine_params *p, size_t n, const TIn *in, float *out) { \
    const double scale = p->scale;                                             \
    for (size_t i = 0; i < n; i++)                                             \
      out[i] = (float)(scale * (double)((int32_t)in[i] - p->zero_point));      \
  }

OCT_DEFINE_DEQUANTIZE(oct_dequantize_s8_f32_ref, int8_t)
OCT_DEFINE_DEQUANTIZE(oct_dequantize_u8_f32_ref, uint8_t)
OCT_DEFINE_DEQUANTIZE(oct_dequantize_s16_f32_ref, int16_t)

#define OCT_DEFINE_DEQUANTIZE_PC(name, TIn)                          \
  void name(const oct_per_channel_dims *d, const float *scales,      \
            const int32_t *zero_points, const TIn *in, float *out) { \
    for (size_t o = 0; o < d->outer; o++)                            \
      for (size_t c = 0; c < d->channels; c++) {                     \
        const float s = scales[c];                                   \
        const int32_t zp = zero_points[c];                           \
        for (size_t i = 0; i < d->inner; i++, in++, out++)           \
          out[0] = (float)((int32_t)in[0] - zp) * s;                 \
      }                                                              \
  }

OCT_DEFINE_DEQUANTIZE_PC(oct_dequantize_pc_s8_f32_ref, int8_t)
OCT_DEFINE_DEQUANTIZE_PC(oct_dequantize_pc_u8_f32_ref, uint8_t)

float oct_f16_to_f32(uint16_t h) {
  const uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t mant = h & 0x3ffu;
  uint32_t bits;
  if (exp == 0x1fu) {
    bits = sign | 0x7f800000u | (mant << 13); /* inf / NaN, payload kept */
  } else if (exp != 0) {
    bits = sign | ((exp + 112u) << 23) | (mant << 13);
  } else if (mant == 0) {
    bits = sign;
  } else {
    /* subnormal: normalize into float's wider exponent range */
    exp = 113u;
    while (!(mant & 0x400u)) {
      mant <<= 1;
      exp--;
    }
    bits = sign | (exp << 23) | ((mant & 0x3ffu) << 13);
  }
  float f;
  oct_memcpy(&f, &bits, sizeof f);
  return f;
}

void oct_dequantize_f16_f32_ref(size_t n, const uint16_t *in, float *out) {
  for (size_t i = 0; i < n; i++) out[i] = oct_f16_to_f32(in[i]);
}
