/* SOFTMAX over the last axis, with beta; quantized as TFLite 2.9's built-in
 * kernels (tables built here, at prepare; see kernels/ref/softmax.h). */
#include "../kernels/ref/quant_math.h"
#include "../kernels/ref/softmax.h"
#include "ew_util.h"

typedef struct softmax_data {
  oct_dtype in_type, out_type;
  float beta;
  size_t outer, depth;
  oct_softmax_q8_params q8;
  oct_softmax_s16_params s16;
} softmax_data;

static oct_status prepare_q8(oct_ctx *ctx, oct_node *node, softmax_data *d,
                             const oct_tensor *in, const oct_tensor *out) {
  oct_status st;
  if ((st = oct_ew_check_quant(ctx, node, in, "input", 0)) ||
      (st = oct_ew_check_quant(ctx, node, out, "output", 0)))
    return st;
  if (out->type == OCT_INT8 &&
      (out->zero_point != -128 ||
       fabsf(out->scale - 1.0f / 256.0f) > 0.001f / 256.0f))
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                    "int8 output must be quantized (1/256, -128), is (%g, %d)",
                    (double)out->scale, (int)out->zero_point);
  float *table;
  if ((st = oct_persistent_alloc(ctx, 256 * sizeof *table, (void **)&table)))
    return st;
  oct_softmax_q8_populate(in->scale, d->beta, table);
  d->q8.table = table;
  d->q8.out_scale = out->scale;
  d->q8.out_zero_point = out->zero_point;
  return OCT_OK;
}

static oct_status prepare_s16(oct_ctx *ctx, oct_node *node, softmax_data *d,
                              const oct_tensor *in, const oct_tensor *out) {
  oct_status st;
  if ((st = oct_ew_check_quant(ctx, node, in, "input", 1)) ||
      (st = oct_ew_check_quant(ctx, node, out, "output", 1)))
    return st;
  if (fabsf(out->scale - 1.0f / 32768.0f) > 0.001f / 32768.0f)
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                    "int16 output scale must be 1/32768, is %g",
                    (double)out->scale);
  /* The Q16.15 sum of up to `depth` values below 2^15 must fit in int32. */
  if (d->depth > 65535)
    return oct_fail(ctx, node, OCT_ERR_LIMIT,
                    "int16 softmax over %zu elements (at most 65535)",
                    d->depth);
  int16_t *luts;
  if ((st = oct_persistent_alloc(
           ctx, 2 * OCT_SOFTMAX_S16_LUT_SIZE * sizeof *luts, (void **)&luts)))
    return st;
  oct_softmax_s16_populate(luts, luts + OCT_SOFTMAX_S16_LUT_SIZE);
  d->s16.exp_lut = luts;
  d->s16.one_over_one_plus_x = luts + OCT_SOFTMAX_S16_LUT_SIZE;
  /* beta * s_in (in float) rescaled so that [-65535, 0] spans [-10, 0] */
  const float beta_scale = in->scale * d->beta;
  const double m = (double)beta_scale / (10.0 / 65535.0);
  if (!oct_isfinite(m))
    return oct_fail(ctx, node, OCT_ERR_MODEL, "beta * input scale is %g", m);
  /* a negative beta gives a negative multiplier, handled as TFLite does */
  int shift = 0;
  oct_quantize_multiplier(m, &d->s16.in_mult, &shift);
  d->s16.in_shift = shift;
  return OCT_OK;
}

static oct_status prepare(oct_ctx *ctx, oct_node *node) {
  oct_tensor *in, *out;
  oct_status st = oct_ew_io(ctx, node, 1, 1, &in, &out);
  if (st) return st;
  if ((st = oct_ew_check_same_shape(ctx, node, in, out))) return st;
  softmax_data *d;
  if ((st = oct_op_data_alloc(ctx, node, sizeof *d, (void **)&d))) return st;
  d->in_type = in->type;
  d->out_type = out->type;
  d->beta = node->opts ? node->opts->softmax.beta : 1.0f;
  node->kernel = "ref";
  if (in->rank < 1)
    return oct_fail(ctx, node, OCT_ERR_SHAPE, "input '%s' is a scalar",
                    in->name);
  d->depth = (size_t)in->dims[in->rank - 1];
  d->outer = d->depth ? (size_t)oct_tensor_elems(in) / d->depth : 0;
  if (!oct_isfinite(d->beta))
    return oct_fail(ctx, node, OCT_ERR_MODEL, "beta is %g", (double)d->beta);

  const oct_dtype ti = in->type, to = out->type;
  if (ti == OCT_FLOAT32 && to == OCT_FLOAT32) return OCT_OK;
  const int q8 =
      (ti == OCT_INT8 || ti == OCT_UINT8) && (to == ti || to == OCT_INT16);
  if (!q8 && !(ti == OCT_INT16 && to == OCT_INT16))
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED, "%s -> %s is not supported",
                    oct_ew_type(ti), oct_ew_type(to));
  return q8 ? prepare_q8(ctx, node, d, in, out)
            : prepare_s16(ctx, node, d, in, out);
}

static oct_status eval(oct_ctx *ctx, oct_node *node) {
  const softmax_data *d = node->data;
  const oct_tensor *in = oct_input(ctx, node, 0);
  oct_tensor *out = oct_output(ctx, node, 0);
  const size_t r = d->outer, c = d->depth;
  switch (d->in_type) {
    case OCT_FLOAT32:
      oct_softmax_f32_ref(d->beta, r, c, in->data, out->data);
      break;
    case OCT_INT8:
      if (d->out_type == OCT_INT8)
        oct_softmax_s8_ref(&d->q8, r, c, in->data, out->data);
      else
        oct_softmax_s8_s16_ref(&d->q8, r, c, in->data, out->data);
      break;
    case OCT_UINT8:
      if (d->out_type == OCT_UINT8)
        oct_softmax_u8_ref(&d->q8, r, c, in->data, out->data);
      else
        oct_softmax_u8_s16_ref(&d->q8, r, c, in->data, out->data);
      break;
    default:
      oct_softmax_s16_ref(&d->s16, r, c, in->data, out->data);
      break;
  }
  return OCT_OK;
}

const oct_op oct_op_softmax = {OCT_OP_SOFTMAX, prepare, eval};
