/*
 * The .tflite writer's fields, on hand-built graphs:
 *  - every option struct field of every op code with options, set to a
 *    non-default value, is written and read back: by the runtime's own
 *    reader (src/runtime/model.c, records only, no prepare) into the same
 *    oct_builtin_options for the ops it registers, and field by field
 *    against TFLite's schema numbers for all of them; the union member of
 *    every op, including empty tables and ops without options;
 *  - operator codes (both code fields, deduplication by code and version)
 *    and the versions op_version.cc gives for types and options;
 *  - quantization (per-axis, zero points, quantized_dimension, min/max),
 *    16-byte aligned buffers, buffer 0 empty, description, the
 *    min_runtime_version metadata, dead ops and unused tensors left out;
 *  - the same graph gives the same bytes; IR-only ops, unknown shapes and
 *    constant inputs are refused with the op or tensor named.
 */
#include <stdlib.h>

#include "convert/tflite_writer.h"
#include "ir_build.h"
#include "runtime/fb.h"
#include "runtime/interp.h"
#include "test_util.h"

#define D IRB_DIMS

/* ---- reading a written file back ---- */

#define RECORDS_ARENA (1u << 20)

/* The runtime's reader alone (no prepare, so any option values do). */
typedef struct records {
  void *arena;
  struct oct_interp *it;
} records;

static oct_status load_records(const oct_fbb *b, records *r) {
  r->arena = NULL;
  if (posix_memalign(&r->arena, OCT_ARENA_ALIGN, RECORDS_ARENA)) abort();
  struct oct_interp *it = r->arena;
  memset(it, 0, sizeof *it);
  it->magic = OCT_INTERP_MAGIC;
  it->model = oct_fbb_data(b);
  it->model_size = oct_fbb_size(b);
  it->arena = r->arena;
  it->arena_size = RECORDS_ARENA;
  it->front = sizeof *it;
  r->it = it;
  return oct_model_load(it);
}

/* Root, subgraph 0, and its operator `i`. */
typedef struct fbview {
  oct_fb_table root, sg, op;
} fbview;

static int view(const oct_fbb *b, int op, fbview *v) {
  oct_fb_vec sgs, ops;
  if (!oct_fb_root(oct_fbb_data(b), oct_fbb_size(b), "TFL3", &v->root)) return 0;
  if (!oct_fb_vec_field(&v->root, 2, 4, &sgs) || !oct_fb_vec_table(&sgs, 0, &v->sg)) return 0;
  if (op < 0) return 1;
  return oct_fb_vec_field(&v->sg, 3, 4, &ops) && oct_fb_vec_table(&ops, (uint32_t)op, &v->op);
}

static oct_status serialize(oct_ir_graph *g, oct_fbb *b) {
  oct_fbb_init(b);
  oct_status st = oct_tflite_serialize(g, b);
  CHECK_MSG(st == OCT_OK, "serialize: %s", g->err.message);
  return st;
}

/* ---- options ---- */

typedef struct fspec {
  int id;
  char kind; /* 'b' byte, 'i' int32, 'f' float32, 'v' int32 vector */
  double def, want;
  int vec_len;
  int32_t vec[4];
} fspec;

typedef struct opt_case {
  int code;
  uint8_t member; /* BuiltinOptions union member */
  oct_builtin_options opts;
  int nf;
  fspec f[7];
} opt_case;

#define F(id, kind, def, want) {id, kind, def, want, 0, {0}}

/* Options set to non-default values, and where the schema puts them. The
 * IR side holds exactly what the runtime reader fills (its defaults for
 * fields the op's table does not have, e.g. CONV_2D depth_multiplier 1). */
