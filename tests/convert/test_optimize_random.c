/*
 * Random graphs through every pass: each graph is a random mix of the
 * patterns the passes look for (and their near misses), with tensors
 * reused by several readers and intermediate tensors made graph outputs.
 * Built twice from one seed, once as the reference the runtime can run
 * (BatchNorm written out as MUL + ADD, no Identity), then oct_optimize on
 * the other must give a graph that verifies, has no IR-only ops, computes
 * the same outputs, and is a fixed point.
 */
#include "pass_test.h"

#ifndef N_GRAPHS
#define N_GRAPHS 300
#endif
#define MAX_LIVE 16

typedef struct gen {
  oct_ir_graph *g;
  int ref;
  int live[MAX_LIVE]; /* tensors [1,6,6,4] to build on */
  int n_live;
  int n_names;
} gen;

static const char *fresh(gen *s, char *buf, size_t cap) {
  snprintf(buf, cap, "t%d", s->n_names++);
  return buf;
}

static int act4(gen *s) {
  char name[32];
  return pt_tensor(s->g, fresh(s, name, sizeof name), PT_SHAPE(1, 6, 6, 4));
}

static int pick(gen *s) {
  return s->live[(int)pt_rand(0, (float)s->n_live - 0.01f)];
}

static void push(gen *s, int t) {
  if (s->n_live < MAX_LIVE)
    s->live[s->n_live++] = t;
  else
    s->live[(int)pt_rand(0, MAX_LIVE - 0.01f)] = t;
}

static int coin(float p) {
  return pt_rand(0, 1) < p;
}

static oct_act random_act(void) {
  const float r = pt_rand(0, 1);
  return r < 0.6f ? OCT_ACT_NONE : r < 0.8f ? OCT_ACT_RELU : OCT_ACT_RELU6;
}

static int const_vec(gen *s, float lo, float hi) {
  char name[32];
  return coin(0.5f) ? pt_const_fill(s->g, fresh(s, name, sizeof name),
                                    PT_SHAPE(4), lo, hi)
                    : pt_const_fill(s->g, fresh(s, name, sizeof name),
                                    PT_SHAPE(1), pt_rand(lo, hi), 0);
}

static int conv(gen *s, int x, int code, int k, oct_padding pad) {
  char name[32];
  const int w = code == OCT_OP_CONV_2D
                    ? pt_const_fill(s->g, fresh(s, name, sizeof name),
                                    PT_SHAPE(4, k, k, 4), -0.5f, 0.5f)
                    : pt_const_fill(s->g, fresh(s, name, sizeof name),
                                    PT_SHAPE(1, k, k, 4), -0.5f, 0.5f);
  const int b = coin(0.5f) ? pt_const_fill(s->g, fresh(s, name, sizeof name),
                                           PT_SHAPE(4), -1, 1)
                           : -1;
  const int y = act4(s);
  const int in[3] = {x, w, b};
  const int op = pt_op(s->g, code, b >= 0 ? 3 : 2, in, y);
  pt_conv_opts(s->g, op, pad, 1);
  s->g->ops[op].opts.conv.act = random_act();
  if (code == OCT_OP_DEPTHWISE_CONV_2D)
    s->g->ops[op].opts.conv.depth_multiplier = 1;
  return y;
}

static int batch_norm(gen *s, int x) {
  float sc[4], bi[4], mean[4], var[4], a[4], b[4];
  for (int k = 0; k < 4; k++) {
    sc[k] = pt_rand(0.5f, 1.5f), bi[k] = pt_rand(-1, 1),
    mean[k] = pt_rand(-1, 1);
    var[k] = pt_rand(0.5f, 2);
    a[k] = (float)(sc[k] / sqrt((double)var[k] + 1e-5f));
    b[k] =
        (float)(bi[k] - (double)mean[k] * sc[k] / sqrt((double)var[k] + 1e-5f));
  }
  char name[32];
  const int32_t d = 4;
  const int y = act4(s);
  if (s->ref) {
    const int t = act4(s);
    pt_op2(s->g, OCT_OP_MUL, x,
           pt_const(s->g, fresh(s, name, sizeof name), 1, &d, a), t);
    pt_op2(s->g, OCT_OP_ADD, t,
           pt_const(s->g, fresh(s, name, sizeof name), 1, &d, b), y);
    return y;
  }
  int in[5] = {x};
  const float *p[4] = {sc, bi, mean, var};
  for (int k = 0; k < 4; k++)
    in[k + 1] = pt_const(s->g, fresh(s, name, sizeof name), 1, &d, p[k]);
  const int op = pt_op(s->g, OCT_IR_BATCH_NORM, 5, in, y);
  s->g->ops[op].attrs.epsilon = 1e-5f;
  return y;
}

