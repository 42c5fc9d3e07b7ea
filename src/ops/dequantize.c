/* DEQUANTIZE: int8/uint8 (per tensor or per channel), int16 and float16 to
 * float32. */
#include "../kernels/ref/quantize.h"
#include "ew_util.h"
#include "op_util.h"

typedef struct dequantize_data {
  oct_dtype in_type;
  oct_affine_params aff;
  /* per channel (int8/uint8 only): copied out of the model at prepare */
  int per_channel;
  oct_per_channel_dims dims;
  float *scales;
  int32_t *zero_points;
} dequantize_data;

static oct_status prepare_per_channel(oct_ctx *ctx, oct_node *node,
                                      dequantize_data *d,
                                      const oct_tensor *in) {
  const int32_t axis = in->q_dim;
  if (axis < 0 || axis >= in->rank || in->dims[axis] != in->q_count)
    return oct_fail(ctx, node, OCT_ERR_MODEL,
                    "input '%s' has %d scales for axis %d", in->name,
                    (int)in->q_count, (int)axis);
  if (in->q_zp_count != 0 && in->q_zp_count != in->q_count)
    return oct_fail(ctx, node, OCT_ERR_MODEL,
                    "input '%s' has %d scales but %d zero points", in->name,
                    (int)in->q_count, (int)in->q_zp_count);
  oct_status st;
  const size_t c = (size_t)in->q_count;
  if ((st = oct_persistent_alloc(ctx, c * sizeof *d->scales,
                                 (void **)&d->scales)) ||
      (st = oct_persistent_alloc(ctx, c * sizeof *d->zero_points,
                                 (void **)&d->zero_points)))
    return st;
  int32_t lo = 0, hi = 0;
  oct_type_range(in->type, &lo, &hi);
  for (size_t k = 0; k < c; k++) {
    d->scales[k] = oct_tensor_scale(in, (int)k);
    d->zero_points[k] = oct_tensor_zero_point(in, (int)k);
    if (!oct_isfinite(d->scales[k]) || d->zero_points[k] < lo ||
        d->zero_points[k] > hi)
      return oct_fail(ctx, node, OCT_ERR_MODEL,
                      "input '%s' channel %zu has scale %g, zero point %d",
                      in->name, k, (double)d->scales[k],
                      (int)d->zero_points[k]);
  }
  d->per_channel = 1;
  d->dims.outer = d->dims.inner = 1;
  for (int32_t i = 0; i < axis; i++) d->dims.outer *= (size_t)in->dims[i];
  for (int32_t i = axis + 1; i < in->rank; i++)
    d->dims.inner *= (size_t)in->dims[i];
  d->dims.channels = c;
  return OCT_OK;
}

static oct_status prepare_params(oct_ctx *ctx, oct_node *node,
                                 dequantize_data *d, const oct_tensor *in);
static void run(const dequantize_data *d, const oct_tensor *in,
                oct_tensor *out);

static oct_status prepare(oct_ctx *ctx, oct_node *node) {
  oct_tensor *in, *out;
  oct_status st = oct_ew_io(ctx, node, 1, 1, &in, &out);
  if (st) return st;
  if ((st = oct_ew_check_same_shape(ctx, node, in, out)) ||
      (st = oct_ew_check_type(ctx, node, out, OCT_FLOAT32, "output")))
    return st;
  dequantize_data *d;
  if ((st = oct_op_data_alloc(ctx, node, sizeof *d, (void **)&d))) return st;
  d->in_type = in->type;
  node->kernel = "ref";
  if ((st = prepare_params(ctx, node, d, in))) return st;
  if (in->is_const && in->data && !out->is_variable && !out->is_io) {
    /* Constant weights (float16 / weights-int8 files): expand once into
     * persistent memory, so invoke costs what the float model costs and
     * consumers see a constant float tensor at their prepare. */
    void *buf;
    if ((st = oct_persistent_alloc(ctx, out->bytes, &buf))) return st;
    out->data = buf;
    run(d, in, out);
    out->is_const = 1;
    node->folded = 1;
    node->kernel = "folded";
  }
  return OCT_OK;
}

static oct_status prepare_params(oct_ctx *ctx, oct_node *node,
                                 dequantize_data *d, const oct_tensor *in) {
  oct_status st;
  switch (in->type) {
    case OCT_FLOAT16:
      return OCT_OK;
    case OCT_INT8:
    case OCT_UINT8:
      if (in->q_count > 1) return prepare_per_channel(ctx, node, d, in);
      break;
    case OCT_INT16:
      break;
    default:
      return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                      "%s input is not supported", oct_ew_type(in->type));
  }
  /* TFLite 2.9 takes int16 only with zero point 0 */
  if ((st = oct_ew_check_quant(ctx, node, in, "input", in->type == OCT_INT16)))
    return st;
  d->aff.scale = in->scale;
  d->aff.zero_point = in->zero_point;
  return OCT_OK;
}

static oct_status eval(oct_ctx *ctx, oct_node *node) {
  if (node->folded) return OCT_OK;
  run(node->data, oct_input(ctx, node, 0), oct_output(ctx, node, 0));
  return OCT_OK;
}

static void run(const dequantize_data *d, const oct_tensor *in,
                oct_tensor *out) {
  const size_t n = (size_t)oct_tensor_elems(in);
  float *y = out->data;
  switch (d->in_type) {
    case OCT_FLOAT16:
      oct_dequantize_f16_f32_ref(n, in->data, y);
      break;
    case OCT_INT8:
      if (d->per_channel)
        oct_dequantize_pc_s8_f32_ref(&d->dims, d->scales, d->zero_points,
                                     in->data, y);
      else
        oct_dequantize_s8_f32_ref(&d->aff, n, in->data, y);
      break;
    case OCT_UINT8:
      if (d->per_channel)
        oct_dequantize_pc_u8_f32_ref(&d->dims, d->scales, d->zero_points,
                                     in->data, y);
      else
        oct_dequantize_u8_f32_ref(&d->aff, n, in->data, y);
      break;
    default:
      oct_dequantize_s16_f32_ref(&d->aff, n, in->data, y);
      break;
  }
}

const oct_op oct_op_dequantize = {OCT_OP_DEQUANTIZE, prepare, eval};
