/*
 * Activation fusion.
 *
 * First, clamps written as MINIMUM/MAXIMUM with uniform float constants
 * (ONNX Clip, Max, Min) become activation ops: MAXIMUM(x, 0) -> RELU,
 * MINIMUM(MAXIMUM(x, 0), 6) and MAXIMUM(MINIMUM(x, 6), 0) -> RELU6, the
 * same with -1 and 1 -> RELU_N1_TO_1. The constant must not widen x's
 * shape by broadcasting, and an inner MIN/MAX must be read by the outer
 * one alone.
 *
 * Then RELU, RELU6 and RELU_N1_TO_1 go into their producer's fused
 * activation when the producer is CONV_2D, DEPTHWISE_CONV_2D,
 * FULLY_CONNECTED, ADD, SUB, MUL, AVERAGE_POOL_2D or MAX_POOL_2D, its
 * activation is NONE, and the activation is the only reader of its output
 * (which is no graph output). The producer then writes the activation's
 * output tensor, so a graph output keeps its name. An activation after a
 * producer that already applies the same one is removed.
 *
 * Not fused, on purpose (each would give a file TFLite 2.9 refuses, and
 * octet's files must run there): CONCATENATION (2.9's kernel requires
 * activation NONE) and TRANSPOSE_CONV (a fused activation needs op
 * version 4, which 2.9 does not register). FUSE_INTO_NEWER_OPS turns them
 * on for readers that accept them. Instead, an activation after a
 * CONCATENATION whose inputs all come from ops that take one (and are read
 * by the concat alone) is distributed into those ops.
 *
 * Float32 only: in a quantized graph the activation's output scale would
 * replace the producer's, which is the quantizer's decision.
 */
#include "convert/passes.h"
#include "pass_util.h"

#define FUSE_INTO_NEWER_OPS 0

static int act_of(int code) {
  switch (code) {
    case OCT_OP_RELU:
      return OCT_ACT_RELU;
    case OCT_OP_RELU6:
      return OCT_ACT_RELU6;
    case OCT_OP_RELU_N1_TO_1:
      return OCT_ACT_RELU_N1_TO_1;
    default:
      return -1;
  }
}

static int takes_act(int code) {
  switch (code) {
    case OCT_OP_CONV_2D:
    case OCT_OP_DEPTHWISE_CONV_2D:
    case OCT_OP_FULLY_CONNECTED:
    case OCT_OP_ADD:
    case OCT_OP_SUB:
    case OCT_OP_MUL:
    case OCT_OP_AVERAGE_POOL_2D:
    case OCT_OP_MAX_POOL_2D:
      return 1;
    case OCT_OP_CONCATENATION:
    case OCT_OP_TRANSPOSE_CONV:
      return FUSE_INTO_NEWER_OPS;
    default:
      return 0;
  }
}

/* A MINIMUM/MAXIMUM of a float32 tensor and a uniform float constant that
 * keeps the tensor's shape: *x the tensor, *v the constant. */
static int clamp_parts(const oct_ir_graph *g, int i, int *x, float *v) {
  const oct_ir_op *o = &g->ops[i];
  if (o->dead || (o->code != OCT_OP_MINIMUM && o->code != OCT_OP_MAXIMUM) ||
      o->n_inputs != 2 || o->n_outputs != 1)
    return 0;
  const int y = o->outputs[0];
  for (int side = 0; side < 2; side++) {
    const int a = o->inputs[side], c = o->inputs[1 - side];
    if (a < 0 || c < 0 || oct_pu_is_const(g, a) ||
        !oct_pu_const_uniform_f32(g, c, v))
      continue;
    if (g->tensors[a].type != OCT_FLOAT32 ||
        g->tensors[y].type != OCT_FLOAT32 ||
        !oct_pu_same_shape(&g->tensors[a], &g->tensors[y]))
      return 0;
    *x = a;
    return 1;
  }
  return 0;
}

