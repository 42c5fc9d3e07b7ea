/* Tests of oct_optimize and the pass table (src/convert/passes/optimize.c):
 * every pass listed once with its own test file, the fixed-point driver,
 * its report and error messages, and a whole graph shaped like the ONNX
 * importer's output optimized end to end against an unoptimized
 * reference. */
#include "pass_test.h"

static const char *const k_expected[] = {
    "dead_code",       "remove_identity", "fold_constants",
    "fold_batch_norm", "fuse_activation", "simplify_algebra",
    "fold_pad",        "fc_bias",         "cancel_transpose_reshape",
    "fold_conv_affine"};
#define N_EXPECTED ((int)(sizeof k_expected / sizeof k_expected[0]))

static void test_table(void) {
  CHECK(oct_pass_count <= OCT_MAX_PASSES);
  CHECK_EQ_INT(oct_pass_count, N_EXPECTED);
  for (int i = 0; i < N_EXPECTED; i++) {
    int found = 0;
    for (int j = 0; j < oct_pass_count; j++)
      found += strcmp(oct_passes[j].name, k_expected[i]) == 0;
    CHECK_MSG(found == 1, "pass %s listed %d times", k_expected[i], found);
  }
  for (int j = 0; j < oct_pass_count; j++) {
    CHECK(oct_passes[j].fn != NULL);
#ifdef OCT_SOURCE_DIR
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/convert/test_pass_%s.c",
             OCT_SOURCE_DIR, oct_passes[j].name);
    FILE *f = fopen(path, "r");
    CHECK_MSG(f != NULL, "no test file %s", path);
    if (f) fclose(f);
    snprintf(path, sizeof path, "%s/src/convert/passes/%s.c", OCT_SOURCE_DIR,
             oct_passes[j].name);
    f = fopen(path, "r");
    CHECK_MSG(f != NULL, "no source file %s", path);
    if (f) fclose(f);
#endif
  }
}

/* Every pass leaves an empty graph and a graph with nothing to do alone. */
static void test_every_pass_idle(void) {
  for (int j = 0; j < oct_pass_count; j++) {
    oct_ir_graph g;
    oct_ir_init(&g);
    int changed = 0;
    CHECK_MSG(oct_passes[j].fn(&g, &changed) == OCT_OK && !changed,
              "%s on empty", oct_passes[j].name);
    oct_ir_free(&g);
    oct_ir_init(&g);
    const int x = pt_input(&g, "in", PT_SHAPE(1, 4, 4, 3));
    const int w = pt_const_fill(&g, "w", PT_SHAPE(2, 3, 3, 3), 0.5f, 0.5f);
    const int y = pt_tensor(&g, "out", PT_SHAPE(1, 4, 4, 2));
    pt_conv_opts(&g, pt_op2(&g, OCT_OP_CONV_2D, x, w, y), OCT_PAD_SAME, 1);
    g.ops[0].opts.conv.act = OCT_ACT_RELU6;
    pt_output(&g, y);
    CHECK_MSG(oct_passes[j].fn(&g, &changed) == OCT_OK && !changed,
              "%s on clean graph", oct_passes[j].name);
    CHECK(oct_ir_verify(&g) == OCT_OK);
    oct_ir_free(&g);
  }
}

/* BatchNorm as the test's own MUL + ADD (ref) or as the IR op. */
static int add_bn(oct_ir_graph *g, int x, int c, int ref, const char *name) {
  float sc[16], bi[16], mean[16], var[16], a[16], b[16];
  for (int k = 0; k < c; k++) {
    sc[k] = pt_rand(0.5f, 2), bi[k] = pt_rand(-1, 1), mean[k] = pt_rand(-1, 1);
    var[k] = pt_rand(0.2f, 2);
    a[k] = (float)(sc[k] / sqrt((double)var[k] + 1e-5f));
    b[k] =
        (float)(bi[k] - (double)mean[k] * sc[k] / sqrt((double)var[k] + 1e-5f));
  }
  const oct_ir_tensor *tx = &g->tensors[x];
  const int32_t d = c;
  const int y = pt_tensor(g, name, tx->rank, tx->dims);
  if (ref) {
    const int t = pt_tensor(g, "bn_t", g->tensors[x].rank, g->tensors[x].dims);
    pt_op2(g, OCT_OP_MUL, x, pt_const(g, "a", 1, &d, a), t);
    pt_op2(g, OCT_OP_ADD, t, pt_const(g, "b", 1, &d, b), y);
  } else {
    const int in[5] = {
        x, pt_const(g, "g", 1, &d, sc), pt_const(g, "be", 1, &d, bi),
        pt_const(g, "m", 1, &d, mean), pt_const(g, "v", 1, &d, var)};
    const int op = pt_op(g, OCT_IR_BATCH_NORM, 5, in, y);
    g->ops[op].attrs.epsilon = 1e-5f;
  }
  return y;
}

