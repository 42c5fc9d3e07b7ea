/*
 * Vector TFLite requantization, bit-exact with oct_requant_acc32:
 *   x = acc << lsh (wrapping); v = SaturatingRoundingDoublingHighMul(x, m);
 *   v = rounding shift right by rsh (ties up or away from zero);
 *   out = clamp(v + offset, act_min, act_max).
 * The high multiply is (x * m + 2^30) >> 31 on 64-bit products: gemmlowp's
 * sign-dependent nudge and truncating division give the same value, and
 * m > 0 rules out its one saturating case (x = m = INT32_MIN). Its result
 * fits in 32 bits, so the shift need only be logical and its low half is
 * kept (AVX2 has no 64-bit arithmetic shift). The clamp comes before the
 * offset (against lo - offset, hi - offset), which cannot overflow.
 * Ties up: floor(v / 2^r) + bit r-1 of v. Ties away (gemmlowp
 * RoundingDivideByPOT): floor(v / 2^r) + (remainder > mask/2 + (v < 0)).
 */
#ifndef OCT_KERNELS_X86_REQUANT_H
#define OCT_KERNELS_X86_REQUANT_H

#include <immintrin.h>
#include "x86_s8.h"

#define OCT_AI inline __attribute__((always_inline))
#define OCT_T512 \
  __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni")))
#define OCT_T512BW __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq")))
#define OCT_TAVX2 __attribute__((target("avx2,fma")))
#define OCT_TAVXVNNI __attribute__((target("avx2,fma,avxvnni")))

/* c: channel index into the plan's arrays. */
static OCT_AI OCT_T512BW __m512i oct_rq512(__m512i acc,
                                           const oct_x86_requant *r, size_t c,
                                           const int up) {
  const __m512i x = _mm512_sllv_epi32(
      _mm512_add_epi32(acc, _mm512_loadu_si512(r->bias + c)),
      _mm512_loadu_si512(r->lsh + c));
  const __m512i m = _mm512_loadu_si512(r->mult + c);
  const __m512i half = _mm512_set1_epi64((int64_t)1 << 30);
  __m512i pe = _mm512_add_epi64(_mm512_mul_epi32(x, m), half);
  __m512i po = _mm512_add_epi64(
      _mm512_mul_epi32(_mm512_srli_epi64(x, 32), _mm512_srli_epi64(m, 32)),
      half);
  __m512i v = _mm512_mask_blend_epi32((__mmask16)0xAAAA,
                                      _mm512_srli_epi64(pe, 31),
                                      _mm512_slli_epi64(po, 1));
  const __m512i rsh = _mm512_loadu_si512(r->rsh + c);
  const __m512i rbm = _mm512_loadu_si512(r->rbm + c);
  const __m512i one = _mm512_set1_epi32(1);
  if (up) {
    const __m512i t = _mm512_min_epu32(_mm512_and_si512(v, rbm), one);
    v = _mm512_add_epi32(_mm512_srav_epi32(v, rsh), t);
  } else {
    const __m512i rem = _mm512_and_si512(v, rbm);
    const __m512i thr =
        _mm512_sub_epi32(_mm512_srli_epi32(rbm, 1), _mm512_srai_epi32(v, 31));
    const __mmask16 k = _mm512_cmpgt_epi32_mask(rem, thr);
    v = _mm512_srav_epi32(v, rsh);
    v = _mm512_mask_add_epi32(v, k, v, one);
  }
  v = _mm512_max_epi32(v, _mm512_set1_epi32(r->lo));
  v = _mm512_min_epi32(v, _mm512_set1_epi32(r->hi));
  return _mm512_add_epi32(v, _mm512_set1_epi32(r->offset));
}

/* Ties-up requantization with the rounding shift fused into the 64-bit
 * product: floor((floor((x m + 2^30) / 2^31) + 2^(r-1)) / 2^r) equals
 * floor((x m + 2^30 + 2^(30+r)) / 2^(31+r)) (nested floor division), and
 * the sum stays below 2^63. Needs r->k64/s64. */
