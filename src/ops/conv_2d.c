/*
 * CONV_2D: inputs (input [N,H,W,C], filter [OC,KH,KW,C], optional bias
 * [OC]), output [N,OH,OW,OC]. float32, int8 (per-channel or per-tensor
 * weights), uint8 (per-tensor, asymmetric weights), int16x8, and hybrid
 * (float32 input and output, int8 weights, float32 bias: `--quantize
 * dynamic`; src/kernels/ref/hybrid.h).
 * Prepare validates the model and computes geometry and requantization;
 * eval calls the kernel picked at prepare.
 */
#include "../kernels/ref/conv.h"
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

typedef struct conv_data {
  oct_conv_dims dims;
  oct_act_f32 act;
  oct_requant rq;
  const int64_t *bias64; /* widened int32 bias of a 16x8 conv, or NULL */
  oct_conv2d_f32_fn f32;
  oct_conv2d_s8_fn s8;
  oct_conv2d_u8_fn u8;
  oct_conv2d_s16_fn s16;
  const void *packed_s8; /* optimized 8-bit variant's plan, or NULL */
  int scratch_s8;
  oct_conv_hybrid_fn hybrid;
  oct_hybrid_params hyb;
  int hyb_scratch;
  const void *hyb_plan; /* the x86 hybrid kernel's packed weights, or NULL */
  const float *w_f32; /* packed weights of the f32 kernel, or NULL */
} conv_data;

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

  conv_data *cd = 0;
  st = oct_op_data_alloc(ctx, node, sizeof *cd, (void **)&cd);
  if (st) return st;
  oct_conv_dims *d = &cd->dims;
  d->batch = in->dims[0];
  d->in_h = in->dims[1];
  d->in_w = in->dims[2];
  d->in_c = in->dims[3];
  d->out_c = w->dims[0];
  d->k_h = w->dims[1];
  d->k_w = w->dims[2];
  d->stride_h = opt->stride_h;
  d->stride_w = opt->stride_w;
  d->dil_h = opt->dilation_h;
  d->dil_w = opt->dilation_w;
  d->depth_mult = 1;
  if (w->dims[3] != d->in_c) {
    if (w->dims[3] > 0 && d->in_c % w->dims[3] == 0)
      return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                      "grouped convolution (input '%s' has %d channels, "
                      "filter '%s' %d) is not supported",
                      in->name, (int)d->in_c, w->name, (int)w->dims[3]);
    return oct_fail(ctx, node, OCT_ERR_SHAPE,
                    "filter '%s' has %d input channels, input '%s' has %d",
                    w->name, (int)w->dims[3], in->name, (int)d->in_c);
  }
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
    oct_act_range_f32(opt->act, &cd->act.lo, &cd->act.hi);
    cd->hybrid = oct_conv2d_hybrid_ref;
    node->kernel = "hybrid_ref";
    st = oct_hybrid_prepare(ctx, node, in, w, bias, out, d->out_c, 0,
                            d->batch, (int64_t)d->in_h * d->in_w * d->in_c,
                            w->q_count > 1, &cd->hyb, &cd->hyb_scratch);
#if defined(__x86_64__)
    if (!st)
      st = oct_x86_select_conv_hybrid(ctx, node, d, w, cd->hyb_scratch,
                                      &cd->hybrid, &cd->hyb_plan);
#endif
    return st;
  }
  st = oct_conv_bias_prepare(ctx, node, in, bias, d->out_c, &cd->bias64);
  if (st) return st;

  switch (in->type) {
    case OCT_FLOAT32:
      oct_act_range_f32(opt->act, &cd->act.lo, &cd->act.hi);
      cd->f32 = oct_conv2d_f32_ref;
      break;
    case OCT_INT8:
      cd->s8 = oct_conv2d_s8_ref;
      break;
    case OCT_UINT8:
      cd->u8 = oct_conv2d_u8_ref;
      break;
    default:
      cd->s16 = oct_conv2d_s16_ref;
      break;
  }
  if (in->type != OCT_FLOAT32) {
    st = oct_conv_quant_prepare(ctx, node, OCT_CONV_KIND_CONV2D, in, w, out,
                                d->out_c, opt->act, &cd->rq);
    if (st) return st;
  }
  node->kernel = "ref";
