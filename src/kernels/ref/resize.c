/* Reference resize kernels; see resize.h. */
#include "resize.h"

#include "../../runtime/oct_libc.h"

/* ---- shared coordinate math ---- */

/* Source pixels per output pixel along one axis (TFLite's float scale). */
static float scale_f(int32_t in, int32_t out, int32_t align) {
  if (align && out > 1) return (float)(in - 1) / (float)(out - 1);
  return (float)in / (float)out;
}

/* The same scale in 1/1024 units, rounded to nearest. */
static int64_t scale_q10(int32_t in, int32_t out, int32_t align) {
  if (align && out > 1)
    return ((int64_t)1024 * (in - 1) + (out - 1) / 2) / (out - 1);
  return ((int64_t)1024 * in + out / 2) / out;
}

/* Where output index i samples the input, and its two neighbours. The
 * position may fall slightly outside [0, size - 1] with half-pixel
 * centers; the neighbours are clamped, the weights are not (TFLite's way:
 * the two taps then coincide and the weights still sum to one). */
typedef struct coord_f {
  float pos;
  int32_t lo, hi;
} coord_f;

static coord_f bilinear_coord_f(int32_t i, float scale, int32_t half_pixel,
                                int32_t size) {
  coord_f c;
  c.pos = half_pixel ? ((float)i + 0.5f) * scale - 0.5f : (float)i * scale;
  const int32_t fl = (int32_t)floorf(c.pos);
  const int32_t ce = (int32_t)ceilf(c.pos);
  c.lo = fl > 0 ? fl : 0;
  c.hi = ce < size - 1 ? ce : size - 1;
  return c;
}

typedef struct coord_q {
  int64_t pos; /* in 1/1024 pixels */
  int32_t lo, hi;
} coord_q;

static coord_q bilinear_coord_q(int32_t i, int64_t scale10, int32_t half_pixel,
                                int32_t size) {
  coord_q c;
  c.pos = half_pixel ? i * scale10 + scale10 / 2 - 512 : i * scale10;
  /* Truncating division, as TFLite's int32 arithmetic does. */
  const int64_t fl = c.pos / 1024, ce = (c.pos + 1023) / 1024;
  c.lo = (int32_t)(fl > 0 ? fl : 0);
  c.hi = (int32_t)(ce < size - 1 ? ce : size - 1);
  return c;
}

static int32_t nearest_index(int32_t i, float scale, int32_t align,
                             int32_t half_pixel, int32_t size) {
  const float pos = ((float)i + (half_pixel ? 0.5f : 0.0f)) * scale;
  const float f = align ? roundf(pos) : floorf(pos);
  int32_t v = f < (float)(size - 1) ? (int32_t)f : size - 1;
  if (v < 0) v = 0;
  return v;
}

/* ---- bilinear ---- */

static inline int64_t pix(const oct_resize_params *p, int32_t b, int32_t y,
                          int32_t x) {
  return (((int64_t)b * p->in_h + y) * p->in_w + x) * p->channels;
}

void oct_resize_bilinear_f32_ref(const oct_resize_params *p, const float *in,
                                 float *out) {
  const float sh = scale_f(p->in_h, p->out_h, p->align_corners);
  const float sw = scale_f(p->in_w, p->out_w, p->align_corners);
  for (int32_t b = 0; b < p->batch; b++) {
    for (int32_t y = 0; y < p->out_h; y++) {
      const coord_f cy =
          bilinear_coord_f(y, sh, p->half_pixel_centers, p->in_h);
      const float dy = cy.pos - (float)cy.lo;
      for (int32_t x = 0; x < p->out_w; x++) {
        const coord_f cx =
            bilinear_coord_f(x, sw, p->half_pixel_centers, p->in_w);
        const float dx = cx.pos - (float)cx.lo;
        const float *p00 = in + pix(p, b, cy.lo, cx.lo);
        const float *p01 = in + pix(p, b, cy.lo, cx.hi);
        const float *p10 = in + pix(p, b, cy.hi, cx.lo);
        const float *p11 = in + pix(p, b, cy.hi, cx.hi);
        for (int32_t c = 0; c < p->channels; c++)
          *out++ = p00[c] * (1 - dy) * (1 - dx) + p10[c] * dy * (1 - dx) +
                   p01[c] * (1 - dy) * dx + p11[c] * dy * dx;
      }
    }
  }
}

