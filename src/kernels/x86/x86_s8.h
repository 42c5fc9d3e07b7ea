/*
 * x86-64 int8 kernels (TFLite int8: activations with a zero point,
 * symmetric per-channel int8 weights) for CONV_2D, FULLY_CONNECTED and
 * DEPTHWISE_CONV_2D, bit-exact with the reference kernels in kernels/ref.
 *
 * Layering (XNNPACK's): the op's prepare validates, then asks
 * oct_x86_select_* (x86_select.c) for a variant; that packs the weights
 * once into a plan in persistent arena memory and returns a kernel with
 * the reference kernel's signature. The packed plan is passed in place of
 * the raw weights, the bias argument is ignored (it is folded into the
 * plan) and `scratch` is the planned scratch buffer the plan asked for.
 *
 * Arithmetic. Convolution and FULLY_CONNECTED run as one GEMM,
 *   out[p, n] = requant(sum_k A[p, k] * W[n, k] + bias[n]),
 * A being the input rows (1x1 stride 1, FULLY_CONNECTED) or an im2col of
 * them, built per block of rows in scratch. The zero point is folded into
 * the bias: sum w * (x + in_off) = sum w * x + in_off * sum w, exact modulo
 * 2^32 like the reference's accumulators, and padding taps are filled with
 * the zero point so they still add nothing.
 *  - VNNI (vpdpbusd multiplies u8 by s8): A holds x + 128 (x ^ 0x80), and
 *    the bias absorbs (in_off - 128) * sum w.
 *  - AVX2: A holds x widened to int16, and vpmaddwd sums pairs exactly
 *    (vpmaddubsw would saturate).
 * Depthwise runs per output pixel on 16 or 32 channels with vpmaddwd on
 * pairs of taps ((x + in_off) in int16 times int16 weights).
 * Requantization is TFLite's MultiplyByQuantizedMultiplier in 32-bit lanes
 * with 64-bit products, for both tie roundings of oct_rounding.
 */
#ifndef OCT_KERNELS_X86_S8_H
#define OCT_KERNELS_X86_S8_H

#include <stddef.h>
#include <stdint.h>
#include "../ref/conv_params.h"

typedef enum oct_x86_isa {
  OCT_X86_NONE = 0,
  OCT_X86_AVX2 = 1,       /* AVX2 vpmaddwd on int16 */
  OCT_X86_AVXVNNI = 2,    /* vpdpbusd on ymm (VEX) */
  OCT_X86_AVX512VNNI = 3, /* vpdpbusd on zmm */
  OCT_X86_AVX512 = 4      /* AVX-512 BW (depthwise only; with VNNI
                             depthwise is OCT_X86_AVX512VNNI) */
} oct_x86_isa;

const char *oct_x86_isa_name(int isa);

/* Per-channel requantization laid out for vector loads: each array has
 * `np` (padded) entries. rbm is the rounding mask: for OCT_ROUND_UP the
 * bit below the shift (0 without shift), for OCT_ROUND_AWAY 2^rsh - 1. */
typedef struct oct_x86_requant {
  const int32_t *bias, *mult, *lsh, *rsh, *rbm;
  int32_t lo, hi;   /* act_min/max minus output_offset */
  int32_t offset;   /* output_offset */
  int32_t round_up; /* q->rounding == OCT_ROUND_UP */
  int32_t any_lsh;  /* some lsh is nonzero */
  /* GEMM with ties up only (else NULL): the high multiply and the
   * rounding shift fused, per vector of channels (16 on AVX-512, 8 on
   * AVX2) the even-lane then the odd-lane int64 values:
   * k64 = 2^30 + (rsh ? 2^(30 + rsh) : 0), s64 = 31 + rsh. AVX2 has only
   * a logical 64-bit shift, so its k64 also holds 2^63 (the sum is then
   * never negative as unsigned) and c32 (per channel, in order) is the low
   * half of 2^(63 - s64) that this adds after the shift. */
  const int64_t *k64, *s64;
  const int32_t *c32;
} oct_x86_requant;

/* ---- GEMM (CONV_2D, FULLY_CONNECTED) ---- */

#define OCT_X86_GEMM_MB 48 /* rows of A packed at a time */

