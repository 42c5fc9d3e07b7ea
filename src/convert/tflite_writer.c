/* The .tflite writer's model, tensors and buffers; see tflite_writer.h.
 * Field numbers are those src/runtime/model.c reads, from TFLite's
 * schema.fbs. */
#include "tflite_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/file.h"
#include "tflite_write_ops.h"

enum {
  MODEL_VERSION = 0, MODEL_OPCODES = 1, MODEL_SUBGRAPHS = 2,
  MODEL_DESCRIPTION = 3, MODEL_BUFFERS = 4, MODEL_METADATA = 6
};
enum { OPCODE_DEPRECATED = 0, OPCODE_VERSION = 2, OPCODE_BUILTIN = 3 };
enum { SG_TENSORS = 0, SG_INPUTS = 1, SG_OUTPUTS = 2, SG_OPERATORS = 3, SG_NAME = 4 };
enum { BUF_DATA = 0 };
enum { META_NAME = 0, META_BUFFER = 1 };
enum {
  TENSOR_SHAPE = 0, TENSOR_TYPE = 1, TENSOR_BUFFER = 2, TENSOR_NAME = 3,
  TENSOR_QUANT = 4
};
enum { Q_MIN = 0, Q_MAX = 1, Q_SCALE = 2, Q_ZERO_POINT = 3, Q_DIM = 6 };
enum {
  OP_OPCODE = 0, OP_INPUTS = 1, OP_OUTPUTS = 2, OP_OPTIONS_TYPE = 3,
  OP_OPTIONS = 4
};

/* TFLite's converter reserves 16 bytes for the version string. */
#define MIN_RUNTIME_BYTES 16
/* Buffer data alignment (the schema's force_align). */
#define BUFFER_ALIGN 16

typedef struct opcode_entry {
  int code, version;
} opcode_entry;

typedef struct writer {
  const oct_ir_graph *g;
  oct_ir_graph *gm;  /* the same graph, for error messages only */
  oct_fbb *b;
  int *tmap;         /* IR tensor -> file tensor, or -1 */
  int *tlist;        /* file tensor -> IR tensor */
  int nt;
  int *ops;          /* live IR ops in order */
  int *op_code;      /* their operator code index */
  int n_ops;
  opcode_entry *codes;
  int n_codes;
  int32_t *ints;     /* scratch for index vectors */
  uint32_t *offs;    /* scratch for offset vectors */
  const char *min_runtime;
  /* All-zero zero-point vectors already written, one per length: every
   * tensor with that many channels points at the same vector (FlatBuffers
   * allows shared children), which saves 8 bytes a channel on per-channel
   * models (~270 KB on MobileNetV2). */
  uint32_t *zero_vec;
  int *zero_len;
  int n_zero, cap_zero;
} writer;

#define FAIL(w, code, ...) oct_ir_fail((w)->gm, code, __VA_ARGS__)

/* `what` and `i` say who refers to tensor t: "op" 3 (CONV_2D), "graph
 * input" 0. */
static oct_status check_tensor(writer *w, int t, const char *what, int i, const char *type) {
  const oct_ir_graph *g = w->g;
  if (t < 0 || t >= g->n_tensors)
    return FAIL(w, OCT_ERR_INTERNAL, "%s %d%s%s%s refers to tensor %d of %d", what, i,
                type ? " (" : "", type ? type : "", type ? ")" : "", t, g->n_tensors);
  const oct_ir_tensor *x = &g->tensors[t];
  if (x->dead)
    return FAIL(w, OCT_ERR_INTERNAL, "%s %d%s%s%s refers to removed tensor '%s'", what, i,
                type ? " (" : "", type ? type : "", type ? ")" : "", x->name);
  if (x->rank < 0 || x->rank > OCT_MAX_RANK)
    return FAIL(w, OCT_ERR_SHAPE,
                "tensor '%s' has no known shape (run shape inference first)",
                x->name);
  for (int k = 0; k < x->rank; k++)
    if (x->dims[k] <= 0)
      return FAIL(w, OCT_ERR_SHAPE, "tensor '%s': dimension %d is %d", x->name, k,
                  (int)x->dims[k]);
  if ((int)x->type < OCT_FLOAT32 || (int)x->type > OCT_FLOAT64)
    return FAIL(w, OCT_ERR_TYPE, "tensor '%s' has unknown type %d", x->name,
                (int)x->type);
  if (x->data && x->bytes != oct_ir_bytes(x))
    return FAIL(w, OCT_ERR_INTERNAL, "tensor '%s' holds %zu bytes, its shape needs %zu",
                x->name, x->bytes, oct_ir_bytes(x));
  if (x->q.count < 0 || (x->q.count > 0 && !x->q.scale) ||
      (x->q.count > 1 && (x->q.axis < 0 || x->q.axis >= x->rank ||
                          x->dims[x->q.axis] != x->q.count)))
    return FAIL(w, OCT_ERR_INTERNAL,
                "tensor '%s': %d quantization scales do not fit axis %d",
                x->name, x->q.count, x->q.axis);
  return OCT_OK;
}

