/* Tests of the fuse_activation pass (src/convert/passes/fuse_activation.c). */
#include "pass_test.h"
#include "convert/passes/pass_util.h"

#define PASS "fuse_activation"

enum { P_CONV, P_DW, P_FC, P_ADD, P_SUB, P_MUL, P_AVG, P_MAX, P_COUNT };
static const int producer_code[P_COUNT] = {OCT_OP_CONV_2D,
                                           OCT_OP_DEPTHWISE_CONV_2D,
                                           OCT_OP_FULLY_CONNECTED,
                                           OCT_OP_ADD,
                                           OCT_OP_SUB,
                                           OCT_OP_MUL,
                                           OCT_OP_AVERAGE_POOL_2D,
                                           OCT_OP_MAX_POOL_2D};

/* in [1,4,4,3] -> producer -> t; returns t. */
static int add_producer(oct_ir_graph *g, int kind, int x) {
  pt_seed(7);
  int t, op;
  if (kind == P_FC) {
    const int w = pt_const_fill(g, "w", PT_SHAPE(6, 48), -1, 1);
    t = pt_tensor(g, "t", PT_SHAPE(1, 6));
    op = pt_op2(g, OCT_OP_FULLY_CONNECTED, x, w, t);
  } else if (kind == P_CONV || kind == P_DW) {
    const int w = kind == P_CONV
                      ? pt_const_fill(g, "w", PT_SHAPE(5, 3, 3, 3), -1, 1)
                      : pt_const_fill(g, "w", PT_SHAPE(1, 3, 3, 3), -1, 1);
    t = pt_tensor(g, "t", PT_SHAPE(1, 4, 4, kind == P_CONV ? 5 : 3));
    op = pt_op2(g, producer_code[kind], x, w, t);
    pt_conv_opts(g, op, OCT_PAD_SAME, 1);
    if (kind == P_DW) g->ops[op].opts.conv.depth_multiplier = 1;
  } else if (kind == P_AVG || kind == P_MAX) {
    t = pt_tensor(g, "t", PT_SHAPE(1, 2, 2, 3));
    op = pt_op1(g, producer_code[kind], x, t);
    pt_pool_opts(g, op, OCT_PAD_VALID, 2, 2);
  } else {
    const int c = pt_const_fill(g, "c", PT_SHAPE(3), -1, 1);
    t = pt_tensor(g, "t", PT_SHAPE(1, 4, 4, 3));
    op = pt_op2(g, producer_code[kind], x, c, t);
  }
  return t;
}

/* Clamp written the ONNX way: lo < hi as MAXIMUM then MINIMUM (or the
 * other order); lo = -inf / hi = inf leave that half out. */
static void add_clamp(oct_ir_graph *g, int t, int y, float lo, float hi,
                      int max_first) {
  const oct_ir_tensor *tt = &g->tensors[t];
  const int mid = pt_tensor(g, "mid", tt->rank, tt->dims);
  const int clo = pt_const_fill(g, "lo", PT_SHAPE(1), lo, lo);
  const int chi = pt_const_fill(g, "hi", 0, NULL, hi, hi);
  if (hi == INFINITY) {
    pt_op2(g, OCT_OP_MAXIMUM, t, clo, y);
  } else if (max_first) {
    pt_op2(g, OCT_OP_MAXIMUM, clo, t, mid);
    pt_op2(g, OCT_OP_MINIMUM, mid, chi, y);
  } else {
    pt_op2(g, OCT_OP_MINIMUM, t, chi, mid);
    pt_op2(g, OCT_OP_MAXIMUM, mid, clo, y);
  }
}

/* Activation `act` (0 RELU op, 1 RELU6 op, 2 clamp(-1,1), 3 clamp(0,6),
 * 4 MAXIMUM(x,0)) after a producer. */
static void build(oct_ir_graph *g, int kind, int act) {
  oct_ir_init(g);
  const int x = pt_input(g, "in", PT_SHAPE(1, 4, 4, 3));
  const int t = add_producer(g, kind, x);
  const int y = pt_tensor(g, "out", g->tensors[t].rank, g->tensors[t].dims);
  switch (act) {
    case 0:
      pt_op1(g, OCT_OP_RELU, t, y);
      break;
    case 1:
      pt_op1(g, OCT_OP_RELU6, t, y);
      break;
    case 2:
      add_clamp(g, t, y, -1, 1, 0);
      break;
    case 3:
      add_clamp(g, t, y, 0, 6, 1);
      break;
    default:
      add_clamp(g, t, y, 0, INFINITY, 0);
      break;
  }
  pt_output(g, y);
}

