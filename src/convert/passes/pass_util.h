/*
 * Helpers the optimization passes share (not a public interface): graph
 * queries (constants, readers, graph edges), the one safe way to remove an
 * op whose output equals its input (oct_pu_bypass), constant creation with
 * unique names, and small shape and data utilities.
 */
#ifndef OCT_CONVERT_PASSES_PASS_UTIL_H
#define OCT_CONVERT_PASSES_PASS_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "convert/ir.h"

/* Largest constant a pass creates by evaluating an op (16 MiB). */
#define OCT_PU_MAX_FOLD_BYTES ((size_t)16 << 20)

/* t >= 0 and t holds constant data. */
int oct_pu_is_const(const oct_ir_graph *g, int t);
/* The constant's float data, or NULL (not constant, or not float32). */
float *oct_pu_const_f32(const oct_ir_graph *g, int t);
/* Whether t is in g->outputs / g->inputs. */
int oct_pu_is_graph_output(const oct_ir_graph *g, int t);
int oct_pu_is_graph_input(const oct_ir_graph *g, int t);
/* Whether t's only readers are input slots of op `op` (and t is no graph
 * output): the op may then rewrite t's producer freely. */
int oct_pu_sole_reader(const oct_ir_graph *g, int t, int op);
/* Live op reading t, when exactly one op reads it (in any number of slots)
 * and t is no graph output; else -1. */
int oct_pu_single_consumer(const oct_ir_graph *g, int t);
/* Count of live ops reading t (an op reading it twice counts once). */
int oct_pu_reader_ops(const oct_ir_graph *g, int t);

/* The op's fused-activation field, or NULL for ops without one. */
oct_act *oct_pu_act_field(oct_ir_op *op);

/* Removes op `op`, whose output y holds the same values and shape as its
 * input x: readers of y read x. When y is a graph output it keeps its
 * name: x's producer writes y instead, and x's readers read y. Returns 1
 * when done; 0 when impossible (y a graph output while x is a graph input,
 * graph output or constant, or the two differ in type or shape), leaving
 * the graph untouched. */
int oct_pu_bypass(oct_ir_graph *g, int op, int x, int y);

/* Gives op `op` its own copy of the constant in input `slot` when any other
 * op or graph edge refers to it, so the caller may change its data in
 * place. Returns the tensor the slot now holds, or -1 (no memory). */
int oct_pu_private_const(oct_ir_graph *g, int op, int slot);

/* Sets input `slot` of op `op` to tensor t, growing the op's input list
 * (with -1, omitted) when the slot is past its end. */
oct_status oct_pu_set_input(oct_ir_graph *g, int op, int slot, int t);

/* Sets op `op` to `code` with the given inputs and outputs (lists resized),
 * options zeroed, version 0 (the writer decides); name kept. */
oct_status oct_pu_reset_op(oct_ir_graph *g, int op, int code, int n_inputs,
                           const int *inputs, int n_outputs,
                           const int *outputs);

/* TFLite's SAME padding total along one axis (window with dilation). */
int oct_pu_same_pad_total(int in, int stride, int filter, int dilation);

/* Adds a constant named "<base>/<suffix>" (made unique with a number);
 * data copied. Returns the tensor or -1 (no memory, g->err set). */
int oct_pu_add_const(oct_ir_graph *g, const char *base, const char *suffix,
                     oct_dtype type, int rank, const int32_t *dims,
                     const void *data);
/* Adds an activation tensor like `like` (type, shape, quantization) named
 * "<like's name>/<suffix>". Returns it or -1. */
int oct_pu_add_tensor_like(oct_ir_graph *g, int like, const char *suffix);

/* Integer constant (int32 or int64) into out[max]; returns the element
 * count, or -1 (not an integer constant, or longer than max). */
int oct_pu_const_ints(const oct_ir_graph *g, int t, int64_t *out, int max);
/* Whether every element of a float32 constant equals the first; *v gets it. */
int oct_pu_const_uniform_f32(const oct_ir_graph *g, int t, float *v);

int oct_pu_same_shape(const oct_ir_tensor *a, const oct_ir_tensor *b);
/* Numpy broadcast of two shapes; returns 0 when they do not broadcast. */
int oct_pu_broadcast(int ra, const int32_t *da, int rb, const int32_t *db,
                     int *r, int32_t *d);
/* Element of a (rank ra, dims da) array read at the multi-index of flat
 * element `i` of the broadcast shape (r, d). */
int64_t oct_pu_bcast_index(int64_t i, int r, const int32_t *d, int ra,
                           const int32_t *da);

/* A BatchNorm op as y = x * a[c] + b[c] over x's last axis (c < *channels):
 * a = scale / sqrt(var + eps), b = bias - mean * a, in double. Parameters
 * must be float32 constants of C or 1 elements. Returns OCT_OK with
 * malloc'ed a and b (the caller frees both); OCT_ERR_UNSUPPORTED, without
 * touching g->err, when the parameters are not such constants. */
oct_status oct_pu_bn_coeffs(const oct_ir_graph *g, const oct_ir_op *op,
                            double **a, double **b, int *channels);

/* Live ops in g. */
int oct_pu_live_ops(const oct_ir_graph *g);

#endif /* OCT_CONVERT_PASSES_PASS_UTIL_H */
