/*
 * Prepare-time helpers shared by the data-movement, pooling, reduction and
 * resize ops: reading the constant operands that decide output shapes
 * (perm, begin/end/strides, paddings, axis, size), and the checks those ops
 * all repeat. Shape-giving operands must be constant: octet plans memory
 * once, so output shapes have to be known at init.
 */
#ifndef OCT_OPS_SHAPE_UTIL_H
#define OCT_OPS_SHAPE_UTIL_H

#include "op_api.h"

/* Reads constant integer tensor `t` (int32, or int64 when allow_i64) into
 * `vals`, at most `max_count` values; *count gets the element count. Fails
 * with a message naming `what` when t is absent, not constant (UNSUPPORTED),
 * of another type or too long. */
oct_status oct_shape_read_ints(oct_ctx *ctx, const oct_node *node,
                               const oct_tensor *t, const char *what,
                               int allow_i64, int64_t *vals, int32_t max_count,
                               int32_t *count);

/* Checks input/output counts (n_in_min..n_in_max inputs present where
 * required, exactly n_out outputs). */
oct_status oct_shape_check_io(oct_ctx *ctx, const oct_node *node, int n_in_min,
                              int n_in_max, int n_out);

/* Checks that `out` has the type of `in` and that the type is a plain
 * fixed-size one data movement can copy; returns its element size. */
oct_status oct_shape_same_type(oct_ctx *ctx, const oct_node *node,
                               const oct_tensor *in, const oct_tensor *out,
                               int32_t *elem_size);

/* Checks that two quantized tensors share scale and zero point (ops that
 * pass quantized values through unchanged need it). */
oct_status oct_shape_same_quant(oct_ctx *ctx, const oct_node *node,
                                const oct_tensor *a, const oct_tensor *b);

/* Normalizes axis `axis` of a rank-`rank` tensor (negative counts from the
 * end); fails when out of range. */
oct_status oct_shape_axis(oct_ctx *ctx, const oct_node *node, int64_t axis,
                          int32_t rank, const char *what, int32_t *out);

/* Requires per-tensor quantization on `t` (q_count <= 1). */
oct_status oct_shape_per_tensor(oct_ctx *ctx, const oct_node *node,
                                const oct_tensor *t);

/* Shared by RESHAPE and SQUEEZE: element counts and types must agree. */
oct_status oct_shape_prepare_alias(oct_ctx *ctx, oct_node *node);

/* Eval of ops whose output is their input with another shape. The planner
 * normally gives both the same buffer (nothing to do); when it cannot (a
 * model input returned as an output, say) the bytes are copied. */
oct_status oct_shape_eval_alias(oct_ctx *ctx, oct_node *node);

/* Ops that are one strided copy (TRANSPOSE, SLICE, STRIDED_SLICE,
 * DEPTH_TO_SPACE) keep an oct_strided_copy_params as op data: this stores a
 * simplified copy of `p` there, and the shared eval runs it. */
struct oct_strided_copy_params;
oct_status oct_shape_set_strided(oct_ctx *ctx, oct_node *node,
                                 const struct oct_strided_copy_params *p);
oct_status oct_shape_eval_strided(oct_ctx *ctx, oct_node *node);

/* Fills `p` to read, along each axis a of `in`, counts[a] elements starting
 * at starts[a], steps[a] apart (SLICE and STRIDED_SLICE). */
void oct_shape_slice_params(const oct_tensor *in, const int32_t *starts,
                            const int32_t *counts, const int32_t *steps,
                            int32_t elem_size,
                            struct oct_strided_copy_params *p);

#endif /* OCT_OPS_SHAPE_UTIL_H */
