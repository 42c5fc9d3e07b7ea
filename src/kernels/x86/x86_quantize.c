/*
 * float32 -> int8 QUANTIZE on AVX-512 (8 values at a time) or AVX2 (4), in
 * double as the reference does: the widening and the division are exact IEEE operations
 * in both, rounding half away from zero is trunc plus one step when the
 * (exact) remainder reaches one half, and the clamp happens in double
 * before conversion (vmaxpd returns its second operand for NaN: the low
 * bound, as the reference).
 */
#if defined(__x86_64__)
#include "x86_quantize.h"

#include "x86_requant.h"

#include "../../runtime/cpu.h"
#include "../../runtime/oct_libc.h"

static OCT_AI OCT_T512BW __m256i quant8(__m256 x, __m512d s, __m512d zp,
                                       __m512d lo, __m512d hi) {
  const __m512d q = _mm512_div_pd(_mm512_cvtps_pd(x), s);
  __m512d r = _mm512_roundscale_pd(q, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  const __m512d d = _mm512_sub_pd(q, r);
  const __m512d half = _mm512_set1_pd(0.5), one = _mm512_set1_pd(1.0);
  const __mmask8 up = _mm512_cmp_pd_mask(d, half, _CMP_GE_OQ);
  const __mmask8 dn = _mm512_cmp_pd_mask(d, _mm512_set1_pd(-0.5), _CMP_LE_OQ);
  r = _mm512_mask_add_pd(r, up, r, one);
  r = _mm512_mask_sub_pd(r, dn, r, one);
  r = _mm512_add_pd(zp, r);
  r = _mm512_min_pd(_mm512_max_pd(r, lo), hi);
  return _mm512_cvtpd_epi32(r);
}

static OCT_T512BW void quant_run(const oct_affine_params *p, size_t n,
                                 const float *in, int8_t *out) {
  const __m512d s = _mm512_set1_pd((double)p->scale);
  const __m512d zp = _mm512_set1_pd((double)p->zero_point);
  const __m512d lo = _mm512_set1_pd(-128.0), hi = _mm512_set1_pd(127.0);
  size_t i = 0;
  for (; i < n; i += 16) {
    const size_t left = n - i;
    const __mmask16 k =
        left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
    const __m512 x = _mm512_maskz_loadu_ps(k, in + i);
    const __m256i a = quant8(_mm512_castps512_ps256(x), s, zp, lo, hi);
    const __m256i b =
        quant8(_mm512_extractf32x8_ps(x, 1), s, zp, lo, hi);
    const __m512i w = _mm512_inserti64x4(_mm512_castsi256_si512(a), b, 1);
    _mm512_mask_cvtepi32_storeu_epi8(out + i, k, w);
  }
}

/* 8-bit -> 8-bit requantization (oct_requantize_{s8,u8}_{s8,u8}_ref):
 * MultiplyByQuantizedMultiplier of x - zp_in, 16 values at a time. */
static OCT_T512BW void requant_run(const oct_requant_params *p, size_t n,
                                   const void *in, int in_signed, void *out,
                                   int out_signed) {
  const int left = p->shift > 0 ? p->shift : 0;
  const int right = p->shift > 0 ? 0 : -p->shift;
  const __m128i ls = _mm_cvtsi32_si128(left), rs = _mm_cvtsi32_si128(right);
  const __m512i m = _mm512_set1_epi32(p->mult);
  const __m512i mask = _mm512_set1_epi32((int32_t)(((int64_t)1 << right) - 1));
  const __m512i zin = _mm512_set1_epi32(p->in_zero_point);
  const __m512i zout = _mm512_set1_epi32(p->out_zero_point);
  const __m512i lo = _mm512_set1_epi32((out_signed ? -128 : 0) - p->out_zero_point);
  const __m512i hi = _mm512_set1_epi32((out_signed ? 127 : 255) - p->out_zero_point);
  const uint8_t *src = in;
  uint8_t *dst = out;
  for (size_t i = 0; i < n; i += 16) {
    const size_t left_n = n - i;
    const __mmask16 k =
        left_n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left_n) - 1);
    const __m128i b = _mm_maskz_loadu_epi8(k, src + i);
    __m512i x = in_signed ? _mm512_cvtepi8_epi32(b) : _mm512_cvtepu8_epi32(b);
    x = _mm512_sll_epi32(_mm512_sub_epi32(x, zin), ls);
    __m512i v = rdivpot512(srdhm512(x, m), rs, mask);
    v = _mm512_min_epi32(_mm512_max_epi32(v, lo), hi);
    _mm512_mask_cvtepi32_storeu_epi8(dst + i, k, _mm512_add_epi32(v, zout));
  }
}

