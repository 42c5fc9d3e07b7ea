/*
 * float32 -> int8 QUANTIZE on AVX-512, 8 values at a time in double as the
 * reference does: the widening and the division are exact IEEE operations
 * in both, rounding half away from zero is trunc plus one step when the
 * (exact) remainder reaches one half, and the clamp happens in double
 * before conversion (vmaxpd returns its second operand for NaN: the low
 * bound, as the reference).
 */
#if defined(__x86_64__)
#include "x86_quantize.h"

#include "x86_requant.h"

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

void oct_x86_requantize_8(const oct_requant_params *p, size_t n,
                          const void *in, int in_signed, void *out,
                          int out_signed) {
  requant_run(p, n, in, in_signed, out, out_signed);
}

void oct_x86_quantize_f32_s8(const oct_affine_params *p, size_t n,
                             const float *in, int8_t *out) {
  quant_run(p, n, in, out);
}
#endif
