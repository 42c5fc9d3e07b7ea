/* Shared prepare and eval of the 2-D pooling ops; see pool_util.h. */
#include "pool_util.h"

#include "op_util.h"
#include "shape_util.h"
#include "../kernels/ref/pooling.h"

typedef struct pool_data {
  oct_pool_kind kind;
  oct_dtype type;
  oct_pool_params p;
} pool_data;

/* Every window must reach the input (TFLite fails at run time otherwise). */
static int windows_cover(int32_t out, int32_t stride, int32_t pad,
                         int32_t filter, int32_t in) {
  const int64_t first = -(int64_t)pad;
  const int64_t last = (int64_t)(out - 1) * stride - pad;
  return first + filter > 0 && last < in;
}

static oct_status check_options(oct_ctx *ctx, const oct_node *node,
                                const oct_pool_options *o) {
  if (o->padding != OCT_PAD_SAME && o->padding != OCT_PAD_VALID)
    return oct_fail(ctx, node, OCT_ERR_MODEL, "unknown padding %d",
                    (int)o->padding);
  if (o->stride_h < 1 || o->stride_w < 1 || o->filter_h < 1 || o->filter_w < 1)
    return oct_fail(ctx, node, OCT_ERR_MODEL, "stride %dx%d, filter %dx%d",
                    (int)o->stride_h, (int)o->stride_w, (int)o->filter_h,
                    (int)o->filter_w);
  if (o->act != OCT_ACT_NONE && o->act != OCT_ACT_RELU &&
      o->act != OCT_ACT_RELU6 && o->act != OCT_ACT_RELU_N1_TO_1)
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED, "fused activation %d",
                    (int)o->act);
  return OCT_OK;
}

static oct_status check_quant(oct_ctx *ctx, const oct_node *node,
                              const oct_tensor *in, const oct_tensor *out) {
  if (in->type == OCT_FLOAT32) return OCT_OK;
  oct_status st = oct_shape_per_tensor(ctx, node, in);
  if (!st) st = oct_shape_per_tensor(ctx, node, out);
  if (st) return st;
  /* Pooling never rescales. The converter gives input and output the same
   * quantization; when a model does not, TFLite pools the stored values and
   * so does octet. */
  int32_t lo = 0, hi = 0;
  oct_type_range(out->type, &lo, &hi);
  if (out->zero_point < lo || out->zero_point > hi)
    return oct_fail(ctx, node, OCT_ERR_MODEL, "zero point %d out of range",
                    (int)out->zero_point);
  return OCT_OK;
}

oct_status oct_pool_prepare(oct_ctx *ctx, oct_node *node, oct_pool_kind kind) {
  oct_status st = oct_shape_check_io(ctx, node, 1, 1, 1);
  if (st) return st;
  const oct_tensor *in = oct_input(ctx, node, 0);
  const oct_tensor *out = oct_output(ctx, node, 0);
  const oct_pool_options *o = &node->opts->pool;
  if (in->type != out->type)
    return oct_fail(ctx, node, OCT_ERR_TYPE, "input is %s, output is %s",
                    oct_dtype_name(in->type), oct_dtype_name(out->type));
  if (in->type != OCT_FLOAT32 && in->type != OCT_UINT8 &&
      in->type != OCT_INT8 && in->type != OCT_INT16)
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED, "%s input",
                    oct_dtype_name(in->type));
  if (in->rank != 4)
    return oct_fail(ctx, node, OCT_ERR_SHAPE, "input rank %d, expected 4",
                    (int)in->rank);
  st = check_options(ctx, node, o);
  if (!st) st = check_quant(ctx, node, in, out);
  if (st) return st;

  pool_data *d;
  st = oct_op_data_alloc(ctx, node, sizeof *d, (void **)&d);
  if (st) return st;
  oct_pool_params *p = &d->p;
  d->kind = kind;
  d->type = in->type;
  p->batch = in->dims[0];
  p->in_h = in->dims[1];
  p->in_w = in->dims[2];
  p->channels = in->dims[3];
  p->filter_h = o->filter_h;
  p->filter_w = o->filter_w;
  p->stride_h = o->stride_h;
  p->stride_w = o->stride_w;
  p->out_h =
      oct_window_out_size(o->padding, p->in_h, p->filter_h, p->stride_h, 1);
  p->out_w =
      oct_window_out_size(o->padding, p->in_w, p->filter_w, p->stride_w, 1);
  if (p->out_h < 1 || p->out_w < 1)
    return oct_fail(ctx, node, OCT_ERR_SHAPE,
                    "filter %dx%d does not fit input %dx%d", (int)p->filter_h,
                    (int)p->filter_w, (int)p->in_h, (int)p->in_w);
  p->pad_h =
      oct_window_padding(p->stride_h, 1, p->in_h, p->filter_h, p->out_h, 0);
  p->pad_w =
      oct_window_padding(p->stride_w, 1, p->in_w, p->filter_w, p->out_w, 0);
  const int32_t dims[4] = {p->batch, p->out_h, p->out_w, p->channels};
  st = oct_check_output_shape(ctx, node, out, 4, dims);
  if (st) return st;
  if (!windows_cover(p->out_h, p->stride_h, p->pad_h, p->filter_h, p->in_h) ||
      !windows_cover(p->out_w, p->stride_w, p->pad_w, p->filter_w, p->in_w))
    return oct_fail(ctx, node, OCT_ERR_SHAPE,
                    "a pooling window lies in the padding");
  if (in->type == OCT_FLOAT32)
    oct_act_range_f32(o->act, &p->act_min_f, &p->act_max_f);
  else
    oct_act_range_quant(o->act, out, &p->act_min, &p->act_max);
  node->kernel = "ref";
  return OCT_OK;
}

oct_status oct_pool_eval(oct_ctx *ctx, oct_node *node) {
  const pool_data *d = (const pool_data *)node->data;
  const void *in = oct_input(ctx, node, 0)->data;
  void *out = oct_output(ctx, node, 0)->data;
  const int avg = d->kind == OCT_POOL_AVG;
  switch (d->type) {
    case OCT_FLOAT32:
      (avg ? oct_avgpool_f32_ref : oct_maxpool_f32_ref)(&d->p, in, out);
      break;
    case OCT_UINT8:
      (avg ? oct_avgpool_u8_ref : oct_maxpool_u8_ref)(&d->p, in, out);
      break;
    case OCT_INT8:
      (avg ? oct_avgpool_s8_ref : oct_maxpool_s8_ref)(&d->p, in, out);
      break;
    default:
      (avg ? oct_avgpool_s16_ref : oct_maxpool_s16_ref)(&d->p, in, out);
      break;
  }
  return OCT_OK;
}
