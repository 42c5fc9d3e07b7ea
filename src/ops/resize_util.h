/*
 * What RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR share: the prepare
 * (input 1 is the constant output size [new_h, new_w]; the two flags; the
 * output shape) and the op data. The coordinate math itself is shared in
 * kernels/ref/resize.c.
 */
#ifndef OCT_OPS_RESIZE_UTIL_H
#define OCT_OPS_RESIZE_UTIL_H

#include "op_api.h"
#include "../kernels/ref/resize.h"

typedef struct oct_resize_data {
  oct_resize_params p;
  oct_dtype type;
  int32_t elem_size;
} oct_resize_data;

/* Validates the node and fills its oct_resize_data. The caller has checked
 * the element type. */
oct_status oct_resize_prepare(oct_ctx *ctx, oct_node *node);

#endif /* OCT_OPS_RESIZE_UTIL_H */
