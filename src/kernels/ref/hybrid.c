/* Hybrid (float activations, int8 weights) reference kernels; the
 * arithmetic is documented in hybrid.h. */
#include "hybrid.h"

#include "../../runtime/oct_libc.h"

static size_t q_bytes(int32_t rows, int64_t row_len) {
  const size_t n = (size_t)rows * (size_t)row_len;
  return (n + 15u) & ~(size_t)15u;
}

size_t oct_hybrid_scratch_bytes(int32_t rows, int64_t row_len) {
  return q_bytes(rows, row_len) + (size_t)rows * (sizeof(float) + sizeof(int32_t));
}

typedef struct hybrid_scratch {
  int8_t *q;
  float *scale;
  int32_t *zp;
} hybrid_scratch;

static hybrid_scratch split(void *scratch, int32_t rows, int64_t row_len) {
  hybrid_scratch s;
  uint8_t *p = scratch;
  s.q = (int8_t *)p;
  s.scale = (float *)(void *)(p + q_bytes(rows, row_len));
  s.zp = (int32_t *)(void *)(s.scale + rows);
  return s;
}

int oct_hybrid_params_sym(float lo, float hi, float *scale, float *inv) {
  const float range = fabsf(lo) > fabsf(hi) ? fabsf(lo) : fabsf(hi);
  if (range == 0.0f) {
    *scale = 1.0f;
    *inv = 0.0f;
    return 0;
  }
  *scale = range / 127.0f;
  *inv = 127.0f / range;
  return 1;
}

void oct_hybrid_quantize_sym(const float *restrict x, int64_t n,
                             int8_t *restrict q, float *scale) {
  float lo = x[0], hi = x[0];
  for (int64_t i = 1; i < n; i++) {
    if (x[i] < lo) lo = x[i];
    if (x[i] > hi) hi = x[i];
  }
  float inv;
  if (!oct_hybrid_params_sym(lo, hi, scale, &inv)) {
    oct_memset(q, 0, (size_t)n);
    return;
  }
  for (int64_t i = 0; i < n; i++) {
    float r = roundf(x[i] * inv);
    if (r > 127.0f) r = 127.0f;
    if (r < -127.0f) r = -127.0f;
    /* NaN: TFLite 2.9's int32 cast gives INT32_MIN on x86, clamped to
     * -127; converting NaN itself would be undefined. */
    if (r != r) r = -127.0f;
    q[i] = (int8_t)r;
  }
}

int oct_hybrid_params_asym(float mn, float mx, float *scale, int32_t *zp,
                           float *inv) {
  const double lo = mn < 0.0f ? (double)mn : 0.0;
  const double hi = mx > 0.0f ? (double)mx : 0.0;
  if (lo == hi) {
    *scale = 1.0f;
    *zp = 0;
    *inv = 0.0f;
    return 0;
  }
  const double s = (hi - lo) / 255.0;
  const double z_min = -128.0 - lo / s, z_max = 127.0 - hi / s;
  const double e_min = 128.0 + fabs(lo / s), e_max = 127.0 + fabs(hi / s);
  const double z = e_min < e_max ? z_min : z_max;
  int32_t zi;
  if (z <= -128.0)
    zi = -128;
  else if (z >= 127.0)
    zi = 127;
  else
    zi = (int32_t)round(z);
  *scale = (float)s;
  *zp = zi;
  *inv = (float)(1.0 / (double)*scale);
  return 1;
}

void oct_hybrid_quantize_asym(const float *restrict x, int64_t n,
                              int8_t *restrict q, float *scale, int32_t *zp) {
  float mn = x[0], mx = x[0];
  for (int64_t i = 1; i < n; i++) {
    if (x[i] < mn) mn = x[i];
    if (x[i] > mx) mx = x[i];
  }
  float inv;
  if (!oct_hybrid_params_asym(mn, mx, scale, zp, &inv)) {
    oct_memset(q, 0, (size_t)n);
    return;
  }
  const float zf = (float)*zp;
  for (int64_t i = 0; i < n; i++) {
    float r = roundf(zf + x[i] * inv);
    if (r > 127.0f) r = 127.0f;
    if (r < -128.0f) r = -128.0f;
    /* NaN: TFLite's std::min(127, NaN) is 127; converting NaN itself
     * would be undefined. */
    if (r != r) r = 127.0f;
    q[i] = (int8_t)r;
  }
}

static void quantize_rows(const oct_hybrid_params *h, const float *in,
                          int32_t rows, int64_t len, hybrid_scratch *s) {
  for (int32_t r = 0; r < rows; r++) {
    const float *x = in + (size_t)r * (size_t)len;
    int8_t *q = s->q + (size_t)r * (size_t)len;
    if (h->asymmetric) {
      oct_hybrid_quantize_asym(x, len, q, &s->scale[r], &s->zp[r]);
    } else {
      oct_hybrid_quantize_sym(x, len, q, &s->scale[r]);
      s->zp[r] = 0;
    }
  }
}

/* Sums modulo 2^32 (int32 wrap, as TFLite's accumulators) without UB. */
static inline int32_t wrap_i32(uint32_t v) {
  return (int32_t)v;
}

