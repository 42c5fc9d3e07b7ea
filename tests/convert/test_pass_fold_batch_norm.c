/* Tests of the fold_batch_norm pass (src/convert/passes/fold_batch_norm.c).
 *
 * Each graph is built twice: with an OCT_IR_BATCH_NORM, and as the
 * reference, with the BatchNorm written out as MUL + ADD of constants the
 * test computes itself from the formula, in double. */
#include "pass_test.h"

#define PASS "fold_batch_norm"

/* x -> BatchNorm over C channels -> y (or the reference MUL + ADD). */
static void add_bn(oct_ir_graph *g, int x, int y, int c, int ref,
                   uint32_t seed) {
  float sc[64], bi[64], mean[64], var[64], a[64], b[64];
  const float eps = 1e-3f;
  pt_seed(seed);
  for (int k = 0; k < c; k++) {
    sc[k] = pt_rand(0.5f, 2.0f);
    bi[k] = pt_rand(-1, 1);
    mean[k] = pt_rand(-1, 1);
    var[k] = pt_rand(0.1f, 3.0f);
    a[k] = (float)((double)sc[k] / sqrt((double)var[k] + eps));
    b[k] = (float)((double)bi[k] -
                   (double)mean[k] * sc[k] / sqrt((double)var[k] + eps));
  }
  const int32_t d = c;
  if (ref) {
    const int t =
        pt_tensor(g, "bn_ref_scaled", g->tensors[x].rank, g->tensors[x].dims);
    pt_op2(g, OCT_OP_MUL, x, pt_const(g, "ref_a", 1, &d, a), t);
    pt_op2(g, OCT_OP_ADD, t, pt_const(g, "ref_b", 1, &d, b), y);
    return;
  }
  const int in[5] = {
      x, pt_const(g, "gamma", 1, &d, sc), pt_const(g, "beta", 1, &d, bi),
      pt_const(g, "mean", 1, &d, mean), pt_const(g, "var", 1, &d, var)};
  const int op = pt_op(g, OCT_IR_BATCH_NORM, 5, in, y);
  g->ops[op].attrs.epsilon = eps;
}

enum { CONV, DWCONV, FC };

/* A conv-family op reading x: CONV 3x3 (C -> 4), DWCONV 3x3 multiplier 2,
 * FC (last-dim flatten -> 5). */
static int add_conv(oct_ir_graph *g, int kind, int x, int y, int c,
                    oct_padding pad, int ksize, int with_bias, uint32_t seed) {
  pt_seed(seed);
  int w, oc;
  if (kind == CONV) {
    oc = 4;
    w = pt_const_fill(g, "w", PT_SHAPE(oc, ksize, ksize, c), -1, 1);
  } else if (kind == DWCONV) {
    oc = 2 * c;
    w = pt_const_fill(g, "w", PT_SHAPE(1, ksize, ksize, oc), -1, 1);
  } else {
    oc = 5;
    w = pt_const_fill(g, "w",
                      PT_SHAPE(oc, (int32_t)(oct_ir_elems(&g->tensors[x]) /
                                             g->tensors[x].dims[0])),
                      -1, 1);
  }
  const int32_t d = oc;
  const int b = with_bias ? pt_const_fill(g, "bias", 1, &d, -1, 1) : -1;
  const int in[3] = {x, w, b};
  const int code = kind == CONV     ? OCT_OP_CONV_2D
                   : kind == DWCONV ? OCT_OP_DEPTHWISE_CONV_2D
                                    : OCT_OP_FULLY_CONNECTED;
  const int op = pt_op(g, code, with_bias ? 3 : 2, in, y);
  if (kind != FC) pt_conv_opts(g, op, pad, 1);
  if (kind == DWCONV) g->ops[op].opts.conv.depth_multiplier = 2;
  return op;
}

/* in [1,6,6,3] -> conv-family op -> BN -> "out". */
static void build_before(oct_ir_graph *g, int kind, int with_bias, int ref) {
  oct_ir_init(g);
  const int x = pt_input(g, "in", PT_SHAPE(1, 6, 6, 3));
  int t, y, c;
  if (kind == FC) {
    t = pt_tensor(g, "t", PT_SHAPE(1, 5));
    y = pt_tensor(g, "out", PT_SHAPE(1, 5));
    c = 5;
  } else {
    c = kind == CONV ? 4 : 6;
    t = pt_tensor(g, "t", PT_SHAPE(1, 6, 6, c));
    y = pt_tensor(g, "out", PT_SHAPE(1, 6, 6, c));
  }
  add_conv(g, kind, x, t, 3, OCT_PAD_SAME, 3, with_bias, 5);
  add_bn(g, t, y, c, ref, 17);
  pt_output(g, y);
}