static const opt_case k_cases[] = {
    {OCT_OP_CONV_2D, 1, {.conv = {OCT_PAD_VALID, 2, 3, OCT_ACT_RELU6, 4, 5, 1, OCT_INT64}}, 7,
     {F(0, 'b', 0, 1), F(1, 'i', 0, 2), F(2, 'i', 0, 3), F(3, 'b', 0, 3), F(4, 'i', 1, 4),
      F(5, 'i', 1, 5), F(6, 'b', 0, OCT_INT64)}},
    {OCT_OP_DEPTHWISE_CONV_2D, 2, {.conv = {OCT_PAD_VALID, 2, 3, OCT_ACT_RELU, 6, 7, 2, 0}}, 7,
     {F(0, 'b', 0, 1), F(1, 'i', 0, 2), F(2, 'i', 0, 3), F(3, 'i', 0, 2), F(4, 'b', 0, 1),
      F(5, 'i', 1, 6), F(6, 'i', 1, 7)}},
    {OCT_OP_AVERAGE_POOL_2D, 5, {.pool = {OCT_PAD_VALID, 2, 3, 4, 5, OCT_ACT_RELU6}}, 6,
     {F(0, 'b', 0, 1), F(1, 'i', 0, 2), F(2, 'i', 0, 3), F(3, 'i', 0, 4), F(4, 'i', 0, 5),
      F(5, 'b', 0, 3)}},
    {OCT_OP_MAX_POOL_2D, 5, {.pool = {OCT_PAD_SAME, 1, 2, 3, 3, OCT_ACT_RELU_N1_TO_1}}, 6,
     {F(0, 'b', 0, 0), F(1, 'i', 0, 1), F(2, 'i', 0, 2), F(3, 'i', 0, 3), F(4, 'i', 0, 3),
      F(5, 'b', 0, 2)}},
    {OCT_OP_FULLY_CONNECTED, 8, {.fc = {OCT_ACT_RELU, 1, 1, 1, OCT_INT32}}, 5,
     {F(0, 'b', 0, 1), F(1, 'b', 0, 1), F(2, 'b', 0, 1), F(3, 'b', 0, 1), F(4, 'b', 0, OCT_INT32)}},
    {OCT_OP_SOFTMAX, 9, {.softmax = {0.5f}}, 1, {F(0, 'f', 0, 0.5)}},
    {OCT_OP_CONCATENATION, 10, {.concat = {-1, OCT_ACT_RELU}}, 2, {F(0, 'i', 0, -1), F(1, 'b', 0, 1)}},
    {OCT_OP_ADD, 11, {.arith = {OCT_ACT_RELU6, 0}}, 2, {F(0, 'b', 0, 3), F(1, 'b', 1, 0)}},
    {OCT_OP_SUB, 28, {.arith = {OCT_ACT_RELU, 0}}, 2, {F(0, 'b', 0, 1), F(1, 'b', 1, 0)}},
    {OCT_OP_MUL, 21, {.arith = {OCT_ACT_RELU_N1_TO_1, 0}}, 1, {F(0, 'b', 0, 2)}},
    {OCT_OP_DIV, 29, {.arith = {OCT_ACT_RELU6, 0}}, 1, {F(0, 'b', 0, 3)}},
    {OCT_OP_RESHAPE, 17, {.reshape = {3, {2, -1, 4}}}, 1, {{0, 'v', 0, 0, 3, {2, -1, 4}}}},
    {OCT_OP_SQUEEZE, 30, {.squeeze = {2, {1, -1}}}, 1, {{0, 'v', 0, 0, 2, {1, -1}}}},
    {OCT_OP_STRIDED_SLICE, 32, {.strided_slice = {1, 2, 4, 8, 16, 1}}, 6,
     {F(0, 'i', 0, 1), F(1, 'i', 0, 2), F(2, 'i', 0, 4), F(3, 'i', 0, 8), F(4, 'i', 0, 16),
      F(5, 'b', 0, 1)}},
    {OCT_OP_RESIZE_BILINEAR, 15, {.resize = {1, 0}}, 2, {F(2, 'b', 0, 1), F(3, 'b', 0, 0)}},
    {OCT_OP_RESIZE_NEAREST_NEIGHBOR, 74, {.resize = {0, 1}}, 2, {F(0, 'b', 0, 0), F(1, 'b', 0, 1)}},
    {OCT_OP_TRANSPOSE_CONV, 49, {.transpose_conv = {OCT_PAD_VALID, 2, 3, OCT_ACT_RELU, OCT_INT64}},
     5, {F(0, 'b', 0, 1), F(1, 'i', 0, 2), F(2, 'i', 0, 3), F(3, 'b', 0, 1), F(4, 'b', 0, OCT_INT64)}},
    {OCT_OP_LEAKY_RELU, 75, {.leaky_relu = {0.2f}}, 1, {F(0, 'f', 0, 0.2f)}},
    {OCT_OP_ARG_MAX, 40, {.arg = {OCT_INT64}}, 1, {F(0, 'b', 0, OCT_INT64)}},
    {OCT_OP_ARG_MIN, 57, {.arg = {OCT_INT32}}, 1, {F(0, 'b', 0, OCT_INT32)}},
    {OCT_OP_SPLIT, 35, {.split = {3}}, 1, {F(0, 'i', 0, 3)}},
    {OCT_OP_SPLIT_V, 79, {.split = {2}}, 1, {F(0, 'i', 0, 2)}},
    {OCT_OP_DEPTH_TO_SPACE, 94, {.block = {2}}, 1, {F(0, 'i', 0, 2)}},
    {OCT_OP_SPACE_TO_DEPTH, 19, {.block = {4}}, 1, {F(0, 'i', 0, 4)}},
    {OCT_OP_MEAN, 27, {.reducer = {1}}, 1, {F(0, 'b', 0, 1)}},
    {OCT_OP_SUM, 27, {.reducer = {1}}, 1, {F(0, 'b', 0, 1)}},
    {OCT_OP_REDUCE_MAX, 27, {.reducer = {1}}, 1, {F(0, 'b', 0, 1)}},
    {OCT_OP_GATHER, 23, {.gather = {1, 2}}, 2, {F(0, 'i', 0, 1), F(1, 'i', 0, 2)}},
    {OCT_OP_PACK, 59, {.pack = {3, -1}}, 2, {F(0, 'i', 0, 3), F(1, 'i', 0, -1)}},
    {OCT_OP_UNPACK, 64, {.pack = {2, 1}}, 2, {F(0, 'i', 0, 2), F(1, 'i', 0, 1)}},
    {OCT_OP_LSTM, 14, {.lstm = {OCT_ACT_TANH, 1.5f, 2.5f, 0, 1, 1}}, 5,
     {F(0, 'b', 0, 4), F(1, 'f', 0, 1.5), F(2, 'f', 0, 2.5), F(3, 'b', 0, 1), F(4, 'b', 0, 1)}},
    {OCT_OP_UNIDIRECTIONAL_SEQUENCE_LSTM, 71, {.lstm = {OCT_ACT_TANH, 1.5f, 2.5f, 1, 1, 0}}, 5,
     {F(0, 'b', 0, 4), F(1, 'f', 0, 1.5), F(2, 'f', 0, 2.5), F(3, 'b', 0, 1), F(4, 'b', 0, 1)}},
    {OCT_OP_BATCH_MATMUL, 101, {.batch_matmul = {1, 1, 1}}, 3,
     {F(0, 'b', 0, 1), F(1, 'b', 0, 1), F(2, 'b', 0, 1)}},
    {OCT_OP_CAST, 37, {.cast = {OCT_INT8, OCT_INT32}}, 2, {F(0, 'b', 0, OCT_INT8), F(1, 'b', 0, OCT_INT32)}},
    {OCT_OP_GELU, 116, {.gelu = {1}}, 1, {F(0, 'b', 0, 1)}},
    /* Empty tables, and ops the schema gives no options. */
    {OCT_OP_PAD, 22, {{0}}, 0, {{0}}},
    {OCT_OP_PADV2, 43, {{0}}, 0, {{0}}},
    {OCT_OP_TRANSPOSE, 26, {{0}}, 0, {{0}}},
    {OCT_OP_SLICE, 48, {{0}}, 0, {{0}}},
    {OCT_OP_MAXIMUM, 39, {{0}}, 0, {{0}}},
    {OCT_OP_MINIMUM, 39, {{0}}, 0, {{0}}},
    {OCT_OP_DEQUANTIZE, 38, {{0}}, 0, {{0}}},
    {OCT_OP_QUANTIZE, 89, {{0}}, 0, {{0}}},
    {OCT_OP_HARD_SWISH, 91, {{0}}, 0, {{0}}},
    {OCT_OP_EXPAND_DIMS, 52, {{0}}, 0, {{0}}},
    {OCT_OP_RELU, 0, {{0}}, 0, {{0}}},
    {OCT_OP_RELU6, 0, {{0}}, 0, {{0}}},
    {OCT_OP_LOGISTIC, 0, {{0}}, 0, {{0}}},
    {OCT_OP_TANH, 0, {{0}}, 0, {{0}}},
};

