/* HARD_SWISH: x * relu6(x + 3) / 6; quantized with TFLite's 16-bit
 * fixed-point reference (reference_ops::HardSwish). */
#include "../kernels/ref/activations.h"
#include "../kernels/ref/quant_math.h"
#include "ew_util.h"
#include "unary_common.h"

typedef struct hard_swish_data {
  oct_dtype type;
  oct_hard_swish_params q;
} hard_swish_data;

/* Q31 multiplier rounded to Q15 (TFLite DownScaleInt32ToInt16Multiplier). */
static int16_t q31_to_q15(int32_t m) {
  if (m >= INT32_MAX - (1 << 15)) return INT16_MAX;
  return (int16_t)((m + (1 << 15)) >> 16);
}

static oct_status prepare(oct_ctx *ctx, oct_node *node) {
  oct_tensor *in, *out;
  oct_status st = oct_unary_io(ctx, node, &in, &out);
  if (st) return st;
  hard_swish_data *d;
  if ((st = oct_op_data_alloc(ctx, node, sizeof *d, (void **)&d))) return st;
  d->type = in->type;
  node->kernel = "ref";
  if (in->type == OCT_FLOAT32) return OCT_OK;
  if (in->type != OCT_INT8 && in->type != OCT_UINT8)
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED, "%s is not supported",
                    oct_ew_type(in->type));
  if ((st = oct_ew_check_quant(ctx, node, in, "input", 0)) ||
      (st = oct_ew_check_quant(ctx, node, out, "output", 0)))
    return st;
  oct_hard_swish_params *p = &d->q;
  p->in_zero_point = in->zero_point;
  p->out_zero_point = out->zero_point;
  /* All in float, as TFLite's HardSwishPrepare: the input on a 2^7 finer
   * scale, and the scale on which 3.0 is 32768. */
  const float hires_scale = (1.0f / 128.0f) * in->scale;
  const float out_m = hires_scale / out->scale;
  const float reluish_m = hires_scale / (3.0f / 32768.0f);
  int32_t q = 0, shift = 0;
  if ((st = oct_ew_multiplier(ctx, node, out_m, 0, 1, &q, &shift))) return st;
  p->out_mult = q31_to_q15(q);
  p->out_shift = shift;
  if ((st = oct_ew_multiplier(ctx, node, reluish_m, 0, 0, &q, &shift)))
    return st;
  p->reluish_mult = q31_to_q15(q);
  p->reluish_shift = shift;
  return OCT_OK;
}

static oct_status eval(oct_ctx *ctx, oct_node *node) {
  const hard_swish_data *d = node->data;
  const oct_tensor *in = oct_input(ctx, node, 0);
  oct_tensor *out = oct_output(ctx, node, 0);
  const size_t n = (size_t)oct_tensor_elems(in);
  if (d->type == OCT_FLOAT32)
    oct_hard_swish_f32_ref(n, in->data, out->data);
  else if (d->type == OCT_INT8)
    oct_hard_swish_s8_ref(&d->q, n, in->data, out->data);
  else
    oct_hard_swish_u8_ref(&d->q, n, in->data, out->data);
  return OCT_OK;
}

const oct_op oct_op_hard_swish = {OCT_OP_HARD_SWISH, prepare, eval};
