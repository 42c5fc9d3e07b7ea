/*
 * Bilinear resizing of 8-bit images, exactly as octet's reference inputs
 * were made (models/README.md, "Image preprocessing"): half-pixel centres
 * (TF half_pixel_centers=True, align_corners=False), no antialiasing,
 * computed in double and rounded half up. The results equal the saved
 * refs/images_224 and refs/images_128 arrays byte for byte, which needs
 * -ffp-contract=off (set by the build) so no FMA changes a rounding.
 *
 * Downscaling by more than 2x aliases, as TFLite's RESIZE_BILINEAR does;
 * that is what the models were evaluated with.
 */
#ifndef OCT_IO_IMAGE_RESIZE_H
#define OCT_IO_IMAGE_RESIZE_H

#include <stdint.h>

#include "io/image.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Resizes interleaved HWC pixels with `channels` channels (1..4) from
 * in_w x in_h to out_w x out_h into `dst` (out_h * out_w * channels bytes,
 * owned by the caller, not overlapping `src`). Sizes must be 1..
 * OCT_IMAGE_MAX_DIM.
 */
oct_status oct_resize_bilinear_u8(const uint8_t *src, int in_w, int in_h,
                                  int channels, uint8_t *dst, int out_w,
                                  int out_h, oct_error *err);

/* Resizes `in` into a new image `out` (release with oct_image_free). */
oct_status oct_image_resize_bilinear(const oct_image *in, int out_w, int out_h,
                                     oct_image *out, oct_error *err);

#ifdef __cplusplus
}
#endif

#endif /* OCT_IO_IMAGE_RESIZE_H */