static int transpose(gen *s, int x, const int32_t *perm, const int32_t *dims) {
  char name[32];
  const int p =
      pt_const_i32(s->g, fresh(s, name, sizeof name), PT_SHAPE(4), perm);
  const int y = pt_tensor(s->g, fresh(s, name, sizeof name), 4, dims);
  pt_op2(s->g, OCT_OP_TRANSPOSE, x, p, y);
  return y;
}

static int reshape(gen *s, int x, int rank, const int32_t *dims) {
  char name[32];
  const int32_t len = rank;
  const int sh = pt_const_i32(s->g, fresh(s, name, sizeof name), 1, &len, dims);
  const int y = pt_tensor(s->g, fresh(s, name, sizeof name), rank, dims);
  const int op = pt_op2(s->g, OCT_OP_RESHAPE, x, sh, y);
  s->g->ops[op].opts.reshape.count = rank;
  memcpy(s->g->ops[op].opts.reshape.new_shape, dims,
         (size_t)rank * sizeof *dims);
  return y;
}

/* One random step: appends a pattern reading live tensors. */
static void step(gen *s) {
  oct_ir_graph *g = s->g;
  const int x = pick(s);
  int y = -1, t;
  switch ((int)pt_rand(0, 13.99f)) {
    case 0:
      y = conv(s, x, OCT_OP_CONV_2D, coin(0.5f) ? 1 : 3, OCT_PAD_SAME);
      break;
    case 1:
      y = conv(s, x, OCT_OP_DEPTHWISE_CONV_2D, 3, OCT_PAD_SAME);
      break;
    case 2:
      y = batch_norm(s, x);
      break;
    case 3: {
      static const int codes[3] = {OCT_OP_ADD, OCT_OP_SUB, OCT_OP_MUL};
      y = act4(s);
      const int other = coin(0.5f) ? const_vec(s, -2, 2) : pick(s);
      const int op = pt_op2(g, codes[(int)pt_rand(0, 2.99f)], x, other, y);
      g->ops[op].opts.arith.act = random_act();
      break;
    }
    case 4:
      y = act4(s), pt_op1(g, coin(0.5f) ? OCT_OP_RELU : OCT_OP_RELU6, x, y);
      break;
    case 5: /* MAXIMUM(x, 0), maybe then MINIMUM(., 6) */
      t = act4(s);
      pt_op2(g, OCT_OP_MAXIMUM, x, const_vec(s, 0, 0), t);
      y = t;
      if (coin(0.5f))
        y = act4(s), pt_op2(g, OCT_OP_MINIMUM, t, const_vec(s, 6, 6), y);
      break;
    case 6: { /* NHWC -> NCHW -> op -> NHWC, sometimes with nothing between */
      static const int32_t to_nchw[4] = {0, 3, 1, 2}, to_nhwc[4] = {0, 2, 3, 1};
      t = transpose(s, x, to_nchw, PT_DIMS(1, 4, 6, 6));
      if (coin(0.5f)) {
        char name[32];
        const int u =
            pt_tensor(g, fresh(s, name, sizeof name), PT_SHAPE(1, 4, 6, 6));
        pt_op1(g, OCT_OP_RELU6, t, u);
        t = u;
      }
      y = transpose(s, t, to_nhwc, PT_DIMS(1, 6, 6, 4));
      break;
    }
    case 7: /* RESHAPE out and back */
      t = reshape(s, x, PT_SHAPE(1, 36, 4));
      if (coin(0.5f)) t = reshape(s, t, PT_SHAPE(6, 24));
      y = reshape(s, t, PT_SHAPE(1, 6, 6, 4));
      break;
    case 8: { /* PAD then a VALID 3x3 conv (or PAD 2 on one side) */
      char name[32];
      const int one = coin(0.7f);
      const int32_t pads[8] = {0, 0, one, 2 - one, 1, 1, 0, 0};
      const int p =
          pt_const_i32(g, fresh(s, name, sizeof name), PT_SHAPE(4, 2), pads);
      t = pt_tensor(g, fresh(s, name, sizeof name), PT_SHAPE(1, 8, 8, 4));
      pt_op2(g, OCT_OP_PAD, x, p, t);
      y = conv(s, t, coin(0.5f) ? OCT_OP_CONV_2D : OCT_OP_DEPTHWISE_CONV_2D, 3,
               OCT_PAD_VALID);
      break;
    }
    case 9: { /* identity; the reference copies with a RESHAPE */
      const int code = coin(0.5f) ? OCT_IR_IDENTITY : OCT_IR_DROPOUT;
      if (s->ref) {
        y = reshape(s, x, PT_SHAPE(1, 6, 6, 4));
      } else {
        y = act4(s);
        pt_op1(g, code, x, y);
      }
      break;
    }
    case 10: { /* 3a + 4a */
      const int m1 = act4(s), m2 = act4(s);
      pt_op2(g, OCT_OP_MUL, x, const_vec(s, -2, 2), m1);
      pt_op2(g, OCT_OP_MUL, const_vec(s, -2, 2), x, m2);
      y = act4(s);
      pt_op2(g, coin(0.5f) ? OCT_OP_ADD : OCT_OP_SUB, m1, coin(0.3f) ? x : m2,
             y);
      break;
    }
    case 11: /* chain of constant scales or shifts */
      t = act4(s);
      pt_op2(g, OCT_OP_MUL, x, const_vec(s, -2, 2), t);
      y = act4(s);
      pt_op2(g, coin(0.5f) ? OCT_OP_MUL : OCT_OP_ADD, t, const_vec(s, -2, 2),
             y);
      break;
    case 12: /* pooling */
      y = act4(s);
      pt_pool_opts(
          g,
          pt_op1(g, coin(0.5f) ? OCT_OP_MAX_POOL_2D : OCT_OP_AVERAGE_POOL_2D, x,
                 y),
          OCT_PAD_SAME, 3, 1);
      break;
    default: { /* constant folded into an operand */
      char name[32];
      t = pt_tensor(g, fresh(s, name, sizeof name), PT_SHAPE(4));
      pt_op2(g, OCT_OP_ADD,
             pt_const_fill(g, fresh(s, name, sizeof name), PT_SHAPE(4), -1, 1),
             const_vec(s, -1, 1), t);
      y = act4(s);
      pt_op2(g, OCT_OP_MUL, x, t, y);
      break;
    }
  }
  push(s, y);
}

