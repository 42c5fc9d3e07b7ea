/* Reference MEAN and ARG_MAX kernels; see reduce.h. */
#include "reduce.h"

#include "../../runtime/oct_libc.h"
#include "quant_math.h"

void oct_mean_hw_f32_ref(const oct_mean_hw_params *p, const float *in,
                         float *out) {
  const int64_t plane = (int64_t)p->h * p->w;
  for (int32_t b = 0; b < p->batch; b++) {
    const float *src = in + (int64_t)b * plane * p->channels;
    for (int32_t c = 0; c < p->channels; c++) {
      float sum = 0.0f;
      for (int64_t i = 0; i < plane; i++) sum += src[i * p->channels + c];
      out[(int64_t)b * p->channels + c] = sum / (float)plane;
    }
  }
}

/* Sum of one channel over the H x W plane; int32 as in TFLite (a plane
 * would need 2^24 int8 pixels to overflow it), accumulated unsigned so even
 * a hostile size cannot invoke undefined behaviour. */
#define OCT_PLANE_SUM(T)                                                    \
  static int32_t plane_sum_##T(const T *src, int64_t plane, int32_t stride, \
                               int32_t zp) {                                \
    uint32_t acc = 0;                                                       \
    for (int64_t i = 0; i < plane; i++)                                     \
      acc += (uint32_t)((int32_t)src[i * stride] - zp);                     \
    return (int32_t)acc;                                                    \
  }

OCT_PLANE_SUM(uint8_t)
OCT_PLANE_SUM(int8_t)
OCT_PLANE_SUM(int16_t)

void oct_mean_hw_u8_ref(const oct_mean_hw_params *p, const uint8_t *in,
                        uint8_t *out) {
  const int64_t plane = (int64_t)p->h * p->w;
  for (int32_t b = 0; b < p->batch; b++) {
    const uint8_t *src = in + (int64_t)b * plane * p->channels;
    for (int32_t c = 0; c < p->channels; c++) {
      const int32_t acc = plane_sum_uint8_t(src + c, plane, p->channels, 0);
      int64_t v = (int64_t)oct_mbqm(acc, p->multiplier, p->shift) + p->bias;
      v = v < p->out_min ? p->out_min : (v > p->out_max ? p->out_max : v);
      out[(int64_t)b * p->channels + c] = (uint8_t)v;
    }
  }
}

#define OCT_MEAN_HW_REF(NAME, T)                                               \
  void NAME(const oct_mean_hw_params *p, const T *in, T *out) {                \
    const int64_t plane = (int64_t)p->h * p->w;                                \
    for (int32_t b = 0; b < p->batch; b++) {                                   \
      const T *src = in + (int64_t)b * plane * p->channels;                    \
      for (int32_t c = 0; c < p->channels; c++) {                              \
        const int32_t acc =                                                    \
            plane_sum_##T(src + c, plane, p->channels, p->in_zp);              \
        const int64_t s = oct_mbqm(acc, p->multiplier, p->shift);              \
        int64_t v = s > 0 ? (s + plane / 2) / plane : (s - plane / 2) / plane; \
        v += p->out_zp;                                                        \
        v = v < p->out_min ? p->out_min : (v > p->out_max ? p->out_max : v);   \
        out[(int64_t)b * p->channels + c] = (T)v;                              \
      }                                                                        \
    }                                                                          \
  }

OCT_MEAN_HW_REF(oct_mean_hw_s8_ref, int8_t)
OCT_MEAN_HW_REF(oct_mean_hw_s16_ref, int16_t)

/* Adds every input element into its output's accumulator, walking the input
 * in memory order (so float sums run in TFLite's order). */
#define OCT_REDUCE_SUM(NAME, T, ACC)                                    \
  static void NAME(const oct_reduce_params *p, const T *in, ACC *acc) { \
    for (int64_t i = 0; i < p->out_count; i++) acc[i] = 0;              \
    const int32_t r = p->rank;                                          \
    if (r == 0) {                                                       \
      acc[0] += (ACC)in[0];                                             \
      return;                                                           \
    }                                                                   \
    const int32_t inner = p->in_dims[r - 1];                            \
    const int64_t inner_step = p->out_step[r - 1];                      \
    int32_t idx[OCT_REDUCE_MAX_RANK] = {0};                             \
    int64_t off = 0;                                                    \
    for (;;) {                                                          \
      for (int32_t i = 0; i < inner; i++)                               \
        acc[off + i * inner_step] += (ACC)in[i];                        \
      in += inner;                                                      \
      int32_t a = r - 2;                                                \
      for (; a >= 0; a--) {                                             \
        off += p->out_step[a];                                          \
        if (++idx[a] < p->in_dims[a]) break;                            \
        off -= p->out_step[a] * p->in_dims[a];                          \
        idx[a] = 0;                                                     \
      }                                                                 \
      if (a < 0) return;                                                \
    }                                                                   \
  }

