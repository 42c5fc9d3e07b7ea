/* Shared prepare-time rules of the hybrid ops; see hybrid_common.h. */
#include "hybrid_common.h"

#include "op_util.h"

oct_status oct_hybrid_prepare(oct_ctx *ctx, oct_node *node,
                              const oct_tensor *in, const oct_tensor *w,
                              const oct_tensor *bias, const oct_tensor *out,
                              int32_t channels, int w_axis, int32_t rows,
                              int64_t row_len, int asymmetric,
                              oct_hybrid_params *h, int *scratch) {
  if (out->type != OCT_FLOAT32)
    return oct_fail(ctx, node, OCT_ERR_TYPE,
                    "output '%s' is %s; a hybrid op (float32 input, int8 "
                    "weights) writes float32",
                    out->name, oct_dtype_name(out->type));
  if (bias && bias->type != OCT_FLOAT32)
    return oct_fail(ctx, node, OCT_ERR_TYPE,
                    "bias '%s' is %s; a hybrid op takes a float32 bias",
                    bias->name, oct_dtype_name(bias->type));
  if (bias && oct_tensor_elems(bias) != channels)
    return oct_fail(ctx, node, OCT_ERR_SHAPE,
                    "bias '%s' has %lld elements for %d output channels",
                    bias->name, (long long)oct_tensor_elems(bias),
                    (int)channels);
  if (w->q_count < 1)
    return oct_fail(ctx, node, OCT_ERR_MODEL,
                    "int8 weights '%s' have no quantization parameters",
                    w->name);
  if (w->q_count > 1 && (w->q_count != channels || w->q_dim != w_axis))
    return oct_fail(ctx, node, OCT_ERR_MODEL,
                    "weights '%s' have %d scales along axis %d; expected 1, "
                    "or %d along axis %d",
                    w->name, (int)w->q_count, (int)w->q_dim, (int)channels,
                    w_axis);
  void *mem = 0;
  oct_status st =
      oct_persistent_alloc(ctx, sizeof(float) * (size_t)channels, &mem);
  if (st) return st;
  float *ws = mem;
  for (int32_t c = 0; c < channels; c++) {
    const int i = w->q_count > 1 ? (int)c : 0;
    const float s = oct_tensor_scale(w, i);
    if (!oct_isfinite(s) || !(s > 0.0f))
      return oct_fail(ctx, node, OCT_ERR_MODEL,
                      "weights '%s' scale %d is %g; it must be positive",
                      w->name, i, (double)s);
    if (oct_tensor_zero_point(w, i) != 0)
      return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                      "hybrid weights '%s' have zero point %d; only "
                      "symmetric int8 weights are supported",
                      w->name, (int)oct_tensor_zero_point(w, i));
    ws[c] = s;
  }
  h->w_scale = ws;
  h->asymmetric = asymmetric != 0;
  const uint64_t bytes = (uint64_t)rows * (uint64_t)row_len;
  if (rows <= 0 || row_len <= 0 || bytes > (uint64_t)SIZE_MAX / 2)
    return oct_fail(ctx, node, OCT_ERR_LIMIT, "input '%s' is too large",
                    in->name);
  return oct_scratch_request(ctx, node, oct_hybrid_scratch_bytes(rows, row_len),
                             scratch);
}