/* A random graph; the tail is flatten -> FULLY_CONNECTED -> ADD bias. */
static void build(oct_ir_graph *g, uint32_t seed, int ref) {
  oct_ir_init(g);
  gen s = {g, ref, {0}, 0, 0};
  pt_seed(seed);
  push(&s, pt_input(g, "in", PT_SHAPE(1, 6, 6, 4)));
  const int n = 3 + (int)pt_rand(0, 10);
  for (int i = 0; i < n; i++) step(&s);
  /* Both builds draw the same numbers (the reference's BatchNorm and
   * Identity draw what the IR ops do), so they build the same graph. */
  const int last = s.live[s.n_live - 1];
  const int extra = pick(&s);
  if (coin(0.3f) && extra != last && !g->tensors[extra].is_input)
    pt_output(g, extra);
  if (coin(0.5f)) {
    pt_output(g, last);
    return;
  }
  const int f = reshape(&s, last, PT_SHAPE(1, 144));
  const int m = pt_tensor(g, "fc", PT_SHAPE(1, 5));
  pt_op2(g, OCT_OP_FULLY_CONNECTED, f,
         pt_const_fill(g, "fc_w", PT_SHAPE(5, 144), -0.2f, 0.2f), m);
  const int y = pt_tensor(g, "logits", PT_SHAPE(1, 5));
  pt_op2(g, OCT_OP_ADD, m, pt_const_fill(g, "fc_b", PT_SHAPE(5), -1, 1), y);
  pt_output(g, y);
}

int main(void) {
  int failures_before = 0, total_before = 0, total_after = 0;
  for (uint32_t seed = 1; seed <= N_GRAPHS; seed++) {
    oct_ir_graph g, ref;
    build(&g, seed, 0);
    build(&ref, seed, 1);
    char names[4][64] = {{0}};
    for (int i = 0; i < g.n_outputs && i < 4; i++)
      snprintf(names[i], sizeof names[i], "%s", pt_output_name(&g, i));
    oct_optimize_report rep;
    const oct_status st = oct_optimize(&g, &rep);
    CHECK_MSG(st == OCT_OK, "seed %u: %s", seed, g.err.message);
    if (!st) {
      total_before += rep.ops_before;
      total_after += rep.ops_after;
      CHECK_EQ_INT(pt_count(&g, OCT_IR_BATCH_NORM) +
                       pt_count(&g, OCT_IR_IDENTITY) +
                       pt_count(&g, OCT_IR_DROPOUT),
                   0);
      CHECK_MSG(pt_same_outputs(&ref, &g, PT_TOL), "seed %u", seed);
      CHECK_EQ_INT(g.n_outputs, ref.n_outputs);
      for (int i = 0; i < g.n_outputs && i < 4; i++)
        CHECK_MSG(strcmp(pt_output_name(&g, i), names[i]) == 0, "seed %u",
                  seed);
      CHECK(oct_optimize(&g, &rep) == OCT_OK && rep.rounds == 1);
    }
    if (t_failures != failures_before) {
      fprintf(stderr, "seed %u failed\n", seed);
      failures_before = t_failures;
    }
    oct_ir_free(&g);
    oct_ir_free(&ref);
  }
  printf("%d random graphs: %d ops before, %d after\n", N_GRAPHS, total_before,
         total_after);
  return test_finish("test_optimize_random");
}