/* One op with two inputs and one output, all float [2, 2]. */
static void one_op_graph(oct_ir_graph *g, int code, const oct_builtin_options *o) {
  oct_ir_init(g);
  irb_count = 0;
  const int a = irb_input(g, 2, D(2, 2)), b = irb_input(g, 2, D(2, 2));
  const int y = irb_tensor(g, OCT_FLOAT32, 2, D(2, 2));
  oct_ir_add_output(g, y);
  const int in[2] = {a, b};
  const int op = irb_op(g, code, 2, in, 1, &y);
  g->ops[op].opts = *o;
}

static void check_field(const opt_case *c, const oct_fb_table *t, const fspec *f) {
  const char *name = oct_builtin_name(c->code);
  int ok = 1;
  double got = 0;
  if (f->kind == 'b') {
    int8_t v = 0;
    ok = oct_fb_i8(t, f->id, (int8_t)f->def, &v);
    got = v;
  } else if (f->kind == 'i') {
    int32_t v = 0;
    ok = oct_fb_i32(t, f->id, (int32_t)f->def, &v);
    got = v;
  } else if (f->kind == 'f') {
    float v = 0;
    ok = oct_fb_f32(t, f->id, (float)f->def, &v);
    got = v;
  } else {
    oct_fb_vec v;
    ok = oct_fb_vec_field(t, f->id, 4, &v) && v.buf && (int)v.len == f->vec_len;
    for (int k = 0; ok && k < f->vec_len; k++)
      ok = oct_load_i32(oct_fb_vec_ptr(&v) + 4 * k) == f->vec[k];
    CHECK_MSG(ok, "%s field %d: vector differs", name, f->id);
    return;
  }
  CHECK_MSG(ok && got == (double)(float)f->want, "%s field %d: read %g, want %g", name,
            f->id, got, f->want);
}

