/*
 * MEAN over constant axes (int32; negative count from the end; duplicates
 * ignored), keep_dims or not, for float32, int32 and quantized
 * uint8/int8/int16.
 *
 * Integer results are bit-exact with TFLite 2.9's built-in MEAN, which takes
 * one of three paths (tensorflow/lite/kernels/reduce.cc, EvalMean):
 *  1. keep_dims, 4-d input and an axis tensor of exactly {1, 2} or {2, 1}
 *     (as written: {-3, -2} does not qualify): the global-pool path, an
 *     integer formula of its own for uint8 and another for int8/int16, see
 *     oct_mean_hw_* in kernels/ref/reduce.h.
 *  2. otherwise, input and output with equal scale and zero point: integer
 *     sum divided by the count, truncating.
 *  3. otherwise: TFLite's float requantization of the mean.
 */
#include "op_util.h"
#include "shape_util.h"

#include "../kernels/ref/quant_math.h"
#include "../kernels/ref/reduce.h"

typedef enum mean_path { MEAN_HW, MEAN_GENERAL } mean_path;

typedef struct mean_data {
  mean_path path;
  oct_dtype type;
  oct_mean_hw_params hw;
  oct_reduce_params rp;
  oct_mean_quant q;
  int scratch;
} mean_data;

static int is_quant(oct_dtype t) {
  return t == OCT_UINT8 || t == OCT_INT8 || t == OCT_INT16;
}

/* Resolves the axes into a bit set and computes the output shape. */
static oct_status resolve_axes(oct_ctx *ctx, const oct_node *node,
                               const oct_tensor *in, const int64_t *axes,
                               int32_t n_axes, int keep, uint32_t *mask,
                               int32_t *rank, int32_t *dims) {
  *mask = 0;
  for (int32_t i = 0; i < n_axes; i++) {
    int32_t a = 0;
    oct_status st = oct_shape_axis(ctx, node, axes[i], in->rank, "axis", &a);
    if (st) return st;
    *mask |= 1u << a;
  }
  *rank = 0;
  for (int32_t a = 0; a < in->rank; a++) {
    if (!(*mask & (1u << a)))
      dims[(*rank)++] = in->dims[a];
    else if (keep)
      dims[(*rank)++] = 1;
  }
  return OCT_OK;
}

static void general_params(const oct_tensor *in, uint32_t mask,
                           oct_reduce_params *rp) {
  int64_t out_stride = 1, reduce = 1;
  rp->rank = in->rank;
  for (int32_t a = in->rank - 1; a >= 0; a--) {
    rp->in_dims[a] = in->dims[a];
    if (mask & (1u << a)) {
      rp->out_step[a] = 0;
      reduce *= in->dims[a];
    } else {
      rp->out_step[a] = out_stride;
      out_stride *= in->dims[a];
    }
  }
  rp->out_count = out_stride;
  rp->reduce_count = reduce;
}

static oct_status prepare_hw(oct_ctx *ctx, const oct_node *node,
                             const oct_tensor *in, const oct_tensor *out,
                             mean_data *d) {
  oct_mean_hw_params *p = &d->hw;
  p->batch = in->dims[0];
  p->h = in->dims[1];
  p->w = in->dims[2];
  p->channels = in->dims[3];
  if (!is_quant(in->type)) return OCT_OK;
  oct_type_range(out->type, &p->out_min, &p->out_max);
  p->in_zp = in->zero_point;
  p->out_zp = out->zero_point;
  if (in->type != OCT_UINT8) {
    /* TFLite's reference integer mean: rescale by in/out, then divide. */
    oct_quantize_multiplier((double)in->scale / (double)out->scale,
                            &p->multiplier, &p->shift);
    return OCT_OK;
  }
  /* TFLite's optimized uint8 mean, with its float expressions: the
   * multiplier folds in 1/count, the bias both zero points. */
  const float count = (float)p->h * (float)p->w;
  const float real_scale = in->scale / (count * out->scale);
  oct_quantize_multiplier((double)real_scale, &p->multiplier, &p->shift);
  float zp_term = (float)in->zero_point * in->scale / out->scale;
  zp_term = zp_term > 0 ? zp_term + 0.5f : zp_term - 0.5f;
  if (!(zp_term > -2147483520.0f && zp_term < 2147483520.0f))
    return oct_fail(ctx, node, OCT_ERR_MODEL, "quantization out of range");
  p->bias = (int32_t)((int64_t)out->zero_point - (int32_t)zp_term);
  return OCT_OK;
}