#if defined(__x86_64__)
  if (in->type == OCT_INT8) {
    st = oct_x86_select_conv_s8(ctx, node, d, &cd->rq, w, bias, &cd->s8,
                                &cd->packed_s8, &cd->scratch_s8);
    if (st) return st;
  } else if (in->type == OCT_UINT8) {
    st = oct_x86_select_conv_u8(ctx, node, d, &cd->rq, w, bias, &cd->u8,
                                &cd->packed_s8, &cd->scratch_s8);
    if (st) return st;
  }
#endif
#if defined(__aarch64__)
  if (in->type == OCT_INT8 && oct_ctx_kernels(ctx) == OCT_KERNELS_BEST)
    oct_arm_select_conv2d_s8(&cd->dims, &cd->s8, &node->kernel);
#endif
#if defined(__x86_64__)
  if (in->type == OCT_FLOAT32)
    st = oct_conv2d_f32_x86_select(ctx, node, d, w, bias, &cd->f32, &cd->w_f32);
#endif
  return st;
}

typedef struct conv_job {
  const conv_data *cd;
  oct_dtype type;
  const void *in, *w, *b;
  void *out;
} conv_job;

/* Output rows [r0, r1) (over batch * out_h); threads split by rows. */
static void conv_rows(void *arg, int32_t r0, int32_t r1) {
  const conv_job *j = arg;
  const conv_data *cd = j->cd;
  while (r0 < r1) {
    oct_conv_dims d;
    size_t io, oo;
    const int32_t end = oct_conv_row_slice(&cd->dims, r0, r1, &d, &io, &oo);
    switch (j->type) {
      case OCT_FLOAT32:
        cd->f32(&d, &cd->act, (const float *)j->in + io, j->w, j->b,
                (float *)j->out + oo, 0);
        break;
      case OCT_INT8:
        cd->s8(&d, &cd->rq, (const int8_t *)j->in + io, j->w, j->b,
               (int8_t *)j->out + oo, 0);
        break;
      case OCT_UINT8:
        cd->u8(&d, &cd->rq, (const uint8_t *)j->in + io, j->w, j->b,
               (uint8_t *)j->out + oo, 0);
        break;
      default:
        cd->s16(&d, &cd->rq, (const int16_t *)j->in + io, j->w,
                cd->bias64 ? (const void *)cd->bias64 : j->b,
                (int16_t *)j->out + oo, 0);
        break;
    }
    r0 = end;
  }
}

#if defined(__x86_64__)
typedef struct packed_job {
  const conv_data *cd;
  oct_dtype type;
  const void *in, *b;
  void *out;
  uint8_t *scratch;
  size_t stride; /* bytes of one piece's scratch block */
  int pieces;
} packed_job;

/* Pieces [k0, k1) of the x86 8-bit path: piece k is output rows
 * [k * R / pieces, (k + 1) * R / pieces) over R = batch * out_h. */
static void packed_pieces(void *arg, int32_t k0, int32_t k1) {
  const packed_job *j = arg;
  const conv_data *cd = j->cd;
  const int64_t rows = (int64_t)cd->dims.batch * cd->dims.out_h;
  for (int32_t k = k0; k < k1; k++) {
    int32_t r0 = (int32_t)(rows * k / j->pieces);
    const int32_t r1 = (int32_t)(rows * (k + 1) / j->pieces);
    void *scratch = j->scratch + (size_t)k * j->stride;
    while (r0 < r1) {
      oct_conv_dims d;
      size_t io, oo;
      const int32_t end = oct_conv_row_slice(&cd->dims, r0, r1, &d, &io, &oo);
      if (j->type == OCT_INT8)
        cd->s8(&d, &cd->rq, (const int8_t *)j->in + io, cd->packed_s8, j->b,
               (int8_t *)j->out + oo, scratch);
      else
        cd->u8(&d, &cd->rq, (const uint8_t *)j->in + io, cd->packed_s8, j->b,
               (uint8_t *)j->out + oo, scratch);
      r0 = end;
    }
  }
}
#endif

#if defined(__x86_64__)
typedef struct hybrid_job {
  const conv_data *cd;
  const oct_x86_hybrid_row *row;
  const oct_conv_dims *one; /* the geometry of one image */
  float *out;               /* this image's output */
  uint8_t *gemm;            /* thread 0's GEMM block */
  size_t stride;
  int pieces;
} hybrid_job;

