/*
 * RESIZE_NEAREST_NEIGHBOR: picks one source pixel per output pixel, so it
 * moves elements of any fixed-size type unchanged.
 */
#include "resize_util.h"

static oct_status nearest_eval(oct_ctx *ctx, oct_node *node) {
  const oct_resize_data *d = (const oct_resize_data *)node->data;
  oct_resize_nearest_ref(&d->p, d->elem_size, oct_input(ctx, node, 0)->data,
                         oct_output(ctx, node, 0)->data);
  return OCT_OK;
}

const oct_op oct_op_resize_nearest_neighbor = {
    OCT_OP_RESIZE_NEAREST_NEIGHBOR, oct_resize_prepare, nearest_eval};
