/*
 * BMP decoder: uncompressed Windows bitmaps, which is what datasets and
 * the TFLM examples ship (1/4/8-bit palette, 24-bit, 32-bit BI_RGB, and
 * 32-bit BI_BITFIELDS in the standard BGRX layout). RLE, embedded
 * JPEG/PNG, 16-bit and OS/2 bitmaps are refused with a message.
 *
 * Layout: 14-byte file header ("BM", size, reserved, pixel offset), then a
 * DIB header whose first field is its own size (40 = BITMAPINFOHEADER,
 * 52/56/108/124 = its extensions, which only add fields we do not need),
 * then the palette, then rows padded to 4 bytes, bottom row first unless
 * the height is negative. The file is untrusted: each field is checked
 * before it is used to index anything.
 */
#include <stdlib.h>
#include <string.h>

#include "io/image_internal.h"
#include "io/io_internal.h"

static uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}
static uint16_t rd16(const uint8_t *p) {
  return (uint16_t)(p[0] | p[1] << 8);
}

enum {
  BI_RGB = 0,
  BI_RLE8 = 1,
  BI_RLE4 = 2,
  BI_BITFIELDS = 3,
  BI_JPEG = 4,
  BI_PNG = 5
};

static oct_status bad(const char *name, oct_error *err, oct_status s,
                      const char *what) {
  return oct_io_fail(err, s, "%s: %s", name, what);
}

