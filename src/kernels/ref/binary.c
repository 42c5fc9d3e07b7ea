/* Reference elementwise binary kernels; see binary.h. */
#include "binary.h"

#include "quant_math.h"

int oct_bcast_init(oct_bcast_shape *b, const int32_t *dims1, int32_t rank1,
                   const int32_t *dims2, int32_t rank2, int32_t *out_dims,
                   int32_t *out_rank) {
  if (rank1 < 0 || rank2 < 0 || rank1 > OCT_MAX_RANK || rank2 > OCT_MAX_RANK)
    return -1;
  const int32_t rank = rank1 > rank2 ? rank1 : rank2;
  int32_t d1[OCT_MAX_RANK], d2[OCT_MAX_RANK];
  int empty = 0;
  for (int32_t i = 0; i < rank; i++) {
    const int32_t k1 = i - (rank - rank1), k2 = i - (rank - rank2);
    d1[i] = k1 >= 0 ? dims1[k1] : 1;
    d2[i] = k2 >= 0 ? dims2[k2] : 1;
    if (d1[i] < 0 || d2[i] < 0) return -1;
    if (d1[i] != d2[i] && d1[i] != 1 && d2[i] != 1) return -1;
    out_dims[i] = d1[i] == 1 ? d2[i] : d1[i];
    if (out_dims[i] == 0) empty = 1;
  }
  *out_rank = rank;

  b->rank = 1;
  b->dims[0] = empty ? 0 : 1;
  b->stride1[0] = b->stride2[0] = 0;
  if (empty) return 0;

  /* Drop size-1 output axes, then merge neighbours that broadcast alike:
   * a run of axes where each input is either fully present or fully
   * broadcast is one axis of their product. */
  int32_t m = 0;
  int has1[OCT_MAX_RANK], has2[OCT_MAX_RANK];
  int64_t mdims[OCT_MAX_RANK];
  for (int32_t i = 0; i < rank; i++) {
    if (out_dims[i] == 1) continue;
    const int h1 = d1[i] != 1, h2 = d2[i] != 1;
    if (m > 0 && has1[m - 1] == h1 && has2[m - 1] == h2) {
      mdims[m - 1] *= out_dims[i];
    } else {
      has1[m] = h1;
      has2[m] = h2;
      mdims[m] = out_dims[i];
      m++;
    }
  }
  if (m == 0) {
    b->dims[0] = 1;
    return 0;
  }
  for (int32_t i = 0; i < m; i++)
    if (mdims[i] > INT32_MAX) return -1;
  int64_t s1 = 1, s2 = 1;
  for (int32_t i = m - 1; i >= 0; i--) {
    b->dims[i] = (int32_t)mdims[i];
    b->stride1[i] = has1[i] ? s1 : 0;
    b->stride2[i] = has2[i] ? s2 : 0;
    if (has1[i]) s1 *= mdims[i];
    if (has2[i]) s2 *= mdims[i];
  }
  b->rank = m;
  return 0;
}

/* int32 from its two's-complement bit pattern, without relying on
 * implementation-defined conversions. */
static inline int32_t s32_from_bits(uint32_t u) {
  return u <= (uint32_t)INT32_MAX ? (int32_t)u
                                  : (int32_t)(u - 2147483648u) - INT32_MAX - 1;
}

static inline float clamp_f32(float v, float lo, float hi) {
  v = v < lo ? lo : v;
  return v > hi ? hi : v;
}

/* The broadcast walk, written once: EXPR computes one output element from
 * x1, x2 (and the params p). */
#define OCT_DEFINE_BINARY(name, P, T, TO, EXPR)                               \
  void name(const P *p, const oct_bcast_shape *b, const T *in1, const T *in2, \
            TO *out) {                                                        \
    oct_bcast_iter it;                                                        \
    if (!oct_bcast_begin(b, &it)) return;                                     \
    const int64_t n = b->dims[b->rank - 1];                                   \
    const int64_t s1 = b->stride1[b->rank - 1];                               \
    const int64_t s2 = b->stride2[b->rank - 1];                               \
    do {                                                                      \
      const T *r1 = in1 + it.off1, *r2 = in2 + it.off2;                       \
      TO *ro = out + it.offo;                                                 \
      for (int64_t i = 0; i < n; i++) {                                       \
        const T x1 = r1[i * s1], x2 = r2[i * s2];                             \
        ro[i] = (TO)(EXPR);                                                   \
      }                                                                       \
    } while (oct_bcast_next(b, &it));                                         \
  }

/* ---- float32 / int32 ---- */

OCT_DEFINE_BINARY(oct_add_f32_ref, oct_arith_f32_params, float, float,
                  clamp_f32(x1 + x2, p->act_min, p->act_max))
OCT_DEFINE_BINARY(oct_sub_f32_ref, oct_arith_f32_params, float, float,
                  clamp_f32(x1 - x2, p->act_min, p->act_max))
OCT_DEFINE_BINARY(oct_mul_f32_ref, oct_arith_f32_params, float, float,
                  clamp_f32(x1 *x2, p->act_min, p->act_max))

OCT_DEFINE_BINARY(oct_add_s32_ref, oct_arith_s32_params, int32_t, int32_t,
                  oct_clamp_i32(s32_from_bits((uint32_t)x1 + (uint32_t)x2),
                                p->act_min, p->act_max))
