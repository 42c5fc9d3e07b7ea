/* Options tables and operator versions of the .tflite writer; see
 * tflite_write_ops.h. */
#include "tflite_write_ops.h"

/* ---- options ---- */

static void add_bool(oct_fbb *b, int field, int v, int def) {
  oct_fbb_add_u8(b, field, (uint8_t)(v != 0), (uint8_t)(def != 0));
}

static void add_act(oct_fbb *b, int field, oct_act act) {
  oct_fbb_add_i8(b, field, (int8_t)act, 0);
}

static void add_type(oct_fbb *b, int field, oct_dtype t) {
  oct_fbb_add_i8(b, field, (int8_t)t, 0);
}

/* An empty table: ops whose schema options have no fields still get their
 * (empty) table, as TFLite's converter writes them. */
static uint32_t empty_table(oct_fbb *b, uint8_t member, uint8_t *type) {
  oct_fbb_start(b);
  *type = member;
  return oct_fbb_end(b);
}

static uint32_t int_list(oct_fbb *b, int32_t count, const int32_t *vals) {
  if (count < 0) return 0;
  if (count > OCT_MAX_RANK) count = OCT_MAX_RANK;
  return oct_fbb_vector(b, vals, 4, (size_t)count, 4);
}

uint32_t oct_tflite_write_options(oct_fbb *b, int code,
                                  const oct_builtin_options *o, uint8_t *type) {
  uint32_t vec;
  *type = OCT_TFL_OPT_NONE;
  switch (code) {
    case OCT_OP_CONV_2D:
      oct_fbb_start(b);
      oct_fbb_add_i8(b, 0, (int8_t)o->conv.padding, 0);
      oct_fbb_add_i32(b, 1, o->conv.stride_w, 0);
      oct_fbb_add_i32(b, 2, o->conv.stride_h, 0);
      add_act(b, 3, o->conv.act);
      oct_fbb_add_i32(b, 4, o->conv.dilation_w, 1);
      oct_fbb_add_i32(b, 5, o->conv.dilation_h, 1);
      add_type(b, 6, o->conv.quantized_bias_type);
      *type = OCT_TFL_OPT_CONV_2D;
      return oct_fbb_end(b);
    case OCT_OP_DEPTHWISE_CONV_2D:
      oct_fbb_start(b);
      oct_fbb_add_i8(b, 0, (int8_t)o->conv.padding, 0);
      oct_fbb_add_i32(b, 1, o->conv.stride_w, 0);
      oct_fbb_add_i32(b, 2, o->conv.stride_h, 0);
      oct_fbb_add_i32(b, 3, o->conv.depth_multiplier, 0);
      add_act(b, 4, o->conv.act);
      oct_fbb_add_i32(b, 5, o->conv.dilation_w, 1);
      oct_fbb_add_i32(b, 6, o->conv.dilation_h, 1);
      *type = OCT_TFL_OPT_DEPTHWISE_CONV_2D;
      return oct_fbb_end(b);
    case OCT_OP_AVERAGE_POOL_2D:
    case OCT_OP_MAX_POOL_2D:
      oct_fbb_start(b);
      oct_fbb_add_i8(b, 0, (int8_t)o->pool.padding, 0);
      oct_fbb_add_i32(b, 1, o->pool.stride_w, 0);
      oct_fbb_add_i32(b, 2, o->pool.stride_h, 0);
      oct_fbb_add_i32(b, 3, o->pool.filter_w, 0);
      oct_fbb_add_i32(b, 4, o->pool.filter_h, 0);
      add_act(b, 5, o->pool.act);
      *type = OCT_TFL_OPT_POOL_2D;
      return oct_fbb_end(b);
    case OCT_OP_FULLY_CONNECTED:
      oct_fbb_start(b);
      add_act(b, 0, o->fc.act);
      oct_fbb_add_i8(b, 1, (int8_t)o->fc.weights_format, 0);
      add_bool(b, 2, o->fc.keep_num_dims, 0);
      add_bool(b, 3, o->fc.asymmetric_quantize_inputs, 0);
      add_type(b, 4, o->fc.quantized_bias_type);
      *type = OCT_TFL_OPT_FULLY_CONNECTED;
      return oct_fbb_end(b);
    case OCT_OP_SOFTMAX:
      oct_fbb_start(b);
      oct_fbb_add_f32(b, 0, o->softmax.beta, 0.0f);
      *type = OCT_TFL_OPT_SOFTMAX;
      return oct_fbb_end(b);
    case OCT_OP_CONCATENATION:
      oct_fbb_start(b);
      oct_fbb_add_i32(b, 0, o->concat.axis, 0);
      add_act(b, 1, o->concat.act);
      *type = OCT_TFL_OPT_CONCATENATION;
      return oct_fbb_end(b);
    case OCT_OP_ADD:
    case OCT_OP_SUB:
      oct_fbb_start(b);
      add_act(b, 0, o->arith.act);
      add_bool(b, 1, o->arith.pot_scale_int16, 1);
      *type = code == OCT_OP_ADD ? OCT_TFL_OPT_ADD : OCT_TFL_OPT_SUB;
      return oct_fbb_end(b);
    case OCT_OP_MUL:
    case OCT_OP_DIV:
      oct_fbb_start(b);
      add_act(b, 0, o->arith.act);
      *type = code == OCT_OP_MUL ? OCT_TFL_OPT_MUL : OCT_TFL_OPT_DIV;
      return oct_fbb_end(b);
    case OCT_OP_L2_NORMALIZATION:
      return empty_table(b, OCT_TFL_OPT_L2_NORM, type);
    case OCT_OP_RESHAPE:
      /* count -1: the model gave no new_shape (the shape input says it). */
      vec = int_list(b, o->reshape.count, o->reshape.new_shape);
      oct_fbb_start(b);
      oct_fbb_add_offset(b, 0, vec);
      *type = OCT_TFL_OPT_RESHAPE;
      return oct_fbb_end(b);
    case OCT_OP_SQUEEZE:
      /* No dims and an empty list both mean "every size-1 axis". */
      vec = o->squeeze.count > 0 ? int_list(b, o->squeeze.count, o->squeeze.dims) : 0;
      oct_fbb_start(b);
      oct_fbb_add_offset(b, 0, vec);
      *type = OCT_TFL_OPT_SQUEEZE;
      return oct_fbb_end(b);
    case OCT_OP_STRIDED_SLICE:
      oct_fbb_start(b);
      oct_fbb_add_i32(b, 0, o->strided_slice.begin_mask, 0);
      oct_fbb_add_i32(b, 1, o->strided_slice.end_mask, 0);
      oct_fbb_add_i32(b, 2, o->strided_slice.ellipsis_mask, 0);
      oct_fbb_add_i32(b, 3, o->strided_slice.new_axis_mask, 0);
      oct_fbb_add_i32(b, 4, o->strided_slice.shrink_axis_mask, 0);
      add_bool(b, 5, o->strided_slice.offset, 0);
      *type = OCT_TFL_OPT_STRIDED_SLICE;
      return oct_fbb_end(b);
    case OCT_OP_RESIZE_BILINEAR:
      /* Fields 0 and 1 (new_height, new_width) are deprecated. */
      oct_fbb_start(b);
      add_bool(b, 2, o->resize.align_corners, 0);
      add_bool(b, 3, o->resize.half_pixel_centers, 0);
      *type = OCT_TFL_OPT_RESIZE_BILINEAR;
      return oct_fbb_end(b);
    case OCT_OP_RESIZE_NEAREST_NEIGHBOR:
      oct_fbb_start(b);
      add_bool(b, 0, o->resize.align_corners, 0);
      add_bool(b, 1, o->resize.half_pixel_centers, 0);
      *type = OCT_TFL_OPT_RESIZE_NEAREST_NEIGHBOR;
      return oct_fbb_end(b);
    case OCT_OP_TRANSPOSE_CONV:
      oct_fbb_start(b);
      oct_fbb_add_i8(b, 0, (int8_t)o->transpose_conv.padding, 0);
      oct_fbb_add_i32(b, 1, o->transpose_conv.stride_w, 0);
      oct_fbb_add_i32(b, 2, o->transpose_conv.stride_h, 0);
      add_act(b, 3, o->transpose_conv.act);
      add_type(b, 4, o->transpose_conv.quantized_bias_type);
      *type = OCT_TFL_OPT_TRANSPOSE_CONV;
      return oct_fbb_end(b);
    case OCT_OP_LEAKY_RELU:
      oct_fbb_start(b);
      oct_fbb_add_f32(b, 0, o->leaky_relu.alpha, 0.0f);
      *type = OCT_TFL_OPT_LEAKY_RELU;
      return oct_fbb_end(b);
    case OCT_OP_ARG_MAX:
    case OCT_OP_ARG_MIN:
      oct_fbb_start(b);
      add_type(b, 0, o->arg.output_type);
      *type = code == OCT_OP_ARG_MAX ? OCT_TFL_OPT_ARG_MAX : OCT_TFL_OPT_ARG_MIN;
      return oct_fbb_end(b);
    case OCT_OP_SPLIT:
    case OCT_OP_SPLIT_V:
      oct_fbb_start(b);
      oct_fbb_add_i32(b, 0, o->split.num_splits, 0);
      *type = code == OCT_OP_SPLIT ? OCT_TFL_OPT_SPLIT : OCT_TFL_OPT_SPLIT_V;
      return oct_fbb_end(b);
    case OCT_OP_DEPTH_TO_SPACE:
    case OCT_OP_SPACE_TO_DEPTH:
      oct_fbb_start(b);
      oct_fbb_add_i32(b, 0, o->block.block_size, 0);
      *type = code == OCT_OP_DEPTH_TO_SPACE ? OCT_TFL_OPT_DEPTH_TO_SPACE
                                            : OCT_TFL_OPT_SPACE_TO_DEPTH;
      return oct_fbb_end(b);
    case OCT_OP_MEAN:
    case OCT_OP_SUM:
    case OCT_OP_REDUCE_MAX:
      oct_fbb_start(b);
      add_bool(b, 0, o->reducer.keep_dims, 0);
      *type = OCT_TFL_OPT_REDUCER;
      return oct_fbb_end(b);
    case OCT_OP_GATHER:
      oct_fbb_start(b);
      oct_fbb_add_i32(b, 0, o->gather.axis, 0);
      oct_fbb_add_i32(b, 1, o->gather.batch_dims, 0);
      *type = OCT_TFL_OPT_GATHER;
      return oct_fbb_end(b);
    case OCT_OP_PACK:
    case OCT_OP_UNPACK:
      oct_fbb_start(b);
      oct_fbb_add_i32(b, 0, o->pack.values_count, 0);
      oct_fbb_add_i32(b, 1, o->pack.axis, 0);
      *type = code == OCT_OP_PACK ? OCT_TFL_OPT_PACK : OCT_TFL_OPT_UNPACK;
      return oct_fbb_end(b);
    case OCT_OP_LSTM:
      oct_fbb_start(b);
      add_act(b, 0, o->lstm.act);
      oct_fbb_add_f32(b, 1, o->lstm.cell_clip, 0.0f);
      oct_fbb_add_f32(b, 2, o->lstm.proj_clip, 0.0f);
      oct_fbb_add_i8(b, 3, (int8_t)o->lstm.kernel_type, 0);
      add_bool(b, 4, o->lstm.asymmetric_quantize_inputs, 0);
      *type = OCT_TFL_OPT_LSTM;
      return oct_fbb_end(b);
    case OCT_OP_UNIDIRECTIONAL_SEQUENCE_LSTM:
      oct_fbb_start(b);
      add_act(b, 0, o->lstm.act);
      oct_fbb_add_f32(b, 1, o->lstm.cell_clip, 0.0f);
      oct_fbb_add_f32(b, 2, o->lstm.proj_clip, 0.0f);
      add_bool(b, 3, o->lstm.time_major, 0);
      add_bool(b, 4, o->lstm.asymmetric_quantize_inputs, 0);
      *type = OCT_TFL_OPT_UNIDIRECTIONAL_SEQUENCE_LSTM;
      return oct_fbb_end(b);
    case OCT_OP_BATCH_MATMUL:
      oct_fbb_start(b);
      add_bool(b, 0, o->batch_matmul.adj_x, 0);
      add_bool(b, 1, o->batch_matmul.adj_y, 0);
      add_bool(b, 2, o->batch_matmul.asymmetric_quantize_inputs, 0);
      *type = OCT_TFL_OPT_BATCH_MATMUL;
      return oct_fbb_end(b);
    case OCT_OP_CAST:
      oct_fbb_start(b);
      add_type(b, 0, o->cast.in_type);
      add_type(b, 1, o->cast.out_type);
      *type = OCT_TFL_OPT_CAST;
      return oct_fbb_end(b);
    case OCT_OP_GELU:
      oct_fbb_start(b);
      add_bool(b, 0, o->gelu.approximate, 0);
      *type = OCT_TFL_OPT_GELU;
      return oct_fbb_end(b);
    case OCT_OP_PAD: return empty_table(b, OCT_TFL_OPT_PAD, type);
    case OCT_OP_PADV2: return empty_table(b, OCT_TFL_OPT_PADV2, type);
    case OCT_OP_TRANSPOSE: return empty_table(b, OCT_TFL_OPT_TRANSPOSE, type);
    case OCT_OP_SLICE: return empty_table(b, OCT_TFL_OPT_SLICE, type);
    case OCT_OP_MAXIMUM:
    case OCT_OP_MINIMUM: return empty_table(b, OCT_TFL_OPT_MAXIMUM_MINIMUM, type);
    case OCT_OP_DEQUANTIZE: return empty_table(b, OCT_TFL_OPT_DEQUANTIZE, type);
    case OCT_OP_QUANTIZE: return empty_table(b, OCT_TFL_OPT_QUANTIZE, type);
    case OCT_OP_HARD_SWISH: return empty_table(b, OCT_TFL_OPT_HARD_SWISH, type);
    case OCT_OP_EXPAND_DIMS: return empty_table(b, OCT_TFL_OPT_EXPAND_DIMS, type);
    case OCT_OP_EXP: return empty_table(b, OCT_TFL_OPT_EXP, type);
    case OCT_OP_LOG_SOFTMAX: return empty_table(b, OCT_TFL_OPT_LOG_SOFTMAX, type);
    case OCT_OP_NEG: return empty_table(b, OCT_TFL_OPT_NEG, type);
    case OCT_OP_POW: return empty_table(b, OCT_TFL_OPT_POW, type);
    case OCT_OP_SQUARE: return empty_table(b, OCT_TFL_OPT_SQUARE, type);
    case OCT_OP_FLOOR_MOD: return empty_table(b, OCT_TFL_OPT_FLOOR_MOD, type);
    case OCT_OP_SQUARED_DIFFERENCE:
      return empty_table(b, OCT_TFL_OPT_SQUARED_DIFFERENCE, type);
    case OCT_OP_ABS: return empty_table(b, OCT_TFL_OPT_ABS, type);
    case OCT_OP_BATCH_TO_SPACE_ND:
      return empty_table(b, OCT_TFL_OPT_BATCH_TO_SPACE_ND, type);
    case OCT_OP_SPACE_TO_BATCH_ND:
      return empty_table(b, OCT_TFL_OPT_SPACE_TO_BATCH_ND, type);
    default:
      /* RELU, RELU6, RELU_N1_TO_1, LOGISTIC, TANH, FLOOR, SQRT, RSQRT, ...:
       * the schema has no options table for them. SHAPE's out_type is not
       * kept in the IR, and an empty ShapeOptions would mean float32, so it
       * is left out (TFLite then uses int32). */
      return 0;
  }
}

