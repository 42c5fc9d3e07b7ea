/* Half-pixel-centre bilinear resize. See image_resize.h. */
#include "io/image_resize.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/image_internal.h"
#include "io/io_internal.h"

/* Source taps for one axis. The expressions are those of the reference
 * (tools/make_model_refs.py), term for term: any reassociation, or an FMA,
 * can move a value across a .5 boundary and change a pixel. */
typedef struct tap {
  size_t i0, i1;
  double w;
} tap;

static void axis_taps(tap *t, int n_out, int n_in) {
  double scale = (double)n_in / (double)n_out;
  for (int o = 0; o < n_out; o++) {
    double s = ((double)o + 0.5) * scale - 0.5;
    if (s < 0.0) s = 0.0;
    if (s > (double)(n_in - 1)) s = (double)(n_in - 1);
    double f = floor(s);
    size_t i0 = (size_t)f;
    t[o].i0 = i0;
    t[o].i1 = i0 + 1 < (size_t)n_in ? i0 + 1 : (size_t)n_in - 1;
    t[o].w = s - f;
  }
}

oct_status oct_resize_bilinear_u8(const uint8_t *src, int in_w, int in_h,
                                  int channels, uint8_t *dst, int out_w,
                                  int out_h, oct_error *err) {
  if (!src || !dst || channels < 1 || channels > 4 || in_w < 1 || in_h < 1 ||
      out_w < 1 || out_h < 1 || in_w > OCT_IMAGE_MAX_DIM ||
      in_h > OCT_IMAGE_MAX_DIM || out_w > OCT_IMAGE_MAX_DIM ||
      out_h > OCT_IMAGE_MAX_DIM)
    return oct_io_fail(err, OCT_ERR_INVALID_ARG,
                       "resize: bad arguments (%dx%dx%d -> %dx%d)", in_w, in_h,
                       channels, out_w, out_h);
  tap *tx = malloc((size_t)out_w * sizeof *tx);
  tap *ty = malloc((size_t)out_h * sizeof *ty);
  if (!tx || !ty) {
    free(tx);
    free(ty);
    return oct_io_fail(err, OCT_ERR_NO_MEMORY, "resize: out of memory");
  }
  axis_taps(tx, out_w, in_w);
  axis_taps(ty, out_h, in_h);
  size_t c = (size_t)channels, row = (size_t)in_w * c;
  for (int oy = 0; oy < out_h; oy++) {
    const uint8_t *r0 = src + ty[oy].i0 * row, *r1 = src + ty[oy].i1 * row;
    double wy = ty[oy].w;
    uint8_t *out = dst + (size_t)oy * (size_t)out_w * c;
    for (int ox = 0; ox < out_w; ox++) {
      size_t x0 = tx[ox].i0 * c, x1 = tx[ox].i1 * c;
      double wx = tx[ox].w;
      for (size_t k = 0; k < c; k++) {
        double top = r0[x0 + k] * (1 - wx) + r0[x1 + k] * wx;
        double bot = r1[x0 + k] * (1 - wx) + r1[x1 + k] * wx;
        double v = floor(top * (1 - wy) + bot * wy + 0.5);
        /* A convex combination of bytes stays in range; the clamp only
         * documents the cast. */
        *out++ = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
      }
    }
  }
  free(tx);
  free(ty);
  oct_io_ok(err);
  return OCT_OK;
}

oct_status oct_image_resize_bilinear(const oct_image *in, int out_w, int out_h,
                                     oct_image *out, oct_error *err) {
  if (!in || !out || !in->pixels)
    return oct_io_fail(err, OCT_ERR_INVALID_ARG, "resize: NULL image");
  oct_image tmp;
  oct_status s =
      oct_image_alloc(&tmp, out_w, out_h, in->channels, "resize", err);
  if (s != OCT_OK) return s;
  s = oct_resize_bilinear_u8(in->pixels, in->width, in->height, in->channels,
                             tmp.pixels, out_w, out_h, err);
  if (s != OCT_OK) {
    oct_image_free(&tmp);
    return s;
  }
  *out = tmp;
  return OCT_OK;
}