static int add_transpose(oct_ir_graph *g, int x, const int32_t *perm,
                         const char *name) {
  int32_t d[4];
  for (int k = 0; k < 4; k++) d[k] = g->tensors[x].dims[perm[k]];
  const int t = pt_tensor(g, name, 4, d);
  pt_op2(g, OCT_OP_TRANSPOSE, x, pt_const_i32(g, "perm", PT_SHAPE(4), perm), t);
  return t;
}

/* What the ONNX importer makes of a small CNN: NCHW input -> TRANSPOSE ->
 * PAD -> Conv (weights as TRANSPOSE of an OIHW-like constant) -> BN ->
 * Clip(0,6) as MAXIMUM/MINIMUM -> depthwise Conv -> Div -> BN -> Relu -> Identity
 * -> MaxPool -> TRANSPOSE to NCHW -> flatten RESHAPE -> MatMul -> Add bias
 * -> Mul by 1 -> Dropout -> "logits". The reference leaves out Identity and
 * Dropout (the runtime cannot run them) and writes BN as MUL + ADD. */
static void build_cnn(oct_ir_graph *g, int ref) {
  static const int32_t TO_NHWC[4] = {0, 2, 3, 1}, TO_NCHW[4] = {0, 3, 1, 2};
  oct_ir_init(g);
  pt_seed(1234);
  const int x = pt_input(g, "input", PT_SHAPE(1, 3, 6, 6));
  const int xh = add_transpose(g, x, TO_NHWC, "x_nhwc");
  const int32_t pads[8] = {0, 0, 1, 1, 1, 1, 0, 0};
  const int xp = pt_tensor(g, "x_pad", PT_SHAPE(1, 8, 8, 3));
  pt_op2(g, OCT_OP_PAD, xh, pt_const_i32(g, "pads", PT_SHAPE(4, 2), pads), xp);
  const int w_hwio = pt_const_fill(g, "w_hwio", PT_SHAPE(3, 3, 3, 4), -1, 1);
  const int32_t to_ohwi[4] = {3, 0, 1, 2};
  const int w = add_transpose(g, w_hwio, to_ohwi, "w_ohwi");
  const int c1 = pt_tensor(g, "c1", PT_SHAPE(1, 6, 6, 4));
  pt_conv_opts(g, pt_op2(g, OCT_OP_CONV_2D, xp, w, c1), OCT_PAD_VALID, 1);
  const int b1 = add_bn(g, c1, 4, ref, "bn1");
  const int m1 = pt_tensor(g, "clip_lo", PT_SHAPE(1, 6, 6, 4));
  pt_op2(g, OCT_OP_MAXIMUM, b1, pt_const_fill(g, "zero", PT_SHAPE(1), 0, 0),
         m1);
  const int r1 = pt_tensor(g, "clip", PT_SHAPE(1, 6, 6, 4));
  pt_op2(g, OCT_OP_MINIMUM, m1, pt_const_fill(g, "six", PT_SHAPE(1), 6, 6), r1);
  const int dw = pt_const_fill(g, "dw_w", PT_SHAPE(1, 3, 3, 4), -1, 1);
  const int c2 = pt_tensor(g, "c2", PT_SHAPE(1, 6, 6, 4));
  const int dwop = pt_op2(g, OCT_OP_DEPTHWISE_CONV_2D, r1, dw, c2);
  pt_conv_opts(g, dwop, OCT_PAD_SAME, 1);
  g->ops[dwop].opts.conv.depth_multiplier = 1;
  /* a per-channel DIV, as PyTorch's QAT ConvBn exports write (for
   * fold_conv_affine) */
  const int c2d = pt_tensor(g, "c2_div", PT_SHAPE(1, 6, 6, 4));
  pt_op2(g, OCT_OP_DIV, c2, pt_const_fill(g, "dw_f", PT_SHAPE(1, 1, 1, 4), 0.5f, 2.0f), c2d);
  const int b2 = add_bn(g, c2d, 4, ref, "bn2");
  int r2 = pt_tensor(g, "relu2", PT_SHAPE(1, 6, 6, 4));
  pt_op1(g, OCT_OP_RELU, b2, r2);
  if (!ref) {
    const int id = pt_tensor(g, "ident", PT_SHAPE(1, 6, 6, 4));
    pt_op1(g, OCT_IR_IDENTITY, r2, id);
    r2 = id;
  }
  const int p = pt_tensor(g, "pool", PT_SHAPE(1, 1, 1, 4));
  pt_pool_opts(g, pt_op1(g, OCT_OP_MAX_POOL_2D, r2, p), OCT_PAD_VALID, 6, 6);
  const int pn = add_transpose(g, p, TO_NCHW, "pool_nchw");
  const int32_t flat_dims[2] = {1, 4};
  const int flat = pt_tensor(g, "flat", PT_SHAPE(1, 4));
  const int rs =
      pt_op2(g, OCT_OP_RESHAPE, pn,
             pt_const_i32(g, "flat_shape", PT_SHAPE(2), flat_dims), flat);
  g->ops[rs].opts.reshape.count = 2;
  memcpy(g->ops[rs].opts.reshape.new_shape, flat_dims, sizeof flat_dims);
  const int mm = pt_tensor(g, "matmul", PT_SHAPE(1, 10));
  pt_op2(g, OCT_OP_FULLY_CONNECTED, flat,
         pt_const_fill(g, "fc_w", PT_SHAPE(10, 4), -1, 1), mm);
  const int biased = pt_tensor(g, "biased", PT_SHAPE(1, 10));
  pt_op2(g, OCT_OP_ADD, mm, pt_const_fill(g, "fc_b", PT_SHAPE(10), -1, 1),
         biased);
  const int one = pt_tensor(g, ref ? "logits" : "scaled", PT_SHAPE(1, 10));
  pt_op2(g, OCT_OP_MUL, biased, pt_const_fill(g, "one", PT_SHAPE(1), 1, 1),
         one);
  int out = one;
  if (!ref) {
    out = pt_tensor(g, "logits", PT_SHAPE(1, 10));
    pt_op1(g, OCT_IR_DROPOUT, one, out);
  }
  pt_output(g, out);
}

