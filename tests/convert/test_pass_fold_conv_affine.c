/* Tests of the fold_conv_affine pass (src/convert/passes/fold_conv_affine.c):
 * CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED followed by a per-channel
 * MUL, DIV or ADD (and the DIV, ADD chain of PyTorch's QAT ConvBn export),
 * folded with the same outputs; and the cases it must leave alone. */
#include <math.h>

#include "convert/passes/pass_util.h"
#include "pass_test.h"

#define PASS "fold_conv_affine"

enum { K_CONV, K_DW, K_FC };

typedef struct ca_case {
  int kind;
  int code;      /* MUL, DIV or ADD */
  int c_scalar;  /* constant of one element */
  int has_bias;
  int add_act;   /* fused activation of the MUL/DIV/ADD: moves to the conv */
  int conv_act;  /* the conv's own: blocks */
  int second;    /* conv output also read elsewhere: blocks */
  int nonconst;  /* other operand an input: blocks */
  int folds;
} ca_case;

static void build(oct_ir_graph *g, const ca_case *c) {
  oct_ir_init(g);
  pt_seed(31);
  int x, w, y, z, k;
  if (c->kind == K_FC) {
    x = pt_input(g, "in", PT_SHAPE(2, 6));
    w = pt_const_fill(g, "w", PT_SHAPE(4, 6), -1, 1);
    y = pt_tensor(g, "y", PT_SHAPE(2, 4));
    z = pt_tensor(g, "out", PT_SHAPE(2, 4));
  } else {
    x = pt_input(g, "in", PT_SHAPE(1, 5, 5, c->kind == K_DW ? 4 : 3));
    w = c->kind == K_DW ? pt_const_fill(g, "w", PT_SHAPE(1, 3, 3, 4), -1, 1)
                        : pt_const_fill(g, "w", PT_SHAPE(4, 3, 3, 3), -1, 1);
    y = pt_tensor(g, "y", PT_SHAPE(1, 5, 5, 4));
    z = pt_tensor(g, "out", PT_SHAPE(1, 5, 5, 4));
  }
  const int b = c->has_bias ? pt_const_fill(g, "b", PT_SHAPE(4), -1, 1) : -1;
  const int in[3] = {x, w, b};
  const int code = c->kind == K_FC ? OCT_OP_FULLY_CONNECTED
                   : c->kind == K_DW ? OCT_OP_DEPTHWISE_CONV_2D : OCT_OP_CONV_2D;
  const int op = pt_op(g, code, c->has_bias ? 3 : 2, in, y);
  if (c->kind != K_FC) {
    pt_conv_opts(g, op, OCT_PAD_SAME, 1);
    g->ops[op].opts.conv.depth_multiplier = 1;
    g->ops[op].opts.conv.act = (oct_act)c->conv_act;
  } else {
    g->ops[op].opts.fc.act = (oct_act)c->conv_act;
  }
  if (c->nonconst) k = pt_input(g, "k", PT_SHAPE(4));
  else if (c->c_scalar) k = pt_const_fill(g, "k", PT_SHAPE(1), 0.5f, 2.0f);
  else if (c->kind == K_FC) k = pt_const_fill(g, "k", PT_SHAPE(1, 4), 0.5f, 2.0f);
  else k = pt_const_fill(g, "k", PT_SHAPE(1, 1, 1, 4), 0.5f, 2.0f);
  const int a = pt_op2(g, c->code, y, k, z);
  g->ops[a].opts.arith.act = (oct_act)c->add_act;
  pt_output(g, z);
  if (c->second) pt_output(g, y);
}

