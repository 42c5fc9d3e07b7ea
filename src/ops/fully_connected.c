/*
 * FULLY_CONNECTED: inputs (input of any rank, weights [OC, D], optional bias
 * [OC]), output [B, OC] with B = elements(input) / D, or with
 * keep_num_dims the input's shape with its last dimension (== D) replaced
 * by OC. float32, int8 (per-tensor or per-channel weights along axis 0),
 * uint8 (per-tensor, asymmetric weights) and int16x8.
 *
 * Hybrid (float32 input and output, int8 weights, float32 bias; what
 * `--quantize dynamic` writes) quantizes each input row on the fly,
 * symmetric or, with asymmetric_quantize_inputs, with a zero point
 * (src/kernels/ref/hybrid.h).
 *
 * Not supported: the shuffled uint8 weights format.
 */
#include "../kernels/ref/fully_connected.h"
#if defined(__aarch64__)
#include "../kernels/arm/arm_kernels.h"
#endif
#include "conv_common.h"
#include "hybrid_common.h"
#include "../kernels/x86/f32_select.h"
#include "op_parallel.h"
#include "op_util.h"
#if defined(__x86_64__)
#include "../kernels/x86/x86_select.h"
#endif

typedef struct fc_data {
  oct_fc_dims dims;
  oct_act_f32 act;
  oct_requant rq;
  const int64_t *bias64; /* widened int32 bias of a 16x8 op, or NULL */
  oct_fc_f32_fn f32;
  oct_fc_s8_fn s8;
  oct_fc_u8_fn u8;
  oct_fc_s16_fn s16;
  const void *packed_s8; /* optimized 8-bit variant's plan, or NULL */
  int scratch_s8;
  oct_fc_hybrid_fn hybrid;
  oct_hybrid_params hyb;
  int hyb_scratch;
  const void *hyb_plan; /* the x86 hybrid kernel's packed weights, or NULL */
  const float *w_f32; /* packed weights of the f32 kernel, or NULL */
  /* How the weights the kernel reads may be cut by output channel (for
   * threads when there are fewer rows than threads): pieces start at
   * multiples of split_align channels, and the piece at channel c reads
   * weights from element (c / split_align) * split_w_stride on. A kernel
   * with packed weights that cannot be cut sets split_align to 0. */
  int32_t split_align;
  size_t split_w_stride;
} fc_data;

/*
 * TFLite resizes FULLY_CONNECTED's output at prepare, so what a file
 * declares is not always what TFLite computes: some converters write
 * [.., OC] shapes of the same size. The data layout is the same whenever
 * the last dimension is OC and the element count matches, so accept that.
 */
static oct_status check_output(oct_ctx *ctx, const oct_node *node,
                               const oct_tensor *in, const oct_tensor *out,
                               const oct_fc_dims *d, int keep_num_dims) {
  int32_t shape[OCT_MAX_RANK];
  int rank = 2;
  shape[0] = d->batch;
  shape[1] = d->out_c;
  if (keep_num_dims) {
    rank = in->rank;
    for (int i = 0; i < rank; i++) shape[i] = in->dims[i];
    shape[rank - 1] = d->out_c;
  }
  const int same_layout = out->rank >= 1 &&
                          out->dims[out->rank - 1] == d->out_c &&
                          oct_tensor_elems(out) == (int64_t)d->batch * d->out_c;
  if (same_layout) return OCT_OK;
  return oct_check_output_shape(ctx, node, out, rank, shape);
}