void oct_resize_bilinear_u8_ref(const oct_resize_params *p, const uint8_t *in,
                                uint8_t *out) {
  const float sh = scale_f(p->in_h, p->out_h, p->align_corners);
  const float sw = scale_f(p->in_w, p->out_w, p->align_corners);
  for (int32_t b = 0; b < p->batch; b++) {
    for (int32_t y = 0; y < p->out_h; y++) {
      const coord_f cy =
          bilinear_coord_f(y, sh, p->half_pixel_centers, p->in_h);
      const float dy = cy.pos - (float)cy.lo;
      for (int32_t x = 0; x < p->out_w; x++) {
        const coord_f cx =
            bilinear_coord_f(x, sw, p->half_pixel_centers, p->in_w);
        const float dx = cx.pos - (float)cx.lo;
        /* Weights formed once per pixel, taps summed in this order. */
        const float w00 = (1 - dy) * (1 - dx), w01 = (1 - dy) * dx;
        const float w10 = dy * (1 - dx), w11 = dy * dx;
        const uint8_t *p00 = in + pix(p, b, cy.lo, cx.lo);
        const uint8_t *p01 = in + pix(p, b, cy.lo, cx.hi);
        const uint8_t *p10 = in + pix(p, b, cy.hi, cx.lo);
        const uint8_t *p11 = in + pix(p, b, cy.hi, cx.hi);
        for (int32_t c = 0; c < p->channels; c++) {
          const float v =
              p00[c] * w00 + p01[c] * w01 + p10[c] * w10 + p11[c] * w11;
          const float r = roundf(v);
          *out++ = (uint8_t)(r <= 0.0f ? 0 : r >= 255.0f ? 255 : (int32_t)r);
        }
      }
    }
  }
}

#define OCT_BILINEAR_Q(NAME, T, LO, HI)                                     \
  void NAME(const oct_resize_params *p, const T *in, T *out) {              \
    const int64_t sh = scale_q10(p->in_h, p->out_h, p->align_corners);      \
    const int64_t sw = scale_q10(p->in_w, p->out_w, p->align_corners);      \
    for (int32_t b = 0; b < p->batch; b++) {                                \
      for (int32_t y = 0; y < p->out_h; y++) {                              \
        const coord_q cy =                                                  \
            bilinear_coord_q(y, sh, p->half_pixel_centers, p->in_h);        \
        const int64_t fy = cy.pos - 1024 * (int64_t)cy.lo;                  \
        for (int32_t x = 0; x < p->out_w; x++) {                            \
          const coord_q cx =                                                \
              bilinear_coord_q(x, sw, p->half_pixel_centers, p->in_w);      \
          const int64_t fx = cx.pos - 1024 * (int64_t)cx.lo;                \
          const T *p00 = in + pix(p, b, cy.lo, cx.lo);                      \
          const T *p01 = in + pix(p, b, cy.lo, cx.hi);                      \
          const T *p10 = in + pix(p, b, cy.hi, cx.lo);                      \
          const T *p11 = in + pix(p, b, cy.hi, cx.hi);                      \
          for (int32_t c = 0; c < p->channels; c++) {                       \
            const int64_t v = p00[c] * (1024 - fy) * (1024 - fx) +          \
                              p10[c] * fy * (1024 - fx) +                   \
                              p01[c] * (1024 - fy) * fx + p11[c] * fy * fx; \
            int64_t r = (v + (v > 0 ? (1 << 19) : -(1 << 19))) / (1 << 20); \
            r = r < LO ? LO : (r > HI ? HI : r);                            \
            *out++ = (T)r;                                                  \
          }                                                                 \
        }                                                                   \
      }                                                                     \
    }                                                                       \
  }

OCT_BILINEAR_Q(oct_resize_bilinear_s8_ref, int8_t, INT8_MIN, INT8_MAX)
OCT_BILINEAR_Q(oct_resize_bilinear_s16_ref, int16_t, INT16_MIN, INT16_MAX)

/* ---- nearest neighbour ---- */

void oct_resize_nearest_ref(const oct_resize_params *p, int32_t elem_size,
                            const void *in, void *out) {
  const float sh = scale_f(p->in_h, p->out_h, p->align_corners);
  const float sw = scale_f(p->in_w, p->out_w, p->align_corners);
  const size_t px = (size_t)p->channels * (size_t)elem_size;
  const uint8_t *src = (const uint8_t *)in;
  uint8_t *dst = (uint8_t *)out;
  for (int32_t b = 0; b < p->batch; b++) {
    for (int32_t y = 0; y < p->out_h; y++) {
      const int32_t iy = nearest_index(y, sh, p->align_corners,
                                       p->half_pixel_centers, p->in_h);
      for (int32_t x = 0; x < p->out_w; x++) {
        const int32_t ix = nearest_index(x, sw, p->align_corners,
                                         p->half_pixel_centers, p->in_w);
        oct_memcpy(dst, src + (size_t)pix(p, b, iy, ix) * (size_t)elem_size,
                   px);
        dst += px;
      }
    }
  }
}
