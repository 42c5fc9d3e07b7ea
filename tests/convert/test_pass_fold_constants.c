/* Tests of the fold_constants pass (src/convert/passes/fold_constants.c). */
#include "pass_test.h"

#define PASS "fold_constants"

/* x [1,5,5,3] -> CONV_2D with weights TRANSPOSE(w_hwio, [3,0,1,2]) and a
 * bias ADD(b1, b2): the TRANSPOSE and the ADD fold, the CONV stays. */
static void build_conv_with_const_ops(oct_ir_graph *g, int fold_by_hand) {
  oct_ir_init(g);
  pt_seed(99);
  float w_hwio[3 * 3 * 3 * 4], w_ohwi[4 * 3 * 3 * 3], b1[4], b2[4], b[4];
  for (int i = 0; i < 108; i++) w_hwio[i] = pt_rand(-1, 1);
  for (int i = 0; i < 4; i++)
    b1[i] = pt_rand(-1, 1), b2[i] = pt_rand(-1, 1), b[i] = b1[i] + b2[i];
  for (int o = 0; o < 4; o++)
    for (int s = 0; s < 27; s++) w_ohwi[o * 27 + s] = w_hwio[s * 4 + o];
  const int x = pt_input(g, "in", PT_SHAPE(1, 5, 5, 3));
  int w, bias;
  if (fold_by_hand) {
    w = pt_const(g, "w", PT_SHAPE(4, 3, 3, 3), w_ohwi);
    bias = pt_const(g, "b", PT_SHAPE(4), b);
  } else {
    const int wt = pt_const(g, "w_hwio", PT_SHAPE(3, 3, 3, 4), w_hwio);
    const int32_t perm[4] = {3, 0, 1, 2};
    const int p = pt_const_i32(g, "perm", PT_SHAPE(4), perm);
    w = pt_tensor(g, "w", PT_SHAPE(4, 3, 3, 3));
    pt_op2(g, OCT_OP_TRANSPOSE, wt, p, w);
    const int tb1 = pt_const(g, "b1", PT_SHAPE(4), b1);
    const int tb2 = pt_const(g, "b2", PT_SHAPE(4), b2);
    bias = pt_tensor(g, "b", PT_SHAPE(4));
    pt_op2(g, OCT_OP_ADD, tb1, tb2, bias);
  }
  const int y = pt_tensor(g, "out", PT_SHAPE(1, 5, 5, 4));
  const int in[3] = {x, w, bias};
  const int c = pt_op(g, OCT_OP_CONV_2D, 3, in, y);
  pt_conv_opts(g, c, OCT_PAD_SAME, 1);
  pt_output(g, y);
}

static void test_conv_weights(void) {
  oct_ir_graph g, ref;
  build_conv_with_const_ops(&g, 0);
  build_conv_with_const_ops(&ref, 1);
  CHECK(pt_run_pass(&g, PASS));
  CHECK_EQ_INT(pt_live(&g), 1);
  CHECK_EQ_INT(pt_count(&g, OCT_OP_CONV_2D), 1);
  const int w = pt_find_tensor(&g, "w"), wr = pt_find_tensor(&ref, "w");
  CHECK(g.tensors[w].data &&
        memcmp(g.tensors[w].data, ref.tensors[wr].data, 108 * 4) == 0);
  const int b = pt_find_tensor(&g, "b"), br = pt_find_tensor(&ref, "b");
  CHECK(g.tensors[b].data &&
        memcmp(g.tensors[b].data, ref.tensors[br].data, 16) == 0);
  CHECK(!pt_run_pass(&g, PASS));
  pt_run_pass_fixed(&g, "dead_code");
  CHECK_EQ_INT(g.n_tensors, 4);
  CHECK(pt_same_outputs(&ref, &g, 0.0));
  oct_ir_free(&g);
  oct_ir_free(&ref);
}

/* A chain of constant ops folds in one sweep; an op reading a non-constant
 * and an op writing a graph output stay. */