static oct_status prepare(oct_ctx *ctx, oct_node *node) {
  const oct_fc_options *opt = &node->opts->fc;
  if (node->n_in < 2 || node->n_in > 3 || node->n_out != 1)
    return oct_fail(ctx, node, OCT_ERR_MODEL,
                    "expects 2 or 3 inputs and 1 output, has %d and %d",
                    (int)node->n_in, (int)node->n_out);
  if (opt->weights_format != 0)
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                    "weights format %d (shuffled) is not supported",
                    (int)opt->weights_format);
  const oct_tensor *in = oct_input(ctx, node, 0);
  const oct_tensor *w = oct_input(ctx, node, 1);
  const oct_tensor *bias = oct_input(ctx, node, 2);
  const oct_tensor *out = oct_output(ctx, node, 0);
  if (!in || !w || !out)
    return oct_fail(ctx, node, OCT_ERR_MODEL, "input or weights are missing");
  if (w->rank != 2 || in->rank < 1)
    return oct_fail(ctx, node, OCT_ERR_SHAPE,
                    "weights '%s' must be rank 2 (rank %d), input '%s' at "
                    "least rank 1",
                    w->name, (int)w->rank, in->name);
  const int hybrid = oct_is_hybrid(in, w);
  oct_status st =
      hybrid ? OCT_OK : oct_conv_check_types(ctx, node, in, w, bias, out);
  if (!st) st = oct_conv_check_act(ctx, node, opt->act);
  if (st) return st;

  fc_data *fd = 0;
  st = oct_op_data_alloc(ctx, node, sizeof *fd, (void **)&fd);
  if (st) return st;
  oct_fc_dims *d = &fd->dims;
  d->out_c = w->dims[0];
  d->depth = w->dims[1];
  const int64_t n = oct_tensor_elems(in);
  if (n % d->depth != 0 || n / d->depth > INT32_MAX)
    return oct_fail(ctx, node, OCT_ERR_SHAPE,
                    "input '%s' has %lld elements, not rows of the weights' "
                    "depth %d",
                    in->name, (long long)n, (int)d->depth);
  d->batch = (int32_t)(n / d->depth);
  if (opt->keep_num_dims && in->dims[in->rank - 1] != d->depth)
    return oct_fail(ctx, node, OCT_ERR_SHAPE,
                    "keep_num_dims needs the last dimension of input '%s' "
                    "(%d) to equal the weights' depth %d",
                    in->name, (int)in->dims[in->rank - 1], (int)d->depth);
  st = check_output(ctx, node, in, out, d, opt->keep_num_dims);
  if (st) return st;
  if (hybrid) {
    oct_act_range_f32(opt->act, &fd->act.lo, &fd->act.hi);
    fd->hybrid = oct_fc_hybrid_ref;
    node->kernel = "hybrid_ref";
    st = oct_hybrid_prepare(ctx, node, in, w, bias, out, d->out_c, 0,
                            d->batch, d->depth, opt->asymmetric_quantize_inputs,
                            &fd->hyb, &fd->hyb_scratch);
#if defined(__x86_64__)
    if (!st)
      st = oct_x86_select_fc_hybrid(ctx, node, d, w, fd->hyb_scratch,
                                    &fd->hybrid, &fd->hyb_plan);
#endif
    return st;
  }
  st = oct_conv_bias_prepare(ctx, node, in, bias, d->out_c, &fd->bias64);
  if (st) return st;

  switch (in->type) {
    case OCT_FLOAT32:
      oct_act_range_f32(opt->act, &fd->act.lo, &fd->act.hi);
      fd->f32 = oct_fc_f32_ref;
      break;
    case OCT_INT8:
      fd->s8 = oct_fc_s8_ref;
      break;
    case OCT_UINT8:
      fd->u8 = oct_fc_u8_ref;
      break;
    default:
      fd->s16 = oct_fc_s16_ref;
      break;
  }
  if (in->type != OCT_FLOAT32) {
    st = oct_conv_quant_prepare(ctx, node, OCT_CONV_KIND_FC, in, w, out,
                                d->out_c, opt->act, &fd->rq);
    if (st) return st;
  }
  node->kernel = "ref";
#if defined(__x86_64__)
  if (in->type == OCT_INT8) {
    st = oct_x86_select_fc_s8(ctx, node, d, &fd->rq, w, bias, &fd->s8,
                              &fd->packed_s8, &fd->scratch_s8);
    if (st) return st;
  } else if (in->type == OCT_UINT8) {
    st = oct_x86_select_fc_u8(ctx, node, d, &fd->rq, w, bias, &fd->u8,
                              &fd->packed_s8, &fd->scratch_s8);
    if (st) return st;
  }
#endif
#if defined(__aarch64__)
  if (in->type == OCT_INT8 && oct_ctx_kernels(ctx) == OCT_KERNELS_BEST)
    oct_arm_select_fc_s8(&fd->dims, &fd->s8, &node->kernel);
#endif
  fd->split_align = 16;
  fd->split_w_stride = (size_t)16 * (size_t)d->depth;
#if defined(__x86_64__)
  if (in->type == OCT_FLOAT32)
    st = oct_fc_f32_x86_select(ctx, node, d, w, bias, &fd->f32, &fd->w_f32,
                               &fd->split_align, &fd->split_w_stride);
#endif
  return st;
}

typedef struct fc_job {
  const fc_data *fd;
  oct_dtype type;
  const void *in, *w, *b;
  void *out;
} fc_job;

/* Rows [r0, r1) of the batch, output channels [c0, c0 + d->out_c). */
static void fc_run(const fc_job *j, const oct_fc_dims *d, int32_t r0,
                   int32_t c0) {
  const fc_data *fd = j->fd;
  const size_t io = (size_t)r0 * (size_t)fd->dims.depth;
  const size_t oo = (size_t)r0 * (size_t)fd->dims.out_c + (size_t)c0;
  const size_t wo = c0 ? (size_t)(c0 / fd->split_align) * fd->split_w_stride : 0;
  oct_requant rq = fd->rq;
  if (c0 && j->type != OCT_FLOAT32) {
    rq.mult += c0;
    rq.shift += c0;
  }
  switch (j->type) {
    case OCT_FLOAT32:
      fd->f32(d, &fd->act, (const float *)j->in + io, (const float *)j->w + wo,
              j->b ? (const float *)j->b + c0 : 0, (float *)j->out + oo, 0);
      break;
    case OCT_INT8:
      fd->s8(d, &rq, (const int8_t *)j->in + io, (const int8_t *)j->w + wo,
             j->b ? (const int32_t *)j->b + c0 : 0, (int8_t *)j->out + oo, 0);
      break;
    case OCT_UINT8:
      fd->u8(d, &rq, (const uint8_t *)j->in + io, (const uint8_t *)j->w + wo,
             j->b ? (const int32_t *)j->b + c0 : 0, (uint8_t *)j->out + oo, 0);
      break;
    default:
      fd->s16(d, &rq, (const int16_t *)j->in + io, (const int8_t *)j->w + wo,
              fd->bias64 ? fd->bias64 + c0
                         : (j->b ? (const int64_t *)j->b + c0 : 0),
              (int16_t *)j->out + oo, 0);
      break;
  }
}