typedef struct oct_x86_gemm_plan {
  int32_t isa;
  int32_t k, kp;   /* depth, and padded to the dot-product width */
  int32_t n, np;   /* output channels, padded to whole vectors */
  int32_t vec;     /* channels per vector (16 zmm, 8 ymm) */
  int32_t nv;      /* vectors per N tile (the last tile may have fewer) */
  int32_t a_elem;  /* bytes per element of A: 1 (u8) or 2 (int16) */
  int32_t direct;  /* A rows are input rows: no im2col */
  int32_t u8;      /* uint8 activations and weights */
  int32_t row_term; /* uint8 on VNNI: each row adds rc * (sum of its A) */
  int32_t rc;      /* 128 + weight_offset */
  oct_x86_requant rq;
  const void *w;   /* packed tiles: tile at channel c starts at c*kp*a_elem */
} oct_x86_gemm_plan;

/* Row terms of a packed block (uint8 on VNNI): the weights are stored as
 * w - 128 (s8), so rc * sum(A row) restores sum (w + w_off) * x. */
void oct_x86_row_terms(const oct_x86_gemm_plan *p, const void *a, int32_t rows,
                       int32_t *terms);

/* Bytes of persistent memory a plan needs (plan included). */
size_t oct_x86_gemm_plan_bytes(int isa, int32_t k, int32_t n);
/* Packs w ([n, k] rows, int8) and folds bias (may be NULL) and q into
 * `mem` (oct_x86_gemm_plan_bytes, 64-byte aligned, zeroed). */
const oct_x86_gemm_plan *oct_x86_gemm_plan_init(void *mem, int isa, int32_t k,
                                                int32_t n, const void *w,
                                                int u8, const int32_t *bias,
                                                const oct_requant *q,
                                                int direct);
size_t oct_x86_gemm_scratch_bytes(const oct_x86_gemm_plan *p);

/* True when CONV_2D with these dims reads its input rows as A directly. */
int oct_x86_conv_is_direct(const oct_conv_dims *d);

/* Kernels with the reference signatures (w = the plan, bias ignored). */
void oct_x86_conv2d_s8(const oct_conv_dims *d, const oct_requant *q,
                       const int8_t *restrict in, const int8_t *restrict w,
                       const int32_t *restrict bias, int8_t *restrict out,
                       void *restrict scratch);
void oct_x86_conv2d_u8(const oct_conv_dims *d, const oct_requant *q,
                       const uint8_t *restrict in, const uint8_t *restrict w,
                       const int32_t *restrict bias, uint8_t *restrict out,
                       void *restrict scratch);
void oct_x86_fc_u8(const oct_fc_dims *d, const oct_requant *q,
                   const uint8_t *restrict in, const uint8_t *restrict w,
                   const int32_t *restrict bias, uint8_t *restrict out,
                   void *restrict scratch);
void oct_x86_fc_s8(const oct_fc_dims *d, const oct_requant *q,
                   const int8_t *restrict in, const int8_t *restrict w,
                   const int32_t *restrict bias, int8_t *restrict out,
                   void *restrict scratch);

/* Where A comes from: input rows, or an im2col of a conv's input. */
typedef struct oct_x86_a_src {
  const int8_t *in;
  const oct_conv_dims *d; /* NULL: row m is in + m * k */
  int32_t zp;             /* input zero point (padding value) */
  int32_t c_lo, c_hi;     /* output channels computed: [c_lo, c_hi), on
                             N-tile starts (c_hi = np: to the end) */
  const void *epi;        /* the hybrid GEMM's float epilogue, else NULL */
} oct_x86_a_src;

/* Packs rows [m0, m0 + rows) of A into dst (rows_pad rows of kp
 * elements, zero beyond k and beyond rows). */
void oct_x86_pack_a(const oct_x86_gemm_plan *p, const oct_x86_a_src *s,
                    int32_t m0, int32_t rows, int32_t rows_pad, void *dst);

/* dst[i] = src[i] ^ 0x80 (x + 128 as u8), 64 bytes at a time. */
void oct_x86_flip_avx512(uint8_t *dst, const int8_t *src, size_t n);
/* dst[i] = src[i] widened to int16 (AVX2 only: the caller checks). */
void oct_x86_widen_avx2(int16_t *dst, const int8_t *src, size_t n);
void oct_x86_widen_u8_avx2(int16_t *dst, const uint8_t *src, size_t n);

/* Per-ISA GEMM drivers (x86_gemm_avx512.c, x86_gemm_avx2.c). */
void oct_x86_gemm_run_avx512vnni(const oct_x86_gemm_plan *p,
                                 const oct_x86_a_src *s, int32_t m,
                                 int8_t *out, void *scratch);
void oct_x86_gemm_run_avx2(const oct_x86_gemm_plan *p, const oct_x86_a_src *s,
                           int32_t m, int8_t *out, void *scratch);
