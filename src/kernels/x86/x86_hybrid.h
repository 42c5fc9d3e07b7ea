/*
 * Hybrid ("dynamic range") CONV_2D, FULLY_CONNECTED and DEPTHWISE_CONV_2D
 * on x86 AVX2, with the results of the oct_*_hybrid_ref kernels to the bit:
 * the float input is quantized per row (one image of a conv, one batch row
 * of a fully connected layer) as the reference does, the int8 products
 * run on the AVX2 int16 GEMM of x86_gemm_avx2.c (weights packed once at
 * prepare), and the float epilogue repeats the reference's operations in
 * its order (no fused multiply-add).
 *
 * The GEMM sees the quantized input q with the padding value z (the row's
 * zero point) and no input offset; z * (sum of the channel's weights) comes
 * off per invoke, which removes the padding taps' z * w as well, leaving
 * the reference's sum of w * (q - z) over the taps inside the input.
 *
 * The caller checks the CPU has AVX2.
 */
#ifndef OCT_KERNELS_X86_HYBRID_H
#define OCT_KERNELS_X86_HYBRID_H

#include <stddef.h>
#include <stdint.h>

#include "../ref/hybrid.h"

/* Persistent bytes of a plan for k-deep dot products into n channels. */
size_t oct_x86_hybrid_plan_bytes(int32_t k, int32_t n);

/* Packs w ([n, k], int8) into mem (oct_x86_hybrid_plan_bytes, 64-byte
 * aligned); direct: a CONV_2D 1x1 / stride 1 / no padding, or an FC. */
const void *oct_x86_hybrid_plan_init(void *mem, int32_t k, int32_t n,
                                     const int8_t *w, int direct);

/* Scratch bytes of one invoke: `rows` quantized rows of `row_len` inputs
 * plus the GEMM's block and the per-channel epilogue arrays. */
size_t oct_x86_hybrid_scratch_bytes(const void *plan, int32_t rows,
                                    int64_t row_len);

/* The kernels, with the reference signatures (w = the plan). */
void oct_x86_conv2d_hybrid(const oct_conv_dims *d, const oct_act_f32 *a,
                           const oct_hybrid_params *h, const float *restrict in,
                           const int8_t *restrict w, const float *restrict bias,
                           float *restrict out, void *restrict scratch);
void oct_x86_fc_hybrid(const oct_fc_dims *d, const oct_act_f32 *a,
                       const oct_hybrid_params *h, const float *restrict in,
                       const int8_t *restrict w, const float *restrict bias,
                       float *restrict out, void *restrict scratch);

/* DEPTHWISE_CONV_2D (depth multiplier 1, what oct_x86_dw_supported takes)
 * on the AVX2 depthwise kernel with a float epilogue; w_scale: out_c
 * weight scales. The kernel takes the plan as w, scratch
 * oct_x86_hybrid_dw_scratch_bytes(plan, one image's inputs). */
int oct_x86_hybrid_dw_supported(const oct_conv_dims *d);
size_t oct_x86_hybrid_dw_plan_bytes(const oct_conv_dims *d);
const void *oct_x86_hybrid_dw_plan_init(void *mem, const oct_conv_dims *d,
                                        const int8_t *w, const float *w_scale);
size_t oct_x86_hybrid_dw_scratch_bytes(const void *plan, int64_t img);
void oct_x86_dwconv2d_hybrid(const oct_conv_dims *d, const oct_act_f32 *a,
                             const oct_hybrid_params *h,
                             const float *restrict in, const int8_t *restrict w,
                             const float *restrict bias, float *restrict out,
                             void *restrict scratch);

/* One row of the reference's input quantization (symmetric, or with a
 * zero point), vectorized; rows holding NaN take the reference's code. */
void oct_x86_hybrid_quantize(const float *x, int64_t n, int asymmetric,
                             int8_t *q, float *scale, int32_t *zp);

#endif /* OCT_KERNELS_X86_HYBRID_H */