static void options_round_trip(void) {
  int runtime_checked = 0;
  for (size_t i = 0; i < sizeof k_cases / sizeof k_cases[0]; i++) {
    const opt_case *c = &k_cases[i];
    const char *name = oct_builtin_name(c->code);
    oct_ir_graph g;
    one_op_graph(&g, c->code, &c->opts);
    oct_fbb b;
    if (serialize(&g, &b)) {
      oct_fbb_free(&b);
      oct_ir_free(&g);
      continue;
    }
    /* Against the schema. */
    fbview v;
    uint8_t member = 0xff;
    oct_fb_table t;
    CHECK_MSG(view(&b, 0, &v) && oct_fb_u8(&v.op, 3, 0, &member) &&
                  oct_fb_table_field(&v.op, 4, &t),
              "%s: cannot read the operator", name);
    CHECK_MSG(member == c->member, "%s: union member %d, want %d", name, member, c->member);
    CHECK_MSG(oct_fb_present(&t) == (c->member != 0), "%s: options table presence", name);
    for (int f = 0; f < c->nf; f++) check_field(c, &t, &c->f[f]);
    /* Against the runtime's reader, for the ops it registers. */
    if (oct_find_op(c->code)) {
      records r;
      oct_status st = load_records(&b, &r);
      CHECK_MSG(st == OCT_OK, "%s: runtime reader: %s", name, r.it->error);
      if (!st) {
        CHECK_MSG(memcmp(&r.it->options[0], &c->opts, sizeof c->opts) == 0,
                  "%s: options read back differ", name);
        CHECK_EQ_INT(r.it->nodes[0].builtin, c->code);
        runtime_checked++;
      }
      free(r.arena);
    }
    oct_fbb_free(&b);
    oct_ir_free(&g);
  }
  printf("options: %zu op codes, %d also through the runtime reader\n",
         sizeof k_cases / sizeof k_cases[0], runtime_checked);
  CHECK(runtime_checked >= 20);

  /* RESHAPE without new_shape (count -1) and with an empty one (count 0,
   * a scalar) stay distinct. */
  for (int count = -1; count <= 0; count++) {
    oct_builtin_options o;
    memset(&o, 0, sizeof o);
    o.reshape.count = count;
    oct_ir_graph g;
    one_op_graph(&g, OCT_OP_RESHAPE, &o);
    oct_fbb b;
    records r = {NULL, NULL};
    if (!serialize(&g, &b) && !load_records(&b, &r)) {
      CHECK_EQ_INT(r.it->options[0].reshape.count, count);
    }
    free(r.arena);
    oct_fbb_free(&b);
    oct_ir_free(&g);
  }
}

/* ---- model-level fields ---- */

/* A tensor of `type`; qcount scales (per axis 0 when > 1), 0: none. */
static int qtensor(oct_ir_graph *g, oct_dtype type, int rank, const int32_t *dims, int qcount,
                   float scale, int64_t zp) {
  const int t = irb_tensor(g, type, rank, dims);
  if (qcount > 0) {
    float s[16];
    int64_t z[16];
    for (int i = 0; i < qcount; i++) {
      s[i] = scale * (float)(i + 1);
      z[i] = qcount > 1 ? 0 : zp;
    }
    oct_ir_set_quant(g, t, qcount, s, z, 0);
  }
  return t;
}

/* Gives tensor t constant data (zeros). */
static void make_const(oct_ir_graph *g, int t) {
  const size_t n = oct_ir_bytes(&g->tensors[t]);
  void *z = calloc(1, n);
  oct_ir_set_data(g, t, z, n, 1);
}

/* int8 CONV_2D x2 (one operator code), DEQUANTIZE, a dead RELU, an unused
 * tensor. */
