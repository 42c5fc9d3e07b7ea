/*
 * Prepare-time checks and parameter math shared by the elementwise ops
 * (ADD ... DEQUANTIZE): tensor counts, per-tensor quantization, fused
 * activation ranges, and multipliers computed with TFLite's rounding and
 * validated so that no kernel can hit undefined behaviour.
 */
#ifndef OCT_OPS_EW_UTIL_H
#define OCT_OPS_EW_UTIL_H

#include "op_api.h"

/* Exactly n_in present inputs and n_out outputs, fetched into in[]/out[]. */
oct_status oct_ew_io(oct_ctx *ctx, const oct_node *node, int n_in, int n_out,
                     oct_tensor **in, oct_tensor **out);

/* `t` must have type `want`. `role` names it in the message. */
oct_status oct_ew_check_type(oct_ctx *ctx, const oct_node *node,
                             const oct_tensor *t, oct_dtype want,
                             const char *role);

/* Per-tensor quantization an integer kernel can use: exactly one scale,
 * finite and > 0, and a zero point inside the type's range (and 0 when
 * `symmetric`). */
oct_status oct_ew_check_quant(oct_ctx *ctx, const oct_node *node,
                              const oct_tensor *t, const char *role,
                              int symmetric);

/* Output `out` must have the shape of `in`. */
oct_status oct_ew_check_same_shape(oct_ctx *ctx, const oct_node *node,
                                   const oct_tensor *in, const oct_tensor *out);

/* Clamp ranges of a fused activation, as TFLite's CalculateActivationRange
 * (float: +-FLT_MAX without an activation, so infinities saturate) and
 * CalculateActivationRangeQuantized. TANH and SIGN_BIT are refused. */
oct_status oct_ew_act_range_f32(oct_ctx *ctx, const oct_node *node, oct_act act,
                                float *lo, float *hi);
oct_status oct_ew_act_range_s32(oct_ctx *ctx, const oct_node *node, oct_act act,
                                int32_t *lo, int32_t *hi);
oct_status oct_ew_act_range_quant(oct_ctx *ctx, const oct_node *node,
                                  oct_act act, const oct_tensor *out,
                                  int32_t *lo, int32_t *hi);

/* TFLite QuantizeMultiplier of a real multiplier that must be finite and
 * >= 0 (> 0 unless `allow_zero`); with `below_one` the result must also
 * have shift <= 0 (QuantizeMultiplierSmallerThanOneExp). */
oct_status oct_ew_multiplier(oct_ctx *ctx, const oct_node *node, double m,
                             int allow_zero, int below_one, int32_t *q,
                             int32_t *shift);

/* TFLite's CheckedLog2 (float math): is x a power of two, within 1e-3 in
 * log2, and which one. */
int oct_ew_checked_log2(float x, int32_t *log2_rounded);

/* Short name of a dtype for messages. */
const char *oct_ew_type(oct_dtype t);

#endif /* OCT_OPS_EW_UTIL_H */
