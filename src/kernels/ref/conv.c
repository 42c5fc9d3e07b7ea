/* CONV_2D reference kernels; the arithmetic is documented in conv.h. */
#include "conv.h"

/* Element offset of (b, y, x, 0) in an NHWC tensor; size_t because a
 * tensor may hold more than 2^31 int8 elements. */
static inline size_t nhwc(int32_t b, int32_t y, int32_t x, int32_t h, int32_t w,
                          int32_t c) {
  return (((size_t)b * (size_t)h + (size_t)y) * (size_t)w + (size_t)x) *
         (size_t)c;
}

/* Offset of filter row (o, ky, kx, 0) in an [out_c, k_h, k_w, in_c] filter. */
static inline size_t ohwi(const oct_conv_dims *d, int32_t o, int32_t ky,
                          int32_t kx) {
  return (((size_t)o * (size_t)d->k_h + (size_t)ky) * (size_t)d->k_w +
          (size_t)kx) *
         (size_t)d->in_c;
}

void oct_conv2d_f32_ref(const oct_conv_dims *d, const oct_act_f32 *a,
                        const float *restrict in, const float *restrict w,
                        const float *restrict bias, float *restrict out,
                        void *restrict scratch) {
  (void)scratch;
  for (int32_t b = 0; b < d->batch; b++)
    for (int32_t oy = 0; oy < d->out_h; oy++)
      for (int32_t ox = 0; ox < d->out_w; ox++) {
        const int32_t y0 = oy * d->stride_h - d->pad_h;
        const int32_t x0 = ox * d->stride_w - d->pad_w;
        float *o = out + nhwc(b, oy, ox, d->out_h, d->out_w, d->out_c);
        for (int32_t oc = 0; oc < d->out_c; oc++) {
          float acc = 0.0f;
          for (int32_t ky = 0; ky < d->k_h; ky++) {
            const int32_t iy = y0 + ky * d->dil_h;
            if (iy < 0 || iy >= d->in_h) continue;
            for (int32_t kx = 0; kx < d->k_w; kx++) {
              const int32_t ix = x0 + kx * d->dil_w;
              if (ix < 0 || ix >= d->in_w) continue;
              const float *xp = in + nhwc(b, iy, ix, d->in_h, d->in_w, d->in_c);
              const float *wp = w + ohwi(d, oc, ky, kx);
              for (int32_t ic = 0; ic < d->in_c; ic++) acc += xp[ic] * wp[ic];
            }
          }
          if (bias) acc += bias[oc];
          o[oc] = oct_act_apply_f32(acc, a);
        }
      }
}

void oct_conv2d_s8_ref(const oct_conv_dims *d, const oct_requant *q,
                       const int8_t *restrict in, const int8_t *restrict w,
                       const int32_t *restrict bias, int8_t *restrict out,
                       void *restrict scratch) {
  (void)scratch;
  const int32_t in_off = q->input_offset;
  for (int32_t b = 0; b < d->batch; b++)
    for (int32_t oy = 0; oy < d->out_h; oy++)
      for (int32_t ox = 0; ox < d->out_w; ox++) {
        const int32_t y0 = oy * d->stride_h - d->pad_h;
        const int32_t x0 = ox * d->stride_w - d->pad_w;
        int8_t *o = out + nhwc(b, oy, ox, d->out_h, d->out_w, d->out_c);
        for (int32_t oc = 0; oc < d->out_c; oc++) {
          uint32_t acc = 0;
          for (int32_t ky = 0; ky < d->k_h; ky++) {
            const int32_t iy = y0 + ky * d->dil_h;
            if (iy < 0 || iy >= d->in_h) continue;
            for (int32_t kx = 0; kx < d->k_w; kx++) {
              const int32_t ix = x0 + kx * d->dil_w;
              if (ix < 0 || ix >= d->in_w) continue;
              const int8_t *xp =
                  in + nhwc(b, iy, ix, d->in_h, d->in_w, d->in_c);
              const int8_t *wp = w + ohwi(d, oc, ky, kx);
              for (int32_t ic = 0; ic < d->in_c; ic++)
                acc += (uint32_t)(wp[ic] * (xp[ic] + in_off));
            }
          }
          if (bias) acc += (uint32_t)bias[oc];
          o[oc] = (int8_t)oct_requant_acc32(acc, q->mult[oc], q->shift[oc], q);
        }
      }
}

