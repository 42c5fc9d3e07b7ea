/* Reference pooling kernels; see pooling.h. */
#include "pooling.h"

#include "../../runtime/oct_libc.h"

/* The part of a window that lies inside the input, along one axis. */
typedef struct pool_span {
  int32_t origin, start, end; /* input index = origin + [start, end) */
} pool_span;

static inline pool_span pool_clip(int32_t o, int32_t stride, int32_t pad,
                                  int32_t filter, int32_t in) {
  pool_span s;
  s.origin = o * stride - pad;
  s.start = s.origin < 0 ? -s.origin : 0;
  s.end = in - s.origin < filter ? in - s.origin : filter;
  return s;
}

/* Walks every output element; BODY sees the clipped spans `ys`, `xs`, the
 * input pixel row base `in_b` (batch offset), and the channel `c`, and
 * writes out[o]. */
#define OCT_POOL_LOOP(P, BODY)                                          \
  do {                                                                  \
    const int64_t row = (int64_t)(P)->in_w * (P)->channels;             \
    int64_t o = 0;                                                      \
    for (int32_t b = 0; b < (P)->batch; b++) {                          \
      const int64_t in_b = (int64_t)b * (P)->in_h * row;                \
      for (int32_t oy = 0; oy < (P)->out_h; oy++) {                     \
        const pool_span ys = pool_clip(oy, (P)->stride_h, (P)->pad_h,   \
                                       (P)->filter_h, (P)->in_h);       \
        for (int32_t ox = 0; ox < (P)->out_w; ox++) {                   \
          const pool_span xs = pool_clip(ox, (P)->stride_w, (P)->pad_w, \
                                         (P)->filter_w, (P)->in_w);     \
          for (int32_t c = 0; c < (P)->channels; c++, o++) {            \
            BODY                                                        \
          }                                                             \
        }                                                               \
      }                                                                 \
    }                                                                   \
  } while (0)

#define OCT_POOL_AT(P, y, x)                 \
  (in_b + (int64_t)(ys.origin + (y)) * row + \
   (int64_t)(xs.origin + (x)) * (P)->channels + c)

/* Walks every output pixel; BODY sees the spans, `in_b`, the pixel's input
 * window origin `wi` (element offset of (ys.origin, xs.origin), channel
 * 0) and its output `op` (channels out[op .. op + channels)). Channel-inner
 * loops over one window tap read and write contiguous runs. */
#define OCT_POOL_PIXELS(P, BODY)                                        \
  do {                                                                  \
    const int64_t row = (int64_t)(P)->in_w * (P)->channels;             \
    int64_t op = 0;                                                     \
    for (int32_t b = 0; b < (P)->batch; b++) {                          \
      const int64_t in_b = (int64_t)b * (P)->in_h * row;                \
      for (int32_t oy = 0; oy < (P)->out_h; oy++) {                     \
        const pool_span ys = pool_clip(oy, (P)->stride_h, (P)->pad_h,   \
                                       (P)->filter_h, (P)->in_h);       \
        for (int32_t ox = 0; ox < (P)->out_w; ox++, op += (P)->channels) { \
          const pool_span xs = pool_clip(ox, (P)->stride_w, (P)->pad_w, \
                                         (P)->filter_w, (P)->in_w);     \
          const int64_t wi = in_b + (int64_t)ys.origin * row +          \
                             (int64_t)xs.origin * (P)->channels;        \
          BODY                                                          \
        }                                                               \
      }                                                                 \
    }                                                                   \
  } while (0)

/* Input offset of tap (y, x) of the window at wi, channel 0. */
#define OCT_POOL_TAP(P, y, x) \
  (wi + (int64_t)(y) * row + (int64_t)(x) * (P)->channels)