static OCT_AI OCT_TAVX2 __m128i quant4(__m128 x, __m256d s, __m256d zp,
                                      __m256d lo, __m256d hi) {
  const __m256d q = _mm256_div_pd(_mm256_cvtps_pd(x), s);
  __m256d r = _mm256_round_pd(q, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  const __m256d d = _mm256_sub_pd(q, r);
  const __m256d one = _mm256_set1_pd(1.0);
  const __m256d up = _mm256_cmp_pd(d, _mm256_set1_pd(0.5), _CMP_GE_OQ);
  const __m256d dn = _mm256_cmp_pd(d, _mm256_set1_pd(-0.5), _CMP_LE_OQ);
  r = _mm256_add_pd(r, _mm256_and_pd(up, one));
  r = _mm256_sub_pd(r, _mm256_and_pd(dn, one));
  r = _mm256_add_pd(zp, r);
  r = _mm256_min_pd(_mm256_max_pd(r, lo), hi);
  return _mm256_cvtpd_epi32(r);
}

static OCT_TAVX2 void quant_run256(const oct_affine_params *p, size_t n,
                                   const float *in, int8_t *out) {
  const __m256d s = _mm256_set1_pd((double)p->scale);
  const __m256d zp = _mm256_set1_pd((double)p->zero_point);
  const __m256d lo = _mm256_set1_pd(-128.0), hi = _mm256_set1_pd(127.0);
  for (size_t i = 0; i < n; i += 8) {
    float t[8] = {0};
    const float *x = in + i;
    if (n - i < 8) {
      oct_memcpy(t, x, (n - i) * sizeof *t);
      x = t;
    }
    const __m256 v = _mm256_loadu_ps(x);
    const __m128i a = quant4(_mm256_castps256_ps128(v), s, zp, lo, hi);
    const __m128i b = quant4(_mm256_extractf128_ps(v, 1), s, zp, lo, hi);
    const __m128i w = _mm_packs_epi16(_mm_packs_epi32(a, b), _mm_setzero_si128());
    if (n - i >= 8) {
      _mm_storel_epi64((__m128i *)(void *)(out + i), w);
    } else {
      int8_t o[16];
      _mm_storeu_si128((__m128i *)(void *)o, w);
      oct_memcpy(out + i, o, n - i);
    }
  }
}

static OCT_TAVX2 void requant_run256(const oct_requant_params *p, size_t n,
                                     const void *in, int in_signed, void *out,
                                     int out_signed) {
  const int left = p->shift > 0 ? p->shift : 0;
  const int right = p->shift > 0 ? 0 : -p->shift;
  const __m128i ls = _mm_cvtsi32_si128(left), rs = _mm_cvtsi32_si128(right);
  const __m256i m = _mm256_set1_epi32(p->mult);
  const __m256i mask = _mm256_set1_epi32((int32_t)(((int64_t)1 << right) - 1));
  const __m256i zin = _mm256_set1_epi32(p->in_zero_point);
  const __m256i zout = _mm256_set1_epi32(p->out_zero_point);
  const __m256i lo =
      _mm256_set1_epi32((out_signed ? -128 : 0) - p->out_zero_point);
  const __m256i hi =
      _mm256_set1_epi32((out_signed ? 127 : 255) - p->out_zero_point);
  const uint8_t *src = in;
  uint8_t *dst = out;
  for (size_t i = 0; i < n; i += 8) {
    uint8_t t[16] = {0};
    const uint8_t *x8 = src + i;
    if (n - i < 8) {
      oct_memcpy(t, x8, n - i);
      x8 = t;
    }
    const __m128i b = _mm_loadl_epi64((const __m128i *)(const void *)x8);
    __m256i x = in_signed ? _mm256_cvtepi8_epi32(b) : _mm256_cvtepu8_epi32(b);
    x = _mm256_sll_epi32(_mm256_sub_epi32(x, zin), ls);
    __m256i v = rdivpot256(srdhm256(x, m), rs, mask);
    v = _mm256_min_epi32(_mm256_max_epi32(v, lo), hi);
    v = _mm256_add_epi32(v, zout);
    /* Clamped to the output type: low bytes of each lane. */
    const __m256i bytes = _mm256_shuffle_epi8(
        v, _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                            -1, -1, -1, 0, 4, 8, 12, -1, -1, -1, -1, -1, -1,
                            -1, -1, -1, -1, -1, -1));
    const __m128i o = _mm_unpacklo_epi32(_mm256_castsi256_si128(bytes),
                                         _mm256_extracti128_si256(bytes, 1));
    if (n - i >= 8) {
      _mm_storel_epi64((__m128i *)(void *)(dst + i), o);
    } else {
      uint8_t ob[16];
      _mm_storeu_si128((__m128i *)(void *)ob, o);
      oct_memcpy(dst + i, ob, n - i);
    }
  }
}

void oct_x86_requantize_8(const oct_requant_params *p, size_t n,
                          const void *in, int in_signed, void *out,
                          int out_signed) {
  if (oct_cpu_usable() & OCT_CPU_AVX512)
    requant_run(p, n, in, in_signed, out, out_signed);
  else
    requant_run256(p, n, in, in_signed, out, out_signed);
}

void oct_x86_quantize_f32_s8(const oct_affine_params *p, size_t n,
                             const float *in, int8_t *out) {
  if (oct_cpu_usable() & OCT_CPU_AVX512) quant_run(p, n, in, out);
  else quant_run256(p, n, in, out);
}
#endif