static void test_chain_and_limits(void) {
  oct_ir_graph g;
  oct_ir_init(&g);
  const float a[3] = {1, 2, 3}, b[3] = {0.5f, -1, 4};
  const int x = pt_input(&g, "in", PT_SHAPE(3));
  const int ca = pt_const(&g, "a", PT_SHAPE(3), a),
            cb = pt_const(&g, "b", PT_SHAPE(3), b);
  const int s = pt_tensor(&g, "s", PT_SHAPE(3));
  pt_op2(&g, OCT_OP_ADD, ca, cb, s); /* 1.5 1 7 */
  const int p = pt_tensor(&g, "p", PT_SHAPE(3));
  pt_op2(&g, OCT_OP_MUL, s, s, p); /* the same tensor twice: 2.25 1 49 */
  const int m = pt_tensor(&g, "m", PT_SHAPE(3));
  pt_op2(&g, OCT_OP_MAXIMUM, p, cb, m); /* 2.25 1 49 */
  const int y = pt_tensor(&g, "out", PT_SHAPE(3));
  pt_op2(&g, OCT_OP_ADD, x, m, y);
  pt_output(&g, y);
  const int y2 = pt_tensor(&g, "const_out", PT_SHAPE(3));
  pt_op2(&g, OCT_OP_SUB, ca, cb, y2);
  pt_output(&g, y2);
  CHECK(pt_run_pass(&g, PASS));
  CHECK_EQ_INT(pt_live(&g), 2);
  CHECK_EQ_INT(pt_count(&g, OCT_OP_SUB), 1); /* writes a graph output */
  const float *mv = g.tensors[m].data;
  CHECK(mv && mv[0] == 2.25f && mv[1] == 1.0f && mv[2] == 49.0f);
  CHECK(g.tensors[y].data == NULL);
  CHECK(!pt_run_pass(&g, PASS));
  oct_ir_free(&g);
}

/* Outputs over 16 MiB are left (small inputs, broadcast to 18 MB). */
static void test_huge_output(void) {
  oct_ir_graph g;
  oct_ir_init(&g);
  const int x = pt_input(&g, "in", PT_SHAPE(4096, 1100));
  const int a = pt_const_fill(&g, "a", PT_SHAPE(4096, 1), 1.0f, 1.0f);
  const int b = pt_const_fill(&g, "b", PT_SHAPE(1, 1100), 2.0f, 2.0f);
  const int s = pt_tensor(&g, "s", PT_SHAPE(4096, 1100));
  pt_op2(&g, OCT_OP_ADD, a, b, s);
  const int y = pt_tensor(&g, "out", PT_SHAPE(4096, 1100));
  pt_op2(&g, OCT_OP_ADD, x, s, y);
  pt_output(&g, y);
  CHECK(!pt_run_pass(&g, PASS));
  CHECK_EQ_INT(pt_live(&g), 2);
  oct_ir_free(&g);
}

/* BatchNorm of a constant, in double; SPLIT of a constant gives two
 * constants; DEQUANTIZE of float16 weights stays. */
