/*
 * The ONNX importer (src/convert/onnx): hand-made models for layouts and
 * translations, malformed and hostile files, the onnx-light models and the
 * fixtures, and ONNX's backend node tests (Debian's libonnx-testdata): every
 * import must give a graph that oct_ir_verify accepts, or a clean error.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/onnx/onnx_import.h"
#include "convert/onnx_build.h"
#include "convert/onnx_node_util.h"
#include "test_util.h"

/* ---- helpers ---- */
static oct_status import(const void *b, size_t n, int nhwc_io, int batch, oct_ir_graph *g) {
  oct_ir_init(g);
  oct_onnx_options o = {nhwc_io, batch, 0};
  oct_status st = oct_onnx_import(b, n, &o, g);
  if (!st) {
    st = oct_ir_verify(g);
    if (st) fprintf(stderr, "verify: %s\n", g->err.message);
  }
  return st;
}

static oct_status import_ob(ob *b, int nhwc_io, oct_ir_graph *g) {
  size_t len;
  uint8_t *bytes = ob_pack(b, &len);
  const oct_status st = import(bytes, len, nhwc_io, 0, g);
  free(bytes);
  return st;
}

static int count_ops(const oct_ir_graph *g, int code) {
  int n = 0;
  for (int i = 0; i < g->n_ops; i++) n += !g->ops[i].dead && g->ops[i].code == code;
  return n;
}

static const oct_ir_op *first_op(const oct_ir_graph *g, int code) {
  for (int i = 0; i < g->n_ops; i++)
    if (!g->ops[i].dead && g->ops[i].code == code) return &g->ops[i];
  return NULL;
}

static int dims_are(const oct_ir_tensor *t, int rank, const int32_t *d) {
  if (t->rank != rank) return 0;
  for (int i = 0; i < rank; i++)
    if (t->dims[i] != d[i]) return 0;
  return 1;
}
#define DIMS(...) ((const int32_t[]){__VA_ARGS__})

static void dump(const oct_ir_graph *g) {
  for (int i = 0; i < g->n_ops; i++) {
    const oct_ir_op *op = &g->ops[i];
    fprintf(stderr, "  %d %s:", i, oct_ir_op_name(op->code));
    for (int k = 0; k < op->n_inputs; k++)
      fprintf(stderr, " %s", op->inputs[k] >= 0 ? g->tensors[op->inputs[k]].name : "-");
    fprintf(stderr, " -> %s\n", g->tensors[op->outputs[0]].name);
  }
}

static float *iota(size_t n, float scale) {
  float *f = malloc(n * sizeof *f);
  for (size_t i = 0; i < n; i++) f[i] = (float)i * scale;
  return f;
}

/* ---- layouts ---- */
/* x[1,3,8,8] -> Conv(pads 1) -> Relu -> Flatten -> Gemm(transB) -> y[1,10] */
static void build_cnn(ob *b) {
  ob_init(b, 13);
  ob_input(b, "x", OB_FLOAT, 4, OB_DIMS(1, 3, 8, 8));
  float w[4 * 3 * 3 * 3];
  for (int o = 0; o < 4; o++)
    for (int i = 0; i < 3; i++)
      for (int h = 0; h < 3; h++)
        for (int x = 0; x < 3; x++) w[((o * 3 + i) * 3 + h) * 3 + x] = (float)(o * 1000 + i * 100 + h * 10 + x);
  ob_tensor_f32(b, "w", 4, OB_DIMS(4, 3, 3, 3), w);
  ob_tensor_f32(b, "bias", 1, OB_DIMS(4), OB_FLOATS(1, 2, 3, 4));
  float *w2 = iota(10 * 256, 0.001f);
  ob_tensor_f32(b, "w2", 2, OB_DIMS(10, 256), w2);
  free(w2);
  Onnx__NodeProto *n = ob_node(b, "Conv", "x,w,bias", "c");
  ob_attr_ints(b, n, "pads", 4, OB_DIMS(1, 1, 1, 1));
  ob_attr_ints(b, n, "kernel_shape", 2, OB_DIMS(3, 3));
  ob_node(b, "Relu", "c", "r");
  ob_node(b, "Flatten", "r", "f");
  n = ob_node(b, "Gemm", "f,w2", "y");
  ob_attr_int(b, n, "transB", 1);
  ob_output(b, "y");
}

