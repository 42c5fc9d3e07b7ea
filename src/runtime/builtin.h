/*
 * TFLite builtin operator codes and the parsed form of their options.
 *
 * The flatbuffer reader turns each op's BuiltinOptions table into one of the
 * plain structs below, with the schema's defaults filled in, so ops never
 * touch flatbuffer bytes.
 */
#ifndef OCT_BUILTIN_H
#define OCT_BUILTIN_H

#include <stdint.h>
#include "octet/octet.h"

/* Codes as in TFLite's schema (BuiltinOperator). */
enum {
  OCT_OP_ADD = 0,
  OCT_OP_AVERAGE_POOL_2D = 1,
  OCT_OP_CONCATENATION = 2,
  OCT_OP_CONV_2D = 3,
  OCT_OP_DEPTHWISE_CONV_2D = 4,
  OCT_OP_DEPTH_TO_SPACE = 5,
  OCT_OP_DEQUANTIZE = 6,
  OCT_OP_FLOOR = 8,
  OCT_OP_FULLY_CONNECTED = 9,
  OCT_OP_L2_NORMALIZATION = 11,
  OCT_OP_LOGISTIC = 14,
  OCT_OP_LSTM = 16,
  OCT_OP_MAX_POOL_2D = 17,
  OCT_OP_MUL = 18,
  OCT_OP_RELU = 19,
  OCT_OP_RELU_N1_TO_1 = 20,
  OCT_OP_RELU6 = 21,
  OCT_OP_RESHAPE = 22,
  OCT_OP_RESIZE_BILINEAR = 23,
  OCT_OP_SOFTMAX = 25,
  OCT_OP_SPACE_TO_DEPTH = 26,
  OCT_OP_TANH = 28,
  OCT_OP_CUSTOM = 32,
  OCT_OP_PAD = 34,
  OCT_OP_GATHER = 36,
  OCT_OP_BATCH_TO_SPACE_ND = 37,
  OCT_OP_SPACE_TO_BATCH_ND = 38,
  OCT_OP_TRANSPOSE = 39,
  OCT_OP_MEAN = 40,
  OCT_OP_SUB = 41,
  OCT_OP_DIV = 42,
  OCT_OP_SQUEEZE = 43,
  OCT_OP_UNIDIRECTIONAL_SEQUENCE_LSTM = 44,
  OCT_OP_STRIDED_SLICE = 45,
  OCT_OP_EXP = 47,
  OCT_OP_SPLIT = 49,
  OCT_OP_LOG_SOFTMAX = 50,
  OCT_OP_CAST = 53,
  OCT_OP_PRELU = 54,
  OCT_OP_MAXIMUM = 55,
  OCT_OP_ARG_MAX = 56,
  OCT_OP_MINIMUM = 57,
  OCT_OP_NEG = 59,
  OCT_OP_PADV2 = 60,
  OCT_OP_SLICE = 65,
  OCT_OP_TRANSPOSE_CONV = 67,
  OCT_OP_EXPAND_DIMS = 70,
  OCT_OP_SUM = 74,
  OCT_OP_SQRT = 75,
  OCT_OP_RSQRT = 76,
  OCT_OP_SHAPE = 77,
  OCT_OP_POW = 78,
  OCT_OP_ARG_MIN = 79,
  OCT_OP_REDUCE_MAX = 82,
  OCT_OP_PACK = 83,
  OCT_OP_UNPACK = 88,
  OCT_OP_SQUARE = 92,
  OCT_OP_FLOOR_MOD = 95,
  OCT_OP_RESIZE_NEAREST_NEIGHBOR = 97,
  OCT_OP_LEAKY_RELU = 98,
  OCT_OP_SQUARED_DIFFERENCE = 99,
  OCT_OP_ABS = 101,
  OCT_OP_SPLIT_V = 102,
  OCT_OP_QUANTIZE = 114,
  OCT_OP_HARD_SWISH = 117,
  OCT_OP_BATCH_MATMUL = 126,
  OCT_OP_GELU = 150,
  OCT_OP_MAX_CODE = 255
};

/* Fused activation, as TFLite's ActivationFunctionType. */
typedef enum oct_act {
  OCT_ACT_NONE = 0,
  OCT_ACT_RELU = 1,
  OCT_ACT_RELU_N1_TO_1 = 2,
  OCT_ACT_RELU6 = 3,
  OCT_ACT_TANH = 4,
  OCT_ACT_SIGN_BIT = 5
} oct_act;

