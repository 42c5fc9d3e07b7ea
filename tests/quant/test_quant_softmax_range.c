/*
 * The int8 range of a softmax's input (src/quant/quant_full.c,
 * softmax_floor): a FULLY_CONNECTED of 8 logits whose far tail lies more
 * than ln(512 * 8) below the lowest row maximum. With a SOFTMAX after it,
 * the logits' quantized lower end is that row maximum minus ln(512 * 8)
 * (within one step), not the observed minimum; the same layer as the
 * graph's output keeps the observed minimum.
 */
#include <unistd.h>

#include "one_op_net.h"
#include "quant/quantize.h"

/* Logits of the one-op FC net for every calibration row, in double. */
static void logits(const net *n, const float *x, double *y) {
  const oct_ir_op *op = &n->g.ops[n->op];
  const float *w = n->g.tensors[op->inputs[1]].data;
  const float *b = op->n_inputs > 2 && op->inputs[2] >= 0 ? n->g.tensors[op->inputs[2]].data : NULL;
  for (int r = 0; r < 3 * N_SAMPLES; r++)
    for (int c = 0; c < 8; c++) {
      double s = b ? b[c] : 0;
      for (int k = 0; k < 300; k++) s += (double)w[c * 300 + k] * x[r * 300 + k];
      y[r * 8 + c] = s;
    }
}

/* Scales the FC weights by 4 so that the logits spread widely. */
static void widen(net *n) {
  oct_ir_tensor *wt = &n->g.tensors[n->g.ops[n->op].inputs[1]];
  float *w = wt->data;
  for (int64_t e = 0; e < oct_ir_elems(wt); e++) w[e] *= 4.0f;
}

static void add_softmax(net *n) {
  oct_ir_graph *g = &n->g;
  const int z = irb_tensor(g, OCT_FLOAT32, 2, IRB_DIMS(3, 8));
  const int sm = irb_op(g, OCT_OP_SOFTMAX, 1, IRB_INTS(n->y), 1, IRB_INTS(z));
  g->ops[sm].opts.softmax.beta = 1.0f;
  g->outputs[0] = z;
}

/* Quantized real lower end and step of the FC output of graph g. */
static void fc_range(const oct_ir_graph *g, double *lo, double *step) {
  *lo = *step = NAN;
  for (int i = 0; i < g->n_ops; i++) {
    if (g->ops[i].code != OCT_OP_FULLY_CONNECTED) continue;
    const oct_ir_quant *q = &g->tensors[g->ops[i].outputs[0]].q;
    if (q->count != 1) return;
    *step = q->scale[0];
    *lo = (double)q->scale[0] * (-128.0 - (double)q->zero_point[0]);
  }
}

int main(void) {
  snprintf(g_tmp, sizeof g_tmp, "/tmp/octet_smrange_XXXXXX");
  if (!mkdtemp(g_tmp)) {
    perror("mkdtemp");
    return 1;
  }
  char path[512];
  snprintf(path, sizeof path, "%s/x.npy", g_tmp);
  net n;
  build(&n, NET_FC, 1);
  widen(&n);
  float *x = make_samples(&n, path);
  double y[3 * N_SAMPLES * 8], mn = INFINITY, low_max = INFINITY;
  logits(&n, x, y);
  for (int r = 0; r < 3 * N_SAMPLES; r++) {
    double m = -INFINITY;
    for (int c = 0; c < 8; c++) {
      m = y[r * 8 + c] > m ? y[r * 8 + c] : m;
      mn = y[r * 8 + c] < mn ? y[r * 8 + c] : mn;
    }
    low_max = m < low_max ? m : low_max;
  }
  const double floor = low_max - log(512.0 * 8);
  printf("logits: minimum %.3f, lowest row maximum %.3f, floor %.3f\n", mn, low_max, floor);
  CHECK_MSG(mn < floor - 1.0, "the test's logits do not reach below the floor (%g, %g)", mn,
            floor);

  for (int with_sm = 0; with_sm < 2; with_sm++) {
    net q;
    build(&q, NET_FC, 1);
    widen(&q);
    if (with_sm) add_softmax(&q);
    oct_convert_options o;
    oct_convert_options_init(&o);
    o.quantize = OCT_QUANT_INT8;
    o.calibration_files[0] = path;
    o.n_calibration_files = 1;
    CHECK_MSG(oct_quantize_graph(&q.g, &o, NULL) == OCT_OK, "%s", q.g.err.message);
    double lo, step;
    fc_range(&q.g, &lo, &step);
    const double want = with_sm ? floor : mn;
    printf("%-16s FC output lower end %.3f (want %.3f), step %.4f\n",
           with_sm ? "with softmax" : "without softmax", lo, want, step);
    CHECK_MSG(fabs(lo - want) <= step, "%s softmax: lower end %g, want %g (step %g)",
              with_sm ? "with" : "without", lo, want, step);
    oct_ir_free(&q.g);
  }
  oct_ir_free(&n.g);
  free(x);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_tmp);
  if (system(cmd)) fprintf(stderr, "could not remove %s\n", g_tmp);
  return test_finish("test_quant_softmax_range");
}
