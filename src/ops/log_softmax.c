/* LOG_SOFTMAX over the last axis, float32 (the converter emits no int8
 * LOG_SOFTMAX). */
#include "ew_util.h"
#include "op_util.h"
#include "unary_common.h"

#include "../kernels/ref/reduce_f32.h"

static oct_status prepare(oct_ctx *ctx, oct_node *node) {
  oct_tensor *in, *out;
  oct_status st = oct_unary_io(ctx, node, &in, &out);
  if (st) return st;
  if (in->type != OCT_FLOAT32)
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED, "%s input (float32 only)",
                    oct_ew_type(in->type));
  if (in->rank < 1) return oct_fail(ctx, node, OCT_ERR_SHAPE, "input is a scalar");
  node->kernel = "ref";
  return OCT_OK;
}

static oct_status eval(oct_ctx *ctx, oct_node *node) {
  const oct_tensor *in = oct_input(ctx, node, 0);
  const int32_t n = in->dims[in->rank - 1];
  if (n == 0) return OCT_OK;
  oct_log_softmax_f32_ref(oct_tensor_elems(in) / n, n, in->data,
                          oct_output(ctx, node, 0)->data);
  return OCT_OK;
}

const oct_op oct_op_log_softmax = {OCT_OP_LOG_SOFTMAX, prepare, eval};
