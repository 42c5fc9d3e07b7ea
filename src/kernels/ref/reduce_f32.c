/* Float32 SUM, REDUCE_MAX, ARG_MIN, LOG_SOFTMAX; see reduce_f32.h. */
#include "reduce_f32.h"

#include "../../runtime/oct_libc.h"

/* Walks every input element once, keeping the output offset in step with
 * an odometer over the input index, so no scratch is needed. */
#define REDUCE_WALK(INIT, COMBINE)                                          \
  do {                                                                      \
    for (int64_t o = 0; o < p->out_count; o++) out[o] = (INIT);             \
    int64_t total = 1;                                                      \
    for (int32_t d = 0; d < p->rank; d++) total *= p->dims[d];              \
    int32_t idx[OCT_MAX_RANK] = {0};                                        \
    int64_t off = 0;                                                        \
    for (int64_t i = 0; i < total; i++) {                                   \
      float *acc = out + off;                                               \
      const float x = in[i];                                                \
      COMBINE;                                                              \
      for (int32_t d = p->rank - 1; d >= 0; d--) {                          \
        off += p->out_stride[d];                                            \
        if (++idx[d] < p->dims[d]) break;                                   \
        off -= p->out_stride[d] * p->dims[d];                               \
        idx[d] = 0;                                                         \
      }                                                                     \
    }                                                                       \
  } while (0)

void oct_reduce_sum_f32_ref(const oct_reduce_f32_params *p, const float *in,
                            float *out) {
  REDUCE_WALK(0.0f, *acc += x);
}

void oct_reduce_max_f32_ref(const oct_reduce_f32_params *p, const float *in,
                            float *out) {
  REDUCE_WALK(-OCT_INFINITY, if (x > *acc) *acc = x);
}

void oct_argmin_f32_ref(const oct_arg_params *p, const float *in, void *out) {
  int64_t o = 0;
  for (int64_t k = 0; k < p->outer; k++) {
    for (int64_t j = 0; j < p->inner; j++, o++) {
      const float *v = in + k * p->axis * p->inner + j;
      int32_t best = 0;
      for (int32_t a = 1; a < p->axis; a++)
        if (v[a * p->inner] < v[best * p->inner]) best = a;
      if (p->out_i64)
        ((int64_t *)out)[o] = best;
      else
        ((int32_t *)out)[o] = best;
    }
  }
}

void oct_log_softmax_f32_ref(int64_t rows, int32_t n, const float *in,
                             float *out) {
  for (int64_t r = 0; r < rows; r++) {
    const float *x = in + r * n;
    float *y = out + r * n;
    float max = x[0];
    for (int32_t i = 1; i < n; i++)
      if (x[i] > max) max = x[i];
    float sum = 0.0f;
    for (int32_t i = 0; i < n; i++) sum += expf(x[i] - max);
    const float lse = logf(sum);
    for (int32_t i = 0; i < n; i++) y[i] = x[i] - max - lse;
  }
}
