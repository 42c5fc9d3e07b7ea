/*
 * Reads a .tflite flatbuffer into the interpreter's tensor and node tables.
 *
 * Everything a later step relies on is checked here, once: offsets, vector
 * lengths and strings (through fb.c), tensor indices, ranks, dimensions,
 * byte sizes (with overflow checks), buffer sizes against shapes,
 * quantization parameter counts and axes, and that every op is one octet
 * implements. Ops then validate their own semantics in prepare.
 */
#include "interp.h"

/* Field numbers from TFLite's schema.fbs. */
enum { MODEL_VERSION = 0, MODEL_OPCODES = 1, MODEL_SUBGRAPHS = 2, MODEL_BUFFERS = 4 };
enum { OPCODE_DEPRECATED = 0, OPCODE_CUSTOM = 1, OPCODE_VERSION = 2, OPCODE_BUILTIN = 3 };
enum { SG_TENSORS = 0, SG_INPUTS = 1, SG_OUTPUTS = 2, SG_OPERATORS = 3 };
enum { BUF_DATA = 0, BUF_OFFSET = 1, BUF_SIZE = 2 };
enum {
  TENSOR_SHAPE = 0, TENSOR_TYPE = 1, TENSOR_BUFFER = 2, TENSOR_NAME = 3,
  TENSOR_QUANT = 4, TENSOR_VARIABLE = 5, TENSOR_SPARSITY = 6
};
enum { Q_SCALE = 2, Q_ZERO_POINT = 3, Q_DETAILS_TYPE = 4, Q_DIM = 6 };
enum {
  OP_OPCODE = 0, OP_INPUTS = 1, OP_OUTPUTS = 2, OP_OPTIONS_TYPE = 3,
  OP_OPTIONS = 4, OP_CUSTOM_OPTIONS = 5
};

#define MODEL_ERR(...) oct_set_error(it, OCT_ERR_MODEL, __VA_ARGS__)
#define BAD_FILE(what) MODEL_ERR("malformed flatbuffer: %s is out of bounds", what)

static int known_dtype(int8_t t) {
  return t >= OCT_FLOAT32 && t <= OCT_FLOAT64;
}

static oct_status read_i32_vec(struct oct_interp *it, const oct_fb_vec *v,
                               int32_t **out) {
  *out = 0;
  if (!v->len) return OCT_OK;
  void *p;
  oct_status st = oct_arena_take(it, (size_t)v->len * 4, &p);
  if (st) return st;
  int32_t *a = p;
  for (uint32_t i = 0; i < v->len; i++) a[i] = oct_load_i32(oct_fb_vec_ptr(v) + 4 * i);
  *out = a;
  return OCT_OK;
}

static oct_status parse_quant(struct oct_interp *it, oct_tensor *t, int index,
                              const oct_fb_table *q) {
  oct_fb_vec scales, zps;
  uint8_t details = 0;
  int32_t qdim = 0;
  if (!oct_fb_vec_field(q, Q_SCALE, 4, &scales) ||
      !oct_fb_vec_field(q, Q_ZERO_POINT, 8, &zps) ||
      !oct_fb_u8(q, Q_DETAILS_TYPE, 0, &details) ||
      !oct_fb_i32(q, Q_DIM, 0, &qdim))
    return BAD_FILE("quantization parameters");
  if (details != 0)
    return oct_set_error(it, OCT_ERR_UNSUPPORTED,
                         "tensor %d '%s': custom quantization is not supported",
                         index, t->name);
  if (scales.len == 0) return OCT_OK; /* min/max only: not quantized */
  if (zps.len != 0 && zps.len != scales.len && zps.len != 1)
    return MODEL_ERR("tensor %d '%s': %u scales but %u zero points", index,
                     t->name, scales.len, zps.len);
  if (scales.len > 1) {
    if (t->rank == 1) {
      /* TFLite Micro ignores the axis of rank-1 per-channel tensors (e.g.
       * person_detect's biases carry the filter's axis 3); so do we. */
      qdim = 0;
    }
    if (qdim < 0 || qdim >= t->rank)
      return MODEL_ERR("tensor %d '%s': quantized_dimension %d outside rank %d",
                       index, t->name, (int)qdim, (int)t->rank);
    if (t->dims[qdim] != (int32_t)scales.len)
      return MODEL_ERR("tensor %d '%s': %u scales for dimension %d of size %d",
                       index, t->name, scales.len, (int)qdim,
                       (int)t->dims[qdim]);
  }
  for (uint32_t i = 0; i < scales.len; i++) {
    float s = oct_load_f32(oct_fb_vec_ptr(&scales) + 4 * i);
    if (!oct_isfinite(s))
      return MODEL_ERR("tensor %d '%s': quantization scale %u is not finite",
                       index, t->name, i);
  }
  for (uint32_t i = 0; i < zps.len; i++) {
    int64_t z = (int64_t)oct_load_u64(oct_fb_vec_ptr(&zps) + 8 * i);
    if (z < INT32_MIN || z > INT32_MAX)
      return MODEL_ERR("tensor %d '%s': zero point %lld out of range", index,
                       t->name, (long long)z);
  }
  t->q_count = (int32_t)scales.len;
  t->q_dim = qdim;
  t->q_scales = oct_fb_vec_ptr(&scales);
  t->scale = oct_load_f32(t->q_scales);
  t->q_zp_count = (int32_t)zps.len;
  t->q_zps = zps.len ? oct_fb_vec_ptr(&zps) : 0;
  t->zero_point = zps.len ? (int32_t)oct_load_u64(t->q_zps) : 0;
  return OCT_OK;
}

