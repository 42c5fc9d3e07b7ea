/*
 * Shared state of the ONNX importer's files (not a public interface).
 *
 *   onnx_import.c   model, opset, initializers, graph inputs/outputs, the
 *                   node loop and the dispatch table
 *   onnx_wire.c     iterative protobuf pre-scan (nesting depth, framing)
 *   onnx_tensor.c   TensorProto and attribute decoding, constant reading
 *   onnx_const.c    evaluation of ops whose inputs are all constant
 *   onnx_layout.c   layouts, transposes, IR tensor and op helpers
 *   onnx_pattern.c  multi-node patterns (GELU) found before translation
 *   onnx_ops_*.c    one handler per ONNX op type (onnx_ops_quant.c: Q/DQ)
 *
 * Every ONNX value (a name in the graph) has one oct_onnx_value: its ONNX
 * shape and type, its data when it is constant, and up to two IR tensors
 * holding it: t_onnx in ONNX's axis order, t_nhwc in channels-last order
 * (IR axis k holds ONNX axis perm[k], perm = [0, 2, 3, ..., r-1, 1]; only
 * for rank >= 3). A handler asks for the layout it needs
 * (oct_onnx_tensor); the missing one is made once by a TRANSPOSE and kept.
 */
#ifndef OCT_CONVERT_ONNX_INTERNAL_H
#define OCT_CONVERT_ONNX_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "convert/ir.h"
#include "convert/onnx/onnx_import.h"
#include "onnx.pb-c.h"

/* Constants larger than this many elements are never evaluated at import
 * (they go to the IR, whose constant folding pass may take them). */
#define OCT_ONNX_FOLD_MAX_ELEMS (1 << 24)
/* Largest tensor the importer accepts, in bytes. */
#define OCT_ONNX_MAX_BYTES ((int64_t)1 << 31)

typedef struct oct_onnx_value {
  const char *name;   /* borrowed from the unpacked model */
  oct_dtype type;
  int rank;           /* -1 until defined */
  int32_t dims[OCT_MAX_RANK]; /* ONNX axis order; 0 only in constants */
  void *data;         /* constant value (owned, ONNX order), or NULL */
  size_t bytes;
  int is_const;
  int t_onnx, t_nhwc; /* IR tensors holding the value, or -1 */
  int defined;
  int uses;           /* node inputs and graph outputs reading it */
  int producer;       /* index of the node writing it, or -1 */
} oct_onnx_value;

typedef struct oct_onnx_node {
  const Onnx__NodeProto *p;
  int index;
  const char *name;   /* node name, or its first output's name */
  const char *op;
  int n_in, n_out;
  oct_onnx_value **in;  /* NULL: omitted optional input */
  oct_onnx_value **out; /* NULL: omitted optional output */
} oct_onnx_node;

/* Per-node marks from the pattern pass. */
enum { OCT_ONNX_PAT_NONE = 0, OCT_ONNX_PAT_SKIP = 1, OCT_ONNX_PAT_GELU = 2 };

typedef struct oct_onnx_ctx {
  oct_ir_graph *g;
  oct_onnx_options opts;
  int opset;
  const Onnx__GraphProto *graph;
  oct_onnx_value *vals;
  int n_vals, cap_vals; /* preallocated: pointers into vals stay valid */
  int *hash;            /* open addressing over names, -1 empty */
  size_t hash_cap;
  unsigned char *pat;   /* OCT_ONNX_PAT_* per node */
  int *pat_arg;         /* GELU: index of x in vals */
  const oct_onnx_node *cur; /* node being translated, for messages */
  oct_status last;      /* status of the last oct_onnx_fail: helpers that
                           return -1 leave it for the handler to return */
  size_t const_bytes;   /* constant bytes materialized so far */
} oct_onnx_ctx;

/* Counts `bytes` more constant data against opts.max_const_bytes before it
 * is allocated; OCT_ERR_LIMIT (message naming `what`) once over. */
