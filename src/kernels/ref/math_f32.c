/* Float32 elementwise math; see math_f32.h. */
#include "math_f32.h"

#include "../../runtime/oct_libc.h"

static float gelu_tanh(float x) {
  /* sqrt(2 / pi), as TFLite's approximate GELU */
  const float k = 0.7978845608028654f;
  return 0.5f * x * (1.0f + tanhf(k * (x + 0.044715f * x * x * x)));
}

void oct_unary_f32_ref(oct_unary_f32_kind kind, int64_t n, const float *in,
                       float *out) {
  for (int64_t i = 0; i < n; i++) {
    const float x = in[i];
    float y;
    switch (kind) {
      case OCT_UNARY_ABS: y = fabsf(x); break;
      case OCT_UNARY_NEG: y = -x; break;
      case OCT_UNARY_EXP: y = expf(x); break;
      case OCT_UNARY_FLOOR: y = floorf(x); break;
      case OCT_UNARY_SQRT: y = sqrtf(x); break;
      case OCT_UNARY_RSQRT: y = 1.0f / sqrtf(x); break;
      case OCT_UNARY_GELU: y = 0.5f * x * (1.0f + erff(x * 0.70710678118654752f)); break;
      default: y = gelu_tanh(x); break;
    }
    out[i] = y;
  }
}

static float clampf(float v, float lo, float hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

/* One loop over the broadcast rows; EXPR combines x (in1) and y (in2). */
#define BCAST_LOOP(EXPR)                                                 \
  do {                                                                   \
    oct_bcast_iter it;                                                   \
    if (!oct_bcast_begin(b, &it)) return;                                \
    const int32_t n = b->dims[b->rank - 1];                              \
    const int64_t s1 = b->stride1[b->rank - 1], s2 = b->stride2[b->rank - 1]; \
    do {                                                                 \
      const float *r1 = in1 + it.off1, *r2 = in2 + it.off2;              \
      float *ro = out + it.offo;                                         \
      for (int32_t i = 0; i < n; i++) {                                  \
        const float x = r1[i * s1], y = r2[i * s2];                      \
        ro[i] = (EXPR);                                                  \
      }                                                                  \
    } while (oct_bcast_next(b, &it));                                    \
  } while (0)

void oct_div_f32_ref(const oct_arith_f32_params *p, const oct_bcast_shape *b,
                     const float *in1, const float *in2, float *out) {
  BCAST_LOOP(clampf(x / y, p->act_min, p->act_max));
}

void oct_pow_f32_ref(const oct_bcast_shape *b, const float *in1,
                     const float *in2, float *out) {
  BCAST_LOOP(powf(x, y));
}

void oct_prelu_f32_ref(const oct_bcast_shape *b, const float *in,
                       const float *alpha, float *out) {
  const float *in1 = in, *in2 = alpha;
  BCAST_LOOP(x >= 0.0f ? x : x * y);
}
