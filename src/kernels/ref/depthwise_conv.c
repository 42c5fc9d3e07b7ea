/* DEPTHWISE_CONV_2D reference kernels; arithmetic in depthwise_conv.h. */
#include "depthwise_conv.h"

static inline size_t nhwc(int32_t b, int32_t y, int32_t x, int32_t h, int32_t w,
                          int32_t c) {
  return (((size_t)b * (size_t)h + (size_t)y) * (size_t)w + (size_t)x) *
         (size_t)c;
}

/* Offset of (ky, kx, 0) in a [1, k_h, k_w, out_c] filter. */
static inline size_t hwc(const oct_conv_dims *d, int32_t ky, int32_t kx) {
  return ((size_t)ky * (size_t)d->k_w + (size_t)kx) * (size_t)d->out_c;
}

/*
 * The loops are the same for every type: for each output pixel and output
 * channel c (input channel c / depth_mult), sum over the taps inside the
 * input. ACCUMULATE and FINISH give the per-type arithmetic.
 */
#define OCT_DW_LOOPS(ACC_T, ACCUMULATE, FINISH)                              \
  for (int32_t b = 0; b < d->batch; b++)                                     \
    for (int32_t oy = 0; oy < d->out_h; oy++)                                \
      for (int32_t ox = 0; ox < d->out_w; ox++) {                            \
        const int32_t y0 = oy * d->stride_h - d->pad_h;                      \
        const int32_t x0 = ox * d->stride_w - d->pad_w;                      \
        const size_t obase = nhwc(b, oy, ox, d->out_h, d->out_w, d->out_c);  \
        for (int32_t ic = 0; ic < d->in_c; ic++)                             \
          for (int32_t m = 0; m < d->depth_mult; m++) {                      \
            const int32_t oc = ic * d->depth_mult + m;                       \
            ACC_T acc = 0;                                                   \
            for (int32_t ky = 0; ky < d->k_h; ky++) {                        \
              const int32_t iy = y0 + ky * d->dil_h;                         \
              if (iy < 0 || iy >= d->in_h) continue;                         \
              for (int32_t kx = 0; kx < d->k_w; kx++) {                      \
                const int32_t ix = x0 + kx * d->dil_w;                       \
                if (ix < 0 || ix >= d->in_w) continue;                       \
                const size_t xi =                                            \
                    nhwc(b, iy, ix, d->in_h, d->in_w, d->in_c) + (size_t)ic; \
                const size_t wi = hwc(d, ky, kx) + (size_t)oc;               \
                ACCUMULATE;                                                  \
              }                                                              \
            }                                                                \
            FINISH;                                                          \
          }                                                                  \
      }

void oct_dwconv2d_f32_ref(const oct_conv_dims *d, const oct_act_f32 *a,
                          const float *restrict in, const float *restrict w,
                          const float *restrict bias, float *restrict out,
                          void *restrict scratch) {
  (void)scratch;
  OCT_DW_LOOPS(float, acc += in[xi] * w[wi], {
    if (bias) acc += bias[oc];
    out[obase + (size_t)oc] = oct_act_apply_f32(acc, a);
  })
}

void oct_dwconv2d_s8_ref(const oct_conv_dims *d, const oct_requant *q,
                         const int8_t *restrict in, const int8_t *restrict w,
                         const int32_t *restrict bias, int8_t *restrict out,
                         void *restrict scratch) {
  (void)scratch;
  const int32_t in_off = q->input_offset;
  OCT_DW_LOOPS(uint32_t, acc += (uint32_t)(w[wi] * (in[xi] + in_off)), {
    if (bias) acc += (uint32_t)bias[oc];
    out[obase + (size_t)oc] =
        (int8_t)oct_requant_acc32(acc, q->mult[oc], q->shift[oc], q);
  })
}

void oct_dwconv2d_u8_ref(const oct_conv_dims *d, const oct_requant *q,
                         const uint8_t *restrict in, const uint8_t *restrict w,
                         const int32_t *restrict bias, uint8_t *restrict out,
                         void *restrict scratch) {
  (void)scratch;
  const int32_t in_off = q->input_offset;
  const int32_t w_off = q->weight_offset;
  OCT_DW_LOOPS(
      uint32_t, acc += (uint32_t)((w[wi] + w_off) * (in[xi] + in_off)), {
        if (bias) acc += (uint32_t)bias[oc];
        out[obase + (size_t)oc] =
            (uint8_t)oct_requant_acc32(acc, q->mult[oc], q->shift[oc], q);
      })
}

void oct_dwconv2d_s16_ref(const oct_conv_dims *d, const oct_requant *q,
                          const int16_t *restrict in, const int8_t *restrict w,
                          const int64_t *restrict bias, int16_t *restrict out,
                          void *restrict scratch) {
  (void)scratch;
  OCT_DW_LOOPS(int64_t, acc += (int64_t)(w[wi] * in[xi]), {
    if (bias) acc = oct_wrap_add_i64(acc, bias[oc]);
    out[obase + (size_t)oc] =
        (int16_t)oct_requant_acc64(acc, q->mult[oc], q->shift[oc], q);
  })
}