/* Pieces [k0, k1) of one image's output rows, piece k with GEMM block k. */
static void hybrid_pieces(void *arg, int32_t k0, int32_t k1) {
  const hybrid_job *j = arg;
  const int32_t rows = j->one->out_h;
  for (int32_t k = k0; k < k1; k++) {
    int32_t r0 = (int32_t)((int64_t)rows * k / j->pieces);
    const int32_t r1 = (int32_t)((int64_t)rows * (k + 1) / j->pieces);
    while (r0 < r1) {
      oct_conv_dims d;
      size_t io, oo;
      const int32_t end = oct_conv_row_slice(j->one, r0, r1, &d, &io, &oo);
      oct_x86_hybrid_rows(j->cd->hyb_plan, j->row, &d, j->row->q + io,
                          d.out_h * d.out_w, j->out + oo,
                          j->gemm + (size_t)k * j->stride);
      r0 = end;
    }
  }
}

/* The x86 hybrid conv over threads: each image quantized once, then its
 * output rows cut into one piece per thread. */
static void hybrid_threads(oct_ctx *ctx, const conv_data *cd, const float *in,
                           const float *bias, float *out, void *scratch,
                           int threads) {
  const oct_conv_dims *d = &cd->dims;
  const int64_t img = (int64_t)d->in_h * d->in_w * d->in_c;
  const size_t out_img = (size_t)d->out_h * (size_t)d->out_w * (size_t)d->out_c;
  oct_conv_dims one = *d;
  one.batch = 1;
  for (int32_t b = 0; b < d->batch; b++) {
    oct_x86_hybrid_row row;
    oct_x86_hybrid_image(cd->hyb_plan, &cd->hyb, bias, d->out_c, 0,
                         in + (size_t)b * (size_t)img, img, cd->act.lo,
                         cd->act.hi, scratch, &row);
    hybrid_job j = {cd, &row, &one, out + (size_t)b * out_img, row.gemm_scratch,
                    oct_x86_hybrid_gemm_stride(cd->hyb_plan), threads};
    oct_parallel_ranges(ctx, threads, 1, hybrid_pieces, &j);
  }
}
#endif

static oct_status eval(oct_ctx *ctx, oct_node *node) {
  const conv_data *cd = node->data;
  const oct_tensor *in = oct_input(ctx, node, 0);
  const oct_tensor *w = oct_input(ctx, node, 1);
  const oct_tensor *bias = oct_input(ctx, node, 2);
  oct_tensor *out = oct_output(ctx, node, 0);
  const void *b = bias ? bias->data : 0;
#if defined(__x86_64__)
  if (cd->hyb_plan && oct_ctx_threads(ctx) > 1 && cd->dims.out_h > 1) {
    hybrid_threads(ctx, cd, in->data, b, out->data,
                   oct_scratch(ctx, node, cd->hyb_scratch), oct_ctx_threads(ctx));
    return OCT_OK;
  }
#endif
  if (cd->hybrid) {
    cd->hybrid(&cd->dims, &cd->act, &cd->hyb, in->data,
               cd->hyb_plan ? cd->hyb_plan : w->data, b, out->data,
               oct_scratch(ctx, node, cd->hyb_scratch));
    return OCT_OK;
  }
#if defined(__x86_64__)
  if (cd->packed_s8) {
    /* The x86 8-bit kernels need a scratch block each: the rows are cut
     * into one piece per thread, piece k using block k. */
    const int threads = oct_ctx_threads(ctx) > 1 ? oct_ctx_threads(ctx) : 1;
    packed_job pj = {cd, in->type, in->data, b, out->data,
                     oct_scratch(ctx, node, cd->scratch_s8),
                     oct_x86_gemm_scratch_stride(cd->packed_s8), threads};
    if (threads == 1) packed_pieces(&pj, 0, 1);
    else oct_parallel_ranges(ctx, threads, 1, packed_pieces, &pj);
    return OCT_OK;
  }
#endif
  conv_job j = {cd, in->type, in->data, w->data, bias ? bias->data : 0,
                out->data};
  if (in->type == OCT_FLOAT32 && cd->w_f32) j.w = cd->w_f32;
  oct_parallel_ranges(ctx, cd->dims.batch * cd->dims.out_h, 1, conv_rows, &j);
  return OCT_OK;
}

const oct_op oct_op_conv_2d = {OCT_OP_CONV_2D, prepare, eval};
