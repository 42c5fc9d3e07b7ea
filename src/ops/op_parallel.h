/*
 * Splitting an op's work over the caller's threads (oct_parallel_for).
 * Ops split their output into contiguous pieces (rows of a conv, rows or
 * channel blocks of a fully connected layer) and call the kernel picked at
 * prepare on each piece. A kernel computes every output from its own
 * inputs in a fixed order, so the result is the same bits for any number
 * of pieces, whichever kernel (reference, x86, Arm) is installed.
 */
#ifndef OCT_OPS_OP_PARALLEL_H
#define OCT_OPS_OP_PARALLEL_H

#include "../kernels/ref/conv_params.h"
#include "op_api.h"

typedef void (*oct_range_fn)(void *arg, int32_t begin, int32_t end);

/*
 * Cuts [0, n) into up to 4 * oct_ctx_threads(ctx) ranges, each starting at a
 * multiple of `align` (>= 1), and runs fn on every range; with one thread
 * this is a single fn(arg, 0, n) on the calling thread.
 */
void oct_parallel_ranges(oct_ctx *ctx, int32_t n, int32_t align,
                         oct_range_fn fn, void *arg);

/*
 * Output rows [r0, r1) of a conv-like op (rows numbered over batch *
 * out_h) as a standalone problem: *sub gets the geometry of the first
 * stretch that lies in one batch item, over a window of the input rows
 * with pad_h >= 0 whenever that is possible, and *in_off / *out_off the
 * element offsets of its input window and output. Returns the end of that
 * stretch (call again from there). Rows [0, batch * out_h) give the
 * unchanged geometry.
 */
int32_t oct_conv_row_slice(const oct_conv_dims *d, int32_t r0, int32_t r1,
                           oct_conv_dims *sub, size_t *in_off,
                           size_t *out_off);

#endif /* OCT_OPS_OP_PARALLEL_H */