static void test_fused(void) {
  static const oct_act want[5] = {OCT_ACT_RELU, OCT_ACT_RELU6,
                                  OCT_ACT_RELU_N1_TO_1, OCT_ACT_RELU6,
                                  OCT_ACT_RELU};
  for (int kind = 0; kind < P_COUNT; kind++)
    for (int act = 0; act < 5; act++) {
      oct_ir_graph g, ref;
      build(&g, kind, act);
      build(&ref, kind, act);
      CHECK(pt_run_pass(&g, PASS));
      pt_run_pass_fixed(&g, "dead_code");
      CHECK_MSG(g.n_ops == 1, "producer %d act %d: %d ops", kind, act, g.n_ops);
      oct_act *a = oct_pu_act_field(&g.ops[0]);
      CHECK_MSG(a && *a == want[act], "producer %d act %d", kind, act);
      CHECK(strcmp(g.tensors[g.ops[0].outputs[0]].name, "out") == 0);
      CHECK(strcmp(pt_output_name(&g, 0), "out") == 0);
      /* The unfused graph runs only without RELU_N1_TO_1 ops: the runtime
       * has none, and case 2 is written as a clamp. */
      CHECK_MSG(pt_same_outputs(&ref, &g, 0.0), "producer %d act %d", kind,
                act);
      oct_ir_free(&g);
      oct_ir_free(&ref);
    }
}

/* Not fused: a second reader of the producer's output, a producer with an
 * activation already, a producer of another kind, an activation on a graph
 * output tensor produced upstream; CONCATENATION and TRANSPOSE_CONV (TFLite
 * 2.9 compatibility). */
static void test_not_fused(void) {
  for (int variant = 0; variant < 4; variant++) {
    oct_ir_graph g;
    build(&g, P_ADD, 0);
    const int t = pt_find_tensor(&g, "t");
    if (variant == 0) {
      const int z = pt_tensor(&g, "out2", PT_SHAPE(1, 4, 4, 3));
      pt_op1(&g, OCT_OP_RELU6, t, z);
      pt_output(&g, z);
    } else if (variant == 1) {
      g.ops[pt_find_op(&g, OCT_OP_ADD)].opts.arith.act = OCT_ACT_RELU6;
    } else if (variant == 2) {
      pt_output(&g, t);
    } else {
      g.ops[pt_find_op(&g, OCT_OP_ADD)].code = OCT_OP_MINIMUM;
    }
    pt_run_pass(&g, PASS);
    CHECK_MSG(pt_count(&g, OCT_OP_RELU) == 1, "variant %d", variant);
    oct_ir_free(&g);
  }
  /* Same activation already applied: the op goes. */
  oct_ir_graph g, ref;
  build(&g, P_MUL, 0);
  build(&ref, P_MUL, 0);
  g.ops[pt_find_op(&g, OCT_OP_MUL)].opts.arith.act = OCT_ACT_RELU;
  ref.ops[pt_find_op(&ref, OCT_OP_MUL)].opts.arith.act = OCT_ACT_RELU;
  CHECK(pt_run_pass(&g, PASS));
  CHECK_EQ_INT(pt_count(&g, OCT_OP_RELU), 0);
  CHECK(pt_same_outputs(&ref, &g, 0.0));
  oct_ir_free(&g);
  oct_ir_free(&ref);

  /* CONCATENATION -> RELU stays. */
  oct_ir_init(&g);
  const int a = pt_input(&g, "a", PT_SHAPE(2, 3)),
            b = pt_input(&g, "b", PT_SHAPE(2, 3));
  const int c = pt_tensor(&g, "c", PT_SHAPE(2, 6));
  const int cat = pt_op2(&g, OCT_OP_CONCATENATION, a, b, c);
  g.ops[cat].opts.concat.axis = 1;
  const int y = pt_tensor(&g, "out", PT_SHAPE(2, 6));
  pt_op1(&g, OCT_OP_RELU, c, y);
  pt_output(&g, y);
  CHECK(!pt_run_pass(&g, PASS));
  CHECK_EQ_INT(g.ops[cat].opts.concat.act, OCT_ACT_NONE);
  oct_ir_free(&g);
}

/* Clamps: MAXIMUM(x, 0) on a graph input becomes RELU; constants that
 * widen x, other bounds, or a lone MINIMUM stay; an inner clamp half read
 * elsewhere stays and the outer half becomes what it can. */
