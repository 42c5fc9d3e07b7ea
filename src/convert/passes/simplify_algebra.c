/*
 * Algebraic simplification of float32 ADD / SUB / MUL / DIV with constant
 * operands. Rules, each applied to an op in one sweep:
 *
 *   DIV(x, c)            -> MUL(x, 1/c)       (x/c and x*(1/c) differ by
 *                                              float rounding only)
 *   SUB(x, c)            -> ADD(x, -c)
 *   MUL(x, 1), ADD(x, 0) -> x                 (constants all 1 / all 0 that
 *                                              do not widen x by broadcasting;
 *                                              with a fused RELU/RELU6/
 *                                              RELU_N1_TO_1 the op becomes
 *                                              that activation)
 *   MUL(MUL(x, c1), c2)  -> MUL(x, c1*c2)     (inner activation NONE, inner
 *   ADD(ADD(x, c1), c2)  -> ADD(x, c1+c2)      output read by the outer op
 *                                              alone; outer activation kept)
 *   ADD/SUB of two scaled copies of one tensor, a*c1 +- a*c2, where each
 *   side is `a` itself or MUL(a, c) with activation NONE
 *                        -> MUL(a, c1 +- c2)  (so 3a + 4a + 5a -> 12a over
 *                                              a chain of ADDs)
 * MUL then ADD (a scale then a shift) is left as it is. Merged constants
 * are computed in double with numpy broadcasting, and a rewrite is made
 * only when the new op's output shape is the old one's. Ops whose inputs
 * are both constant are constant folding's business.
 */
#include <stdlib.h>

#include "convert/passes.h"
#include "pass_util.h"

static int is_f32(const oct_ir_graph *g, int t) {
  return t >= 0 && g->tensors[t].type == OCT_FLOAT32;
}

/* Op i is a float32 binary op of `code` reading a non-constant x and a
 * float32 constant c (c on the right only when `right_only`). */
static int const_operand(const oct_ir_graph *g, int i, int code, int right_only,
                         int *x, int *c) {
  if (i < 0) return 0;
  const oct_ir_op *o = &g->ops[i];
  if (o->dead || o->code != code || o->n_inputs != 2 || o->n_outputs != 1 ||
      !is_f32(g, o->outputs[0]))
    return 0;
  for (int side = 1; side >= (right_only ? 1 : 0); side--) {
    const int a = o->inputs[1 - side], b = o->inputs[side];
    if (is_f32(g, a) && !oct_pu_is_const(g, a) && oct_pu_const_f32(g, b)) {
      *x = a;
      *c = b;
      return 1;
    }
  }
  return 0;
}

enum { COMBINE_ADD, COMBINE_SUB, COMBINE_MUL };

/* Shape of constant c, or of a scalar 1 when c is -1. */
static void coef_shape(const oct_ir_graph *g, int c, int *r,
                       const int32_t **d) {
  static const int32_t one_dim[1] = {1};
  *r = c < 0 ? 1 : g->tensors[c].rank;
  *d = c < 0 ? one_dim : g->tensors[c].dims;
}

/* Whether x (op) (ca (op) cb) has y's shape: the constants broadcast
 * together, and with x to exactly y. */
static int merged_fits(const oct_ir_graph *g, int x, int ca, int cb, int y) {
  int ra, rb, r, rx;
  const int32_t *da, *db;
  int32_t d[OCT_MAX_RANK], dx[OCT_MAX_RANK];
  coef_shape(g, ca, &ra, &da);
  coef_shape(g, cb, &rb, &db);
  const oct_ir_tensor *tx = &g->tensors[x], *ty = &g->tensors[y];
  if (!oct_pu_broadcast(ra, da, rb, db, &r, d) ||
      !oct_pu_broadcast(tx->rank, tx->dims, r, d, &rx, dx) || rx != ty->rank)
    return 0;
  for (int k = 0; k < rx; k++)
    if (dx[k] != ty->dims[k]) return 0;
  return 1;
}

/* A new constant: ca (op) cb, broadcast (merged_fits said they do); -1 for
 * either stands for a scalar 1. Returns the tensor, or -1 (g->err set). */
