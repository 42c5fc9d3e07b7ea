/* Shared prepare of the resize ops; see resize_util.h. */
#include "resize_util.h"

#include "shape_util.h"

oct_status oct_resize_prepare(oct_ctx *ctx, oct_node *node) {
  oct_status st = oct_shape_check_io(ctx, node, 2, 2, 1);
  if (st) return st;
  const oct_tensor *in = oct_input(ctx, node, 0);
  const oct_tensor *out = oct_output(ctx, node, 0);
  int32_t es = 0;
  st = oct_shape_same_type(ctx, node, in, out, &es);
  if (st) return st;
  if (in->rank != 4)
    return oct_fail(ctx, node, OCT_ERR_SHAPE, "input rank %d, expected 4",
                    (int)in->rank);
  const oct_resize_options *o = &node->opts->resize;
  if (o->align_corners && o->half_pixel_centers)
    return oct_fail(ctx, node, OCT_ERR_MODEL,
                    "align_corners and half_pixel_centers are both set");
  int64_t size[2];
  int32_t n = 0;
  st = oct_shape_read_ints(ctx, node, oct_input(ctx, node, 1), "size", 0, size,
                           2, &n);
  if (st) return st;
  if (n != 2 || size[0] < 1 || size[1] < 1)
    return oct_fail(ctx, node, OCT_ERR_SHAPE,
                    "size must be two positive values");
  const int32_t dims[4] = {in->dims[0], (int32_t)size[0], (int32_t)size[1],
                           in->dims[3]};
  st = oct_check_output_shape(ctx, node, out, 4, dims);
  if (st) return st;
  if (in->q_count > 0 || out->q_count > 0) {
    st = oct_shape_per_tensor(ctx, node, in);
    if (!st) st = oct_shape_per_tensor(ctx, node, out);
    if (st) return st;
  }

  oct_resize_data *d;
  st = oct_op_data_alloc(ctx, node, sizeof *d, (void **)&d);
  if (st) return st;
  d->type = in->type;
  d->elem_size = es;
  d->p.batch = in->dims[0];
  d->p.in_h = in->dims[1];
  d->p.in_w = in->dims[2];
  d->p.channels = in->dims[3];
  d->p.out_h = dims[1];
  d->p.out_w = dims[2];
  d->p.align_corners = o->align_corners != 0;
  d->p.half_pixel_centers = o->half_pixel_centers != 0;
  node->kernel = "ref";
  return OCT_OK;
}
