/*
 * The ymm parameters of the GEMM micro-kernel (x86_gemm_tile.h), shared by
 * the int8 GEMMs (x86_gemm_avx2.c) and the hybrid one (x86_hybrid.c): 8
 * int32 lanes, 4 bytes of packed A broadcast per step, and rows per tile
 * for 1..4 weight vectors sized to the 16 ymm registers (at most 12
 * accumulators: spilling them costs more than a smaller tile). The
 * includer adds GT_T, GT_DOT, GT_STORE and GT_NAME.
 */
#ifndef OCT_KERNELS_X86_GEMM_YMM_H
#define OCT_KERNELS_X86_GEMM_YMM_H

#include "x86_requant.h"

static OCT_AI OCT_TAVX2 __m256i bcast256(const uint8_t *p) {
  int32_t v;
  oct_memcpy(&v, p, 4);
  return _mm256_set1_epi32(v);
}

#define GT_V __m256i
#define GT_LANES 8
#define GT_ADD(a, b) _mm256_add_epi32(a, b)
#define GT_SET1(x) _mm256_set1_epi32(x)
#define GT_ZERO() _mm256_setzero_si256()
#define GT_BCAST(p) bcast256(p)
#define GT_LOAD(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define GT_MR1 8
#define GT_MR2 4
#define GT_MR3 3
#define GT_MR4 3

#endif /* OCT_KERNELS_X86_GEMM_YMM_H */
