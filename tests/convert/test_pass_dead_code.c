/* Tests of the dead_code pass (src/convert/passes/dead_code.c). */
#include "pass_test.h"

#define PASS "dead_code"

/* in -> RELU -> out, plus a dead branch in -> MUL(c) -> ADD(c2) (unread). */
static void build_with_dead_branch(oct_ir_graph *g) {
  oct_ir_init(g);
  const int x = pt_input(g, "in", PT_SHAPE(1, 4, 4, 3));
  const int y = pt_tensor(g, "out", PT_SHAPE(1, 4, 4, 3));
  pt_op1(g, OCT_OP_RELU, x, y);
  pt_output(g, y);
  const int c = pt_const_fill(g, "c", PT_SHAPE(3), 2.0f, 2.0f);
  const int t1 = pt_tensor(g, "t1", PT_SHAPE(1, 4, 4, 3));
  const int t2 = pt_tensor(g, "t2", PT_SHAPE(1, 4, 4, 3));
  pt_op2(g, OCT_OP_MUL, x, c, t1);
  const int c2 = pt_const_fill(g, "c2", PT_SHAPE(3), 1.0f, 1.0f);
  pt_op2(g, OCT_OP_ADD, t1, c2, t2);
}

static void test_dead_branch(void) {
  oct_ir_graph g, ref;
  build_with_dead_branch(&g);
  build_with_dead_branch(&ref);
  CHECK(pt_run_pass(&g, PASS));
  CHECK_EQ_INT(g.n_ops, 1);
  CHECK_EQ_INT(g.ops[0].code, OCT_OP_RELU);
  CHECK_EQ_INT(g.n_tensors, 2); /* the constants and t1, t2 are gone */
  CHECK(pt_find_tensor(&g, "c") < 0 && pt_find_tensor(&g, "t2") < 0);
  CHECK(strcmp(pt_output_name(&g, 0), "out") == 0);
  CHECK(!pt_run_pass(&g, PASS)); /* fixed point */
  CHECK(pt_same_outputs(&ref, &g, 0.0));
  oct_ir_free(&g);
  oct_ir_free(&ref);
}

/* Nothing to remove: no change, indices stay. */
static void test_clean_graph(void) {
  oct_ir_graph g;
  oct_ir_init(&g);
  const int x = pt_input(&g, "in", PT_SHAPE(2, 3));
  const int c = pt_const_fill(&g, "c", PT_SHAPE(3), 0.5f, 0.5f);
  const int t = pt_tensor(&g, "t", PT_SHAPE(2, 3));
  const int y = pt_tensor(&g, "out", PT_SHAPE(2, 3));
  pt_op2(&g, OCT_OP_MUL, x, c, t);
  pt_op1(&g, OCT_OP_RELU, t, y);
  pt_output(&g, y);
  CHECK(!pt_run_pass(&g, PASS));
  CHECK_EQ_INT(g.n_ops, 2);
  CHECK_EQ_INT(g.n_tensors, 4);
  CHECK_EQ_INT(g.outputs[0], y);
  oct_ir_free(&g);
}

/* An op with two outputs stays while one is read; an unread graph input
 * stays; a graph output nobody reads stays; ops already marked dead by
 * another pass are compacted. */
static void test_kept(void) {
  oct_ir_graph g;
  oct_ir_init(&g);
  const int x = pt_input(&g, "in", PT_SHAPE(1, 4));
  pt_input(&g, "unused_in", PT_SHAPE(1, 4));
  const int32_t axis = 1;
  const int ax = pt_const_i32(&g, "axis", 0, NULL, &axis);
  const int s0 = pt_tensor(&g, "s0", PT_SHAPE(1, 2));
  const int s1 = pt_tensor(&g, "s1", PT_SHAPE(1, 2));
  const int split_in[2] = {ax, x}, split_out[2] = {s0, s1};
  const int sp =
      oct_ir_add_op(&g, OCT_OP_SPLIT, 2, split_in, 2, split_out, "split");
  g.ops[sp].opts.split.num_splits = 2;
  const int y = pt_tensor(&g, "out", PT_SHAPE(1, 2));
  pt_op1(&g, OCT_OP_RELU, s1, y);
  pt_output(&g, y);
  const int z = pt_tensor(&g, "out2", PT_SHAPE(1, 4));
  pt_op1(&g, OCT_OP_RELU6, x, z);
  pt_output(&g, z);
  const int w = pt_tensor(&g, "w", PT_SHAPE(1, 4));
  const int dead = pt_op1(&g, OCT_OP_RELU, x, w);
  CHECK(pt_run_pass(&g, PASS));
  CHECK_EQ_INT(pt_live(&g), 3);
  CHECK_EQ_INT(pt_count(&g, OCT_OP_SPLIT), 1);
  CHECK_EQ_INT(g.n_inputs, 2);
  CHECK(pt_find_tensor(&g, "unused_in") >= 0);
  CHECK(pt_find_tensor(&g, "s0") >= 0); /* still written by the SPLIT */
  (void)dead;

  /* An op another pass marked dead: compacted, reported as a change. */
  const int r = pt_find_op(&g, OCT_OP_RELU6);
  const int v = g.ops[r].inputs[0];
  g.ops[r].dead = 1;
  oct_ir_replace_uses(&g, g.ops[r].outputs[0], v); /* out2 now reads "in" */
  CHECK(pt_run_pass(&g, PASS));
  CHECK_EQ_INT(g.n_ops, 2);
  CHECK(!pt_run_pass(&g, PASS));
  oct_ir_free(&g);
}

/* A chain whose end nobody reads dies entirely in one sweep. */
static void test_chain(void) {
  oct_ir_graph g;
  oct_ir_init(&g);
  const int x = pt_input(&g, "in", PT_SHAPE(8));
  const int y = pt_tensor(&g, "out", PT_SHAPE(8));
  pt_op1(&g, OCT_OP_RELU, x, y);
  pt_output(&g, y);
  int prev = x;
  for (int i = 0; i < 10; i++) {
    char name[16];
    snprintf(name, sizeof name, "t%d", i);
    const int t = pt_tensor(&g, name, PT_SHAPE(8));
    pt_op1(&g, OCT_OP_RELU6, prev, t);
    prev = t;
  }
  int changed = 0;
  CHECK(pt_pass(PASS)(&g, &changed) == OCT_OK && changed);
  CHECK_EQ_INT(g.n_ops, 1);
  CHECK_EQ_INT(g.n_tensors, 2);
  oct_ir_free(&g);
}

int main(void) {
  test_dead_branch();
  test_clean_graph();
  test_kept();
  test_chain();
  return test_finish("test_pass_dead_code");
}
