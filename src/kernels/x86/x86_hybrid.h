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

#include "../ref/conv_params.h"
#include "../ref/hybrid.h"

/* Persistent bytes of a plan for k-deep dot products into n channels. */
size_t oct_x86_hybrid_plan_bytes(int32_t k, int32_t n);

/* Packs w ([n, k], int8) into mem (oct_x86_hybrid_plan_bytes, 64-byte
 * aligned); direct: a CONV_2D 1x1 / stride 1 / no padding, or an FC. */
const void *oct_x86_hybrid_plan_init(void *mem, int32_t k, int32_t n,
                                     const int8_t *w, int direct);

/* Scratch bytes of one invoke: `rows` quantized rows of `row_len` inputs,
 * the per-channel epilogue arrays and one GEMM block per thread. */
size_t oct_x86_hybrid_scratch_bytes(const void *plan, int32_t rows,
                                    int64_t row_len, int threads);
/* Bytes between two threads' GEMM blocks (the first is row->gemm_scratch). */
size_t oct_x86_hybrid_gemm_stride(const void *plan);

/* The float epilogue of one quantized row (per channel, np entries). */
typedef struct oct_x86_hybrid_epi {
  const float *scale;  /* w_scale[c] * row scale, in the reference's order */
  const float *bias;   /* the bias (zero padded), or NULL */
  const int32_t *corr; /* -z * (sum of the channel's weights), or NULL */
  float lo, hi;        /* activation clamp */
  int add_zero;        /* FULLY_CONNECTED without a bias: 0.0f + p */
} oct_x86_hybrid_epi;

/* One quantized row (an image of a conv, a batch row of an FC). */
typedef struct oct_x86_hybrid_row {
  const int8_t *q;
  int32_t z;
  oct_x86_hybrid_epi e;
  void *gemm_scratch; /* thread 0's GEMM block */
} oct_x86_hybrid_row;

/* Quantizes x (len floats) into scratch and fills *row for n channels
 * (fc: the FULLY_CONNECTED epilogue). */
void oct_x86_hybrid_image(const void *plan, const oct_hybrid_params *h,
                          const float *bias, int32_t n, int fc,
                          const float *x, int64_t len, float lo, float hi,
                          void *scratch, oct_x86_hybrid_row *row);
/* m output rows (pixels of d, batch 1, whose input is q; or FC rows)
 * into out, with one thread's GEMM block. Pieces of a conv image come
 * from oct_conv_row_slice. */
void oct_x86_hybrid_rows(const void *plan, const oct_x86_hybrid_row *row,
                         const oct_conv_dims *d, const int8_t *q, int32_t m,
                         float *out, void *gemm_scratch);

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

/* One quantized image of a hybrid depthwise conv (in the scratch). */
typedef struct oct_x86_hybrid_dw_row {
  const int8_t *q;
  int32_t z;
  float s;
  const int32_t *corr;
  const float *bias; /* per lane slot, or NULL */
  int8_t *zrow;      /* cp bytes of z */
} oct_x86_hybrid_dw_row;

void oct_x86_hybrid_dw_image(const void *plan, const oct_hybrid_params *h,
                             const float *bias, const float *x, int64_t img,
                             void *scratch, oct_x86_hybrid_dw_row *row);
/* Output rows of d (batch 1; a slice from oct_conv_row_slice, input q). */
void oct_x86_hybrid_dw_rows(const void *plan, const oct_x86_hybrid_dw_row *row,
                            const oct_conv_dims *d, const int8_t *q, float lo,
                            float hi, float *out);

/* One row of the reference's input quantization (symmetric, or with a
 * zero point), vectorized; rows holding NaN take the reference's code. */
void oct_x86_hybrid_quantize(const float *x, int64_t n, int asymmetric,
                             int8_t *q, float *scale, int32_t *zp);

#endif /* OCT_KERNELS_X86_HYBRID_H */