static void test_cases(void) {
  static const ca_case cases[] = {
      /* kind code scalar bias add_act conv_act 2nd nonconst folds */
      {K_CONV, OCT_OP_MUL, 0, 1, OCT_ACT_NONE, OCT_ACT_NONE, 0, 0, 1},
      {K_CONV, OCT_OP_DIV, 0, 0, OCT_ACT_RELU, OCT_ACT_NONE, 0, 0, 1},
      {K_CONV, OCT_OP_ADD, 0, 0, OCT_ACT_RELU6, OCT_ACT_NONE, 0, 0, 1},
      {K_DW, OCT_OP_MUL, 1, 0, OCT_ACT_NONE, OCT_ACT_NONE, 0, 0, 1},
      {K_DW, OCT_OP_ADD, 0, 1, OCT_ACT_NONE, OCT_ACT_NONE, 0, 0, 1},
      {K_FC, OCT_OP_DIV, 0, 1, OCT_ACT_NONE, OCT_ACT_NONE, 0, 0, 1},
      {K_FC, OCT_OP_ADD, 0, 1, OCT_ACT_NONE, OCT_ACT_NONE, 0, 0, 0}, /* fc_bias' */
      {K_CONV, OCT_OP_MUL, 0, 1, OCT_ACT_NONE, OCT_ACT_RELU, 0, 0, 0},
      {K_CONV, OCT_OP_MUL, 0, 1, OCT_ACT_NONE, OCT_ACT_NONE, 1, 0, 0},
      {K_CONV, OCT_OP_ADD, 0, 1, OCT_ACT_NONE, OCT_ACT_NONE, 0, 1, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    oct_ir_graph g, ref;
    build(&g, &cases[i]);
    build(&ref, &cases[i]);
    CHECK_MSG(pt_run_pass(&g, PASS) == cases[i].folds, "case %zu", i);
    pt_run_pass_fixed(&g, "dead_code");
    CHECK_MSG(pt_count(&g, cases[i].code) == !cases[i].folds, "case %zu", i);
    if (cases[i].folds) {
      const int c = g.ops[0].code == cases[i].code ? -1 : 0;
      CHECK_MSG(c == 0 && strcmp(g.tensors[g.ops[0].outputs[0]].name, "out") == 0, "case %zu", i);
      const oct_act *act = oct_pu_act_field(&g.ops[0]);
      CHECK_MSG(act && *act == (oct_act)cases[i].add_act, "case %zu", i);
    }
    CHECK(!pt_run_pass(&g, PASS));
    CHECK_MSG(pt_same_outputs(&ref, &g, PT_TOL), "case %zu", i);
    oct_ir_free(&g);
    oct_ir_free(&ref);
  }
}

/* PyTorch's QAT ConvBn2d export: conv(x, w, 0) / f + bias, then a BN
 * (lowered to MUL + ADD): the pass takes the whole chain in one sweep and
 * keeps each weight channel on its quantization grid (w / step stays an
 * integer). */
static void test_qat_chain(void) {
  oct_ir_graph g, ref;
  for (int r = 0; r < 2; r++) {
    oct_ir_graph *h = r ? &ref : &g;
    oct_ir_init(h);
    pt_seed(5);
    const int x = pt_input(h, "in", PT_SHAPE(1, 4, 4, 2));
    float wq[3 * 3 * 3 * 2];
    for (int e = 0; e < 54; e++) wq[e] = (float)((e * 37 % 255) - 128) * 0.01f;
    const int w = pt_const(h, "w", PT_SHAPE(3, 3, 3, 2), wq);
    const int zb = pt_const_fill(h, "zero_bias", PT_SHAPE(3), 0, 0);
    const int in[3] = {x, w, zb};
    int t = pt_tensor(h, "conv", PT_SHAPE(1, 4, 4, 3));
    pt_conv_opts(h, pt_op(h, OCT_OP_CONV_2D, 3, in, t), OCT_PAD_SAME, 1);
    static const int codes[4] = {OCT_OP_DIV, OCT_OP_ADD, OCT_OP_MUL, OCT_OP_ADD};
    static const char *const names[4] = {"div", "add", "bn_mul", "out"};
    for (int k = 0; k < 4; k++) {
      const int y = pt_tensor(h, names[k], PT_SHAPE(1, 4, 4, 3));
      pt_op2(h, codes[k], t, pt_const_fill(h, names[k], PT_SHAPE(3), 0.5f, 1.5f), y);
      t = y;
    }
    pt_output(h, t);
  }
  CHECK(pt_run_pass(&g, PASS));
  pt_run_pass_fixed(&g, "dead_code");
  CHECK_EQ_INT(g.n_ops, 1);
  CHECK(pt_same_outputs(&ref, &g, PT_TOL));
  /* per output channel: w' / (w'[0] / wq[0]) are the original integers */
  const float *w = g.tensors[g.ops[0].inputs[1]].data;
  for (int o = 0; o < 3; o++) {
    const double step = (double)w[o * 18] / (double)((o * 18 * 37 % 255) - 128);
    for (int j = 0; j < 18; j++) {
      const int e = o * 18 + j;
      const double v = (double)w[e] / step;
      CHECK_MSG(fabs(v - (double)((e * 37 % 255) - 128)) < 1e-3, "channel %d element %d: %g", o, j, v);
    }
  }
  oct_ir_free(&g);
  oct_ir_free(&ref);
}

int main(void) {
  test_cases();
  test_qat_chain();
  return test_finish("test_pass_fold_conv_affine");
}
