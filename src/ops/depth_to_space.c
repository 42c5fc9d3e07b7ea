/*
 * DEPTH_TO_SPACE (NHWC, TFLite's DCR order): each input pixel's channels
 * become a block x block tile of output pixels. A 6-d transpose underneath.
 */
#include "shape_util.h"

#include "../kernels/ref/transform.h"

static oct_status d2s_prepare(oct_ctx *ctx, oct_node *node) {
  oct_status st = oct_shape_check_io(ctx, node, 1, 1, 1);
  if (st) return st;
  const oct_tensor *in = oct_input(ctx, node, 0);
  const oct_tensor *out = oct_output(ctx, node, 0);
  int32_t es = 0;
  st = oct_shape_same_type(ctx, node, in, out, &es);
  if (st) return st;
  if (in->rank != 4)
    return oct_fail(ctx, node, OCT_ERR_SHAPE, "input rank is %d, expected 4",
                    (int)in->rank);
  const int32_t bs = node->opts->block.block_size;
  if (bs < 1 || bs > 65535)
    return oct_fail(ctx, node, OCT_ERR_MODEL, "block_size %d is invalid",
                    (int)bs);
  const int64_t cells = (int64_t)bs * bs;
  if (in->dims[3] % cells != 0)
    return oct_fail(ctx, node, OCT_ERR_SHAPE,
                    "depth %d is not a multiple of block_size^2 = %lld",
                    (int)in->dims[3], (long long)cells);
  const int64_t oh = (int64_t)in->dims[1] * bs, ow = (int64_t)in->dims[2] * bs;
  if (oh > INT32_MAX || ow > INT32_MAX)
    return oct_fail(ctx, node, OCT_ERR_LIMIT, "output too large");
  const int32_t dims[4] = {in->dims[0], (int32_t)oh, (int32_t)ow,
                           (int32_t)(in->dims[3] / cells)};
  st = oct_check_output_shape(ctx, node, out, 4, dims);
  if (st) return st;
  oct_strided_copy_params p;
  oct_depth_to_space_params(in->dims[0], in->dims[1], in->dims[2], in->dims[3],
                            bs, es, &p);
  return oct_shape_set_strided(ctx, node, &p);
}

const oct_op oct_op_depth_to_space = {OCT_OP_DEPTH_TO_SPACE, d2s_prepare,
                                      oct_shape_eval_strided};
