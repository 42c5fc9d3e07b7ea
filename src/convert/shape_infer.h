/*
 * Shape inference for the converter's graph IR.
 *
 * Walks the ops in execution order and computes every output's shape from
 * the op's input shapes, its options and its constant operands (paddings,
 * perm, begin/end/strides, axes, sizes), with TFLite's rules, the same the
 * runtime's prepare steps enforce (src/ops/): windows with SAME/VALID
 * padding and dilation (oct_window_out_size, shared with the runtime),
 * FULLY_CONNECTED with keep_num_dims, numpy broadcasting, RESHAPE with -1,
 * STRIDED_SLICE masks, and so on. IR-only ops keep their input's shape.
 *
 * An output with unknown shape (rank -1) is filled in; an output whose
 * shape is already known must agree, or the op is reported. Shapes that
 * depend on run-time values (a RESHAPE or TRANSPOSE_CONV whose shape
 * operand is computed) keep the declared shape, and are an error only when
 * there is none.
 */
#ifndef OCT_CONVERT_SHAPE_INFER_H
#define OCT_CONVERT_SHAPE_INFER_H

#include "convert/ir.h"

/* Infers the shapes of every live op's outputs. Fails (g->err naming the
 * op and tensor) on a mismatch, an input of unknown shape, or operands that
 * do not fit the op. */
oct_status oct_ir_infer_shapes(oct_ir_graph *g);

#endif /* OCT_CONVERT_SHAPE_INFER_H */
