/* Tests of the fold_pad pass (src/convert/passes/fold_pad.c). */
#include <float.h>

#include "pass_test.h"

#define PASS "fold_pad"

enum { K_CONV, K_DW, K_MAXPOOL, K_AVGPOOL };

typedef struct pad_case {
  int kind;
  int hw;             /* input height = width */
  int k, stride, dil; /* window */
  int pt, pb, pl, pr; /* padding amounts */
  int pad_channels;   /* also pad C by 1 after */
  int v2;             /* 0 PAD; 1 PADV2 with value `value` */
  float value;
  int relu_before; /* x comes from a RELU */
  int second_reader;
  oct_padding op_pad; /* the window op's own padding */
  int folds;
} pad_case;

static int out_size(int in, int k, int s, int d, oct_padding p) {
  if (p == OCT_PAD_SAME) return (in + s - 1) / s;
  return (in - ((k - 1) * d + 1)) / s + 1;
}

/* in [1,hw,hw,3] -> (RELU) -> PAD -> window op -> out. */
static void build(oct_ir_graph *g, const pad_case *c) {
  oct_ir_init(g);
  pt_seed(5);
  int x = pt_input(g, "in", PT_SHAPE(1, c->hw, c->hw, 3));
  if (c->relu_before) {
    const int r = pt_tensor(g, "r", PT_SHAPE(1, c->hw, c->hw, 3));
    pt_op1(g, OCT_OP_RELU, x, r);
    x = r;
  }
  const int32_t pads[8] = {0,     0,     c->pt, c->pb,
                           c->pl, c->pr, 0,     c->pad_channels};
  const int ph = c->hw + c->pt + c->pb, pw = c->hw + c->pl + c->pr,
            pc = 3 + c->pad_channels;
  const int p = pt_const_i32(g, "paddings", PT_SHAPE(4, 2), pads);
  const int z = pt_tensor(g, "padded", PT_SHAPE(1, ph, pw, pc));
  if (c->v2) {
    const int v = pt_const_fill(g, "value", 0, NULL, c->value, c->value);
    const int in[3] = {x, p, v};
    pt_op(g, OCT_OP_PADV2, 3, in, z);
  } else {
    pt_op2(g, OCT_OP_PAD, x, p, z);
  }
  const int oh = out_size(ph, c->k, c->stride, c->dil, c->op_pad);
  const int ow = out_size(pw, c->k, c->stride, c->dil, c->op_pad);
  int op, oc = pc;
  if (c->kind == K_CONV || c->kind == K_DW) {
    oc = c->kind == K_CONV ? 4 : pc;
    const int w =
        c->kind == K_CONV
            ? pt_const_fill(g, "w", PT_SHAPE(oc, c->k, c->k, pc), -1, 1)
            : pt_const_fill(g, "w", PT_SHAPE(1, c->k, c->k, oc), -1, 1);
    const int y = pt_tensor(g, "out", PT_SHAPE(1, oh, ow, oc));
    op =
        pt_op2(g, c->kind == K_CONV ? OCT_OP_CONV_2D : OCT_OP_DEPTHWISE_CONV_2D,
               z, w, y);
    pt_conv_opts(g, op, c->op_pad, c->stride);
    g->ops[op].opts.conv.dilation_h = g->ops[op].opts.conv.dilation_w = c->dil;
    if (c->kind == K_DW) g->ops[op].opts.conv.depth_multiplier = 1;
    pt_output(g, y);
  } else {
    const int y = pt_tensor(g, "out", PT_SHAPE(1, oh, ow, oc));
    op = pt_op1(
        g, c->kind == K_MAXPOOL ? OCT_OP_MAX_POOL_2D : OCT_OP_AVERAGE_POOL_2D,
        z, y);
    pt_pool_opts(g, op, c->op_pad, c->k, c->stride);
    pt_output(g, y);
  }
  if (c->second_reader) {
    const int y2 = pt_tensor(g, "out2", PT_SHAPE(1, ph, pw, pc));
    pt_op1(g, OCT_OP_RELU, z, y2);
    pt_output(g, y2);
  }
}

