/* Shared prepare-time rules of the conv family; see conv_common.h. */
#include "conv_common.h"

#include "op_util.h"

/* Coordinates the kernels form (y * stride - pad + k * dilation) stay
 * below 2^31 when each term is at most 2^29. */
#define OCT_CONV_COORD_MAX ((int64_t)1 << 29)

/* int16 requantization (oct_mbqm64) shifts right by 15 - shift, which must
 * be at least 1: multipliers of 2^14 and more are refused. */
#define OCT_CONV_S16_MAX_SHIFT 14

int oct_conv_dim_ok(int32_t n) {
  return n > 0 && n <= OCT_CONV_COORD_MAX;
}

oct_status oct_conv_check_act(oct_ctx *ctx, const oct_node *node, oct_act act) {
  switch (act) {
    case OCT_ACT_NONE:
    case OCT_ACT_RELU:
    case OCT_ACT_RELU_N1_TO_1:
    case OCT_ACT_RELU6:
      return OCT_OK;
    default:
      return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                      "fused activation %d is not supported", (int)act);
  }
}

oct_status oct_conv_check_types(oct_ctx *ctx, const oct_node *node,
                                const oct_tensor *in, const oct_tensor *w,
                                const oct_tensor *bias, const oct_tensor *out) {
  oct_dtype want_w, want_b, want_b2;
  switch (in->type) {
    case OCT_FLOAT32:
      want_w = OCT_FLOAT32;
      want_b = want_b2 = OCT_FLOAT32;
      break;
    case OCT_INT8:
      want_w = OCT_INT8;
      want_b = want_b2 = OCT_INT32;
      break;
    case OCT_UINT8:
      want_w = OCT_UINT8;
      want_b = want_b2 = OCT_INT32;
      break;
    case OCT_INT16:
      want_w = OCT_INT8;
      want_b = OCT_INT64;
      want_b2 = OCT_INT32;
      break;
    default:
      return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                      "input '%s' is %s; float32, int8, uint8 and int16 are "
                      "supported",
                      in->name, oct_dtype_name(in->type));
  }
  if (in->type == OCT_FLOAT32 && w->type != OCT_FLOAT32)
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                    "hybrid float32 input with %s weights '%s' is not "
                    "supported",
                    oct_dtype_name(w->type), w->name);
  if (w->type != want_w)
    return oct_fail(ctx, node, OCT_ERR_TYPE,
                    "weights '%s' are %s, expected %s for %s input", w->name,
                    oct_dtype_name(w->type), oct_dtype_name(want_w),
                    oct_dtype_name(in->type));
  if (out->type != in->type)
    return oct_fail(ctx, node, OCT_ERR_TYPE,
                    "output '%s' is %s but input '%s' is %s", out->name,
                    oct_dtype_name(out->type), in->name,
                    oct_dtype_name(in->type));
  if (bias && bias->type != want_b && bias->type != want_b2)
    return oct_fail(ctx, node, OCT_ERR_TYPE,
                    "bias '%s' is %s, expected %s for %s input", bias->name,
                    oct_dtype_name(bias->type), oct_dtype_name(want_b),
                    oct_dtype_name(in->type));
  return OCT_OK;
}

static int scale_ok(float s) {
  return oct_isfinite(s) && s > 0.0f;
}

/* Activation tensors: one positive scale, zero point inside the type (and
 * 0 for int16, whose kernels have no offsets). */
static oct_status check_act_quant(oct_ctx *ctx, const oct_node *node,
                                  const oct_tensor *t) {
  int32_t lo = 0, hi = 0;
  if (t->q_count < 1)
    return oct_fail(ctx, node, OCT_ERR_MODEL,
                    "tensor '%s' has no quantization parameters", t->name);
  if (t->q_count != 1)
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                    "tensor '%s' has %d scales; activations must be "
                    "quantized per tensor",
                    t->name, (int)t->q_count);
  if (!scale_ok(t->scale))
    return oct_fail(ctx, node, OCT_ERR_MODEL,
                    "tensor '%s' has scale %g; it must be positive", t->name,
                    (double)t->scale);
  oct_type_range(t->type, &lo, &hi);
  if (t->type == OCT_INT16) lo = hi = 0;
  if (t->zero_point < lo || t->zero_point > hi)
    return oct_fail(ctx, node, OCT_ERR_MODEL,
                    "tensor '%s' (%s) has zero point %d outside [%d, %d]",
                    t->name, oct_dtype_name(t->type), (int)t->zero_point,
                    (int)lo, (int)hi);
  return OCT_OK;
}