/* Finds the constant bytes of buffer `b`, if any. */
static oct_status buffer_bytes(struct oct_interp *it, const oct_fb_vec *buffers,
                               uint32_t b, const uint8_t **data, size_t *size) {
  *data = 0;
  *size = 0;
  if (b == 0) return OCT_OK; /* buffer 0 is the empty sentinel */
  if (b >= buffers->len)
    return MODEL_ERR("buffer index %u out of range (%u buffers)", b,
                     buffers->len);
  oct_fb_table bt;
  oct_fb_vec dv;
  uint64_t off = 0, sz = 0;
  if (!oct_fb_vec_table(buffers, b, &bt) || !oct_fb_vec_field(&bt, BUF_DATA, 1, &dv) ||
      !oct_fb_u64(&bt, BUF_OFFSET, 0, &off) || !oct_fb_u64(&bt, BUF_SIZE, 0, &sz))
    return BAD_FILE("buffer table");
  if (dv.len) {
    *data = oct_fb_vec_ptr(&dv);
    *size = dv.len;
  } else if (off > 1 && sz > 0) {
    /* Large models keep buffers after the flatbuffer, addressed by offset. */
    if (off > it->model_size || sz > it->model_size - off)
      return MODEL_ERR("buffer %u: external data [%llu, +%llu) outside the %zu-byte file",
                       b, (unsigned long long)off, (unsigned long long)sz,
                       it->model_size);
    *data = it->model + off;
    *size = (size_t)sz;
  }
  return OCT_OK;
}

