/*
 * Dead-op and unused-tensor elimination.
 *
 * One backward sweep over the ops (they are in execution order, so every
 * reader of a tensor comes after its writer): an op is live when one of its
 * outputs is a graph output or is read by a live op; the others are marked
 * dead, and oct_ir_compact then drops dead ops and every tensor nothing
 * refers to (constants orphaned by other passes included). Graph inputs
 * stay even when unread: they are part of the model's interface.
 * An op with several outputs lives while any of them is used.
 */
#include <stdlib.h>

#include "convert/passes.h"
#include "pass_util.h"

oct_status oct_pass_dead_code(oct_ir_graph *g, int *changed) {
  const int nt = g->n_tensors, n_ops = g->n_ops;
  char *needed = calloc((size_t)(nt ? nt : 1), 1);
  if (!needed) return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "out of memory");
  for (int i = 0; i < g->n_outputs; i++)
    if (g->outputs[i] >= 0 && g->outputs[i] < nt) needed[g->outputs[i]] = 1;
  for (int i = n_ops - 1; i >= 0; i--) {
    oct_ir_op *o = &g->ops[i];
    if (o->dead) continue;
    int live = 0;
    for (int k = 0; k < o->n_outputs && !live; k++)
      live = o->outputs[k] >= 0 && o->outputs[k] < nt && needed[o->outputs[k]];
    if (!live) {
      o->dead = 1;
      *changed = 1;
      continue;
    }
    for (int k = 0; k < o->n_inputs; k++)
      if (o->inputs[k] >= 0 && o->inputs[k] < nt) needed[o->inputs[k]] = 1;
  }
  free(needed);
  /* Ops other passes marked dead count as a change here too: compacting
   * them is this pass's work. A clean graph keeps its indices. */
  const int ops_before = g->n_ops, tensors_before = g->n_tensors;
  oct_status st = oct_ir_compact(g);
  if (st) return st;
  if (g->n_ops != ops_before || g->n_tensors != tensors_before) *changed = 1;
  return OCT_OK;
}