/* Weights: per-tensor or one scale per output channel along w_axis, all
 * positive; zero points as the kernels can apply them. Returns the
 * weight offset the kernels add (minus the zero point) in *w_offset. */
static oct_status check_weight_quant(oct_ctx *ctx, const oct_node *node,
                                     oct_conv_kind kind, const oct_tensor *w,
                                     int32_t channels, int w_axis,
                                     int32_t *w_offset) {
  if (w->q_count < 1)
    return oct_fail(ctx, node, OCT_ERR_MODEL,
                    "weights '%s' have no quantization parameters", w->name);
  const int per_channel = w->q_count > 1;
  if (per_channel) {
    if (w->type != OCT_INT8)
      return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                      "per-channel weights '%s' must be int8, not %s", w->name,
                      oct_dtype_name(w->type));
    if (w->q_count != channels || w->q_dim != w_axis)
      return oct_fail(ctx, node, OCT_ERR_MODEL,
                      "weights '%s' have %d scales along axis %d; expected "
                      "%d along axis %d",
                      w->name, (int)w->q_count, (int)w->q_dim, (int)channels,
                      w_axis);
  }
  for (int32_t c = 0; c < w->q_count; c++) {
    const float s = oct_tensor_scale(w, c);
    if (!scale_ok(s))
      return oct_fail(ctx, node, OCT_ERR_MODEL,
                      "weights '%s' scale %d is %g; it must be positive",
                      w->name, (int)c, (double)s);
  }
  const int32_t zp = w->zero_point;
  /* TFLite's int8 conv kernels ignore the weight zero point (symmetric
   * weights); FULLY_CONNECTED and every uint8 kernel subtract it. */
  const int honoured =
      w->type == OCT_UINT8 || (kind == OCT_CONV_KIND_FC && !per_channel);
  if (honoured) {
    int32_t lo = 0, hi = 0;
    oct_type_range(w->type, &lo, &hi);
    if (zp < lo || zp > hi)
      return oct_fail(ctx, node, OCT_ERR_MODEL,
                      "weights '%s' have zero point %d outside [%d, %d]",
                      w->name, (int)zp, (int)lo, (int)hi);
    *w_offset = -zp;
    return OCT_OK;
  }
  for (int32_t c = 0; c < w->q_count; c++)
    if (oct_tensor_zero_point(w, c) != 0)
      return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                      "int8 weights '%s' have nonzero zero point %d; only "
                      "symmetric weights are supported",
                      w->name, (int)oct_tensor_zero_point(w, c));
  *w_offset = 0;
  return OCT_OK;
}

oct_status oct_conv_quant_prepare(oct_ctx *ctx, const oct_node *node,
                                  oct_conv_kind kind, const oct_tensor *in,
                                  const oct_tensor *w, const oct_tensor *out,
                                  int32_t channels, oct_act act,
                                  oct_requant *rq) {
  const int w_axis = kind == OCT_CONV_KIND_DEPTHWISE ? 3 : 0;
  oct_status st;
  int32_t w_offset = 0;
  if ((st = check_act_quant(ctx, node, in)) != OCT_OK ||
      (st = check_act_quant(ctx, node, out)) != OCT_OK ||
      (st = check_weight_quant(ctx, node, kind, w, channels, w_axis,
                               &w_offset)) != OCT_OK)
    return st;

  void *mem = 0;
  st = oct_persistent_alloc(ctx, 2 * sizeof(int32_t) * (size_t)channels, &mem);
  if (st) return st;
  int32_t *mult = mem;
  int32_t *shift = mult + channels;

  const int float_product =
      in->type == OCT_UINT8 || (kind == OCT_CONV_KIND_FC && w->q_count == 1);
  for (int32_t c = 0; c < channels; c++) {
    const float s_w = oct_tensor_scale(w, w->q_count > 1 ? c : 0);
    double m;
    if (float_product)
      m = (double)(in->scale * s_w) / (double)out->scale;
    else
      m = (double)in->scale * (double)s_w / (double)out->scale;
    if (!oct_isfinite(m) || !(m > 0.0))
      return oct_fail(ctx, node, OCT_ERR_MODEL,
                      "requantization scale of channel %d is %g (input %g, "
                      "weights %g, output %g)",
                      (int)c, m, (double)in->scale, (double)s_w,
                      (double)out->scale);
    int e = 0;
    oct_quantize_multiplier(m, &mult[c], &e);
    if (in->type == OCT_INT16 && e > OCT_CONV_S16_MAX_SHIFT)
      return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                      "requantization scale %g of channel %d is too large "
                      "for int16",
                      m, (int)c);
    shift[c] = e;
  }

  rq->input_offset = -in->zero_point;
  rq->weight_offset = w_offset;
  rq->output_offset = out->zero_point;
  oct_act_range_quant(act, out, &rq->act_min, &rq->act_max);
  rq->mult = mult;
  rq->shift = shift;
  rq->rounding = kind == OCT_CONV_KIND_CONV2D || kind == OCT_CONV_KIND_FC
                     ? OCT_ROUND_UP
                     : OCT_ROUND_AWAY;
  return OCT_OK;
}