static oct_status parse_tensor(struct oct_interp *it, const oct_fb_vec *buffers,
                               const oct_fb_table *tt, int index,
                               oct_tensor *t) {
  oct_fb_vec shape;
  int8_t type = 0;
  uint32_t buffer = 0;
  int variable = 0;
  oct_fb_table quant;
  if (!oct_fb_vec_field(tt, TENSOR_SHAPE, 4, &shape) ||
      !oct_fb_i8(tt, TENSOR_TYPE, 0, &type) ||
      !oct_fb_u32(tt, TENSOR_BUFFER, 0, &buffer) ||
      !oct_fb_string_field(tt, TENSOR_NAME, &t->name, 0) ||
      !oct_fb_table_field(tt, TENSOR_QUANT, &quant) ||
      !oct_fb_bool(tt, TENSOR_VARIABLE, 0, &variable))
    return BAD_FILE("tensor table");
  if (!t->name) t->name = "";
  if (!known_dtype(type))
    return oct_set_error(it, OCT_ERR_UNSUPPORTED,
                         "tensor %d '%s': unknown type %d", index, t->name, type);
  if (oct_fb_has(tt, TENSOR_SPARSITY))
    return oct_set_error(it, OCT_ERR_UNSUPPORTED,
                         "tensor %d '%s': sparse tensors are not supported",
                         index, t->name);
  if (shape.len > OCT_MAX_RANK)
    return oct_set_error(it, OCT_ERR_LIMIT,
                         "tensor %d '%s': rank %u exceeds %d", index, t->name,
                         shape.len, OCT_MAX_RANK);
  t->type = (oct_dtype)type;
  t->rank = (int32_t)shape.len;
  uint64_t elems = 1;
  for (uint32_t i = 0; i < shape.len; i++) {
    int32_t d = oct_load_i32(oct_fb_vec_ptr(&shape) + 4 * i);
    if (d < 0)
      return MODEL_ERR("tensor %d '%s': dimension %u is %d", index, t->name, i,
                       (int)d);
    if (d == 0)
      return oct_set_error(it, OCT_ERR_UNSUPPORTED,
                           "tensor %d '%s': zero-sized dimension %u", index,
                           t->name, i);
    t->dims[i] = d;
    elems *= (uint64_t)d;
    if (elems > OCT_MAX_TENSOR_BYTES)
      return oct_set_error(it, OCT_ERR_LIMIT,
                           "tensor %d '%s': too many elements", index, t->name);
  }
  const uint64_t bytes = elems * oct_dtype_size(t->type);
  if (bytes > OCT_MAX_TENSOR_BYTES)
    return oct_set_error(it, OCT_ERR_LIMIT,
                         "tensor %d '%s': %llu bytes exceeds the limit", index,
                         t->name, (unsigned long long)bytes);
  t->bytes = (size_t)bytes;
  t->is_variable = (uint8_t)variable;

  const uint8_t *data;
  size_t size;
  oct_status st = buffer_bytes(it, buffers, buffer, &data, &size);
  if (st) return st;
  if (data) {
    if (oct_dtype_size(t->type) == 0)
      return oct_set_error(it, OCT_ERR_UNSUPPORTED,
                           "tensor %d '%s': constant %s data is not supported",
                           index, t->name, oct_dtype_name(t->type));
    if (size != t->bytes)
      return MODEL_ERR("tensor %d '%s': buffer %u has %zu bytes, shape needs %zu",
                       index, t->name, buffer, size, t->bytes);
    const size_t align = oct_dtype_size(t->type) > 8 ? 8 : oct_dtype_size(t->type);
    if (((uintptr_t)data & (align - 1)) != 0) {
      /* Kernels read constants as typed arrays; copy the rare misaligned
       * buffer (a hand-made or damaged file) into the arena. */
      void *copy;
      st = oct_arena_take(it, size, &copy);
      if (st) return st;
      oct_memcpy(copy, data, size);
      data = copy;
    }
    if (!t->is_variable) {
      t->is_const = 1;
      it->weight_bytes += size;
    }
    t->data = (void *)data;
  }
  if (oct_fb_present(&quant)) return parse_quant(it, t, index, &quant);
  return OCT_OK;
}

/* The options table of an op, if its union type is the one expected. */
static int options_table(const oct_fb_table *op, uint8_t want,
                         oct_fb_table *out) {
  uint8_t type = 0;
  oct_memset(out, 0, sizeof *out);
  if (!oct_fb_u8(op, OP_OPTIONS_TYPE, 0, &type)) return 0;
  if (type != want) return 1; /* defaults, as TFLite's parser does */
  return oct_fb_table_field(op, OP_OPTIONS, out);
}

/* Union member numbers of BuiltinOptions in TFLite's schema. */
enum {
  U_CONV = 1, U_DWCONV = 2, U_POOL = 5, U_FC = 8, U_SOFTMAX = 9, U_CONCAT = 10,
  U_ADD = 11, U_LSTM = 14, U_RESIZE_BILINEAR = 15, U_RESHAPE = 17,
  U_SPACE_TO_DEPTH = 19, U_MUL = 21, U_GATHER = 23, U_REDUCER = 27, U_SUB = 28,
  U_DIV = 29, U_SQUEEZE = 30, U_STRIDED_SLICE = 32, U_SPLIT = 35, U_CAST = 37,
  U_ARG_MAX = 40, U_TRANSPOSE_CONV = 49, U_ARG_MIN = 57, U_PACK = 59,
  U_UNPACK = 64, U_UNI_LSTM = 71, U_RESIZE_NN = 74, U_LEAKY_RELU = 75,
  U_SPLIT_V = 79, U_DEPTH_TO_SPACE = 94, U_BATCH_MATMUL = 101, U_GELU = 116
};