OCT_REDUCE_SUM(sum_f32, float, float)
OCT_REDUCE_SUM(sum_s32, int32_t, int64_t)
OCT_REDUCE_SUM(sum_u8, uint8_t, int64_t)
OCT_REDUCE_SUM(sum_s8, int8_t, int64_t)
OCT_REDUCE_SUM(sum_s16, int16_t, int64_t)

void oct_mean_f32_ref(const oct_reduce_params *p, const float *in, float *out,
                      void *scratch) {
  float *acc = (float *)scratch;
  sum_f32(p, in, acc);
  const float n = (float)p->reduce_count;
  for (int64_t i = 0; i < p->out_count; i++) out[i] = acc[i] / n;
}

void oct_mean_s32_ref(const oct_reduce_params *p, const int32_t *in,
                      int32_t *out, void *scratch) {
  int64_t *acc = (int64_t *)scratch;
  sum_s32(p, in, acc);
  for (int64_t i = 0; i < p->out_count; i++)
    out[i] = (int32_t)(acc[i] / p->reduce_count);
}

/* Finishes one quantized mean from its sum. */
static int32_t mean_finish(int64_t sum, int64_t count,
                           const oct_mean_quant *q) {
  if (q->plain) {
    const int64_t v = sum / count;
    return (int32_t)(v < q->out_min ? q->out_min
                                    : (v > q->out_max ? q->out_max : v));
  }
  const float mean = (float)sum / (float)count;
  const float r = roundf(mean * q->scale + q->bias) + (float)q->out_zp;
  if (!(r > (float)q->out_min)) return q->out_min;
  if (r >= (float)q->out_max) return q->out_max;
  return (int32_t)r;
}

#define OCT_MEAN_Q(NAME, SUM, T)                                              \
  void NAME(const oct_reduce_params *p, const oct_mean_quant *q, const T *in, \
            T *out, void *scratch) {                                          \
    int64_t *acc = (int64_t *)scratch;                                        \
    SUM(p, in, acc);                                                          \
    for (int64_t i = 0; i < p->out_count; i++)                                \
      out[i] = (T)mean_finish(acc[i], p->reduce_count, q);                    \
  }

OCT_MEAN_Q(oct_mean_u8_ref, sum_u8, uint8_t)
OCT_MEAN_Q(oct_mean_s8_ref, sum_s8, int8_t)
OCT_MEAN_Q(oct_mean_s16_ref, sum_s16, int16_t)

#define OCT_ARGMAX(NAME, T)                                    \
  void NAME(const oct_arg_params *p, const T *in, void *out) { \
    int64_t o = 0;                                             \
    for (int64_t k = 0; k < p->outer; k++) {                   \
      const T *base = in + k * p->axis * p->inner;             \
      for (int64_t j = 0; j < p->inner; j++, o++) {            \
        T best = base[j];                                      \
        int32_t best_i = 0;                                    \
        for (int32_t i = 1; i < p->axis; i++) {                \
          const T v = base[(int64_t)i * p->inner + j];         \
          if (v > best) {                                      \
            best = v;                                          \
            best_i = i;                                        \
          }                                                    \
        }                                                      \
        if (p->out_i64)                                        \
          ((int64_t *)out)[o] = best_i;                        \
        else                                                   \
          ((int32_t *)out)[o] = best_i;                        \
      }                                                        \
    }                                                          \
  }

OCT_ARGMAX(oct_argmax_f32_ref, float)
OCT_ARGMAX(oct_argmax_u8_ref, uint8_t)
OCT_ARGMAX(oct_argmax_s8_ref, int8_t)
OCT_ARGMAX(oct_argmax_s16_ref, int16_t)
OCT_ARGMAX(oct_argmax_s32_ref, int32_t)
OCT_ARGMAX(oct_argmax_s64_ref, int64_t)
OCT_ARGMAX(oct_argmax_bool_ref, uint8_t)