static void test_cnn(void) {
  oct_ir_graph g, ref;
  build_cnn(&g, 0);
  build_cnn(&ref, 1);
  oct_optimize_report rep;
  const oct_status st = oct_optimize(&g, &rep);
  CHECK_MSG(st == OCT_OK, "%s", g.err.message);
  for (int i = 0; i < g.n_ops; i++)
    printf("  op %d %s\n", i, oct_ir_op_name(g.ops[i].code));
  printf("ops %d -> %d, tensors %d -> %d, %d rounds\n", rep.ops_before,
         rep.ops_after, rep.tensors_before, rep.tensors_after, rep.rounds);
  for (int i = 0; i < rep.n_passes; i++)
    printf("  %-26s changed the graph in %d rounds\n", rep.passes[i].name,
           rep.passes[i].changes);
  CHECK_EQ_INT(rep.ops_before, 19);
  CHECK_EQ_INT(rep.ops_after, g.n_ops);
  CHECK_EQ_INT(rep.n_passes, oct_pass_count);
  CHECK(rep.rounds >= 2 && rep.rounds < OCT_OPTIMIZE_MAX_ROUNDS);
  for (int i = 0; i < rep.n_passes; i++)
    CHECK_MSG(rep.passes[i].changes > 0, "%s never changed the graph",
              rep.passes[i].name);
  /* input TRANSPOSE, CONV (SAME, RELU6), DEPTHWISE (RELU), MAX_POOL,
   * RESHAPE, FULLY_CONNECTED (bias) */
  CHECK_EQ_INT(g.n_ops, 6);
  CHECK_EQ_INT(pt_count(&g, OCT_IR_BATCH_NORM) + pt_count(&g, OCT_IR_IDENTITY) +
                   pt_count(&g, OCT_IR_DROPOUT),
               0);
  CHECK_EQ_INT(pt_count(&g, OCT_OP_RELU) + pt_count(&g, OCT_OP_RELU6) +
                   pt_count(&g, OCT_OP_MINIMUM) + pt_count(&g, OCT_OP_MAXIMUM) +
                   pt_count(&g, OCT_OP_PAD) + pt_count(&g, OCT_OP_ADD) +
                   pt_count(&g, OCT_OP_MUL),
               0);
  CHECK_EQ_INT(pt_count(&g, OCT_OP_TRANSPOSE), 1);
  const int conv = pt_find_op(&g, OCT_OP_CONV_2D);
  CHECK(conv >= 0 && g.ops[conv].opts.conv.padding == OCT_PAD_SAME &&
        g.ops[conv].opts.conv.act == OCT_ACT_RELU6);
  const int fc = pt_find_op(&g, OCT_OP_FULLY_CONNECTED);
  CHECK(fc >= 0 && g.ops[fc].n_inputs == 3 &&
        strcmp(g.tensors[g.ops[fc].outputs[0]].name, "logits") == 0);
  CHECK(strcmp(pt_output_name(&g, 0), "logits") == 0);
  CHECK(strcmp(g.tensors[g.inputs[0]].name, "input") == 0 &&
        g.tensors[g.inputs[0]].dims[1] == 3);
  CHECK(pt_same_outputs(&ref, &g, PT_TOL));
  /* Optimizing again changes nothing. */
  CHECK(oct_optimize(&g, &rep) == OCT_OK);
  CHECK_EQ_INT(rep.rounds, 1);
  CHECK_EQ_INT(rep.ops_after, rep.ops_before);
  oct_ir_free(&g);
  oct_ir_free(&ref);
}