/* ---- versions ---- */

#define NO_TYPE (-1)

typedef struct op_sig {
  const oct_ir_graph *g;
  const oct_ir_op *op;
} op_sig;

static const oct_ir_tensor *in_t(const op_sig *s, int k) {
  if (k < 0 || k >= s->op->n_inputs || s->op->inputs[k] < 0) return 0;
  return &s->g->tensors[s->op->inputs[k]];
}

static const oct_ir_tensor *out_t(const op_sig *s, int k) {
  if (k < 0 || k >= s->op->n_outputs || s->op->outputs[k] < 0) return 0;
  return &s->g->tensors[s->op->outputs[k]];
}

static int in_type(const op_sig *s, int k) {
  const oct_ir_tensor *t = in_t(s, k);
  return t ? (int)t->type : NO_TYPE;
}

static int out_type(const op_sig *s, int k) {
  const oct_ir_tensor *t = out_t(s, k);
  return t ? (int)t->type : NO_TYPE;
}

static int in_rank(const op_sig *s, int k) {
  const oct_ir_tensor *t = in_t(s, k);
  return t && t->rank > 0 ? t->rank : 0;
}

static int in_quant_count(const op_sig *s, int k) {
  const oct_ir_tensor *t = in_t(s, k);
  return t ? t->q.count : 0;
}

