/*
 * TRANSPOSE_CONV: inputs (output_shape int32 [4], weights [OC,KH,KW,C],
 * input [N,H,W,C], optional bias [OC]), output [N,OH,OW,OC]. float32, int8
 * (per-channel or per-tensor weights), uint8 (per-tensor) and int16x8.
 *
 * octet's tensor shapes are static, so the output shape the model declares
 * is the one computed. A constant output_shape must equal it (checked at
 * prepare); a runtime one (as in TFLM's seanet models, where it is a model
 * input) is compared at eval, and a mismatch fails the invoke instead of
 * resizing as TFLite would.
 */
#include "../kernels/ref/transpose_conv.h"
#include "conv_common.h"
#include "op_util.h"

typedef struct tconv_data {
  oct_conv_dims dims;
  oct_act_f32 act;
  oct_requant rq;
  const int64_t *bias64; /* widened int32 bias of a 16x8 op, or NULL */
  oct_tconv2d_f32_fn f32;
  oct_tconv2d_s8_fn s8;
  oct_tconv2d_u8_fn u8;
  oct_tconv2d_s16_fn s16;
} tconv_data;

/*
 * Leading padding of one axis, as TFLite's transpose_conv.cc computes it:
 * ComputePaddingHeightWidth with the *output* size in the role of a conv's
 * input and dilation 1. TFLite's ComputeOutSize is used unclamped (a VALID
 * filter larger than the output gives a size <= 0, which only makes the
 * padding 0), so it is spelled out here rather than taken from op_util.h.
 */
static int32_t tconv_padding(oct_padding pad, int32_t out, int32_t filter,
                             int32_t stride) {
  const int64_t conv_out = pad == OCT_PAD_SAME
                               ? ((int64_t)out + stride - 1) / stride
                               : ((int64_t)out - filter + stride) / stride;
  int64_t total = (conv_out - 1) * stride + filter - out;
  if (total < 0) total = 0;
  return (int32_t)(total / 2);
}

static oct_status check_shape_values(oct_ctx *ctx, const oct_node *node,
                                     const oct_tensor *shape_t,
                                     const oct_tensor *out, oct_status code) {
  const int32_t *v = shape_t->data;
  for (int i = 0; i < 4; i++)
    if (v[i] != out->dims[i])
      return oct_fail(ctx, node, code,
                      "output_shape '%s' asks for [%d,%d,%d,%d] but output "
                      "'%s' is declared [%d,%d,%d,%d]",
                      shape_t->name, (int)v[0], (int)v[1], (int)v[2], (int)v[3],
                      out->name, (int)out->dims[0], (int)out->dims[1],
                      (int)out->dims[2], (int)out->dims[3]);
  return OCT_OK;
}