static int combine(oct_ir_graph *g, int ca, int cb, int how, const char *base) {
  int ra, rb, r;
  const int32_t *da, *db;
  int32_t d[OCT_MAX_RANK];
  coef_shape(g, ca, &ra, &da);
  coef_shape(g, cb, &rb, &db);
  if (!oct_pu_broadcast(ra, da, rb, db, &r, d))
    return oct_ir_fail(g, OCT_ERR_INTERNAL, "constants do not broadcast"), -1;
  int64_t n = 1;
  for (int k = 0; k < r; k++) n *= d[k];
  float *v = malloc((size_t)(n ? n : 1) * sizeof *v);
  if (!v) return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "out of memory"), -1;
  const float *pa = ca < 0 ? NULL : g->tensors[ca].data;
  const float *pb = cb < 0 ? NULL : g->tensors[cb].data;
  for (int64_t e = 0; e < n; e++) {
    const double a = pa ? pa[oct_pu_bcast_index(e, r, d, ra, da)] : 1.0;
    const double b = pb ? pb[oct_pu_bcast_index(e, r, d, rb, db)] : 1.0;
    v[e] = (float)(how == COMBINE_ADD   ? a + b
                   : how == COMBINE_SUB ? a - b
                                        : a * b);
  }
  const char *suffix = how == COMBINE_MUL ? "merged_scale" : "merged_coeff";
  const int t = oct_pu_add_const(g, base, suffix, OCT_FLOAT32, r, d, v);
  free(v);
  return t;
}

/* DIV(x, c) -> MUL(x, 1/c); SUB(x, c) -> ADD(x, -c). */
static oct_status invert_constant(oct_ir_graph *g, int i, int *changed) {
  int x, c;
  const int code = g->ops[i].code;
  if (!const_operand(g, i, code, 1, &x, &c)) return OCT_OK;
  const oct_ir_tensor src = g->tensors[c];
  const int64_t n = oct_ir_elems(&src);
  float *v = malloc((size_t)(n ? n : 1) * sizeof *v);
  if (!v) return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "out of memory");
  const float *s = src.data;
  for (int64_t e = 0; e < n; e++)
    v[e] = code == OCT_OP_DIV ? (float)(1.0 / s[e]) : -s[e];
  const int t = oct_pu_add_const(g, src.name,
                                 code == OCT_OP_DIV ? "reciprocal" : "negated",
                                 OCT_FLOAT32, src.rank, src.dims, v);
  free(v);
  if (t < 0) return OCT_ERR_NO_MEMORY;
  oct_ir_op *o = &g->ops[i];
  o->inputs[1] = t;
  o->inputs[0] = x;
  o->code = code == OCT_OP_DIV ? OCT_OP_MUL : OCT_OP_ADD;
  o->version = 0;
  if (o->code == OCT_OP_ADD) o->opts.arith.pot_scale_int16 = 1;
  *changed = 1;
  return OCT_OK;
}

/* MUL(x, 1) / ADD(x, 0) -> x (or the fused activation alone). */
static oct_status drop_neutral(oct_ir_graph *g, int i, int *changed) {
  int x, c;
  const int code = g->ops[i].code;
  float v;
  if (!const_operand(g, i, code, 0, &x, &c) ||
      !oct_pu_const_uniform_f32(g, c, &v))
    return OCT_OK;
  if (v != (code == OCT_OP_MUL ? 1.0f : 0.0f)) return OCT_OK;
  const int y = g->ops[i].outputs[0];
  if (!oct_pu_same_shape(&g->tensors[x], &g->tensors[y])) return OCT_OK;
  const oct_act act = g->ops[i].opts.arith.act;
  if (act == OCT_ACT_NONE) {
    if (oct_pu_bypass(g, i, x, y)) *changed = 1;
    return OCT_OK;
  }
  const int relu = act == OCT_ACT_RELU           ? OCT_OP_RELU
                   : act == OCT_ACT_RELU6        ? OCT_OP_RELU6
                   : act == OCT_ACT_RELU_N1_TO_1 ? OCT_OP_RELU_N1_TO_1
                                                 : -1;
  if (relu < 0) return OCT_OK;
  oct_status st = oct_pu_reset_op(g, i, relu, 1, &x, 1, &y);
  if (!st) *changed = 1;
  return st;
}