static void build_int8_model(oct_ir_graph *g) {
  oct_ir_init(g);
  irb_count = 0;
  const int x = qtensor(g, OCT_INT8, 4, D(1, 4, 4, 3), 1, 0.5f, -1);
  oct_ir_add_input(g, x);
  const int w1 = qtensor(g, OCT_INT8, 4, D(4, 1, 1, 3), 4, 0.1f, 0);
  const int b1 = qtensor(g, OCT_INT32, 1, D(4), 4, 0.05f, 0);
  const int y1 = qtensor(g, OCT_INT8, 4, D(1, 4, 4, 4), 1, 0.25f, 3);
  const int w2 = qtensor(g, OCT_INT8, 4, D(4, 1, 1, 4), 4, 0.1f, 0);
  const int b2 = qtensor(g, OCT_INT32, 1, D(4), 4, 0.025f, 0);
  const int y2 = qtensor(g, OCT_INT8, 4, D(1, 4, 4, 4), 1, 0.125f, -5);
  const int y3 = irb_tensor(g, OCT_FLOAT32, 4, D(1, 4, 4, 4));
  const int y4 = irb_tensor(g, OCT_FLOAT32, 4, D(1, 4, 4, 4));
  irb_tensor(g, OCT_FLOAT32, 1, D(9)); /* unused */
  make_const(g, w1);
  make_const(g, b1);
  make_const(g, w2);
  make_const(g, b2);
  g->tensors[y1].q.has_range = 1;
  g->tensors[y1].q.min = -1.0f;
  g->tensors[y1].q.max = 2.5f;
  oct_ir_add_output(g, y3);
  const int c1 = irb_op(g, OCT_OP_CONV_2D, 3, IRB_INTS(x, w1, b1), 1, &y1);
  const int c2 = irb_op(g, OCT_OP_CONV_2D, 3, IRB_INTS(y1, w2, b2), 1, &y2);
  for (int i = 0; i < 2; i++) {
    oct_conv_options *o = &g->ops[i ? c2 : c1].opts.conv;
    o->padding = OCT_PAD_SAME;
    o->stride_w = o->stride_h = o->dilation_w = o->dilation_h = o->depth_multiplier = 1;
  }
  irb_op(g, OCT_OP_DEQUANTIZE, 1, &y2, 1, &y3);
  const int dead = irb_op(g, OCT_OP_RELU, 1, &y3, 1, &y4);
  g->ops[dead].dead = 1;
}

