/* The interpreter side of src/ops/op_api.h. */
#include "interp.h"

oct_tensor *oct_input(oct_ctx *ctx, const oct_node *node, int i) {
  if (i < 0 || i >= node->n_in || node->in[i] < 0) return 0;
  return &ctx->it->tensors[node->in[i]];
}

oct_tensor *oct_output(oct_ctx *ctx, const oct_node *node, int i) {
  if (i < 0 || i >= node->n_out) return 0;
  return &ctx->it->tensors[node->out[i]];
}

oct_status oct_persistent_alloc(oct_ctx *ctx, size_t bytes, void **out) {
  struct oct_interp *it = ctx->it;
  if (!it->preparing) {
    *out = 0;
    return oct_set_error(it, OCT_ERR_INTERNAL,
                         "persistent memory requested outside prepare");
  }
  return oct_arena_take(it, bytes ? bytes : 1, out);
}

oct_status oct_op_data_alloc(oct_ctx *ctx, oct_node *node, size_t bytes,
                             void **out) {
  oct_status st = oct_persistent_alloc(ctx, bytes, out);
  if (!st) node->data = *out;
  return st;
}

oct_status oct_scratch_request(oct_ctx *ctx, oct_node *node, size_t bytes,
                               int *index) {
  struct oct_interp *it = ctx->it;
  if (!it->preparing || node->scratch_count >= OCT_SCRATCH_PER_NODE)
    return oct_fail(ctx, node, OCT_ERR_INTERNAL, "too many scratch buffers");
  if (bytes > OCT_MAX_TENSOR_BYTES)
    return oct_fail(ctx, node, OCT_ERR_LIMIT, "scratch of %zu bytes", bytes);
  *index = node->scratch_count++;
  it->scratch[node->scratch_first + *index].bytes = bytes;
  it->scratch[node->scratch_first + *index].offset = -1;
  return OCT_OK;
}

oct_status oct_scratch_grow(oct_ctx *ctx, oct_node *node, int index,
                            size_t bytes) {
  struct oct_interp *it = ctx->it;
  if (!it->preparing || index < 0 || index >= node->scratch_count)
    return oct_fail(ctx, node, OCT_ERR_INTERNAL, "no scratch buffer %d", index);
  if (bytes > OCT_MAX_TENSOR_BYTES)
    return oct_fail(ctx, node, OCT_ERR_LIMIT, "scratch of %zu bytes", bytes);
  oct_scratch_slot *s = &it->scratch[node->scratch_first + index];
  if (s->bytes < bytes) s->bytes = bytes;
  return OCT_OK;
}

void *oct_scratch(oct_ctx *ctx, const oct_node *node, int index) {
  const struct oct_interp *it = ctx->it;
  if (index < 0 || index >= node->scratch_count) return 0;
  const oct_scratch_slot *s = &it->scratch[node->scratch_first + index];
  return s->offset < 0 ? 0 : it->planned + s->offset;
}

static void fmt_shape(char *buf, size_t cap, int rank, const int32_t *dims) {
  size_t len = 0;
  buf[0] = '\0';
  len += (size_t)oct_fmt(buf + len, cap - len, "[");
  for (int i = 0; i < rank && len < cap; i++)
    len += (size_t)oct_fmt(buf + len, cap - len, i ? ",%d" : "%d", (int)dims[i]);
  if (len < cap) oct_fmt(buf + len, cap - len, "]");
}

oct_status oct_check_output_shape(oct_ctx *ctx, const oct_node *node,
                                  const oct_tensor *t, int rank,
                                  const int32_t *dims) {
  int same = t->rank == rank;
  for (int i = 0; same && i < rank; i++) same = t->dims[i] == dims[i];
  if (same) return OCT_OK;
  char want[80], have[80];
  fmt_shape(want, sizeof want, rank, dims);
  fmt_shape(have, sizeof have, t->rank, t->dims);
  return oct_fail(ctx, node, OCT_ERR_SHAPE,
                  "output '%s' is %s in the model, but the op computes %s",
                  t->name, have, want);
}

oct_status oct_fail(oct_ctx *ctx, const oct_node *node, oct_status code,
                    const char *fmt, ...) {
  struct oct_interp *it = ctx->it;
  const char *name = oct_builtin_name(node->builtin);
  int n = oct_fmt(it->error, sizeof it->error, "op %d (%s): ", (int)node->index,
                  name ? name : "?");
  if (n < 0 || (size_t)n >= sizeof it->error) return code;
  va_list ap;
  va_start(ap, fmt);
  oct_vfmt(it->error + n, sizeof it->error - (size_t)n, fmt, ap);
  va_end(ap);
  return code;
}

oct_kernel_pref oct_ctx_kernels(const oct_ctx *ctx) { return ctx->it->kernels; }

int oct_ctx_threads(const oct_ctx *ctx) { return ctx->it->threads; }

void oct_parallel_for(oct_ctx *ctx, int32_t n, oct_task_fn fn, void *arg) {
  const struct oct_interp *it = ctx->it;
  if (n > 1 && it->parallel_for) {
    it->parallel_for(it->pool, n, fn, arg);
    return;
  }
  for (int32_t i = 0; i < n; i++) fn(arg, i);
}
