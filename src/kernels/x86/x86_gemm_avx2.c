/* ymm int8 GEMMs, 8 channels per vector: AVX2 (vpmaddwd on int16 pairs,
 * exact) and AVX-VNNI (vpdpbusd, VEX encoded). */
#if defined(__x86_64__)
#include "x86_gemm_ymm.h"

static OCT_AI OCT_TAVX2 void store256(__m256i acc, const oct_x86_requant *r,
                                      size_t c, int8_t *o, int32_t cols,
                                      const int up) {
  if (cols <= 0) return;
  const __m256i v = up ? oct_rq256_up(acc, r, c) : oct_rq256(acc, r, c, 0);
  const __m128i h = _mm_packs_epi32(_mm256_castsi256_si128(v),
                                    _mm256_extracti128_si256(v, 1));
  /* Low bytes (truncation): the values are already within int8 or
   * uint8, whichever the output is. */
  const __m128i b = _mm_shuffle_epi8(
      h, _mm_setr_epi8(0, 2, 4, 6, 8, 10, 12, 14, -1, -1, -1, -1, -1, -1, -1, -1));
  if (cols >= 8) {
    _mm_storel_epi64((__m128i *)(void *)o, b);
  } else {
    int8_t tmp[16];
    _mm_storeu_si128((__m128i *)(void *)tmp, b);
    oct_memcpy(o, tmp, (size_t)cols);
  }
}

#define GT_STORE(acc, r, c, o, cols, up) store256(acc, r, c, o, cols, up)

#define GT_T OCT_TAVX2
#define GT_DOT(acc, a, w) _mm256_add_epi32(acc, _mm256_madd_epi16(a, w))
#define GT_NAME(x) x##_avx2
#include "x86_gemm_tile.h"
#undef GT_T
#undef GT_DOT
#undef GT_NAME

#define GT_T OCT_TAVXVNNI
#define GT_DOT(acc, a, w) _mm256_dpbusd_avx_epi32(acc, a, w)
#define GT_NAME(x) x##_vnni
#include "x86_gemm_tile.h"

OCT_TAVX2 void oct_x86_widen_avx2(int16_t *dst, const int8_t *src, size_t n) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm256_storeu_si256(
        (__m256i *)(void *)(dst + i),
        _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)(src + i))));
  for (; i < n; i++) dst[i] = src[i];
}

OCT_TAVX2 void oct_x86_widen_u8_avx2(int16_t *dst, const uint8_t *src,
                                     size_t n) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm256_storeu_si256(
        (__m256i *)(void *)(dst + i),
        _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(const void *)(src + i))));
  for (; i < n; i++) dst[i] = src[i];
}

void oct_x86_gemm_run_avx2(const oct_x86_gemm_plan *p, const oct_x86_a_src *s,
                           int32_t m, int8_t *out, void *scratch) {
  gemm_avx2(p, s, m, out, scratch);
}

void oct_x86_gemm_run_avxvnni(const oct_x86_gemm_plan *p,
                              const oct_x86_a_src *s, int32_t m, int8_t *out,
                              void *scratch) {
  gemm_vnni(p, s, m, out, scratch);
}
#endif
