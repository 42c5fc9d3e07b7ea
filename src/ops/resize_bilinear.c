/*
 * RESIZE_BILINEAR for float32, uint8, int8 and int16. Quantized values are
 * interpolated as stored (input and output share quantization in every
 * model the converter writes; TFLite does not rescale either). Which
 * arithmetic each type uses, and why, is in kernels/ref/resize.h.
 */
#include "resize_util.h"

static oct_status bilinear_prepare(oct_ctx *ctx, oct_node *node) {
  const oct_tensor *in = oct_input(ctx, node, 0);
  if (in && in->type != OCT_FLOAT32 && in->type != OCT_UINT8 &&
      in->type != OCT_INT8 && in->type != OCT_INT16)
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED, "%s input",
                    oct_dtype_name(in->type));
  return oct_resize_prepare(ctx, node);
}

static oct_status bilinear_eval(oct_ctx *ctx, oct_node *node) {
  const oct_resize_data *d = (const oct_resize_data *)node->data;
  const void *in = oct_input(ctx, node, 0)->data;
  void *out = oct_output(ctx, node, 0)->data;
  switch (d->type) {
    case OCT_FLOAT32:
      oct_resize_bilinear_f32_ref(&d->p, in, out);
      break;
    case OCT_UINT8:
      oct_resize_bilinear_u8_ref(&d->p, in, out);
      break;
    case OCT_INT8:
      oct_resize_bilinear_s8_ref(&d->p, in, out);
      break;
    default:
      oct_resize_bilinear_s16_ref(&d->p, in, out);
      break;
  }
  return OCT_OK;
}

const oct_op oct_op_resize_bilinear = {OCT_OP_RESIZE_BILINEAR, bilinear_prepare,
                                       bilinear_eval};