static int read_act(const oct_fb_table *t, int field, oct_act *out) {
  int8_t v = 0;
  if (!oct_fb_i8(t, field, 0, &v)) return 0;
  *out = (oct_act)v;
  return 1;
}

static int read_int_list(const oct_fb_table *t, int field, int32_t *count,
                         int32_t *vals) {
  oct_fb_vec v;
  if (!oct_fb_vec_field(t, field, 4, &v)) return 0;
  if (!v.buf) {
    *count = -1;
    return 1;
  }
  if (v.len > OCT_MAX_RANK) return 0;
  *count = (int32_t)v.len;
  for (uint32_t i = 0; i < v.len; i++) vals[i] = oct_load_i32(oct_fb_vec_ptr(&v) + 4 * i);
  return 1;
}

/* Fills `o` with the op's options, schema defaults where absent. Returns 0
 * when the options table is malformed. */
static int parse_options(int32_t code, const oct_fb_table *op,
                         oct_builtin_options *o) {
  oct_fb_table t;
  int8_t i8 = 0;
  int ok = 1;
  switch (code) {
    case OCT_OP_CONV_2D:
      ok = options_table(op, U_CONV, &t) && oct_fb_i8(&t, 0, 0, &i8);
      o->conv.padding = (oct_padding)i8;
      ok = ok && oct_fb_i32(&t, 1, 0, &o->conv.stride_w) &&
           oct_fb_i32(&t, 2, 0, &o->conv.stride_h) && read_act(&t, 3, &o->conv.act) &&
           oct_fb_i32(&t, 4, 1, &o->conv.dilation_w) &&
           oct_fb_i32(&t, 5, 1, &o->conv.dilation_h) && oct_fb_i8(&t, 6, 0, &i8);
      o->conv.quantized_bias_type = (oct_dtype)i8;
      o->conv.depth_multiplier = 1;
      return ok;
    case OCT_OP_DEPTHWISE_CONV_2D:
      ok = options_table(op, U_DWCONV, &t) && oct_fb_i8(&t, 0, 0, &i8);
      o->conv.padding = (oct_padding)i8;
      return ok && oct_fb_i32(&t, 1, 0, &o->conv.stride_w) &&
             oct_fb_i32(&t, 2, 0, &o->conv.stride_h) &&
             oct_fb_i32(&t, 3, 0, &o->conv.depth_multiplier) &&
             read_act(&t, 4, &o->conv.act) && oct_fb_i32(&t, 5, 1, &o->conv.dilation_w) &&
             oct_fb_i32(&t, 6, 1, &o->conv.dilation_h);
    case OCT_OP_AVERAGE_POOL_2D:
    case OCT_OP_MAX_POOL_2D:
      ok = options_table(op, U_POOL, &t) && oct_fb_i8(&t, 0, 0, &i8);
      o->pool.padding = (oct_padding)i8;
      return ok && oct_fb_i32(&t, 1, 0, &o->pool.stride_w) &&
             oct_fb_i32(&t, 2, 0, &o->pool.stride_h) &&
             oct_fb_i32(&t, 3, 0, &o->pool.filter_w) &&
             oct_fb_i32(&t, 4, 0, &o->pool.filter_h) && read_act(&t, 5, &o->pool.act);
    case OCT_OP_FULLY_CONNECTED:
      ok = options_table(op, U_FC, &t) && read_act(&t, 0, &o->fc.act);
      if (ok) {
        int8_t wf = 0;
        ok = oct_fb_i8(&t, 1, 0, &wf);
        o->fc.weights_format = wf;
      }
      ok = ok && oct_fb_bool(&t, 2, 0, &o->fc.keep_num_dims) &&
           oct_fb_bool(&t, 3, 0, &o->fc.asymmetric_quantize_inputs) &&
           oct_fb_i8(&t, 4, 0, &i8);
      o->fc.quantized_bias_type = (oct_dtype)i8;
      return ok;
    case OCT_OP_SOFTMAX:
      return options_table(op, U_SOFTMAX, &t) && oct_fb_f32(&t, 0, 0.0f, &o->softmax.beta);
    case OCT_OP_CONCATENATION:
      return options_table(op, U_CONCAT, &t) && oct_fb_i32(&t, 0, 0, &o->concat.axis) &&
             read_act(&t, 1, &o->concat.act);
    case OCT_OP_ADD:
    case OCT_OP_SUB:
      return options_table(op, code == OCT_OP_ADD ? U_ADD : U_SUB, &t) &&
             read_act(&t, 0, &o->arith.act) &&
             oct_fb_bool(&t, 1, 1, &o->arith.pot_scale_int16);
    case OCT_OP_MUL:
    case OCT_OP_DIV:
      return options_table(op, code == OCT_OP_MUL ? U_MUL : U_DIV, &t) &&
             read_act(&t, 0, &o->arith.act);
    case OCT_OP_RESHAPE:
      return options_table(op, U_RESHAPE, &t) &&
             read_int_list(&t, 0, &o->reshape.count, o->reshape.new_shape);
    case OCT_OP_SQUEEZE:
      ok = options_table(op, U_SQUEEZE, &t) &&
           read_int_list(&t, 0, &o->squeeze.count, o->squeeze.dims);
      if (o->squeeze.count < 0) o->squeeze.count = 0;
      return ok;
    case OCT_OP_STRIDED_SLICE:
      return options_table(op, U_STRIDED_SLICE, &t) &&
             oct_fb_i32(&t, 0, 0, &o->strided_slice.begin_mask) &&
             oct_fb_i32(&t, 1, 0, &o->strided_slice.end_mask) &&
             oct_fb_i32(&t, 2, 0, &o->strided_slice.ellipsis_mask) &&
             oct_fb_i32(&t, 3, 0, &o->strided_slice.new_axis_mask) &&
             oct_fb_i32(&t, 4, 0, &o->strided_slice.shrink_axis_mask) &&
             oct_fb_bool(&t, 5, 0, &o->strided_slice.offset);
    case OCT_OP_RESIZE_BILINEAR:
      return options_table(op, U_RESIZE_BILINEAR, &t) &&
             oct_fb_bool(&t, 2, 0, &o->resize.align_corners) &&
             oct_fb_bool(&t, 3, 0, &o->resize.half_pixel_centers);
    case OCT_OP_RESIZE_NEAREST_NEIGHBOR:
      return options_table(op, U_RESIZE_NN, &t) &&
             oct_fb_bool(&t, 0, 0, &o->resize.align_corners) &&
             oct_fb_bool(&t, 1, 0, &o->resize.half_pixel_centers);
    case OCT_OP_TRANSPOSE_CONV:
      ok = options_table(op, U_TRANSPOSE_CONV, &t) && oct_fb_i8(&t, 0, 0, &i8);
      o->transpose_conv.padding = (oct_padding)i8;
      ok = ok && oct_fb_i32(&t, 1, 0, &o->transpose_conv.stride_w) &&
           oct_fb_i32(&t, 2, 0, &o->transpose_conv.stride_h) &&
           read_act(&t, 3, &o->transpose_conv.act) && oct_fb_i8(&t, 4, 0, &i8);
      o->transpose_conv.quantized_bias_type = (oct_dtype)i8;
      return ok;
    case OCT_OP_LEAKY_RELU:
      return options_table(op, U_LEAKY_RELU, &t) &&
             oct_fb_f32(&t, 0, 0.0f, &o->leaky_relu.alpha);
    case OCT_OP_ARG_MAX:
    case OCT_OP_ARG_MIN:
      ok = options_table(op, code == OCT_OP_ARG_MAX ? U_ARG_MAX : U_ARG_MIN, &t) &&
           oct_fb_i8(&t, 0, 0, &i8);
      o->arg.output_type = (oct_dtype)i8;
      return ok;
    case OCT_OP_SPLIT:
    case OCT_OP_SPLIT_V:
      return options_table(op, code == OCT_OP_SPLIT ? U_SPLIT : U_SPLIT_V, &t) &&
             oct_fb_i32(&t, 0, 0, &o->split.num_splits);
    case OCT_OP_DEPTH_TO_SPACE:
    case OCT_OP_SPACE_TO_DEPTH:
      return options_table(op, code == OCT_OP_DEPTH_TO_SPACE ? U_DEPTH_TO_SPACE
                                                            : U_SPACE_TO_DEPTH,
                           &t) &&
             oct_fb_i32(&t, 0, 0, &o->block.block_size);
    case OCT_OP_MEAN:
    case OCT_OP_SUM:
    case OCT_OP_REDUCE_MAX:
      return options_table(op, U_REDUCER, &t) &&
             oct_fb_bool(&t, 0, 0, &o->reducer.keep_dims);
    case OCT_OP_GATHER:
      return options_table(op, U_GATHER, &t) && oct_fb_i32(&t, 0, 0, &o->gather.axis) &&
             oct_fb_i32(&t, 1, 0, &o->gather.batch_dims);
    case OCT_OP_PACK:
    case OCT_OP_UNPACK:
      return options_table(op, code == OCT_OP_PACK ? U_PACK : U_UNPACK, &t) &&
             oct_fb_i32(&t, 0, 0, &o->pack.values_count) &&
             oct_fb_i32(&t, 1, 0, &o->pack.axis);
    case OCT_OP_UNIDIRECTIONAL_SEQUENCE_LSTM:
      return options_table(op, U_UNI_LSTM, &t) && read_act(&t, 0, &o->lstm.act) &&
             oct_fb_f32(&t, 1, 0.0f, &o->lstm.cell_clip) &&
             oct_fb_f32(&t, 2, 0.0f, &o->lstm.proj_clip) &&
             oct_fb_bool(&t, 3, 0, &o->lstm.time_major) &&
             oct_fb_bool(&t, 4, 0, &o->lstm.asymmetric_quantize_inputs);
    case OCT_OP_BATCH_MATMUL:
      return options_table(op, U_BATCH_MATMUL, &t) &&
             oct_fb_bool(&t, 0, 0, &o->batch_matmul.adj_x) &&
             oct_fb_bool(&t, 1, 0, &o->batch_matmul.adj_y) &&
             oct_fb_bool(&t, 2, 0, &o->batch_matmul.asymmetric_quantize_inputs);
    case OCT_OP_CAST:
      ok = options_table(op, U_CAST, &t) && oct_fb_i8(&t, 0, 0, &i8);
      o->cast.in_type = (oct_dtype)i8;
      ok = ok && oct_fb_i8(&t, 1, 0, &i8);
      o->cast.out_type = (oct_dtype)i8;
      return ok;
    case OCT_OP_GELU:
      return options_table(op, U_GELU, &t) && oct_fb_bool(&t, 0, 0, &o->gelu.approximate);
    default:
      return 1;
  }
}