static void model_fields(void) {
  oct_ir_graph g;
  build_int8_model(&g);
  oct_fbb b;
  if (serialize(&g, &b)) goto done;
  fbview v;
  CHECK(view(&b, -1, &v));
  uint32_t version = 0;
  const char *desc = NULL;
  oct_fb_vec codes, buffers, tensors, ops, meta;
  CHECK(oct_fb_u32(&v.root, 0, 0, &version) && version == 3);
  CHECK(oct_fb_string_field(&v.root, 3, &desc, NULL) && desc && !strcmp(desc, "octet"));
  CHECK(oct_fb_vec_field(&v.root, 1, 4, &codes) && codes.len == 2);
  CHECK(oct_fb_vec_field(&v.root, 4, 4, &buffers));
  CHECK(oct_fb_vec_field(&v.sg, 0, 4, &tensors) && tensors.len == 8);
  CHECK(oct_fb_vec_field(&v.sg, 3, 4, &ops) && ops.len == 3);
  const char *sg_name = NULL;
  CHECK(oct_fb_string_field(&v.sg, 4, &sg_name, NULL) && sg_name && !strcmp(sg_name, "main"));
  /* Buffer 0 empty; 4 constants; the version string; data 16-aligned. */
  CHECK_EQ_INT(buffers.len, 6);
  for (uint32_t i = 0; i < buffers.len; i++) {
    oct_fb_table bt;
    oct_fb_vec data;
    CHECK(oct_fb_vec_table(&buffers, i, &bt) && oct_fb_vec_field(&bt, 0, 1, &data));
    if (i == 0) CHECK(data.len == 0);
    else CHECK_MSG(data.len > 0 && (oct_fb_vec_ptr(&data) - oct_fbb_data(&b)) % 16 == 0,
                   "buffer %u: %u bytes at offset %ld", i, data.len,
                   (long)(oct_fb_vec_ptr(&data) - oct_fbb_data(&b)));
  }
  /* min_runtime_version: CONV_2D v3 and DEQUANTIZE v2 need TFLite 1.14. */
  oct_fb_table m, mb;
  const char *mname = NULL;
  uint32_t mbuf = 0;
  oct_fb_vec mdata;
  CHECK(oct_fb_vec_field(&v.root, 6, 4, &meta) && meta.len == 1 &&
        oct_fb_vec_table(&meta, 0, &m) && oct_fb_string_field(&m, 0, &mname, NULL) &&
        mname && !strcmp(mname, "min_runtime_version") && oct_fb_u32(&m, 1, 0, &mbuf) &&
        oct_fb_vec_table(&buffers, mbuf, &mb) && oct_fb_vec_field(&mb, 0, 1, &mdata) &&
        mdata.len == 16 && !strcmp((const char *)oct_fb_vec_ptr(&mdata), "1.14.0"));
  /* Both code fields and the version of every operator code. */
  for (uint32_t i = 0; i < codes.len; i++) {
    oct_fb_table oc;
    int8_t dep = -1;
    int32_t ver = 0, code = -1;
    CHECK(oct_fb_vec_table(&codes, i, &oc) && oct_fb_has(&oc, 0) && oct_fb_has(&oc, 3) &&
          oct_fb_i8(&oc, 0, -1, &dep) && oct_fb_i32(&oc, 2, 1, &ver) &&
          oct_fb_i32(&oc, 3, -1, &code));
    CHECK(dep == code);
    CHECK_EQ_INT(ver, code == OCT_OP_CONV_2D ? 3 : 2);
  }
  /* min/max of a tensor with a known range (the runtime does not read
   * them). */
  oct_fb_table t1, q1;
  oct_fb_vec mn, mx;
  CHECK(oct_fb_vec_table(&tensors, 3, &t1) && oct_fb_table_field(&t1, 4, &q1) &&
        oct_fb_vec_field(&q1, 0, 4, &mn) && oct_fb_vec_field(&q1, 1, 4, &mx) && mn.len == 1 &&
        mx.len == 1 && oct_load_f32(oct_fb_vec_ptr(&mn)) == -1.0f &&
        oct_load_f32(oct_fb_vec_ptr(&mx)) == 2.5f);
  /* The rest through the runtime's reader. */
  records r;
  oct_status st = load_records(&b, &r);
  CHECK_MSG(st == OCT_OK, "runtime reader: %s", r.it->error);
  if (!st) {
    const struct oct_interp *it = r.it;
    CHECK_EQ_INT(it->n_tensors, 8);
    CHECK_EQ_INT(it->n_nodes, 3);
    for (int i = 0; i < it->n_tensors && i < 8; i++) {
      const oct_tensor *a = &it->tensors[i];
      const oct_ir_tensor *e = &g.tensors[i];
      CHECK_MSG(!strcmp(a->name, e->name), "tensor %d: '%s' vs '%s'", i, a->name, e->name);
      CHECK_EQ_INT(a->type, e->type);
      CHECK_EQ_INT(a->rank, e->rank);
      CHECK_EQ_INT(a->is_const, e->data != NULL);
      CHECK_EQ_INT(a->q_count, e->q.count);
      for (int k = 0; k < a->q_count && k < e->q.count; k++) {
        CHECK(oct_tensor_scale(a, k) == e->q.scale[k]);
        CHECK(oct_tensor_zero_point(a, k) == e->q.zero_point[k]);
      }
      if (e->q.count > 1) CHECK_EQ_INT(a->q_dim, 0);
    }
    CHECK_EQ_INT(it->nodes[1].version, 3);
    CHECK(it->nodes[1].in[0] == 3 && it->nodes[1].out[0] == 6);
    CHECK(it->n_inputs == 1 && it->inputs[0] == 0 && it->n_outputs == 1 && it->outputs[0] == 7);
  }
  free(r.arena);
done:
  oct_fbb_free(&b);
  oct_ir_free(&g);

  /* Codes above 127: deprecated_builtin_code is the placeholder 127. */
  oct_builtin_options o;
  memset(&o, 0, sizeof o);
  one_op_graph(&g, OCT_OP_GELU, &o);
  if (!serialize(&g, &b) && view(&b, -1, &v)) {
    oct_fb_table oc;
    int8_t dep = 0;
    int32_t code = 0;
    CHECK(oct_fb_vec_field(&v.root, 1, 4, &codes) && oct_fb_vec_table(&codes, 0, &oc) &&
          oct_fb_i8(&oc, 0, 0, &dep) && oct_fb_i32(&oc, 3, 0, &code) && dep == 127 &&
          code == OCT_OP_GELU);
  }
  oct_fbb_free(&b);
  oct_ir_free(&g);
}

/* An unset depthwise multiplier is written as the filter implies. */
static void depth_multiplier(void) {
  oct_ir_graph g;
  oct_ir_init(&g);
  irb_count = 0;
  const int x = irb_input(&g, 4, D(1, 4, 4, 2));
  const int w = irb_f32(&g, 4, D(1, 3, 3, 6));
  const int y = irb_tensor(&g, OCT_FLOAT32, 4, D(1, 4, 4, 6));
  oct_ir_add_output(&g, y);
  const int op = irb_op(&g, OCT_OP_DEPTHWISE_CONV_2D, 2, IRB_INTS(x, w), 1, &y);
  g.ops[op].opts.conv.stride_w = g.ops[op].opts.conv.stride_h = 1;
  oct_fbb b;
  records r = {NULL, NULL};
  if (!serialize(&g, &b) && !load_records(&b, &r))
    CHECK_EQ_INT(r.it->options[0].conv.depth_multiplier, 3);
  free(r.arena);
  oct_fbb_free(&b);
  oct_ir_free(&g);
}

/* ---- versions ---- */

