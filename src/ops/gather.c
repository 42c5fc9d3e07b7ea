/*
 * GATHER along one axis (batch_dims 0): out = params[..., indices, ...],
 * output shape params[:axis] + indices + params[axis+1:]. Any element type
 * (the copy is by bytes); indices int32 or int64, each in [0, dim) - TFLite
 * refuses others at eval, and so does octet, naming the index.
 */
#include "shape_util.h"

#include "../runtime/oct_libc.h"

typedef struct gather_data {
  int64_t outer, inner_bytes, n_idx;
  int32_t dim, idx64;
} gather_data;

static oct_status gather_prepare(oct_ctx *ctx, oct_node *node) {
  oct_status st = oct_shape_check_io(ctx, node, 2, 2, 1);
  if (st) return st;
  const oct_tensor *in = oct_input(ctx, node, 0);
  const oct_tensor *idx = oct_input(ctx, node, 1);
  const oct_tensor *out = oct_output(ctx, node, 0);
  int32_t es = 0;
  if ((st = oct_shape_same_type(ctx, node, in, out, &es))) return st;
  if (idx->type != OCT_INT32 && idx->type != OCT_INT64)
    return oct_fail(ctx, node, OCT_ERR_TYPE, "indices are %s, expected int32 or int64",
                    oct_dtype_name(idx->type));
  if (node->opts && node->opts->gather.batch_dims != 0)
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED, "batch_dims %d is not supported",
                    (int)node->opts->gather.batch_dims);
  if (in->rank < 1) return oct_fail(ctx, node, OCT_ERR_SHAPE, "input is a scalar");
  int32_t axis = 0;
  if ((st = oct_shape_axis(ctx, node, node->opts ? node->opts->gather.axis : 0, in->rank,
                           "axis", &axis)))
    return st;
  if (axis + idx->rank + (in->rank - axis - 1) > OCT_MAX_RANK)
    return oct_fail(ctx, node, OCT_ERR_LIMIT, "output rank above %d", OCT_MAX_RANK);
  int32_t dims[OCT_MAX_RANK], rank = 0;
  for (int32_t a = 0; a < axis; a++) dims[rank++] = in->dims[a];
  for (int32_t a = 0; a < idx->rank; a++) dims[rank++] = idx->dims[a];
  for (int32_t a = axis + 1; a < in->rank; a++) dims[rank++] = in->dims[a];
  if ((st = oct_check_output_shape(ctx, node, out, rank, dims))) return st;
  gather_data *d;
  if ((st = oct_op_data_alloc(ctx, node, sizeof *d, (void **)&d))) return st;
  d->outer = 1;
  d->inner_bytes = es;
  for (int32_t a = 0; a < axis; a++) d->outer *= in->dims[a];
  for (int32_t a = axis + 1; a < in->rank; a++) d->inner_bytes *= in->dims[a];
  d->n_idx = oct_tensor_elems(idx);
  d->dim = in->dims[axis];
  d->idx64 = idx->type == OCT_INT64;
  node->kernel = "ref";
  return OCT_OK;
}

static oct_status gather_eval(oct_ctx *ctx, oct_node *node) {
  const gather_data *d = node->data;
  const uint8_t *in = oct_input(ctx, node, 0)->data;
  const void *idx = oct_input(ctx, node, 1)->data;
  uint8_t *out = oct_output(ctx, node, 0)->data;
  /* Check every index first, so a bad one leaves no partial output. */
  for (int64_t i = 0; i < d->n_idx; i++) {
    const int64_t v = d->idx64 ? ((const int64_t *)idx)[i] : ((const int32_t *)idx)[i];
    if (v < 0 || v >= d->dim)
      return oct_fail(ctx, node, OCT_ERR_EVAL, "index %lld at %lld is outside [0, %d)",
                      (long long)v, (long long)i, (int)d->dim);
  }
  for (int64_t o = 0; o < d->outer; o++) {
    const uint8_t *src = in + o * d->dim * d->inner_bytes;
    for (int64_t i = 0; i < d->n_idx; i++) {
      const int64_t v = d->idx64 ? ((const int64_t *)idx)[i] : ((const int32_t *)idx)[i];
      oct_memcpy(out, src + v * d->inner_bytes, (size_t)d->inner_bytes);
      out += d->inner_bytes;
    }
  }
  return OCT_OK;
}

const oct_op oct_op_gather = {OCT_OP_GATHER, gather_prepare, gather_eval};
