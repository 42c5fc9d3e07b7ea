/*
 * DEPTHWISE_CONV_2D: inputs (input [N,H,W,C], filter [1,KH,KW,C*M],
 * optional bias [C*M]), output [N,OH,OW,C*M]. float32, int8 (per-channel
 * weights along axis 3, or per-tensor), uint8 (per-tensor), int16x8, and
 * hybrid (float32 input and output, int8 weights; src/kernels/ref/hybrid.h).
 *
 * The depth multiplier M is taken from the shapes. The option of the same
 * name is redundant; older converters wrote inconsistent values there, and
 * the shapes are what the kernel indexes by, so the option is ignored.
 */
#include "../kernels/ref/depthwise_conv.h"
#if defined(__aarch64__)
#include "../kernels/arm/arm_kernels.h"
#endif
#include "conv_common.h"
#include "hybrid_common.h"
#include "../kernels/x86/f32_select.h"
#include "op_parallel.h"
#include "op_util.h"
#if defined(__x86_64__)
#include "../kernels/x86/x86_hybrid.h"
#include "../kernels/x86/x86_select.h"
#endif

typedef struct dwconv_data {
  oct_conv_dims dims;
  oct_act_f32 act;
  oct_requant rq;
  const int64_t *bias64; /* widened int32 bias of a 16x8 op, or NULL */
  oct_dwconv2d_f32_fn f32;
  oct_dwconv2d_s8_fn s8;
  oct_dwconv2d_u8_fn u8;
  oct_dwconv2d_s16_fn s16;
  const void *packed_s8; /* optimized 8-bit variant's plan, or NULL */
  oct_conv_hybrid_fn hybrid;
  oct_hybrid_params hyb;
  int hyb_scratch;
  const void *hyb_plan; /* the x86 hybrid kernel's packed weights, or NULL */
  const float *w_f32; /* packed weights of the f32 kernel, or NULL */
} dwconv_data;