OCT_DEFINE_BINARY(oct_sub_s32_ref, oct_arith_s32_params, int32_t, int32_t,
                  oct_clamp_i32(s32_from_bits((uint32_t)x1 - (uint32_t)x2),
                                p->act_min, p->act_max))
OCT_DEFINE_BINARY(oct_mul_s32_ref, oct_arith_s32_params, int32_t, int32_t,
                  oct_clamp_i32(s32_from_bits((uint32_t)x1 *(uint32_t)x2),
                                p->act_min, p->act_max))

/* ---- quantized ADD/SUB (general rescaling) ---- */

static inline int32_t add_quant(const oct_add_quant_params *p, int32_t x1,
                                int32_t x2, int subtract) {
  /* Zero points were checked to lie in the type's range, so the shifted
   * values stay below 2^31 (65535 << 15 at most). */
  const int32_t a = oct_mbqm_smaller_than_one(
      (x1 + p->in1_offset) * (1 << p->left_shift), p->in1_mult, p->in1_shift);
  const int32_t c = oct_mbqm_smaller_than_one(
      (x2 + p->in2_offset) * (1 << p->left_shift), p->in2_mult, p->in2_shift);
  const int32_t y = oct_mbqm_smaller_than_one(subtract ? a - c : a + c,
                                              p->out_mult, p->out_shift) +
                    p->out_offset;
  return oct_clamp_i32(y, p->act_min, p->act_max);
}

OCT_DEFINE_BINARY(oct_add_s8_ref, oct_add_quant_params, int8_t, int8_t,
                  add_quant(p, x1, x2, 0))
OCT_DEFINE_BINARY(oct_add_u8_ref, oct_add_quant_params, uint8_t, uint8_t,
                  add_quant(p, x1, x2, 0))
OCT_DEFINE_BINARY(oct_add_s16_ref, oct_add_quant_params, int16_t, int16_t,
                  add_quant(p, x1, x2, 0))
OCT_DEFINE_BINARY(oct_sub_s8_ref, oct_add_quant_params, int8_t, int8_t,
                  add_quant(p, x1, x2, 1))
OCT_DEFINE_BINARY(oct_sub_u8_ref, oct_add_quant_params, uint8_t, uint8_t,
                  add_quant(p, x1, x2, 1))
OCT_DEFINE_BINARY(oct_sub_s16_ref, oct_add_quant_params, int16_t, int16_t,
                  add_quant(p, x1, x2, 1))

/* ---- int16 ADD/SUB on power-of-two scales ---- */

static inline int32_t rdivpot_s32(int32_t x, int32_t e) {
  return e > 0 ? oct_rdivpot(x, e) : x;
}

static inline int32_t add_pot_s16(const oct_add_pot_s16_params *p, int32_t x1,
                                  int32_t x2) {
  const int32_t a = rdivpot_s32(x1, p->in1_shift);
  const int32_t c = rdivpot_s32(x2, p->in2_shift);
  int32_t y = p->subtract ? a - c : a + c;
  y = oct_clamp_i32(y, INT16_MIN, INT16_MAX);
  return oct_clamp_i32(y, p->act_min, p->act_max);
}

OCT_DEFINE_BINARY(oct_add_pot_s16_ref, oct_add_pot_s16_params, int16_t, int16_t,
                  add_pot_s16(p, x1, x2))

/* ---- quantized MUL ---- */

static inline int32_t mul_quant(const oct_mul_quant_params *p, int32_t x1,
                                int32_t x2) {
  const int32_t y = oct_mbqm((x1 + p->in1_offset) * (x2 + p->in2_offset),
                             p->out_mult, p->out_shift) +
                    p->out_offset;
  return oct_clamp_i32(y, p->act_min, p->act_max);
}

OCT_DEFINE_BINARY(oct_mul_s8_ref, oct_mul_quant_params, int8_t, int8_t,
                  mul_quant(p, x1, x2))
OCT_DEFINE_BINARY(oct_mul_u8_ref, oct_mul_quant_params, uint8_t, uint8_t,
                  mul_quant(p, x1, x2))
OCT_DEFINE_BINARY(oct_mul_s16_ref, oct_mul_quant_params, int16_t, int16_t,
                  mul_quant(p, x1, x2))

/* ---- MINIMUM / MAXIMUM ---- */

/* The params-less kernels reuse the walk with an unused params type. */
typedef struct minmax_unused {
  int unused;
} minmax_unused;

#define OCT_DEFINE_MINMAX(T, suffix)                                           \
  static OCT_DEFINE_BINARY(                                                    \
      min_##suffix, minmax_unused, T, T,                                       \
      x1 < x2 ? x1 : x2) static OCT_DEFINE_BINARY(max_##suffix, minmax_unused, \
                                                  T, T,                        \
                                                  x1 > x2 ? x1 : x2) void      \
      oct_minimum_##suffix##_ref(const oct_bcast_shape *b, const T *in1,       \
                                 const T *in2, T *out) {                       \
    min_##suffix(0, b, in1, in2, out);                                         \
  }                                                                            \
  void oct_maximum_##suffix##_ref(const oct_bcast_shape *b, const T *in1,      \
                                  const T *in2, T *out) {                      \
    max_##suffix(0, b, in1, in2, out);                                         \
  }

OCT_DEFINE_MINMAX(float, f32)
OCT_DEFINE_MINMAX(int8_t, s8)
OCT_DEFINE_MINMAX(uint8_t, u8)
OCT_DEFINE_MINMAX(int16_t, s16)
OCT_DEFINE_MINMAX(int32_t, s32)