static void use_tensor(writer *w, int t) {
  if (t >= 0) w->tmap[t] = 1;
}

static oct_status add_opcode(writer *w, int code, int version, int *index) {
  for (int i = 0; i < w->n_codes; i++)
    if (w->codes[i].code == code && w->codes[i].version == version) {
      *index = i;
      return OCT_OK;
    }
  w->codes[w->n_codes].code = code;
  w->codes[w->n_codes].version = version;
  *index = w->n_codes++;
  const char *rt = oct_tflite_min_runtime(code, version);
  if (rt && (!w->min_runtime || oct_tflite_version_cmp(rt, w->min_runtime) > 0))
    w->min_runtime = rt;
  return OCT_OK;
}

/* Validates the graph and numbers what will be written. */
static oct_status plan(writer *w) {
  const oct_ir_graph *g = w->g;
  const size_t nt = (size_t)(g->n_tensors ? g->n_tensors : 1);
  const size_t no = (size_t)(g->n_ops ? g->n_ops : 1);
  size_t max_io = 1;
  w->tmap = calloc(nt, sizeof *w->tmap);
  w->tlist = calloc(nt, sizeof *w->tlist);
  w->ops = calloc(no, sizeof *w->ops);
  w->op_code = calloc(no, sizeof *w->op_code);
  w->codes = calloc(no, sizeof *w->codes);
  if (!w->tmap || !w->tlist || !w->ops || !w->op_code || !w->codes)
    return FAIL(w, OCT_ERR_NO_MEMORY, "out of memory writing the model");
  oct_status st;
  for (int i = 0; i < g->n_ops; i++) {
    const oct_ir_op *op = &g->ops[i];
    if (op->dead) continue;
    const char *name = oct_builtin_name(op->code);
    if (op->code >= OCT_IR_FIRST)
      return FAIL(w, OCT_ERR_INTERNAL,
                  "op %d (%s '%s') is IR-only; the optimizer must remove it "
                  "before writing",
                  i, oct_ir_op_name(op->code), op->name ? op->name : "");
    if (op->code < 0 || op->code > OCT_OP_MAX_CODE || op->code == OCT_OP_CUSTOM || !name)
      return FAIL(w, OCT_ERR_UNSUPPORTED, "op %d ('%s'): cannot write builtin code %d", i,
                  op->name ? op->name : "", op->code);
    for (int k = 0; k < op->n_inputs; k++) {
      if (op->inputs[k] == -1) continue;
      if ((st = check_tensor(w, op->inputs[k], "op", i, name))) return st;
      use_tensor(w, op->inputs[k]);
    }
    for (int k = 0; k < op->n_outputs; k++) {
      if ((st = check_tensor(w, op->outputs[k], "op", i, name))) return st;
      if (g->tensors[op->outputs[k]].data)
        return FAIL(w, OCT_ERR_INTERNAL, "op %d (%s '%s') writes constant tensor '%s'", i,
                    name, op->name ? op->name : "", g->tensors[op->outputs[k]].name);
      use_tensor(w, op->outputs[k]);
    }
    if ((size_t)op->n_inputs > max_io) max_io = (size_t)op->n_inputs;
    if ((size_t)op->n_outputs > max_io) max_io = (size_t)op->n_outputs;
    w->ops[w->n_ops] = i;
    if ((st = add_opcode(w, op->code, oct_tflite_op_version(g, op), &w->op_code[w->n_ops])))
      return st;
    w->n_ops++;
  }
  for (int i = 0; i < g->n_inputs; i++) {
    if ((st = check_tensor(w, g->inputs[i], "graph input", i, NULL))) return st;
    if (g->tensors[g->inputs[i]].data)
      return FAIL(w, OCT_ERR_MODEL, "graph input %d ('%s') has constant data", i,
                  g->tensors[g->inputs[i]].name);
    use_tensor(w, g->inputs[i]);
  }
  for (int i = 0; i < g->n_outputs; i++) {
    if ((st = check_tensor(w, g->outputs[i], "graph output", i, NULL))) return st;
    use_tensor(w, g->outputs[i]);
  }
  for (int t = 0; t < g->n_tensors; t++) {
    if (!w->tmap[t]) {
      w->tmap[t] = -1;
      continue;
    }
    w->tlist[w->nt] = t;
    w->tmap[t] = w->nt++;
  }
  if ((size_t)g->n_inputs > max_io) max_io = (size_t)g->n_inputs;
  if ((size_t)g->n_outputs > max_io) max_io = (size_t)g->n_outputs;
  size_t scratch = max_io;
  if ((size_t)w->nt + 2 > scratch) scratch = (size_t)w->nt + 2;
  if ((size_t)w->n_ops > scratch) scratch = (size_t)w->n_ops;
  w->ints = calloc(scratch, sizeof *w->ints);
  w->offs = calloc(scratch, sizeof *w->offs);
  if (!w->ints || !w->offs) return FAIL(w, OCT_ERR_NO_MEMORY, "out of memory writing the model");
  return OCT_OK;
}