static oct_status prepare(oct_ctx *ctx, oct_node *node) {
  const oct_conv_options *opt = &node->opts->conv;
  if (node->n_in < 2 || node->n_in > 3 || node->n_out != 1)
    return oct_fail(ctx, node, OCT_ERR_MODEL,
                    "expects 2 or 3 inputs and 1 output, has %d and %d",
                    (int)node->n_in, (int)node->n_out);
  const oct_tensor *in = oct_input(ctx, node, 0);
  const oct_tensor *w = oct_input(ctx, node, 1);
  const oct_tensor *bias = oct_input(ctx, node, 2);
  const oct_tensor *out = oct_output(ctx, node, 0);
  if (!in || !w || !out)
    return oct_fail(ctx, node, OCT_ERR_MODEL, "input or filter is missing");
  if (in->rank != 4 || w->rank != 4)
    return oct_fail(ctx, node, OCT_ERR_SHAPE,
                    "input '%s' (rank %d) and filter '%s' (rank %d) must be "
                    "rank 4",
                    in->name, (int)in->rank, w->name, (int)w->rank);
  const int hybrid = oct_is_hybrid(in, w);
  oct_status st =
      hybrid ? OCT_OK : oct_conv_check_types(ctx, node, in, w, bias, out);
  if (!st) st = oct_conv_check_act(ctx, node, opt->act);
  if (st) return st;

  dwconv_data *dd = 0;
  st = oct_op_data_alloc(ctx, node, sizeof *dd, (void **)&dd);
  if (st) return st;
  oct_conv_dims *d = &dd->dims;
  d->batch = in->dims[0];
  d->in_h = in->dims[1];
  d->in_w = in->dims[2];
  d->in_c = in->dims[3];
  d->k_h = w->dims[1];
  d->k_w = w->dims[2];
  d->out_c = w->dims[3];
  d->stride_h = opt->stride_h;
  d->stride_w = opt->stride_w;
  d->dil_h = opt->dilation_h;
  d->dil_w = opt->dilation_w;
  if (w->dims[0] != 1)
    return oct_fail(ctx, node, OCT_ERR_SHAPE,
                    "filter '%s' must be [1, KH, KW, C*M], has %d in "
                    "dimension 0",
                    w->name, (int)w->dims[0]);
  if (d->out_c % d->in_c != 0)
    return oct_fail(ctx, node, OCT_ERR_SHAPE,
                    "filter '%s' has %d channels, not a multiple of the %d "
                    "input channels",
                    w->name, (int)d->out_c, (int)d->in_c);
  d->depth_mult = d->out_c / d->in_c;
  if ((st = oct_conv_axis(ctx, node, "height", opt->padding, d->in_h, d->k_h,
                          d->stride_h, d->dil_h, &d->out_h, &d->pad_h)) ||
      (st = oct_conv_axis(ctx, node, "width", opt->padding, d->in_w, d->k_w,
                          d->stride_w, d->dil_w, &d->out_w, &d->pad_w)))
    return st;
  const int32_t shape[4] = {d->batch, d->out_h, d->out_w, d->out_c};
  st = oct_check_output_shape(ctx, node, out, 4, shape);
  if (st) return st;
  if (hybrid) {
    /* TFLite quantizes a whole image per scale; per-channel weights with
     * a zero point (asymmetric), per-tensor ones symmetrically. */
    oct_act_range_f32(opt->act, &dd->act.lo, &dd->act.hi);
    dd->hybrid = oct_dwconv2d_hybrid_ref;
    node->kernel = "hybrid_ref";
    st = oct_hybrid_prepare(ctx, node, in, w, bias, out, d->out_c, 3,
                            d->batch, (int64_t)d->in_h * d->in_w * d->in_c,
                            w->q_count > 1, &dd->hyb, &dd->hyb_scratch);
#if defined(__x86_64__)
    if (!st)
      st = oct_x86_select_dwconv_hybrid(ctx, node, d, w, &dd->hyb,
                                        dd->hyb_scratch, &dd->hybrid,
                                        &dd->hyb_plan);
#endif
    return st;
  }
  st = oct_conv_bias_prepare(ctx, node, in, bias, d->out_c, &dd->bias64);
  if (st) return st;

  switch (in->type) {
    case OCT_FLOAT32:
      oct_act_range_f32(opt->act, &dd->act.lo, &dd->act.hi);
      dd->f32 = oct_dwconv2d_f32_ref;
      break;
    case OCT_INT8:
      dd->s8 = oct_dwconv2d_s8_ref;
      break;
    case OCT_UINT8:
      dd->u8 = oct_dwconv2d_u8_ref;
      break;
    default:
      dd->s16 = oct_dwconv2d_s16_ref;
      break;
  }
  if (in->type != OCT_FLOAT32) {
    st = oct_conv_quant_prepare(ctx, node, OCT_CONV_KIND_DEPTHWISE, in, w, out,
                                d->out_c, opt->act, &dd->rq);
    if (st) return st;
  }
  node->kernel = "ref";
#if defined(__x86_64__)
  if (in->type == OCT_INT8) {
    st = oct_x86_select_dwconv_s8(ctx, node, d, &dd->rq, w, bias, &dd->s8,
                                  &dd->packed_s8);
    if (st) return st;
  } else if (in->type == OCT_UINT8) {
    st = oct_x86_select_dwconv_u8(ctx, node, d, &dd->rq, w, bias, &dd->u8,
                                  &dd->packed_s8);
    if (st) return st;
  }
#endif
#if defined(__aarch64__)
  if (in->type == OCT_INT8 && oct_ctx_kernels(ctx) == OCT_KERNELS_BEST)
    oct_arm_select_dwconv2d_s8(&dd->dims, &dd->s8, &node->kernel);
#endif
#if defined(__x86_64__)
  if (in->type == OCT_FLOAT32)
    st = oct_dwconv2d_f32_x86_select(ctx, node, d, w, bias, &dd->f32, &dd->w_f32);
#endif
  return st;
}

typedef struct dwconv_job {
  const dwconv_data *dd;
  oct_dtype type;
  const void *in, *w, *b;
  void *out;
} dwconv_job;

