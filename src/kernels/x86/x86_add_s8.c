/*
 * int8 ADD (TFLite's general rescaling, see oct_add_quant_params) on
 * AVX-512, bit-exact with oct_add_s8_ref: both inputs are offset, shifted
 * left by left_shift, scaled by a Q31 multiplier below one (rounding half
 * away from zero), summed and rescaled to the output, 16 lanes at a time.
 * Rows whose inputs are not contiguous or broadcast scalars go to the
 * reference kernel.
 */
#if defined(__x86_64__)
#include "x86_add_s8.h"

#include "x86_requant.h"

typedef struct add_consts {
  __m512i off1, off2, m1, m2, mo, mask1, mask2, masko, lo, hi, oo;
  __m128i ls, e1, e2, eo;
} add_consts;

static OCT_AI OCT_T512BW __m512i add16(const add_consts *c, __m512i x1,
                                       __m512i x2) {
  __m512i a = _mm512_sll_epi32(_mm512_add_epi32(x1, c->off1), c->ls);
  __m512i b = _mm512_sll_epi32(_mm512_add_epi32(x2, c->off2), c->ls);
  a = rdivpot512(srdhm512(a, c->m1), c->e1, c->mask1);
  b = rdivpot512(srdhm512(b, c->m2), c->e2, c->mask2);
  __m512i y = rdivpot512(srdhm512(_mm512_add_epi32(a, b), c->mo), c->eo,
                         c->masko);
  y = _mm512_max_epi32(y, c->lo);
  y = _mm512_min_epi32(y, c->hi);
  return _mm512_add_epi32(y, c->oo);
}

static OCT_AI OCT_T512BW __m512i load_row(const int8_t *r, int64_t s,
                                          int64_t i, __mmask16 k, int u8) {
  if (s == 0)
    return _mm512_set1_epi32(u8 ? (int32_t)(uint8_t)r[0] : (int32_t)r[0]);
  const __m128i b = _mm_maskz_loadu_epi8(k, r + i);
  return u8 ? _mm512_cvtepu8_epi32(b) : _mm512_cvtepi8_epi32(b);
}

static OCT_T512BW void add_rows(const oct_add_quant_params *p,
                                const oct_bcast_shape *b, const int8_t *in1,
                                const int8_t *in2, int8_t *out, int u8) {
  add_consts c;
  c.off1 = _mm512_set1_epi32(p->in1_offset);
  c.off2 = _mm512_set1_epi32(p->in2_offset);
  c.m1 = _mm512_set1_epi32(p->in1_mult);
  c.m2 = _mm512_set1_epi32(p->in2_mult);
  c.mo = _mm512_set1_epi32(p->out_mult);
  c.mask1 = _mm512_set1_epi32((int32_t)(((int64_t)1 << -p->in1_shift) - 1));
  c.mask2 = _mm512_set1_epi32((int32_t)(((int64_t)1 << -p->in2_shift) - 1));
  c.masko = _mm512_set1_epi32((int32_t)(((int64_t)1 << -p->out_shift) - 1));
  /* Clamp before adding the offset: no overflow (see x86_requant.h). */
  c.lo = _mm512_set1_epi32(p->act_min - p->out_offset);
  c.hi = _mm512_set1_epi32(p->act_max - p->out_offset);
  c.oo = _mm512_set1_epi32(p->out_offset);
  c.ls = _mm_cvtsi32_si128(p->left_shift);
  c.e1 = _mm_cvtsi32_si128(-p->in1_shift);
  c.e2 = _mm_cvtsi32_si128(-p->in2_shift);
  c.eo = _mm_cvtsi32_si128(-p->out_shift);
  oct_bcast_iter it;
  if (!oct_bcast_begin(b, &it)) return;
  const int64_t n = b->dims[b->rank - 1];
  const int64_t s1 = b->stride1[b->rank - 1], s2 = b->stride2[b->rank - 1];
  do {
    const int8_t *r1 = in1 + it.off1, *r2 = in2 + it.off2;
    int8_t *ro = out + it.offo;
    for (int64_t i = 0; i < n; i += 16) {
      const int64_t left = n - i;
      const __mmask16 k =
          left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
      const __m512i y =
          add16(&c, load_row(r1, s1, i, k, u8), load_row(r2, s2, i, k, u8));
      _mm512_mask_cvtepi32_storeu_epi8(ro + i, k, y);
    }
  } while (oct_bcast_next(b, &it));
}

void oct_x86_add_s8(const oct_add_quant_params *p, const oct_bcast_shape *b,
                    const int8_t *in1, const int8_t *in2, int8_t *out) {
  const int64_t s1 = b->stride1[b->rank - 1], s2 = b->stride2[b->rank - 1];
  const int shifts_ok = p->in1_shift <= 0 && p->in1_shift >= -31 &&
                        p->in2_shift <= 0 && p->in2_shift >= -31 &&
                        p->out_shift <= 0 && p->out_shift >= -31;
  if ((s1 != 0 && s1 != 1) || (s2 != 0 && s2 != 1) || !shifts_ok) {
    oct_add_s8_ref(p, b, in1, in2, out);
    return;
  }
  add_rows(p, b, in1, in2, out, 0);
}

void oct_x86_add_u8(const oct_add_quant_params *p, const oct_bcast_shape *b,
                    const uint8_t *in1, const uint8_t *in2, uint8_t *out) {
  const int64_t s1 = b->stride1[b->rank - 1], s2 = b->stride2[b->rank - 1];
  const int shifts_ok = p->in1_shift <= 0 && p->in1_shift >= -31 &&
                        p->in2_shift <= 0 && p->in2_shift >= -31 &&
                        p->out_shift <= 0 && p->out_shift >= -31;
  if ((s1 != 0 && s1 != 1) || (s2 != 0 && s2 != 1) || !shifts_ok) {
    oct_add_u8_ref(p, b, in1, in2, out);
    return;
  }
  /* Clamped results lie in [0, 255]: the truncating store is exact. */
  add_rows(p, b, (const int8_t *)in1, (const int8_t *)in2, (int8_t *)out, 1);
}
#endif