/* Effective builtin code of an OperatorCode table (TFLite GetBuiltinCode). */
static int opcode_of(const oct_fb_table *oc, int32_t *code, int32_t *version,
                     const char **custom) {
  int8_t dep = 0;
  int32_t ext = 0;
  if (!oct_fb_i8(oc, OPCODE_DEPRECATED, 0, &dep) ||
      !oct_fb_i32(oc, OPCODE_BUILTIN, 0, &ext) ||
      !oct_fb_i32(oc, OPCODE_VERSION, 1, version) ||
      !oct_fb_string_field(oc, OPCODE_CUSTOM, custom, 0))
    return 0;
  *code = ext > dep ? ext : dep;
  return 1;
}

/* Distinct unsupported ops, so the error names each kind once. */
typedef struct unsupported_list {
  int count;
  struct {
    int32_t code;      /* builtin code, or -1 for a custom op */
    const char *custom;
    int first, times;
  } item[8];
} unsupported_list;

static void note_unsupported(unsupported_list *u, int32_t code,
                             const char *custom, int index) {
  for (int k = 0; k < u->count; k++) {
    if (u->item[k].code != code) continue;
    if (code == OCT_OP_CUSTOM && u->item[k].custom != custom) continue;
    u->item[k].times++;
    return;
  }
  if (u->count == 8) return;
  u->item[u->count].code = code;
  u->item[u->count].custom = custom;
  u->item[u->count].first = index;
  u->item[u->count].times = 1;
  u->count++;
}

