/*
 * The per-op half of the .tflite writer (tflite_writer.c does the model,
 * tensors and buffers): each op's BuiltinOptions table, and the operator
 * version TFLite expects for the op's types and options.
 *
 * Options are the exact inverse of the runtime's reader (src/runtime/
 * model.c): the same union members and field numbers, every field TFLite's
 * schema defines for the option struct, written only when it differs from
 * the schema default (as FlatBuffers does), so reading a written file gives
 * back the same oct_builtin_options.
 *
 * Versions follow TFLite's tools/versioning/op_version.cc: the lowest
 * version whose kernel registration accepts the op's input/output types and
 * options. Readers such as TFLite 2.9 refuse versions they do not register,
 * so a higher-than-needed version is as wrong as a too-low one.
 */
#ifndef OCT_CONVERT_TFLITE_WRITE_OPS_H
#define OCT_CONVERT_TFLITE_WRITE_OPS_H

#include <stdint.h>

#include "convert/ir.h"
#include "io/fb_builder.h"

/* BuiltinOptions union members of TFLite's schema (1-based positions). */
enum {
  OCT_TFL_OPT_NONE = 0,
  OCT_TFL_OPT_CONV_2D = 1,
  OCT_TFL_OPT_DEPTHWISE_CONV_2D = 2,
  OCT_TFL_OPT_POOL_2D = 5,
  OCT_TFL_OPT_FULLY_CONNECTED = 8,
  OCT_TFL_OPT_SOFTMAX = 9,
  OCT_TFL_OPT_CONCATENATION = 10,
  OCT_TFL_OPT_ADD = 11,
  OCT_TFL_OPT_L2_NORM = 12,
  OCT_TFL_OPT_LSTM = 14,
  OCT_TFL_OPT_RESIZE_BILINEAR = 15,
  OCT_TFL_OPT_RESHAPE = 17,
  OCT_TFL_OPT_SPACE_TO_DEPTH = 19,
  OCT_TFL_OPT_MUL = 21,
  OCT_TFL_OPT_PAD = 22,
  OCT_TFL_OPT_GATHER = 23,
  OCT_TFL_OPT_BATCH_TO_SPACE_ND = 24,
  OCT_TFL_OPT_SPACE_TO_BATCH_ND = 25,
  OCT_TFL_OPT_TRANSPOSE = 26,
  OCT_TFL_OPT_REDUCER = 27,
  OCT_TFL_OPT_SUB = 28,
  OCT_TFL_OPT_DIV = 29,
  OCT_TFL_OPT_SQUEEZE = 30,
  OCT_TFL_OPT_STRIDED_SLICE = 32,
  OCT_TFL_OPT_EXP = 33,
  OCT_TFL_OPT_SPLIT = 35,
  OCT_TFL_OPT_LOG_SOFTMAX = 36,
  OCT_TFL_OPT_CAST = 37,
  OCT_TFL_OPT_DEQUANTIZE = 38,
  OCT_TFL_OPT_MAXIMUM_MINIMUM = 39,
  OCT_TFL_OPT_ARG_MAX = 40,
  OCT_TFL_OPT_NEG = 42,
  OCT_TFL_OPT_PADV2 = 43,
  OCT_TFL_OPT_SLICE = 48,
  OCT_TFL_OPT_TRANSPOSE_CONV = 49,
  OCT_TFL_OPT_EXPAND_DIMS = 52,
  OCT_TFL_OPT_POW = 56,
  OCT_TFL_OPT_ARG_MIN = 57,
  OCT_TFL_OPT_PACK = 59,
  OCT_TFL_OPT_UNPACK = 64,
  OCT_TFL_OPT_SQUARE = 66,
  OCT_TFL_OPT_UNIDIRECTIONAL_SEQUENCE_LSTM = 71,
  OCT_TFL_OPT_FLOOR_MOD = 72,
  OCT_TFL_OPT_RESIZE_NEAREST_NEIGHBOR = 74,
  OCT_TFL_OPT_LEAKY_RELU = 75,
  OCT_TFL_OPT_SQUARED_DIFFERENCE = 76,
  OCT_TFL_OPT_ABS = 78,
  OCT_TFL_OPT_SPLIT_V = 79,
  OCT_TFL_OPT_QUANTIZE = 89,
  OCT_TFL_OPT_HARD_SWISH = 91,
  OCT_TFL_OPT_DEPTH_TO_SPACE = 94,
  OCT_TFL_OPT_BATCH_MATMUL = 101,
  OCT_TFL_OPT_GELU = 116
};

/* Builds the options table of an op with builtin `code` into `b` (call it
 * before starting the Operator table: the options are its child). Returns
 * the table's offset and sets *type to its union member; both are 0 for
 * ops whose schema has no options table. */
uint32_t oct_tflite_write_options(oct_fbb *b, int code,
                                  const oct_builtin_options *o, uint8_t *type);

/* The TFLite version of live op `op` of `g` (op->version when set, else
 * the lowest version that fits its types and options). */
int oct_tflite_op_version(const oct_ir_graph *g, const oct_ir_op *op);

/* The oldest TFLite release ("1.14.0") whose kernels register this op
 * version, from TFLite's tools/versioning/runtime_version.cc; NULL when
 * the table does not say. */
const char *oct_tflite_min_runtime(int code, int version);

/* Compares two "major.minor.patch" strings like strcmp. */
int oct_tflite_version_cmp(const char *a, const char *b);

#endif /* OCT_CONVERT_TFLITE_WRITE_OPS_H */
