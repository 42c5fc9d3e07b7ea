/*
 * FULLY_CONNECTED + ADD of a constant vector -> FULLY_CONNECTED with bias
 * (the ONNX importer's MatMul + Add, and Gemm when it kept C apart).
 *
 * Matches FULLY_CONNECTED with float32 weights [O, I], fused activation
 * NONE, and an output y read by one ADD alone (y no graph output), the
 * ADD's other operand a float32 constant of O elements shaped [O] or
 * [1, ..., 1, O] (no longer than y's rank, so adding it broadcasts along
 * y's last axis only and keeps y's shape). The constant becomes the bias
 * (added into an existing constant bias; a shared bias is copied first),
 * the ADD's activation moves to the FULLY_CONNECTED, which then writes the
 * ADD's output. SUB of a constant was turned into ADD by simplify_algebra.
 */
#include <stdlib.h>

#include "convert/passes.h"
#include "pass_util.h"

/* The [O]-vector data of constant c, or NULL when its shape is another. */
static const float *bias_vector(const oct_ir_graph *g, int c, int oc,
                                int y_rank) {
  const float *d = oct_pu_const_f32(g, c);
  if (!d) return NULL;
  const oct_ir_tensor *t = &g->tensors[c];
  if (t->rank < 1 || t->rank > y_rank || t->dims[t->rank - 1] != oc)
    return NULL;
  for (int k = 0; k + 1 < t->rank; k++)
    if (t->dims[k] != 1) return NULL;
  return d;
}

static oct_status fuse(oct_ir_graph *g, int f, int *changed) {
  const oct_ir_op *fo = &g->ops[f];
  if (fo->n_inputs < 2 || fo->n_outputs != 1 || fo->opts.fc.act != OCT_ACT_NONE)
    return OCT_OK;
  const int w = fo->inputs[1], y = fo->outputs[0];
  if (!oct_pu_const_f32(g, w) || g->tensors[w].rank != 2 ||
      g->tensors[y].type != OCT_FLOAT32)
    return OCT_OK;
  const int oc = g->tensors[w].dims[0];
  const int has_bias = fo->n_inputs > 2 && fo->inputs[2] >= 0;
  if (has_bias && (!oct_pu_const_f32(g, fo->inputs[2]) ||
                   oct_ir_elems(&g->tensors[fo->inputs[2]]) != oc))
    return OCT_OK;
  const int a = oct_pu_single_consumer(g, y);
  if (a < 0) return OCT_OK;
  const oct_ir_op *ao = &g->ops[a];
  if (ao->code != OCT_OP_ADD || ao->n_inputs != 2 || ao->n_outputs != 1 ||
      ao->inputs[0] == ao->inputs[1])
    return OCT_OK;
  const int c = ao->inputs[0] == y ? ao->inputs[1] : ao->inputs[0];
  const int z = ao->outputs[0];
  const float *v = bias_vector(g, c, oc, g->tensors[y].rank);
  if (!v || g->tensors[z].type != OCT_FLOAT32 ||
      !oct_pu_same_shape(&g->tensors[y], &g->tensors[z]))
    return OCT_OK;
  const oct_act act = ao->opts.arith.act;
  int b;
  if (has_bias) {
    b = oct_pu_private_const(g, f, 2);
    if (b < 0) return OCT_ERR_NO_MEMORY;
    float *bd = g->tensors[b].data;
    for (int k = 0; k < oc; k++) bd[k] = (float)((double)bd[k] + v[k]);
  } else {
    const int32_t d = oc;
    b = oct_pu_add_const(g, g->tensors[c].name, "bias", OCT_FLOAT32, 1, &d, v);
    if (b < 0) return OCT_ERR_NO_MEMORY;
    oct_status st = oct_pu_set_input(g, f, 2, b);
    if (st) return st;
  }
  g->ops[f].opts.fc.act = act;
  g->ops[f].outputs[0] = z;
  g->ops[a].dead = 1;
  *changed = 1;
  return OCT_OK;
}

oct_status oct_pass_fc_bias(oct_ir_graph *g, int *changed) {
  for (int i = 0; i < g->n_ops; i++) {
    if (g->ops[i].dead || g->ops[i].code != OCT_OP_FULLY_CONNECTED) continue;
    oct_status st = fuse(g, i, changed);
    if (st) return st;
  }
  return OCT_OK;
}