static oct_status report_unsupported(struct oct_interp *it,
                                     const unsupported_list *u) {
  char msg[224];
  size_t len = 0;
  for (int k = 0; k < u->count && len < sizeof msg; k++) {
    const char *name = oct_builtin_name(u->item[k].code);
    char what[96];
    if (u->item[k].code == OCT_OP_CUSTOM)
      oct_fmt(what, sizeof what, "custom op '%s'",
              u->item[k].custom ? u->item[k].custom : "");
    else if (name)
      oct_fmt(what, sizeof what, "%s", name);
    else
      oct_fmt(what, sizeof what, "builtin code %d", (int)u->item[k].code);
    if (u->item[k].times > 1)
      len += (size_t)oct_fmt(msg + len, sizeof msg - len, "%s%s (%d ops, first op %d)",
                             k ? ", " : "", what, u->item[k].times, u->item[k].first);
    else
      len += (size_t)oct_fmt(msg + len, sizeof msg - len, "%s%s (op %d)",
                             k ? ", " : "", what, u->item[k].first);
  }
  return oct_set_error(it, OCT_ERR_UNSUPPORTED, "octet does not support %s",
                       msg);
}

static oct_status parse_ops(struct oct_interp *it, const oct_fb_vec *opcodes,
                            const oct_fb_vec *operators) {
  unsupported_list unsupported = {0};
  for (int32_t i = 0; i < it->n_nodes; i++) {
    oct_fb_table op, oc;
    uint32_t opcode_index = 0;
    if (!oct_fb_vec_table(operators, (uint32_t)i, &op) ||
        !oct_fb_u32(&op, OP_OPCODE, 0, &opcode_index))
      return BAD_FILE("operator table");
    if (opcode_index >= opcodes->len)
      return MODEL_ERR("op %d: opcode index %u out of range (%u codes)", i,
                       opcode_index, opcodes->len);
    int32_t code = 0, version = 1;
    const char *custom = 0;
    if (!oct_fb_vec_table(opcodes, opcode_index, &oc) ||
        !opcode_of(&oc, &code, &version, &custom))
      return BAD_FILE("operator code table");
    oct_node *n = &it->nodes[i];
    n->index = i;
    n->builtin = code;
    n->version = version;
    n->opts = &it->options[i];
    n->scratch_first = i * OCT_SCRATCH_PER_NODE;
    n->kernel = "ref";
    it->ops[i] = code == OCT_OP_CUSTOM ? 0 : oct_find_op(code);
    if (!it->ops[i]) {
      note_unsupported(&unsupported, code, custom, i);
      continue;
    }

    oct_fb_vec ins, outs, custom_opts;
    if (!oct_fb_vec_field(&op, OP_INPUTS, 4, &ins) ||
        !oct_fb_vec_field(&op, OP_OUTPUTS, 4, &outs) ||
        !oct_fb_vec_field(&op, OP_CUSTOM_OPTIONS, 1, &custom_opts))
      return BAD_FILE("operator inputs/outputs");
    if (ins.len > OCT_MAX_OP_IO || outs.len > OCT_MAX_OP_IO)
      return oct_set_error(it, OCT_ERR_LIMIT, "op %d: %u inputs, %u outputs", i,
                           ins.len, outs.len);
    int32_t *in_idx, *out_idx;
    oct_status st = read_i32_vec(it, &ins, &in_idx);
    if (!st) st = read_i32_vec(it, &outs, &out_idx);
    if (st) return st;
    for (uint32_t k = 0; k < ins.len; k++)
      if (in_idx[k] < -1 || in_idx[k] >= it->n_tensors)
        return MODEL_ERR("op %d (%s): input %u is tensor %d, out of range", i,
                         oct_builtin_name(code), k, (int)in_idx[k]);
    for (uint32_t k = 0; k < outs.len; k++)
      if (out_idx[k] < 0 || out_idx[k] >= it->n_tensors)
        return MODEL_ERR("op %d (%s): output %u is tensor %d, out of range", i,
                         oct_builtin_name(code), k, (int)out_idx[k]);
    n->n_in = (int32_t)ins.len;
    n->n_out = (int32_t)outs.len;
    n->in = in_idx;
    n->out = out_idx;
    n->custom_options = custom_opts.len ? oct_fb_vec_ptr(&custom_opts) : 0;
    n->custom_options_size = custom_opts.len;
    if (!parse_options(code, &op, &it->options[i]))
      return MODEL_ERR("op %d (%s): malformed options", i, oct_builtin_name(code));
  }
  if (unsupported.count) return report_unsupported(it, &unsupported);
  return OCT_OK;
}

