/*
 * Image resize kernels on NHWC tensors: bilinear and nearest neighbour,
 * with TFLite's align_corners and half_pixel_centers conventions.
 *
 * Each type follows the TFLite 2.9 kernel that handles it, so that integer
 * outputs are bit-exact:
 *  - float32 bilinear: float source coordinates, four weights (reference
 *    kernel's formula);
 *  - uint8 bilinear: the same float coordinates and weights, the four taps
 *    summed in float and truncated to uint8 (TFLite's optimized kernel);
 *  - int8/int16 bilinear: source coordinates in 1/1024 pixel units and a
 *    2^20-scaled integer blend, rounded half away from zero (TFLite's
 *    integer kernel);
 *  - nearest neighbour: one source index per output row/column, the same
 *    for every type, so the kernel just copies elements.
 *
 * The coordinate math is shared by all of them (resize.c); the op checks
 * shapes and flags in prepare (align_corners and half_pixel_centers are
 * never both set).
 */
#ifndef OCT_KERNELS_REF_RESIZE_H
#define OCT_KERNELS_REF_RESIZE_H

#include <stdint.h>

typedef struct oct_resize_params {
  int32_t batch, in_h, in_w, channels;
  int32_t out_h, out_w;
  int32_t align_corners;
  int32_t half_pixel_centers;
} oct_resize_params;

void oct_resize_bilinear_f32_ref(const oct_resize_params *p, const float *in,
                                 float *out);
void oct_resize_bilinear_u8_ref(const oct_resize_params *p, const uint8_t *in,
                                uint8_t *out);
void oct_resize_bilinear_s8_ref(const oct_resize_params *p, const int8_t *in,
                                int8_t *out);
void oct_resize_bilinear_s16_ref(const oct_resize_params *p, const int16_t *in,
                                 int16_t *out);

/* Any element type of 1, 2, 4 or 8 bytes. */
void oct_resize_nearest_ref(const oct_resize_params *p, int32_t elem_size,
                            const void *in, void *out);

#endif /* OCT_KERNELS_REF_RESIZE_H */
