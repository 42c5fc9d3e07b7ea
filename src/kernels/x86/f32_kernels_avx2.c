/* AVX2+FMA instance of the float32 kernels (body in f32_kernels_tmpl.h). */
#include "f32_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define TARGET __attribute__((target("avx2,fma")))
#define SFX(name) name##_avx2
#define VL 8
#define MR 6
#define V __m256
#define VLOAD(p) _mm256_loadu_ps(p)
#define VSTORE(p, v) _mm256_storeu_ps((p), (v))
#define VSET1(x) _mm256_set1_ps(x)
#define VFMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define VMAX(a, b) _mm256_max_ps((a), (b))
#define VMIN(a, b) _mm256_min_ps((a), (b))
#define VLOADN(p, n) _mm256_maskload_ps((p), lane_mask(n))
#define VSTOREN(p, v, n) _mm256_maskstore_ps((p), lane_mask(n), (v))

static const int32_t mask_table[16] = {-1, -1, -1, -1, -1, -1, -1, -1,
                                       0,  0,  0,  0,  0,  0,  0,  0};

/* All-ones in the first n (1..8) lanes. */
static TARGET inline __m256i lane_mask(int32_t n) {
  return _mm256_loadu_si256((const __m256i *)(mask_table + 8 - n));
}

#include "f32_kernels_tmpl.h"
#endif
