/*
 * SPLIT: input 1 cut into num_splits equal parts along the axis given by
 * input 0 (a constant int32 scalar, negative counting from the end). The
 * reverse of concatenation's row copy.
 */
#include "shape_util.h"

#include "../kernels/ref/transform.h"

typedef struct split_data {
  oct_concat_params p;
  void **out; /* filled at eval */
} split_data;

static oct_status split_prepare(oct_ctx *ctx, oct_node *node) {
  if (node->n_in != 2 || node->n_out < 1)
    return oct_fail(ctx, node, OCT_ERR_MODEL, "has %d inputs and %d outputs",
                    (int)node->n_in, (int)node->n_out);
  const oct_tensor *in = oct_input(ctx, node, 1);
  if (!in) return oct_fail(ctx, node, OCT_ERR_MODEL, "input 1 is missing");
  int64_t axis_v = 0;
  int32_t n = 0, axis = 0, es = 0;
  oct_status st = oct_shape_read_ints(ctx, node, oct_input(ctx, node, 0),
                                      "axis", 0, &axis_v, 1, &n);
  if (st) return st;
  if (n != 1)
    return oct_fail(ctx, node, OCT_ERR_SHAPE, "axis must be one value");
  st = oct_shape_axis(ctx, node, axis_v, in->rank, "axis", &axis);
  if (st) return st;
  const int32_t parts = node->opts->split.num_splits;
  if (parts != node->n_out)
    return oct_fail(ctx, node, OCT_ERR_MODEL, "num_splits %d but %d outputs",
                    (int)parts, (int)node->n_out);
  if (in->dims[axis] % parts != 0)
    return oct_fail(ctx, node, OCT_ERR_SHAPE,
                    "dimension %d (%d) does not split into %d parts", (int)axis,
                    (int)in->dims[axis], (int)parts);
  int32_t dims[OCT_MAX_RANK];
  for (int32_t a = 0; a < in->rank; a++)
    dims[a] = a == axis ? in->dims[a] / parts : in->dims[a];
  for (int i = 0; i < node->n_out; i++) {
    const oct_tensor *out = oct_output(ctx, node, i);
    st = oct_shape_same_type(ctx, node, in, out, &es);
    if (!st) st = oct_check_output_shape(ctx, node, out, in->rank, dims);
    if (st) return st;
  }

  split_data *d;
  const size_t cnt = (size_t)parts;
  st = oct_op_data_alloc(ctx, node, sizeof *d, (void **)&d);
  if (!st)
    st = oct_persistent_alloc(ctx, cnt * sizeof(int64_t), (void **)&d->p.chunk);
  if (!st)
    st = oct_persistent_alloc(ctx, cnt * sizeof(void *), (void **)&d->out);
  if (st) return st;
  int64_t outer = 1, inner = 1;
  for (int32_t a = 0; a < axis; a++) outer *= in->dims[a];
  for (int32_t a = axis + 1; a < in->rank; a++) inner *= in->dims[a];
  int64_t *chunk = (int64_t *)(void *)d->p.chunk;
  for (int32_t i = 0; i < parts; i++) chunk[i] = (int64_t)dims[axis] * inner;
  d->p.count = parts;
  d->p.outer = outer;
  d->p.elem_size = es;
  node->kernel = "ref";
  return OCT_OK;
}

static oct_status split_eval(oct_ctx *ctx, oct_node *node) {
  split_data *d = (split_data *)node->data;
  for (int i = 0; i < node->n_out; i++)
    d->out[i] = oct_output(ctx, node, i)->data;
  oct_split_ref(&d->p, oct_input(ctx, node, 1)->data, d->out);
  return OCT_OK;
}

const oct_op oct_op_split = {OCT_OP_SPLIT, split_prepare, split_eval};