/* Input types (a, b) and output type c; NO_TYPE in a pattern never
 * matches a present tensor. */
static int types_are(const op_sig *s, int a, int b, int c) {
  return in_type(s, 0) == a && in_type(s, 1) == b && out_type(s, 0) == c;
}

static int is_hybrid(const op_sig *s) {
  return types_are(s, OCT_FLOAT32, OCT_INT8, OCT_FLOAT32);
}

/* op_version.cc's NeedBroadcastForBinaryInputs && GetInputMaxDims > 4. */
static int broadcast_over_4d(const op_sig *s) {
  const oct_ir_tensor *a = in_t(s, 0), *b = in_t(s, 1);
  if (!a || !b) return 0;
  int differ = a->rank != b->rank;
  for (int i = 0; !differ && i < a->rank; i++) differ = a->dims[i] != b->dims[i];
  return differ && (a->rank > 4 || b->rank > 4);
}

/* 2 for an int8 input, 3 for int16, else 1: the rule shared by SOFTMAX,
 * MEAN, REDUCE_MAX, RELU6, RSQRT and CONCATENATION. */
static int v_int8_2_int16_3(const op_sig *s) {
  if (in_type(s, 0) == OCT_INT16) return 3;
  return in_type(s, 0) == OCT_INT8 ? 2 : 1;
}

