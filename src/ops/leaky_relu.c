/* LEAKY_RELU: x >= 0 ? x : alpha * x; quantized with one multiplier per
 * branch, as TFLite's QuantizeLeakyRelu. */
#include "../kernels/ref/activations.h"
#include "../kernels/ref/quant_math.h"
#include "ew_util.h"
#include "unary_common.h"

typedef struct leaky_data {
  oct_dtype type;
  float alpha;
  oct_leaky_relu_quant_params q;
} leaky_data;

static oct_status prepare(oct_ctx *ctx, oct_node *node) {
  oct_tensor *in, *out;
  oct_status st = oct_unary_io(ctx, node, &in, &out);
  if (st) return st;
  leaky_data *d;
  if ((st = oct_op_data_alloc(ctx, node, sizeof *d, (void **)&d))) return st;
  d->type = in->type;
  d->alpha = node->opts ? node->opts->leaky_relu.alpha : 0.0f;
  node->kernel = "ref";
  if (!oct_isfinite(d->alpha))
    return oct_fail(ctx, node, OCT_ERR_MODEL, "alpha is %g", (double)d->alpha);
  if (in->type == OCT_FLOAT32) return OCT_OK;
  if (in->type != OCT_INT8 && in->type != OCT_UINT8 && in->type != OCT_INT16)
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED, "%s is not supported",
                    oct_ew_type(in->type));
  const int sym = in->type == OCT_INT16;
  if ((st = oct_ew_check_quant(ctx, node, in, "input", sym)) ||
      (st = oct_ew_check_quant(ctx, node, out, "output", sym)))
    return st;
  oct_leaky_relu_quant_params *p = &d->q;
  p->in_offset = in->zero_point;
  p->out_offset = out->zero_point;
  /* float products, as TFLite computes them */
  const float identity = in->scale / out->scale;
  const float alpha_m = in->scale * d->alpha / out->scale;
  if ((st = oct_ew_multiplier(ctx, node, identity, 0, 0, &p->mult_identity,
                              &p->shift_identity)))
    return st;
  if (!oct_isfinite(alpha_m))
    return oct_fail(ctx, node, OCT_ERR_MODEL, "alpha multiplier is %g",
                    (double)alpha_m);
  /* A negative alpha gives a negative Q31 multiplier, which the rounding
   * multiply handles as TFLite's does. */
  int shift = 0;
  oct_quantize_multiplier(alpha_m, &p->mult_alpha, &shift);
  p->shift_alpha = shift;
  return OCT_OK;
}

static oct_status eval(oct_ctx *ctx, oct_node *node) {
  const leaky_data *d = node->data;
  const oct_tensor *in = oct_input(ctx, node, 0);
  oct_tensor *out = oct_output(ctx, node, 0);
  const size_t n = (size_t)oct_tensor_elems(in);
  switch (d->type) {
    case OCT_FLOAT32:
      oct_leaky_relu_f32_ref(d->alpha, n, in->data, out->data);
      break;
    case OCT_INT8:
      oct_leaky_relu_s8_ref(&d->q, n, in->data, out->data);
      break;
    case OCT_UINT8:
      oct_leaky_relu_u8_ref(&d->q, n, in->data, out->data);
      break;
    default:
      oct_leaky_relu_s16_ref(&d->q, n, in->data, out->data);
      break;
  }
  return OCT_OK;
}

const oct_op oct_op_leaky_relu = {OCT_OP_LEAKY_RELU, prepare, eval};
