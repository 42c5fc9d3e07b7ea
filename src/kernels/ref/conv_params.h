/*
 * Parameter blocks shared by the conv-family kernels (CONV_2D,
 * DEPTHWISE_CONV_2D, TRANSPOSE_CONV, FULLY_CONNECTED), and the integer
 * epilogue they all end with.
 *
 * The kernel ABI follows CMSIS-NN: plain structs for geometry and
 * requantization, filled once by the op's prepare step; kernels take them
 * by pointer, trust them completely (no checks inside) and never allocate.
 * Every variant of a kernel (ref, and later AVX2/NEON) has the same
 * signature, so a dispatch table can swap them; the typedefs in each
 * kernel header spell those signatures out.
 *
 * Layouts are TFLite's: activations NHWC, CONV_2D and TRANSPOSE_CONV
 * filters [out_c, k_h, k_w, in_c], DEPTHWISE filters [1, k_h, k_w, out_c],
 * FULLY_CONNECTED weights [out_c, depth].
 */
#ifndef OCT_KERNELS_REF_CONV_PARAMS_H
#define OCT_KERNELS_REF_CONV_PARAMS_H

#include <stddef.h>
#include <stdint.h>
#include "quant_math.h"

/* Geometry of a 2-D window op. The op's prepare step guarantees that all
 * intermediate coordinates fit in int32 (see oct_conv_geometry_check). */
typedef struct oct_conv_dims {
  int32_t batch;
  int32_t in_h, in_w, in_c;
  int32_t out_h, out_w, out_c;
  int32_t k_h, k_w;
  int32_t stride_h, stride_w;
  int32_t dil_h, dil_w; /* 1 for TRANSPOSE_CONV */
  int32_t pad_h, pad_w; /* leading (top, left) padding */
  int32_t depth_mult;   /* DEPTHWISE only: out_c == in_c * depth_mult */
} oct_conv_dims;

/* Geometry of FULLY_CONNECTED: `batch` rows of `depth` inputs each. */
typedef struct oct_fc_dims {
  int32_t batch;
  int32_t depth;
  int32_t out_c;
} oct_fc_dims;

/* Float epilogue: the fused activation as a clamp. */
typedef struct oct_act_f32 {
  float lo, hi;
} oct_act_f32;

/*
 * How the last step of the 8-bit requantization (a rounding right shift
 * after the doubling high multiply) breaks ties. TFLite's reference kernels
 * (and TFLite Micro) round them away from zero. TFLite 2.9's built-in
 * x86 kernels do so for DEPTHWISE_CONV_2D and TRANSPOSE_CONV, but run
 * CONV_2D and FULLY_CONNECTED through ruy's GEMM, which rounds ties up
 * (toward +infinity): -5.5 becomes -5, not -6. Measured against TFLite
 * 2.9 native (tests/data/conv); the ops pick what TFLite does.
 */
typedef enum oct_rounding {
  OCT_ROUND_AWAY = 0, /* gemmlowp RoundingDivideByPOT */
  OCT_ROUND_UP = 1    /* ruy's x86 kernels */
} oct_rounding;

/*
 * Integer epilogue. Per-tensor quantization is broadcast to out_c entries
 * at prepare, so every kernel indexes mult/shift by output channel.
 * Offsets are added to the stored integers, as in TFLite's op params:
 * input_offset = -input zero point, weight_offset = -weight zero point
 * (nonzero only for uint8 weights and per-tensor FULLY_CONNECTED),
 * output_offset = output zero point. int16 activations have zero points 0.
 */
typedef struct oct_requant {
  int32_t input_offset;
  int32_t weight_offset;
  int32_t output_offset;
  int32_t act_min, act_max;
  const int32_t *mult;  /* out_c Q31 multipliers */
  const int32_t *shift; /* out_c exponents (positive = left) */
  int32_t rounding;     /* oct_rounding; 8-bit kernels only */
} oct_requant;

/* MultiplyByQuantizedMultiplier with the final shift's ties rounded up
 * (OCT_ROUND_UP). Equal to oct_mbqm except at negative ties. */
static inline int32_t oct_mbqm_round_up(int32_t x, int32_t q, int shift) {
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  const int32_t v = oct_srdhm((int32_t)((uint32_t)x << left), q);
  if (right == 0) return v;
  return (int32_t)(((int64_t)v + ((int64_t)1 << (right - 1))) >> right);
}

/*
 * 8-bit accumulators are summed modulo 2^32, which is what TFLite's int32
 * accumulators do in practice if a hostile model overflows them, but
 * without C's undefined behaviour. Valid models never wrap.
 */
static inline int32_t oct_requant_acc32(uint32_t acc, int32_t mult,
                                        int32_t shift, const oct_requant *q) {
  /* Conversion of an out-of-range value is implementation-defined (modular
   * on every compiler octet supports), not undefined. */
  int32_t v = q->rounding == OCT_ROUND_UP
                  ? oct_mbqm_round_up((int32_t)acc, mult, (int)shift)
                  : oct_mbqm((int32_t)acc, mult, (int)shift);
  /* v is within [-2^31, 2^31) and |offset| < 2^16: add in 64 bits. */
  int64_t o = (int64_t)v + q->output_offset;
  if (o < q->act_min) o = q->act_min;
  if (o > q->act_max) o = q->act_max;
  return (int32_t)o;
}

/*
 * 16x8 epilogue: int64 accumulator, TFLite's int64 multiply (no output
 * offset: int16 zero points are 0). TFLite assumes |acc| < 2^47 so that
 * the product with the 16-bit multiplier cannot overflow; saturating there
 * keeps hostile inputs defined without touching any valid result.
 */
static inline int32_t oct_requant_acc64(int64_t acc, int32_t mult,
                                        int32_t shift, const oct_requant *q) {
  const int64_t lim = (int64_t)1 << 47;
  if (acc < -lim) acc = -lim;
  if (acc > lim - 1) acc = lim - 1;
  int32_t v = oct_mbqm64(acc, mult, (int)shift);
  return oct_clamp_i32(v, q->act_min, q->act_max);
}

/* Adds int64 values modulo 2^64 (a hostile bias must not be UB). */
static inline int64_t oct_wrap_add_i64(int64_t a, int64_t b) {
  return (int64_t)((uint64_t)a + (uint64_t)b);
}

static inline float oct_act_apply_f32(float v, const oct_act_f32 *a) {
  if (v < a->lo) v = a->lo;
  if (v > a->hi) v = a->hi;
  return v;
}

#endif /* OCT_KERNELS_REF_CONV_PARAMS_H */