/* Rewrites clamp op i (and an inner clamp it swallows) as an activation. */
static oct_status canonicalize_clamp(oct_ir_graph *g, int i, int *changed) {
  int x;
  float v;
  if (!clamp_parts(g, i, &x, &v)) return OCT_OK;
  const int outer_max = g->ops[i].code == OCT_OP_MAXIMUM;
  const int y = g->ops[i].outputs[0];
  int code = -1, src = x, inner = -1;
  const int p = oct_ir_producer(g, x);
  int xi;
  float vi;
  if (p >= 0 && clamp_parts(g, p, &xi, &vi) &&
      g->ops[p].code != g->ops[i].code && oct_pu_sole_reader(g, x, i)) {
    const float lo = outer_max ? v : vi, hi = outer_max ? vi : v;
    if (lo == 0.0f && hi == 6.0f)
      code = OCT_OP_RELU6;
    else if (lo == -1.0f && hi == 1.0f)
      code = OCT_OP_RELU_N1_TO_1;
    if (code >= 0) {
      src = xi;
      inner = p;
    }
  }
  if (code < 0 && outer_max && v == 0.0f) {
    /* The inner half of a RELU6 clamp waits for its outer half. */
    const int c = oct_pu_single_consumer(g, y);
    int xc;
    float vc;
    if (c >= 0 && clamp_parts(g, c, &xc, &vc) &&
        g->ops[c].code == OCT_OP_MINIMUM && xc == y && vc == 6.0f)
      return OCT_OK;
    code = OCT_OP_RELU;
  }
  if (code < 0) return OCT_OK;
  oct_status st = oct_pu_reset_op(g, i, code, 1, &src, 1, &y);
  if (st) return st;
  if (inner >= 0) g->ops[inner].dead = 1;
  *changed = 1;
  return OCT_OK;
}

/* Whether op p writes only t, read by `reader` alone, and can take a fused
 * activation (it has none yet). */
static int can_take(oct_ir_graph *g, int p, int t, int reader) {
  if (p < 0 || g->ops[p].n_outputs != 1 || g->ops[p].outputs[0] != t ||
      !takes_act(g->ops[p].code) || g->tensors[t].type != OCT_FLOAT32)
    return 0;
  return *oct_pu_act_field(&g->ops[p]) == OCT_ACT_NONE &&
         oct_pu_sole_reader(g, t, reader);
}

/* act(CONCATENATION(a, b, ...)) = CONCATENATION(act(a), act(b), ...): when
 * every input's producer can take the activation (grouped convolutions
 * end this way), each does, and the concat writes the activation's output
 * in place of the activation op (which TFLite 2.9 would not fuse). */
static int fuse_through_concat(oct_ir_graph *g, int c, int x, int i,
                               oct_act act) {
  const oct_ir_op *o = &g->ops[c];
  if (o->code != OCT_OP_CONCATENATION || o->n_outputs != 1 ||
      o->outputs[0] != x || o->opts.concat.act != OCT_ACT_NONE ||
      o->n_inputs < 1 || !oct_pu_sole_reader(g, x, i))
    return 0;
  for (int k = 0; k < o->n_inputs; k++) {
    const int t = o->inputs[k];
    if (t < 0) return 0;
    for (int j = 0; j < k; j++)
      if (o->inputs[j] == t) return 0;
    if (!can_take(g, oct_ir_producer(g, t), t, c)) return 0;
  }
  for (int k = 0; k < o->n_inputs; k++)
    *oct_pu_act_field(&g->ops[oct_ir_producer(g, o->inputs[k])]) = act;
  g->ops[c].outputs[0] = g->ops[i].outputs[0];
  g->ops[i].dead = 1;
  return 1;
}

static void fuse(oct_ir_graph *g, int i, int *changed) {
  oct_ir_op *a = &g->ops[i];
  const int act = act_of(a->code);
  if (a->dead || act < 0 || a->n_inputs != 1 || a->n_outputs != 1) return;
  const int x = a->inputs[0], y = a->outputs[0];
  if (x < 0 || g->tensors[x].type != OCT_FLOAT32 ||
      g->tensors[y].type != OCT_FLOAT32)
    return;
  const int p = oct_ir_producer(g, x);
  if (p < 0 || g->ops[p].n_outputs != 1) return;
  if (!takes_act(g->ops[p].code)) {
    if (oct_pu_same_shape(&g->tensors[x], &g->tensors[y]) &&
        fuse_through_concat(g, p, x, i, (oct_act)act))
      *changed = 1;
    return;
  }
  oct_act *pact = oct_pu_act_field(&g->ops[p]);
  if (*pact == (oct_act)act) {
    /* Already applied: the activation is the identity here. */
    if (oct_pu_bypass(g, i, x, y)) *changed = 1;
    return;
  }
  if (*pact != OCT_ACT_NONE || !oct_pu_sole_reader(g, x, i) ||
      !oct_pu_same_shape(&g->tensors[x], &g->tensors[y]))
    return;
  *pact = (oct_act)act;
  g->ops[p].outputs[0] = y;
  a->dead = 1;
  *changed = 1;
}

oct_status oct_pass_fuse_activation(oct_ir_graph *g, int *changed) {
  for (int i = 0; i < g->n_ops; i++) {
    oct_status st = canonicalize_clamp(g, i, changed);
    if (st) return st;
    fuse(g, i, changed);
  }
  return OCT_OK;
}
