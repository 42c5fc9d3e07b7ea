/*
 * A per-channel MUL, DIV or ADD by a constant right after a conv-family op
 * (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED with activation NONE, its
 * output read by that op alone) is folded into the conv: weights and bias
 * scaled per output channel (computed in double), or the constant added to
 * the bias (created when absent). The conv then writes the op's output and
 * takes its fused activation. A scalar constant counts as per-channel.
 *
 * Why: quantization-aware-trained convs exported by PyTorch (ConvBn2d,
 * ConvBnReLU2d) compute conv(x, fake_quant(w * f), 0) / f + bias, then a
 * BatchNormalization; fold_batch_norm takes the BatchNormalization once
 * this pass has taken the DIV and ADD, and the conv then writes the
 * fake-quantized tensor itself, so it runs in int8 with the learned scales.
 * Scaling a channel's weights keeps them on that channel's quantization
 * grid (its step is scaled), so with per-channel weights nothing is lost.
 */
#include <stdlib.h>

#include "convert/passes.h"
#include "pass_util.h"

/* Output channels of a conv-family op with float32 constant weights. */
static int conv_channels(const oct_ir_graph *g, const oct_ir_op *o) {
  if (o->code != OCT_OP_CONV_2D && o->code != OCT_OP_DEPTHWISE_CONV_2D &&
      o->code != OCT_OP_FULLY_CONNECTED)
    return 0;
  if (o->n_inputs < 2 || !oct_pu_const_f32(g, o->inputs[1]) || o->n_outputs != 1) return 0;
  if (o->n_inputs > 2 && o->inputs[2] >= 0 && !oct_pu_const_f32(g, o->inputs[2])) return 0;
  const oct_ir_tensor *w = &g->tensors[o->inputs[1]];
  if (o->code == OCT_OP_DEPTHWISE_CONV_2D) return w->rank == 4 ? w->dims[3] : 0;
  if (o->code == OCT_OP_CONV_2D) return w->rank == 4 ? w->dims[0] : 0;
  return w->rank == 2 ? w->dims[0] : 0;
}

/* Whether constant c is a scalar or a vector along x's last axis only. */
static int per_channel_const(const oct_ir_graph *g, int c, const oct_ir_tensor *x, int oc) {
  if (!oct_pu_const_f32(g, c)) return 0;
  const oct_ir_tensor *t = &g->tensors[c];
  const int64_t n = oct_ir_elems(t);
  if (n == 1) return t->rank <= x->rank;
  if (n != oc || t->rank < 1 || t->rank > x->rank || t->dims[t->rank - 1] != oc) return 0;
  return 1;
}

/* A bias this pass cannot rewrite (not a float32 constant of oc). */
static int bias_bad(const oct_ir_graph *g, const oct_ir_op *o, int oc) {
  if (o->n_inputs < 3 || o->inputs[2] < 0) return 0;
  return !oct_pu_const_f32(g, o->inputs[2]) || oct_ir_elems(&g->tensors[o->inputs[2]]) != oc;
}

/* Gives conv-family op p a private float32 bias of oc elements (zeros
 * when it had none); returns its data or NULL (g->err set). */
static float *own_bias(oct_ir_graph *g, int p, int oc) {
  if (g->ops[p].n_inputs > 2 && g->ops[p].inputs[2] >= 0) {
    const int t = oct_pu_private_const(g, p, 2);
    return t < 0 ? NULL : (float *)g->tensors[t].data;
  }
  float *zeros = calloc((size_t)oc, sizeof *zeros);
  if (!zeros) {
    oct_ir_fail(g, OCT_ERR_NO_MEMORY, "out of memory");
    return NULL;
  }
  const int32_t d = oc;
  int t = oct_pu_add_const(g, g->ops[p].name ? g->ops[p].name : "conv", "bias", OCT_FLOAT32, 1,
                           &d, zeros);
  free(zeros);
  if (t >= 0 && oct_pu_set_input(g, p, 2, t)) t = -1;
  return t < 0 ? NULL : (float *)g->tensors[t].data;
}

