/*
 * The converter's optimization passes: graph rewrites on the IR
 * (src/convert/ir.h) with TFLite converter semantics, run to a fixed point
 * by oct_optimize between import and writing.
 *
 * Each pass is one function with the same signature, in its own file under
 * src/convert/passes/, listed in oct_passes[] (the table oct_optimize and
 * the tests iterate). A pass rewrites what it finds in one sweep, sets
 * *changed when it touched the graph, and leaves a graph that
 * oct_ir_verify accepts: shapes of every tensor it creates are known, dead
 * ops stay in place (marked) until oct_pass_dead_code compacts.
 *
 * What every pass keeps: graph input and output tensors (their names,
 * shapes and types), numerics up to float rounding, and the values of every
 * tensor some other op still reads (a rewrite through a tensor with
 * several readers is done only when it is valid for all of them).
 * Passes rely on tensor dims filled by the importers / oct_ir_infer_shapes.
 *
 *   oct_optimize_report rep;
 *   if (oct_optimize(&g, &rep) != OCT_OK) puts(g.err.message);
 *   else printf("ops %d -> %d in %d rounds\n", rep.ops_before,
 *               rep.ops_after, rep.rounds);
 */
#ifndef OCT_CONVERT_PASSES_H
#define OCT_CONVERT_PASSES_H

#include "convert/ir.h"

/* A pass: rewrites g, sets *changed to 1 when it changed anything (leaves
 * it untouched otherwise; callers set it to 0). Failures (no memory, a
 * malformed op it had to read) return a status with g->err set. */
typedef oct_status (*oct_pass_fn)(oct_ir_graph *g, int *changed);

typedef struct oct_pass {
  const char *name; /* "fold_batch_norm": the file and test name */
  oct_pass_fn fn;
} oct_pass;

/* Every pass, in the order one optimization round runs them. */
extern const oct_pass oct_passes[];
extern const int oct_pass_count;

/* Bound on the table's length, for the report's fixed array. */
#define OCT_MAX_PASSES 16
/* Rounds after which oct_optimize gives up on reaching a fixed point (a
 * pass that keeps changing the graph is a bug: reported, not looped). */
#define OCT_OPTIMIZE_MAX_ROUNDS 64

typedef struct oct_pass_stat {
  const char *name;
  int changes; /* rounds in which the pass changed the graph */
} oct_pass_stat;

typedef struct oct_optimize_report {
  int ops_before, ops_after; /* live ops */
  int tensors_before, tensors_after;
  int rounds; /* rounds run, the last one changing nothing */
  int n_passes;
  oct_pass_stat passes[OCT_MAX_PASSES];
} oct_optimize_report;

/* Runs every pass of oct_passes[] in rounds until none changes the graph,
 * checking the graph with oct_ir_verify after every pass (a failure names
 * the pass: "after pass fold_pad: ..."), then compacts. `r` may be NULL. */
oct_status oct_optimize(oct_ir_graph *g, oct_optimize_report *r);

/* The same with a caller's table (tests, or a subset of the passes). */
oct_status oct_optimize_with(oct_ir_graph *g, const oct_pass *passes, int n,
                             oct_optimize_report *r);

/* ---- the passes (rules and limits in each file's header comment) ---- */

/* Ops whose outputs nobody reads and that write no graph output; then
 * oct_ir_compact drops unused tensors. */
oct_status oct_pass_dead_code(oct_ir_graph *g, int *changed);
/* OCT_IR_IDENTITY and OCT_IR_DROPOUT: readers rewired to the input; a graph
 * output keeps its tensor (the producer writes it directly), or, when the
 * input is itself a graph edge or constant, the op becomes a RESHAPE. */
oct_status oct_pass_remove_identity(oct_ir_graph *g, int *changed);
/* Ops whose inputs are all constant, evaluated by octet's runtime (BatchNorm
 * in C), replaced by constants. */
oct_status oct_pass_fold_constants(oct_ir_graph *g, int *changed);
/* OCT_IR_BATCH_NORM into the preceding CONV_2D / DEPTHWISE_CONV_2D /
 * FULLY_CONNECTED, else the following one, else lowered to MUL + ADD. */
oct_status oct_pass_fold_batch_norm(oct_ir_graph *g, int *changed);
/* MUL / DIV / ADD by a per-channel constant after a conv-family op, folded
 * into its weights and bias. */
oct_status oct_pass_fold_conv_affine(oct_ir_graph *g, int *changed);
/* RELU / RELU6 / RELU_N1_TO_1 (and MINIMUM/MAXIMUM clamps) into the
 * producing op's fused activation. */
oct_status oct_pass_fuse_activation(oct_ir_graph *g, int *changed);
/* Constant-coefficient algebra: sums of scaled copies, x*1, x+0, chains of
 * constant MULs or ADDs, DIV and SUB by constants. */
oct_status oct_pass_simplify_algebra(oct_ir_graph *g, int *changed);
/* Zero PAD before CONV_2D / DEPTHWISE_CONV_2D / MAX_POOL_2D that equals
 * TFLite's SAME padding: SAME, PAD dropped. */
oct_status oct_pass_fold_pad(oct_ir_graph *g, int *changed);
/* FULLY_CONNECTED followed by ADD of a constant [out_c] vector: the bias. */
oct_status oct_pass_fc_bias(oct_ir_graph *g, int *changed);
/* TRANSPOSE/RESHAPE pairs that cancel or merge, no-op reshapes, transposes
 * that only move size-1 axes. */
oct_status oct_pass_cancel_transpose_reshape(oct_ir_graph *g, int *changed);

#endif /* OCT_CONVERT_PASSES_H */
