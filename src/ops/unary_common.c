/* RELU/RELU6 and LOGISTIC/TANH prepare and eval; see unary_common.h. */
#include "unary_common.h"

#include "../kernels/ref/activations.h"
#include "ew_util.h"
#include "op_util.h"

oct_status oct_unary_io(oct_ctx *ctx, const oct_node *node, oct_tensor **in,
                        oct_tensor **out) {
  oct_status st = oct_ew_io(ctx, node, 1, 1, in, out);
  if (st) return st;
  if ((st = oct_ew_check_type(ctx, node, *out, (*in)->type, "output")))
    return st;
  return oct_ew_check_same_shape(ctx, node, *in, *out);
}

/* ---- RELU / RELU6 ---- */

typedef struct relu_data {
  oct_dtype type;
  float lo, hi;
  oct_relu_quant_params q;
} relu_data;

/* zp + round(x / scale) as TFLite's QuantizedReluX, saturated to int32
 * before conversion. */
static int32_t quantize_bound(float x, const oct_tensor *out) {
  const double q = (double)out->zero_point + (double)roundf(x / out->scale);
  return q < (double)INT32_MIN
             ? INT32_MIN
             : (q > (double)INT32_MAX ? INT32_MAX : (int32_t)q);
}

oct_status oct_relu_prepare(oct_ctx *ctx, oct_node *node, float lo, float hi) {
  oct_tensor *in, *out;
  oct_status st = oct_unary_io(ctx, node, &in, &out);
  if (st) return st;
  relu_data *d;
  if ((st = oct_op_data_alloc(ctx, node, sizeof *d, (void **)&d))) return st;
  d->type = in->type;
  d->lo = lo;
  d->hi = hi;
  node->kernel = "ref";
  if (in->type == OCT_FLOAT32) return OCT_OK;
  if (in->type != OCT_INT8 && in->type != OCT_UINT8 && in->type != OCT_INT16)
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED, "%s is not supported",
                    oct_ew_type(in->type));
  const int sym = in->type == OCT_INT16;
  if ((st = oct_ew_check_quant(ctx, node, in, "input", sym)) ||
      (st = oct_ew_check_quant(ctx, node, out, "output", sym)))
    return st;
  oct_relu_quant_params *p = &d->q;
  p->in_offset = in->zero_point;
  p->out_offset = out->zero_point;
  const float real = in->scale / out->scale; /* float, as TFLite */
  if ((st = oct_ew_multiplier(ctx, node, real, 1, 0, &p->mult, &p->shift)))
    return st;
  int32_t tmin = 0, tmax = 0;
  oct_type_range(in->type, &tmin, &tmax);
  const int32_t qlo = quantize_bound(lo, out);
  p->act_min = qlo > tmin ? qlo : tmin;
  if (hi == OCT_INFINITY) {
    p->act_max = tmax;
  } else {
    const int32_t qhi = quantize_bound(hi, out);
    p->act_max = qhi < tmax ? qhi : tmax;
  }
  return OCT_OK;
}

oct_status oct_relu_eval(oct_ctx *ctx, oct_node *node) {
  const relu_data *d = node->data;
  const oct_tensor *in = oct_input(ctx, node, 0);
  oct_tensor *out = oct_output(ctx, node, 0);
  const size_t n = (size_t)oct_tensor_elems(in);
  switch (d->type) {
    case OCT_FLOAT32:
      oct_clamp_f32_ref(d->lo, d->hi, n, in->data, out->data);
      break;
    case OCT_INT8:
      oct_relu_s8_ref(&d->q, n, in->data, out->data);
      break;
    case OCT_UINT8:
      oct_relu_u8_ref(&d->q, n, in->data, out->data);
      break;
    default:
      oct_relu_s16_ref(&d->q, n, in->data, out->data);
      break;
  }
  return OCT_OK;
}

/* ---- LOGISTIC / TANH ---- */

typedef enum sigmoid_mode {
  SIGMOID_F32,
  SIGMOID_LUT8,
  SIGMOID_S16_POT,
  SIGMOID_S16_GENERAL
} sigmoid_mode;

typedef struct sigmoid_data {
  int is_tanh;
  sigmoid_mode mode;
  int32_t mult, shift;
  uint8_t table[256];
} sigmoid_data;

