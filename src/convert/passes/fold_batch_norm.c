/*
 * BatchNorm folding. OCT_IR_BATCH_NORM is y = x * a[c] + b[c] over x's
 * last (channel) axis, a = scale / sqrt(var + eps), b = bias - mean * a,
 * computed in double (oct_pu_bn_coeffs). In order of preference:
 *
 * 1. Into the preceding CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED (the
 *    ONNX importer's Conv, Gemm and MatMul) when its fused activation is
 *    NONE, its output is read by the BatchNorm alone, and its weights (and
 *    bias, if any) are float32 constants: weights scaled by a per output
 *    channel, bias' = bias * a + b (a bias is created when absent). The
 *    producer then writes y directly. Also into a CONCATENATION along the
 *    channel axis whose every input is such an op (grouped convolutions,
 *    which the importer splits into one conv per group): each takes its
 *    slice of the channels.
 * 2. Into the following CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED when
 *    y is read by that op alone, as its data input: weights scaled by a per
 *    input channel and the shift pushed through the weights into the bias,
 *    bias' = bias + sum W * b. Exact only when no zero padding enters the
 *    window (zeros there would stand for x = 0, i.e. y = b, not y = 0):
 *    padding VALID, or SAME whose total padding is 0 on both axes, or b all
 *    zero. A FULLY_CONNECTED flattens its input in NHWC order, so its input
 *    index k belongs to channel k % C.
 * 3. Otherwise lowered to MUL(x, a) then ADD(., b) with constant [C]
 *    vectors, which the runtime (and simplify_algebra) handle.
 *
 * Weights shared with another op are copied before being changed. Only
 * float32 graphs: a quantized BatchNorm does not occur in what the
 * importers produce.
 */
#include <stdlib.h>

#include "convert/passes.h"
#include "pass_util.h"

typedef struct bn {
  double *a, *b;
  int c;
  int shift; /* some b != 0 */
} bn;

static int is_conv_family(int code) {
  return code == OCT_OP_CONV_2D || code == OCT_OP_DEPTHWISE_CONV_2D ||
         code == OCT_OP_FULLY_CONNECTED;
}

/* Output channels of a conv-family op's weights (float32 constant), or 0. */
static int out_channels(const oct_ir_graph *g, const oct_ir_op *o) {
  if (o->n_inputs < 2 || !oct_pu_const_f32(g, o->inputs[1])) return 0;
  const oct_ir_tensor *w = &g->tensors[o->inputs[1]];
  if (o->code == OCT_OP_DEPTHWISE_CONV_2D) return w->rank == 4 ? w->dims[3] : 0;
  if (o->code == OCT_OP_CONV_2D) return w->rank == 4 ? w->dims[0] : 0;
  return w->rank == 2 ? w->dims[0] : 0;
}

/* The op's bias (float32 constant of `oc` elements), -1 when it has none,
 * -2 when it has one this pass cannot change. */
static int bias_of(const oct_ir_graph *g, const oct_ir_op *o, int oc) {
  if (o->n_inputs < 3 || o->inputs[2] < 0) return -1;
  const int t = o->inputs[2];
  if (!oct_pu_const_f32(g, t) || oct_ir_elems(&g->tensors[t]) != oc) return -2;
  return t;
}

/* Gives op `op` a private float32 bias of oc elements (zeros when new) and
 * returns its data, or NULL (g->err set). */
static float *writable_bias(oct_ir_graph *g, int op, int oc) {
  int t = bias_of(g, &g->ops[op], oc);
  if (t >= 0) {
    t = oct_pu_private_const(g, op, 2);
  } else {
    float *zeros = calloc((size_t)oc, sizeof *zeros);
    if (!zeros) {
      oct_ir_fail(g, OCT_ERR_NO_MEMORY, "out of memory");
      return NULL;
    }
    const int32_t d = oc;
    t = oct_pu_add_const(g, g->ops[op].name, "bias", OCT_FLOAT32, 1, &d, zeros);
    free(zeros);
    if (t >= 0 && oct_pu_set_input(g, op, 2, t)) t = -1;
  }
  return t < 0 ? NULL : (float *)g->tensors[t].data;
}

/* Whether conv-family op p, writing t read by `reader` alone, can absorb
 * a per-output-channel scale and shift over `oc` channels. */
static int producer_fits(const oct_ir_graph *g, int p, int t, int reader,
                         int oc) {
  if (p < 0 || !is_conv_family(g->ops[p].code) || g->ops[p].n_outputs != 1 ||
      g->ops[p].outputs[0] != t)
    return 0;
  oct_act *act = oct_pu_act_field(&g->ops[p]);
  if (*act != OCT_ACT_NONE || !oct_pu_sole_reader(g, t, reader)) return 0;
  return out_channels(g, &g->ops[p]) == oc && bias_of(g, &g->ops[p], oc) != -2;
}

