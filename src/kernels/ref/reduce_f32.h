/*
 * Float32 reductions the ONNX importer emits: SUM and REDUCE_MAX over any
 * set of axes, ARG_MIN over one axis, and LOG_SOFTMAX over the last axis.
 */
#ifndef OCT_KERNELS_REDUCE_F32_H
#define OCT_KERNELS_REDUCE_F32_H

#include <stdint.h>

#include "octet/octet.h"
#include "reduce.h"

/* Input dims and, per axis, the output element stride (0 on a reduced
 * axis): input element at index (i0..in) adds into out[sum ik*stride_k]. */
typedef struct oct_reduce_f32_params {
  int32_t rank;
  int32_t dims[OCT_MAX_RANK];
  int64_t out_stride[OCT_MAX_RANK];
  int64_t out_count;
} oct_reduce_f32_params;

/* Sums accumulate in float in input order, as TFLite's reference SUM. */
void oct_reduce_sum_f32_ref(const oct_reduce_f32_params *p, const float *in,
                            float *out);
/* Max; an empty reduction gives -inf, as TFLite's REDUCE_MAX (lowest()). */
void oct_reduce_max_f32_ref(const oct_reduce_f32_params *p, const float *in,
                            float *out);

/* ARG_MIN over the middle axis of [outer, axis, inner]; the first minimum
 * wins ties. */
void oct_argmin_f32_ref(const oct_arg_params *p, const float *in, void *out);

/* LOG_SOFTMAX over rows of n: x - max - log(sum exp(x - max)). */
void oct_log_softmax_f32_ref(int64_t rows, int32_t n, const float *in,
                             float *out);

#endif /* OCT_KERNELS_REDUCE_F32_H */
