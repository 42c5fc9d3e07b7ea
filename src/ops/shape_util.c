/* Shared prepare-time checks of the shape ops; see shape_util.h. */
#include "shape_util.h"

#include "../kernels/ref/transform.h"

oct_status oct_shape_read_ints(oct_ctx *ctx, const oct_node *node,
                               const oct_tensor *t, const char *what,
                               int allow_i64, int64_t *vals, int32_t max_count,
                               int32_t *count) {
  if (!t) return oct_fail(ctx, node, OCT_ERR_MODEL, "missing %s input", what);
  if (t->type != OCT_INT32 && !(allow_i64 && t->type == OCT_INT64))
    return oct_fail(ctx, node, OCT_ERR_TYPE, "%s '%s' is %s, expected int32%s",
                    what, t->name, oct_dtype_name(t->type),
                    allow_i64 ? " or int64" : "");
  if (!t->is_const || !t->data)
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                    "%s '%s' is computed at run time; octet needs it constant "
                    "so that output shapes are static",
                    what, t->name);
  const int64_t n = oct_tensor_elems(t);
  if (n > max_count)
    return oct_fail(ctx, node, OCT_ERR_SHAPE,
                    "%s '%s' has %lld values, at most %d", what, t->name,
                    (long long)n, (int)max_count);
  const size_t es = t->type == OCT_INT64 ? 8 : 4;
  if (t->bytes < (size_t)n * es)
    return oct_fail(ctx, node, OCT_ERR_MODEL, "%s '%s' is truncated", what,
                    t->name);
  const uint8_t *p = (const uint8_t *)t->data;
  for (int64_t i = 0; i < n; i++)
    vals[i] = es == 8 ? (int64_t)oct_load_u64(p + 8 * i)
                      : (int64_t)oct_load_i32(p + 4 * i);
  *count = (int32_t)n;
  return OCT_OK;
}

oct_status oct_shape_check_io(oct_ctx *ctx, const oct_node *node, int n_in_min,
                              int n_in_max, int n_out) {
  if (node->n_in < n_in_min || node->n_in > n_in_max)
    return oct_fail(ctx, node, OCT_ERR_MODEL, "has %d inputs, expected %d..%d",
                    (int)node->n_in, n_in_min, n_in_max);
  for (int i = 0; i < n_in_min; i++)
    if (!oct_input(ctx, node, i))
      return oct_fail(ctx, node, OCT_ERR_MODEL, "input %d is missing", i);
  if (node->n_out != n_out)
    return oct_fail(ctx, node, OCT_ERR_MODEL, "has %d outputs, expected %d",
                    (int)node->n_out, n_out);
  return OCT_OK;
}

oct_status oct_shape_same_type(oct_ctx *ctx, const oct_node *node,
                               const oct_tensor *in, const oct_tensor *out,
                               int32_t *elem_size) {
  if (in->type != out->type)
    return oct_fail(
        ctx, node, OCT_ERR_TYPE, "input is %s but output '%s' is %s",
        oct_dtype_name(in->type), out->name, oct_dtype_name(out->type));
  const size_t es = oct_dtype_size(in->type);
  if (es == 0 || es > 8)
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                    "%s tensors are not supported", oct_dtype_name(in->type));
  *elem_size = (int32_t)es;
  return OCT_OK;
}

oct_status oct_shape_same_quant(oct_ctx *ctx, const oct_node *node,
                                const oct_tensor *a, const oct_tensor *b) {
  if (a->scale != b->scale || a->zero_point != b->zero_point)
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                    "'%s' q(%g, %d) and '%s' q(%g, %d) must share quantization",
                    a->name, (double)a->scale, (int)a->zero_point, b->name,
                    (double)b->scale, (int)b->zero_point);
  return OCT_OK;
}

oct_status oct_shape_axis(oct_ctx *ctx, const oct_node *node, int64_t axis,
                          int32_t rank, const char *what, int32_t *out) {
  const int64_t a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank)
    return oct_fail(ctx, node, OCT_ERR_SHAPE,
                    "%s %lld is out of range for rank %d", what,
                    (long long)axis, (int)rank);
  *out = (int32_t)a;
  return OCT_OK;
}

oct_status oct_shape_per_tensor(oct_ctx *ctx, const oct_node *node,
                                const oct_tensor *t) {
  if (t->q_count > 1)
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                    "'%s' is quantized per channel; this op needs per-tensor",
                    t->name);
  return OCT_OK;
}

oct_status oct_shape_prepare_alias(oct_ctx *ctx, oct_node *node) {
  const oct_tensor *in = oct_input(ctx, node, 0);
  const oct_tensor *out = oct_output(ctx, node, 0);
  int32_t es = 0;
  oct_status st = oct_shape_same_type(ctx, node, in, out, &es);
  if (st) return st;
  if (oct_tensor_elems(in) != oct_tensor_elems(out) || in->bytes != out->bytes)
    return oct_fail(ctx, node, OCT_ERR_SHAPE,
                    "input has %lld elements but output '%s' has %lld",
                    (long long)oct_tensor_elems(in), out->name,
                    (long long)oct_tensor_elems(out));
  return OCT_OK;
}

oct_status oct_shape_eval_alias(oct_ctx *ctx, oct_node *node) {
  const oct_tensor *in = oct_input(ctx, node, 0);
  oct_tensor *out = oct_output(ctx, node, 0);
  if (out->data != in->data) oct_memmove(out->data, in->data, out->bytes);
  return OCT_OK;
}

oct_status oct_shape_set_strided(oct_ctx *ctx, oct_node *node,
                                 const oct_strided_copy_params *p) {
  oct_strided_copy_params *d;
  oct_status st = oct_op_data_alloc(ctx, node, sizeof *d, (void **)&d);
  if (st) return st;
  *d = *p;
  oct_strided_copy_simplify(d);
  node->kernel = "ref";
  return OCT_OK;
}

oct_status oct_shape_eval_strided(oct_ctx *ctx, oct_node *node) {
  const oct_tensor *in = oct_input(ctx, node, 0);
  oct_tensor *out = oct_output(ctx, node, 0);
  oct_strided_copy_ref((const oct_strided_copy_params *)node->data, in->data,
                       out->data);
  return OCT_OK;
}

void oct_shape_slice_params(const oct_tensor *in, const int32_t *starts,
                            const int32_t *counts, const int32_t *steps,
                            int32_t elem_size, oct_strided_copy_params *p) {
  int64_t stride = 1;
  p->rank = in->rank;
  p->start = 0;
  p->elem_size = elem_size;
  for (int32_t a = in->rank - 1; a >= 0; a--) {
    p->dims[a] = counts[a];
    p->step[a] = (int64_t)steps[a] * stride;
    p->start += (int64_t)starts[a] * stride;
    stride *= in->dims[a];
  }
}
