/* Float32 BATCH_MATMUL; see batch_matmul.h. */
#include "batch_matmul.h"

static void matmul(const oct_batch_matmul_params *p, const float *x, const float *y,
                   float *out) {
  const int32_t m = p->m, k = p->k, n = p->n;
  for (int32_t i = 0; i < m; i++) {
    for (int32_t j = 0; j < n; j++) {
      float acc = 0.0f;
      for (int32_t t = 0; t < k; t++) {
        /* x is [m, k] ([k, m] with adj_x), y is [k, n] ([n, k] with adj_y) */
        const float a = p->adj_x ? x[(int64_t)t * m + i] : x[(int64_t)i * k + t];
        const float b = p->adj_y ? y[(int64_t)j * k + t] : y[(int64_t)t * n + j];
        acc += a * b;
      }
      out[(int64_t)i * n + j] = acc;
    }
  }
}

void oct_batch_matmul_f32_ref(const oct_batch_matmul_params *p, const float *x,
                              const float *y, float *out) {
  const oct_bcast_shape *b = &p->batch;
  const int64_t xs = (int64_t)p->m * p->k, ys = (int64_t)p->k * p->n,
                os = (int64_t)p->m * p->n;
  oct_bcast_iter it;
  if (!oct_bcast_begin(b, &it)) return;
  const int32_t cnt = b->dims[b->rank - 1];
  const int64_t s1 = b->stride1[b->rank - 1], s2 = b->stride2[b->rank - 1];
  do {
    for (int32_t i = 0; i < cnt; i++)
      matmul(p, x + (it.off1 + i * s1) * xs, y + (it.off2 + i * s2) * ys,
             out + (it.offo + i) * os);
  } while (oct_bcast_next(b, &it));
}
