/* Work splitting for the ops (see op_parallel.h). */
#include "op_parallel.h"

typedef struct range_job {
  oct_range_fn fn;
  void *arg;
  int32_t n, align, pieces;
} range_job;

/* Piece i covers blocks [i * blocks / pieces, (i+1) * blocks / pieces). */
static void run_piece(void *p, int32_t i) {
  const range_job *j = p;
  const int64_t blocks = ((int64_t)j->n + j->align - 1) / j->align;
  const int64_t b0 = blocks * i / j->pieces, b1 = blocks * (i + 1) / j->pieces;
  int64_t e = b1 * j->align;
  if (e > j->n) e = j->n;
  if (b0 * j->align < e) j->fn(j->arg, (int32_t)(b0 * j->align), (int32_t)e);
}

void oct_parallel_ranges(oct_ctx *ctx, int32_t n, int32_t align,
                         oct_range_fn fn, void *arg) {
  if (n <= 0) return;
  if (align < 1) align = 1;
  const int64_t blocks = ((int64_t)n + align - 1) / align;
  /* More pieces than threads, handed out as threads come free, so that
   * one thread stalled (e.g. by another process) delays little work. */
  const int threads = oct_ctx_threads(ctx);
  int32_t pieces = threads > 1 ? threads * 4 : 1;
  if (pieces > blocks) pieces = (int32_t)blocks;
  if (pieces <= 1) {
    fn(arg, 0, n);
    return;
  }
  range_job j = {fn, arg, n, align, pieces};
  oct_parallel_for(ctx, pieces, run_piece, &j);
}

int32_t oct_conv_row_slice(const oct_conv_dims *d, int32_t r0, int32_t r1,
                           oct_conv_dims *sub, size_t *in_off,
                           size_t *out_off) {
  *sub = *d;
  if (r0 == 0 && r1 == d->batch * d->out_h) {
    *in_off = 0;
    *out_off = 0;
    return r1;
  }
  const int32_t b = r0 / d->out_h, oy0 = r0 % d->out_h;
  int32_t end = (b + 1) * d->out_h;
  if (end > r1) end = r1;
  /* The first input row this stretch reads; the window starts there so
   * that kernels see an ordinary (top-padded or unpadded) problem. */
  const int32_t iy0 = oy0 * d->stride_h - d->pad_h;
  int32_t start = 0;
  if (iy0 >= 0) start = iy0 < d->in_h ? iy0 : d->in_h - 1;
  sub->batch = 1;
  sub->out_h = end - r0;
  sub->in_h = d->in_h - start;
  sub->pad_h = start - iy0;
  *in_off = (((size_t)b * (size_t)d->in_h + (size_t)start) * (size_t)d->in_w) *
            (size_t)d->in_c;
  *out_off = ((size_t)r0 * (size_t)d->out_w) * (size_t)d->out_c;
  return end;
}