static void test_into_producer(void) {
  for (int kind = CONV; kind <= FC; kind++)
    for (int with_bias = 0; with_bias < 2; with_bias++) {
      oct_ir_graph g, ref;
      build_before(&g, kind, with_bias, 0);
      build_before(&ref, kind, with_bias, 1);
      CHECK(pt_run_pass(&g, PASS));
      pt_run_pass_fixed(&g, "dead_code");
      CHECK_EQ_INT(g.n_ops, 1);
      CHECK_EQ_INT(g.ops[0].n_inputs, 3);
      CHECK(g.ops[0].inputs[2] >= 0 && g.tensors[g.ops[0].inputs[2]].data);
      CHECK(strcmp(g.tensors[g.ops[0].outputs[0]].name, "out") == 0);
      CHECK(strcmp(pt_output_name(&g, 0), "out") == 0);
      CHECK_MSG(pt_same_outputs(&ref, &g, PT_TOL), "kind %d bias %d", kind,
                with_bias);
      oct_ir_free(&g);
      oct_ir_free(&ref);
    }
}

/* in -> RELU -> BN -> consumer -> out: the BatchNorm goes into the
 * consumer when legal, else it is lowered to MUL + ADD. */
static void build_following(oct_ir_graph *g, int kind, oct_padding pad,
                            int ksize, int zero_shift, int ref) {
  oct_ir_init(g);
  const int x = pt_input(g, "in", PT_SHAPE(1, 5, 5, 3));
  const int r = pt_tensor(g, "r", PT_SHAPE(1, 5, 5, 3));
  pt_op1(g, OCT_OP_RELU, x, r);
  const int n = pt_tensor(g, "n", PT_SHAPE(1, 5, 5, 3));
  add_bn(g, r, n, 3, ref, 23);
  if (zero_shift) { /* beta = mean = 0: b = 0 exactly */
    const int bn = pt_find_op(g, ref ? OCT_OP_ADD : OCT_IR_BATCH_NORM);
    for (int slot = ref ? 1 : 2; slot <= (ref ? 1 : 3); slot++)
      memset(g->tensors[g->ops[bn].inputs[slot]].data, 0, 3 * sizeof(float));
  }
  const int out_hw = pad == OCT_PAD_SAME ? 5 : 5 - ksize + 1;
  const int y =
      kind == FC ? pt_tensor(g, "out", PT_SHAPE(1, 5))
                 : pt_tensor(g, "out",
                             PT_SHAPE(1, out_hw, out_hw, kind == CONV ? 4 : 6));
  add_conv(g, kind, n, y, 3, pad, ksize, 1, 31);
  pt_output(g, y);
}