static oct_status prepare_sigmoid_s16(oct_ctx *ctx, oct_node *node,
                                      sigmoid_data *d, const oct_tensor *in,
                                      const oct_tensor *out) {
  oct_status st;
  if ((st = oct_ew_check_quant(ctx, node, in, "input", 1)) ||
      (st = oct_ew_check_quant(ctx, node, out, "output", 1)))
    return st;
  int32_t lout = 0;
  if (!oct_ew_checked_log2(out->scale, &lout) || lout != -15 ||
      (!d->is_tanh && out->scale != 1.0f / 32768.0f))
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                    "int16 output scale must be 2^-15, is %g",
                    (double)out->scale);
  /* Q3.12 input, i.e. scale 2^-12, goes to gemmlowp's fixed-point
   * functions; TANH also takes 2^-11 with one saturating doubling. */
  int32_t lin = 0;
  const int pot = oct_ew_checked_log2(in->scale, &lin);
  const int32_t left_shift = 12 + lin;
  if (pot && (left_shift == 0 || (d->is_tanh && left_shift == 1))) {
    d->mode = SIGMOID_S16_POT;
    d->shift = left_shift;
    return OCT_OK;
  }
  /* Otherwise rescale to the table's 1/(3 * 4096) input step with an
   * integer multiplier in (2^14, 2^15], doubling while it is small. */
  double m = (double)in->scale * 4096.0 * 3.0;
  int32_t shift = 0;
  while (m <= 32767.0 / 2.0 && shift <= 30) {
    shift++;
    m *= 2.0;
  }
  if (!(m < 2147483648.0))
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                    "int16 input scale %g is too large", (double)in->scale);
  d->mode = SIGMOID_S16_GENERAL;
  d->mult = (int32_t)m;
  d->shift = shift;
  return OCT_OK;
}

oct_status oct_sigmoid_prepare(oct_ctx *ctx, oct_node *node, int is_tanh) {
  oct_tensor *in, *out;
  oct_status st = oct_unary_io(ctx, node, &in, &out);
  if (st) return st;
  sigmoid_data *d;
  if ((st = oct_op_data_alloc(ctx, node, sizeof *d, (void **)&d))) return st;
  d->is_tanh = is_tanh;
  node->kernel = "ref";
  switch (in->type) {
    case OCT_FLOAT32:
      d->mode = SIGMOID_F32;
      return OCT_OK;
    case OCT_INT8:
    case OCT_UINT8:
      if ((st = oct_ew_check_quant(ctx, node, in, "input", 0)) ||
          (st = oct_ew_check_quant(ctx, node, out, "output", 0)))
        return st;
      if (!is_tanh && out->scale != 1.0f / 256.0f)
        return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                        "8-bit LOGISTIC needs output scale 1/256, has %g",
                        (double)out->scale);
      d->mode = SIGMOID_LUT8;
      oct_lut8_populate(is_tanh ? oct_tanh_f : oct_logistic_f, in->scale,
                        in->zero_point, out->scale, out->zero_point,
                        in->type == OCT_INT8, d->table);
      node->kernel = "ref_lut";
      return OCT_OK;
    case OCT_INT16:
      return prepare_sigmoid_s16(ctx, node, d, in, out);
    default:
      return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED, "%s is not supported",
                      oct_ew_type(in->type));
  }
}

oct_status oct_sigmoid_eval(oct_ctx *ctx, oct_node *node) {
  const sigmoid_data *d = node->data;
  const oct_tensor *in = oct_input(ctx, node, 0);
  oct_tensor *out = oct_output(ctx, node, 0);
  const size_t n = (size_t)oct_tensor_elems(in);
  switch (d->mode) {
    case SIGMOID_F32:
      if (d->is_tanh)
        oct_tanh_f32_ref(n, in->data, out->data);
      else
        oct_logistic_f32_ref(n, in->data, out->data);
      break;
    case SIGMOID_LUT8:
      oct_lut8_ref(d->table, n, in->data, out->data);
      break;
    case SIGMOID_S16_POT:
      if (d->is_tanh)
        oct_tanh_s16_pot_ref(d->shift, n, in->data, out->data);
      else
        oct_logistic_s16_pot_ref(n, in->data, out->data);
      break;
    case SIGMOID_S16_GENERAL:
      if (d->is_tanh)
        oct_tanh_s16_ref(d->mult, d->shift, n, in->data, out->data);
      else
        oct_logistic_s16_ref(d->mult, d->shift, n, in->data, out->data);
      break;
  }
  return OCT_OK;
}
