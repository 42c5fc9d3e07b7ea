/*
 * ARG_MIN on float32 along a constant axis (input 1: one int32 or int64
 * value, negative counting from the end). Output int32 or int64 as the
 * options say; the first minimum wins ties (ONNX select_last_index=0).
 */
#include "shape_util.h"

#include "../kernels/ref/reduce_f32.h"

static oct_status argmin_prepare(oct_ctx *ctx, oct_node *node) {
  oct_status st = oct_shape_check_io(ctx, node, 2, 2, 1);
  if (st) return st;
  const oct_tensor *in = oct_input(ctx, node, 0);
  const oct_tensor *out = oct_output(ctx, node, 0);
  if (in->type != OCT_FLOAT32)
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED, "%s input (float32 only)",
                    oct_dtype_name(in->type));
  if (out->type != OCT_INT32 && out->type != OCT_INT64)
    return oct_fail(ctx, node, OCT_ERR_TYPE, "output is %s, expected int32 or int64",
                    oct_dtype_name(out->type));
  const oct_dtype want = node->opts ? node->opts->arg.output_type : out->type;
  if ((want == OCT_INT32 || want == OCT_INT64) && want != out->type)
    return oct_fail(ctx, node, OCT_ERR_TYPE, "options say %s, output is %s",
                    oct_dtype_name(want), oct_dtype_name(out->type));
  if (in->rank < 1) return oct_fail(ctx, node, OCT_ERR_SHAPE, "input is a scalar");
  int64_t axis_v = 0;
  int32_t n = 0, axis = 0;
  st = oct_shape_read_ints(ctx, node, oct_input(ctx, node, 1), "axis", 1, &axis_v, 1, &n);
  if (!st && n != 1) st = oct_fail(ctx, node, OCT_ERR_SHAPE, "axis must be one value");
  if (!st) st = oct_shape_axis(ctx, node, axis_v, in->rank, "axis", &axis);
  if (st) return st;
  int32_t dims[OCT_MAX_RANK], rank = 0;
  for (int32_t a = 0; a < in->rank; a++)
    if (a != axis) dims[rank++] = in->dims[a];
  if ((st = oct_check_output_shape(ctx, node, out, rank, dims))) return st;

  oct_arg_params *p;
  if ((st = oct_op_data_alloc(ctx, node, sizeof *p, (void **)&p))) return st;
  p->outer = 1;
  p->inner = 1;
  for (int32_t a = 0; a < axis; a++) p->outer *= in->dims[a];
  for (int32_t a = axis + 1; a < in->rank; a++) p->inner *= in->dims[a];
  p->axis = in->dims[axis];
  p->out_i64 = out->type == OCT_INT64;
  node->kernel = "ref";
  return OCT_OK;
}

static oct_status argmin_eval(oct_ctx *ctx, oct_node *node) {
  oct_argmin_f32_ref(node->data, oct_input(ctx, node, 0)->data,
                     oct_output(ctx, node, 0)->data);
  return OCT_OK;
}

const oct_op oct_op_arg_min = {OCT_OP_ARG_MIN, argmin_prepare, argmin_eval};