static void test_cnn_layout(void) {
  ob b;
  build_cnn(&b);
  oct_ir_graph g;
  CHECK_EQ_INT(import_ob(&b, 0, &g), OCT_OK);
  CHECK_EQ_INT(g.n_inputs, 1);
  CHECK_EQ_INT(g.n_outputs, 1);
  CHECK(dims_are(&g.tensors[g.inputs[0]], 4, DIMS(1, 3, 8, 8)));
  CHECK(dims_are(&g.tensors[g.outputs[0]], 2, DIMS(1, 10)));
  CHECK(!strcmp(g.tensors[g.outputs[0]].name, "y"));
  CHECK_EQ_INT(count_ops(&g, OCT_OP_TRANSPOSE), 2); /* in, and back before Flatten */
  CHECK_EQ_INT(count_ops(&g, OCT_OP_CONV_2D), 1);
  CHECK_EQ_INT(count_ops(&g, OCT_OP_FULLY_CONNECTED), 1);
  CHECK_EQ_INT(count_ops(&g, OCT_OP_RELU), 1);
  const oct_ir_op *conv = first_op(&g, OCT_OP_CONV_2D);
  if (conv) {
    CHECK_EQ_INT(conv->opts.conv.padding, OCT_PAD_SAME);
    CHECK_EQ_INT(conv->opts.conv.stride_h, 1);
    const oct_ir_tensor *in = &g.tensors[conv->inputs[0]];
    CHECK(dims_are(in, 4, DIMS(1, 8, 8, 3)));
    const oct_ir_tensor *w = &g.tensors[conv->inputs[1]];
    CHECK(dims_are(w, 4, DIMS(4, 3, 3, 3)) && w->data);
    if (w->data) { /* [O,kh,kw,I]: element [o][h][x][i] */
      const float *f = w->data;
      CHECK_EQ_INT(f[((2 * 3 + 1) * 3 + 0) * 3 + 2], 2 * 1000 + 2 * 100 + 1 * 10 + 0);
      CHECK_EQ_INT(f[((3 * 3 + 2) * 3 + 2) * 3 + 1], 3 * 1000 + 1 * 100 + 2 * 10 + 2);
    }
    CHECK(dims_are(&g.tensors[conv->outputs[0]], 4, DIMS(1, 8, 8, 4)));
  }
  const oct_ir_op *fc = first_op(&g, OCT_OP_FULLY_CONNECTED);
  if (fc) {
    const oct_ir_tensor *w = &g.tensors[fc->inputs[1]];
    CHECK(dims_are(w, 2, DIMS(10, 256)));
    if (w->data) CHECK_NEAR(((const float *)w->data)[3 * 256 + 7], (3 * 256 + 7) * 0.001f, 1e-6);
  }
  oct_ir_free(&g);
  /* NHWC at the edges: no transpose in front of the conv */
  CHECK_EQ_INT(import_ob(&b, 1, &g), OCT_OK);
  CHECK(dims_are(&g.tensors[g.inputs[0]], 4, DIMS(1, 8, 8, 3)));
  CHECK(!strcmp(g.tensors[g.inputs[0]].name, "x"));
  CHECK_EQ_INT(g.n_ops > 0 ? g.ops[0].code : -1, OCT_OP_CONV_2D);
  CHECK_EQ_INT(count_ops(&g, OCT_OP_TRANSPOSE), 1);
  oct_ir_free(&g);
  ob_free(&b);
}

static void test_depthwise_and_groups(void) {
  ob b;
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 4, OB_DIMS(1, 4, 6, 6));
  float *w = iota(8 * 9, 1);
  ob_tensor_f32(&b, "w", 4, OB_DIMS(8, 1, 3, 3), w);
  free(w);
  Onnx__NodeProto *n = ob_node(&b, "Conv", "x,w", "y");
  ob_attr_int(&b, n, "group", 4);
  ob_output(&b, "y");
  oct_ir_graph g;
  CHECK_EQ_INT(import_ob(&b, 0, &g), OCT_OK);
  const oct_ir_op *dw = first_op(&g, OCT_OP_DEPTHWISE_CONV_2D);
  CHECK(dw != NULL);
  if (dw) {
    CHECK_EQ_INT(dw->opts.conv.depth_multiplier, 2);
    CHECK_EQ_INT(dw->opts.conv.padding, OCT_PAD_VALID);
    const oct_ir_tensor *wt = &g.tensors[dw->inputs[1]];
    CHECK(dims_are(wt, 4, DIMS(1, 3, 3, 8)));
    /* [1,kh,kw,O][0][h][x][o] = W[o][0][h][x] = o*9 + h*3 + x */
    if (wt->data) CHECK_EQ_INT(((const float *)wt->data)[(2 * 3 + 1) * 8 + 5], 5 * 9 + 2 * 3 + 1);
    CHECK(dims_are(&g.tensors[dw->outputs[0]], 4, DIMS(1, 4, 4, 8)));
  }
  CHECK(dims_are(&g.tensors[g.outputs[0]], 4, DIMS(1, 8, 4, 4)));
  oct_ir_free(&g);
  ob_free(&b);

  /* two groups of two channels: SPLIT, two CONV_2D, CONCATENATION */
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 4, OB_DIMS(1, 4, 5, 5));
  w = iota(6 * 2, 1);
  ob_tensor_f32(&b, "w", 4, OB_DIMS(6, 2, 1, 1), w);
  free(w);
  n = ob_node(&b, "Conv", "x,w", "y");
  ob_attr_int(&b, n, "group", 2);
  ob_output(&b, "y");
  CHECK_EQ_INT(import_ob(&b, 0, &g), OCT_OK);
  CHECK_EQ_INT(count_ops(&g, OCT_OP_SPLIT), 1);
  CHECK_EQ_INT(count_ops(&g, OCT_OP_CONV_2D), 2);
  CHECK_EQ_INT(count_ops(&g, OCT_OP_CONCATENATION), 1);
  const oct_ir_op *cat = first_op(&g, OCT_OP_CONCATENATION);
  if (cat) CHECK_EQ_INT(cat->opts.concat.axis, 3);
  const oct_ir_op *c1 = first_op(&g, OCT_OP_CONV_2D);
  if (c1) {
    const oct_ir_tensor *wt = &g.tensors[c1->inputs[1]];
    CHECK(dims_are(wt, 4, DIMS(3, 1, 1, 2)));
    if (wt->data) CHECK_EQ_INT(((const float *)wt->data)[2 * 2 + 1], 5);
  }
  oct_ir_free(&g);
  ob_free(&b);
}