/* MUL(MUL(x, c1), c2) -> MUL(x, c1*c2); the same for ADD. */
static oct_status merge_chain(oct_ir_graph *g, int i, int *changed) {
  int x, c2, x0, c1;
  const int code = g->ops[i].code;
  if (!const_operand(g, i, code, 0, &x, &c2)) return OCT_OK;
  const int p = oct_ir_producer(g, x);
  if (!const_operand(g, p, code, 0, &x0, &c1) ||
      g->ops[p].opts.arith.act != OCT_ACT_NONE || !oct_pu_sole_reader(g, x, i))
    return OCT_OK;
  if (!merged_fits(g, x0, c1, c2, g->ops[i].outputs[0])) return OCT_OK;
  const int t =
      combine(g, c1, c2, code == OCT_OP_MUL ? COMBINE_MUL : COMBINE_ADD,
              g->tensors[c2].name);
  if (t < 0) return OCT_ERR_NO_MEMORY;
  g->ops[i].inputs[0] = x0;
  g->ops[i].inputs[1] = t;
  g->ops[p].dead = 1;
  *changed = 1;
  return OCT_OK;
}

typedef struct term {
  int base, coef; /* base * coef; coef -1 = 1 */
} term;

/* The ways tensor t reads as base * coef: MUL(base, c) first, then t * 1. */
static int terms_of(const oct_ir_graph *g, int t, term *out) {
  int n = 0, x, c;
  if (const_operand(g, oct_ir_producer(g, t), OCT_OP_MUL, 0, &x, &c) &&
      g->ops[oct_ir_producer(g, t)].opts.arith.act == OCT_ACT_NONE)
    out[n++] = (term){x, c};
  out[n++] = (term){t, -1};
  return n;
}

/* a*c1 + a*c2 -> MUL(a, c1 + c2) (SUB: c1 - c2). */
static oct_status merge_terms(oct_ir_graph *g, int i, int *changed) {
  const oct_ir_op *o = &g->ops[i];
  if (o->n_inputs != 2 || o->n_outputs != 1 || !is_f32(g, o->outputs[0]))
    return OCT_OK;
  const int l = o->inputs[0], r = o->inputs[1], y = o->outputs[0];
  if (!is_f32(g, l) || !is_f32(g, r) || oct_pu_is_const(g, l) ||
      oct_pu_is_const(g, r))
    return OCT_OK;
  term tl[2], tr[2];
  const int nl = terms_of(g, l, tl), nr = terms_of(g, r, tr);
  for (int a = 0; a < nl; a++)
    for (int b = 0; b < nr; b++) {
      if (tl[a].base != tr[b].base) continue;
      if (!merged_fits(g, tl[a].base, tl[a].coef, tr[b].coef, y)) continue;
      const int how = g->ops[i].code == OCT_OP_SUB ? COMBINE_SUB : COMBINE_ADD;
      const int t = combine(g, tl[a].coef, tr[b].coef, how, g->ops[i].name);
      if (t < 0) return OCT_ERR_NO_MEMORY;
      oct_ir_op *m = &g->ops[i];
      m->code = OCT_OP_MUL;
      m->version = 0;
      m->inputs[0] = tl[a].base;
      m->inputs[1] = t;
      *changed = 1;
      return OCT_OK;
    }
  return OCT_OK;
}

oct_status oct_pass_simplify_algebra(oct_ir_graph *g, int *changed) {
  for (int i = 0; i < g->n_ops; i++) {
    oct_status st = OCT_OK;
    switch (g->ops[i].code) {
      case OCT_OP_DIV:
      case OCT_OP_SUB:
        st = invert_constant(g, i, changed);
        break;
      default:
        break;
    }
    if (st) return st;
    if (g->ops[i].dead) continue;
    switch (g->ops[i].code) {
      case OCT_OP_MUL:
      case OCT_OP_ADD:
        st = drop_neutral(g, i, changed);
        if (!st && !g->ops[i].dead && g->ops[i].code != OCT_OP_RELU &&
            g->ops[i].code != OCT_OP_RELU6 &&
            g->ops[i].code != OCT_OP_RELU_N1_TO_1)
          st = merge_chain(g, i, changed);
        if (!st && !g->ops[i].dead && g->ops[i].code == OCT_OP_ADD)
          st = merge_terms(g, i, changed);
        break;
      case OCT_OP_SUB:
        st = merge_terms(g, i, changed);
        break;
      default:
        break;
    }
    if (st) return st;
  }
  return OCT_OK;
}