static void test_batch_norm_split_dequantize(void) {
  oct_ir_graph g;
  oct_ir_init(&g);
  const float xv[6] = {1, 2, 3, -4, 5, 6}, sc[3] = {2, 0.5f, 1},
              bi[3] = {0, 1, -1};
  const float mean[3] = {1, 0, 2}, var[3] = {4, 0.25f, 1};
  const int c = pt_const(&g, "xc", PT_SHAPE(2, 3), xv);
  const int bn_in[5] = {c, pt_const(&g, "scale", PT_SHAPE(3), sc),
                        pt_const(&g, "bias", PT_SHAPE(3), bi),
                        pt_const(&g, "mean", PT_SHAPE(3), mean),
                        pt_const(&g, "var", PT_SHAPE(3), var)};
  const int bn = pt_tensor(&g, "bn", PT_SHAPE(2, 3));
  const int op = pt_op(&g, OCT_IR_BATCH_NORM, 5, bn_in, bn);
  g.ops[op].attrs.epsilon = 1e-3f;
  const int x = pt_input(&g, "in", PT_SHAPE(2, 3));
  const int y = pt_tensor(&g, "out", PT_SHAPE(2, 3));
  pt_op2(&g, OCT_OP_ADD, x, bn, y);
  pt_output(&g, y);

  const int32_t axis = 0;
  const int ax = pt_const_i32(&g, "axis", 0, NULL, &axis);
  const int s0 = pt_tensor(&g, "s0", PT_SHAPE(1, 3)),
            s1 = pt_tensor(&g, "s1", PT_SHAPE(1, 3));
  const int sp_in[2] = {ax, c}, sp_out[2] = {s0, s1};
  const int sp = oct_ir_add_op(&g, OCT_OP_SPLIT, 2, sp_in, 2, sp_out, "split");
  g.ops[sp].opts.split.num_splits = 2;
  const int y2 = pt_tensor(&g, "out2", PT_SHAPE(2, 3));
  pt_op2(&g, OCT_OP_ADD, s0, x, y2);
  pt_output(&g, y2);

  const uint16_t half[3] = {0x3c00, 0x4000, 0xc000}; /* 1, 2, -2 */
  const int h = oct_ir_add_const(&g, "half", OCT_FLOAT16, 1, PT_DIMS(3), half);
  const int dq = pt_tensor(&g, "dq", PT_SHAPE(3));
  pt_op1(&g, OCT_OP_DEQUANTIZE, h, dq);
  const int y3 = pt_tensor(&g, "out3", PT_SHAPE(2, 3));
  pt_op2(&g, OCT_OP_MUL, x, dq, y3);
  pt_output(&g, y3);

  CHECK(pt_run_pass(&g, PASS));
  CHECK_EQ_INT(pt_count(&g, OCT_IR_BATCH_NORM), 0);
  CHECK_EQ_INT(pt_count(&g, OCT_OP_SPLIT), 0);
  CHECK_EQ_INT(pt_count(&g, OCT_OP_DEQUANTIZE), 1);
  const float *v = g.tensors[bn].data;
  CHECK(v != NULL);
  for (int i = 0; v && i < 6; i++) {
    const int k = i % 3;
    const double want =
        ((double)xv[i] - mean[k]) * sc[k] / sqrt((double)var[k] + 1e-3f) +
        bi[k];
    CHECK_NEAR(v[i], want, 1e-6 * fabs(want) + 1e-7);
  }
  const float *v0 = g.tensors[s0].data, *v1 = g.tensors[s1].data;
  CHECK(v0 && v1 && v0[0] == 1 && v0[2] == 3 && v1[0] == -4 && v1[2] == 6);
  oct_ir_free(&g);
}

/* An op the runtime cannot run is left, not an error; if the runtime
 * learns it, the folded value must be right. */
static void test_unsupported_left(void) {
  oct_ir_graph g;
  oct_ir_init(&g);
  const float a[4] = {1.5f, -2.5f, 3.25f, 0};
  const int c = pt_const(&g, "a", PT_SHAPE(4), a);
  const int f = pt_tensor(&g, "f", PT_SHAPE(4));
  pt_op1(&g, OCT_OP_FLOOR, c, f);
  const int x = pt_input(&g, "in", PT_SHAPE(4));
  const int y = pt_tensor(&g, "out", PT_SHAPE(4));
  pt_op2(&g, OCT_OP_ADD, x, f, y);
  pt_output(&g, y);
  const int changed = pt_run_pass(&g, PASS);
  if (changed) {
    const float *v = g.tensors[f].data;
    CHECK(v && v[0] == 1 && v[1] == -3 && v[2] == 3 && v[3] == 0);
  } else {
    CHECK_EQ_INT(pt_count(&g, OCT_OP_FLOOR), 1);
  }
  CHECK(g.err.message[0] == '\0' || changed);
  oct_ir_free(&g);
}

int main(void) {
  test_conv_weights();
  test_chain_and_limits();
  test_huge_output();
  test_batch_norm_split_dequantize();
  test_unsupported_left();
  return test_finish("test_pass_fold_constants");
}
