/* SUM / REDUCE_MAX float32 prepare and eval; see reduce_f32_common.h. */
#include "reduce_f32_common.h"

#include "../kernels/ref/reduce_f32.h"
#include "shape_util.h"

typedef struct reduce_f32_data {
  int is_max;
  oct_reduce_f32_params p;
} reduce_f32_data;

oct_status oct_reduce_f32_prepare(oct_ctx *ctx, oct_node *node, int is_max) {
  oct_status st = oct_shape_check_io(ctx, node, 2, 2, 1);
  if (st) return st;
  const oct_tensor *in = oct_input(ctx, node, 0);
  const oct_tensor *out = oct_output(ctx, node, 0);
  if (in->type != OCT_FLOAT32 || out->type != OCT_FLOAT32)
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                    "%s input, %s output (float32 only)", oct_dtype_name(in->type),
                    oct_dtype_name(out->type));
  int64_t axes[OCT_MAX_RANK * 4];
  int32_t n_axes = 0;
  st = oct_shape_read_ints(ctx, node, oct_input(ctx, node, 1), "axis", 0, axes,
                           OCT_MAX_RANK * 4, &n_axes);
  if (st) return st;
  uint32_t mask = 0;
  for (int32_t i = 0; i < n_axes; i++) {
    int32_t a = 0;
    if ((st = oct_shape_axis(ctx, node, axes[i], in->rank, "axis", &a))) return st;
    mask |= 1u << a;
  }
  const int keep = node->opts ? node->opts->reducer.keep_dims : 0;
  int32_t dims[OCT_MAX_RANK], rank = 0;
  for (int32_t a = 0; a < in->rank; a++) {
    if (!(mask & (1u << a)))
      dims[rank++] = in->dims[a];
    else if (keep)
      dims[rank++] = 1;
  }
  if ((st = oct_check_output_shape(ctx, node, out, rank, dims))) return st;

  reduce_f32_data *d;
  if ((st = oct_op_data_alloc(ctx, node, sizeof *d, (void **)&d))) return st;
  d->is_max = is_max;
  d->p.rank = in->rank;
  d->p.out_count = 1;
  /* Row-major strides of the kept axes, from the last one back. */
  for (int32_t a = in->rank - 1; a >= 0; a--) {
    d->p.dims[a] = in->dims[a];
    if (mask & (1u << a)) {
      d->p.out_stride[a] = 0;
    } else {
      d->p.out_stride[a] = d->p.out_count;
      d->p.out_count *= in->dims[a];
    }
  }
  node->kernel = "ref";
  return OCT_OK;
}

oct_status oct_reduce_f32_eval(oct_ctx *ctx, oct_node *node) {
  const reduce_f32_data *d = node->data;
  const float *in = oct_input(ctx, node, 0)->data;
  float *out = oct_output(ctx, node, 0)->data;
  if (d->is_max)
    oct_reduce_max_f32_ref(&d->p, in, out);
  else
    oct_reduce_sum_f32_ref(&d->p, in, out);
  return OCT_OK;
}
