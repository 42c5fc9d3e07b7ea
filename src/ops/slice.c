/*
 * SLICE: a box of `size` elements from `begin` (both constant; size -1
 * means "to the end"). Shares STRIDED_SLICE's strided copy.
 */
#include "shape_util.h"

#include "../kernels/ref/transform.h"

static oct_status slice_prepare(oct_ctx *ctx, oct_node *node) {
  oct_status st = oct_shape_check_io(ctx, node, 3, 3, 1);
  if (st) return st;
  const oct_tensor *in = oct_input(ctx, node, 0);
  const oct_tensor *out = oct_output(ctx, node, 0);
  int32_t es = 0;
  st = oct_shape_same_type(ctx, node, in, out, &es);
  if (st) return st;
  int64_t begin[OCT_MAX_RANK], size[OCT_MAX_RANK];
  int32_t nb = 0, ns = 0;
  st = oct_shape_read_ints(ctx, node, oct_input(ctx, node, 1), "begin", 1,
                           begin, OCT_MAX_RANK, &nb);
  if (!st)
    st = oct_shape_read_ints(ctx, node, oct_input(ctx, node, 2), "size", 1,
                             size, OCT_MAX_RANK, &ns);
  if (st) return st;
  if (nb != in->rank || ns != in->rank)
    return oct_fail(ctx, node, OCT_ERR_SHAPE,
                    "begin and size have %d and %d entries for rank %d",
                    (int)nb, (int)ns, (int)in->rank);
  int32_t starts[OCT_MAX_RANK], counts[OCT_MAX_RANK], steps[OCT_MAX_RANK];
  for (int32_t a = 0; a < in->rank; a++) {
    const int64_t dim = in->dims[a];
    const int64_t count = size[a] == -1 ? dim - begin[a] : size[a];
    if (begin[a] < 0 || begin[a] >= dim || count < 1 || count > dim - begin[a])
      return oct_fail(ctx, node, OCT_ERR_SHAPE,
                      "axis %d: begin %lld size %lld do not fit dimension %lld",
                      (int)a, (long long)begin[a], (long long)size[a],
                      (long long)dim);
    starts[a] = (int32_t)begin[a];
    counts[a] = (int32_t)count;
    steps[a] = 1;
  }
  st = oct_check_output_shape(ctx, node, out, in->rank, counts);
  if (st) return st;
  oct_strided_copy_params p;
  oct_shape_slice_params(in, starts, counts, steps, es, &p);
  return oct_shape_set_strided(ctx, node, &p);
}

const oct_op oct_op_slice = {OCT_OP_SLICE, slice_prepare,
                             oct_shape_eval_strided};
