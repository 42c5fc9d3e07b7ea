/* Format dispatch and channel conversion. See image.h. */
#include "io/image.h"

#include <stdlib.h>
#include <string.h>

#include "io/file.h"
#include "io/image_internal.h"
#include "io/io_internal.h"

oct_image_format oct_image_sniff(const void *data, size_t size) {
  const uint8_t *b = data;
  if (!b) return OCT_IMAGE_UNKNOWN;
  if (size >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0) return OCT_IMAGE_PNG;
  if (size >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
    return OCT_IMAGE_JPEG;
  if (size >= 2 && b[0] == 'B' && b[1] == 'M') return OCT_IMAGE_BMP;
  return OCT_IMAGE_UNKNOWN;
}

oct_status oct_image_alloc(oct_image *img, int64_t width, int64_t height,
                           int channels, const char *name, oct_error *err) {
  memset(img, 0, sizeof *img);
  if (width <= 0 || height <= 0)
    return oct_io_fail(err, OCT_ERR_INVALID_ARG,
                       "%s: image has an empty size (%lldx%lld)", name,
                       (long long)width, (long long)height);
  if (width > OCT_IMAGE_MAX_DIM || height > OCT_IMAGE_MAX_DIM)
    return oct_io_fail(err, OCT_ERR_LIMIT,
                       "%s: image is %lldx%lld, over the %dx%d limit", name,
                       (long long)width, (long long)height, OCT_IMAGE_MAX_DIM,
                       OCT_IMAGE_MAX_DIM);
  /* With both sides <= 2^14 and channels <= 4 this is < 2^30: no overflow,
   * even with a 32-bit size_t. */
  size_t bytes = (size_t)width * (size_t)height * (size_t)channels;
  img->pixels = malloc(bytes);
  if (!img->pixels)
    return oct_io_fail(err, OCT_ERR_NO_MEMORY,
                       "%s: out of memory for a %lldx%lld image", name,
                       (long long)width, (long long)height);
  img->width = (int)width;
  img->height = (int)height;
  img->channels = channels;
  return OCT_OK;
}

void oct_image_free(oct_image *img) {
  if (!img) return;
  free(img->pixels);
  memset(img, 0, sizeof *img);
}

/* PIL's RGB -> "L" (Convert.c, L24): ITU-R 601-2 weights scaled by 2^16,
 * rounded. PIL documents the weights as 299/587/114 per mille, but its
 * code is this fixed-point form, and the two differ by one on about half
 * of all colours; we follow the code, since the references come from it. */
static uint8_t luma(const uint8_t *rgb) {
  return (uint8_t)(((uint32_t)rgb[0] * 19595u + (uint32_t)rgb[1] * 38470u +
                    (uint32_t)rgb[2] * 7471u + 0x8000u) >>
                   16);
}

oct_status oct_image_convert(oct_image *img, int channels, oct_error *err) {
  if (!img || !img->pixels || (channels != 1 && channels != 3) ||
      (img->channels != 1 && img->channels != 3))
    return oct_io_fail(err, OCT_ERR_INVALID_ARG,
                       "oct_image_convert: channels must be 1 or 3");
  if (img->channels == channels) return OCT_OK;
  size_t n = (size_t)img->width * (size_t)img->height;
  uint8_t *dst = malloc(n * (size_t)channels);
  if (!dst)
    return oct_io_fail(err, OCT_ERR_NO_MEMORY,
                       "out of memory converting a %dx%d image", img->width,
                       img->height);
  const uint8_t *src = img->pixels;
  if (channels == 3) {
    for (size_t i = 0; i < n; i++)
      dst[3 * i] = dst[3 * i + 1] = dst[3 * i + 2] = src[i];
  } else {
    for (size_t i = 0; i < n; i++) dst[i] = luma(src + 3 * i);
  }
  free(img->pixels);
  img->pixels = dst;
  img->channels = channels;
  return OCT_OK;
}

oct_status oct_image_decode_memory(const void *data, size_t size,
                                   const char *name, int channels,
                                   oct_image *out, oct_error *err) {
  name = OCT_IO_NAME(name);
  if (!out)
    return oct_io_fail(err, OCT_ERR_INVALID_ARG, "%s: NULL output", name);
  memset(out, 0, sizeof *out);
  if (channels != 1 && channels != 3)
    return oct_io_fail(err, OCT_ERR_INVALID_ARG,
                       "%s: %d channels requested; octet decodes to 1 or 3",
                       name, channels);
  if (!data && size)
    return oct_io_fail(err, OCT_ERR_INVALID_ARG, "%s: NULL data", name);
  oct_status s;
  switch (oct_image_sniff(data, size)) {
    case OCT_IMAGE_BMP:
      s = oct_image_decode_bmp(data, size, name, out, err);
      break;
    case OCT_IMAGE_PNG:
      s = oct_image_decode_png(data, size, name, out, err);
      break;
    case OCT_IMAGE_JPEG:
      s = oct_image_decode_jpeg(data, size, name, out, err);
      break;
    default:
      return oct_io_fail(err, OCT_ERR_UNSUPPORTED,
                         "%s: not a BMP, PNG or JPEG image", name);
  }
  if (s == OCT_OK) s = oct_image_convert(out, channels, err);
  if (s != OCT_OK) {
    oct_image_free(out);
    return s;
  }
  oct_io_ok(err);
  return OCT_OK;
}

oct_status oct_image_decode_file(const char *path, int channels, oct_image *out,
                                 oct_error *err) {
  if (!path || !out)
    return oct_io_fail(err, OCT_ERR_INVALID_ARG,
                       "oct_image_decode_file: NULL argument");
  memset(out, 0, sizeof *out);
  void *data;
  size_t size;
  /* The largest image we accept is 16384^2 * 4 bytes uncompressed (1 GiB);
   * no sane file of it is larger. */
  oct_status s = oct_file_read(path, (size_t)1 << 30, &data, &size, err);
  if (s != OCT_OK) return s;
  s = oct_image_decode_memory(data, size, path, channels, out, err);
  oct_file_free(data);
  return s;
}
