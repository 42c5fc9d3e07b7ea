/*
 * float32 CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED kernels for x86-64
 * with AVX2+FMA or AVX-512F, one binary for every CPU (per-function target
 * attributes). They have the signatures of the reference kernels
 * (kernels/ref/conv.h, depthwise_conv.h, fully_connected.h) but read the
 * weights from a block packed at prepare time (f32_pack.c) instead of the
 * model's filter tensor; the `bias` argument is ignored (the bias is in the
 * packed block).
 *
 * Error bound against the reference: FMA (one rounding per tap instead of
 * two) and the bias added first instead of last; on the kernel tests
 * |opt - ref| <= 1e-5 * (1 + sum |w * x|) per output.
 *
 * Every output depends only on its own taps, summed in tap order, whatever
 * tile it falls in, so computing a slice of the output rows gives the
 * same bits as computing all of them (threads split by rows).
 */
#ifndef OCT_KERNELS_X86_F32_KERNELS_H
#define OCT_KERNELS_X86_F32_KERNELS_H

#include "../ref/conv.h"
#include "../ref/depthwise_conv.h"
#include "../ref/fully_connected.h"
#include "f32_cpu.h"

/*
 * Packed CONV_2D (and FULLY_CONNECTED, as a 1x1 conv) weights, for an
 * output-channel block of NR = 2 vectors (16 for AVX2, 32 for AVX-512):
 *   per block: [NR bias][k_h*k_w][in_c][NR] (channels past out_c are 0)
 *   then in_c zeros, read for taps in the padding.
 */
int32_t oct_f32_conv_nr(oct_f32_isa isa);
size_t oct_f32_conv_packed_floats(int32_t out_c, int32_t taps, int32_t in_c,
                                  int32_t nr);
void oct_f32_conv_pack(int32_t out_c, int32_t taps, int32_t in_c, int32_t nr,
                       const float *w, const float *bias, float *packed);

/* Packed DEPTHWISE_CONV_2D (depth_mult 1): [k_h*k_w][cp] weights then [cp]
 * bias, cp = out_c rounded up to 16, padding channels 0. */
size_t oct_f32_dw_packed_floats(int32_t out_c, int32_t taps);
void oct_f32_dw_pack(int32_t out_c, int32_t taps, const float *w,
                     const float *bias, float *packed);

#if defined(__x86_64__)
void oct_conv2d_f32_avx2(const oct_conv_dims *d, const oct_act_f32 *a,
                         const float *restrict in, const float *restrict w,
                         const float *restrict bias, float *restrict out,
                         void *restrict scratch);
void oct_conv2d_f32_avx512(const oct_conv_dims *d, const oct_act_f32 *a,
                           const float *restrict in, const float *restrict w,
                           const float *restrict bias, float *restrict out,
                           void *restrict scratch);
void oct_dwconv2d_f32_avx2(const oct_conv_dims *d, const oct_act_f32 *a,
                           const float *restrict in, const float *restrict w,
                           const float *restrict bias, float *restrict out,
                           void *restrict scratch);
void oct_dwconv2d_f32_avx512(const oct_conv_dims *d, const oct_act_f32 *a,
                             const float *restrict in, const float *restrict w,
                             const float *restrict bias, float *restrict out,
                             void *restrict scratch);
void oct_fc_f32_avx2(const oct_fc_dims *d, const oct_act_f32 *a,
                     const float *restrict in, const float *restrict w,
                     const float *restrict bias, float *restrict out,
                     void *restrict scratch);
void oct_fc_f32_avx512(const oct_fc_dims *d, const oct_act_f32 *a,
                       const float *restrict in, const float *restrict w,
                       const float *restrict bias, float *restrict out,
                       void *restrict scratch);
#endif

#endif /* OCT_KERNELS_X86_F32_KERNELS_H */