oct_status oct_image_decode_bmp(const uint8_t *d, size_t size, const char *name,
                                oct_image *out, oct_error *err) {
  if (size < 14 + 4)
    return bad(name, err, OCT_ERR_INVALID_ARG, "truncated BMP (no header)");
  uint32_t off_bits = rd32(d + 10);
  uint32_t hsize = rd32(d + 14);
  if (hsize == 12 || hsize == 16 || hsize == 64)
    return bad(name, err, OCT_ERR_UNSUPPORTED,
               "OS/2 BMP headers are not supported; re-save as a Windows BMP");
  if (hsize < 40)
    return oct_io_fail(err, OCT_ERR_INVALID_ARG,
                       "%s: BMP header size %u is invalid", name,
                       (unsigned)hsize);
  if (hsize > size - 14)
    return bad(name, err, OCT_ERR_INVALID_ARG,
               "truncated BMP (header runs past the end)");
  const uint8_t *h = d + 14;
  int64_t width = (int32_t)rd32(h + 4);
  int64_t height = (int32_t)rd32(h + 8);
  unsigned planes = rd16(h + 12), bpp = rd16(h + 14);
  uint32_t comp = rd32(h + 16), clr_used = rd32(h + 32);
  int top_down = height < 0;
  if (top_down) height = -height; /* int64: INT32_MIN negates safely */
  if (planes != 1)
    return oct_io_fail(err, OCT_ERR_INVALID_ARG,
                       "%s: BMP has %u planes; must be 1", name, planes);

  switch (comp) {
    case BI_RGB:
      break;
    case BI_BITFIELDS: {
      if (bpp != 32)
        return oct_io_fail(err, OCT_ERR_UNSUPPORTED,
                           "%s: %u-bit BI_BITFIELDS BMP is not supported", name,
                           bpp);
      /* Masks follow a 40-byte header, or sit inside a larger one; either
       * way they are the 12 bytes after the first 40. */
      if (size - 14 - 40 < 12)
        return bad(name, err, OCT_ERR_INVALID_ARG,
                   "truncated BMP (colour masks missing)");
      const uint8_t *m = h + 40;
      if (rd32(m) != 0x00FF0000u || rd32(m + 4) != 0x0000FF00u ||
          rd32(m + 8) != 0x000000FFu)
        return bad(name, err, OCT_ERR_UNSUPPORTED,
                   "BMP colour masks other than 8-bit BGR are not supported");
      break;
    }
    case BI_RLE8:
    case BI_RLE4:
      return bad(name, err, OCT_ERR_UNSUPPORTED,
                 "RLE-compressed BMP is not supported; re-save uncompressed");
    case BI_JPEG:
    case BI_PNG:
      return bad(name, err, OCT_ERR_UNSUPPORTED,
                 "BMP with embedded JPEG/PNG data is not supported");
    default:
      return oct_io_fail(err, OCT_ERR_UNSUPPORTED,
                         "%s: BMP compression %u is not supported", name,
                         (unsigned)comp);
  }
  if (bpp != 1 && bpp != 4 && bpp != 8 && bpp != 24 && bpp != 32)
    return oct_io_fail(err, OCT_ERR_UNSUPPORTED,
                       "%s: %u-bit BMP is not supported (1, 4, 8, 24 and 32 "
                       "are)",
                       name, bpp);
  if (width <= 0 || height <= 0)
    return oct_io_fail(
        err, OCT_ERR_INVALID_ARG, "%s: BMP has an invalid size %lldx%lld", name,
        (long long)width, (long long)(top_down ? -height : height));
  if (width > OCT_IMAGE_MAX_DIM || height > OCT_IMAGE_MAX_DIM)
    return oct_io_fail(err, OCT_ERR_LIMIT,
                       "%s: image is %lldx%lld, over the %dx%d limit", name,
                       (long long)width, (long long)height, OCT_IMAGE_MAX_DIM,
                       OCT_IMAGE_MAX_DIM);

  /* Palette: 4 bytes (B, G, R, 0) per entry after the header. */
  uint8_t pal[256][3];
  uint32_t ncolors = 0;
  int grey = 1;
  if (bpp <= 8) {
    uint32_t max_colors = 1u << bpp;
    ncolors = clr_used ? clr_used : max_colors;
    if (ncolors > max_colors)
      return oct_io_fail(err, OCT_ERR_INVALID_ARG,
                         "%s: BMP palette has %u entries; %u-bit allows %u",
                         name, (unsigned)ncolors, bpp, (unsigned)max_colors);
    uint64_t pal_end = 14 + (uint64_t)hsize + 4ull * ncolors;
    if (pal_end > size || pal_end > off_bits)
      return bad(name, err, OCT_ERR_INVALID_ARG,
                 "truncated BMP (palette overlaps the pixels or the end)");
    /* Indices past a short palette read black, as in most decoders. */
    memset(pal, 0, sizeof pal);
    for (uint32_t i = 0; i < ncolors; i++) {
      const uint8_t *e = h + hsize + 4 * i;
      pal[i][0] = e[2];
      pal[i][1] = e[1];
      pal[i][2] = e[0];
      grey &= e[0] == e[1] && e[1] == e[2];
    }
  } else if (off_bits < 14 + (uint64_t)hsize) {
    return bad(name, err, OCT_ERR_INVALID_ARG,
               "BMP pixel data overlaps its header");
  }

  uint64_t row_bytes = ((uint64_t)width * bpp + 7) / 8;
  uint64_t stride = ((uint64_t)width * bpp + 31) / 32 * 4;
  /* Some writers drop the padding of the last row; do not insist on it. */
  uint64_t need =
      (uint64_t)off_bits + stride * (uint64_t)(height - 1) + row_bytes;
  if (need > size)
    return oct_io_fail(err, OCT_ERR_INVALID_ARG,
                       "%s: truncated BMP: %lldx%lld %u-bit pixels need %llu "
                       "bytes, the file has %zu",
                       name, (long long)width, (long long)height, bpp,
                       (unsigned long long)need, size);

  int channels = (bpp <= 8 && grey) ? 1 : 3;
  oct_status s = oct_image_alloc(out, width, height, channels, name, err);
  if (s != OCT_OK) return s;
  size_t w = (size_t)width;
  for (int64_t r = 0; r < height; r++) {
    const uint8_t *src = d + off_bits + (size_t)stride * (size_t)r;
    int64_t y = top_down ? r : height - 1 - r;
    uint8_t *dst = out->pixels + (size_t)y * w * (size_t)channels;
    if (bpp == 24 || bpp == 32) {
      size_t step = bpp / 8;
      for (size_t x = 0; x < w; x++, src += step, dst += 3) {
        dst[0] = src[2];
        dst[1] = src[1];
        dst[2] = src[0];
      }
      continue;
    }
    unsigned mask = (1u << bpp) - 1, per_byte = 8 / bpp;
    for (size_t x = 0; x < w; x++) {
      unsigned shift = 8 - bpp * (unsigned)(x % per_byte + 1);
      unsigned idx = (src[x / per_byte] >> shift) & mask;
      if (channels == 1) {
        dst[x] = pal[idx][0];
      } else {
        memcpy(dst + 3 * x, pal[idx], 3);
      }
    }
  }
  return OCT_OK;
}