typedef enum oct_padding { OCT_PAD_SAME = 0, OCT_PAD_VALID = 1 } oct_padding;

typedef struct oct_conv_options {
  oct_padding padding;
  int32_t stride_w, stride_h;
  oct_act act;
  int32_t dilation_w, dilation_h;
  int32_t depth_multiplier; /* depthwise only */
  oct_dtype quantized_bias_type; /* 0 (float32) when unset */
} oct_conv_options;

typedef struct oct_pool_options {
  oct_padding padding;
  int32_t stride_w, stride_h;
  int32_t filter_w, filter_h;
  oct_act act;
} oct_pool_options;

typedef struct oct_fc_options {
  oct_act act;
  int32_t weights_format; /* 0 DEFAULT, 1 SHUFFLED4x16INT8 */
  int keep_num_dims;
  int asymmetric_quantize_inputs;
  oct_dtype quantized_bias_type;
} oct_fc_options;

typedef struct oct_softmax_options {
  float beta;
} oct_softmax_options;

typedef struct oct_concat_options {
  int32_t axis;
  oct_act act;
} oct_concat_options;

/* ADD, SUB, MUL, DIV. */
typedef struct oct_arith_options {
  oct_act act;
  int pot_scale_int16; /* ADD/SUB only; schema default true */
} oct_arith_options;

typedef struct oct_reshape_options {
  int32_t count; /* -1 when the model gives no new_shape */
  int32_t new_shape[OCT_MAX_RANK];
} oct_reshape_options;

typedef struct oct_squeeze_options {
  int32_t count;
  int32_t dims[OCT_MAX_RANK];
} oct_squeeze_options;

typedef struct oct_strided_slice_options {
  int32_t begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask;
  int offset;
} oct_strided_slice_options;

typedef struct oct_resize_options {
  int align_corners;
  int half_pixel_centers;
} oct_resize_options;

typedef struct oct_transpose_conv_options {
  oct_padding padding;
  int32_t stride_w, stride_h;
  oct_act act;
  oct_dtype quantized_bias_type;
} oct_transpose_conv_options;

typedef struct oct_leaky_relu_options {
  float alpha;
} oct_leaky_relu_options;

typedef struct oct_arg_options {
  oct_dtype output_type;
} oct_arg_options;

typedef struct oct_split_options {
  int32_t num_splits;
} oct_split_options;

typedef struct oct_block_options {
  int32_t block_size; /* DEPTH_TO_SPACE, SPACE_TO_DEPTH */
} oct_block_options;

typedef struct oct_reducer_options {
  int keep_dims;
} oct_reducer_options;

typedef struct oct_gather_options {
  int32_t axis;
  int32_t batch_dims;
} oct_gather_options;

typedef struct oct_pack_options {
  int32_t values_count; /* PACK: values_count; UNPACK: num */
  int32_t axis;
} oct_pack_options;

typedef struct oct_lstm_options {
  oct_act act;
  float cell_clip;
  float proj_clip;
  int time_major;
  int asymmetric_quantize_inputs;
  int kernel_type;
} oct_lstm_options;

typedef struct oct_batch_matmul_options {
  int adj_x, adj_y;
  int asymmetric_quantize_inputs;
} oct_batch_matmul_options;

typedef struct oct_cast_options {
  oct_dtype in_type, out_type;
} oct_cast_options;

typedef struct oct_gelu_options {
  int approximate;
} oct_gelu_options;

typedef union oct_builtin_options {
  oct_conv_options conv;       /* CONV_2D, DEPTHWISE_CONV_2D */
  oct_pool_options pool;       /* AVERAGE_POOL_2D, MAX_POOL_2D, L2_POOL_2D */
  oct_fc_options fc;
  oct_softmax_options softmax;
  oct_concat_options concat;
  oct_arith_options arith;
  oct_reshape_options reshape;
  oct_squeeze_options squeeze;
  oct_strided_slice_options strided_slice;
  oct_resize_options resize;
  oct_transpose_conv_options transpose_conv;
  oct_leaky_relu_options leaky_relu;
  oct_arg_options arg;
  oct_split_options split;
  oct_block_options block;
  oct_reducer_options reducer;
  oct_gather_options gather;
  oct_pack_options pack;
  oct_lstm_options lstm;
  oct_batch_matmul_options batch_matmul;
  oct_cast_options cast;
  oct_gelu_options gelu;
} oct_builtin_options;

#endif /* OCT_BUILTIN_H */