static void test_explicit_pads(void) {
  ob b;
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 4, OB_DIMS(1, 1, 4, 4));
  ob_tensor_f32(&b, "w", 4, OB_DIMS(1, 1, 2, 2), OB_FLOATS(1, 2, 3, 4));
  Onnx__NodeProto *n = ob_node(&b, "Conv", "x,w", "c");
  ob_attr_ints(&b, n, "pads", 4, OB_DIMS(1, 1, 0, 0)); /* leading only: not TFLite's SAME */
  /* ceil_mode adds a window: padded explicitly, divisor fixed by a MUL */
  n = ob_node(&b, "AveragePool", "c", "y1");
  ob_attr_ints(&b, n, "kernel_shape", 2, OB_DIMS(3, 3));
  ob_attr_ints(&b, n, "strides", 2, OB_DIMS(2, 2));
  ob_attr_ints(&b, n, "pads", 4, OB_DIMS(1, 1, 1, 1));
  ob_attr_int(&b, n, "ceil_mode", 1);
  n = ob_node(&b, "MaxPool", "c", "y2");
  ob_attr_ints(&b, n, "kernel_shape", 2, OB_DIMS(3, 3));
  ob_attr_ints(&b, n, "strides", 2, OB_DIMS(2, 2));
  ob_attr_ints(&b, n, "pads", 4, OB_DIMS(1, 1, 1, 1));
  ob_attr_int(&b, n, "ceil_mode", 1);
  /* count_include_pad: a zero PAD and a VALID pool are exact */
  n = ob_node(&b, "AveragePool", "c", "y3");
  ob_attr_ints(&b, n, "kernel_shape", 2, OB_DIMS(3, 3));
  ob_attr_ints(&b, n, "pads", 4, OB_DIMS(1, 1, 1, 1));
  ob_attr_int(&b, n, "count_include_pad", 1);
  ob_output(&b, "y1");
  ob_output(&b, "y2");
  ob_output(&b, "y3");
  oct_ir_graph g;
  CHECK_EQ_INT(import_ob(&b, 0, &g), OCT_OK);
  const oct_ir_op *conv = first_op(&g, OCT_OP_CONV_2D);
  CHECK(conv && conv->opts.conv.padding == OCT_PAD_VALID);
  CHECK_EQ_INT(count_ops(&g, OCT_OP_PAD), 3);
  CHECK_EQ_INT(count_ops(&g, OCT_OP_PADV2), 1);
  CHECK_EQ_INT(count_ops(&g, OCT_OP_MUL), 1);
  CHECK(dims_are(&g.tensors[g.outputs[0]], 4, DIMS(1, 1, 3, 3)));
  CHECK(dims_are(&g.tensors[g.outputs[1]], 4, DIMS(1, 1, 3, 3)));
  CHECK(dims_are(&g.tensors[g.outputs[2]], 4, DIMS(1, 1, 4, 4)));
  for (int i = 0; i < g.n_ops; i++)
    if (g.ops[i].code == OCT_OP_AVERAGE_POOL_2D || g.ops[i].code == OCT_OP_MAX_POOL_2D)
      CHECK_EQ_INT(g.ops[i].opts.pool.padding, OCT_PAD_VALID);
  oct_ir_free(&g);
  ob_free(&b);
}

static void test_elementwise_layout(void) {
  ob b;
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 4, OB_DIMS(1, 2, 3, 3));
  ob_tensor_f32(&b, "w", 4, OB_DIMS(4, 2, 1, 1), OB_FLOATS(1, 2, 3, 4, 5, 6, 7, 8));
  ob_tensor_f32(&b, "s", 3, OB_DIMS(4, 1, 1), OB_FLOATS(10, 20, 30, 40));
  ob_node(&b, "Conv", "x,w", "c1");
  ob_node(&b, "Conv", "x,w", "c2");
  ob_node(&b, "Mul", "c1,s", "m");
  Onnx__NodeProto *n = ob_node(&b, "Concat", "m,c2", "cat");
  ob_attr_int(&b, n, "axis", 1);
  n = ob_node(&b, "Softmax", "cat", "y");
  ob_attr_int(&b, n, "axis", 1);
  ob_output(&b, "y");
  oct_ir_graph g;
  CHECK_EQ_INT(import_ob(&b, 0, &g), OCT_OK);
  const oct_ir_op *mul = first_op(&g, OCT_OP_MUL);
  CHECK(mul != NULL);
  if (mul) {
    const oct_ir_tensor *s = &g.tensors[mul->inputs[1]];
    CHECK(s->data && dims_are(s, 4, DIMS(1, 1, 1, 4)));
    if (s->data) CHECK_EQ_INT(((const float *)s->data)[3], 40);
  }
  const oct_ir_op *cat = first_op(&g, OCT_OP_CONCATENATION);
  CHECK(cat && cat->opts.concat.axis == 3);
  const oct_ir_op *sm = first_op(&g, OCT_OP_SOFTMAX);
  CHECK(sm && dims_are(&g.tensors[sm->inputs[0]], 4, DIMS(1, 3, 3, 8)));
  /* one transpose in, one out */
  CHECK_EQ_INT(count_ops(&g, OCT_OP_TRANSPOSE), 2);
  oct_ir_free(&g);
  ob_free(&b);
}

