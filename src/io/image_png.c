/*
 * PNG decoding with libpng, from memory. Every colour type and bit depth is
 * brought to 8-bit grey or RGB the way PIL's convert("RGB"/"L") sees it:
 * palettes are expanded (transparency ignored), 1/2/4-bit grey is scaled
 * to 0..255, 16-bit samples keep their high byte, and alpha is dropped with
 * the stored colour kept. No gamma or colour-profile correction is applied,
 * as PIL applies none.
 *
 * libpng reports errors by longjmp. Everything that must survive the jump
 * lives in a context owned by the caller of the function that calls
 * setjmp, so no local variable is clobbered.
 */
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/image_internal.h"
#include "io/io_internal.h"

typedef struct png_ctx {
  const uint8_t *data;
  size_t size, pos;
  char msg[200];
  png_structp png;
  png_infop info;
  png_bytep *rows;
  oct_image img; /* pixels at the decoded channel count (1..4) */
  const char *name;
  oct_error *err;
} png_ctx;

static void on_error(png_structp png, png_const_charp msg) {
  png_ctx *c = png_get_error_ptr(png);
  snprintf(c->msg, sizeof c->msg, "%s", msg);
  png_longjmp(png, 1);
}

/* Warnings (bad ancillary chunks, sRGB/iCCP profile mismatches) describe
 * metadata we ignore anyway; keep them off the user's stderr. */
static void on_warning(png_structp png, png_const_charp msg) {
  (void)png;
  (void)msg;
}

static void on_read(png_structp png, png_bytep out, size_t n) {
  png_ctx *c = png_get_io_ptr(png);
  if (n > c->size - c->pos) png_error(png, "file is truncated");
  memcpy(out, c->data + c->pos, n);
  c->pos += n;
}

/* OCT_ERR_INVALID_ARG means libpng failed, with its message in c->msg;
 * other failures have already set c->err. */
static oct_status decode(png_ctx *c) {
  if (setjmp(png_jmpbuf(c->png))) return OCT_ERR_INVALID_ARG;
  png_set_read_fn(c->png, c, on_read);
  /* libpng refuses larger images itself, before allocating anything. */
  png_set_user_limits(c->png, OCT_IMAGE_MAX_DIM, OCT_IMAGE_MAX_DIM);
  png_read_info(c->png, c->info);

  png_uint_32 w, h;
  int depth, type, interlace;
  png_get_IHDR(c->png, c->info, &w, &h, &depth, &type, &interlace, NULL, NULL);
  if (type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(c->png);
  if (type == PNG_COLOR_TYPE_GRAY && depth < 8)
    png_set_expand_gray_1_2_4_to_8(c->png);
  if (depth == 16) png_set_strip_16(c->png);
  png_set_interlace_handling(c->png);
  png_read_update_info(c->png, c->info);

  /* Alpha is removed by hand after decoding: palette expansion may add a
   * tRNS alpha channel, and libpng's own alpha stripping interacts with
   * that in version-dependent ways. */
  int ch = png_get_channels(c->png, c->info);
  if (ch < 1 || ch > 4 || png_get_bit_depth(c->png, c->info) != 8 ||
      png_get_rowbytes(c->png, c->info) != (size_t)w * (size_t)ch)
    png_error(c->png, "unexpected pixel layout after conversion");
  oct_status s = oct_image_alloc(&c->img, w, h, ch, c->name, c->err);
  if (s != OCT_OK) return s; /* message already set */
  c->rows = malloc((size_t)h * sizeof *c->rows);
  if (!c->rows) png_error(c->png, "out of memory");
  for (size_t y = 0; y < h; y++)
    c->rows[y] = c->img.pixels + y * (size_t)w * (size_t)ch;
  png_read_image(c->png, c->rows);
  /* Reads the chunks after the image, so a file cut after its pixel data
   * is still reported as truncated. */
  png_read_end(c->png, NULL);
  return OCT_OK;
}

oct_status oct_image_decode_png(const uint8_t *data, size_t size,
                                const char *name, oct_image *out,
                                oct_error *err) {
  if (size < 8 || png_sig_cmp(data, 0, 8) != 0)
    return oct_io_fail(err, OCT_ERR_INVALID_ARG, "%s: not a PNG file", name);
  /* IHDR is always the first chunk. Its size is checked here so that a
   * limit breach reads as one, and against deflate's best ratio (1032:1)
   * so that a tiny file cannot make us allocate a gigabyte it cannot fill. */
  if (size >= 29 && memcmp(data + 12, "IHDR", 4) == 0) {
    uint64_t w =
        (uint64_t)data[16] << 24 | data[17] << 16 | data[18] << 8 | data[19];
    uint64_t h =
        (uint64_t)data[20] << 24 | data[21] << 16 | data[22] << 8 | data[23];
    if (w > OCT_IMAGE_MAX_DIM || h > OCT_IMAGE_MAX_DIM)
      return oct_io_fail(err, OCT_ERR_LIMIT,
                         "%s: image is %llux%llu, over the %dx%d limit", name,
                         (unsigned long long)w, (unsigned long long)h,
                         OCT_IMAGE_MAX_DIM, OCT_IMAGE_MAX_DIM);
    unsigned depth = data[24], type = data[25];
    unsigned samples = type == 2 ? 3 : type == 4 ? 2 : type == 6 ? 4 : 1;
    uint64_t raw = h * (1 + (w * samples * depth + 7) / 8);
    if (raw / 1032 > size)
      return oct_io_fail(err, OCT_ERR_INVALID_ARG,
                         "%s: truncated PNG: %llux%llu pixels cannot fit in "
                         "%zu bytes",
                         name, (unsigned long long)w, (unsigned long long)h,
                         size);
  }
  png_ctx c;
  memset(&c, 0, sizeof c);
  c.data = data;
  c.size = size;
  c.name = name;
  c.err = err;
  c.png =
      png_create_read_struct(PNG_LIBPNG_VER_STRING, &c, on_error, on_warning);
  if (c.png) c.info = png_create_info_struct(c.png);
  if (!c.png || !c.info) {
    png_destroy_read_struct(c.png ? &c.png : NULL, NULL, NULL);
    return oct_io_fail(err, OCT_ERR_NO_MEMORY, "%s: out of memory", name);
  }
  oct_status s = decode(&c);
  png_destroy_read_struct(&c.png, &c.info, NULL);
  free(c.rows);
  if (s != OCT_OK) {
    oct_image_free(&c.img);
    if (s == OCT_ERR_INVALID_ARG)
      oct_io_fail(err, s, "%s: corrupt or truncated PNG: %s", name, c.msg);
    return s;
  }

  /* Drop alpha in place: grey+alpha -> grey, RGBA -> RGB. Writing never
   * overtakes reading, since the output pixel is the smaller one. */
  int ch = c.img.channels;
  if (ch == 2 || ch == 4) {
    int keep = ch - 1;
    size_t n = (size_t)c.img.width * (size_t)c.img.height;
    uint8_t *p = c.img.pixels;
    for (size_t i = 0; i < n; i++)
      for (int k = 0; k < keep; k++) p[i * keep + k] = p[i * ch + k];
    c.img.channels = keep;
    uint8_t *shrunk = realloc(p, n * (size_t)keep);
    if (shrunk) c.img.pixels = shrunk;
  }
  *out = c.img;
  return OCT_OK;
}