static oct_status read_io_list(struct oct_interp *it, const oct_fb_vec *v,
                               const char *what, int32_t **out, int32_t *n) {
  oct_status st = read_i32_vec(it, v, out);
  if (st) return st;
  *n = (int32_t)v->len;
  for (int32_t i = 0; i < *n; i++) {
    const int32_t t = (*out)[i];
    if (t < 0 || t >= it->n_tensors)
      return MODEL_ERR("model %s %d is tensor %d, out of range", what, i, (int)t);
    it->tensors[t].is_io = 1;
  }
  return OCT_OK;
}

oct_status oct_model_load(struct oct_interp *it) {
  oct_fb_table root, sg;
  if (it->model_size < 8)
    return MODEL_ERR("file too small to be a .tflite model (%zu bytes)",
                     it->model_size);
  if (oct_memcmp(it->model + 4, "TFL3", 4) != 0)
    return MODEL_ERR("not a TFLite model: bytes 4..7 are not the 'TFL3' identifier");
  if (!oct_fb_root(it->model, it->model_size, "TFL3", &root))
    return BAD_FILE("root table");
  uint32_t version = 0;
  oct_fb_vec opcodes, subgraphs, buffers, tensors, inputs, outputs, operators;
  if (!oct_fb_u32(&root, MODEL_VERSION, 0, &version) ||
      !oct_fb_vec_field(&root, MODEL_OPCODES, 4, &opcodes) ||
      !oct_fb_vec_field(&root, MODEL_SUBGRAPHS, 4, &subgraphs) ||
      !oct_fb_vec_field(&root, MODEL_BUFFERS, 4, &buffers))
    return BAD_FILE("model table");
  if (version != 3)
    return oct_set_error(it, OCT_ERR_UNSUPPORTED,
                         "schema version %u is not supported (expected 3)", version);
  if (subgraphs.len == 0) return MODEL_ERR("no subgraph in the model");
  if (!oct_fb_vec_table(&subgraphs, 0, &sg) ||
      !oct_fb_vec_field(&sg, SG_TENSORS, 4, &tensors) ||
      !oct_fb_vec_field(&sg, SG_INPUTS, 4, &inputs) ||
      !oct_fb_vec_field(&sg, SG_OUTPUTS, 4, &outputs) ||
      !oct_fb_vec_field(&sg, SG_OPERATORS, 4, &operators))
    return BAD_FILE("subgraph table");
  if (tensors.len > OCT_MAX_TENSORS || operators.len > OCT_MAX_OPS)
    return oct_set_error(it, OCT_ERR_LIMIT, "%u tensors and %u ops exceed %d",
                         tensors.len, operators.len, OCT_MAX_TENSORS);
  it->n_tensors = (int32_t)tensors.len;
  it->n_nodes = (int32_t)operators.len;

  void *p;
  oct_status st;
#define TAKE(field, count)                                                  \
  do {                                                                      \
    st = oct_arena_take(it, (size_t)(count) * sizeof(*it->field), &p);      \
    if (st) return st;                                                      \
    it->field = p;                                                          \
  } while (0)
  TAKE(tensors, it->n_tensors);
  TAKE(alias_of, it->n_tensors);
  TAKE(tensor_offset, it->n_tensors);
  TAKE(nodes, it->n_nodes);
  TAKE(ops, it->n_nodes);
  TAKE(options, it->n_nodes);
  TAKE(scratch, (size_t)it->n_nodes * OCT_SCRATCH_PER_NODE);
#undef TAKE

  for (int32_t i = 0; i < it->n_tensors; i++) {
    oct_fb_table tt;
    if (!oct_fb_vec_table(&tensors, (uint32_t)i, &tt)) return BAD_FILE("tensor table");
    st = parse_tensor(it, &buffers, &tt, i, &it->tensors[i]);
    if (st) return st;
    it->alias_of[i] = -1;
    it->tensor_offset[i] = -1;
  }
  st = read_io_list(it, &inputs, "input", &it->inputs, &it->n_inputs);
  if (!st) st = read_io_list(it, &outputs, "output", &it->outputs, &it->n_outputs);
  if (st) return st;
  for (int32_t i = 0; i < it->n_inputs; i++) {
    oct_tensor *t = &it->tensors[it->inputs[i]];
    if (t->is_const)
      return MODEL_ERR("model input %d (tensor '%s') has constant data", i, t->name);
  }
  return parse_ops(it, &opcodes, &operators);
}