static oct_status prepare(oct_ctx *ctx, oct_node *node) {
  const oct_transpose_conv_options *opt = &node->opts->transpose_conv;
  if (node->n_in < 3 || node->n_in > 4 || node->n_out != 1)
    return oct_fail(ctx, node, OCT_ERR_MODEL,
                    "expects 3 or 4 inputs and 1 output, has %d and %d",
                    (int)node->n_in, (int)node->n_out);
  const oct_tensor *shape_t = oct_input(ctx, node, 0);
  const oct_tensor *w = oct_input(ctx, node, 1);
  const oct_tensor *in = oct_input(ctx, node, 2);
  const oct_tensor *bias = oct_input(ctx, node, 3);
  const oct_tensor *out = oct_output(ctx, node, 0);
  if (!shape_t || !w || !in || !out)
    return oct_fail(ctx, node, OCT_ERR_MODEL,
                    "output_shape, weights or input is missing");
  if (shape_t->type != OCT_INT32 || shape_t->rank != 1 || shape_t->dims[0] != 4)
    return oct_fail(ctx, node, OCT_ERR_MODEL,
                    "output_shape '%s' must be int32 [4]", shape_t->name);
  if (in->rank != 4 || w->rank != 4 || out->rank != 4)
    return oct_fail(ctx, node, OCT_ERR_SHAPE,
                    "input '%s', weights '%s' and output '%s' must be rank 4",
                    in->name, w->name, out->name);
  oct_status st = oct_conv_check_types(ctx, node, in, w, bias, out);
  if (!st) st = oct_conv_check_act(ctx, node, opt->act);
  if (st) return st;
  if (shape_t->is_const && shape_t->data) {
    st = check_shape_values(ctx, node, shape_t, out, OCT_ERR_SHAPE);
    if (st) return st;
  }

  tconv_data *td = 0;
  st = oct_op_data_alloc(ctx, node, sizeof *td, (void **)&td);
  if (st) return st;
  oct_conv_dims *d = &td->dims;
  d->batch = in->dims[0];
  d->in_h = in->dims[1];
  d->in_w = in->dims[2];
  d->in_c = in->dims[3];
  d->out_h = out->dims[1];
  d->out_w = out->dims[2];
  d->out_c = w->dims[0];
  d->k_h = w->dims[1];
  d->k_w = w->dims[2];
  d->stride_h = opt->stride_h;
  d->stride_w = opt->stride_w;
  d->dil_h = d->dil_w = 1;
  d->depth_mult = 1;
  if (w->dims[3] != d->in_c)
    return oct_fail(ctx, node, OCT_ERR_SHAPE,
                    "weights '%s' have %d input channels, input '%s' has %d",
                    w->name, (int)w->dims[3], in->name, (int)d->in_c);
  if (out->dims[0] != d->batch || out->dims[3] != d->out_c)
    return oct_fail(ctx, node, OCT_ERR_SHAPE,
                    "output '%s' is [%d,%d,%d,%d]; batch must be %d and "
                    "channels %d",
                    out->name, (int)out->dims[0], (int)d->out_h, (int)d->out_w,
                    (int)out->dims[3], (int)d->batch, (int)d->out_c);
  if (opt->padding != OCT_PAD_SAME && opt->padding != OCT_PAD_VALID)
    return oct_fail(ctx, node, OCT_ERR_MODEL, "unknown padding %d",
                    (int)opt->padding);
  if (d->stride_h < 1 || d->stride_w < 1 || !oct_conv_dim_ok(d->stride_h) ||
      !oct_conv_dim_ok(d->stride_w))
    return oct_fail(ctx, node, OCT_ERR_MODEL, "strides %d, %d are invalid",
                    (int)d->stride_h, (int)d->stride_w);
  /* The kernel forms out + pad - k: bounded dims keep it inside int32. */
  if (!oct_conv_dim_ok(d->in_h) || !oct_conv_dim_ok(d->in_w) ||
      !oct_conv_dim_ok(d->out_h) || !oct_conv_dim_ok(d->out_w) ||
      !oct_conv_dim_ok(d->k_h) || !oct_conv_dim_ok(d->k_w))
    return oct_fail(ctx, node, OCT_ERR_LIMIT,
                    "dimensions exceed octet's limits");
  d->pad_h = tconv_padding(opt->padding, d->out_h, d->k_h, d->stride_h);
  d->pad_w = tconv_padding(opt->padding, d->out_w, d->k_w, d->stride_w);
  st = oct_conv_bias_prepare(ctx, node, in, bias, d->out_c, &td->bias64);
  if (st) return st;

  switch (in->type) {
    case OCT_FLOAT32:
      oct_act_range_f32(opt->act, &td->act.lo, &td->act.hi);
      td->f32 = oct_tconv2d_f32_ref;
      break;
    case OCT_INT8:
      td->s8 = oct_tconv2d_s8_ref;
      break;
    case OCT_UINT8:
      td->u8 = oct_tconv2d_u8_ref;
      break;
    default:
      td->s16 = oct_tconv2d_s16_ref;
      break;
  }
  if (in->type != OCT_FLOAT32) {
    st = oct_conv_quant_prepare(ctx, node, OCT_CONV_KIND_TRANSPOSE, in, w, out,
                                d->out_c, opt->act, &td->rq);
    if (st) return st;
  }
  node->kernel = "ref";
  return OCT_OK;
}

static oct_status eval(oct_ctx *ctx, oct_node *node) {
  const tconv_data *td = node->data;
  const oct_tensor *shape_t = oct_input(ctx, node, 0);
  const oct_tensor *w = oct_input(ctx, node, 1);
  const oct_tensor *in = oct_input(ctx, node, 2);
  const oct_tensor *bias = oct_input(ctx, node, 3);
  oct_tensor *out = oct_output(ctx, node, 0);
  if (!shape_t->is_const) {
    /* Only known now: the one check prepare could not make. */
    oct_status st = check_shape_values(ctx, node, shape_t, out, OCT_ERR_EVAL);
    if (st) return st;
  }
  const void *b = bias ? bias->data : 0;
  switch (in->type) {
    case OCT_FLOAT32:
      td->f32(&td->dims, &td->act, in->data, w->data, b, out->data, 0);
      break;
    case OCT_INT8:
      td->s8(&td->dims, &td->rq, in->data, w->data, b, out->data, 0);
      break;
    case OCT_UINT8:
      td->u8(&td->dims, &td->rq, in->data, w->data, b, out->data, 0);
      break;
    default:
      td->s16(&td->dims, &td->rq, in->data, w->data,
              td->bias64 ? td->bias64 : b, out->data, 0);
      break;
  }
  return OCT_OK;
}

const oct_op oct_op_transpose_conv = {OCT_OP_TRANSPOSE_CONV, prepare, eval};
