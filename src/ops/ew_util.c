/* Shared prepare helpers of the elementwise ops; see ew_util.h. */
#include "ew_util.h"

#include "../kernels/ref/quant_math.h"
#include "op_util.h"

const char *oct_ew_type(oct_dtype t) {
  return oct_dtype_name(t);
}

oct_status oct_ew_io(oct_ctx *ctx, const oct_node *node, int n_in, int n_out,
                     oct_tensor **in, oct_tensor **out) {
  if (node->n_in != n_in || node->n_out != n_out)
    return oct_fail(ctx, node, OCT_ERR_MODEL,
                    "expects %d input(s) and %d output(s), has %d and %d", n_in,
                    n_out, (int)node->n_in, (int)node->n_out);
  for (int i = 0; i < n_in; i++) {
    in[i] = oct_input(ctx, node, i);
    if (!in[i])
      return oct_fail(ctx, node, OCT_ERR_MODEL, "input %d is missing", i);
  }
  for (int i = 0; i < n_out; i++) {
    out[i] = oct_output(ctx, node, i);
    if (!out[i])
      return oct_fail(ctx, node, OCT_ERR_MODEL, "output %d is missing", i);
  }
  return OCT_OK;
}

oct_status oct_ew_check_type(oct_ctx *ctx, const oct_node *node,
                             const oct_tensor *t, oct_dtype want,
                             const char *role) {
  if (t->type == want) return OCT_OK;
  return oct_fail(ctx, node, OCT_ERR_TYPE, "%s '%s' is %s, expected %s", role,
                  t->name, oct_ew_type(t->type), oct_ew_type(want));
}

oct_status oct_ew_check_quant(oct_ctx *ctx, const oct_node *node,
                              const oct_tensor *t, const char *role,
                              int symmetric) {
  int32_t lo = 0, hi = 0;
  if (!oct_type_range(t->type, &lo, &hi))
    return oct_fail(ctx, node, OCT_ERR_TYPE,
                    "%s '%s' is %s, not an integer type", role, t->name,
                    oct_ew_type(t->type));
  if (t->q_count < 1)
    return oct_fail(ctx, node, OCT_ERR_MODEL,
                    "%s '%s' (%s) has no quantization", role, t->name,
                    oct_ew_type(t->type));
  if (t->q_count > 1)
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                    "%s '%s' is quantized per channel (%d scales); this op "
                    "takes one scale",
                    role, t->name, (int)t->q_count);
  if (!(t->scale > 0.0f) || !oct_isfinite(t->scale))
    return oct_fail(ctx, node, OCT_ERR_MODEL, "%s '%s' has scale %g", role,
                    t->name, (double)t->scale);
  if (t->zero_point < lo || t->zero_point > hi)
    return oct_fail(ctx, node, OCT_ERR_MODEL,
                    "%s '%s' has zero point %d outside %s", role, t->name,
                    (int)t->zero_point, oct_ew_type(t->type));
  if (symmetric && t->zero_point != 0)
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                    "%s '%s' (%s) needs zero point 0, has %d", role, t->name,
                    oct_ew_type(t->type), (int)t->zero_point);
  return OCT_OK;
}

oct_status oct_ew_check_same_shape(oct_ctx *ctx, const oct_node *node,
                                   const oct_tensor *in,
                                   const oct_tensor *out) {
  return oct_check_output_shape(ctx, node, out, in->rank, in->dims);
}

static oct_status act_supported(oct_ctx *ctx, const oct_node *node,
                                oct_act act) {
  if (act == OCT_ACT_NONE || act == OCT_ACT_RELU || act == OCT_ACT_RELU6 ||
      act == OCT_ACT_RELU_N1_TO_1)
    return OCT_OK;
  return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                  "fused activation %d is not supported", (int)act);
}

oct_status oct_ew_act_range_f32(oct_ctx *ctx, const oct_node *node, oct_act act,
                                float *lo, float *hi) {
  oct_status st = act_supported(ctx, node, act);
  if (st) return st;
  oct_act_range_f32(act, lo, hi);
  if (*lo == -OCT_INFINITY) *lo = -FLT_MAX;
  if (*hi == OCT_INFINITY) *hi = FLT_MAX;
  return OCT_OK;
}

oct_status oct_ew_act_range_s32(oct_ctx *ctx, const oct_node *node, oct_act act,
                                int32_t *lo, int32_t *hi) {
  oct_status st = act_supported(ctx, node, act);
  if (st) return st;
  *lo = INT32_MIN;
  *hi = INT32_MAX;
  if (act == OCT_ACT_RELU) {
    *lo = 0;
  } else if (act == OCT_ACT_RELU6) {
    *lo = 0;
    *hi = 6;
  } else if (act == OCT_ACT_RELU_N1_TO_1) {
    *lo = -1;
    *hi = 1;
  }
  return OCT_OK;
}

oct_status oct_ew_act_range_quant(oct_ctx *ctx, const oct_node *node,
                                  oct_act act, const oct_tensor *out,
                                  int32_t *lo, int32_t *hi) {
  oct_status st = act_supported(ctx, node, act);
  if (st) return st;
  oct_act_range_quant(act, out, lo, hi);
  return OCT_OK;
}

oct_status oct_ew_multiplier(oct_ctx *ctx, const oct_node *node, double m,
                             int allow_zero, int below_one, int32_t *q,
                             int32_t *shift) {
  if (!oct_isfinite(m) || m < 0.0 || (m == 0.0 && !allow_zero))
    return oct_fail(ctx, node, OCT_ERR_MODEL,
                    "quantization scales give the multiplier %g", m);
  int s = 0;
  oct_quantize_multiplier(m, q, &s);
  if (below_one && s > 0)
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                    "quantization scales give the multiplier %g; this kernel "
                    "needs one below 1",
                    m);
  *shift = s;
  return OCT_OK;
}

int oct_ew_checked_log2(float x, int32_t *log2_rounded) {
  const float l = logf(x) * (1.0f / logf(2.0f));
  const float r = roundf(l);
  *log2_rounded = (r > -1000.0f && r < 1000.0f) ? (int32_t)r : 0;
  return fabsf(l - r) < 1e-3f;
}
