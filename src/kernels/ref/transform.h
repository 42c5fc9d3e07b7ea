/*
 * Data-movement kernels: strided copy (transpose, slice, strided slice,
 * depth_to_space), pad, concatenation and split.
 *
 * They move elements, never interpret them, so one kernel serves every
 * element type; only concatenation's requantizing and clamping variants are
 * typed. The ops (src/ops/) validate shapes and fill the parameter structs in
 * prepare; the kernels trust them. Sizes are in elements unless a name says
 * bytes. Buffers are owned by the caller; nothing here allocates.
 *
 * The strided copy is the workhorse: an op describes its output as a dense
 * array whose element (i0, ..., ik) comes from input element
 * start + i0*step[0] + ... + ik*step[k]. oct_strided_copy_simplify then merges
 * axes so the kernel copies the longest contiguous runs it can; a SIMD
 * variant only has to beat the innermost loop.
 */
#ifndef OCT_KERNELS_REF_TRANSFORM_H
#define OCT_KERNELS_REF_TRANSFORM_H

#include <stddef.h>
#include <stdint.h>

#define OCT_COPY_MAX_RANK 8

typedef struct oct_strided_copy_params {
  int32_t rank;                    /* 0 means one element */
  int32_t dims[OCT_COPY_MAX_RANK]; /* output extent of each axis, >= 1 */
  int64_t step[OCT_COPY_MAX_RANK]; /* input elements per output step; may be
                                      negative or 0 */
  int64_t start;                   /* input element of output element 0 */
  int32_t elem_size;               /* bytes per element: 1, 2, 4 or 8 */
} oct_strided_copy_params;

/* Drops size-1 axes and merges axes that read contiguously (step[i] ==
 * step[i+1] * dims[i+1]). Does not change what the copy produces. */
void oct_strided_copy_simplify(oct_strided_copy_params *p);

/* out[dense index] = in[start + sum(index * step)]. `in` and `out` must not
 * overlap. */
void oct_strided_copy_ref(const oct_strided_copy_params *p, const void *in,
                          void *out);

/* Fills `p` for a transpose: output axis i is input axis perm[i]. `perm`
 * must be a permutation of 0..rank-1 (the caller checks). */
void oct_transpose_params(int32_t rank, const int32_t *in_dims,
                          const int32_t *perm, int32_t elem_size,
                          oct_strided_copy_params *p);

/* Fills `p` for DEPTH_TO_SPACE on NHWC input [n, h, w, c] (TFLite's DCR
 * order: output channel k of block cell (dy, dx) is input channel
 * (dy * block + dx) * (c / block^2) + k). */
void oct_depth_to_space_params(int32_t n, int32_t h, int32_t w, int32_t c,
                               int32_t block, int32_t elem_size,
                               oct_strided_copy_params *p);

typedef struct oct_pad_params {
  int32_t rank; /* 1..OCT_COPY_MAX_RANK; callers view scalars as [1] */
  int32_t in_dims[OCT_COPY_MAX_RANK];
  int32_t before[OCT_COPY_MAX_RANK]; /* >= 0 */
  int32_t after[OCT_COPY_MAX_RANK];  /* >= 0 */
  int32_t elem_size;
  uint8_t value[8]; /* the pad element, elem_size bytes in memory order */
} oct_pad_params;

/* Output dims are in_dims + before + after. */
void oct_pad_ref(const oct_pad_params *p, const void *in, void *out);

/* Concatenation and split both see a tensor as `outer` rows, each the
 * inputs' (outputs') chunks side by side along the axis. */
typedef struct oct_concat_params {
  int32_t count;        /* number of inputs (concat) or outputs (split) */
  int64_t outer;        /* product of the dims before the axis */
  const int64_t *chunk; /* per part: elements per row (axis dim * inner) */
  int32_t elem_size;
} oct_concat_params;

void oct_concat_ref(const oct_concat_params *p, const void *const *in,
                    void *out);
void oct_split_ref(const oct_concat_params *p, const void *in,
                   void *const *out);

/* Float concatenation with a fused-activation clamp. */
void oct_concat_f32_ref(const oct_concat_params *p, const float *const *in,
                        float *out, float act_min, float act_max);

/* How one quantized input maps onto the output's scale, as TFLite's
 * ConcatenationWithScaling: q_out = round(q_in * scale + bias) + out_zp,
 * computed in float, clamped to [act_min, act_max]. `copy` marks inputs that
 * already share the output's scale and zero point (bytes move unchanged, as
 * TFLite does, without the clamp). */
typedef struct oct_concat_requant {
  float scale;
  float bias;
  int32_t copy;
} oct_concat_requant;

void oct_concat_u8_ref(const oct_concat_params *p, const oct_concat_requant *rq,
                       const uint8_t *const *in, uint8_t *out, int32_t out_zp,
                       int32_t act_min, int32_t act_max);
void oct_concat_s8_ref(const oct_concat_params *p, const oct_concat_requant *rq,
                       const int8_t *const *in, int8_t *out, int32_t out_zp,
                       int32_t act_min, int32_t act_max);
void oct_concat_s16_ref(const oct_concat_params *p,
                        const oct_concat_requant *rq, const int16_t *const *in,
                        int16_t *out, int32_t out_zp, int32_t act_min,
                        int32_t act_max);

#endif /* OCT_KERNELS_REF_TRANSFORM_H */