static int conv_version(const op_sig *s) {
  const oct_conv_options *c = &s->op->opts.conv;
  const oct_ir_tensor *in = in_t(s, 0), *w = in_t(s, 1);
  if (types_are(s, OCT_INT16, OCT_INT8, OCT_INT16) && c->quantized_bias_type) return 8;
  if (in && w && in->rank == 4 && w->rank == 4 && in->dims[3] != w->dims[3]) return 6;
  if (types_are(s, OCT_INT16, OCT_INT16, OCT_INT16)) return 4;
  if (types_are(s, OCT_INT8, OCT_INT8, OCT_INT8)) return 3;
  if (is_hybrid(s)) return in_quant_count(s, 1) > 1 ? 5 : 2;
  return 1;
}

static int depthwise_version(const op_sig *s) {
  const oct_conv_options *c = &s->op->opts.conv;
  if (types_are(s, OCT_INT16, OCT_INT16, OCT_INT16)) return 5;
  if (is_hybrid(s)) return in_quant_count(s, 1) > 1 ? 6 : 4;
  if (types_are(s, OCT_INT8, OCT_INT8, OCT_INT8)) return 3;
  if (c->dilation_w != 1 || c->dilation_h != 1) return 2;
  return 1;
}

static int fc_version(const op_sig *s) {
  const oct_fc_options *f = &s->op->opts.fc;
  if (is_hybrid(s) && in_quant_count(s, 1) > 1) return 12;
  if (types_are(s, OCT_INT16, OCT_INT8, OCT_INT16) && f->quantized_bias_type) return 11;
  if (types_are(s, OCT_INT16, OCT_INT16, OCT_INT16)) return 7;
  if (s->op->n_inputs == 2) return 6;
  if (f->keep_num_dims) return 5;
  if (types_are(s, OCT_INT8, OCT_INT8, OCT_INT8)) return 4;
  if (is_hybrid(s)) return f->asymmetric_quantize_inputs ? 9 : 3;
  if (f->weights_format == 1) return 2;
  return 1;
}

