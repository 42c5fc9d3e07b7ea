/*
 * Prepare-time rules of the hybrid ops (float32 input and output, int8
 * weights, float32 bias: what `--quantize dynamic` writes), shared by
 * FULLY_CONNECTED, CONV_2D and DEPTHWISE_CONV_2D. See
 * src/kernels/ref/hybrid.h for the arithmetic.
 */
#ifndef OCT_OPS_HYBRID_COMMON_H
#define OCT_OPS_HYBRID_COMMON_H

#include "../kernels/ref/hybrid.h"
#include "op_api.h"

/* True when (in, w) is a hybrid pair: float32 input, int8 weights. */
static inline int oct_is_hybrid(const oct_tensor *in, const oct_tensor *w) {
  return in->type == OCT_FLOAT32 && w->type == OCT_INT8;
}

/*
 * Validates a hybrid op's tensors: float32 output and bias (or none),
 * symmetric int8 weights with one scale or one per output channel along
 * w_axis. Fills h->w_scale (persistent, `channels` entries) and
 * h->asymmetric, and requests scratch for `rows` rows of `row_len`
 * inputs (index in *scratch).
 */
oct_status oct_hybrid_prepare(oct_ctx *ctx, oct_node *node,
                              const oct_tensor *in, const oct_tensor *w,
                              const oct_tensor *bias, const oct_tensor *out,
                              int32_t channels, int w_axis, int32_t rows,
                              int64_t row_len, int asymmetric,
                              oct_hybrid_params *h, int *scratch);

#endif /* OCT_OPS_HYBRID_COMMON_H */