static void test_cases(void) {
  /* clang-format off */
  static const pad_case cases[] = {
      /* kind, hw, k, s, d, pt, pb, pl, pr, pc, v2, value, relu, 2nd,
       * op_pad, folds */
      {K_CONV, 5, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, OCT_PAD_VALID, 1},
      {K_CONV, 6, 3, 2, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, OCT_PAD_VALID, 1},
      /* not SAME's split of the total */
      {K_CONV, 6, 3, 2, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, OCT_PAD_VALID, 0},
      /* dilation 2 */
      {K_CONV, 7, 3, 1, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, OCT_PAD_VALID, 1},
      /* W padded short */
      {K_CONV, 5, 5, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 0, OCT_PAD_VALID, 0},
      /* already SAME */
      {K_CONV, 5, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, OCT_PAD_SAME, 0},
      /* pads C too */
      {K_CONV, 5, 3, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, OCT_PAD_VALID, 0},
      /* PADV2 with 0, with 1 */
      {K_CONV, 5, 3, 1, 1, 1, 1, 1, 1, 0, 1, 0, 0, 0, OCT_PAD_VALID, 1},
      {K_CONV, 5, 3, 1, 1, 1, 1, 1, 1, 0, 1, 1, 0, 0, OCT_PAD_VALID, 0},
      /* the PAD's output has two readers */
      {K_CONV, 5, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, OCT_PAD_VALID, 0},
      {K_DW, 5, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, OCT_PAD_VALID, 1},
      {K_DW, 8, 3, 2, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, OCT_PAD_VALID, 1},
      /* max pool: -inf, -FLT_MAX, zero on x >= 0, zero on any x */
      {K_MAXPOOL, 5, 3, 1, 1, 1, 1, 1, 1, 0, 1, -INFINITY, 0, 0, OCT_PAD_VALID, 1},
      {K_MAXPOOL, 5, 3, 2, 1, 1, 1, 1, 1, 0, 1, -FLT_MAX, 0, 0, OCT_PAD_VALID, 1},
      {K_MAXPOOL, 5, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0, OCT_PAD_VALID, 1},
      {K_MAXPOOL, 5, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, OCT_PAD_VALID, 0},
      /* average pool: never */
      {K_AVGPOOL, 5, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0, OCT_PAD_VALID, 0},
  };
  /* clang-format on */

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    oct_ir_graph g, ref;
    build(&g, &cases[i]);
    build(&ref, &cases[i]);
    const int changed = pt_run_pass(&g, PASS);
    CHECK_MSG(changed == cases[i].folds, "case %zu", i);
    CHECK_MSG(pt_count(&g, OCT_OP_PAD) + pt_count(&g, OCT_OP_PADV2) ==
                  !cases[i].folds,
              "case %zu", i);
    if (cases[i].folds) {
      const int w =
          g.ops[g.n_ops - 1].code == OCT_OP_RELU ? g.n_ops - 2 : g.n_ops - 1;
      const oct_padding pad = cases[i].kind >= K_MAXPOOL
                                  ? g.ops[w].opts.pool.padding
                                  : g.ops[w].opts.conv.padding;
      CHECK_EQ_INT(pad, OCT_PAD_SAME);
      CHECK(strcmp(g.tensors[g.ops[w].inputs[0]].name,
                   cases[i].relu_before ? "r" : "in") == 0);
    }
    CHECK(!pt_run_pass(&g, PASS));
    pt_run_pass_fixed(&g, "dead_code");
    CHECK_MSG(pt_same_outputs(&ref, &g, PT_TOL), "case %zu", i);
    oct_ir_free(&g);
    oct_ir_free(&ref);
  }
}

/* A PAD of all-zero amounts goes, whatever reads it. */
static void test_zero_amounts(void) {
  pad_case c = {K_AVGPOOL,     4, 2, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                OCT_PAD_VALID, 1};
  oct_ir_graph g, ref;
  build(&g, &c);
  build(&ref, &c);
  CHECK(pt_run_pass(&g, PASS));
  CHECK_EQ_INT(pt_count(&g, OCT_OP_PAD), 0);
  pt_run_pass_fixed(&g, "dead_code");
  CHECK(pt_same_outputs(&ref, &g, 0.0));
  oct_ir_free(&g);
  oct_ir_free(&ref);
}

int main(void) {
  test_cases();
  test_zero_amounts();
  return test_finish("test_pass_fold_pad");
}