static int mul_version(const op_sig *s) {
  const int t = in_type(s, 0);
  const int quantized = in_quant_count(s, 0) > 0 || in_quant_count(s, 1) > 0;
  if (t == OCT_INT16 && !quantized) return 7;
  if (t == OCT_COMPLEX64) return 6;
  if (t == OCT_INT64) return 5;
  if (t == OCT_INT16) return 4;
  const oct_ir_tensor *a = in_t(s, 0), *b = in_t(s, 1), *o = out_t(s, 0);
  if (a && b && o && a->q.count > 0 && b->q.count > 0 && o->q.count > 0 &&
      a->q.scale[0] != 0 && b->q.scale[0] != 0 && o->q.scale[0] != 0 &&
      (double)a->q.scale[0] * (double)b->q.scale[0] / (double)o->q.scale[0] >= 1.0)
    return 3;
  return t == OCT_INT8 ? 2 : 1;
}

static int add_version(const op_sig *s) {
  const int t = in_type(s, 0);
  const int quantized = in_quant_count(s, 0) > 0 || in_quant_count(s, 1) > 0;
  if (t == OCT_INT16 && !quantized) return 5;
  if (t == OCT_INT64) return 4;
  if (t == OCT_INT16 && out_type(s, 0) == OCT_INT16 && !s->op->opts.arith.pot_scale_int16)
    return 3;
  return t == OCT_INT8 ? 2 : 1;
}

static int sub_version(const op_sig *s) {
  const int t = in_type(s, 0);
  if (t == OCT_INT16 && out_type(s, 0) == OCT_INT16 && !s->op->opts.arith.pot_scale_int16)
    return 5;
  if (t == OCT_INT64) return 4;
  if (broadcast_over_4d(s)) return 3;
  return t == OCT_INT8 ? 2 : 1;
}

static int strided_slice_version(const op_sig *s) {
  const oct_strided_slice_options *o = &s->op->opts.strided_slice;
  const int t = in_type(s, 0);
  if (o->offset) return 8;
  if (o->ellipsis_mask || o->new_axis_mask) return 6;
  if (t == OCT_STRING) return 5;
  if (in_rank(s, 0) > 4) return 4;
  if (t == OCT_BOOL) return 3;
  return t == OCT_INT8 ? 2 : 1;
}

static int transpose_conv_version(const op_sig *s) {
  const oct_transpose_conv_options *o = &s->op->opts.transpose_conv;
  /* Inputs: output_shape, weights, input, optional bias. */
  const int w = in_type(s, 1);
  if (in_type(s, 2) == OCT_INT16 && w == OCT_INT8 && out_type(s, 0) == OCT_INT16 &&
      o->quantized_bias_type)
    return 5;
  if (o->act != OCT_ACT_NONE) return 4;
  if (s->op->n_inputs == 4 && in_type(s, 3) != NO_TYPE) return 3;
  return w == OCT_INT8 ? 2 : 1;
}

static int lstm_version(const op_sig *s, int sequence) {
  const oct_lstm_options *o = &s->op->opts.lstm;
  const int full = sequence || o->kernel_type == 0;
  if (full && in_type(s, 0) == OCT_INT16 && in_type(s, 2) == OCT_INT8 &&
      out_type(s, 0) == OCT_INT16)
    return 5;
  if (full && in_type(s, 0) == OCT_FLOAT32 && in_type(s, 2) == OCT_INT8 &&
      out_type(s, 0) == OCT_FLOAT32) {
    if (sequence) return o->asymmetric_quantize_inputs ? 3 : 2;
    return o->asymmetric_quantize_inputs ? 4 : 3;
  }
  if (!sequence && o->kernel_type == 1) return 2;
  return 1;
}

