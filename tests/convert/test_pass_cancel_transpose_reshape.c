/* Tests of the cancel_transpose_reshape pass
 * (src/convert/passes/cancel_transpose_reshape.c). */
#include "pass_test.h"

#define PASS "cancel_transpose_reshape"

static const int32_t TO_NHWC[4] = {0, 2, 3, 1}, TO_NCHW[4] = {0, 3, 1, 2};

/* TRANSPOSE of x by perm into a new tensor named `name`; int64 perm when
 * `wide`. */
static int transpose(oct_ir_graph *g, int x, const int32_t *perm,
                     const char *name, int wide) {
  const oct_ir_tensor *tx = &g->tensors[x];
  const int rank = tx->rank;
  int32_t d[OCT_MAX_RANK];
  for (int k = 0; k < rank; k++) d[k] = tx->dims[perm[k]];
  const int32_t len = rank;
  int p;
  if (wide) {
    int64_t p64[OCT_MAX_RANK];
    for (int k = 0; k < rank; k++) p64[k] = perm[k];
    p = oct_ir_add_const(g, "perm64", OCT_INT64, 1, &len, p64);
  } else {
    p = pt_const_i32(g, "perm", 1, &len, perm);
  }
  const int t = pt_tensor(g, name, rank, d);
  pt_op2(g, OCT_OP_TRANSPOSE, x, p, t);
  return t;
}

static int reshape(oct_ir_graph *g, int x, int rank, const int32_t *dims,
                   const char *name) {
  const int32_t len = rank;
  const int s = pt_const_i32(g, "shape", 1, &len, dims);
  const int t = pt_tensor(g, name, rank, dims);
  const int op = pt_op2(g, OCT_OP_RESHAPE, x, s, t);
  g->ops[op].opts.reshape.count = rank;
  memcpy(g->ops[op].opts.reshape.new_shape, dims, (size_t)rank * sizeof *dims);
  return t;
}

/* Variants of NCHW in -> [RELU] -> TRANSPOSE -> TRANSPOSE -> [RELU] -> out. */
enum {
  V_CANCEL,
  V_CANCEL_AT_OUTPUT,
  V_EDGE_TO_EDGE,
  V_MERGE,
  V_MERGE_SHARED,
  V_CANCEL_SHARED,
  V_BLOCKED,
  V_COUNT
};

static void build_pair(oct_ir_graph *g, int v) {
  oct_ir_init(g);
  int x = pt_input(g, "in", PT_SHAPE(1, 3, 4, 5));
  if (v == V_CANCEL_AT_OUTPUT) {
    const int r = pt_tensor(g, "r", PT_SHAPE(1, 3, 4, 5));
    pt_op1(g, OCT_OP_RELU, x, r);
    x = r;
  }
  const int t = transpose(g, x, TO_NHWC, "t", v == V_CANCEL);
  int mid = t;
  if (v == V_BLOCKED) {
    mid = pt_tensor(g, "m", PT_SHAPE(1, 4, 5, 3));
    pt_op1(g, OCT_OP_RELU6, t, mid);
  }
  static const int32_t other[4] = {0, 2, 1, 3};
  const int u = transpose(
      g, mid, v == V_MERGE || v == V_MERGE_SHARED ? other : TO_NCHW,
      v == V_CANCEL_AT_OUTPUT || v == V_EDGE_TO_EDGE ? "out" : "u", 0);
  if (v == V_CANCEL_AT_OUTPUT || v == V_EDGE_TO_EDGE) {
    pt_output(g, u);
  } else {
    const oct_ir_tensor *tu = &g->tensors[u];
    const int y = pt_tensor(g, "out", tu->rank, tu->dims);
    pt_op1(g, OCT_OP_RELU, u, y);
    pt_output(g, y);
  }
  if (v == V_MERGE_SHARED || v == V_CANCEL_SHARED) {
    const int y2 = pt_tensor(g, "out2", PT_SHAPE(1, 4, 5, 3));
    pt_op1(g, OCT_OP_RELU, t, y2);
    pt_output(g, y2);
  }
}

