/*
 * Image decoding for the CLI and the tests: BMP (own decoder), PNG
 * (libpng) and JPEG (libjpeg) to 8-bit interleaved pixels, HWC, top row
 * first, 1 (grey) or 3 (RGB) channels as the model wants.
 *
 * The pixels match what PIL 9.4 gives for the same file, since the saved
 * reference inputs (models/refs/images_*) were made with PIL:
 *   - alpha is dropped and the stored colour kept (no compositing);
 *   - grey is replicated to RGB; RGB becomes grey by PIL's "L" conversion
 *     (ITU-R 601-2 luma in 16-bit fixed point, rounded);
 *   - JPEG is decoded by libjpeg with its defaults (islow DCT, fancy
 *     upsampling), as PIL does; EXIF orientation is not applied;
 *   - 16-bit PNG samples keep their high byte.
 * Files are untrusted: dimensions are limited to OCT_IMAGE_MAX_DIM per side,
 * every header field is checked, and truncated or corrupt data is an error
 * rather than a partly grey image.
 *
 *   oct_image img; oct_error err;
 *   if (oct_image_decode_file("cat.bmp", 3, &img, &err) != OCT_OK) ...
 *   oct_image small;
 *   oct_image_resize_bilinear(&img, 224, 224, &small, &err);  // image_resize.h
 *   oct_image_free(&img);
 */
#ifndef OCT_IO_IMAGE_H
#define OCT_IO_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "octet/octet.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest width or height accepted. */
#define OCT_IMAGE_MAX_DIM 16384

typedef struct oct_image {
  int width, height;
  int channels;    /* 1 or 3 */
  uint8_t *pixels; /* owned; height * width * channels bytes, no padding */
} oct_image;

typedef enum oct_image_format {
  OCT_IMAGE_UNKNOWN = 0,
  OCT_IMAGE_BMP,
  OCT_IMAGE_PNG,
  OCT_IMAGE_JPEG
} oct_image_format;

/* The format from the first bytes (not the file name). */
oct_image_format oct_image_sniff(const void *data, size_t size);

/*
 * Decodes an image file to `channels` (1 or 3) channels. On failure *out is
 * zeroed and err names the file and the problem.
 */
oct_status oct_image_decode_file(const char *path, int channels, oct_image *out,
                                 oct_error *err);

/* As oct_image_decode_file, from the file's bytes; `name` is for messages
 * (NULL: "<memory>"). */
oct_status oct_image_decode_memory(const void *data, size_t size,
                                   const char *name, int channels,
                                   oct_image *out, oct_error *err);

/*
 * Converts between 1 and 3 channels in place of `img` (reallocating), with
 * the rules above. Converting to the same count does nothing.
 */
oct_status oct_image_convert(oct_image *img, int channels, oct_error *err);

/* Releases the pixels; the struct is zeroed. NULL is fine. */
void oct_image_free(oct_image *img);

#ifdef __cplusplus
}
#endif

#endif /* OCT_IO_IMAGE_H */