void oct_conv2d_u8_ref(const oct_conv_dims *d, const oct_requant *q,
                       const uint8_t *restrict in, const uint8_t *restrict w,
                       const int32_t *restrict bias, uint8_t *restrict out,
                       void *restrict scratch) {
  (void)scratch;
  const int32_t in_off = q->input_offset;
  const int32_t w_off = q->weight_offset;
  for (int32_t b = 0; b < d->batch; b++)
    for (int32_t oy = 0; oy < d->out_h; oy++)
      for (int32_t ox = 0; ox < d->out_w; ox++) {
        const int32_t y0 = oy * d->stride_h - d->pad_h;
        const int32_t x0 = ox * d->stride_w - d->pad_w;
        uint8_t *o = out + nhwc(b, oy, ox, d->out_h, d->out_w, d->out_c);
        for (int32_t oc = 0; oc < d->out_c; oc++) {
          uint32_t acc = 0;
          for (int32_t ky = 0; ky < d->k_h; ky++) {
            const int32_t iy = y0 + ky * d->dil_h;
            if (iy < 0 || iy >= d->in_h) continue;
            for (int32_t kx = 0; kx < d->k_w; kx++) {
              const int32_t ix = x0 + kx * d->dil_w;
              if (ix < 0 || ix >= d->in_w) continue;
              const uint8_t *xp =
                  in + nhwc(b, iy, ix, d->in_h, d->in_w, d->in_c);
              const uint8_t *wp = w + ohwi(d, oc, ky, kx);
              for (int32_t ic = 0; ic < d->in_c; ic++)
                acc += (uint32_t)((wp[ic] + w_off) * (xp[ic] + in_off));
            }
          }
          if (bias) acc += (uint32_t)bias[oc];
          o[oc] = (uint8_t)oct_requant_acc32(acc, q->mult[oc], q->shift[oc], q);
        }
      }
}

void oct_conv2d_s16_ref(const oct_conv_dims *d, const oct_requant *q,
                        const int16_t *restrict in, const int8_t *restrict w,
                        const int64_t *restrict bias, int16_t *restrict out,
                        void *restrict scratch) {
  (void)scratch;
  for (int32_t b = 0; b < d->batch; b++)
    for (int32_t oy = 0; oy < d->out_h; oy++)
      for (int32_t ox = 0; ox < d->out_w; ox++) {
        const int32_t y0 = oy * d->stride_h - d->pad_h;
        const int32_t x0 = ox * d->stride_w - d->pad_w;
        int16_t *o = out + nhwc(b, oy, ox, d->out_h, d->out_w, d->out_c);
        for (int32_t oc = 0; oc < d->out_c; oc++) {
          /* |w * x| < 2^22 and a tensor has < 2^32 elements: no overflow. */
          int64_t acc = 0;
          for (int32_t ky = 0; ky < d->k_h; ky++) {
            const int32_t iy = y0 + ky * d->dil_h;
            if (iy < 0 || iy >= d->in_h) continue;
            for (int32_t kx = 0; kx < d->k_w; kx++) {
              const int32_t ix = x0 + kx * d->dil_w;
              if (ix < 0 || ix >= d->in_w) continue;
              const int16_t *xp =
                  in + nhwc(b, iy, ix, d->in_h, d->in_w, d->in_c);
              const int8_t *wp = w + ohwi(d, oc, ky, kx);
              for (int32_t ic = 0; ic < d->in_c; ic++)
                acc += (int64_t)(wp[ic] * xp[ic]);
            }
          }
          if (bias) acc = oct_wrap_add_i64(acc, bias[oc]);
          o[oc] = (int16_t)oct_requant_acc64(acc, q->mult[oc], q->shift[oc], q);
        }
      }
}