static int builtin_version(const op_sig *s) {
  const int t0 = in_type(s, 0);
  const oct_builtin_options *o = &s->op->opts;
  switch (s->op->code) {
    case OCT_OP_CONV_2D: return conv_version(s);
    case OCT_OP_DEPTHWISE_CONV_2D: return depthwise_version(s);
    case OCT_OP_FULLY_CONNECTED: return fc_version(s);
    case OCT_OP_TRANSPOSE_CONV: return transpose_conv_version(s);
    case OCT_OP_ADD: return add_version(s);
    case OCT_OP_SUB: return sub_version(s);
    case OCT_OP_MUL: return mul_version(s);
    case OCT_OP_DIV: return broadcast_over_4d(s) ? 2 : 1;
    case OCT_OP_MAXIMUM:
    case OCT_OP_MINIMUM:
      if (t0 == OCT_INT16 && out_type(s, 0) == OCT_INT16) return 4;
      if (broadcast_over_4d(s)) return 3;
      return t0 == OCT_INT8 ? 2 : 1;
    case OCT_OP_AVERAGE_POOL_2D:
    case OCT_OP_MAX_POOL_2D:
      if (t0 == OCT_INT16 && out_type(s, 0) == OCT_INT16) return 3;
      return t0 == OCT_INT8 ? 2 : 1;
    case OCT_OP_TANH:
    case OCT_OP_LOGISTIC:
      if (t0 == OCT_INT16 && out_type(s, 0) == OCT_INT16) return 3;
      return t0 == OCT_INT8 ? 2 : 1;
    case OCT_OP_RELU:
      if (t0 == OCT_INT16) return 3;
      return t0 == OCT_INT8 || t0 == OCT_UINT8 ? 2 : 1;
    case OCT_OP_SOFTMAX:
    case OCT_OP_MEAN:
    case OCT_OP_REDUCE_MAX:
    case OCT_OP_RELU6:
    case OCT_OP_RSQRT:
    case OCT_OP_CONCATENATION:
      return v_int8_2_int16_3(s);
    case OCT_OP_LEAKY_RELU: return t0 == OCT_INT16 ? 2 : 1;
    case OCT_OP_TRANSPOSE:
      if (in_rank(s, 0) > 5) return 6;
      if (t0 == OCT_INT16) return 5;
      if (in_rank(s, 0) > 4) return 4;
      if (t0 == OCT_BOOL) return 3;
      return t0 == OCT_INT8 ? 2 : 1;
    case OCT_OP_STRIDED_SLICE: return strided_slice_version(s);
    case OCT_OP_SLICE:
      if (in_rank(s, 0) > 4) return 5;
      if (t0 == OCT_INT16) return 4;
      if (t0 == OCT_STRING) return 3;
      return t0 == OCT_INT8 ? 2 : 1;
    case OCT_OP_PAD:
    case OCT_OP_PADV2:
      if (in_rank(s, 0) > 4) return 4;
      if (t0 == OCT_INT16) return 3;
      return t0 == OCT_INT8 ? 2 : 1;
    case OCT_OP_SPLIT: {
      const int t1 = in_type(s, 1); /* input 0 is the axis */
      if (t1 == OCT_INT16) return 4;
      if (t1 == OCT_INT32) return 3;
      return t1 == OCT_INT8 ? 2 : 1;
    }
    case OCT_OP_SPLIT_V:
    case OCT_OP_SUM:
    case OCT_OP_LOG_SOFTMAX:
    case OCT_OP_SQUARED_DIFFERENCE:
    case OCT_OP_DEPTH_TO_SPACE:
    case OCT_OP_SPACE_TO_DEPTH:
      return t0 == OCT_INT8 ? 2 : 1;
    case OCT_OP_ARG_MAX:
    case OCT_OP_ARG_MIN:
      if (t0 == OCT_BOOL) return 3;
      return t0 == OCT_INT8 ? 2 : 1;
    case OCT_OP_QUANTIZE: {
      const oct_ir_tensor *out = out_t(s, 0);
      if (out && out->q.count > 1) return 3;
      return out_type(s, 0) == OCT_INT16 ? 2 : 1;
    }
    case OCT_OP_DEQUANTIZE:
      if (t0 == OCT_INT16 || t0 == OCT_FLOAT16) return 3;
      if (t0 == OCT_INT8) return in_quant_count(s, 0) > 1 ? 5 : 2;
      return 1;
    case OCT_OP_RESIZE_BILINEAR:
      if (t0 == OCT_INT16) return 4;
      if (o->resize.half_pixel_centers) return 3;
      return t0 == OCT_INT8 ? 2 : 1;
    case OCT_OP_RESIZE_NEAREST_NEIGHBOR:
      if (t0 == OCT_INT16) return 4;
      if (o->resize.half_pixel_centers || o->resize.align_corners) return 3;
      return t0 == OCT_INT8 ? 2 : 1;
    case OCT_OP_SQUEEZE: return t0 == OCT_STRING ? 2 : 1;
    case OCT_OP_L2_NORMALIZATION: return out_type(s, 0) == OCT_INT8 ? 2 : 1;
    case OCT_OP_ABS:
      if (t0 == OCT_INT32) return 5;
      if (t0 == OCT_INT16) return in_quant_count(s, 0) > 0 ? 3 : 4;
      return t0 == OCT_INT8 || t0 == OCT_UINT8 ? 2 : 1;
    case OCT_OP_EXP: return t0 == OCT_INT8 || t0 == OCT_INT16 ? 2 : 1;
    case OCT_OP_FLOOR_MOD: return t0 == OCT_INT8 || t0 == OCT_INT16 ? 2 : 1;
    case OCT_OP_GATHER:
      if (in_type(s, 1) == OCT_INT16) return 6;
      if (o->gather.batch_dims != 0) return 5;
      if (t0 == OCT_INT16) return 4;
      if (t0 == OCT_BOOL) return 3;
      return t0 == OCT_INT8 ? 2 : 1;
    case OCT_OP_PACK:
      if (t0 == OCT_INT8) return 2;
      return t0 == OCT_INT16 && out_type(s, 0) == OCT_INT16 ? 3 : 1;
    case OCT_OP_UNPACK:
      if (t0 == OCT_INT8 || t0 == OCT_UINT8) return 2;
      if (t0 == OCT_BOOL) return 3;
      return t0 == OCT_INT16 && out_type(s, 0) == OCT_INT16 ? 4 : 1;
    case OCT_OP_SPACE_TO_BATCH_ND:
    case OCT_OP_BATCH_TO_SPACE_ND:
      if (t0 == OCT_INT16) return 4;
      if (in_rank(s, 0) != 4) return 3;
      return t0 == OCT_INT8 ? 2 : 1;
    case OCT_OP_BATCH_MATMUL:
      if (t0 == OCT_INT16) return 3;
      if (t0 == OCT_INT8) return 2;
      if (is_hybrid(s) && o->batch_matmul.asymmetric_quantize_inputs) return 4;
      return 1;
    case OCT_OP_CAST: {
      const int a = t0, b = out_type(s, 0);
      if (a == OCT_FLOAT64 || b == OCT_FLOAT64 || a == OCT_FLOAT16 || b == OCT_FLOAT16)
        return 5;
      return a == OCT_INT8 || b == OCT_INT8 ? 3 : 1;
    }
    case OCT_OP_GELU: return t0 == OCT_INT8 || t0 == OCT_UINT8 ? 2 : 1;
    case OCT_OP_LSTM: return lstm_version(s, 0);
    case OCT_OP_UNIDIRECTIONAL_SEQUENCE_LSTM: return lstm_version(s, 1);
    default:
      /* RESHAPE, EXPAND_DIMS, HARD_SWISH, FLOOR, ...: one version. */
      return 1;
  }
}