/* Vector of file tensor indices for IR indices `idx` (-1 stays -1). */
static uint32_t index_vector(writer *w, const int *idx, int n) {
  for (int k = 0; k < n; k++) w->ints[k] = idx[k] < 0 ? -1 : w->tmap[idx[k]];
  return oct_fbb_vector(w->b, w->ints, 4, (size_t)n, 4);
}

/* Buffers: 0 the empty sentinel, then one per constant in tensor order,
 * then the min_runtime_version string. Built last-to-first so the file
 * holds them in index order. Sets buf_of[file tensor]. */
static uint32_t write_buffers(writer *w, uint32_t *buf_of, uint32_t *meta_buffer) {
  oct_fbb *b = w->b;
  uint32_t n = 1;
  for (int i = 0; i < w->nt; i++) buf_of[i] = w->g->tensors[w->tlist[i]].data ? n++ : 0;
  *meta_buffer = w->min_runtime ? n++ : 0;
  uint32_t *offs = calloc(n, sizeof *offs);
  if (!offs) {
    b->failed = 1;
    return 0;
  }
  if (*meta_buffer) {
    char text[MIN_RUNTIME_BYTES];
    memset(text, 0, sizeof text);
    strncpy(text, w->min_runtime, sizeof text - 1);
    uint32_t data = oct_fbb_vector(b, text, 1, sizeof text, BUFFER_ALIGN);
    oct_fbb_start(b);
    oct_fbb_add_offset(b, BUF_DATA, data);
    offs[*meta_buffer] = oct_fbb_end(b);
  }
  for (int i = w->nt - 1; i >= 0; i--) {
    if (!buf_of[i]) continue;
    const oct_ir_tensor *x = &w->g->tensors[w->tlist[i]];
    uint32_t data = oct_fbb_vector(b, x->data, 1, x->bytes, BUFFER_ALIGN);
    oct_fbb_start(b);
    oct_fbb_add_offset(b, BUF_DATA, data);
    offs[buf_of[i]] = oct_fbb_end(b);
  }
  oct_fbb_start(b);
  offs[0] = oct_fbb_end(b);
  uint32_t vec = oct_fbb_offset_vector(b, offs, n);
  free(offs);
  return vec;
}

static int all_zero(const int64_t *v, int n) {
  for (int i = 0; i < n; i++)
    if (v[i]) return 0;
  return 1;
}

static uint32_t zero_vector(writer *w, int n) {
  oct_fbb *b = w->b;
  for (int i = 0; i < w->n_zero; i++)
    if (w->zero_len[i] == n) return w->zero_vec[i];
  int64_t *zeros = calloc((size_t)n, sizeof *zeros);
  if (!zeros) {
    b->failed = 1;
    return 0;
  }
  const uint32_t zp = oct_fbb_vector(b, zeros, 8, (size_t)n, 8);
  free(zeros);
  if (w->n_zero == w->cap_zero) {
    const int cap = w->cap_zero ? 2 * w->cap_zero : 16;
    uint32_t *v = realloc(w->zero_vec, (size_t)cap * sizeof *v);
    if (v) w->zero_vec = v;
    int *l = realloc(w->zero_len, (size_t)cap * sizeof *l);
    if (l) w->zero_len = l;
    if (!v || !l) return zp; /* not cached: only the sharing is lost */
    w->cap_zero = cap;
  }
  w->zero_vec[w->n_zero] = zp;
  w->zero_len[w->n_zero++] = n;
  return zp;
}

