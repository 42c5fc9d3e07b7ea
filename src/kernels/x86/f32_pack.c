/* Weight packing for the float32 x86 kernels (layouts in f32_kernels.h).
 * Plain C: it runs once at prepare. */
#include "f32_kernels.h"

#include "../../runtime/oct_libc.h"

int32_t oct_f32_conv_nr(oct_f32_isa isa) {
  return isa == OCT_F32_ISA_AVX512 ? 32 : 16;
}

size_t oct_f32_conv_packed_floats(int32_t out_c, int32_t taps, int32_t in_c,
                                  int32_t nr) {
  const size_t nb = ((size_t)out_c + (size_t)nr - 1) / (size_t)nr;
  return nb * (size_t)nr * (1 + (size_t)taps * (size_t)in_c) + (size_t)in_c;
}

void oct_f32_conv_pack(int32_t out_c, int32_t taps, int32_t in_c, int32_t nr,
                       const float *w, const float *bias, float *packed) {
  const size_t n = oct_f32_conv_packed_floats(out_c, taps, in_c, nr);
  oct_memset(packed, 0, n * sizeof(float));
  const size_t k = (size_t)taps * (size_t)in_c; /* filter row length */
  const size_t bstride = (size_t)nr * (1 + k);
  for (int32_t oc = 0; oc < out_c; oc++) {
    float *blk = packed + (size_t)(oc / nr) * bstride;
    const size_t lane = (size_t)(oc % nr);
    blk[lane] = bias ? bias[oc] : 0.0f;
    const float *src = w + (size_t)oc * k;
    for (size_t i = 0; i < k; i++) blk[(size_t)nr * (1 + i) + lane] = src[i];
  }
}

static size_t dw_cp(int32_t out_c) { return ((size_t)out_c + 15) & ~(size_t)15; }

size_t oct_f32_dw_packed_floats(int32_t out_c, int32_t taps) {
  return dw_cp(out_c) * ((size_t)taps + 1);
}

void oct_f32_dw_pack(int32_t out_c, int32_t taps, const float *w,
                     const float *bias, float *packed) {
  const size_t cp = dw_cp(out_c);
  oct_memset(packed, 0, oct_f32_dw_packed_floats(out_c, taps) * sizeof(float));
  for (int32_t t = 0; t < taps; t++)
    oct_memcpy(packed + (size_t)t * cp, w + (size_t)t * (size_t)out_c,
               (size_t)out_c * sizeof(float));
  if (bias)
    oct_memcpy(packed + (size_t)taps * cp, bias, (size_t)out_c * sizeof(float));
}