static oct_status check_types(oct_ctx *ctx, const oct_node *node,
                              const oct_tensor *in, const oct_tensor *out) {
  if (in->type != out->type)
    return oct_fail(ctx, node, OCT_ERR_TYPE, "input is %s, output is %s",
                    oct_dtype_name(in->type), oct_dtype_name(out->type));
  if (in->type != OCT_FLOAT32 && in->type != OCT_INT32 && !is_quant(in->type))
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED, "%s input",
                    oct_dtype_name(in->type));
  if (!is_quant(in->type)) return OCT_OK;
  oct_status st = oct_shape_per_tensor(ctx, node, in);
  if (!st) st = oct_shape_per_tensor(ctx, node, out);
  if (st) return st;
  if (!(in->scale > 0.0f) || !(out->scale > 0.0f) || !oct_isfinite(in->scale) ||
      !oct_isfinite(out->scale))
    return oct_fail(ctx, node, OCT_ERR_MODEL, "invalid quantization scale");
  if (in->type == OCT_INT16 && (in->zero_point != 0 || out->zero_point != 0))
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                    "int16 needs zero points of 0");
  return OCT_OK;
}

static oct_status mean_prepare(oct_ctx *ctx, oct_node *node) {
  oct_status st = oct_shape_check_io(ctx, node, 2, 2, 1);
  if (st) return st;
  const oct_tensor *in = oct_input(ctx, node, 0);
  const oct_tensor *out = oct_output(ctx, node, 0);
  st = check_types(ctx, node, in, out);
  if (st) return st;
  int64_t axes[OCT_MAX_RANK * 4];
  int32_t n_axes = 0, rank = 0, dims[OCT_MAX_RANK];
  uint32_t mask = 0;
  const int keep = node->opts->reducer.keep_dims;
  st = oct_shape_read_ints(ctx, node, oct_input(ctx, node, 1), "axis", 0, axes,
                           OCT_MAX_RANK * 4, &n_axes);
  if (!st)
    st = resolve_axes(ctx, node, in, axes, n_axes, keep, &mask, &rank, dims);
  if (!st) st = oct_check_output_shape(ctx, node, out, rank, dims);
  if (st) return st;

  mean_data *d;
  st = oct_op_data_alloc(ctx, node, sizeof *d, (void **)&d);
  if (st) return st;
  d->type = in->type;
  node->kernel = "ref";
  const int hw =
      keep && in->rank == 4 && n_axes == 2 &&
      ((axes[0] == 1 && axes[1] == 2) || (axes[0] == 2 && axes[1] == 1));
  if (hw && in->type != OCT_INT32) {
    d->path = MEAN_HW;
    return prepare_hw(ctx, node, in, out, d);
  }
  d->path = MEAN_GENERAL;
  general_params(in, mask, &d->rp);
  if (is_quant(in->type)) {
    oct_mean_quant *q = &d->q;
    oct_type_range(out->type, &q->out_min, &q->out_max);
    q->plain = in->scale == out->scale && in->zero_point == out->zero_point;
    q->out_zp = out->zero_point;
    q->scale = in->scale / out->scale;
    q->bias = -(float)in->zero_point * q->scale;
  }
  return oct_scratch_request(ctx, node, (size_t)oct_mean_scratch_bytes(&d->rp),
                             &d->scratch);
}

static oct_status mean_eval(oct_ctx *ctx, oct_node *node) {
  const mean_data *d = (const mean_data *)node->data;
  const void *in = oct_input(ctx, node, 0)->data;
  void *out = oct_output(ctx, node, 0)->data;
  if (d->path == MEAN_HW) {
    switch (d->type) {
      case OCT_FLOAT32:
        oct_mean_hw_f32_ref(&d->hw, in, out);
        break;
      case OCT_UINT8:
        oct_mean_hw_u8_ref(&d->hw, in, out);
        break;
      case OCT_INT8:
        oct_mean_hw_s8_ref(&d->hw, in, out);
        break;
      default:
        oct_mean_hw_s16_ref(&d->hw, in, out);
        break;
    }
    return OCT_OK;
  }
  void *acc = oct_scratch(ctx, node, d->scratch);
  switch (d->type) {
    case OCT_FLOAT32:
      oct_mean_f32_ref(&d->rp, in, out, acc);
      break;
    case OCT_INT32:
      oct_mean_s32_ref(&d->rp, in, out, acc);
      break;
    case OCT_UINT8:
      oct_mean_u8_ref(&d->rp, &d->q, in, out, acc);
      break;
    case OCT_INT8:
      oct_mean_s8_ref(&d->rp, &d->q, in, out, acc);
      break;
    default:
      oct_mean_s16_ref(&d->rp, &d->q, in, out, acc);
      break;
  }
  return OCT_OK;
}

const oct_op oct_op_mean = {OCT_OP_MEAN, mean_prepare, mean_eval};
