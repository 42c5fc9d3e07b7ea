/*
 * SPACE_TO_DEPTH (NHWC): each block x block tile of input pixels becomes
 * one output pixel whose channels are (dy * block + dx) * c + k, the
 * inverse of DEPTH_TO_SPACE. A 6-d transpose underneath.
 */
#include "shape_util.h"

#include "../kernels/ref/transform.h"

static oct_status s2d_prepare(oct_ctx *ctx, oct_node *node) {
  oct_status st = oct_shape_check_io(ctx, node, 1, 1, 1);
  if (st) return st;
  const oct_tensor *in = oct_input(ctx, node, 0);
  const oct_tensor *out = oct_output(ctx, node, 0);
  int32_t es = 0;
  if ((st = oct_shape_same_type(ctx, node, in, out, &es))) return st;
  if (in->rank != 4)
    return oct_fail(ctx, node, OCT_ERR_SHAPE, "input rank is %d, expected 4",
                    (int)in->rank);
  const int32_t bs = node->opts ? node->opts->block.block_size : 0;
  if (bs < 1 || bs > 65535)
    return oct_fail(ctx, node, OCT_ERR_MODEL, "block_size %d is invalid", (int)bs);
  if (in->dims[1] % bs || in->dims[2] % bs)
    return oct_fail(ctx, node, OCT_ERR_SHAPE,
                    "height %d and width %d are not multiples of block_size %d",
                    (int)in->dims[1], (int)in->dims[2], (int)bs);
  const int64_t oc = (int64_t)in->dims[3] * bs * bs;
  if (oc > INT32_MAX) return oct_fail(ctx, node, OCT_ERR_LIMIT, "output too large");
  const int32_t oh = in->dims[1] / bs, ow = in->dims[2] / bs;
  const int32_t dims[4] = {in->dims[0], oh, ow, (int32_t)oc};
  if ((st = oct_check_output_shape(ctx, node, out, 4, dims))) return st;
  /* Input read as [n, oh, dy, ow, dx, c], output as [n, oh, ow, dy, dx, c]. */
  const int32_t view[6] = {in->dims[0], oh, bs, ow, bs, in->dims[3]};
  const int32_t perm[6] = {0, 1, 3, 2, 4, 5};
  oct_strided_copy_params p;
  oct_transpose_params(6, view, perm, es, &p);
  return oct_shape_set_strided(ctx, node, &p);
}

const oct_op oct_op_space_to_depth = {OCT_OP_SPACE_TO_DEPTH, s2d_prepare,
                                      oct_shape_eval_strided};
