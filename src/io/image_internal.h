/* Shared by image.c and the per-format decoders; not for use outside
 * src/io. Each decoder returns the format's natural channel count (1 or 3,
 * alpha already dropped); image.c converts to what the caller asked for. */
#ifndef OCT_IO_IMAGE_INTERNAL_H
#define OCT_IO_IMAGE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "io/image.h"

oct_status oct_image_decode_bmp(const uint8_t *data, size_t size,
                                const char *name, oct_image *out,
                                oct_error *err);
oct_status oct_image_decode_png(const uint8_t *data, size_t size,
                                const char *name, oct_image *out,
                                oct_error *err);
oct_status oct_image_decode_jpeg(const uint8_t *data, size_t size,
                                 const char *name, oct_image *out,
                                 oct_error *err);

/* Checks width/height against OCT_IMAGE_MAX_DIM and allocates
 * width * height * channels bytes (channels 1..4) into img. */
oct_status oct_image_alloc(oct_image *img, int64_t width, int64_t height,
                           int channels, const char *name, oct_error *err);

#endif /* OCT_IO_IMAGE_INTERNAL_H */