/* Shape -> Gather -> Unsqueeze -> Concat -> Reshape: evaluated at import */
static void test_shape_folding(void) {
  ob b;
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 4, OB_DIMS(2, 3, 4, 5));
  ob_tensor_i64(&b, "zero", 0, NULL, (const int64_t[]){0});
  ob_tensor_i64(&b, "axes", 1, OB_DIMS(1), (const int64_t[]){0});
  ob_tensor_i64(&b, "minus1", 1, OB_DIMS(1), (const int64_t[]){-1});
  ob_node(&b, "Shape", "x", "shape");
  ob_node(&b, "Gather", "shape,zero", "batch");
  ob_node(&b, "Unsqueeze", "batch,axes", "batch1");
  Onnx__NodeProto *n = ob_node(&b, "Concat", "batch1,minus1", "newshape");
  ob_attr_int(&b, n, "axis", 0);
  ob_node(&b, "Reshape", "x,newshape", "y");
  ob_output(&b, "y");
  oct_ir_graph g;
  CHECK_EQ_INT(import_ob(&b, 0, &g), OCT_OK);
  CHECK_EQ_INT(g.n_ops, 1);
  CHECK_EQ_INT(count_ops(&g, OCT_OP_RESHAPE), 1);
  CHECK(dims_are(&g.tensors[g.outputs[0]], 2, DIMS(2, 60)));
  oct_ir_free(&g);
  ob_free(&b);
}

static void test_gelu(void) {
  for (int variant = 0; variant < 2; variant++) {
    ob b;
    ob_init(&b, 13);
    ob_input(&b, "x", OB_FLOAT, 2, OB_DIMS(1, 16));
    ob_const_f32(&b, "sqrt2", 0, NULL, OB_FLOATS(1.4142135f));
    ob_const_f32(&b, "one", 0, NULL, OB_FLOATS(1.0f));
    ob_const_f32(&b, "half", 0, NULL, OB_FLOATS(0.5f));
    ob_node(&b, "Div", "x,sqrt2", "d");
    ob_node(&b, "Erf", "d", "e");
    ob_node(&b, "Add", "one,e", "a");
    if (variant == 0) {
      ob_node(&b, "Mul", "x,a", "m");
      ob_node(&b, "Mul", "m,half", "y");
    } else {
      ob_node(&b, "Mul", "x,half", "h");
      ob_node(&b, "Mul", "h,a", "y");
    }
    ob_output(&b, "y");
    oct_ir_graph g;
    CHECK_EQ_INT(import_ob(&b, 0, &g), OCT_OK);
    CHECK_EQ_INT(g.n_ops, 1);
    CHECK_EQ_INT(count_ops(&g, OCT_OP_GELU), 1);
    oct_ir_free(&g);
    ob_free(&b);
  }
  /* Erf on its own: refused by name */
  ob b;
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 2, OB_DIMS(1, 16));
  ob_node(&b, "Erf", "x", "y");
  ob_output(&b, "y");
  oct_ir_graph g;
  CHECK_EQ_INT(import_ob(&b, 0, &g), OCT_ERR_UNSUPPORTED);
  CHECK(strstr(g.err.message, "Erf") && strstr(g.err.message, "GELU"));
  oct_ir_free(&g);
  ob_free(&b);
}

static void test_softmax_opsets_and_batch(void) {
  ob b;
  ob_init(&b, 11);
  ob_input(&b, "x", OB_FLOAT, 3, OB_DIMS(OB_SYM, 3, 4));
  Onnx__NodeProto *n = ob_node(&b, "Softmax", "x", "y");
  ob_attr_int(&b, n, "axis", 1);
  ob_output(&b, "y");
  size_t len;
  uint8_t *bytes = ob_pack(&b, &len);
  oct_ir_graph g;
  CHECK_EQ_INT(import(bytes, len, 0, 5, &g), OCT_OK);
  /* opset 11 softmax over axes 1 and 2 of [5,3,4]: as [5,12] */
  CHECK_EQ_INT(count_ops(&g, OCT_OP_RESHAPE), 2);
  const oct_ir_op *sm = first_op(&g, OCT_OP_SOFTMAX);
  CHECK(sm && dims_are(&g.tensors[sm->inputs[0]], 2, DIMS(5, 12)));
  CHECK(dims_are(&g.tensors[g.inputs[0]], 3, DIMS(5, 3, 4)));
  oct_ir_free(&g);
  free(bytes);
  ob_free(&b);
  /* opset 13: axis 1 alone, moved last by transposes */
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 3, OB_DIMS(2, 3, 4));
  n = ob_node(&b, "Softmax", "x", "y");
  ob_attr_int(&b, n, "axis", 1);
  ob_output(&b, "y");
  CHECK_EQ_INT(import_ob(&b, 0, &g), OCT_OK);
  CHECK_EQ_INT(count_ops(&g, OCT_OP_TRANSPOSE), 2);
  sm = first_op(&g, OCT_OP_SOFTMAX);
  CHECK(sm && dims_are(&g.tensors[sm->inputs[0]], 3, DIMS(2, 4, 3)));
  oct_ir_free(&g);
  ob_free(&b);
}

