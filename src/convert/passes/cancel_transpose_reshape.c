/*
 * Transposes and reshapes that cancel or merge, mostly the NCHW <-> NHWC
 * TRANSPOSEs the ONNX importer puts at layout boundaries.
 *
 *   TRANSPOSE(perm = identity)                 -> removed
 *   TRANSPOSE(TRANSPOSE(x, p), q)              -> x when p[q[k]] = k for
 *                                                 all k; else one
 *                                                 TRANSPOSE(x, p o q) when
 *                                                 the inner one has no
 *                                                 other reader
 *   TRANSPOSE that moves only size-1 axes      -> RESHAPE (the elements
 *                                                 keep their memory order)
 *   RESHAPE(RESHAPE/SQUEEZE/EXPAND_DIMS(x))    -> RESHAPE(x) (the inner op
 *                                                 stays while others read it)
 *   RESHAPE/SQUEEZE/EXPAND_DIMS to x's shape   -> removed
 *
 * TRANSPOSE output dim k is input dim perm[k], so two in a row give input
 * dim p[q[k]]. Perms must be constant (int32 or int64). Removals go through
 * oct_pu_bypass, so graph output tensors keep their names; when that is
 * impossible (a graph input straight to a graph output) the op stays.
 */
#include "convert/passes.h"
#include "pass_util.h"

static int is_reshape_like(int code) {
  return code == OCT_OP_RESHAPE || code == OCT_OP_SQUEEZE ||
         code == OCT_OP_EXPAND_DIMS;
}

/* The constant perm of TRANSPOSE op i (rank of its input), or 0. */
static int read_perm(const oct_ir_graph *g, int i, int64_t *perm) {
  if (i < 0) return 0;
  const oct_ir_op *o = &g->ops[i];
  if (o->dead || o->code != OCT_OP_TRANSPOSE || o->n_inputs < 2 ||
      o->n_outputs != 1 || o->inputs[0] < 0)
    return 0;
  const int rank = g->tensors[o->inputs[0]].rank;
  if (rank < 1 ||
      oct_pu_const_ints(g, o->inputs[1], perm, OCT_MAX_RANK) != rank)
    return 0;
  int seen[OCT_MAX_RANK] = {0};
  for (int k = 0; k < rank; k++) {
    if (perm[k] < 0 || perm[k] >= rank || seen[perm[k]]) return 0;
    seen[perm[k]] = 1;
  }
  return rank;
}

static int is_identity(const int64_t *perm, int rank) {
  for (int k = 0; k < rank; k++)
    if (perm[k] != k) return 0;
  return 1;
}

/* Whether the axes of x that are not 1 keep their order under perm. */
static int moves_only_unit_axes(const oct_ir_tensor *x, const int64_t *perm,
                                int rank) {
  int64_t last = -1;
  for (int k = 0; k < rank; k++) {
    if (x->dims[perm[k]] == 1) continue;
    if (perm[k] < last) return 0;
    last = perm[k];
  }
  return 1;
}

/* Turns op i into RESHAPE(x, shape of its output). */
static oct_status to_reshape(oct_ir_graph *g, int i, int x) {
  const int y = g->ops[i].outputs[0];
  const int rank = g->tensors[y].rank;
  int32_t shape[OCT_MAX_RANK];
  for (int k = 0; k < rank; k++) shape[k] = g->tensors[y].dims[k];
  const int32_t len = rank;
  const int s =
      oct_pu_add_const(g, g->ops[i].name, "shape", OCT_INT32, 1, &len, shape);
  if (s < 0) return OCT_ERR_NO_MEMORY;
  const int in[2] = {x, s};
  oct_status st = oct_pu_reset_op(g, i, OCT_OP_RESHAPE, 2, in, 1, &y);
  if (st) return st;
  g->ops[i].opts.reshape.count = rank;
  for (int k = 0; k < rank; k++) g->ops[i].opts.reshape.new_shape[k] = shape[k];
  return OCT_OK;
}

static oct_status transpose(oct_ir_graph *g, int i, int *changed) {
  int64_t q[OCT_MAX_RANK], p[OCT_MAX_RANK];
  const int rank = read_perm(g, i, q);
  if (!rank) return OCT_OK;
  const int x = g->ops[i].inputs[0], y = g->ops[i].outputs[0];
  if (is_identity(q, rank)) {
    if (oct_pu_bypass(g, i, x, y)) *changed = 1;
    return OCT_OK;
  }
  const int inner = oct_ir_producer(g, x);
  if (read_perm(g, inner, p) == rank) {
    int64_t r[OCT_MAX_RANK];
    for (int k = 0; k < rank; k++) r[k] = p[q[k]];
    const int x0 = g->ops[inner].inputs[0];
    if (is_identity(r, rank)) {
      if (oct_pu_bypass(g, i, x0, y)) {
        *changed = 1;
        return OCT_OK;
      }
    } else if (oct_pu_sole_reader(g, x, i)) {
      int32_t r32[OCT_MAX_RANK];
      for (int k = 0; k < rank; k++) r32[k] = (int32_t)r[k];
      const int32_t len = rank;
      const int t =
          oct_pu_add_const(g, g->ops[i].name, "perm", OCT_INT32, 1, &len, r32);
      if (t < 0) return OCT_ERR_NO_MEMORY;
      g->ops[i].inputs[0] = x0;
      g->ops[i].inputs[1] = t;
      g->ops[inner].dead = 1;
      *changed = 1;
      return OCT_OK;
    }
  }
  if (moves_only_unit_axes(&g->tensors[x], q, rank) &&
      g->tensors[x].type == g->tensors[y].type) {
    oct_status st = to_reshape(g, i, x);
    if (st) return st;
    *changed = 1;
  }
  return OCT_OK;
}

static void reshape(oct_ir_graph *g, int i, int *changed) {
  oct_ir_op *o = &g->ops[i];
  if (o->dead || o->n_inputs < 1 || o->n_outputs != 1 || o->inputs[0] < 0)
    return;
  int x = o->inputs[0];
  const int y = o->outputs[0];
  if (o->code == OCT_OP_RESHAPE) {
    const int p = oct_ir_producer(g, x);
    if (p >= 0 && is_reshape_like(g->ops[p].code) && g->ops[p].n_outputs == 1 &&
        g->ops[p].n_inputs >= 1 && g->ops[p].inputs[0] >= 0 &&
        g->tensors[g->ops[p].inputs[0]].type == g->tensors[x].type) {
      x = o->inputs[0] = g->ops[p].inputs[0];
      *changed = 1;
    }
  }
  if (oct_pu_same_shape(&g->tensors[x], &g->tensors[y]) &&
      oct_pu_bypass(g, i, x, y))
    *changed = 1;
}

oct_status oct_pass_cancel_transpose_reshape(oct_ir_graph *g, int *changed) {
  for (int i = 0; i < g->n_ops; i++) {
    if (g->ops[i].dead) continue;
    const int code = g->ops[i].code;
    if (code == OCT_OP_TRANSPOSE) {
      oct_status st = transpose(g, i, changed);
      if (st) return st;
    } else if (is_reshape_like(code)) {
      reshape(g, i, changed);
    }
  }
  return OCT_OK;
}