static OCT_AI OCT_T512BW __m512i oct_rq512_up(__m512i acc,
                                             const oct_x86_requant *r,
                                             size_t c) {
  __m512i x = _mm512_add_epi32(acc, _mm512_loadu_si512(r->bias + c));
  if (r->any_lsh) x = _mm512_sllv_epi32(x, _mm512_loadu_si512(r->lsh + c));
  /* mult + c + 1 puts each odd channel's multiplier in the even slot
   * vpmuldq reads (the arrays after mult keep the last load in bounds). */
  __m512i pe = _mm512_add_epi64(
      _mm512_mul_epi32(x, _mm512_loadu_si512(r->mult + c)),
      _mm512_loadu_si512(r->k64 + c));
  __m512i po = _mm512_add_epi64(
      _mm512_mul_epi32(_mm512_srli_epi64(x, 32),
                       _mm512_loadu_si512(r->mult + c + 1)),
      _mm512_loadu_si512(r->k64 + c + 8));
  pe = _mm512_srav_epi64(pe, _mm512_loadu_si512(r->s64 + c));
  po = _mm512_srav_epi64(po, _mm512_loadu_si512(r->s64 + c + 8));
  __m512i v = _mm512_mask_shuffle_epi32(pe, (__mmask16)0xAAAA, po,
                                        _MM_PERM_CDAB);
  v = _mm512_max_epi32(v, _mm512_set1_epi32(r->lo));
  v = _mm512_min_epi32(v, _mm512_set1_epi32(r->hi));
  return _mm512_add_epi32(v, _mm512_set1_epi32(r->offset));
}

/* oct_rq512_up on ymm. Without a 64-bit arithmetic shift the product sum
 * carries 2^63 (k64), which keeps it non-negative as unsigned; since 2^s
 * divides 2^63, the logical shift then gives the floor plus 2^(63 - s),
 * whose low half (c32) comes off again in 32 bits. Needs k64/s64/c32. */
static OCT_AI OCT_TAVX2 __m256i oct_rq256_up(__m256i acc,
                                            const oct_x86_requant *r,
                                            size_t c) {
  __m256i x = _mm256_add_epi32(
      acc, _mm256_loadu_si256((const __m256i *)(const void *)(r->bias + c)));
  if (r->any_lsh)
    x = _mm256_sllv_epi32(
        x, _mm256_loadu_si256((const __m256i *)(const void *)(r->lsh + c)));
  __m256i pe = _mm256_add_epi64(
      _mm256_mul_epi32(
          x, _mm256_loadu_si256((const __m256i *)(const void *)(r->mult + c))),
      _mm256_loadu_si256((const __m256i *)(const void *)(r->k64 + c)));
  __m256i po = _mm256_add_epi64(
      _mm256_mul_epi32(_mm256_srli_epi64(x, 32),
                       _mm256_loadu_si256(
                           (const __m256i *)(const void *)(r->mult + c + 1))),
      _mm256_loadu_si256((const __m256i *)(const void *)(r->k64 + c + 4)));
  pe = _mm256_srlv_epi64(
      pe, _mm256_loadu_si256((const __m256i *)(const void *)(r->s64 + c)));
  po = _mm256_srlv_epi64(
      po, _mm256_loadu_si256((const __m256i *)(const void *)(r->s64 + c + 4)));
  __m256i v = _mm256_blend_epi32(pe, _mm256_slli_epi64(po, 32), 0xAA);
  v = _mm256_sub_epi32(
      v, _mm256_loadu_si256((const __m256i *)(const void *)(r->c32 + c)));
  v = _mm256_max_epi32(v, _mm256_set1_epi32(r->lo));
  v = _mm256_min_epi32(v, _mm256_set1_epi32(r->hi));
  return _mm256_add_epi32(v, _mm256_set1_epi32(r->offset));
}