oct_status oct_conv_bias_prepare(oct_ctx *ctx, const oct_node *node,
                                 const oct_tensor *in, const oct_tensor *bias,
                                 int32_t channels, const int64_t **bias64) {
  *bias64 = 0;
  if (!bias) return OCT_OK;
  if (oct_tensor_elems(bias) != channels)
    return oct_fail(ctx, node, OCT_ERR_SHAPE,
                    "bias '%s' has %lld elements for %d output channels",
                    bias->name, (long long)oct_tensor_elems(bias),
                    (int)channels);
  if (in->type != OCT_INT16 || bias->type != OCT_INT32) return OCT_OK;
  /* 16x8 kernels read int64 bias; widen an int32 one once. */
  if (!bias->is_const || !bias->data)
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                    "int32 bias '%s' of an int16 op must be constant",
                    bias->name);
  void *mem = 0;
  oct_status st =
      oct_persistent_alloc(ctx, sizeof(int64_t) * (size_t)channels, &mem);
  if (st) return st;
  int64_t *b64 = mem;
  const int32_t *b32 = bias->data;
  for (int32_t c = 0; c < channels; c++) b64[c] = b32[c];
  *bias64 = b64;
  return OCT_OK;
}

oct_status oct_conv_axis(oct_ctx *ctx, const oct_node *node, const char *what,
                         oct_padding pad, int32_t in, int32_t filter,
                         int32_t stride, int32_t dilation, int32_t *out,
                         int32_t *pad_before) {
  if (pad != OCT_PAD_SAME && pad != OCT_PAD_VALID)
    return oct_fail(ctx, node, OCT_ERR_MODEL, "unknown padding %d", (int)pad);
  if (stride < 1 || dilation < 1)
    return oct_fail(ctx, node, OCT_ERR_MODEL,
                    "%s stride %d and dilation %d must be at least 1", what,
                    (int)stride, (int)dilation);
  const int64_t eff = (int64_t)(filter - 1) * dilation + 1;
  if (!oct_conv_dim_ok(in) || !oct_conv_dim_ok(filter) ||
      eff > OCT_CONV_COORD_MAX || stride > OCT_CONV_COORD_MAX)
    return oct_fail(ctx, node, OCT_ERR_LIMIT,
                    "%s: input %d, filter %d, stride %d, dilation %d exceed "
                    "octet's limits",
                    what, (int)in, (int)filter, (int)stride, (int)dilation);
  const int32_t n = oct_window_out_size(pad, in, filter, stride, dilation);
  if (n <= 0)
    return oct_fail(ctx, node, OCT_ERR_SHAPE,
                    "%s: a filter of %lld (dilated) does not fit an input of "
                    "%d with VALID padding",
                    what, (long long)eff, (int)in);
  /* SAME keeps n <= in, VALID n <= in; the last window start is below
   * in + eff, so coordinates stay under 2^31. */
  *out = n;
  *pad_before = oct_window_padding(stride, dilation, in, filter, n, 0);
  return OCT_OK;
}