void oct_x86_gemm_run_avxvnni(const oct_x86_gemm_plan *p,
                              const oct_x86_a_src *s, int32_t m, int8_t *out,
                              void *scratch);

/* ---- DEPTHWISE_CONV_2D (depth multiplier 1) ---- */

#define OCT_X86_DW_MAX_TAPS 64

typedef struct oct_x86_dw_plan {
  int32_t isa;
  int32_t u8;       /* uint8 activations and weights (weights stored with
                       the weight offset added) */
  int32_t c, cp;    /* channels, padded to whole blocks */
  int32_t block;    /* channels per block: 32 (zmm) or 16 (ymm) */
  int32_t taps, pairs;
  int32_t groups;   /* VNNI: taps in fours (pairs unused) */
  int32_t tp;       /* taps padded to whole pairs or fours */
  int32_t in_off;   /* q->input_offset */
  oct_x86_requant rq;   /* in the block's lane order (see x86_dwconv_s8.c) */
  const int16_t *w;     /* [block][pair][2 halves][block/2 lanes][2 taps] */
  const int8_t *zrow;   /* cp bytes of the input zero point */
  int32_t dy[OCT_X86_DW_MAX_TAPS + 1], dx[OCT_X86_DW_MAX_TAPS + 1];
  int32_t in_w;         /* input width the offsets are for */
  int64_t off[OCT_X86_DW_MAX_TAPS + 1]; /* input offset of each tap */
} oct_x86_dw_plan;

/* Channel of lane slot i of an AVX2 or AVX-512 (not VNNI) plan's arrays. */
int32_t oct_x86_dw_channel(const oct_x86_dw_plan *p, int32_t i);

/* Hybrid DEPTHWISE_CONV_2D of one image (d->batch 1) on an AVX2 plan built
 * with input offset 0 and no bias: q quantized with scale s and zero point
 * z; corr, wsc, bias (or NULL) per lane slot; zrow cp bytes of scratch. */
void oct_x86_dw_hybrid_run(const oct_x86_dw_plan *p, const oct_conv_dims *d,
                           const int8_t *q, int32_t z, float s,
                           const int32_t *corr, const float *wsc,
                           const float *bias, float lo, float hi,
                           int8_t *zrow, float *out);

/* 0 when the variant cannot run these dims (the caller keeps ref). */
int oct_x86_dw_supported(const oct_conv_dims *d);
size_t oct_x86_dw_plan_bytes(int isa, const oct_conv_dims *d);
const oct_x86_dw_plan *oct_x86_dw_plan_init(void *mem, int isa,
                                            const oct_conv_dims *d,
                                            const void *w, int u8,
                                            const int32_t *bias,
                                            const oct_requant *q);
void oct_x86_dwconv2d_u8(const oct_conv_dims *d, const oct_requant *q,
                         const uint8_t *restrict in, const uint8_t *restrict w,
                         const int32_t *restrict bias, uint8_t *restrict out,
                         void *restrict scratch);
void oct_x86_dwconv2d_s8(const oct_conv_dims *d, const oct_requant *q,
                         const int8_t *restrict in, const int8_t *restrict w,
                         const int32_t *restrict bias, int8_t *restrict out,
                         void *restrict scratch);
void oct_x86_dw_run_avx512(const oct_x86_dw_plan *p, const oct_conv_dims *d,
                           const int8_t *in, int8_t *out);
void oct_x86_dw_run_vnni(const oct_x86_dw_plan *p, const oct_conv_dims *d,
                         const int8_t *in, int8_t *out);
void oct_x86_dw_run_avx2(const oct_x86_dw_plan *p, const oct_conv_dims *d,
                         const int8_t *in, int8_t *out);

/* Fills r's arrays (np entries each, from mem) from q for channels
 * perm[i] (i < np; perm[i] < 0 or >= n: padding). */
void oct_x86_requant_init(oct_x86_requant *r, int32_t *mem, int32_t np,
                          const int32_t *perm, int32_t n, const int32_t *bias,
                          const oct_requant *q);

/* Fills r->k64/s64 (2 * np int64 from mem, then for vec 8 np int32 of
 * c32; np a multiple of vec) from r->rsh; for ties-up GEMMs with vec
 * channels per vector (16: AVX-512, 8: AVX2). */
#define OCT_X86_FUSE_BYTES(np) (20 * (size_t)(np))
void oct_x86_requant_fuse(oct_x86_requant *r, int64_t *mem, int32_t np,
                          int32_t vec);

#endif /* OCT_KERNELS_X86_S8_H */
