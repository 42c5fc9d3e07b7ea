/*
 * Helpers shared by several ops' prepare steps: output sizes and padding for
 * windows (conv, pool), fused-activation clamp ranges, and the integer range
 * of a type. Defined once here so every op computes them the TFLite way.
 */
#ifndef OCT_OP_UTIL_H
#define OCT_OP_UTIL_H

#include "op_api.h"

/* Output length of a window op along one axis (TFLite ComputeOutSize).
 * Returns 0 when the parameters make no output (caller reports the error). */
static inline int32_t oct_window_out_size(oct_padding pad, int32_t in,
                                          int32_t filter, int32_t stride,
                                          int32_t dilation) {
  if (stride <= 0 || dilation <= 0 || filter <= 0 || in <= 0) return 0;
  const int64_t eff = (int64_t)(filter - 1) * dilation + 1;
  if (pad == OCT_PAD_SAME) return (int32_t)(((int64_t)in + stride - 1) / stride);
  if (eff > in) return 0;
  return (int32_t)(((int64_t)in - eff + stride) / stride);
}

/* Leading padding along one axis (TFLite ComputePaddingWithOffset); the
 * trailing side gets *offset more. */
static inline int32_t oct_window_padding(int32_t stride, int32_t dilation,
                                         int32_t in, int32_t filter,
                                         int32_t out, int32_t *offset) {
  const int64_t eff = (int64_t)(filter - 1) * dilation + 1;
  int64_t total = ((int64_t)out - 1) * stride + eff - in;
  if (total < 0) total = 0;
  if (offset) *offset = (int32_t)(total % 2);
  return (int32_t)(total / 2);
}

/* Float clamp range of a fused activation. */
static inline void oct_act_range_f32(oct_act act, float *lo, float *hi) {
  *lo = -OCT_INFINITY;
  *hi = OCT_INFINITY;
  if (act == OCT_ACT_RELU) {
    *lo = 0.0f;
  } else if (act == OCT_ACT_RELU6) {
    *lo = 0.0f;
    *hi = 6.0f;
  } else if (act == OCT_ACT_RELU_N1_TO_1) {
    *lo = -1.0f;
    *hi = 1.0f;
  }
}

/* Representable range of an integer tensor type. */
static inline int oct_type_range(oct_dtype t, int32_t *lo, int32_t *hi) {
  switch (t) {
    case OCT_INT8: *lo = -128; *hi = 127; return 1;
    case OCT_UINT8: *lo = 0; *hi = 255; return 1;
    case OCT_INT16: *lo = -32768; *hi = 32767; return 1;
    case OCT_INT32: *lo = INT32_MIN; *hi = INT32_MAX; return 1;
    default: return 0;
  }
}

/* zp + round(x / scale), clamped to [lo, hi] before any int conversion so
 * a hostile scale cannot overflow it. */
static inline int32_t oct_quantize_clamped(float x, float scale, int32_t zp,
                                           int32_t lo, int32_t hi) {
  const double q = (double)zp + (double)roundf(x / scale);
  if (!(q >= (double)lo)) return lo; /* also catches NaN */
  if (q > (double)hi) return hi;
  return (int32_t)q;
}

/* Quantized clamp range of a fused activation on output tensor `out`
 * (TFLite CalculateActivationRangeQuantized): the activation's real bounds
 * quantized with the output's scale and zero point, intersected with the
 * type's range. Rounds as TFLite does (TfLiteRound = round half away). */
static inline void oct_act_range_quant(oct_act act, const oct_tensor *out,
                                       int32_t *lo, int32_t *hi) {
  int32_t qmin = 0, qmax = 0;
  oct_type_range(out->type, &qmin, &qmax);
  const float s = out->scale;
  const int32_t zp = out->zero_point;
  *lo = qmin;
  *hi = qmax;
  if (act == OCT_ACT_RELU) {
    *lo = oct_quantize_clamped(0.0f, s, zp, qmin, qmax);
  } else if (act == OCT_ACT_RELU6) {
    *lo = oct_quantize_clamped(0.0f, s, zp, qmin, qmax);
    *hi = oct_quantize_clamped(6.0f, s, zp, qmin, qmax);
  } else if (act == OCT_ACT_RELU_N1_TO_1) {
    *lo = oct_quantize_clamped(-1.0f, s, zp, qmin, qmax);
    *hi = oct_quantize_clamped(1.0f, s, zp, qmin, qmax);
  }
}

#endif /* OCT_OP_UTIL_H */
