/*
 * QUANTIZE and DEQUANTIZE kernels.
 *
 * float -> integer:  q = clamp(zp + round_half_away(x / scale))   (the
 *                    division in double, as TFLite 2.9's optimized kernel)
 * integer -> integer (requantize, TFLite reference_ops::Requantize):
 *                    q = clamp(zp_out + mbqm(x - zp_in, mult, shift))
 * integer -> float:  x = (float)(scale * (q - zp))
 * float16 -> float:  exact widening.
 */
#ifndef OCT_KERNELS_QUANTIZE_H
#define OCT_KERNELS_QUANTIZE_H

#include <stddef.h>
#include <stdint.h>

typedef struct oct_affine_params {
  float scale;
  int32_t zero_point;
} oct_affine_params;

void oct_quantize_f32_s8_ref(const oct_affine_params *p, size_t n,
                             const float *in, int8_t *out);
void oct_quantize_f32_u8_ref(const oct_affine_params *p, size_t n,
                             const float *in, uint8_t *out);
void oct_quantize_f32_s16_ref(const oct_affine_params *p, size_t n,
                              const float *in, int16_t *out);

typedef struct oct_requant_params {
  int32_t in_zero_point, out_zero_point;
  int32_t mult;
  int32_t shift;
} oct_requant_params;

#define OCT_REQUANT_DECL(TIn, TOut, name)                                 \
  void oct_requantize_##name##_ref(const oct_requant_params *p, size_t n, \
                                   const TIn *in, TOut *out);
OCT_REQUANT_DECL(int8_t, int8_t, s8_s8)
OCT_REQUANT_DECL(int8_t, uint8_t, s8_u8)
OCT_REQUANT_DECL(uint8_t, int8_t, u8_s8)
OCT_REQUANT_DECL(uint8_t, uint8_t, u8_u8)
OCT_REQUANT_DECL(int16_t, int8_t, s16_s8)
OCT_REQUANT_DECL(int16_t, int16_t, s16_s16)
OCT_REQUANT_DECL(int16_t, int32_t, s16_s32)
OCT_REQUANT_DECL(int32_t, int8_t, s32_s8)
OCT_REQUANT_DECL(int32_t, int16_t, s32_s16)
#undef OCT_REQUANT_DECL

void oct_dequantize_s8_f32_ref(const oct_affine_params *p, size_t n,
                               const int8_t *in, float *out);
void oct_dequantize_u8_f32_ref(const oct_affine_params *p, size_t n,
                               const uint8_t *in, float *out);
void oct_dequantize_s16_f32_ref(const oct_affine_params *p, size_t n,
                                const int16_t *in, float *out);

/* Per-channel: the tensor is [outer, channels, inner] around the quantized
 * axis; channel c uses scales[c] and zero_points[c]. */
typedef struct oct_per_channel_dims {
  size_t outer, channels, inner;
} oct_per_channel_dims;

void oct_dequantize_pc_s8_f32_ref(const oct_per_channel_dims *d,
                                  const float *scales,
                                  const int32_t *zero_points, const int8_t *in,
                                  float *out);
void oct_dequantize_pc_u8_f32_ref(const oct_per_channel_dims *d,
                                  const float *scales,
                                  const int32_t *zero_points, const uint8_t *in,
                                  float *out);

/* IEEE binary16 bit patterns to float32 (exact, including subnormals,
 * infinities and NaN payloads). */
float oct_f16_to_f32(uint16_t h);
void oct_dequantize_f16_f32_ref(size_t n, const uint16_t *in, float *out);

#endif /* OCT_KERNELS_QUANTIZE_H */
