/* Tests of the simplify_algebra pass (src/convert/passes/simplify_algebra.c).
 */
#include "pass_test.h"

#define PASS "simplify_algebra"

/* Runs the pass to a fixed point, compacts, and compares with `ref`. */
static void simplify_and_compare(oct_ir_graph *g, oct_ir_graph *ref,
                                 const char *what) {
  pt_run_pass_fixed(g, PASS);
  pt_run_pass_fixed(g, "dead_code");
  CHECK_MSG(pt_same_outputs(ref, g, PT_TOL), "%s", what);
}

static int scalar(oct_ir_graph *g, const char *name, float v) {
  return pt_const_fill(g, name, PT_SHAPE(1), v, v);
}

/* in -> RELU -> a; out = 3a + 4a + 5a, as ONNX writes it. */
static void build_sum(oct_ir_graph *g) {
  oct_ir_init(g);
  const int x = pt_input(g, "in", PT_SHAPE(2, 4));
  const int a = pt_tensor(g, "a", PT_SHAPE(2, 4));
  pt_op1(g, OCT_OP_RELU, x, a);
  const int m3 = pt_tensor(g, "m3", PT_SHAPE(2, 4)),
            m4 = pt_tensor(g, "m4", PT_SHAPE(2, 4));
  const int m5 = pt_tensor(g, "m5", PT_SHAPE(2, 4)),
            s = pt_tensor(g, "s", PT_SHAPE(2, 4));
  pt_op2(g, OCT_OP_MUL, a, scalar(g, "three", 3), m3);
  pt_op2(g, OCT_OP_MUL, scalar(g, "four", 4), a, m4);
  pt_op2(g, OCT_OP_ADD, m3, m4, s);
  pt_op2(g, OCT_OP_MUL, a, scalar(g, "five", 5), m5);
  const int y = pt_tensor(g, "out", PT_SHAPE(2, 4));
  pt_op2(g, OCT_OP_ADD, s, m5, y);
  pt_output(g, y);
}

static void test_sum_of_scaled_copies(void) {
  oct_ir_graph g, ref;
  build_sum(&g);
  build_sum(&ref);
  simplify_and_compare(&g, &ref, "3a+4a+5a");
  CHECK_EQ_INT(g.n_ops, 2);
  const int m = pt_find_op(&g, OCT_OP_MUL);
  CHECK(m >= 0);
  if (m >= 0) {
    float v = 0;
    const oct_ir_tensor *c = &g.tensors[g.ops[m].inputs[1]];
    if (c->data) v = *(const float *)c->data;
    CHECK_NEAR(v, 12.0, 0);
    CHECK(strcmp(g.tensors[g.ops[m].inputs[0]].name, "a") == 0);
    CHECK(strcmp(g.tensors[g.ops[m].outputs[0]].name, "out") == 0);
  }
  oct_ir_free(&g);
  oct_ir_free(&ref);
}

/* a + a, a - 3a (per-channel), MUL(a, c1) + MUL(a, c2) per channel, and a
 * term whose MUL has another reader. */
static void build_terms(oct_ir_graph *g, int variant) {
  oct_ir_init(g);
  const int x = pt_input(g, "in", PT_SHAPE(2, 3));
  const int y = pt_tensor(g, "out", PT_SHAPE(2, 3));
  const int t = pt_tensor(g, "t", PT_SHAPE(2, 3)),
            u = pt_tensor(g, "u", PT_SHAPE(2, 3));
  pt_seed(3);
  switch (variant) {
    case 0:
      pt_op2(g, OCT_OP_ADD, x, x, y);
      break;
    case 1:
      pt_op2(g, OCT_OP_MUL, x, pt_const_fill(g, "c", PT_SHAPE(3), -2, 2), t);
      pt_op2(g, OCT_OP_SUB, x, t, y);
      break;
    case 2:
      pt_op2(g, OCT_OP_MUL, x, pt_const_fill(g, "c1", PT_SHAPE(3), -2, 2), t);
      pt_op2(g, OCT_OP_MUL, pt_const_fill(g, "c2", PT_SHAPE(1, 3), -2, 2), x,
             u);
      pt_op2(g, OCT_OP_ADD, t, u, y);
      break;
    default: {
      pt_op2(g, OCT_OP_MUL, x, scalar(g, "c", 3), t);
      pt_op2(g, OCT_OP_ADD, t, x, y);
      const int z = pt_tensor(g, "out2", PT_SHAPE(2, 3));
      pt_op1(g, OCT_OP_RELU, t, z);
      pt_output(g, z);
      break;
    }
  }
  pt_output(g, y);
}