/* Output rows [r0, r1) (over batch * out_h); threads split by rows. */
static void dwconv_rows(void *arg, int32_t r0, int32_t r1) {
  const dwconv_job *j = arg;
  const dwconv_data *dd = j->dd;
  while (r0 < r1) {
    oct_conv_dims d;
    size_t io, oo;
    const int32_t end = oct_conv_row_slice(&dd->dims, r0, r1, &d, &io, &oo);
    switch (j->type) {
      case OCT_FLOAT32:
        dd->f32(&d, &dd->act, (const float *)j->in + io, j->w, j->b,
                (float *)j->out + oo, 0);
        break;
      case OCT_INT8:
        dd->s8(&d, &dd->rq, (const int8_t *)j->in + io, j->w, j->b,
               (int8_t *)j->out + oo, 0);
        break;
      case OCT_UINT8:
        dd->u8(&d, &dd->rq, (const uint8_t *)j->in + io, j->w, j->b,
               (uint8_t *)j->out + oo, 0);
        break;
      default:
        dd->s16(&d, &dd->rq, (const int16_t *)j->in + io, j->w,
                dd->bias64 ? (const void *)dd->bias64 : j->b,
                (int16_t *)j->out + oo, 0);
        break;
    }
    r0 = end;
  }
}

#if defined(__x86_64__)
typedef struct hybrid_dw_job {
  const dwconv_data *dd;
  const oct_x86_hybrid_dw_row *row;
  const oct_conv_dims *one;
  float *out;
} hybrid_dw_job;

/* Output rows [r0, r1) of one image of the x86 hybrid depthwise. */
static void hybrid_dw_rows(void *arg, int32_t r0, int32_t r1) {
  const hybrid_dw_job *j = arg;
  while (r0 < r1) {
    oct_conv_dims d;
    size_t io, oo;
    const int32_t end = oct_conv_row_slice(j->one, r0, r1, &d, &io, &oo);
    oct_x86_hybrid_dw_rows(j->dd->hyb_plan, j->row, &d, j->row->q + io,
                           j->dd->act.lo, j->dd->act.hi, j->out + oo);
    r0 = end;
  }
}

/* Each image quantized once, its output rows cut over the threads. */
static void hybrid_dw_threads(oct_ctx *ctx, const dwconv_data *dd, const float *in,
                              const float *bias, float *out, void *scratch) {
  const oct_conv_dims *d = &dd->dims;
  const int64_t img = (int64_t)d->in_h * d->in_w * d->in_c;
  const size_t out_img = (size_t)d->out_h * (size_t)d->out_w * (size_t)d->out_c;
  oct_conv_dims one = *d;
  one.batch = 1;
  for (int32_t b = 0; b < d->batch; b++) {
    oct_x86_hybrid_dw_row row;
    oct_x86_hybrid_dw_image(dd->hyb_plan, &dd->hyb, bias,
                            in + (size_t)b * (size_t)img, img, scratch, &row);
    hybrid_dw_job j = {dd, &row, &one, out + (size_t)b * out_img};
    oct_parallel_ranges(ctx, d->out_h, 1, hybrid_dw_rows, &j);
  }
}
#endif

static oct_status eval(oct_ctx *ctx, oct_node *node) {
  const dwconv_data *dd = node->data;
  const oct_tensor *in = oct_input(ctx, node, 0);
  const oct_tensor *w = oct_input(ctx, node, 1);
  const oct_tensor *bias = oct_input(ctx, node, 2);
  oct_tensor *out = oct_output(ctx, node, 0);
  const void *b = bias ? bias->data : 0;
#if defined(__x86_64__)
  if (dd->hyb_plan && oct_ctx_threads(ctx) > 1 && dd->dims.out_h > 1) {
    hybrid_dw_threads(ctx, dd, in->data, b, out->data,
                      oct_scratch(ctx, node, dd->hyb_scratch));
    return OCT_OK;
  }
#endif
  if (dd->hybrid) {
    dd->hybrid(&dd->dims, &dd->act, &dd->hyb, in->data,
               dd->hyb_plan ? dd->hyb_plan : w->data, b, out->data,
               oct_scratch(ctx, node, dd->hyb_scratch));
    return OCT_OK;
  }
  dwconv_job j = {dd, in->type, in->data, w->data, bias ? bias->data : 0,
                  out->data};
  /* The x86 8-bit kernels read their packed plan and no scratch, so they
   * split by rows like the others. */
  if (dd->packed_s8) j.w = dd->packed_s8;
  if (in->type == OCT_FLOAT32 && dd->w_f32) j.w = dd->w_f32;
  oct_parallel_ranges(ctx, dd->dims.batch * dd->dims.out_h, 1, dwconv_rows, &j);
  return OCT_OK;
}

const oct_op oct_op_depthwise_conv_2d = {OCT_OP_DEPTHWISE_CONV_2D, prepare,
                                         eval};