/* Serializes g and returns operator 0's version (-1 on failure). */
static int version_of(oct_ir_graph *g) {
  oct_fbb b;
  int ver = -1;
  fbview v;
  oct_fb_vec codes;
  oct_fb_table oc;
  uint32_t idx = 0;
  if (!serialize(g, &b) && view(&b, 0, &v) && oct_fb_u32(&v.op, 0, 0, &idx) &&
      oct_fb_vec_field(&v.root, 1, 4, &codes) && oct_fb_vec_table(&codes, idx, &oc)) {
    int32_t x = 0;
    if (oct_fb_i32(&oc, 2, 1, &x)) ver = x;
  }
  oct_fbb_free(&b);
  oct_ir_free(g);
  return ver;
}

typedef struct vcase {
  const char *what;
  int code;
  int n_in;
  oct_dtype in[4];
  oct_dtype out;
  int rank;   /* of inputs 0 and 1 and the output; others rank 1 */
  int qcount; /* scales on input 1 */
  int want;
} vcase;

#define F32 OCT_FLOAT32
#define I32 OCT_INT32
#define S8 OCT_INT8
#define U8 OCT_UINT8
#define S16 OCT_INT16

static const vcase k_versions[] = {
    {"conv float", OCT_OP_CONV_2D, 3, {F32, F32, F32}, F32, 4, 0, 1},
    {"conv uint8", OCT_OP_CONV_2D, 3, {U8, U8, I32}, U8, 4, 1, 1},
    {"conv int8", OCT_OP_CONV_2D, 3, {S8, S8, I32}, S8, 4, 4, 3},
    {"dwconv int8", OCT_OP_DEPTHWISE_CONV_2D, 3, {S8, S8, I32}, S8, 4, 4, 3},
    {"fc float", OCT_OP_FULLY_CONNECTED, 3, {F32, F32, F32}, F32, 2, 0, 1},
    {"fc int8", OCT_OP_FULLY_CONNECTED, 3, {S8, S8, I32}, S8, 2, 1, 4},
    {"fc no bias", OCT_OP_FULLY_CONNECTED, 2, {F32, F32}, F32, 2, 0, 6},
    {"add int8", OCT_OP_ADD, 2, {S8, S8}, S8, 4, 1, 2},
    {"add float", OCT_OP_ADD, 2, {F32, F32}, F32, 4, 0, 1},
    {"sub 5-d broadcast", OCT_OP_SUB, 2, {F32, F32}, F32, 5, 0, 3},
    {"max_pool int8", OCT_OP_MAX_POOL_2D, 1, {S8}, S8, 4, 0, 2},
    {"softmax int16", OCT_OP_SOFTMAX, 1, {S16}, S16, 2, 0, 3},
    {"pad int8", OCT_OP_PAD, 2, {S8, I32}, S8, 4, 0, 2},
    {"pad 5-d", OCT_OP_PAD, 2, {F32, I32}, F32, 5, 0, 4},
    {"dequantize int8", OCT_OP_DEQUANTIZE, 1, {S8}, F32, 4, 0, 2},
    {"dequantize int16", OCT_OP_DEQUANTIZE, 1, {S16}, F32, 4, 0, 3},
    {"relu uint8", OCT_OP_RELU, 1, {U8}, U8, 4, 0, 2},
    {"transpose_conv float", OCT_OP_TRANSPOSE_CONV, 3, {I32, F32, F32}, F32, 4, 0, 1},
    {"transpose_conv bias", OCT_OP_TRANSPOSE_CONV, 4, {I32, F32, F32, F32}, F32, 4, 0, 3},
    {"transpose_conv int8", OCT_OP_TRANSPOSE_CONV, 3, {I32, S8, S8}, S8, 4, 1, 2},
    {"concat int8", OCT_OP_CONCATENATION, 2, {S8, S8}, S8, 4, 0, 2},
    {"reshape int8", OCT_OP_RESHAPE, 1, {S8}, S8, 4, 0, 1},
    {"quantize to int16", OCT_OP_QUANTIZE, 1, {F32}, S16, 4, 0, 2},
    {"mean int8", OCT_OP_MEAN, 2, {S8, I32}, S8, 4, 0, 2},
};

static int is_quant_type(oct_dtype t) { return t == S8 || t == U8 || t == S16; }

static oct_ir_graph vgraph(const vcase *c) {
  oct_ir_graph g;
  oct_ir_init(&g);
  int in[4] = {-1, -1, -1, -1};
  const int32_t d5[5] = {4, 4, 4, 4, 2}, d2[2] = {4, 4}, d1[1] = {4};
  for (int k = 0; k < c->n_in; k++) {
    const int rank = k < 2 ? c->rank : 1;
    const int32_t *dims = rank == 2 ? d2 : rank == 1 ? d1 : d5;
    const int q = is_quant_type(c->in[k]) ? (k == 1 && c->qcount ? c->qcount : 1) : 0;
    in[k] = qtensor(&g, c->in[k], rank, dims, q, 0.5f, 0);
    oct_ir_add_input(&g, in[k]);
  }
  if (c->code == OCT_OP_SUB) g.tensors[in[1]].rank = 1; /* a broadcast operand */
  const int y = qtensor(&g, c->out, c->rank, c->rank == 2 ? d2 : d5,
                        is_quant_type(c->out) ? 1 : 0, 0.5f, 0);
  oct_ir_add_output(&g, y);
  const int op = irb_op(&g, c->code, c->n_in, in, 1, &y);
  oct_conv_options *o = &g.ops[op].opts.conv;
  o->dilation_w = o->dilation_h = 1;
  return g;
}