static void test_terms(void) {
  static const int want_ops[4] = {1, 1, 1, 3};
  for (int v = 0; v < 4; v++) {
    oct_ir_graph g, ref;
    build_terms(&g, v);
    build_terms(&ref, v);
    simplify_and_compare(&g, &ref, "terms");
    CHECK_MSG(g.n_ops == want_ops[v], "variant %d: %d ops", v, g.n_ops);
    CHECK_MSG(pt_count(&g, OCT_OP_ADD) + pt_count(&g, OCT_OP_SUB) == 0,
              "variant %d", v);
    oct_ir_free(&g);
    oct_ir_free(&ref);
  }
  /* Different bases: nothing to merge. */
  oct_ir_graph g;
  oct_ir_init(&g);
  const int a = pt_input(&g, "a", PT_SHAPE(3)),
            b = pt_input(&g, "b", PT_SHAPE(3));
  const int t = pt_tensor(&g, "t", PT_SHAPE(3)),
            u = pt_tensor(&g, "u", PT_SHAPE(3));
  pt_op2(&g, OCT_OP_MUL, a, scalar(&g, "c3", 3), t);
  pt_op2(&g, OCT_OP_MUL, b, scalar(&g, "c4", 4), u);
  const int y = pt_tensor(&g, "out", PT_SHAPE(3));
  pt_op2(&g, OCT_OP_ADD, t, u, y);
  pt_output(&g, y);
  CHECK(!pt_run_pass(&g, PASS));
  oct_ir_free(&g);
}

/* x*1 and x+0 vanish (also through a graph output); a fused RELU stays
 * as a RELU op; ones that widen x stay; graph input to graph output stays. */
static void test_neutral(void) {
  for (int v = 0; v < 6; v++) {
    oct_ir_graph g, ref;
    for (int r = 0; r < 2; r++) {
      oct_ir_graph *h = r ? &ref : &g;
      oct_ir_init(h);
      const int x = pt_input(h, "in", PT_SHAPE(2, 3));
      const int t = pt_tensor(h, "t", PT_SHAPE(2, 3));
      pt_op1(h, OCT_OP_RELU6, x, t);
      const int src = v == 5 ? x : t;
      const int y = v == 4 ? pt_tensor(h, "out", PT_SHAPE(2, 2, 3))
                           : pt_tensor(h, "out", PT_SHAPE(2, 3));
      int op;
      if (v == 0)
        op = pt_op2(h, OCT_OP_MUL, src, scalar(h, "one", 1), y);
      else if (v == 1)
        op = pt_op2(h, OCT_OP_ADD, pt_const_fill(h, "zero", PT_SHAPE(3), 0, 0),
                    src, y);
      else if (v == 2)
        op = pt_op2(h, OCT_OP_SUB, src, scalar(h, "zero", 0), y);
      else if (v == 3)
        op = pt_op2(h, OCT_OP_MUL, src, scalar(h, "one", 1), y);
      else if (v == 4)
        op = pt_op2(h, OCT_OP_MUL, src,
                    pt_const_fill(h, "ones", PT_SHAPE(2, 1, 3), 1, 1), y);
      else
        op = pt_op2(h, OCT_OP_ADD, src, scalar(h, "zero", 0), y);
      if (v == 3) h->ops[op].opts.arith.act = OCT_ACT_RELU;
      pt_output(h, y);
      if (v == 5) pt_output(h, t);
    }
    simplify_and_compare(&g, &ref, "neutral");
    static const int want_ops[6] = {1, 1, 1, 2, 2, 2};
    CHECK_MSG(g.n_ops == want_ops[v], "variant %d: %d ops", v, g.n_ops);
    CHECK(strcmp(pt_output_name(&g, 0), "out") == 0);
    if (v == 3) CHECK_EQ_INT(pt_count(&g, OCT_OP_RELU), 1);
    if (v < 3) CHECK(strcmp(g.tensors[g.ops[0].outputs[0]].name, "out") == 0);
    oct_ir_free(&g);
    oct_ir_free(&ref);
  }
}

/* Chains of constant MULs / ADDs merge; MUL then ADD stays; an inner op
 * with an activation or another reader stays. */