static void test_pairs(void) {
  static const int changes[V_COUNT] = {1, 1, 0, 1, 0, 1, 0};
  static const int transposes[V_COUNT] = {0, 0, 2, 1, 2, 1, 2};
  for (int v = 0; v < V_COUNT; v++) {
    oct_ir_graph g, ref;
    build_pair(&g, v);
    build_pair(&ref, v);
    CHECK_MSG(pt_run_pass(&g, PASS) == changes[v], "variant %d", v);
    CHECK(!pt_run_pass(&g, PASS));
    pt_run_pass_fixed(&g, "dead_code");
    CHECK_MSG(pt_count(&g, OCT_OP_TRANSPOSE) == transposes[v], "variant %d: %d",
              v, pt_count(&g, OCT_OP_TRANSPOSE));
    CHECK(strcmp(pt_output_name(&g, 0), "out") == 0);
    CHECK(strcmp(g.tensors[g.inputs[0]].name, "in") == 0);
    if (v == V_CANCEL_AT_OUTPUT) {
      CHECK_EQ_INT(g.n_ops, 1);
      CHECK(strcmp(g.tensors[g.ops[0].outputs[0]].name, "out") == 0);
    }
    if (v == V_MERGE) {
      const int t = pt_find_op(&g, OCT_OP_TRANSPOSE);
      const int32_t *p = g.tensors[g.ops[t].inputs[1]].data;
      /* dims: in [1,3,4,5] -> [1,4,5,3] -> [1,5,4,3]: perm [0,3,2,1] */
      CHECK(p && p[0] == 0 && p[1] == 3 && p[2] == 2 && p[3] == 1);
    }
    CHECK_MSG(pt_same_outputs(&ref, &g, 0.0), "variant %d", v);
    oct_ir_free(&g);
    oct_ir_free(&ref);
  }
}

/* The ONNX importer's flatten after global pooling: NHWC [1,1,1,8] ->
 * TRANSPOSE to NCHW (moves only unit axes) -> RESHAPE [1,8] -> RESHAPE
 * [2,4] -> RELU: one RESHAPE left. An identity perm goes; a RESHAPE to the
 * same shape goes (even onto a graph output); SQUEEZE then RESHAPE merge. */
static void build_flatten(oct_ir_graph *g) {
  oct_ir_init(g);
  const int x = pt_input(g, "in", PT_SHAPE(1, 1, 1, 8));
  const int r = pt_tensor(g, "r", PT_SHAPE(1, 1, 1, 8));
  pt_op1(g, OCT_OP_RELU6, x, r);
  static const int32_t ident[4] = {0, 1, 2, 3};
  const int i0 = transpose(g, r, ident, "i0", 0);
  const int t = transpose(g, i0, TO_NCHW, "t", 0);
  const int f = reshape(g, t, PT_SHAPE(1, 8), "flat");
  const int f2 = reshape(g, f, PT_SHAPE(2, 4), "flat2");
  const int y = pt_tensor(g, "y", PT_SHAPE(2, 4));
  pt_op1(g, OCT_OP_RELU, f2, y);
  const int out = reshape(g, y, PT_SHAPE(2, 4), "out");
  pt_output(g, out);
  const int32_t sq_dims[1] = {8};
  const int s = pt_tensor(g, "sq", 1, sq_dims);
  const int sq = pt_op1(g, OCT_OP_SQUEEZE, r, s);
  g->ops[sq].opts.squeeze.count = 0;
  const int s2 = reshape(g, s, PT_SHAPE(4, 2), "out2");
  pt_output(g, s2);
}

static void test_flatten(void) {
  oct_ir_graph g, ref;
  build_flatten(&g);
  build_flatten(&ref);
  pt_run_pass_fixed(&g, PASS);
  pt_run_pass_fixed(&g, "dead_code");
  CHECK_EQ_INT(pt_count(&g, OCT_OP_TRANSPOSE), 0);
  CHECK_EQ_INT(pt_count(&g, OCT_OP_SQUEEZE), 0);
  CHECK_EQ_INT(pt_count(&g, OCT_OP_RESHAPE), 2); /* to [2,4] and to [4,2] */
  CHECK_EQ_INT(g.n_ops, 4);
  const int relu = pt_find_op(&g, OCT_OP_RELU);
  CHECK(relu >= 0 &&
        strcmp(g.tensors[g.ops[relu].outputs[0]].name, "out") == 0);
  CHECK(strcmp(pt_output_name(&g, 0), "out") == 0 &&
        strcmp(pt_output_name(&g, 1), "out2") == 0);
  CHECK(pt_same_outputs(&ref, &g, 0.0));
  oct_ir_free(&g);
  oct_ir_free(&ref);
}

/* A TRANSPOSE that moves a non-unit axis past another stays; a RESHAPE
 * from a graph input straight to a graph output of the same shape stays. */
static void test_kept(void) {
  oct_ir_graph g;
  oct_ir_init(&g);
  const int x = pt_input(&g, "in", PT_SHAPE(1, 2, 1, 3));
  static const int32_t perm[4] = {0, 3, 2, 1};
  const int t = transpose(&g, x, perm, "out", 0);
  pt_output(&g, t);
  const int y = reshape(&g, x, PT_SHAPE(1, 2, 1, 3), "out2");
  pt_output(&g, y);
  CHECK(!pt_run_pass(&g, PASS));
  CHECK_EQ_INT(pt_count(&g, OCT_OP_TRANSPOSE), 1);
  CHECK_EQ_INT(pt_count(&g, OCT_OP_RESHAPE), 1);
  oct_ir_free(&g);
}

int main(void) {
  test_pairs();
  test_flatten();
  test_kept();
  return test_finish("test_pass_cancel_transpose_reshape");
}
