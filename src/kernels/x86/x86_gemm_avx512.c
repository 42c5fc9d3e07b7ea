/* AVX-512 VNNI int8 GEMM (vpdpbusd on zmm, 16 channels per vector). */
#if defined(__x86_64__)
#include "x86_requant.h"

static OCT_AI OCT_T512 __m512i bcast512(const uint8_t *p) {
  int32_t v;
  oct_memcpy(&v, p, 4);
  return _mm512_set1_epi32(v);
}

static OCT_AI OCT_T512 void store512(__m512i acc, const oct_x86_requant *r,
                                     size_t c, int8_t *o, int32_t cols,
                                     const int up) {
  if (cols <= 0) return;
  const __m512i v = up ? oct_rq512_up(acc, r, c) : oct_rq512(acc, r, c, 0);
  const __mmask16 k =
      cols >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << cols) - 1);
  _mm512_mask_cvtepi32_storeu_epi8(o, k, v);
}

#define GT_T OCT_T512
#define GT_V __m512i
#define GT_LANES 16
#define GT_DOT(acc, a, w) _mm512_dpbusd_epi32(acc, a, w)
#define GT_ADD(a, b) _mm512_add_epi32(a, b)
#define GT_SET1(x) _mm512_set1_epi32(x)
#define GT_ZERO() _mm512_setzero_si512()
#define GT_BCAST(p) bcast512(p)
#define GT_LOAD(p) _mm512_loadu_si512((const void *)(p))
#define GT_STORE(acc, r, c, o, cols, up) store512(acc, r, c, o, cols, up)
#define GT_NAME(x) x##_z
#define GT_MR1 12
#define GT_MR2 12
#define GT_MR3 8
#define GT_MR4 6
#include "x86_gemm_tile.h"

OCT_T512BW void oct_x86_flip_avx512(uint8_t *dst, const int8_t *src,
                                    size_t n) {
  const __m512i flip = _mm512_set1_epi8((char)0x80);
  size_t i = 0;
  for (; i + 64 <= n; i += 64)
    _mm512_storeu_si512(dst + i,
                        _mm512_xor_si512(_mm512_loadu_si512(src + i), flip));
  if (i < n) {
    const __mmask64 k = ((__mmask64)1 << (n - i)) - 1;
    _mm512_mask_storeu_epi8(
        dst + i, k, _mm512_xor_si512(_mm512_maskz_loadu_epi8(k, src + i), flip));
  }
}

void oct_x86_gemm_run_avx512vnni(const oct_x86_gemm_plan *p,
                                 const oct_x86_a_src *s, int32_t m,
                                 int8_t *out, void *scratch) {
  gemm_z(p, s, m, out, scratch);
}
#endif