/* Scales conv-family op p's weights and bias by a[o], then adds b[o]. */
static oct_status scale_producer(oct_ir_graph *g, int p, const double *a,
                                 const double *b) {
  const int oc = out_channels(g, &g->ops[p]);
  const int dw = g->ops[p].code == OCT_OP_DEPTHWISE_CONV_2D;
  const int wt = oct_pu_private_const(g, p, 1);
  if (wt < 0) return OCT_ERR_NO_MEMORY;
  float *w = g->tensors[wt].data;
  const int64_t per = oct_ir_elems(&g->tensors[wt]) / oc;
  /* [O, ...] for CONV_2D and FULLY_CONNECTED, [..., O] for depthwise */
  for (int64_t j = 0; j < per; j++)
    for (int o = 0; o < oc; o++) {
      float *e = dw ? &w[j * oc + o] : &w[o * per + j];
      *e = (float)((double)*e * a[o]);
    }
  float *bias = writable_bias(g, p, oc);
  if (!bias) return OCT_ERR_NO_MEMORY;
  for (int o = 0; o < oc; o++) bias[o] = (float)((double)bias[o] * a[o] + b[o]);
  return OCT_OK;
}

/* The BatchNorm's input comes from a CONCATENATION along the channel axis
 * of conv-family ops (grouped convolutions as the importer writes them):
 * each one takes its slice of a and b. */
static int concat_of_convs(const oct_ir_graph *g, int c, int x, int reader,
                           const bn *n) {
  const oct_ir_op *o = &g->ops[c];
  const int rank = g->tensors[x].rank;
  if (o->code != OCT_OP_CONCATENATION || o->n_outputs != 1 ||
      o->outputs[0] != x || o->opts.concat.act != OCT_ACT_NONE ||
      !oct_pu_sole_reader(g, x, reader) ||
      (o->opts.concat.axis != -1 && o->opts.concat.axis != rank - 1))
    return 0;
  int total = 0;
  for (int k = 0; k < o->n_inputs; k++) {
    const int t = o->inputs[k];
    if (t < 0 || g->tensors[t].rank != rank) return 0;
    for (int j = 0; j < k; j++)
      if (o->inputs[j] == t) return 0;
    const int oc = g->tensors[t].dims[rank - 1];
    if (!producer_fits(g, oct_ir_producer(g, t), t, c, oc)) return 0;
    total += oc;
  }
  return total == n->c;
}

static int fold_into_producer(oct_ir_graph *g, int i, const bn *n,
                              oct_status *st) {
  const int x = g->ops[i].inputs[0], y = g->ops[i].outputs[0];
  const int p = oct_ir_producer(g, x);
  if (producer_fits(g, p, x, i, n->c)) {
    if ((*st = scale_producer(g, p, n->a, n->b))) return 0;
  } else if (p >= 0 && concat_of_convs(g, p, x, i, n)) {
    int c0 = 0;
    for (int k = 0; k < g->ops[p].n_inputs; k++) {
      const int t = g->ops[p].inputs[k];
      if ((*st =
               scale_producer(g, oct_ir_producer(g, t), n->a + c0, n->b + c0)))
        return 0;
      c0 += g->tensors[t].dims[g->tensors[t].rank - 1];
    }
  } else {
    return 0;
  }
  g->ops[p].outputs[0] = y;
  g->ops[i].dead = 1;
  return 1;
}

/* Whether zero padding can enter a window of conv op o reading x. */
static int pads_with_zeros(const oct_ir_graph *g, const oct_ir_op *o,
                           const oct_ir_tensor *x) {
  if (o->code == OCT_OP_FULLY_CONNECTED ||
      o->opts.conv.padding == OCT_PAD_VALID)
    return 0;
  const oct_ir_tensor *w = &g->tensors[o->inputs[1]];
  if (x->rank != 4) return 1;
  return oct_pu_same_pad_total(x->dims[1], o->opts.conv.stride_h, w->dims[1],
                               o->opts.conv.dilation_h) != 0 ||
         oct_pu_same_pad_total(x->dims[2], o->opts.conv.stride_w, w->dims[2],
                               o->opts.conv.dilation_w) != 0;
}