oct_status oct_pass_fold_conv_affine(oct_ir_graph *g, int *changed) {
  for (int i = 0; i < g->n_ops; i++) {
    oct_ir_op *op = &g->ops[i];
    if (op->dead || op->n_inputs != 2 || op->n_outputs != 1) continue;
    const int code = op->code;
    if (code != OCT_OP_MUL && code != OCT_OP_DIV && code != OCT_OP_ADD) continue;
    oct_act *act = oct_pu_act_field(op); /* moves to the conv */
    int xs = 0;
    if (code != OCT_OP_DIV && oct_pu_is_const(g, op->inputs[0])) xs = 1;
    const int x = op->inputs[xs], c = op->inputs[1 - xs], y = op->outputs[0];
    if (x < 0 || c < 0 || g->tensors[x].type != OCT_FLOAT32 || oct_pu_is_const(g, x)) continue;
    const int p = oct_ir_producer(g, x);
    if (p < 0) continue;
    const int oc = conv_channels(g, &g->ops[p]);
    oct_act *pact = oct_pu_act_field(&g->ops[p]);
    if (!oc || (pact && *pact != OCT_ACT_NONE) || !oct_pu_sole_reader(g, x, i)) continue;
    /* a bias ADD after FULLY_CONNECTED is fc_bias' (it also takes row-wise
     * constants) */
    if (code == OCT_OP_ADD && g->ops[p].code == OCT_OP_FULLY_CONNECTED) continue;
    const oct_ir_tensor *xt = &g->tensors[x];
    if (xt->rank < 1 || xt->dims[xt->rank - 1] != oc || !oct_pu_same_shape(xt, &g->tensors[y]) ||
        !per_channel_const(g, c, xt, oc))
      continue;
    const float *cv = oct_pu_const_f32(g, c);
    const int64_t nc = oct_ir_elems(&g->tensors[c]);
    int zero = 0;
    for (int64_t k = 0; code == OCT_OP_DIV && k < nc; k++) zero |= cv[k] == 0;
    if (zero || (bias_bad(g, &g->ops[p], oc))) continue;
    const float *cvals = cv; /* before any constant is copied */
    double *m = malloc((size_t)oc * sizeof *m), *add = malloc((size_t)oc * sizeof *add);
    if (!m || !add) {
      free(m);
      free(add);
      return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "out of memory");
    }
    for (int o = 0; o < oc; o++) {
      const double e = cvals[nc == 1 ? 0 : o];
      m[o] = code == OCT_OP_MUL ? e : code == OCT_OP_DIV ? 1.0 / e : 1.0;
      add[o] = code == OCT_OP_ADD ? e : 0.0;
    }
    oct_status st = OCT_OK;
    if (code != OCT_OP_ADD) {
      const int wt = oct_pu_private_const(g, p, 1);
      if (wt < 0) st = OCT_ERR_NO_MEMORY;
      else {
        float *w = g->tensors[wt].data;
        const int dw = g->ops[p].code == OCT_OP_DEPTHWISE_CONV_2D;
        const int64_t per = oct_ir_elems(&g->tensors[wt]) / oc;
        /* [O, ...] for CONV_2D and FULLY_CONNECTED, [..., O] for depthwise */
        for (int64_t j = 0; j < per; j++)
          for (int o = 0; o < oc; o++) {
            float *e = dw ? &w[j * oc + o] : &w[o * per + j];
            *e = (float)((double)*e * m[o]);
          }
      }
    }
    float *bias = st ? NULL : own_bias(g, p, oc);
    if (!bias) st = OCT_ERR_NO_MEMORY;
    for (int o = 0; !st && o < oc; o++) bias[o] = (float)((double)bias[o] * m[o] + add[o]);
    free(m);
    free(add);
    if (st) return st;
    oct_act a = act ? *act : OCT_ACT_NONE;
    g->ops[p].outputs[0] = y;
    if (pact) *pact = a;
    g->ops[i].dead = 1;
    *changed = 1;
  }
  return OCT_OK;
}