int oct_tflite_op_version(const oct_ir_graph *g, const oct_ir_op *op) {
  if (op->version > 0) return op->version;
  const op_sig s = {g, op};
  return builtin_version(&s);
}

/* ---- minimum runtime versions ---- */

/* Releases indexed by op version 1, 2, ... (NULL: not in TFLite's table). */
typedef struct runtime_row {
  int code;
  const char *v[9];
} runtime_row;

static const runtime_row k_runtime[] = {
    {OCT_OP_ADD, {"1.5.0", "1.14.0", "2.4.0", "2.6.0"}},
    {OCT_OP_AVERAGE_POOL_2D, {"1.5.0", "1.14.0", "2.3.0"}},
    {OCT_OP_CONCATENATION, {"1.5.0", "1.14.0", "2.3.0"}},
    {OCT_OP_CONV_2D, {"1.5.0", "1.14.0", "1.14.0", "2.3.0", "2.4.0", "2.9.0"}},
    {OCT_OP_DEPTHWISE_CONV_2D, {"1.5.0", "1.12.0", "1.14.0", "2.2.0", "2.3.0", "2.3.0"}},
    {OCT_OP_DEPTH_TO_SPACE, {"2.1.0", "2.5.0"}},
    {OCT_OP_DEQUANTIZE, {"1.13.1", "1.14.0", "1.15.0", "2.2.0", "2.7.0"}},
    {OCT_OP_FLOOR, {"1.9.0"}},
    {OCT_OP_FULLY_CONNECTED,
     {"1.5.0", "1.10.0", "1.14.0", "1.14.0", "2.0.0", "2.1.0", "2.3.0", "2.3.0", "2.3.0"}},
    {OCT_OP_L2_NORMALIZATION, {"1.5.0", "1.14.0"}},
    {OCT_OP_LOGISTIC, {"1.14.0", "1.14.0", "2.3.0"}},
    {OCT_OP_LSTM, {"1.7.0", "1.10.0", "1.14.0", "2.3.0"}},
    {OCT_OP_MAX_POOL_2D, {"1.5.0", "1.14.0", "2.3.0"}},
    {OCT_OP_MUL, {"1.5.0", "1.14.0", "1.15.0", "2.3.0", "2.6.0"}},
    {OCT_OP_RELU, {"1.5.0", "2.1.0", "2.5.0"}},
    {OCT_OP_RELU_N1_TO_1, {"1.5.0"}},
    {OCT_OP_RELU6, {"1.5.0", "1.14.0", "2.5.0"}},
    {OCT_OP_RESHAPE, {"1.5.0"}},
    {OCT_OP_RESIZE_BILINEAR, {"1.7.0", "1.14.0", "2.2.0", "2.5.0"}},
    {OCT_OP_SOFTMAX, {"1.5.0", "1.14.0", "2.3.0"}},
    {OCT_OP_SPACE_TO_DEPTH, {"1.5.0", "1.14.0"}},
    {OCT_OP_TANH, {"1.14.0", "1.14.0", "2.3.0"}},
    {OCT_OP_PAD, {"1.5.0", "1.14.0", "2.4.0", "2.6.0"}},
    {OCT_OP_GATHER, {"1.6.0", "1.14.0", "1.15.0", "2.4.0", "2.5.0"}},
    {OCT_OP_BATCH_TO_SPACE_ND, {"1.6.0", "1.14.0", "2.3.0"}},
    {OCT_OP_SPACE_TO_BATCH_ND, {"1.6.0", "1.14.0", "2.3.0"}},
    {OCT_OP_TRANSPOSE, {"1.6.0", "1.14.0", "1.15.0", "2.3.0", "2.4.0"}},
    {OCT_OP_MEAN, {"1.6.0", "1.14.0", "2.4.0"}},
    {OCT_OP_SUB, {"1.6.0", "1.14.0", "2.3.0", "2.4.0", "2.4.0"}},
    {OCT_OP_DIV, {"1.6.0", "2.3.0"}},
    {OCT_OP_SQUEEZE, {"1.6.0", "2.5.0"}},
    {OCT_OP_UNIDIRECTIONAL_SEQUENCE_LSTM, {"1.13.1", "1.14.0", "2.3.0"}},
    {OCT_OP_STRIDED_SLICE, {"1.6.0", "1.14.0", "2.1.0", "2.2.0", "2.5.0", "2.6.0"}},
    {OCT_OP_EXP, {"1.7.0"}},
    {OCT_OP_SPLIT, {"1.5.0", "1.14.0", "1.14.0", "2.3.0"}},
    {OCT_OP_LOG_SOFTMAX, {"1.14.0", "1.14.0"}},
    {OCT_OP_CAST, {"1.5.0", "2.7.0", "2.8.0", "2.9.0"}},
    {OCT_OP_PRELU, {"1.8.0"}},
    {OCT_OP_MAXIMUM, {"1.14.0", "1.14.0", "2.3.0", "2.3.0"}},
    {OCT_OP_ARG_MAX, {"1.9.0", "1.14.0", "2.9.0"}},
    {OCT_OP_MINIMUM, {"1.14.0", "1.14.0", "2.3.0", "2.3.0"}},
    {OCT_OP_NEG, {"1.9.0"}},
    {OCT_OP_PADV2, {"1.9.0", "1.14.0", "2.4.0", "2.6.0"}},
    {OCT_OP_SLICE, {"1.14.0", "1.14.0", "1.14.0", "2.4.0", "2.5.0"}},
    {OCT_OP_TRANSPOSE_CONV, {"1.9.0", "2.2.0", "2.3.0"}},
    {OCT_OP_EXPAND_DIMS, {"1.10.0"}},
    {OCT_OP_SUM, {"1.10.0", "1.15.0"}},
    {OCT_OP_SQRT, {"1.10.0"}},
    {OCT_OP_RSQRT, {"1.10.0", "2.5.0"}},
    {OCT_OP_SHAPE, {"1.10.0"}},
    {OCT_OP_POW, {"1.10.0"}},
    {OCT_OP_ARG_MIN, {"1.9.0", "1.14.0", "2.9.0"}},
    {OCT_OP_REDUCE_MAX, {"1.11.0", "1.14.0", "2.5.0"}},
    {OCT_OP_PACK, {"1.11.0", "1.14.0", "2.3.0"}},
    {OCT_OP_UNPACK, {"1.11.0", "1.14.0", "2.2.0", "2.3.0"}},
    {OCT_OP_SQUARE, {"1.12.0"}},
    {OCT_OP_FLOOR_MOD, {"1.13.0"}},
    {OCT_OP_RESIZE_NEAREST_NEIGHBOR, {"1.13.1", "1.14.0", "2.3.0", "2.4.0"}},
    {OCT_OP_LEAKY_RELU, {"1.13.1", "2.3.0"}},
    {OCT_OP_SQUARED_DIFFERENCE, {"1.13.1", "2.5.0"}},
    {OCT_OP_ABS, {"1.13.0", "2.4.0", "2.5.0", "2.6.0"}},
    {OCT_OP_SPLIT_V, {"1.13.1", "2.3.0"}},
    {OCT_OP_QUANTIZE, {"1.14.0", "1.15.0", "2.7.0"}},
    {OCT_OP_HARD_SWISH, {"1.15.0"}},
    {OCT_OP_BATCH_MATMUL, {"2.3.0", "2.3.0", "2.4.0", "2.5.0"}},
    {OCT_OP_GELU, {"2.9.0", "2.9.0"}},
};

const char *oct_tflite_min_runtime(int code, int version) {
  if (version < 1 || version > 9) return 0;
  for (size_t i = 0; i < sizeof k_runtime / sizeof k_runtime[0]; i++)
    if (k_runtime[i].code == code) return k_runtime[i].v[version - 1];
  return 0;
}

int oct_tflite_version_cmp(const char *a, const char *b) {
  for (;;) {
    long x = 0, y = 0;
    while (*a >= '0' && *a <= '9') x = x * 10 + (*a++ - '0');
    while (*b >= '0' && *b <= '9') y = y * 10 + (*b++ - '0');
    if (x != y) return x < y ? -1 : 1;
    if (*a != '.' || *b != '.') return (*a == '.') - (*b == '.');
    a++;
    b++;
  }
}