static void versions(void) {
  for (size_t i = 0; i < sizeof k_versions / sizeof k_versions[0]; i++) {
    oct_ir_graph g = vgraph(&k_versions[i]);
    const int ver = version_of(&g);
    CHECK_MSG(ver == k_versions[i].want, "%s: version %d, want %d", k_versions[i].what, ver,
              k_versions[i].want);
  }
  /* Options that raise versions. */
  oct_ir_graph g = vgraph(&k_versions[0]);
  g.ops[0].opts.conv.dilation_h = 2;
  g.ops[0].code = OCT_OP_DEPTHWISE_CONV_2D;
  CHECK_EQ_INT(version_of(&g), 2);
  g = vgraph(&k_versions[4]);
  g.ops[0].opts.fc.keep_num_dims = 1;
  CHECK_EQ_INT(version_of(&g), 5);
  g = vgraph(&k_versions[4]);
  g.ops[0].inputs[2] = -1; /* omitted bias: still three inputs */
  CHECK_EQ_INT(version_of(&g), 1);
  g = vgraph(&k_versions[18]);
  g.ops[0].opts.transpose_conv.act = OCT_ACT_RELU;
  CHECK_EQ_INT(version_of(&g), 4);
  g = vgraph(&k_versions[0]); /* grouped: 4 input channels, filter of 2 */
  g.tensors[g.ops[0].inputs[1]].dims[3] = 2;
  CHECK_EQ_INT(version_of(&g), 6);
  g = vgraph(&k_versions[0]);
  g.ops[0].version = 7; /* a version set on the op wins */
  CHECK_EQ_INT(version_of(&g), 7);
}

/* ---- errors and determinism ---- */

static void expect_refused(oct_ir_graph *g, oct_status code, const char *needle) {
  oct_fbb b;
  oct_fbb_init(&b);
  const oct_status st = oct_tflite_serialize(g, &b);
  CHECK_MSG(st == code, "status %d, want %d (%s)", (int)st, (int)code, g->err.message);
  CHECK_MSG(strstr(g->err.message, needle), "message '%s' lacks '%s'", g->err.message, needle);
  oct_fbb_free(&b);
  oct_ir_free(g);
}

static void errors_and_determinism(void) {
  oct_ir_graph g;
  oct_builtin_options o;
  memset(&o, 0, sizeof o);
  one_op_graph(&g, OCT_IR_BATCH_NORM, &o);
  expect_refused(&g, OCT_ERR_INTERNAL, "BATCH_NORM (IR) 'op0') is IR-only");
  one_op_graph(&g, OCT_OP_RELU, &o);
  g.tensors[2].rank = -1;
  expect_refused(&g, OCT_ERR_SHAPE, "tensor 't2' has no known shape");
  one_op_graph(&g, OCT_OP_CUSTOM, &o);
  expect_refused(&g, OCT_ERR_UNSUPPORTED, "builtin code 32");
  one_op_graph(&g, OCT_OP_ADD, &o);
  make_const(&g, 0);
  expect_refused(&g, OCT_ERR_MODEL, "graph input 0 ('t0') has constant data");
  one_op_graph(&g, OCT_OP_ADD, &o);
  make_const(&g, 2);
  expect_refused(&g, OCT_ERR_INTERNAL, "writes constant tensor 't2'");

  /* The same graph, built twice, serialized twice: the same bytes. */
  oct_ir_graph g2;
  build_int8_model(&g);
  build_int8_model(&g2);
  oct_fbb a, b, c;
  if (!serialize(&g, &a) && !serialize(&g, &b) && !serialize(&g2, &c)) {
    CHECK(oct_fbb_size(&a) == oct_fbb_size(&b) &&
          !memcmp(oct_fbb_data(&a), oct_fbb_data(&b), oct_fbb_size(&a)));
    CHECK(oct_fbb_size(&a) == oct_fbb_size(&c) &&
          !memcmp(oct_fbb_data(&a), oct_fbb_data(&c), oct_fbb_size(&a)));
  }
  oct_fbb_free(&a);
  oct_fbb_free(&b);
  oct_fbb_free(&c);
  oct_ir_free(&g);
  oct_ir_free(&g2);
}

int main(void) {
  options_round_trip();
  model_fields();
  depth_multiplier();
  versions();
  errors_and_determinism();
  return test_finish("test_tflite_writer");
}