void oct_fc_hybrid_ref(const oct_fc_dims *d, const oct_act_f32 *a,
                       const oct_hybrid_params *h, const float *restrict in,
                       const int8_t *restrict w, const float *restrict bias,
                       float *restrict out, void *restrict scratch) {
  hybrid_scratch s = split(scratch, d->batch, d->depth);
  quantize_rows(h, in, d->batch, d->depth, &s);
  for (int32_t b = 0; b < d->batch; b++) {
    const int8_t *q = s.q + (size_t)b * (size_t)d->depth;
    const int32_t z = s.zp[b];
    for (int32_t c = 0; c < d->out_c; c++) {
      const int8_t *wr = w + (size_t)c * (size_t)d->depth;
      uint32_t acc = 0;
      for (int32_t i = 0; i < d->depth; i++)
        acc += (uint32_t)((int32_t)wr[i] * ((int32_t)q[i] - z));
      const float scale = s.scale[b] * h->w_scale[c];
      const float p = (float)wrap_i32(acc) * scale;
      float v = bias ? bias[c] : 0.0f;
      v += p;
      out[(size_t)b * (size_t)d->out_c + c] = oct_act_apply_f32(v, a);
    }
  }
}

static inline size_t nhwc(int32_t b, int32_t y, int32_t x, int32_t hgt,
                          int32_t wid, int32_t c) {
  return (((size_t)b * (size_t)hgt + (size_t)y) * (size_t)wid + (size_t)x) *
         (size_t)c;
}

void oct_conv2d_hybrid_ref(const oct_conv_dims *d, const oct_act_f32 *a,
                           const oct_hybrid_params *h, const float *restrict in,
                           const int8_t *restrict w, const float *restrict bias,
                           float *restrict out, void *restrict scratch) {
  const int64_t img = (int64_t)d->in_h * d->in_w * d->in_c;
  hybrid_scratch s = split(scratch, d->batch, img);
  quantize_rows(h, in, d->batch, img, &s);
  for (int32_t b = 0; b < d->batch; b++) {
    const int32_t z = s.zp[b];
    for (int32_t oy = 0; oy < d->out_h; oy++)
      for (int32_t ox = 0; ox < d->out_w; ox++) {
        const int32_t y0 = oy * d->stride_h - d->pad_h;
        const int32_t x0 = ox * d->stride_w - d->pad_w;
        float *o = out + nhwc(b, oy, ox, d->out_h, d->out_w, d->out_c);
        for (int32_t oc = 0; oc < d->out_c; oc++) {
          uint32_t acc = 0;
          for (int32_t ky = 0; ky < d->k_h; ky++) {
            const int32_t iy = y0 + ky * d->dil_h;
            if (iy < 0 || iy >= d->in_h) continue;
            for (int32_t kx = 0; kx < d->k_w; kx++) {
              const int32_t ix = x0 + kx * d->dil_w;
              if (ix < 0 || ix >= d->in_w) continue;
              const int8_t *xp = s.q + nhwc(b, iy, ix, d->in_h, d->in_w, d->in_c);
              const int8_t *wp =
                  w + (((size_t)oc * (size_t)d->k_h + (size_t)ky) * (size_t)d->k_w +
                       (size_t)kx) * (size_t)d->in_c;
              for (int32_t ic = 0; ic < d->in_c; ic++)
                acc += (uint32_t)((int32_t)wp[ic] * ((int32_t)xp[ic] - z));
            }
          }
          const float scale = h->w_scale[oc] * s.scale[b];
          float v = (float)wrap_i32(acc) * scale;
          if (bias) v += bias[oc];
          o[oc] = oct_act_apply_f32(v, a);
        }
      }
  }
}

void oct_dwconv2d_hybrid_ref(const oct_conv_dims *d, const oct_act_f32 *a,
                             const oct_hybrid_params *h,
                             const float *restrict in, const int8_t *restrict w,
                             const float *restrict bias, float *restrict out,
                             void *restrict scratch) {
  const int64_t img = (int64_t)d->in_h * d->in_w * d->in_c;
  hybrid_scratch s = split(scratch, d->batch, img);
  quantize_rows(h, in, d->batch, img, &s);
  for (int32_t b = 0; b < d->batch; b++) {
    const int32_t z = s.zp[b];
    for (int32_t oy = 0; oy < d->out_h; oy++)
      for (int32_t ox = 0; ox < d->out_w; ox++) {
        const int32_t y0 = oy * d->stride_h - d->pad_h;
        const int32_t x0 = ox * d->stride_w - d->pad_w;
        float *o = out + nhwc(b, oy, ox, d->out_h, d->out_w, d->out_c);
        for (int32_t oc = 0; oc < d->out_c; oc++) {
          const int32_t ic = oc / d->depth_mult;
          uint32_t acc = 0;
          for (int32_t ky = 0; ky < d->k_h; ky++) {
            const int32_t iy = y0 + ky * d->dil_h;
            if (iy < 0 || iy >= d->in_h) continue;
            for (int32_t kx = 0; kx < d->k_w; kx++) {
              const int32_t ix = x0 + kx * d->dil_w;
              if (ix < 0 || ix >= d->in_w) continue;
              const int32_t xv = s.q[nhwc(b, iy, ix, d->in_h, d->in_w, d->in_c) + (size_t)ic];
              const int32_t wv =
                  w[((size_t)ky * (size_t)d->k_w + (size_t)kx) * (size_t)d->out_c + (size_t)oc];
              acc += (uint32_t)(wv * (xv - z));
            }
          }
          /* TFLite's x86 kernel multiplies by the input scale first. */
          float v = (float)wrap_i32(acc) * s.scale[b];
          v = v * h->w_scale[oc];
          if (bias) v += bias[oc];
          o[oc] = oct_act_apply_f32(v, a);
        }
      }
  }
}
