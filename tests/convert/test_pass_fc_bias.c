/* Tests of the fc_bias pass (src/convert/passes/fc_bias.c). */
#include "pass_test.h"

#define PASS "fc_bias"

typedef struct fc_case {
  int rows; /* batch rows of x [rows, 8] */
  int has_bias;
  int const_left; /* ADD(c, y) */
  int c_rank;     /* 1: [5]; 2: [1,5]; 3: [1,1,5]; -2: [rows,5] */
  int add_act;    /* ADD's fused activation */
  int fc_act;
  int second_reader; /* y also read by a RELU */
  int nonconst;      /* the ADD's other operand is a graph input */
  int shared_bias;   /* the bias is also used by a second FC */
  int folds;
} fc_case;

static void build(oct_ir_graph *g, const fc_case *c) {
  oct_ir_init(g);
  pt_seed(9);
  const int x = pt_input(g, "in", PT_SHAPE(c->rows, 8));
  const int w = pt_const_fill(g, "w", PT_SHAPE(5, 8), -1, 1);
  const int b = c->has_bias ? pt_const_fill(g, "b", PT_SHAPE(5), -1, 1) : -1;
  const int y = pt_tensor(g, "y", PT_SHAPE(c->rows, 5));
  const int in[3] = {x, w, b};
  const int fc = pt_op(g, OCT_OP_FULLY_CONNECTED, c->has_bias ? 3 : 2, in, y);
  g->ops[fc].opts.fc.act = (oct_act)c->fc_act;
  int k;
  if (c->nonconst)
    k = pt_input(g, "k", PT_SHAPE(5));
  else if (c->c_rank == 1)
    k = pt_const_fill(g, "k", PT_SHAPE(5), -1, 1);
  else if (c->c_rank == 2)
    k = pt_const_fill(g, "k", PT_SHAPE(1, 5), -1, 1);
  else if (c->c_rank == 3)
    k = pt_const_fill(g, "k", PT_SHAPE(1, 1, 5), -1, 1);
  else
    k = pt_const_fill(g, "k", PT_SHAPE(c->rows, 5), -1, 1);
  const int z = c->c_rank == 3 ? pt_tensor(g, "out", PT_SHAPE(1, c->rows, 5))
                               : pt_tensor(g, "out", PT_SHAPE(c->rows, 5));
  const int add = c->const_left ? pt_op2(g, OCT_OP_ADD, k, y, z)
                                : pt_op2(g, OCT_OP_ADD, y, k, z);
  g->ops[add].opts.arith.act = (oct_act)c->add_act;
  pt_output(g, z);
  if (c->second_reader) {
    const int z2 = pt_tensor(g, "out2", PT_SHAPE(c->rows, 5));
    pt_op1(g, OCT_OP_RELU, y, z2);
    pt_output(g, z2);
  }
  if (c->shared_bias) {
    const int y2 = pt_tensor(g, "out3", PT_SHAPE(c->rows, 5));
    pt_op(g, OCT_OP_FULLY_CONNECTED, 3, in, y2);
    pt_output(g, y2);
  }
}

static void test_cases(void) {
  static const fc_case cases[] = {
      /* rows bias left rank add_act fc_act 2nd nonconst shared folds */
      {1, 0, 0, 1, OCT_ACT_NONE, OCT_ACT_NONE, 0, 0, 0, 1},
      {3, 0, 1, 2, OCT_ACT_RELU, OCT_ACT_NONE, 0, 0, 0, 1},
      {2, 1, 0, 1, OCT_ACT_RELU6, OCT_ACT_NONE, 0, 0, 0, 1},
      {2, 1, 0, 1, OCT_ACT_NONE, OCT_ACT_NONE, 0, 0, 1, 1},
      {2, 0, 0, 3, OCT_ACT_NONE, OCT_ACT_NONE, 0, 0, 0, 0},  /* widens y */
      {2, 0, 0, -2, OCT_ACT_NONE, OCT_ACT_NONE, 0, 0, 0, 0}, /* not a vector */
      {2, 0, 0, 1, OCT_ACT_NONE, OCT_ACT_RELU, 0, 0, 0, 0},
      {2, 0, 0, 1, OCT_ACT_NONE, OCT_ACT_NONE, 1, 0, 0, 0},
      {2, 0, 0, 1, OCT_ACT_NONE, OCT_ACT_NONE, 0, 1, 0, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    oct_ir_graph g, ref;
    build(&g, &cases[i]);
    build(&ref, &cases[i]);
    CHECK_MSG(pt_run_pass(&g, PASS) == cases[i].folds, "case %zu", i);
    CHECK_MSG(pt_count(&g, OCT_OP_ADD) == !cases[i].folds, "case %zu", i);
    if (cases[i].folds) {
      const int f = pt_find_op(&g, OCT_OP_FULLY_CONNECTED);
      CHECK_EQ_INT(g.ops[f].n_inputs, 3);
      CHECK_EQ_INT(g.ops[f].opts.fc.act, cases[i].add_act);
      CHECK(strcmp(g.tensors[g.ops[f].outputs[0]].name, "out") == 0);
      const int b = g.ops[f].inputs[2];
      CHECK(g.tensors[b].rank == 1 && g.tensors[b].dims[0] == 5);
      if (cases[i].shared_bias) CHECK(b != g.ops[g.n_ops - 1].inputs[2]);
    }
    CHECK(!pt_run_pass(&g, PASS));
    pt_run_pass_fixed(&g, "dead_code");
    CHECK_MSG(pt_same_outputs(&ref, &g, PT_TOL), "case %zu", i);
    oct_ir_free(&g);
    oct_ir_free(&ref);
  }
}

/* keep_num_dims: x [1,3,8] -> y [1,3,5] + [5]. */
static void test_keep_num_dims(void) {
  oct_ir_graph g, ref;
  for (int r = 0; r < 2; r++) {
    oct_ir_graph *h = r ? &ref : &g;
    oct_ir_init(h);
    pt_seed(21);
    const int x = pt_input(h, "in", PT_SHAPE(1, 3, 8));
    const int w = pt_const_fill(h, "w", PT_SHAPE(5, 8), -1, 1);
    const int y = pt_tensor(h, "y", PT_SHAPE(1, 3, 5));
    const int f = pt_op2(h, OCT_OP_FULLY_CONNECTED, x, w, y);
    h->ops[f].opts.fc.keep_num_dims = 1;
    const int z = pt_tensor(h, "out", PT_SHAPE(1, 3, 5));
    pt_op2(h, OCT_OP_ADD, y, pt_const_fill(h, "k", PT_SHAPE(5), -1, 1), z);
    pt_output(h, z);
  }
  CHECK(pt_run_pass(&g, PASS));
  pt_run_pass_fixed(&g, "dead_code");
  CHECK_EQ_INT(g.n_ops, 1);
  CHECK(pt_same_outputs(&ref, &g, PT_TOL));
  oct_ir_free(&g);
  oct_ir_free(&ref);
}

int main(void) {
  test_cases();
  test_keep_num_dims();
  return test_finish("test_pass_fc_bias");
}
