/*
 * int8 ADD (TFLite's general rescaling, see oct_add_quant_params) on
 * AVX-512 or AVX2, bit-exact with oct_add_s8_ref: both inputs are offset,
 * shifted left by left_shift, scaled by a Q31 multiplier below one
 * (rounding half away from zero), summed and rescaled to the output, 16
 * lanes at a time (AVX2: two vectors of 8).
 * Rows whose inputs are not contiguous or broadcast scalars go to the
 * reference kernel.
 */
#if defined(__x86_64__)
#include "x86_add_s8.h"

#include "x86_requant.h"

#include "../../runtime/cpu.h"
#include "../../runtime/oct_libc.h"

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

typedef struct add_consts256 {
  __m256i off1, off2, m1, m2, mo, mask1, mask2, masko, lo, hi, oo;
  __m128i ls, e1, e2, eo;
} add_consts256;

static OCT_AI OCT_TAVX2 __m256i add8(const add_consts256 *c, __m256i x1,
                                     __m256i x2) {
  __m256i a = _mm256_sll_epi32(_mm256_add_epi32(x1, c->off1), c->ls);
  __m256i b = _mm256_sll_epi32(_mm256_add_epi32(x2, c->off2), c->ls);
  a = rdivpot256(srdhm256(a, c->m1), c->e1, c->mask1);
  b = rdivpot256(srdhm256(b, c->m2), c->e2, c->mask2);
  __m256i y = rdivpot256(srdhm256(_mm256_add_epi32(a, b), c->mo), c->eo,
                         c->masko);
  y = _mm256_max_epi32(y, c->lo);
  y = _mm256_min_epi32(y, c->hi);
  return _mm256_add_epi32(y, c->oo);
}

/* 16 inputs of one row widened to two int32 vectors (a broadcast scalar
 * when the row's stride is 0). */
static OCT_AI OCT_TAVX2 void load16(const int8_t *r, int64_t s, int u8,
                                   __m256i *lo, __m256i *hi) {
  if (s == 0) {
    *lo = *hi = _mm256_set1_epi32(u8 ? (int32_t)(uint8_t)r[0] : (int32_t)r[0]);
    return;
  }
  const __m128i b = _mm_loadu_si128((const __m128i *)(const void *)r);
  const __m128i b2 = _mm_unpackhi_epi64(b, b);
  *lo = u8 ? _mm256_cvtepu8_epi32(b) : _mm256_cvtepi8_epi32(b);
  *hi = u8 ? _mm256_cvtepu8_epi32(b2) : _mm256_cvtepi8_epi32(b2);
}

static OCT_AI OCT_TAVX2 __m128i add16_256(const add_consts256 *c,
                                          const int8_t *r1, int64_t s1,
                                          const int8_t *r2, int64_t s2,
                                          int u8) {
  __m256i a0, a1, b0, b1;
  load16(r1, s1, u8, &a0, &a1);
  load16(r2, s2, u8, &b0, &b1);
  const __m256i y0 = add8(c, a0, b0), y1 = add8(c, a1, b1);
  /* Values are clamped to the output type: the saturating packs keep
   * them, the low bytes are the result for int8 and uint8 alike. */
  /* vpackssdw packs within 128-bit lanes: restore the order. */
  const __m256i w =
      _mm256_permute4x64_epi64(_mm256_packs_epi32(y0, y1), 0xD8);
  const __m128i h = _mm_packs_epi16(_mm256_castsi256_si128(w),
                                    _mm256_extracti128_si256(w, 1));
  return u8 ? _mm_packus_epi16(_mm256_castsi256_si128(w),
                               _mm256_extracti128_si256(w, 1))
            : h;
}

static OCT_TAVX2 void add_rows256(const oct_add_quant_params *p,
                                  const oct_bcast_shape *b, const int8_t *in1,
                                  const int8_t *in2, int8_t *out, int u8) {
  add_consts256 c;
  c.off1 = _mm256_set1_epi32(p->in1_offset);
  c.off2 = _mm256_set1_epi32(p->in2_offset);
  c.m1 = _mm256_set1_epi32(p->in1_mult);
  c.m2 = _mm256_set1_epi32(p->in2_mult);
  c.mo = _mm256_set1_epi32(p->out_mult);
  c.mask1 = _mm256_set1_epi32((int32_t)(((int64_t)1 << -p->in1_shift) - 1));
  c.mask2 = _mm256_set1_epi32((int32_t)(((int64_t)1 << -p->in2_shift) - 1));
  c.masko = _mm256_set1_epi32((int32_t)(((int64_t)1 << -p->out_shift) - 1));
  c.lo = _mm256_set1_epi32(p->act_min - p->out_offset);
  c.hi = _mm256_set1_epi32(p->act_max - p->out_offset);
  c.oo = _mm256_set1_epi32(p->out_offset);
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
    int64_t i = 0;
    for (; i + 16 <= n; i += 16)
      _mm_storeu_si128((__m128i *)(void *)(ro + i),
                       add16_256(&c, r1 + i * s1, s1, r2 + i * s2, s2, u8));
    if (i < n) {
      /* The tail through zero-padded copies (no read past the rows). */
      int8_t t1[16] = {0}, t2[16] = {0}, to[16];
      const size_t left = (size_t)(n - i);
      oct_memcpy(t1, r1 + i * s1, s1 ? left : 1);
      oct_memcpy(t2, r2 + i * s2, s2 ? left : 1);
      _mm_storeu_si128((__m128i *)(void *)to, add16_256(&c, t1, s1, t2, s2, u8));
      oct_memcpy(ro + i, to, left);
    }
  } while (oct_bcast_next(b, &it));
}

static int shifts_ok(const oct_add_quant_params *p) {
  return p->in1_shift <= 0 && p->in1_shift >= -31 && p->in2_shift <= 0 &&
         p->in2_shift >= -31 && p->out_shift <= 0 && p->out_shift >= -31;
}

/* Rows the vector kernels take: contiguous or broadcast-scalar inputs. */
static int vector_ok(const oct_add_quant_params *p, const oct_bcast_shape *b) {
  const int64_t s1 = b->stride1[b->rank - 1], s2 = b->stride2[b->rank - 1];
  return (s1 == 0 || s1 == 1) && (s2 == 0 || s2 == 1) && shifts_ok(p);
}

static void add_any(const oct_add_quant_params *p, const oct_bcast_shape *b,
                    const int8_t *in1, const int8_t *in2, int8_t *out,
                    int u8) {
  if (oct_cpu_usable() & OCT_CPU_AVX512) add_rows(p, b, in1, in2, out, u8);
  else add_rows256(p, b, in1, in2, out, u8);
}

void oct_x86_add_s8(const oct_add_quant_params *p, const oct_bcast_shape *b,
                    const int8_t *in1, const int8_t *in2, int8_t *out) {
  if (!vector_ok(p, b)) {
    oct_add_s8_ref(p, b, in1, in2, out);
    return;
  }
  add_any(p, b, in1, in2, out, 0);
}

void oct_x86_add_u8(const oct_add_quant_params *p, const oct_bcast_shape *b,
                    const uint8_t *in1, const uint8_t *in2, uint8_t *out) {
  if (!vector_ok(p, b)) {
    oct_add_u8_ref(p, b, in1, in2, out);
    return;
  }
  /* Clamped results lie in [0, 255]: the truncating store is exact. */
  add_any(p, b, (const int8_t *)in1, (const int8_t *)in2, (int8_t *)out, 1);
}
#endif
