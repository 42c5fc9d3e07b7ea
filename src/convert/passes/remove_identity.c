/*
 * Identity and Dropout removal (both are y = x at inference).
 *
 * The op goes and its readers read x (oct_pu_bypass). When y is a graph
 * output its name must survive, so x's producer writes y instead. That is
 * impossible when x is itself a graph input, a graph output or a constant:
 * TFLite has no identity op, so the op becomes a RESHAPE to the same shape
 * (a copy every reader accepts), which later passes leave alone for the
 * same reason.
 *
 * Dropout may carry a second output (ONNX's mask); an op whose extra
 * outputs are still read is left for the writer to report.
 */
#include <stdlib.h>

#include "convert/passes.h"
#include "pass_util.h"

/* Turns op i (y = x) into RESHAPE(x, shape of y). */
static oct_status lower_to_reshape(oct_ir_graph *g, int i) {
  const int y = g->ops[i].outputs[0];
  const int rank = g->tensors[y].rank;
  int32_t shape[OCT_MAX_RANK];
  for (int k = 0; k < rank; k++) shape[k] = g->tensors[y].dims[k];
  if (rank == 0) {
    /* A scalar: a zero-length shape tensor is not a valid IR tensor, so
     * the options' empty new_shape says it, which TFLite reads the same. */
    oct_ir_op *o = &g->ops[i];
    o->n_inputs = 1;
    o->n_outputs = 1;
    o->code = OCT_OP_RESHAPE;
    o->version = 0;
    o->opts.reshape.count = 0;
    return OCT_OK;
  }
  const int32_t len = rank;
  const int s =
      oct_pu_add_const(g, g->ops[i].name, "shape", OCT_INT32, 1, &len, shape);
  if (s < 0) return OCT_ERR_NO_MEMORY;
  oct_ir_op *o = &g->ops[i];
  int *in = o->inputs;
  if (o->n_inputs < 2) {
    /* inputs was allocated for n_inputs entries; a RESHAPE needs two */
    const int x = o->inputs[0];
    int *p = realloc(o->inputs, 2 * sizeof *p);
    if (!p) return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "out of memory");
    in = o->inputs = p;
    in[0] = x;
  }
  in[1] = s;
  o->n_inputs = 2;
  o->n_outputs = 1;
  o->code = OCT_OP_RESHAPE;
  o->version = 0;
  o->opts.reshape.count = rank;
  for (int k = 0; k < rank; k++) o->opts.reshape.new_shape[k] = shape[k];
  return OCT_OK;
}

oct_status oct_pass_remove_identity(oct_ir_graph *g, int *changed) {
  for (int i = 0; i < g->n_ops; i++) {
    oct_ir_op *o = &g->ops[i];
    if (o->dead || (o->code != OCT_IR_IDENTITY && o->code != OCT_IR_DROPOUT))
      continue;
    if (o->n_inputs < 1 || o->n_outputs < 1 || o->inputs[0] < 0)
      return oct_ir_fail(g, OCT_ERR_MODEL,
                         "op %d (%s '%s') has no input or output", i,
                         oct_ir_op_name(o->code), o->name);
    int extra_used = 0;
    for (int k = 1; k < o->n_outputs; k++)
      extra_used |= oct_ir_use_count(g, o->outputs[k]) > 0;
    if (extra_used) continue;
    const int x = o->inputs[0], y = o->outputs[0];
    if (oct_pu_bypass(g, i, x, y)) {
      *changed = 1;
      continue;
    }
    if (g->tensors[x].type != g->tensors[y].type ||
        oct_ir_elems(&g->tensors[x]) != oct_ir_elems(&g->tensors[y]))
      continue;
    oct_status st = lower_to_reshape(g, i);
    if (st) return st;
    *changed = 1;
  }
  return OCT_OK;
}