static uint32_t write_quant(writer *w, const oct_ir_quant *q) {
  oct_fbb *b = w->b;
  if (q->count <= 0 && !q->has_range) return 0;
  uint32_t mn = 0, mx = 0, sc = 0, zp = 0;
  if (q->has_range) {
    mn = oct_fbb_vector(b, &q->min, 4, 1, 4);
    mx = oct_fbb_vector(b, &q->max, 4, 1, 4);
  }
  if (q->count > 0) {
    sc = oct_fbb_vector(b, q->scale, 4, (size_t)q->count, 4);
    /* TFLite wants one zero point per scale. */
    if (q->zero_point && !all_zero(q->zero_point, q->count))
      zp = oct_fbb_vector(b, q->zero_point, 8, (size_t)q->count, 8);
    else
      zp = zero_vector(w, q->count);
  }
  oct_fbb_start(b);
  oct_fbb_add_offset(b, Q_MIN, mn);
  oct_fbb_add_offset(b, Q_MAX, mx);
  oct_fbb_add_offset(b, Q_SCALE, sc);
  oct_fbb_add_offset(b, Q_ZERO_POINT, zp);
  oct_fbb_add_i32(b, Q_DIM, q->count > 1 ? q->axis : 0, 0);
  return oct_fbb_end(b);
}

static uint32_t write_tensors(writer *w, const uint32_t *buf_of) {
  oct_fbb *b = w->b;
  for (int i = w->nt - 1; i >= 0; i--) {
    const oct_ir_tensor *x = &w->g->tensors[w->tlist[i]];
    uint32_t quant = write_quant(w, &x->q);
    uint32_t name = oct_fbb_string(b, x->name ? x->name : "");
    uint32_t shape = oct_fbb_vector(b, x->dims, 4, (size_t)x->rank, 4);
    oct_fbb_start(b);
    oct_fbb_add_offset(b, TENSOR_SHAPE, shape);
    oct_fbb_add_i8(b, TENSOR_TYPE, (int8_t)x->type, 0);
    oct_fbb_add_u32(b, TENSOR_BUFFER, buf_of[i], 0);
    oct_fbb_add_offset(b, TENSOR_NAME, name);
    oct_fbb_add_offset(b, TENSOR_QUANT, quant);
    w->offs[i] = oct_fbb_end(b);
  }
  return oct_fbb_offset_vector(b, w->offs, (size_t)w->nt);
}

static uint32_t write_operators(writer *w) {
  oct_fbb *b = w->b;
  for (int j = w->n_ops - 1; j >= 0; j--) {
    const oct_ir_op *op = &w->g->ops[w->ops[j]];
    uint8_t type = 0;
    oct_builtin_options o = op->opts;
    if (op->code == OCT_OP_DEPTHWISE_CONV_2D && o.conv.depth_multiplier == 0 &&
        op->n_inputs >= 2 && op->inputs[0] >= 0 && op->inputs[1] >= 0) {
      /* Unset: TFLite's kernels check it against the shapes, so write the
       * multiplier the filter implies. */
      const oct_ir_tensor *in = &w->g->tensors[op->inputs[0]];
      const oct_ir_tensor *f = &w->g->tensors[op->inputs[1]];
      if (in->rank == 4 && f->rank == 4 && in->dims[3] > 0)
        o.conv.depth_multiplier = f->dims[3] / in->dims[3];
    }
    uint32_t opts = oct_tflite_write_options(b, op->code, &o, &type);
    uint32_t out = index_vector(w, op->outputs, op->n_outputs);
    uint32_t in = index_vector(w, op->inputs, op->n_inputs);
    oct_fbb_start(b);
    oct_fbb_add_u32(b, OP_OPCODE, (uint32_t)w->op_code[j], 0);
    oct_fbb_add_offset(b, OP_INPUTS, in);
    oct_fbb_add_offset(b, OP_OUTPUTS, out);
    oct_fbb_add_u8(b, OP_OPTIONS_TYPE, type, 0);
    oct_fbb_add_offset(b, OP_OPTIONS, opts);
    w->offs[j] = oct_fbb_end(b);
  }
  return oct_fbb_offset_vector(b, w->offs, (size_t)w->n_ops);
}

static uint32_t write_opcodes(writer *w) {
  oct_fbb *b = w->b;
  for (int i = w->n_codes - 1; i >= 0; i--) {
    const int code = w->codes[i].code;
    oct_fbb_start(b);
    /* Both fields, written even when 0 (ADD): readers take the larger. */
    oct_fbb_add_i8(b, OPCODE_DEPRECATED, (int8_t)(code < 127 ? code : 127), -1);
    oct_fbb_add_i32(b, OPCODE_VERSION, w->codes[i].version, -1);
    oct_fbb_add_i32(b, OPCODE_BUILTIN, code, -1);
    w->offs[i] = oct_fbb_end(b);
  }
  return oct_fbb_offset_vector(b, w->offs, (size_t)w->n_codes);
}