static int fold_into_consumer(oct_ir_graph *g, int i, const bn *n,
                              oct_status *st) {
  const int x = g->ops[i].inputs[0], y = g->ops[i].outputs[0];
  const int c = oct_pu_single_consumer(g, y);
  if (c < 0 || !is_conv_family(g->ops[c].code)) return 0;
  const oct_ir_op *co = &g->ops[c];
  const int oc = out_channels(g, co); /* 0 unless it has constant weights */
  if (!oc || co->n_outputs != 1 || co->inputs[0] != y || co->inputs[1] == y ||
      (co->n_inputs > 2 && co->inputs[2] == y) || bias_of(g, co, oc) == -2)
    return 0;
  if (n->shift && pads_with_zeros(g, co, &g->tensors[y])) return 0;
  const oct_ir_tensor *wt0 = &g->tensors[co->inputs[1]];
  /* Input channel of weight element e, through ch = (e / div) % C. */
  int64_t div = 1;
  int64_t per_oc = oct_ir_elems(wt0) / oc; /* weights per output channel */
  if (co->code == OCT_OP_CONV_2D) {
    if (wt0->dims[3] != n->c) return 0;
  } else if (co->code == OCT_OP_DEPTHWISE_CONV_2D) {
    if (oc % n->c) return 0;
    div = oc / n->c; /* depth multiplier: output channel ch * m + j */
  } else if (wt0->dims[1] % n->c) {
    return 0;
  }
  const int code = co->code;
  const int wt = oct_pu_private_const(g, c, 1);
  if (wt < 0) return *st = OCT_ERR_NO_MEMORY, 0;
  float *bias = writable_bias(g, c, oc);
  if (!bias) return *st = OCT_ERR_NO_MEMORY, 0;
  float *w = g->tensors[wt].data;
  const int64_t nw = oct_ir_elems(&g->tensors[wt]);
  double *shift = calloc((size_t)oc, sizeof *shift);
  if (!shift)
    return *st = oct_ir_fail(g, OCT_ERR_NO_MEMORY, "out of memory"), 0;
  for (int64_t e = 0; e < nw; e++) {
    const int ch = (int)((e / div) % n->c);
    const int o =
        code == OCT_OP_DEPTHWISE_CONV_2D ? (int)(e % oc) : (int)(e / per_oc);
    shift[o] += (double)w[e] * n->b[ch];
    w[e] = (float)((double)w[e] * n->a[ch]);
  }
  for (int o = 0; o < oc; o++) bias[o] = (float)((double)bias[o] + shift[o]);
  free(shift);
  g->ops[c].inputs[0] = x;
  g->ops[i].dead = 1;
  return 1;
}

static oct_status lower(oct_ir_graph *g, int i, const bn *n) {
  const int x = g->ops[i].inputs[0], y = g->ops[i].outputs[0];
  float *va = malloc((size_t)n->c * sizeof *va),
        *vb = malloc((size_t)n->c * sizeof *vb);
  if (!va || !vb) {
    free(va);
    free(vb);
    return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "out of memory");
  }
  for (int k = 0; k < n->c; k++) {
    va[k] = (float)n->a[k];
    vb[k] = (float)n->b[k];
  }
  const int32_t d = n->c;
  const int ta =
      oct_pu_add_const(g, g->ops[i].name, "bn_scale", OCT_FLOAT32, 1, &d, va);
  const int tb = ta < 0 ? -1
                        : oct_pu_add_const(g, g->ops[i].name, "bn_shift",
                                           OCT_FLOAT32, 1, &d, vb);
  free(va);
  free(vb);
  const int t = tb < 0 ? -1 : oct_pu_add_tensor_like(g, x, "bn_scaled");
  if (t < 0) return OCT_ERR_NO_MEMORY;
  const int mul_in[2] = {x, ta}, add_in[2] = {t, tb};
  oct_status st = oct_pu_reset_op(g, i, OCT_OP_MUL, 2, mul_in, 1, &t);
  if (st) return st;
  if (oct_ir_insert_op(g, i + 1, OCT_OP_ADD, 2, add_in, 1, &y, g->ops[i].name) <
      0)
    return OCT_ERR_NO_MEMORY;
  g->ops[i + 1].opts.arith.pot_scale_int16 = 1;
  return OCT_OK;
}

oct_status oct_pass_fold_batch_norm(oct_ir_graph *g, int *changed) {
  for (int i = 0; i < g->n_ops; i++) {
    const oct_ir_op *o = &g->ops[i];
    if (o->dead || o->code != OCT_IR_BATCH_NORM || o->n_outputs < 1 ||
        o->n_inputs < 1)
      continue;
    const int x = o->inputs[0], y = o->outputs[0];
    if (x < 0 || g->tensors[x].type != OCT_FLOAT32 ||
        g->tensors[y].type != OCT_FLOAT32 ||
        !oct_pu_same_shape(&g->tensors[x], &g->tensors[y]))
      continue;
    bn n = {0};
    oct_status st = oct_pu_bn_coeffs(g, o, &n.a, &n.b, &n.c);
    if (st == OCT_ERR_UNSUPPORTED) continue; /* the writer reports it */
    if (st) return oct_ir_fail(g, st, "out of memory");
    for (int k = 0; k < n.c; k++) n.shift |= n.b[k] != 0.0;
    st = OCT_OK;
    if (!fold_into_producer(g, i, &n, &st) && !st &&
        !fold_into_consumer(g, i, &n, &st) && !st)
      st = lower(g, i, &n);
    free(n.a);
    free(n.b);
    if (st) return st;
    *changed = 1;
  }
  return OCT_OK;
}