static void test_chains(void) {
  static const struct {
    int first, second, inner_act, inner_read, ops;
  } cases[] = {
      {OCT_OP_MUL, OCT_OP_MUL, 0, 0, 1}, {OCT_OP_ADD, OCT_OP_ADD, 0, 0, 1},
      {OCT_OP_ADD, OCT_OP_SUB, 0, 0, 1}, {OCT_OP_SUB, OCT_OP_SUB, 0, 0, 1},
      {OCT_OP_MUL, OCT_OP_ADD, 0, 0, 2}, {OCT_OP_MUL, OCT_OP_MUL, 1, 0, 2},
      {OCT_OP_MUL, OCT_OP_MUL, 0, 1, 3},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    oct_ir_graph g, ref;
    for (int r = 0; r < 2; r++) {
      oct_ir_graph *h = r ? &ref : &g;
      oct_ir_init(h);
      pt_seed(11);
      const int x = pt_input(h, "in", PT_SHAPE(2, 2, 3));
      const int t = pt_tensor(h, "t", PT_SHAPE(2, 2, 3));
      const int inner = pt_op2(h, cases[i].first, x,
                               pt_const_fill(h, "c1", PT_SHAPE(3), -2, 2), t);
      if (cases[i].inner_act) h->ops[inner].opts.arith.act = OCT_ACT_RELU;
      const int y = pt_tensor(h, "out", PT_SHAPE(2, 2, 3));
      const int outer =
          pt_op2(h, cases[i].second, t,
                 pt_const_fill(h, "c2", PT_SHAPE(2, 1, 1), -2, 2), y);
      h->ops[outer].opts.arith.act = OCT_ACT_RELU6;
      pt_output(h, y);
      if (cases[i].inner_read) {
        const int z = pt_tensor(h, "out2", PT_SHAPE(2, 2, 3));
        pt_op1(h, OCT_OP_RELU, t, z);
        pt_output(h, z);
      }
    }
    simplify_and_compare(&g, &ref, "chain");
    CHECK_MSG(g.n_ops == cases[i].ops, "case %zu: %d ops", i, g.n_ops);
    CHECK_EQ_INT(pt_count(&g, OCT_OP_SUB), 0);
    if (cases[i].ops == 1) {
      CHECK_EQ_INT(g.ops[0].opts.arith.act, OCT_ACT_RELU6);
      CHECK_EQ_INT(g.tensors[g.ops[0].inputs[1]].rank, 3); /* [2,1,3] */
    }
    oct_ir_free(&g);
    oct_ir_free(&ref);
  }
}

/* DIV by a constant becomes MUL by its reciprocal (the runtime has no
 * DIV, so the check is on the constant); DIV of a constant by x, SUB of x
 * from a constant, and int32 arithmetic stay. */
static void test_div_sub(void) {
  oct_ir_graph g;
  oct_ir_init(&g);
  const float cv[3] = {2, -4, 0.1f};
  const int x = pt_input(&g, "in", PT_SHAPE(3));
  const int c = pt_const(&g, "c", PT_SHAPE(3), cv);
  const int y = pt_tensor(&g, "out", PT_SHAPE(3)),
            y2 = pt_tensor(&g, "out2", PT_SHAPE(3));
  const int y3 = pt_tensor(&g, "out3", PT_SHAPE(3));
  const int d = pt_op2(&g, OCT_OP_DIV, x, c, y);
  g.ops[d].opts.arith.act = OCT_ACT_RELU;
  pt_op2(&g, OCT_OP_DIV, c, x, y2);
  pt_op2(&g, OCT_OP_SUB, c, x, y3);
  const int32_t iv[3] = {1, 2, 3};
  const int xi = oct_ir_add_tensor(&g, "ints", OCT_INT32, 1, PT_DIMS(3));
  oct_ir_add_input(&g, xi);
  const int ci = pt_const_i32(&g, "ci", PT_SHAPE(3), iv);
  const int yi = oct_ir_add_tensor(&g, "out4", OCT_INT32, 1, PT_DIMS(3));
  pt_op2(&g, OCT_OP_DIV, xi, ci, yi);
  pt_output(&g, y);
  pt_output(&g, y2);
  pt_output(&g, y3);
  pt_output(&g, yi);
  CHECK(pt_run_pass(&g, PASS));
  CHECK(!pt_run_pass(&g, PASS));
  CHECK_EQ_INT(g.ops[d].code, OCT_OP_MUL);
  CHECK_EQ_INT(g.ops[d].opts.arith.act, OCT_ACT_RELU);
  CHECK_EQ_INT(g.ops[d].inputs[0], x);
  const float *r = g.tensors[g.ops[d].inputs[1]].data;
  CHECK(r && r[0] == 0.5f && r[1] == -0.25f &&
        r[2] == (float)(1.0 / (double)0.1f));
  CHECK_EQ_INT(pt_count(&g, OCT_OP_DIV), 2);
  CHECK_EQ_INT(pt_count(&g, OCT_OP_SUB), 1);
  CHECK(g.tensors[c].data &&
        ((const float *)g.tensors[c].data)[0] == 2); /* untouched */
  oct_ir_free(&g);
}

int main(void) {
  test_sum_of_scaled_copies();
  test_terms();
  test_neutral();
  test_chains();
  test_div_sub();
  return test_finish("test_pass_simplify_algebra");
}