/* ---- errors ---- */
static oct_status import_expect(ob *b, oct_status want, const char *needle1, const char *needle2) {
  oct_ir_graph g;
  const oct_status st = import_ob(b, 0, &g);
  CHECK_EQ_INT(st, want);
  if (needle1) CHECK_MSG(strstr(g.err.message, needle1), "'%s' not in: %s", needle1, g.err.message);
  if (needle2) CHECK_MSG(strstr(g.err.message, needle2), "'%s' not in: %s", needle2, g.err.message);
  oct_ir_free(&g);
  ob_free(b);
  return st;
}

static void test_errors(void) {
  ob b;
  /* unsupported op, named */
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 2, OB_DIMS(1, 4));
  Onnx__NodeProto *n = ob_node(&b, "FancyOp", "x", "y");
  n->name = ob_str(&b, "my_node");
  ob_output(&b, "y");
  import_expect(&b, OCT_ERR_UNSUPPORTED, "my_node", "FancyOp");
  /* other domain */
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 2, OB_DIMS(1, 4));
  n = ob_node(&b, "Relu", "x", "y");
  n->domain = ob_str(&b, "com.microsoft");
  ob_output(&b, "y");
  import_expect(&b, OCT_ERR_UNSUPPORTED, "com.microsoft", "Relu");
  /* attribute of the wrong type */
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 4, OB_DIMS(1, 1, 4, 4));
  ob_tensor_f32(&b, "w", 4, OB_DIMS(1, 1, 1, 1), OB_FLOATS(1));
  n = ob_node(&b, "Conv", "x,w", "y");
  ob_attr_float(&b, n, "strides", 2);
  ob_output(&b, "y");
  import_expect(&b, OCT_ERR_MODEL, "strides", "Conv");
  /* an attribute the importer does not know */
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 2, OB_DIMS(1, 4));
  n = ob_node(&b, "Relu", "x", "y");
  ob_attr_float(&b, n, "alpha", 2);
  ob_output(&b, "y");
  import_expect(&b, OCT_ERR_UNSUPPORTED, "alpha", "Relu");
  /* an attribute value TFLite cannot express */
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 2, OB_DIMS(2, 4));
  ob_tensor_i64(&b, "pads", 1, OB_DIMS(4), (const int64_t[]){0, 1, 0, 1});
  n = ob_node(&b, "Pad", "x,pads", "y");
  ob_attr_str(&b, n, "mode", "reflect");
  ob_output(&b, "y");
  import_expect(&b, OCT_ERR_UNSUPPORTED, "reflect", "Pad");
  /* symbolic dimension other than the batch */
  ob_init(&b, 13);
  ob_input(&b, "images", OB_FLOAT, 2, OB_DIMS(1, OB_SYM));
  ob_node(&b, "Relu", "images", "y");
  ob_output(&b, "y");
  import_expect(&b, OCT_ERR_UNSUPPORTED, "images", "dynamic");
  /* huge input */
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 3, OB_DIMS(1, 1 << 20, 1 << 20));
  ob_node(&b, "Relu", "x", "y");
  ob_output(&b, "y");
  import_expect(&b, OCT_ERR_LIMIT, "'x'", NULL);
  /* rank 9 */
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 9, OB_DIMS(1, 1, 1, 1, 1, 1, 1, 1, 1));
  ob_node(&b, "Relu", "x", "y");
  ob_output(&b, "y");
  import_expect(&b, OCT_ERR_LIMIT, "rank", NULL);
  /* initializer whose data does not fit its dims, or is enormous */
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 1, OB_DIMS(4));
  b.inits[b.n_inits++] = ob_tensor_raw(&b, "c", OB_FLOAT, 1, OB_DIMS(4), OB_FLOATS(1, 2, 3), 12);
  ob_node(&b, "Add", "x,c", "y");
  ob_output(&b, "y");
  import_expect(&b, OCT_ERR_MODEL, "'c'", "12 bytes");
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 1, OB_DIMS(4));
  b.inits[b.n_inits++] =
      ob_tensor_raw(&b, "c", OB_FLOAT, 3, OB_DIMS(1 << 30, 1 << 30, 1 << 30), OB_FLOATS(1), 4);
  ob_node(&b, "Add", "x,c", "y");
  ob_output(&b, "y");
  import_expect(&b, OCT_ERR_LIMIT, "'c'", NULL);
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 1, OB_DIMS(4));
  b.inits[b.n_inits++] = ob_tensor_raw(&b, "c", OB_FLOAT, 1, OB_DIMS(-4), OB_FLOATS(1), 4);
  ob_node(&b, "Add", "x,c", "y");
  ob_output(&b, "y");
  import_expect(&b, OCT_ERR_MODEL, "'c'", NULL);
  /* external data */
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 1, OB_DIMS(4));
  Onnx__TensorProto *t = ob_tensor_f32(&b, "c", 1, OB_DIMS(4), OB_FLOATS(1, 2, 3, 4));
  t->has_data_location = 1;
  t->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
  ob_node(&b, "Add", "x,c", "y");
  ob_output(&b, "y");
  import_expect(&b, OCT_ERR_UNSUPPORTED, "'c'", "external");
  /* opsets outside 7..17 */
  for (int opset = 6; opset <= 18; opset += 12) {
    ob_init(&b, opset);
    ob_input(&b, "x", OB_FLOAT, 1, OB_DIMS(4));
    ob_node(&b, "Relu", "x", "y");
    ob_output(&b, "y");
    import_expect(&b, OCT_ERR_UNSUPPORTED, "opset", NULL);
  }
  /* reading a name nothing defines; writing one twice */
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 1, OB_DIMS(4));
  ob_node(&b, "Add", "x,ghost", "y");
  ob_output(&b, "y");
  import_expect(&b, OCT_ERR_MODEL, "ghost", NULL);
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 1, OB_DIMS(4));
  ob_node(&b, "Relu", "x", "y");
  ob_node(&b, "Relu", "x", "y");
  ob_output(&b, "y");
  import_expect(&b, OCT_ERR_MODEL, "'y'", "twice");
  /* constant gather index out of range */
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 2, OB_DIMS(3, 4));
  ob_tensor_i64(&b, "idx", 1, OB_DIMS(2), (const int64_t[]){1, 7});
  ob_node(&b, "Gather", "x,idx", "y");
  ob_output(&b, "y");
  import_expect(&b, OCT_ERR_MODEL, "index 7", "Gather");
  /* control flow: refused by op type */
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 1, OB_DIMS(1));
  n = ob_node(&b, "If", "x", "y");
  ob_attr(&b, n, "then_branch", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH);
  ob_output(&b, "y");
  import_expect(&b, OCT_ERR_UNSUPPORTED, "If", NULL);
  /* fuzzer finds: an empty string attribute, a node without outputs, a
   * node missing a required input */
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 2, OB_DIMS(2, 4));
  ob_tensor_i64(&b, "pads", 1, OB_DIMS(4), (const int64_t[]){0, 1, 0, 1});
  n = ob_node(&b, "Pad", "x,pads", "y");
  ob_attr_str(&b, n, "mode", "");
  ob_output(&b, "y");
  import_expect(&b, OCT_ERR_UNSUPPORTED, "mode ''", NULL);
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 2, OB_DIMS(2, 4));
  n = ob_node(&b, "ReduceMean", "x", "");
  ob_node(&b, "Relu", "x", "y");
  ob_output(&b, "y");
  import_expect(&b, OCT_ERR_MODEL, "ReduceMean", "output");
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 4, OB_DIMS(1, 1, 2, 2));
  ob_node(&b, "Conv", "x,", "y");
  ob_output(&b, "y");
  import_expect(&b, OCT_ERR_MODEL, "Conv", "missing");
  /* an activation that would pass 2 GiB */
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 3, OB_DIMS(1, 4, 4));
  ob_tensor_i64(&b, "pads", 1, OB_DIMS(6), (const int64_t[]){0, 0, 0, 0, 0, 1 << 30});
  ob_node(&b, "Pad", "x,pads", "y");
  ob_output(&b, "y");
  import_expect(&b, OCT_ERR_LIMIT, "'y", "bytes");
  /* graph output nobody computes */
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 1, OB_DIMS(4));
  ob_node(&b, "Relu", "x", "y");
  ob_output(&b, "z");
  import_expect(&b, OCT_ERR_MODEL, "'z'", NULL);
}