static void test_clamps(void) {
  static const struct {
    float lo, hi;
    int wide, max_first, want_relu, want_relu6, live;
  } cases[] = {
      {0, INFINITY, 0, 0, 1, 0, 1}, {0, 6, 0, 1, 0, 1, 1},
      {0, 6, 0, 0, 0, 1, 1},        {0.5f, INFINITY, 0, 0, 0, 0, 1},
      {0, INFINITY, 1, 0, 0, 0, 1}, {-1, 6, 0, 1, 0, 0, 2},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    oct_ir_graph g, ref;
    for (int r = 0; r < 2; r++) {
      oct_ir_graph *h = r ? &ref : &g;
      oct_ir_init(h);
      const int x = pt_input(h, "in", PT_SHAPE(3));
      const int y = cases[i].wide ? pt_tensor(h, "out", PT_SHAPE(2, 3))
                                  : pt_tensor(h, "out", PT_SHAPE(3));
      if (cases[i].wide) {
        const int z = pt_const_fill(h, "zeros", PT_SHAPE(2, 3), 0, 0);
        pt_op2(h, OCT_OP_MAXIMUM, x, z, y);
      } else {
        add_clamp(h, x, y, cases[i].lo, cases[i].hi, cases[i].max_first);
      }
      pt_output(h, y);
    }
    pt_run_pass(&g, PASS);
    pt_run_pass_fixed(&g, "dead_code");
    CHECK_MSG(pt_count(&g, OCT_OP_RELU) == cases[i].want_relu, "case %zu", i);
    CHECK_MSG(pt_count(&g, OCT_OP_RELU6) == cases[i].want_relu6, "case %zu", i);
    CHECK_MSG(g.n_ops == cases[i].live, "case %zu: %d ops", i, g.n_ops);
    CHECK_MSG(pt_same_outputs(&ref, &g, 0.0), "case %zu", i);
    oct_ir_free(&g);
    oct_ir_free(&ref);
  }
  /* MAXIMUM(MINIMUM(x, 6), 0) where the MINIMUM has another reader. */
  oct_ir_graph g;
  oct_ir_init(&g);
  const int x = pt_input(&g, "in", PT_SHAPE(4));
  const int y = pt_tensor(&g, "out", PT_SHAPE(4));
  add_clamp(&g, x, y, 0, 6, 0);
  pt_output(&g, y);
  pt_output(&g, pt_find_tensor(&g, "mid"));
  CHECK(pt_run_pass(&g, PASS));
  CHECK_EQ_INT(pt_count(&g, OCT_OP_MINIMUM), 1);
  CHECK_EQ_INT(pt_count(&g, OCT_OP_RELU), 1);
  oct_ir_free(&g);
}

/* RELU6 after CONCATENATION(CONV, MUL) is distributed into both; with one
 * concat input straight from a graph input, or a producer read elsewhere,
 * it stays. */
static void build_concat(oct_ir_graph *g, int variant) {
  oct_ir_init(g);
  pt_seed(13);
  const int x = pt_input(g, "in", PT_SHAPE(1, 3, 3, 2));
  const int a = pt_tensor(g, "a", PT_SHAPE(1, 3, 3, 4));
  const int conv =
      pt_op2(g, OCT_OP_CONV_2D, x,
             pt_const_fill(g, "w", PT_SHAPE(4, 1, 1, 2), -4, 4), a);
  pt_conv_opts(g, conv, OCT_PAD_VALID, 1);
  int b = x;
  if (variant != 1) {
    b = pt_tensor(g, "b", PT_SHAPE(1, 3, 3, 2));
    pt_op2(g, OCT_OP_MUL, x, pt_const_fill(g, "k", PT_SHAPE(2), -5, 5), b);
  }
  const int c = pt_tensor(g, "c", PT_SHAPE(1, 3, 3, 6));
  const int cat = pt_op2(g, OCT_OP_CONCATENATION, a, b, c);
  g->ops[cat].opts.concat.axis = 3;
  const int y = pt_tensor(g, "out", PT_SHAPE(1, 3, 3, 6));
  pt_op1(g, OCT_OP_RELU6, c, y);
  pt_output(g, y);
  if (variant == 2) pt_output(g, a);
}

static void test_through_concat(void) {
  for (int variant = 0; variant < 3; variant++) {
    oct_ir_graph g, ref;
    build_concat(&g, variant);
    build_concat(&ref, variant);
    CHECK_EQ_INT(pt_run_pass(&g, PASS), variant == 0);
    CHECK_EQ_INT(pt_count(&g, OCT_OP_RELU6), variant != 0);
    if (variant == 0) {
      CHECK_EQ_INT(g.ops[0].opts.conv.act, OCT_ACT_RELU6);
      CHECK_EQ_INT(g.ops[1].opts.arith.act, OCT_ACT_RELU6);
      CHECK_EQ_INT(g.ops[2].opts.concat.act, OCT_ACT_NONE);
      CHECK(strcmp(g.tensors[g.ops[2].outputs[0]].name, "out") == 0);
    }
    pt_run_pass_fixed(&g, "dead_code");
    CHECK_MSG(pt_same_outputs(&ref, &g, 0.0), "variant %d", variant);
    oct_ir_free(&g);
    oct_ir_free(&ref);
  }
}

int main(void) {
  test_fused();
  test_not_fused();
  test_clamps();
  test_through_concat();
  return test_finish("test_pass_fuse_activation");
}
