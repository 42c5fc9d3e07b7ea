/*
 * Multi-node patterns recognised before translation.
 *
 * GELU: ONNX before opset 20 has no Gelu op, so exporters spell the exact
 * GELU as x * 0.5 * (1 + erf(x / sqrt(2))), in one of two orders:
 *   Div(x, sqrt2) -> Erf -> Add(., 1) -> Mul(x, .) -> Mul(., 0.5)
 *   Div(x, sqrt2) -> Erf -> Add(., 1) -> Mul(Mul(x, 0.5), .)
 * (Div by sqrt 2 may be Mul by 1/sqrt 2; operands of Add and Mul in either
 * order). Erf has no TFLite builtin, so this is the only way it converts.
 * The pattern's inner nodes are skipped and its last Mul becomes GELU;
 * every intermediate value must be used only inside the pattern.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "onnx_internal.h"

typedef struct pat {
  oct_onnx_ctx *c;
  oct_onnx_node *nodes;
  int *first_use; /* per value: first node reading it */
} pat;

static int vidx(const pat *p, const oct_onnx_value *v) { return (int)(v - p->c->vals); }

/* The only node reading v, or NULL. */
static oct_onnx_node *sole_user(const pat *p, const oct_onnx_value *v) {
  if (!v || v->uses != 1) return NULL;
  const int u = p->first_use[vidx(p, v)];
  return u >= 0 ? &p->nodes[u] : NULL;
}

static oct_onnx_node *producer(const pat *p, const oct_onnx_value *v) {
  return v && v->producer >= 0 ? &p->nodes[v->producer] : NULL;
}

static int is_op(const oct_onnx_node *n, const char *op) {
  return n && !strcmp(n->op, op) && n->n_in == 2 && n->in[0] && n->in[1] && n->n_out >= 1 &&
         n->out[0] && (!n->p->domain || !n->p->domain[0]);
}

/* The value of a one-element float constant: an initializer, or the output
 * of a Constant node (not evaluated yet when patterns are matched). */
static int const_value(const pat *p, const oct_onnx_value *v, double *out) {
  if (!v) return 0;
  if (v->is_const) {
    if (!oct_onnx_is_float(v->type) || oct_onnx_elems(v->rank, v->dims) != 1) return 0;
    *out = oct_onnx_get_f(v, 0);
    return 1;
  }
  const oct_onnx_node *k = producer(p, v);
  if (!k || strcmp(k->op, "Constant") || k->p->n_attribute != 1) return 0;
  const Onnx__AttributeProto *a = k->p->attribute[0];
  if (a->name && !strcmp(a->name, "value_float") && a->has_f) {
    *out = a->f;
    return 1;
  }
  if (!a->name || strcmp(a->name, "value") || !a->t) return 0;
  oct_onnx_value tmp;
  memset(&tmp, 0, sizeof tmp);
  const oct_onnx_node *saved = p->c->cur;
  const oct_status st = oct_onnx_parse_tensor(p->c, a->t, "value", &tmp);
  p->c->cur = saved;
  const int ok = !st && oct_onnx_is_float(tmp.type) && oct_onnx_elems(tmp.rank, tmp.dims) == 1;
  if (ok) *out = oct_onnx_get_f(&tmp, 0);
  free(tmp.data);
  p->c->g->err.message[0] = 0; /* a bad tensor is reported when its node runs */
  return ok;
}

static int near_const(const pat *p, const oct_onnx_value *v, double want) {
  double x;
  return const_value(p, v, &x) && fabs(x - want) <= 1e-4 * fabs(want);
}

/* For a binary node with one constant operand close to `want`, the other. */
static oct_onnx_value *other_than_const(const pat *p, const oct_onnx_node *n, double want) {
  if (near_const(p, n->in[1], want)) return n->in[0];
  if (near_const(p, n->in[0], want)) return n->in[1];
  return NULL;
}

static void match_gelu(pat *p, oct_onnx_node *erf) {
  oct_onnx_ctx *c = p->c;
  if (erf->n_in != 1 || !erf->in[0] || erf->n_out != 1 || !erf->out[0]) return;
  oct_onnx_node *scale = producer(p, erf->in[0]);
  oct_onnx_value *x = NULL;
  if (is_op(scale, "Div") && near_const(p, scale->in[1], sqrt(2.0))) x = scale->in[0];
  else if (is_op(scale, "Mul")) x = other_than_const(p, scale, sqrt(0.5));
  if (!x || x->is_const || erf->in[0]->uses != 1) return;
  oct_onnx_node *add = sole_user(p, erf->out[0]);
  if (!is_op(add, "Add") || other_than_const(p, add, 1.0) != erf->out[0]) return;
  oct_onnx_node *m1 = sole_user(p, add->out[0]);
  if (!is_op(m1, "Mul")) return;
  oct_onnx_value *o = m1->in[0] == add->out[0] ? m1->in[1] : m1->in[0];
  oct_onnx_node *last, *half = NULL;
  if (o == x) { /* (x * (1 + erf)) * 0.5 */
    last = sole_user(p, m1->out[0]);
    if (!is_op(last, "Mul") || other_than_const(p, last, 0.5) != m1->out[0]) return;
  } else { /* (x * 0.5) * (1 + erf) */
    half = producer(p, o);
    if (!is_op(half, "Mul") || other_than_const(p, half, 0.5) != x || o->uses != 1) return;
    last = m1;
  }
  c->pat[scale->index] = c->pat[erf->index] = c->pat[add->index] = OCT_ONNX_PAT_SKIP;
  c->pat[(half ? half : m1)->index] = OCT_ONNX_PAT_SKIP;
  c->pat[last->index] = OCT_ONNX_PAT_GELU;
  c->pat_arg[last->index] = vidx(p, x);
}

oct_status oct_onnx_find_patterns(oct_onnx_ctx *c, oct_onnx_node *nodes, int n_nodes) {
  int has_erf = 0;
  for (int i = 0; i < n_nodes && !has_erf; i++) has_erf = !strcmp(nodes[i].op, "Erf");
  if (!has_erf) return OCT_OK;
  pat p = {c, nodes, malloc((size_t)(c->n_vals ? c->n_vals : 1) * sizeof(int))};
  if (!p.first_use) return oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
  for (int i = 0; i < c->n_vals; i++) p.first_use[i] = -1;
  for (int i = n_nodes - 1; i >= 0; i--)
    for (int k = 0; k < nodes[i].n_in; k++)
      if (nodes[i].in[k]) p.first_use[vidx(&p, nodes[i].in[k])] = i;
  for (int i = 0; i < n_nodes; i++)
    if (!strcmp(nodes[i].op, "Erf") && c->pat[i] == OCT_ONNX_PAT_NONE) match_gelu(&p, &nodes[i]);
  free(p.first_use);
  return OCT_OK;
}