oct_status oct_onnx_charge(oct_onnx_ctx *c, size_t bytes, const char *what);

/* ---- errors ---- */
/* Records "node 'n' (Op): <message>" (or just the message outside a node)
 * in g->err and returns `code`. */
oct_status oct_onnx_fail(oct_onnx_ctx *c, oct_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* ---- values ---- */
oct_onnx_value *oct_onnx_find(oct_onnx_ctx *c, const char *name);

/* ---- protobuf pre-scan (onnx_wire.c) ---- */
oct_status oct_onnx_wire_check(const void *bytes, size_t size, oct_ir_graph *g);

/* ---- tensors and attributes (onnx_tensor.c) ---- */
/* Maps an ONNX TensorProto data type; returns 0 when octet has none. */
int oct_onnx_dtype(int32_t onnx_type, oct_dtype *out);
const char *oct_onnx_dtype_name(int32_t onnx_type);
/* Decodes a TensorProto into v as a constant (checks sizes). */
oct_status oct_onnx_parse_tensor(oct_onnx_ctx *c, const Onnx__TensorProto *tp,
                                 const char *what, oct_onnx_value *v);
/* Checks rank, dims and byte size of a shape; dims may be 0 if allow_zero. */
oct_status oct_onnx_check_shape(oct_onnx_ctx *c, const char *what, oct_dtype type,
                                int rank, const int64_t *dims, int allow_zero);
int64_t oct_onnx_elems(int rank, const int32_t *dims);

const Onnx__AttributeProto *oct_onnx_attr(const oct_onnx_node *n, const char *name);
oct_status oct_onnx_attr_int(oct_onnx_ctx *c, const oct_onnx_node *n, const char *name,
                             int64_t def, int64_t *out);
oct_status oct_onnx_attr_float(oct_onnx_ctx *c, const oct_onnx_node *n, const char *name,
                               float def, float *out);
/* *count = -1 when absent; more than `max` values is an error. */
oct_status oct_onnx_attr_ints(oct_onnx_ctx *c, const oct_onnx_node *n, const char *name,
                              int64_t *out, int max, int *count);
/* Copies a string attribute (NUL-terminated, truncated check) or `def`. */
oct_status oct_onnx_attr_str(oct_onnx_ctx *c, const oct_onnx_node *n, const char *name,
                             const char *def, char *out, size_t cap);

/* Reads a constant 0-D/1-D integer input into out[max]; *count its length. */
oct_status oct_onnx_const_ints(oct_onnx_ctx *c, const oct_onnx_value *v, const char *what,
                               int64_t *out, int max, int *count);
/* A malloc'ed float32 copy of a constant of any numeric type. */
oct_status oct_onnx_const_floats(oct_onnx_ctx *c, const oct_onnx_value *v, const char *what,
                                 float **out);
/* Element i of a numeric constant as double / int64. */
double oct_onnx_get_f(const oct_onnx_value *v, int64_t i);
int64_t oct_onnx_get_i(const oct_onnx_value *v, int64_t i);
/* Stores `x` as element i of a buffer of `type`. */
void oct_onnx_set_f(oct_dtype type, void *data, int64_t i, double x);
void oct_onnx_set_i(oct_dtype type, void *data, int64_t i, int64_t x);
int oct_onnx_is_float(oct_dtype t);
float oct_onnx_half_to_float(uint16_t h);
uint16_t oct_onnx_float_to_half(float f);

/* ---- layout and IR helpers (onnx_layout.c) ---- */
/* IR axis k of a channels-last tensor holds ONNX axis perm[k]. */
void oct_onnx_nhwc_perm(int rank, int *perm);
/* The IR axis holding ONNX axis `axis` (normalized) in the given layout. */
int oct_onnx_ir_axis(int rank, int axis, int nhwc);
/* Normalizes a possibly negative axis; -1 if out of [-rank, rank). */
int oct_onnx_norm_axis(int64_t axis, int rank);
/* The value's IR tensor in channels-last (nhwc, rank >= 3) or ONNX order;
 * constants are materialized, transposes inserted once. -1 on failure. */
int oct_onnx_tensor(oct_onnx_ctx *c, oct_onnx_value *v, int nhwc);
/* Whether the value has a channels-last tensor (rank >= 3): then ops that
 * take any layout run channels-last. */
int oct_onnx_prefers_nhwc(const oct_onnx_value *v);
/* Defines v as an activation with the given ONNX shape, held by a new IR
 * tensor in the given layout; returns the tensor or -1. */
int oct_onnx_define(oct_onnx_ctx *c, oct_onnx_value *v, oct_dtype type, int rank,
                    const int32_t *dims, int nhwc);
/* Defines v as a constant (takes `data`, from malloc). */
oct_status oct_onnx_define_const(oct_onnx_ctx *c, oct_onnx_value *v, oct_dtype type,
                                 int rank, const int32_t *dims, void *data);
/* Makes `out` an alias of `in` (same IR tensors or constant data). */
oct_status oct_onnx_define_alias(oct_onnx_ctx *c, oct_onnx_value *out, const oct_onnx_value *in);
/* A temporary IR tensor named after the current node and `tag`. */
int oct_onnx_tmp(oct_onnx_ctx *c, oct_dtype type, int rank, const int32_t *dims, const char *tag);
/* An IR constant (copied) named after the current node and `tag`. */
int oct_onnx_const(oct_onnx_ctx *c, oct_dtype type, int rank, const int32_t *dims,
                   const void *data, const char *tag);
int oct_onnx_const_i32(oct_onnx_ctx *c, int n, const int32_t *vals, const char *tag);
int oct_onnx_scalar(oct_onnx_ctx *c, oct_dtype type, double x, const char *tag);
/* Appends an op named after the current node; returns it or NULL. */
oct_ir_op *oct_onnx_op(oct_onnx_ctx *c, int code, int n_in, const int *ins, int n_out,
                       const int *outs);
/* Emits out = transpose(in, perm) (a RESHAPE when only unit axes move). */
oct_status oct_onnx_emit_transpose(oct_onnx_ctx *c, int in, const int *perm, int out);
/* Emits out = reshape(in) to out's shape. */
oct_status oct_onnx_emit_reshape(oct_onnx_ctx *c, int in, int out);
/* Host transpose: dst dims[k] = dims[perm[k]]. */
void oct_onnx_permute(const void *src, size_t esz, int rank, const int32_t *dims,
                      const int *perm, void *dst);
/* ONNX (numpy) broadcast of the shapes of n values. */
oct_status oct_onnx_broadcast(oct_onnx_ctx *c, int n, oct_onnx_value *const *v, int *rank,
                              int32_t *dims);
/* The IR tensor of v aligned to `rank` (leading unit axes added when lower)
 * in the given layout, for broadcasting elementwise ops. */
int oct_onnx_operand(oct_onnx_ctx *c, oct_onnx_value *v, int rank, int nhwc);

/* ---- patterns (onnx_pattern.c) ---- */
oct_status oct_onnx_find_patterns(oct_onnx_ctx *c, oct_onnx_node *nodes, int n_nodes);

/* ---- constant evaluation (onnx_const.c) ---- */
typedef oct_status (*oct_onnx_fn)(oct_onnx_ctx *c, const oct_onnx_node *n);
/* The evaluator for op type `op`, or NULL. An evaluator may return OCT_OK
 * without defining the outputs (too large, type it does not handle): the
 * op is then translated instead. */
oct_onnx_fn oct_onnx_folder(const char *op);
/* Ops evaluated from their input's shape alone (Shape, Size). */
int oct_onnx_folds_from_shape(const char *op);

/* ---- shape rules shared by handlers and evaluators (onnx_ops_shape.c) ---- */
/* Output shape of Reshape, Flatten, Squeeze or Unsqueeze. */
oct_status oct_onnx_reshape_shape(oct_onnx_ctx *c, const oct_onnx_node *n, int *rank,
                                  int32_t *dims);
/* Slice, per axis: output element i is input element begin + i * stride. */
typedef struct oct_onnx_slice_p {
  int rank;
  int32_t begin[OCT_MAX_RANK], stride[OCT_MAX_RANK], size[OCT_MAX_RANK];
} oct_onnx_slice_p;
oct_status oct_onnx_slice_params(oct_onnx_ctx *c, const oct_onnx_node *n, oct_onnx_slice_p *s);
/* Transpose's perm (default: reversed axes), validated. */
oct_status oct_onnx_transpose_perm(oct_onnx_ctx *c, const oct_onnx_node *n, int *perm);
/* Gather's normalized axis and indices (range-checked, made non-negative);
 * *idx is malloc'ed. */
oct_status oct_onnx_gather_indices(oct_onnx_ctx *c, const oct_onnx_node *n, int *axis,
                                   int64_t **idx, int64_t *count);

/* ---- op handlers (onnx_ops_*.c) ---- */
#define OCT_ONNX_HANDLER(fn) oct_status fn(oct_onnx_ctx *c, const oct_onnx_node *n)
/* conv */
OCT_ONNX_HANDLER(oct_onnx_conv);
OCT_ONNX_HANDLER(oct_onnx_conv_transpose);
OCT_ONNX_HANDLER(oct_onnx_pool);
OCT_ONNX_HANDLER(oct_onnx_global_pool);
/* elementwise */
OCT_ONNX_HANDLER(oct_onnx_binary);
OCT_ONNX_HANDLER(oct_onnx_variadic);
OCT_ONNX_HANDLER(oct_onnx_unary);
OCT_ONNX_HANDLER(oct_onnx_clip);
OCT_ONNX_HANDLER(oct_onnx_leaky_relu);
OCT_ONNX_HANDLER(oct_onnx_prelu);
OCT_ONNX_HANDLER(oct_onnx_hard_sigmoid);
OCT_ONNX_HANDLER(oct_onnx_pow);
OCT_ONNX_HANDLER(oct_onnx_expand);
OCT_ONNX_HANDLER(oct_onnx_erf);
OCT_ONNX_HANDLER(oct_onnx_gelu);
OCT_ONNX_HANDLER(oct_onnx_cast);
OCT_ONNX_HANDLER(oct_onnx_identity);
/* shape */
OCT_ONNX_HANDLER(oct_onnx_reshape);
OCT_ONNX_HANDLER(oct_onnx_flatten);
OCT_ONNX_HANDLER(oct_onnx_squeeze);
OCT_ONNX_HANDLER(oct_onnx_transpose);
OCT_ONNX_HANDLER(oct_onnx_concat);
OCT_ONNX_HANDLER(oct_onnx_pad);
OCT_ONNX_HANDLER(oct_onnx_slice);
OCT_ONNX_HANDLER(oct_onnx_split);
OCT_ONNX_HANDLER(oct_onnx_gather);
OCT_ONNX_HANDLER(oct_onnx_depth_space);
/* misc */
OCT_ONNX_HANDLER(oct_onnx_gemm);
OCT_ONNX_HANDLER(oct_onnx_matmul);
OCT_ONNX_HANDLER(oct_onnx_softmax);
OCT_ONNX_HANDLER(oct_onnx_batch_norm);
OCT_ONNX_HANDLER(oct_onnx_reduce);
OCT_ONNX_HANDLER(oct_onnx_resize);
OCT_ONNX_HANDLER(oct_onnx_arg);
/* quantization (onnx_ops_quant.c) */
OCT_ONNX_HANDLER(oct_onnx_quantize_linear);
OCT_ONNX_HANDLER(oct_onnx_dequantize_linear);
OCT_ONNX_HANDLER(oct_onnx_qlinear); /* QLinearConv/MatMul, ConvInteger, MatMulInteger */

#endif /* OCT_CONVERT_ONNX_INTERNAL_H */