static OCT_AI OCT_TAVX2 __m256i oct_rq256(__m256i acc,
                                         const oct_x86_requant *r, size_t c,
                                         const int up) {
  const __m256i x = _mm256_sllv_epi32(
      _mm256_add_epi32(acc,
                       _mm256_loadu_si256((const __m256i *)(r->bias + c))),
      _mm256_loadu_si256((const __m256i *)(r->lsh + c)));
  const __m256i m = _mm256_loadu_si256((const __m256i *)(r->mult + c));
  const __m256i half = _mm256_set1_epi64x((int64_t)1 << 30);
  __m256i pe = _mm256_add_epi64(_mm256_mul_epi32(x, m), half);
  __m256i po = _mm256_add_epi64(
      _mm256_mul_epi32(_mm256_srli_epi64(x, 32), _mm256_srli_epi64(m, 32)),
      half);
  __m256i v = _mm256_blend_epi32(_mm256_srli_epi64(pe, 31),
                                 _mm256_slli_epi64(po, 1), 0xAA);
  const __m256i rsh = _mm256_loadu_si256((const __m256i *)(r->rsh + c));
  const __m256i rbm = _mm256_loadu_si256((const __m256i *)(r->rbm + c));
  const __m256i one = _mm256_set1_epi32(1);
  if (up) {
    const __m256i t = _mm256_min_epu32(_mm256_and_si256(v, rbm), one);
    v = _mm256_add_epi32(_mm256_srav_epi32(v, rsh), t);
  } else {
    const __m256i rem = _mm256_and_si256(v, rbm);
    const __m256i thr =
        _mm256_sub_epi32(_mm256_srli_epi32(rbm, 1), _mm256_srai_epi32(v, 31));
    v = _mm256_sub_epi32(_mm256_srav_epi32(v, rsh),
                         _mm256_cmpgt_epi32(rem, thr));
  }
  v = _mm256_max_epi32(v, _mm256_set1_epi32(r->lo));
  v = _mm256_min_epi32(v, _mm256_set1_epi32(r->hi));
  return _mm256_add_epi32(v, _mm256_set1_epi32(r->offset));
}

/* SaturatingRoundingDoublingHighMul by a positive scalar multiplier m
 * (broadcast), see x86_requant.h. */
static OCT_AI OCT_T512BW __m512i srdhm512(__m512i x, __m512i m) {
  const __m512i half = _mm512_set1_epi64((int64_t)1 << 30);
  const __m512i pe = _mm512_add_epi64(_mm512_mul_epi32(x, m), half);
  const __m512i po =
      _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), m), half);
  return _mm512_mask_blend_epi32((__mmask16)0xAAAA, _mm512_srli_epi64(pe, 31),
                                 _mm512_slli_epi64(po, 1));
}

/* RoundingDivideByPOT by a uniform exponent (count in an xmm). */
static OCT_AI OCT_T512BW __m512i rdivpot512(__m512i v, __m128i e,
                                            __m512i mask) {
  const __m512i rem = _mm512_and_si512(v, mask);
  const __m512i thr =
      _mm512_sub_epi32(_mm512_srli_epi32(mask, 1), _mm512_srai_epi32(v, 31));
  const __mmask16 k = _mm512_cmpgt_epi32_mask(rem, thr);
  v = _mm512_sra_epi32(v, e);
  return _mm512_mask_add_epi32(v, k, v, _mm512_set1_epi32(1));
}

/* The same two on ymm (AVX2). */
static OCT_AI OCT_TAVX2 __m256i srdhm256(__m256i x, __m256i m) {
  const __m256i half = _mm256_set1_epi64x((int64_t)1 << 30);
  const __m256i pe = _mm256_add_epi64(_mm256_mul_epi32(x, m), half);
  const __m256i po =
      _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), m), half);
  return _mm256_blend_epi32(_mm256_srli_epi64(pe, 31),
                            _mm256_slli_epi64(po, 1), 0xAA);
}

static OCT_AI OCT_TAVX2 __m256i rdivpot256(__m256i v, __m128i e,
                                           __m256i mask) {
  const __m256i rem = _mm256_and_si256(v, mask);
  const __m256i thr =
      _mm256_sub_epi32(_mm256_srli_epi32(mask, 1), _mm256_srai_epi32(v, 31));
  return _mm256_sub_epi32(_mm256_sra_epi32(v, e), _mm256_cmpgt_epi32(rem, thr));
}

#endif /* OCT_KERNELS_X86_REQUANT_H */