void oct_avgpool_f32_ref(const oct_pool_params *p, const float *in,
                         float *out) {
  OCT_POOL_LOOP(p, {
    float sum = 0.0f;
    for (int32_t y = ys.start; y < ys.end; y++)
      for (int32_t x = xs.start; x < xs.end; x++)
        sum += in[OCT_POOL_AT(p, y, x)];
    const int32_t count = (ys.end - ys.start) * (xs.end - xs.start);
    float v = sum / (float)count;
    v = v < p->act_min_f ? p->act_min_f : v;
    out[o] = v > p->act_max_f ? p->act_max_f : v;
  });
}

/* Sums in int64 so no window size can overflow; TFLite's int32 sum gives the
 * same value whenever it does not overflow itself. */
#define OCT_AVGPOOL_INT(NAME, T)                                           \
  void NAME(const oct_pool_params *p, const T *in, T *out) {               \
    OCT_POOL_LOOP(p, {                                                     \
      int64_t sum = 0;                                                     \
      for (int32_t y = ys.start; y < ys.end; y++)                          \
        for (int32_t x = xs.start; x < xs.end; x++)                        \
          sum += in[OCT_POOL_AT(p, y, x)];                                 \
      const int64_t count =                                                \
          (int64_t)(ys.end - ys.start) * (xs.end - xs.start);              \
      int64_t v =                                                          \
          sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count; \
      v = v < p->act_min ? p->act_min : v;                                 \
      out[o] = (T)(v > p->act_max ? p->act_max : v);                       \
    });                                                                    \
  }

OCT_AVGPOOL_INT(oct_avgpool_u8_ref, uint8_t)
OCT_AVGPOOL_INT(oct_avgpool_s8_ref, int8_t)
OCT_AVGPOOL_INT(oct_avgpool_s16_ref, int16_t)

/* Max is the same whichever order the taps come in (NaN never wins the
 * comparison), so taps run outermost and channels innermost. */
void oct_maxpool_f32_ref(const oct_pool_params *p, const float *in,
                         float *out) {
  const int32_t nc = p->channels;
  OCT_POOL_PIXELS(p, {
    float *m = out + op;
    for (int32_t c = 0; c < nc; c++) m[c] = -FLT_MAX;
    for (int32_t y = ys.start; y < ys.end; y++)
      for (int32_t x = xs.start; x < xs.end; x++) {
        const float *v = in + OCT_POOL_TAP(p, y, x);
        for (int32_t c = 0; c < nc; c++) m[c] = v[c] > m[c] ? v[c] : m[c];
      }
    for (int32_t c = 0; c < nc; c++) {
      const float v = m[c] < p->act_min_f ? p->act_min_f : m[c];
      m[c] = v > p->act_max_f ? p->act_max_f : v;
    }
  });
}

#define OCT_MAXPOOL_INT(NAME, T, LOWEST)                               \
  void NAME(const oct_pool_params *p, const T *in, T *out) {           \
    const int32_t nc = p->channels;                                    \
    OCT_POOL_PIXELS(p, {                                               \
      T *m = out + op;                                                 \
      for (int32_t c = 0; c < nc; c++) m[c] = (T)(LOWEST);             \
      for (int32_t y = ys.start; y < ys.end; y++)                      \
        for (int32_t x = xs.start; x < xs.end; x++) {                  \
          const T *v = in + OCT_POOL_TAP(p, y, x);                     \
          for (int32_t c = 0; c < nc; c++) m[c] = v[c] > m[c] ? v[c] : m[c]; \
        }                                                              \
      for (int32_t c = 0; c < nc; c++) {                               \
        const int32_t v = m[c] < p->act_min ? p->act_min : m[c];       \
        m[c] = (T)(v > p->act_max ? p->act_max : v);                   \
      }                                                                \
    });                                                                \
  }

OCT_MAXPOOL_INT(oct_maxpool_u8_ref, uint8_t, 0)
OCT_MAXPOOL_INT(oct_maxpool_s8_ref, int8_t, INT8_MIN)
OCT_MAXPOOL_INT(oct_maxpool_s16_ref, int16_t, INT16_MIN)