static void fc_rows(void *arg, int32_t r0, int32_t r1) {
  const fc_job *j = arg;
  oct_fc_dims d = j->fd->dims;
  d.batch = r1 - r0;
  fc_run(j, &d, r0, 0);
}

/* Output channels [c0, c1) of every row, one row at a time (the output
 * rows of a piece are not contiguous). */
static void fc_channels(void *arg, int32_t c0, int32_t c1) {
  const fc_job *j = arg;
  oct_fc_dims d = j->fd->dims;
  d.batch = 1;
  d.out_c = c1 - c0;
  for (int32_t r = 0; r < j->fd->dims.batch; r++) fc_run(j, &d, r, c0);
}

#if defined(__x86_64__)
typedef struct fc_tiles_job {
  const fc_data *fd;
  const void *in;
  void *out;
  uint8_t *scratch;
  size_t stride; /* bytes of one piece's scratch block */
  int pieces;
} fc_tiles_job;

static void fc_tile_pieces(void *arg, int32_t k0, int32_t k1) {
  const fc_tiles_job *j = arg;
  const int32_t tiles = oct_x86_fc_tiles(j->fd->packed_s8);
  for (int32_t k = k0; k < k1; k++)
    oct_x86_fc_tiles_run(&j->fd->dims, &j->fd->rq, j->in, j->fd->packed_s8,
                         j->out, j->scratch + (size_t)k * j->stride,
                         (int32_t)((int64_t)tiles * k / j->pieces),
                         (int32_t)((int64_t)tiles * (k + 1) / j->pieces));
}
#endif

static oct_status eval(oct_ctx *ctx, oct_node *node) {
  const fc_data *fd = node->data;
  const oct_tensor *in = oct_input(ctx, node, 0);
  const oct_tensor *w = oct_input(ctx, node, 1);
  const oct_tensor *bias = oct_input(ctx, node, 2);
  oct_tensor *out = oct_output(ctx, node, 0);
  const void *b = bias ? bias->data : 0;
  if (fd->hybrid) {
    fd->hybrid(&fd->dims, &fd->act, &fd->hyb, in->data,
               fd->hyb_plan ? fd->hyb_plan : w->data, b, out->data,
               oct_scratch(ctx, node, fd->hyb_scratch));
    return OCT_OK;
  }
#if defined(__x86_64__)
  const int nthreads = oct_ctx_threads(ctx);
  if (fd->packed_s8 && nthreads > 1 && fd->dims.batch < nthreads &&
      oct_x86_fc_tiles(fd->packed_s8) >= nthreads) {
    /* A small batch: the output channels' N tiles are cut into one piece
     * per thread, piece k using scratch block k (prepare sized one per
     * thread). */
    fc_tiles_job tj = {fd, in->data, out->data,
                       oct_scratch(ctx, node, fd->scratch_s8),
                       oct_x86_gemm_scratch_stride(fd->packed_s8), nthreads};
    oct_parallel_ranges(ctx, nthreads, 1, fc_tile_pieces, &tj);
    return OCT_OK;
  }
#endif
  if (fd->packed_s8) {
    /* The x86 8-bit kernels work on their packed plan with one scratch
     * block: one piece, on this thread. */
    if (in->type == OCT_INT8)
      fd->s8(&fd->dims, &fd->rq, in->data,
             fd->packed_s8, b, out->data,
             oct_scratch(ctx, node, fd->scratch_s8));
    else
      fd->u8(&fd->dims, &fd->rq, in->data,
             fd->packed_s8, b, out->data,
             oct_scratch(ctx, node, fd->scratch_s8));
    return OCT_OK;
  }
  fc_job j = {fd, in->type, in->data, w->data, bias ? bias->data : 0,
              out->data};
  if (in->type == OCT_FLOAT32 && fd->w_f32) j.w = fd->w_f32;
  const int threads = oct_ctx_threads(ctx);
  if (threads > 1 && fd->dims.batch < threads && fd->split_align > 0)
    oct_parallel_ranges(ctx, fd->dims.out_c, fd->split_align, fc_channels, &j);
  else
    oct_parallel_ranges(ctx, fd->dims.batch, 1, fc_rows, &j);
  return OCT_OK;
}

const oct_op oct_op_fully_connected = {OCT_OP_FULLY_CONNECTED, prepare, eval};