static oct_status build(writer *w) {
  const oct_ir_graph *g = w->g;
  oct_fbb *b = w->b;
  uint32_t *buf_of = calloc((size_t)(w->nt ? w->nt : 1), sizeof *buf_of);
  if (!buf_of) return FAIL(w, OCT_ERR_NO_MEMORY, "out of memory writing the model");
  uint32_t meta_buffer = 0;
  const uint32_t buffers = write_buffers(w, buf_of, &meta_buffer);
  const uint32_t tensors = write_tensors(w, buf_of);
  free(buf_of);
  const uint32_t operators = write_operators(w);
  const uint32_t inputs = index_vector(w, g->inputs, g->n_inputs);
  const uint32_t outputs = index_vector(w, g->outputs, g->n_outputs);
  const uint32_t sg_name = oct_fbb_string(b, "main");
  oct_fbb_start(b);
  oct_fbb_add_offset(b, SG_TENSORS, tensors);
  oct_fbb_add_offset(b, SG_INPUTS, inputs);
  oct_fbb_add_offset(b, SG_OUTPUTS, outputs);
  oct_fbb_add_offset(b, SG_OPERATORS, operators);
  oct_fbb_add_offset(b, SG_NAME, sg_name);
  const uint32_t subgraph = oct_fbb_end(b);
  const uint32_t subgraphs = oct_fbb_offset_vector(b, &subgraph, 1);
  const uint32_t opcodes = write_opcodes(w);
  uint32_t metadata = 0;
  if (meta_buffer) {
    const uint32_t name = oct_fbb_string(b, "min_runtime_version");
    oct_fbb_start(b);
    oct_fbb_add_offset(b, META_NAME, name);
    oct_fbb_add_u32(b, META_BUFFER, meta_buffer, 0);
    const uint32_t entry = oct_fbb_end(b);
    metadata = oct_fbb_offset_vector(b, &entry, 1);
  }
  const char *desc = g->description && g->description[0] ? g->description : "octet";
  const uint32_t description = oct_fbb_string(b, desc);
  oct_fbb_start(b);
  oct_fbb_add_u32(b, MODEL_VERSION, 3, 0);
  oct_fbb_add_offset(b, MODEL_OPCODES, opcodes);
  oct_fbb_add_offset(b, MODEL_SUBGRAPHS, subgraphs);
  oct_fbb_add_offset(b, MODEL_DESCRIPTION, description);
  oct_fbb_add_offset(b, MODEL_BUFFERS, buffers);
  oct_fbb_add_offset(b, MODEL_METADATA, metadata);
  const uint32_t root = oct_fbb_end(b);
  if (oct_fbb_finish(b, root, "TFL3"))
    return FAIL(w, OCT_ERR_NO_MEMORY, "out of memory writing the model");
  /* FlatBuffers addresses at most 2 GiB. */
  if (oct_fbb_size(b) >= ((size_t)1 << 31))
    return FAIL(w, OCT_ERR_LIMIT, "the model needs %zu bytes; .tflite files stop at 2 GiB",
                oct_fbb_size(b));
  return OCT_OK;
}

oct_status oct_tflite_serialize(const oct_ir_graph *g, oct_fbb *out) {
  if (!g || !out) return OCT_ERR_INVALID_ARG;
  writer w;
  memset(&w, 0, sizeof w);
  w.g = g;
  w.gm = (oct_ir_graph *)g; /* only g->err is written */
  w.b = out;
  oct_status st = plan(&w);
  if (!st) st = build(&w);
  free(w.tmap);
  free(w.tlist);
  free(w.ops);
  free(w.op_code);
  free(w.codes);
  free(w.ints);
  free(w.offs);
  free(w.zero_vec);
  free(w.zero_len);
  return st;
}

oct_status oct_tflite_write_file(const oct_ir_graph *g, const char *path,
                                 oct_error *err) {
  if (err) {
    err->message[0] = '\0';
    err->needed_bytes = 0;
  }
  if (!g || !path) return OCT_ERR_INVALID_ARG;
  oct_fbb b;
  oct_fbb_init(&b);
  oct_status st = oct_tflite_serialize(g, &b);
  if (st) {
    if (err)
      snprintf(err->message, sizeof err->message, "%.100s: %.140s", path, g->err.message);
  } else {
    st = oct_file_write_atomic(path, oct_fbb_data(&b), oct_fbb_size(&b), err);
  }
  oct_fbb_free(&b);
  return st;
}
