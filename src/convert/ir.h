/*
 * The converter's graph IR: what the importers (ONNX, .tflite) produce, the
 * passes rewrite, the quantizer annotates and the .tflite writer emits.
 *
 * One op vocabulary: TFLite's builtin operators (OCT_OP_* codes with the
 * runtime's parsed option structs, src/runtime/builtin.h), in TFLite's
 * conventions (NHWC activations, CONV_2D filters [O,H,W,I], DEPTHWISE
 * [1,H,W,O], FULLY_CONNECTED weights [O,I]), plus a few IR-only ops
 * (OCT_IR_*) that exist only until a pass removes or lowers them
 * (BatchNorm, Identity, Dropout). The ONNX importer translates layouts as it
 * goes (see src/convert/onnx/), so passes and the writer see TFLite
 * semantics only.
 *
 * Ownership: the graph owns every string, shape and constant buffer in it
 * (heap). Ops and tensors are referred to by index; removing one marks it
 * dead, and oct_ir_compact renumbers.
 */
#ifndef OCT_CONVERT_IR_H
#define OCT_CONVERT_IR_H

#include <stddef.h>
#include <stdint.h>

#include "octet/octet.h"
#include "runtime/builtin.h"

/* IR-only op codes, above any TFLite builtin code. */
enum {
  OCT_IR_FIRST = 1000,
  /* inputs: x, scale, bias, mean, var (all but x constant, per channel of
   * x's last axis); attrs.epsilon */
  OCT_IR_BATCH_NORM = 1000,
  OCT_IR_IDENTITY = 1001, /* y = x */
  OCT_IR_DROPOUT = 1002   /* y = x at inference */
};

/* Quantization parameters and calibration ranges of a tensor. */
typedef struct oct_ir_quant {
  int count;        /* 0: not quantized; 1 per-tensor; >1 per-axis */
  float *scale;     /* count entries */
  int64_t *zero_point;
  int axis;
  int has_range;    /* float min/max known (calibration, QAT, model file) */
  float min, max;
} oct_ir_quant;

typedef struct oct_ir_tensor {
  char *name;
  oct_dtype type;
  int rank;         /* -1: unknown until shape inference */
  int32_t dims[OCT_MAX_RANK];
  void *data;       /* constant data (owned), or NULL */
  size_t bytes;     /* of data */
  oct_ir_quant q;
  int is_input, is_output;
  int dead;
} oct_ir_tensor;

/* Options of IR-only ops. */
typedef struct oct_ir_attrs {
  float epsilon;    /* OCT_IR_BATCH_NORM */
} oct_ir_attrs;

typedef struct oct_ir_op {
  int code;         /* OCT_OP_* or OCT_IR_* */
  int version;      /* TFLite op version to write (0: writer decides) */
  int n_inputs, n_outputs;
  int *inputs;      /* tensor indices; -1 = omitted optional input */
  int *outputs;
  oct_builtin_options opts;
  oct_ir_attrs attrs;
  char *name;       /* source node name, for messages */
  int dead;
} oct_ir_op;

typedef struct oct_ir_graph {
  oct_ir_tensor *tensors;
  int n_tensors, cap_tensors;
  oct_ir_op *ops;   /* in a valid execution order */
  int n_ops, cap_ops;
  int *inputs, n_inputs;
  int *outputs, n_outputs;
  char *description;
  oct_error err;    /* message of the last failure */
} oct_ir_graph;

/* Most ops a graph may hold: what the runtime loads (OCT_MAX_OPS), and a
 * bound on the optimizer's passes, which scan the graph per op. */
#define OCT_IR_MAX_OPS 65536

void oct_ir_init(oct_ir_graph *g);
void oct_ir_free(oct_ir_graph *g);

/* Adds a tensor (shape may be rank -1); returns its index or -1 (no
 * memory; g->err says so). The name is copied. */
int oct_ir_add_tensor(oct_ir_graph *g, const char *name, oct_dtype type,
                      int rank, const int32_t *dims);
/* Adds a constant tensor with a copy of `data` (bytes must match). */
int oct_ir_add_const(oct_ir_graph *g, const char *name, oct_dtype type,
                     int rank, const int32_t *dims, const void *data);
/* Replaces a tensor's constant data with a copy (or takes `data`, when
 * `take` is set; it must come from malloc). */
oct_status oct_ir_set_data(oct_ir_graph *g, int t, const void *data,
                           size_t bytes, int take);
/* Sets per-tensor or per-axis quantization (copies the arrays). */
oct_status oct_ir_set_quant(oct_ir_graph *g, int t, int count,
                            const float *scale, const int64_t *zero_point,
                            int axis);

/* Appends an op (copies the index arrays); returns its index or -1. */
int oct_ir_add_op(oct_ir_graph *g, int code, int n_inputs, const int *inputs,
                  int n_outputs, const int *outputs, const char *name);
/* Inserts an op before op `pos` (indices of later ops shift by one). */
int oct_ir_insert_op(oct_ir_graph *g, int pos, int code, int n_inputs,
                     const int *inputs, int n_outputs, const int *outputs,
                     const char *name);

oct_status oct_ir_add_input(oct_ir_graph *g, int t);
oct_status oct_ir_add_output(oct_ir_graph *g, int t);

/* The op that writes tensor t, or -1 (inputs, constants). O(ops). */
int oct_ir_producer(const oct_ir_graph *g, int t);
/* How many live ops read tensor t (plus 1 if it is a graph output). */
int oct_ir_use_count(const oct_ir_graph *g, int t);
/* Makes every reader of `from` (and the graph outputs) read `to`. */
void oct_ir_replace_uses(oct_ir_graph *g, int from, int to);

/* Element count and bytes of a tensor with known shape (0 if unknown). */
int64_t oct_ir_elems(const oct_ir_tensor *t);
size_t oct_ir_bytes(const oct_ir_tensor *t);

/* Drops dead ops and tensors nothing refers to, renumbering the rest. */
oct_status oct_ir_compact(oct_ir_graph *g);

/* Checks the graph: indices in range, every input defined before use, each
 * tensor written once, constants never written, shapes known and data
 * sizes matching. Run after every pass. */
oct_status oct_ir_verify(oct_ir_graph *g);

/* Records a message in g->err and returns `code`. */
oct_status oct_ir_fail(oct_ir_graph *g, oct_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Name of an op code, builtin or IR-only ("BATCH_NORM (IR)"). */
const char *oct_ir_op_name(int code);

/* Counts live ops by code into counts[code] for codes < n (for the
 * "ops before -> after" report). */
void oct_ir_count_ops(const oct_ir_graph *g, int *counts, int n);

#endif /* OCT_CONVERT_IR_H */
