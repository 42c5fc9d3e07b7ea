/*
 * SPLIT_V: input 0 cut along the axis given by input 2 (a constant int32
 * scalar, negative counting from the end) into parts of the sizes in input
 * 1 (constant; at most one -1, which takes the rest). Same row copy as
 * SPLIT.
 */
#include "shape_util.h"

#include "../kernels/ref/transform.h"

typedef struct split_v_data {
  oct_concat_params p;
  void **out; /* filled at eval */
} split_v_data;

#define MAX_PARTS 256

static oct_status split_v_prepare(oct_ctx *ctx, oct_node *node) {
  if (node->n_in != 3 || node->n_out < 1)
    return oct_fail(ctx, node, OCT_ERR_MODEL, "has %d inputs and %d outputs",
                    (int)node->n_in, (int)node->n_out);
  const oct_tensor *in = oct_input(ctx, node, 0);
  if (!in) return oct_fail(ctx, node, OCT_ERR_MODEL, "input 0 is missing");
  if (in->rank < 1) return oct_fail(ctx, node, OCT_ERR_SHAPE, "input is a scalar");
  int64_t axis_v = 0;
  int32_t n = 0, axis = 0, es = 0;
  oct_status st =
      oct_shape_read_ints(ctx, node, oct_input(ctx, node, 2), "axis", 0, &axis_v, 1, &n);
  if (st) return st;
  if (n != 1) return oct_fail(ctx, node, OCT_ERR_SHAPE, "axis must be one value");
  if ((st = oct_shape_axis(ctx, node, axis_v, in->rank, "axis", &axis))) return st;
  if (node->n_out > MAX_PARTS)
    return oct_fail(ctx, node, OCT_ERR_LIMIT, "%d outputs", (int)node->n_out);
  int64_t sizes[MAX_PARTS];
  int32_t parts = 0;
  st = oct_shape_read_ints(ctx, node, oct_input(ctx, node, 1), "size_splits", 0, sizes,
                           MAX_PARTS, &parts);
  if (st) return st;
  if (parts != node->n_out)
    return oct_fail(ctx, node, OCT_ERR_MODEL, "%d size_splits but %d outputs",
                    (int)parts, (int)node->n_out);
  int64_t known = 0;
  int rest = -1;
  for (int32_t i = 0; i < parts; i++) {
    if (sizes[i] == -1 && rest < 0) {
      rest = i;
    } else if (sizes[i] < 0 || sizes[i] > in->dims[axis]) {
      return oct_fail(ctx, node, OCT_ERR_SHAPE, "size_splits[%d] = %lld is invalid",
                      (int)i, (long long)sizes[i]);
    } else {
      known += sizes[i];
    }
  }
  if (rest >= 0 && known <= in->dims[axis]) sizes[rest] = in->dims[axis] - known;
  int64_t total = 0;
  for (int32_t i = 0; i < parts; i++) total += sizes[i];
  if (total != in->dims[axis])
    return oct_fail(ctx, node, OCT_ERR_SHAPE,
                    "size_splits add up to %lld, dimension %d is %d", (long long)total,
                    (int)axis, (int)in->dims[axis]);

  split_v_data *d;
  st = oct_op_data_alloc(ctx, node, sizeof *d, (void **)&d);
  if (!st) st = oct_persistent_alloc(ctx, (size_t)parts * sizeof(int64_t), (void **)&d->p.chunk);
  if (!st) st = oct_persistent_alloc(ctx, (size_t)parts * sizeof(void *), (void **)&d->out);
  if (st) return st;
  int64_t outer = 1, inner = 1;
  for (int32_t a = 0; a < axis; a++) outer *= in->dims[a];
  for (int32_t a = axis + 1; a < in->rank; a++) inner *= in->dims[a];
  int64_t *chunk = (int64_t *)(void *)d->p.chunk;
  for (int32_t i = 0; i < parts; i++) {
    int32_t dims[OCT_MAX_RANK];
    for (int32_t a = 0; a < in->rank; a++) dims[a] = a == axis ? (int32_t)sizes[i] : in->dims[a];
    const oct_tensor *out = oct_output(ctx, node, i);
    st = oct_shape_same_type(ctx, node, in, out, &es);
    if (!st) st = oct_check_output_shape(ctx, node, out, in->rank, dims);
    if (st) return st;
    chunk[i] = sizes[i] * inner;
  }
  d->p.count = parts;
  d->p.outer = outer;
  d->p.elem_size = es;
  node->kernel = "ref";
  return OCT_OK;
}

static oct_status split_v_eval(oct_ctx *ctx, oct_node *node) {
  split_v_data *d = (split_v_data *)node->data;
  for (int i = 0; i < node->n_out; i++) d->out[i] = oct_output(ctx, node, i)->data;
  oct_split_ref(&d->p, oct_input(ctx, node, 0)->data, d->out);
  return OCT_OK;
}

const oct_op oct_op_split_v = {OCT_OP_SPLIT_V, split_v_prepare, split_v_eval};
