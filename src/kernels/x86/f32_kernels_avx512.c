/* AVX-512F instance of the float32 kernels (body in f32_kernels_tmpl.h). */
#include "f32_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define TARGET __attribute__((target("avx512f")))
#define SFX(name) name##_avx512
#define VL 16
#define MR 8
#define V __m512
#define VLOAD(p) _mm512_loadu_ps(p)
#define VSTORE(p, v) _mm512_storeu_ps((p), (v))
#define VSET1(x) _mm512_set1_ps(x)
#define VFMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define VMAX(a, b) _mm512_max_ps((a), (b))
#define VMIN(a, b) _mm512_min_ps((a), (b))
#define VLOADN(p, n) _mm512_maskz_loadu_ps(lane_mask(n), (p))
#define VSTOREN(p, v, n) _mm512_mask_storeu_ps((p), lane_mask(n), (v))

/* The first n (1..16) lanes. */
static inline __mmask16 lane_mask(int32_t n) {
  return (__mmask16)((1u << n) - 1u);
}

#include "f32_kernels_tmpl.h"
#endif
