/* TRANSPOSE_CONV reference kernels; arithmetic in transpose_conv.h. */
#include "transpose_conv.h"

static inline size_t nhwc(int32_t b, int32_t y, int32_t x, int32_t h, int32_t w,
                          int32_t c) {
  return (((size_t)b * (size_t)h + (size_t)y) * (size_t)w + (size_t)x) *
         (size_t)c;
}

static inline size_t ohwi(const oct_conv_dims *d, int32_t o, int32_t ky,
                          int32_t kx) {
  return (((size_t)o * (size_t)d->k_h + (size_t)ky) * (size_t)d->k_w +
          (size_t)kx) *
         (size_t)d->in_c;
}

/* Input row that output row `o` reads through tap `k`, or -1 if none:
 * o = i * stride - pad + k must hold for an integer i inside the input. */
static inline int32_t source_index(int32_t o, int32_t k, int32_t stride,
                                   int32_t pad, int32_t n) {
  const int32_t t = o + pad - k;
  if (t < 0 || t % stride != 0) return -1;
  const int32_t i = t / stride;
  return i < n ? i : -1;
}

/*
 * Shared loop nest: for each output element, DOT runs once per (input
 * pixel, tap) that reaches it, with xp/wp pointing at in_c values each.
 */
#define OCT_TCONV_LOOPS(ACC_T, DOT, FINISH)                                 \
  for (int32_t b = 0; b < d->batch; b++)                                    \
    for (int32_t oy = 0; oy < d->out_h; oy++)                               \
      for (int32_t ox = 0; ox < d->out_w; ox++) {                           \
        const size_t obase = nhwc(b, oy, ox, d->out_h, d->out_w, d->out_c); \
        for (int32_t oc = 0; oc < d->out_c; oc++) {                         \
          ACC_T acc = 0;                                                    \
          for (int32_t ky = 0; ky < d->k_h; ky++) {                         \
            const int32_t iy =                                              \
                source_index(oy, ky, d->stride_h, d->pad_h, d->in_h);       \
            if (iy < 0) continue;                                           \
            for (int32_t kx = 0; kx < d->k_w; kx++) {                       \
              const int32_t ix =                                            \
                  source_index(ox, kx, d->stride_w, d->pad_w, d->in_w);     \
              if (ix < 0) continue;                                         \
              const size_t xo = nhwc(b, iy, ix, d->in_h, d->in_w, d->in_c); \
              const size_t wo = ohwi(d, oc, ky, kx);                        \
              for (int32_t ic = 0; ic < d->in_c; ic++) {                    \
                DOT;                                                        \
              }                                                             \
            }                                                               \
          }                                                                 \
          FINISH;                                                           \
        }                                                                   \
      }

void oct_tconv2d_f32_ref(const oct_conv_dims *d, const oct_act_f32 *a,
                         const float *restrict in, const float *restrict w,
                         const float *restrict bias, float *restrict out,
                         void *restrict scratch) {
  (void)scratch;
  OCT_TCONV_LOOPS(float, acc += in[xo + (size_t)ic] * w[wo + (size_t)ic], {
    if (bias) acc += bias[oc];
    out[obase + (size_t)oc] = oct_act_apply_f32(acc, a);
  })
}

void oct_tconv2d_s8_ref(const oct_conv_dims *d, const oct_requant *q,
                        const int8_t *restrict in, const int8_t *restrict w,
                        const int32_t *restrict bias, int8_t *restrict out,
                        void *restrict scratch) {
  (void)scratch;
  const int32_t in_off = q->input_offset;
  OCT_TCONV_LOOPS(
      uint32_t,
      acc += (uint32_t)(w[wo + (size_t)ic] * (in[xo + (size_t)ic] + in_off)), {
        if (bias) acc += (uint32_t)bias[oc];
        out[obase + (size_t)oc] =
            (int8_t)oct_requant_acc32(acc, q->mult[oc], q->shift[oc], q);
      })
}

void oct_tconv2d_u8_ref(const oct_conv_dims *d, const oct_requant *q,
                        const uint8_t *restrict in, const uint8_t *restrict w,
                        const int32_t *restrict bias, uint8_t *restrict out,
                        void *restrict scratch) {
  (void)scratch;
  const int32_t in_off = q->input_offset, w_off = q->weight_offset;
  OCT_TCONV_LOOPS(uint32_t,
                  acc += (uint32_t)((w[wo + (size_t)ic] + w_off) *
                                    (in[xo + (size_t)ic] + in_off)),
                  {
                    if (bias) acc += (uint32_t)bias[oc];
                    out[obase + (size_t)oc] = (uint8_t)oct_requant_acc32(
                        acc, q->mult[oc], q->shift[oc], q);
                  })
}

void oct_tconv2d_s16_ref(const oct_conv_dims *d, const oct_requant *q,
                         const int16_t *restrict in, const int8_t *restrict w,
                         const int64_t *restrict bias, int16_t *restrict out,
                         void *restrict scratch) {
  (void)scratch;
  OCT_TCONV_LOOPS(
      int64_t, acc += (int64_t)(w[wo + (size_t)ic] * in[xo + (size_t)ic]), {
        if (bias) acc = oct_wrap_add_i64(acc, bias[oc]);
        out[obase + (size_t)oc] =
            (int16_t)oct_requant_acc64(acc, q->mult[oc], q->shift[oc], q);
      })
}
