/*
 * Float32 BATCH_MATMUL: out[b] = op(x[b]) * op(y[b]) over broadcast batch
 * dims, op() transposing when adj_x / adj_y is set. The batch broadcast is
 * an oct_bcast_shape over matrices (each "element" one matrix).
 */
#ifndef OCT_KERNELS_BATCH_MATMUL_H
#define OCT_KERNELS_BATCH_MATMUL_H

#include <stdint.h>

#include "binary.h"

typedef struct oct_batch_matmul_params {
  oct_bcast_shape batch;
  int32_t m, k, n;
  int32_t adj_x, adj_y;
} oct_batch_matmul_params;

/* Sums run over k in order, in float. */
void oct_batch_matmul_f32_ref(const oct_batch_matmul_params *p, const float *x,
                              const float *y, float *out);

#endif /* OCT_KERNELS_BATCH_MATMUL_H */