/* ---- the driver's errors ---- */
static oct_status pass_breaks_graph(oct_ir_graph *g, int *changed) {
  /* Makes the first op write a graph input: oct_ir_verify must object. */
  if (g->n_ops && g->n_inputs) g->ops[0].outputs[0] = g->inputs[0];
  *changed = 1;
  return OCT_OK;
}
static oct_status pass_fails(oct_ir_graph *g, int *changed) {
  (void)changed;
  return oct_ir_fail(g, OCT_ERR_UNSUPPORTED, "op 3 is odd");
}
static oct_status pass_never_settles(oct_ir_graph *g, int *changed) {
  (void)g;
  *changed = 1;
  return OCT_OK;
}

static void build_tiny(oct_ir_graph *g) {
  oct_ir_init(g);
  const int x = pt_input(g, "in", PT_SHAPE(4));
  const int y = pt_tensor(g, "out", PT_SHAPE(4));
  pt_op1(g, OCT_OP_RELU, x, y);
  pt_output(g, y);
}

static void test_driver_errors(void) {
  oct_ir_graph g;
  oct_optimize_report rep;
  const oct_pass broken[2] = {{"dead_code", oct_pass_dead_code},
                              {"breaker", pass_breaks_graph}};
  build_tiny(&g);
  CHECK(oct_optimize_with(&g, broken, 2, &rep) == OCT_ERR_INTERNAL);
  CHECK_MSG(strstr(g.err.message, "after pass breaker") != NULL, "%s",
            g.err.message);
  oct_ir_free(&g);

  const oct_pass failing[1] = {{"failing", pass_fails}};
  build_tiny(&g);
  CHECK(oct_optimize_with(&g, failing, 1, NULL) == OCT_ERR_UNSUPPORTED);
  CHECK_MSG(strstr(g.err.message, "pass failing: op 3 is odd") != NULL, "%s",
            g.err.message);
  oct_ir_free(&g);

  const oct_pass loop[2] = {{"dead_code", oct_pass_dead_code},
                            {"restless", pass_never_settles}};
  build_tiny(&g);
  CHECK(oct_optimize_with(&g, loop, 2, &rep) == OCT_ERR_INTERNAL);
  CHECK_MSG(strstr(g.err.message, "no fixed point") &&
                strstr(g.err.message, "restless") &&
                !strstr(g.err.message, "dead_code"),
            "%s", g.err.message);
  CHECK_EQ_INT(rep.rounds, OCT_OPTIMIZE_MAX_ROUNDS);
  oct_ir_free(&g);

  /* A graph that fails verification before any pass is refused as such. */
  build_tiny(&g);
  g.tensors[1].rank = -1;
  CHECK(oct_optimize(&g, NULL) != OCT_OK);
  CHECK_MSG(strstr(g.err.message, "before optimization") != NULL, "%s",
            g.err.message);
  oct_ir_free(&g);
}

int main(void) {
  test_table();
  test_every_pass_idle();
  test_cnn();
  test_driver_errors();
  return test_finish("test_optimize");
}
