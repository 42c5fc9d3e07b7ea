/*
 * ARG_MAX along a constant axis (input 1: one int32 or int64 value,
 * negative counting from the end). Output int32 or int64 as the options
 * say; the first maximum wins ties.
 */
#include "shape_util.h"

#include "../kernels/ref/reduce.h"

typedef struct argmax_data {
  oct_arg_params p;
  oct_dtype type;
} argmax_data;

static oct_status argmax_prepare(oct_ctx *ctx, oct_node *node) {
  oct_status st = oct_shape_check_io(ctx, node, 2, 2, 1);
  if (st) return st;
  const oct_tensor *in = oct_input(ctx, node, 0);
  const oct_tensor *out = oct_output(ctx, node, 0);
  switch (in->type) {
    case OCT_FLOAT32:
    case OCT_UINT8:
    case OCT_INT8:
    case OCT_INT16:
    case OCT_INT32:
    case OCT_INT64:
    case OCT_BOOL:
      break;
    default:
      return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED, "%s input",
                      oct_dtype_name(in->type));
  }
  if (out->type != OCT_INT32 && out->type != OCT_INT64)
    return oct_fail(ctx, node, OCT_ERR_TYPE,
                    "output is %s, expected int32 or int64",
                    oct_dtype_name(out->type));
  const oct_dtype want = node->opts->arg.output_type;
  if ((want == OCT_INT32 || want == OCT_INT64) && want != out->type)
    return oct_fail(ctx, node, OCT_ERR_TYPE, "options say %s, output is %s",
                    oct_dtype_name(want), oct_dtype_name(out->type));
  if (in->rank < 1)
    return oct_fail(ctx, node, OCT_ERR_SHAPE, "input is a scalar");
  int64_t axis_v = 0;
  int32_t n = 0, axis = 0;
  st = oct_shape_read_ints(ctx, node, oct_input(ctx, node, 1), "axis", 1,
                           &axis_v, 1, &n);
  if (!st && n != 1)
    st = oct_fail(ctx, node, OCT_ERR_SHAPE, "axis must be one value");
  if (!st) st = oct_shape_axis(ctx, node, axis_v, in->rank, "axis", &axis);
  if (st) return st;
  int32_t dims[OCT_MAX_RANK], rank = 0;
  for (int32_t a = 0; a < in->rank; a++)
    if (a != axis) dims[rank++] = in->dims[a];
  st = oct_check_output_shape(ctx, node, out, rank, dims);
  if (st) return st;

  argmax_data *d;
  st = oct_op_data_alloc(ctx, node, sizeof *d, (void **)&d);
  if (st) return st;
  d->type = in->type;
  d->p.outer = 1;
  d->p.inner = 1;
  for (int32_t a = 0; a < axis; a++) d->p.outer *= in->dims[a];
  for (int32_t a = axis + 1; a < in->rank; a++) d->p.inner *= in->dims[a];
  d->p.axis = in->dims[axis];
  d->p.out_i64 = out->type == OCT_INT64;
  node->kernel = "ref";
  return OCT_OK;
}

static oct_status argmax_eval(oct_ctx *ctx, oct_node *node) {
  const argmax_data *d = (const argmax_data *)node->data;
  const void *in = oct_input(ctx, node, 0)->data;
  void *out = oct_output(ctx, node, 0)->data;
  switch (d->type) {
    case OCT_FLOAT32:
      oct_argmax_f32_ref(&d->p, in, out);
      break;
    case OCT_UINT8:
      oct_argmax_u8_ref(&d->p, in, out);
      break;
    case OCT_INT8:
      oct_argmax_s8_ref(&d->p, in, out);
      break;
    case OCT_INT16:
      oct_argmax_s16_ref(&d->p, in, out);
      break;
    case OCT_INT32:
      oct_argmax_s32_ref(&d->p, in, out);
      break;
    case OCT_INT64:
      oct_argmax_s64_ref(&d->p, in, out);
      break;
    default:
      oct_argmax_bool_ref(&d->p, in, out);
      break;
  }
  return OCT_OK;
}

const oct_op oct_op_arg_max = {OCT_OP_ARG_MAX, argmax_prepare, argmax_eval};