/* Not protobuf, truncated, deeply nested, byte-flipped: errors, never a
 * crash (this runs under the sanitizers). */
static void test_hostile_bytes(void) {
  oct_ir_graph g;
  CHECK_EQ_INT(import("", 0, 0, 0, &g), OCT_ERR_MODEL);
  oct_ir_free(&g);
  CHECK_EQ_INT(import("\xff\xff\xff\xff\xff\xff", 6, 0, 0, &g), OCT_ERR_MODEL);
  oct_ir_free(&g);
  uint8_t noise[512];
  uint32_t s = 12345;
  for (int trial = 0; trial < 200; trial++) {
    for (size_t i = 0; i < sizeof noise; i++) noise[i] = (uint8_t)((s = s * 1103515245u + 12345u) >> 24);
    CHECK(import(noise, 1 + (size_t)trial * 2, 0, 0, &g) != OCT_OK);
    oct_ir_free(&g);
  }
  /* nesting: Model.graph -> Graph.node -> Node.attribute -> Attribute.g -> ... */
  enum { LEVELS = 40 };
  uint8_t *buf = malloc(16 * LEVELS * 3 + 16);
  size_t len = 0;
  static const uint8_t tags[3] = {0x32 /* AttributeProto.g (6) */, 0x2a /* Node.attribute (5) */,
                                  0x0a /* Graph.node (1) */};
  for (int level = 0; level < LEVELS * 3; level++) {
    const uint8_t tag = tags[level % 3];
    uint8_t hdr[8];
    size_t h = 0, v = len;
    hdr[h++] = tag;
    do {
      hdr[h++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
      v >>= 7;
    } while (v);
    memmove(buf + h, buf, len);
    memcpy(buf, hdr, h);
    len += h;
  }
  /* wrap as ModelProto.graph (7) */
  uint8_t *model = malloc(len + 16);
  size_t m = 0, v = len;
  model[m++] = 0x3a;
  do {
    model[m++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
    v >>= 7;
  } while (v);
  memcpy(model + m, buf, len);
  CHECK_EQ_INT(import(model, m + len, 0, 0, &g), OCT_ERR_LIMIT);
  CHECK(strstr(g.err.message, "nest"));
  oct_ir_free(&g);
  free(model);
  free(buf);

  /* every prefix and a sweep of byte flips of a small valid model */
  ob b;
  build_cnn(&b);
  size_t full;
  uint8_t *bytes = ob_pack(&b, &full);
  ob_free(&b);
  for (size_t cut = 0; cut < full; cut += cut < 256 ? 1 : 61) {
    const oct_status st = import(bytes, cut, 0, 0, &g);
    if (cut < full / 2) CHECK_MSG(st != OCT_OK, "prefix of %zu bytes imported", cut);
    oct_ir_free(&g);
  }
  uint8_t *copy = malloc(full);
  int ok = 0;
  for (size_t i = 0; i < full; i += i < 512 ? 1 : 97) {
    memcpy(copy, bytes, full);
    copy[i] ^= (uint8_t)(0x5a + i);
    ok += import(copy, full, 0, 0, &g) == OCT_OK; /* either way, no crash */
    oct_ir_free(&g);
  }
  printf("byte flips: %d of the flipped models still import\n", ok);
  free(copy);
  free(bytes);
}

/* ---- real models ---- */
static void test_model_file(const char *path, const char *expect_unsupported) {
  size_t len;
  void *bytes = ont_read(path, &len);
  if (!bytes) return;
  for (int nhwc = 0; nhwc < 2; nhwc++) {
    oct_ir_graph g;
    const oct_status st = import(bytes, len, nhwc, 0, &g);
    if (expect_unsupported) {
      CHECK_MSG(st == OCT_ERR_UNSUPPORTED && strstr(g.err.message, expect_unsupported),
                "%s: %s", path, g.err.message);
    } else {
      CHECK_MSG(st == OCT_OK, "%s: %s", path, g.err.message);
    }
    if (!nhwc) printf("  %-50s %s\n", strrchr(path, '/') + 1,
                      st ? g.err.message : "ok");
    oct_ir_free(&g);
  }
  free(bytes);
}

static void test_real_models(void) {
  const char *shared = test_shared_dir();
  char dir[1024], path[1200];
  int n;
  snprintf(dir, sizeof dir, "%s/models/onnx-light", shared ? shared : "");
  char **names = shared ? ont_list(dir, "light_", &n) : NULL;
  if (!names) printf("onnx-light models not found: skipped\n");
  for (int i = 0; names && i < n; i++) {
    if (!strstr(names[i], ".onnx")) continue;
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    const int lrn = strstr(names[i], "alexnet") || strstr(names[i], "inception_v1") ||
                    strstr(names[i], "zfnet");
    test_model_file(path, lrn ? "LRN" : NULL);
  }
  ont_free_list(names, names ? n : 0);
  snprintf(dir, sizeof dir, "%s/tests/data/fixtures", OCT_SOURCE_DIR);
  names = ont_list(dir, "", &n);
  int found = 0;
  for (int i = 0; names && i < n; i++) {
    const size_t l = strlen(names[i]);
    if (l < 5 || strcmp(names[i] + l - 5, ".onnx")) continue;
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    test_model_file(path, NULL);
    found++;
  }
  if (!found) printf("no fixture .onnx files yet: skipped\n");
  ont_free_list(names, names ? n : 0);
}

/* ---- ONNX backend node tests ---- */
/* Node tests of supported ops that are refused on purpose, and why. */
static const struct { const char *test, *reason; } k_refused[] = {
    {"test_averagepool_3d_default", "rank 5"},
    /* TFLite's QUANTIZE writes one scale per tensor */
    {"test_quantizelinear_axis", "per-axis quantization of an activation"},
    {"test_maxpool_3d_default", "rank 5"},
    {"test_convtranspose_3d", "rank 5"},
    {"test_maxpool_2d_dilations", "dilated pooling"},
    {"test_maxpool_with_argmax_2d_precomputed_pads", "Indices output"},
    {"test_maxpool_with_argmax_2d_precomputed_strides", "Indices output"},
    {"test_batchnorm_epsilon_training_mode", "training_mode"},
    {"test_batchnorm_example_training_mode", "training_mode"},
    {"test_edge_pad", "mode 'edge'"},
    {"test_reflect_pad", "mode 'reflect'"},
    {"test_erf", "GELU pattern"},
    {"test_resize_tf_crop_and_resize", "tf_crop_and_resize"},
    {"test_split_zero_size_splits", "empty"},
    {"test_training_dropout", "training_mode"},
    {"test_training_dropout_default", "training_mode"},
    {"test_training_dropout_default_mask", "training_mode"},
    {"test_training_dropout_mask", "training_mode"},
    {"test_training_dropout_zero_ratio", "training_mode"},
    {"test_training_dropout_zero_ratio_mask", "training_mode"},
    {"test_max_uint16", "uint16"}, {"test_max_uint32", "uint32"}, {"test_max_uint64", "uint64"},
    {"test_min_uint16", "uint16"}, {"test_min_uint32", "uint32"}, {"test_min_uint64", "uint64"},
    {"test_pow_types_float32_uint32", "uint32"}, {"test_pow_types_float32_uint64", "uint64"},
    {"test_identity_opt", "not a tensor"}, {"test_identity_sequence", "not a tensor"},
    {"test_constantofshape_int_shape_zero", "zero-sized"},
    {"test_reshape_allowzero_reordered", "zero-sized"},
    {"test_add_uint8", "quantized"}, {"test_sub_uint8", "quantized"},
    {"test_mul_uint8", "quantized"}, {"test_div_uint8", "quantized"},
    {"test_resize_downsample_scales_linear_align_corners", "ill-defined"},
    {"test_slice_start_out_of_bounds", "zero-sized"},
    /* no TFLite resize samples like these (checked index by index) */
    {"test_resize_downsample_scales_linear", "whole output size"},
    {"test_resize_downsample_sizes_linear_pytorch_half_pixel", "no TFLite equivalent"},
    {"test_resize_downsample_sizes_nearest", "samples differently"},
    {"test_resize_downsample_sizes_nearest_tf_half_pixel_for_nn", "samples differently"},
    {"test_resize_upsample_sizes_nearest_ceil_half_pixel", "samples differently"},
    {"test_resize_upsample_sizes_nearest_floor_align_corners", "samples differently"},
    {"test_resize_upsample_sizes_nearest_round_prefer_ceil_asymmetric", "samples differently"},
};

static const char *refused_reason(const char *test) {
  for (size_t i = 0; i < sizeof k_refused / sizeof k_refused[0]; i++)
    if (!strcmp(k_refused[i].test, test)) return k_refused[i].reason;
  if (strstr(test, "_cubic")) return "mode 'cubic'";
  if (strstr(test, "select_last_index")) return "select_last_index";
  if (strstr(test, "BFLOAT16") || strstr(test, "STRING")) return "data type";
  return NULL;
}

/* Imports a node test, frozen when it does not import as it is. */
static oct_status import_node_test(const char *dir, oct_ir_graph *g, int *frozen) {
  char path[1200];
  snprintf(path, sizeof path, "%s/model.onnx", dir);
  size_t len;
  void *bytes = ont_read(path, &len);
  *frozen = 0;
  if (!bytes) return oct_ir_fail(g, OCT_ERR_IO, "cannot read %s", path);
  oct_status st = import(bytes, len, 0, 0, g);
  /* then with the weights frozen, then (ops evaluated at import only) with
   * every input frozen */
  for (int keep = 1; st && keep >= 0 &&
                    (strstr(g->err.message, "constant") || strstr(g->err.message, "empty"));
       keep--) {
    snprintf(path, sizeof path, "%s/test_data_set_0", dir);
    size_t flen;
    uint8_t *fz = ont_freeze(bytes, len, path, keep, &flen);
    if (!fz) continue;
    oct_ir_free(g);
    st = import(fz, flen, 0, 0, g);
    *frozen = 1;
    free(fz);
  }
  free(bytes);
  return st;
}

static void test_node_tests(void) {
  int n;
  char **names = ont_list(ONNX_NODE_DIR, "test_", &n);
  if (!names) {
    printf("libonnx-testdata not installed (%s): node tests skipped\n", ONNX_NODE_DIR);
    return;
  }
  int ok = 0, ok_frozen = 0, refused = 0, other_ops = 0, bad = 0;
  for (int i = 0; i < n; i++) {
    char dir[800], path[1200], ops[2048];
    snprintf(dir, sizeof dir, "%s/%s", ONNX_NODE_DIR, names[i]);
    snprintf(path, sizeof path, "%s/model.onnx", dir);
    size_t len;
    void *bytes = ont_read(path, &len);
    if (!bytes) continue;
    const int parsed = ont_op_types(bytes, len, ops, sizeof ops);
    free(bytes);
    int supported = parsed;
    char tmp[2048];
    snprintf(tmp, sizeof tmp, "%s", ops);
    for (char *tok = strtok(tmp, ","); tok; tok = strtok(NULL, ",")) supported &= oct_onnx_op_supported(tok);
    oct_ir_graph g;
    int frozen;
    const oct_status st = import_node_test(dir, &g, &frozen);
    if (!st) {
      ok++;
      ok_frozen += frozen;
    } else if (!supported) {
      other_ops++;
      /* an unknown op is reported, a valid model never crashes the importer */
      CHECK_MSG(st == OCT_ERR_UNSUPPORTED || st == OCT_ERR_LIMIT, "%s: %d %s", names[i], st,
                g.err.message);
    } else if (strstr(g.err.message, "opset") && strstr(g.err.message, "not supported")) {
      refused++; /* ONNX opsets before 7 (the range is 7 to 17) */
    } else if (refused_reason(names[i])) {
      refused++;
      CHECK_MSG(st == OCT_ERR_UNSUPPORTED && strstr(g.err.message, refused_reason(names[i])),
                "%s: %s", names[i], g.err.message);
    } else {
      bad++;
      CHECK_MSG(0, "%s (%s): %d %s", names[i], ops, st, g.err.message);
    }
    oct_ir_free(&g);
  }
  printf("node tests: %d imported (%d with weights frozen), %d refused on purpose, %d with "
         "other ops, %d unexpected failures, of %d\n", ok, ok_frozen, refused, other_ops, bad, n);
  ont_free_list(names, n);
}

int main(void) {
  test_cnn_layout();
  test_depthwise_and_groups();
  test_explicit_pads();
  test_elementwise_layout();
  test_shape_folding();
  test_gelu();
  test_softmax_opsets_and_batch();
  test_errors();
  test_hostile_bytes();
  test_real_models();
  test_node_tests();
  (void)dump;
  return test_finish("test_onnx_import");
}