static void test_into_consumer(void) {
  static const struct {
    int kind;
    oct_padding pad;
    int ksize, zero_shift, folds;
  } cases[] = {
      {CONV, OCT_PAD_VALID, 3, 0, 1},
      {DWCONV, OCT_PAD_VALID, 3, 0, 1},
      {FC, OCT_PAD_VALID, 1, 0, 1},
      {CONV, OCT_PAD_SAME, 1, 0, 1}, /* 1x1: SAME pads nothing */
      {CONV, OCT_PAD_SAME, 3, 0, 0},
      {DWCONV, OCT_PAD_SAME, 3, 0, 0},
      /* a pure scale commutes with zero padding */
      {CONV, OCT_PAD_SAME, 3, 1, 1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    oct_ir_graph g, ref;
    build_following(&g, cases[i].kind, cases[i].pad, cases[i].ksize,
                    cases[i].zero_shift, 0);
    build_following(&ref, cases[i].kind, cases[i].pad, cases[i].ksize,
                    cases[i].zero_shift, 1);
    CHECK(pt_run_pass(&g, PASS));
    pt_run_pass_fixed(&g, "dead_code");
    CHECK_EQ_INT(pt_count(&g, OCT_IR_BATCH_NORM), 0);
    if (cases[i].folds) {
      CHECK_MSG(g.n_ops == 2, "case %zu: %d ops", i, g.n_ops);
    } else {
      CHECK_MSG(pt_count(&g, OCT_OP_MUL) == 1 && pt_count(&g, OCT_OP_ADD) == 1,
                "case %zu", i);
    }
    CHECK_MSG(pt_same_outputs(&ref, &g, PT_TOL), "case %zu", i);
    oct_ir_free(&g);
    oct_ir_free(&ref);
  }
}

/* The conv's output has a second reader, or the conv has a fused
 * activation: no fold into it; lowered. Weights shared with another conv
 * are copied, and that conv's result stays the same. */
static void build_blocked(oct_ir_graph *g, int variant, int ref) {
  oct_ir_init(g);
  const int x = pt_input(g, "in", PT_SHAPE(1, 4, 4, 3));
  const int t = pt_tensor(g, "t", PT_SHAPE(1, 4, 4, 4));
  const int conv = add_conv(g, CONV, x, t, 3, OCT_PAD_SAME, 3, 1, 41);
  const int y = pt_tensor(g, "out", PT_SHAPE(1, 4, 4, 4));
  add_bn(g, t, y, 4, ref, 43);
  pt_output(g, y);
  if (variant == 0) {
    const int z = pt_tensor(g, "out2", PT_SHAPE(1, 4, 4, 4));
    pt_op1(g, OCT_OP_RELU, t, z);
    pt_output(g, z);
  } else if (variant == 1) {
    g->ops[conv].opts.conv.act = OCT_ACT_RELU;
  } else {
    const int z = pt_tensor(g, "out2", PT_SHAPE(1, 4, 4, 4));
    const int in[3] = {x, g->ops[conv].inputs[1], g->ops[conv].inputs[2]};
    pt_conv_opts(g, pt_op(g, OCT_OP_CONV_2D, 3, in, z), OCT_PAD_SAME, 1);
    pt_output(g, z);
  }
}

static void test_blocked(void) {
  for (int variant = 0; variant < 3; variant++) {
    oct_ir_graph g, ref;
    build_blocked(&g, variant, 0);
    build_blocked(&ref, variant, 1);
    CHECK(pt_run_pass(&g, PASS));
    pt_run_pass_fixed(&g, "dead_code");
    CHECK_EQ_INT(pt_count(&g, OCT_IR_BATCH_NORM), 0);
    if (variant < 2) {
      CHECK_MSG(pt_count(&g, OCT_OP_MUL) == 1 && pt_count(&g, OCT_OP_ADD) == 1,
                "variant %d", variant);
    } else {
      CHECK_EQ_INT(g.n_ops, 2);
      CHECK(g.ops[0].inputs[1] != g.ops[1].inputs[1]);
    }
    CHECK_MSG(pt_same_outputs(&ref, &g, PT_TOL), "variant %d", variant);
    oct_ir_free(&g);
    oct_ir_free(&ref);
  }
}

/* BatchNorm straight on a graph input and output: lowered, names kept; a
 * BatchNorm whose parameters are not constant is left. */
static void test_lowered_and_left(void) {
  oct_ir_graph g, ref;
  for (int ref_k = 0; ref_k < 2; ref_k++) {
    oct_ir_graph *h = ref_k ? &ref : &g;
    oct_ir_init(h);
    const int x = pt_input(h, "in", PT_SHAPE(2, 7));
    const int y = pt_tensor(h, "out", PT_SHAPE(2, 7));
    add_bn(h, x, y, 7, ref_k, 51);
    pt_output(h, y);
  }
  CHECK(pt_run_pass(&g, PASS));
  CHECK_EQ_INT(pt_count(&g, OCT_OP_MUL), 1);
  CHECK_EQ_INT(pt_count(&g, OCT_OP_ADD), 1);
  CHECK(strcmp(pt_output_name(&g, 0), "out") == 0);
  CHECK(strcmp(g.tensors[g.inputs[0]].name, "in") == 0);
  CHECK(pt_same_outputs(&ref, &g, PT_TOL));
  oct_ir_free(&g);
  oct_ir_free(&ref);

  oct_ir_init(&g);
  const int x = pt_input(&g, "in", PT_SHAPE(2, 3));
  const int s = pt_input(&g, "scale", PT_SHAPE(3));
  const int32_t d = 3;
  const int in[5] = {x, s, pt_const_fill(&g, "b", 1, &d, 0, 0),
                     pt_const_fill(&g, "m", 1, &d, 0, 0),
                     pt_const_fill(&g, "v", 1, &d, 1, 1)};
  const int y = pt_tensor(&g, "out", PT_SHAPE(2, 3));
  pt_op(&g, OCT_IR_BATCH_NORM, 5, in, y);
  pt_output(&g, y);
  CHECK(!pt_run_pass(&g, PASS));
  CHECK_EQ_INT(pt_count(&g, OCT_IR_BATCH_NORM), 1);
  oct_ir_free(&g);
}

/* Two BatchNorms in a row fold one after the other into the same conv. */
static void test_two_in_a_row(void) {
  oct_ir_graph g, ref;
  for (int ref_k = 0; ref_k < 2; ref_k++) {
    oct_ir_graph *h = ref_k ? &ref : &g;
    oct_ir_init(h);
    const int x = pt_input(h, "in", PT_SHAPE(1, 4, 4, 3));
    const int t = pt_tensor(h, "t", PT_SHAPE(1, 4, 4, 4));
    add_conv(h, CONV, x, t, 3, OCT_PAD_VALID, 1, 0, 61);
    const int u = pt_tensor(h, "u", PT_SHAPE(1, 4, 4, 4));
    add_bn(h, t, u, 4, ref_k, 62);
    const int y = pt_tensor(h, "out", PT_SHAPE(1, 4, 4, 4));
    add_bn(h, u, y, 4, ref_k, 63);
    pt_output(h, y);
  }
  CHECK(pt_run_pass(&g, PASS));
  pt_run_pass_fixed(&g, "dead_code");
  CHECK_EQ_INT(g.n_ops, 1);
  CHECK(pt_same_outputs(&ref, &g, PT_TOL));
  oct_ir_free(&g);
  oct_ir_free(&ref);
}

/* Grouped conv as the importer writes it: SPLIT -> CONV per group ->
 * CONCATENATION on channels -> BN. Folds into both convs, unless a branch
 * has an activation or the concat is on another axis. */
static void build_grouped(oct_ir_graph *g, int variant, int ref) {
  oct_ir_init(g);
  const int x = pt_input(g, "in", PT_SHAPE(1, 4, 4, 4));
  const int32_t axis = 3;
  const int ax = pt_const_i32(g, "axis", 0, NULL, &axis);
  const int s0 = pt_tensor(g, "s0", PT_SHAPE(1, 4, 4, 2)),
            s1 = pt_tensor(g, "s1", PT_SHAPE(1, 4, 4, 2));
  const int sp_in[2] = {ax, x}, sp_out[2] = {s0, s1};
  const int sp = oct_ir_add_op(g, OCT_OP_SPLIT, 2, sp_in, 2, sp_out, "split");
  g->ops[sp].opts.split.num_splits = 2;
  const int c0 = pt_tensor(g, "c0", PT_SHAPE(1, 4, 4, 3)),
            c1 = pt_tensor(g, "c1", PT_SHAPE(1, 4, 4, 3));
  pt_seed(71);
  for (int k = 0; k < 2; k++) {
    const int w = pt_const_fill(g, "w", PT_SHAPE(3, 3, 3, 2), -1, 1);
    const int op = pt_op2(g, OCT_OP_CONV_2D, k ? s1 : s0, w, k ? c1 : c0);
    pt_conv_opts(g, op, OCT_PAD_SAME, 1);
    if (variant == 1 && k) g->ops[op].opts.conv.act = OCT_ACT_RELU;
  }
  const int cat = variant == 2 ? pt_tensor(g, "cat", PT_SHAPE(1, 8, 4, 3))
                               : pt_tensor(g, "cat", PT_SHAPE(1, 4, 4, 6));
  const int cop = pt_op2(g, OCT_OP_CONCATENATION, c0, c1, cat);
  g->ops[cop].opts.concat.axis = variant == 2 ? 1 : -1;
  const int y = pt_tensor(g, "out", g->tensors[cat].rank, g->tensors[cat].dims);
  add_bn(g, cat, y, variant == 2 ? 3 : 6, ref, 73);
  pt_output(g, y);
}

static void test_grouped(void) {
  for (int variant = 0; variant < 3; variant++) {
    oct_ir_graph g, ref;
    build_grouped(&g, variant, 0);
    build_grouped(&ref, variant, 1);
    CHECK(pt_run_pass(&g, PASS));
    pt_run_pass_fixed(&g, "dead_code");
    CHECK_EQ_INT(pt_count(&g, OCT_IR_BATCH_NORM), 0);
    CHECK_MSG(pt_count(&g, OCT_OP_MUL) == (variant != 0), "variant %d",
              variant);
    if (variant == 0) {
      const int c = pt_find_op(&g, OCT_OP_CONCATENATION);
      CHECK(strcmp(g.tensors[g.ops[c].outputs[0]].name, "out") == 0);
    }
    CHECK_MSG(pt_same_outputs(&ref, &g, PT_TOL), "variant %d", variant);
    oct_ir_free(&g);
    oct_ir_free(&ref);
  }
}

int main(void) {
  test_into_producer();
  test_into_consumer();
  test_blocked();
  test_lowered_and_left();
  test_two_in_a_row();
  test_grouped();
  return test_finish("test_pass_fold_batch_norm");
}
