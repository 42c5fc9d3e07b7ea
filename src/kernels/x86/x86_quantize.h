/* AVX-512 or AVX2 float32 -> int8 QUANTIZE, same results as
 * oct_quantize_f32_s8_ref; the caller checks the CPU has AVX2; AVX-512
 * is used when usable. */
#ifndef OCT_KERNELS_X86_QUANTIZE_H
#define OCT_KERNELS_X86_QUANTIZE_H

#include "../ref/quantize.h"

void oct_x86_quantize_f32_s8(const oct_affine_params *p, size_t n,
                             const float *in, int8_t *out);

/* int8/uint8 -> int8/uint8 requantization, same results as
 * oct_requantize_{s8,u8}_{s8,u8}_ref (signedness by flag). */
void oct_x86_requantize_8(const oct_requant_params *p, size_t n,
                          const void *in, int in_signed, void *out,
                          int out_signed);

#endif /* OCT_KERNELS_X86_QUANTIZE_H */
