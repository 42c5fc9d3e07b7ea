/*
 * Elementwise ops: Add, Sub, Mul, Div, Pow, PRelu, Max, Min, Sum, the
 * activations (Relu, Sigmoid, Tanh, LeakyRelu, HardSwish, HardSigmoid,
 * Clip, ...), Erf (only as part of GELU), Cast, Identity and Dropout.
 *
 * Elementwise ops are layout-agnostic: they run channels-last when an
 * activation operand lives channels-last, and constants are permuted to
 * match (onnx_layout.c's oct_onnx_operand aligns lower-rank operands to the
 * output rank first, as ONNX broadcasting does).
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "onnx_internal.h"

/* Whether an elementwise op over these values should run channels-last. */
static int pick_nhwc(oct_onnx_value *const *v, int count, int rank) {
  if (rank < 3) return 0;
  for (int i = 0; i < count; i++)
    if (!v[i]->is_const && v[i]->rank == rank && oct_onnx_prefers_nhwc(v[i])) return 1;
  return 0;
}

static void ir_order(int rank, const int32_t *dims, int nhwc, int32_t *out) {
  int perm[OCT_MAX_RANK];
  oct_onnx_nhwc_perm(rank, perm);
  for (int k = 0; k < rank; k++) out[k] = dims[nhwc ? perm[k] : k];
}

static oct_ir_op *emit2(oct_onnx_ctx *c, int code, int a, int b, int out) {
  const int ins[2] = {a, b};
  oct_ir_op *op = oct_onnx_op(c, code, b >= 0 ? 2 : 1, ins, 1, &out);
  if (op && (code == OCT_OP_ADD || code == OCT_OP_SUB)) op->opts.arith.pot_scale_int16 = 1;
  return op;
}

/* A temporary shaped like IR tensor t. */
static int tmp_like(oct_onnx_ctx *c, int t, const char *tag) {
  const oct_ir_tensor *x = &c->g->tensors[t];
  int32_t d[OCT_MAX_RANK];
  memcpy(d, x->dims, sizeof d);
  return oct_onnx_tmp(c, x->type, x->rank, d, tag);
}

/* y = v[0] op v[1] op ... (left to right), with ONNX broadcasting. */
static oct_status chain(oct_onnx_ctx *c, int code, oct_onnx_value **v, int count,
                        oct_onnx_value *y) {
  int rank;
  int32_t dims[OCT_MAX_RANK];
  oct_status st = oct_onnx_broadcast(c, count, v, &rank, dims);
  if (st) return st;
  for (int i = 1; i < count; i++)
    if (v[i]->type != v[0]->type && code != OCT_OP_POW)
      return oct_onnx_fail(c, OCT_ERR_TYPE, "inputs differ in type (%s, %s)",
                           oct_dtype_name(v[0]->type), oct_dtype_name(v[i]->type));
  /* TFLite's 8- and 16-bit integer arithmetic is quantized arithmetic
   * (rescaled, saturating); ONNX's is plain integer arithmetic. Comparisons
   * (MINIMUM, MAXIMUM) agree for any type. */
  const oct_dtype t = v[0]->type;
  if ((t == OCT_UINT8 || t == OCT_INT8 || t == OCT_INT16 || t == OCT_BOOL) &&
      code != OCT_OP_MINIMUM && code != OCT_OP_MAXIMUM && count > 1)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "%s arithmetic on %s has no TFLite equivalent "
                         "(TFLite's %s ops are quantized)", oct_ir_op_name(code), oct_dtype_name(t),
                         oct_dtype_name(t));
  if (!y) return OCT_OK;
  if (count == 1) return oct_onnx_define_alias(c, y, v[0]);
  const int nhwc = pick_nhwc(v, count, rank);
  int acc = oct_onnx_operand(c, v[0], rank, nhwc);
  if (acc < 0) return c->last;
  for (int i = 1; i < count; i++) {
    const int b = oct_onnx_operand(c, v[i], rank, nhwc);
    if (b < 0) return c->last;
    int out;
    if (i == count - 1) {
      out = oct_onnx_define(c, y, v[0]->type, rank, dims, nhwc);
    } else {
      /* partial broadcast of v[0..i], aligned to the full rank */
      int pr;
      int32_t pd[OCT_MAX_RANK], full[OCT_MAX_RANK], ird[OCT_MAX_RANK];
      if ((st = oct_onnx_broadcast(c, i + 1, v, &pr, pd))) return st;
      for (int k = 0; k < rank; k++) full[k] = k < rank - pr ? 1 : pd[k - (rank - pr)];
      ir_order(rank, full, nhwc, ird);
      out = oct_onnx_tmp(c, v[0]->type, rank, ird, "partial");
    }
    if (out < 0 || !emit2(c, code, acc, b, out)) return c->last;
    acc = out;
  }
  return OCT_OK;
}

static const struct { const char *op; int code; } k_binary[] = {
    {"Add", OCT_OP_ADD}, {"Sub", OCT_OP_SUB}, {"Mul", OCT_OP_MUL}, {"Div", OCT_OP_DIV},
    {"Max", OCT_OP_MAXIMUM}, {"Min", OCT_OP_MINIMUM}, {"Sum", OCT_OP_ADD}};

static int binary_code(const char *op) {
  for (size_t i = 0; i < sizeof k_binary / sizeof k_binary[0]; i++)
    if (!strcmp(op, k_binary[i].op)) return k_binary[i].code;
  return -1;
}

static int present_inputs(const oct_onnx_node *n, oct_onnx_value **v) {
  int k = 0;
  for (int i = 0; i < n->n_in; i++)
    if (n->in[i]) v[k++] = n->in[i];
  return k;
}

OCT_ONNX_HANDLER(oct_onnx_binary) {
  if (n->n_in != 2 || !n->in[0] || !n->in[1])
    return oct_onnx_fail(c, OCT_ERR_MODEL, "needs two inputs");
  oct_onnx_value *v[2] = {n->in[0], n->in[1]};
  return chain(c, binary_code(n->op), v, 2, n->out[0]);
}

OCT_ONNX_HANDLER(oct_onnx_variadic) {
  if (n->n_in < 1 || n->n_in > 1024) return oct_onnx_fail(c, OCT_ERR_MODEL, "needs 1 to 1024 inputs");
  oct_onnx_value *v[1024];
  const int k = present_inputs(n, v);
  if (k < 1) return oct_onnx_fail(c, OCT_ERR_MODEL, "needs an input");
  return chain(c, binary_code(n->op), v, k, n->out[0]);
}

/* ---- one-input ops ---- */
/* y = op(x) in x's layout; returns the output tensor or -1. */
static int unary_op(oct_onnx_ctx *c, const oct_onnx_node *n, int code, oct_ir_op **op_out) {
  oct_onnx_value *x = n->n_in > 0 ? n->in[0] : NULL;
  if (!x) {
    oct_onnx_fail(c, OCT_ERR_MODEL, "needs an input");
    return -1;
  }
  const int nhwc = oct_onnx_prefers_nhwc(x);
  const int in = oct_onnx_tensor(c, x, nhwc);
  if (in < 0 || !n->out[0]) return -1;
  const int out = oct_onnx_define(c, n->out[0], x->type, x->rank, x->dims, nhwc);
  if (out < 0) return -1;
  oct_ir_op *op = emit2(c, code, in, -1, out);
  if (op_out) *op_out = op;
  return op ? out : -1;
}

static const struct { const char *op; int code; } k_unary[] = {
    {"Relu", OCT_OP_RELU},       {"Sigmoid", OCT_OP_LOGISTIC}, {"Tanh", OCT_OP_TANH},
    {"Sqrt", OCT_OP_SQRT},       {"Neg", OCT_OP_NEG},          {"Exp", OCT_OP_EXP},
    {"Abs", OCT_OP_ABS},         {"Floor", OCT_OP_FLOOR},      {"HardSwish", OCT_OP_HARD_SWISH}};

OCT_ONNX_HANDLER(oct_onnx_unary) {
  int code = -1;
  for (size_t i = 0; i < sizeof k_unary / sizeof k_unary[0]; i++)
    if (!strcmp(n->op, k_unary[i].op)) code = k_unary[i].code;
  const oct_dtype t = n->n_in > 0 && n->in[0] ? n->in[0]->type : OCT_FLOAT32;
  if (t != OCT_FLOAT32 && !((code == OCT_OP_NEG || code == OCT_OP_ABS) &&
                            (t == OCT_INT32 || t == OCT_INT64)))
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "input is %s; only float32 is supported",
                         oct_dtype_name(n->in[0]->type));
  if (!n->n_out || !n->out[0]) return OCT_OK;
  return unary_op(c, n, code, NULL) < 0 ? c->last : OCT_OK;
}

OCT_ONNX_HANDLER(oct_onnx_leaky_relu) {
  float alpha;
  oct_status st = oct_onnx_attr_float(c, n, "alpha", 0.01f, &alpha);
  if (st || !n->n_out || !n->out[0]) return st;
  oct_ir_op *op = NULL;
  if (unary_op(c, n, OCT_OP_LEAKY_RELU, &op) < 0) return c->last;
  op->opts.leaky_relu.alpha = alpha;
  return OCT_OK;
}

OCT_ONNX_HANDLER(oct_onnx_prelu) {
  if (n->n_in != 2 || !n->in[0] || !n->in[1])
    return oct_onnx_fail(c, OCT_ERR_MODEL, "needs input and slope");
  oct_onnx_value *v[2] = {n->in[0], n->in[1]};
  int rank;
  int32_t dims[OCT_MAX_RANK];
  oct_status st = oct_onnx_broadcast(c, 2, v, &rank, dims);
  if (st) return st;
  if (rank != v[0]->rank || memcmp(dims, v[0]->dims, (size_t)rank * sizeof *dims))
    return oct_onnx_fail(c, OCT_ERR_SHAPE, "slope must broadcast to the input's shape");
  return chain(c, OCT_OP_PRELU, v, 2, n->out[0]);
}

/* x -> op1 with scalar s1 -> op2 with s2 ..., the last writing y. */
static oct_status scalar_chain(oct_onnx_ctx *c, const oct_onnx_node *n, int steps,
                               const int *codes, const double *vals) {
  oct_onnx_value *x = n->in[0];
  const int nhwc = oct_onnx_prefers_nhwc(x);
  int acc = oct_onnx_tensor(c, x, nhwc);
  if (acc < 0) return c->last;
  if (!n->out[0]) return OCT_OK;
  if (!steps) return oct_onnx_define_alias(c, n->out[0], x);
  for (int i = 0; i < steps; i++) {
    const int s = oct_onnx_scalar(c, x->type, vals[i], "operand");
    const int out = i == steps - 1 ? oct_onnx_define(c, n->out[0], x->type, x->rank, x->dims, nhwc)
                                   : tmp_like(c, acc, "step");
    if (s < 0 || out < 0 || !emit2(c, codes[i], acc, s, out)) return c->last;
    acc = out;
  }
  return OCT_OK;
}

OCT_ONNX_HANDLER(oct_onnx_hard_sigmoid) {
  float alpha, beta;
  oct_status st = oct_onnx_attr_float(c, n, "alpha", 0.2f, &alpha);
  if (!st) st = oct_onnx_attr_float(c, n, "beta", 0.5f, &beta);
  if (st) return st;
  if (!n->n_in || !n->in[0] || n->in[0]->type != OCT_FLOAT32)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "needs a float32 input");
  /* max(0, min(1, alpha * x + beta)) */
  const int codes[4] = {OCT_OP_MUL, OCT_OP_ADD, OCT_OP_MINIMUM, OCT_OP_MAXIMUM};
  const double vals[4] = {alpha, beta, 1.0, 0.0};
  return scalar_chain(c, n, 4, codes, vals);
}

/* A constant scalar operand's value (every element equal). */
static int const_scalar(const oct_onnx_value *v, double *out) {
  if (!v || !v->is_const || v->type == OCT_BOOL) return 0;
  const int64_t cnt = oct_onnx_elems(v->rank, v->dims);
  if (cnt < 1) return 0;
  *out = oct_onnx_get_f(v, 0);
  for (int64_t i = 1; i < cnt; i++)
    if (oct_onnx_get_f(v, i) != *out) return 0;
  return 1;
}

OCT_ONNX_HANDLER(oct_onnx_clip) {
  oct_onnx_value *x = n->n_in > 0 ? n->in[0] : NULL;
  if (!x) return oct_onnx_fail(c, OCT_ERR_MODEL, "needs an input");
  double lo = -INFINITY, hi = INFINITY;
  oct_onnx_value *vlo = NULL, *vhi = NULL;
  if (c->opset < 11) {
    float f;
    oct_status st = oct_onnx_attr_float(c, n, "min", -FLT_MAX, &f);
    lo = f;
    if (!st) st = oct_onnx_attr_float(c, n, "max", FLT_MAX, &f);
    hi = f;
    if (st) return st;
  } else {
    vlo = n->n_in > 1 ? n->in[1] : NULL;
    vhi = n->n_in > 2 ? n->in[2] : NULL;
    for (int i = 0; i < 2; i++) {
      oct_onnx_value *b = i ? vhi : vlo;
      if (b && oct_onnx_elems(b->rank, b->dims) != 1)
        return oct_onnx_fail(c, OCT_ERR_MODEL, "'%s' must be a scalar", b->name);
      if (b && b->type != x->type) return oct_onnx_fail(c, OCT_ERR_TYPE, "bounds differ in type");
    }
    if (vlo && vlo->is_const) lo = oct_onnx_get_f(vlo, 0), vlo = NULL;
    if (vhi && vhi->is_const) hi = oct_onnx_get_f(vhi, 0), vhi = NULL;
  }
  if (lo <= -FLT_MAX) lo = -INFINITY;
  if (hi >= FLT_MAX) hi = INFINITY;
  if (!n->out[0]) return OCT_OK;
  const int f32 = x->type == OCT_FLOAT32;
  if (!vlo && !vhi && f32 && lo == 0 && (hi == 6 || hi == INFINITY))
    return unary_op(c, n, hi == 6 ? OCT_OP_RELU6 : OCT_OP_RELU, NULL) < 0 ? c->last : OCT_OK;
  if (!vlo && !vhi) { /* min(max(x, lo), hi) with constant bounds */
    int codes[2], k = 0;
    double vals[2];
    if (lo != -INFINITY) codes[k] = OCT_OP_MAXIMUM, vals[k++] = lo;
    if (hi != INFINITY) codes[k] = OCT_OP_MINIMUM, vals[k++] = hi;
    return scalar_chain(c, n, k, codes, vals);
  }
  /* bounds computed at run time */
  const int nhwc = oct_onnx_prefers_nhwc(x);
  int acc = oct_onnx_tensor(c, x, nhwc);
  if (acc < 0) return c->last;
  for (int i = 0; i < 2; i++) {
    const double cv = i ? hi : lo;
    oct_onnx_value *b = i ? vhi : vlo;
    if (!b && (i ? cv == INFINITY : cv == -INFINITY)) continue;
    const int last = i == 1 || (!vhi && hi == INFINITY);
    const int s = b ? oct_onnx_operand(c, b, x->rank, nhwc) : oct_onnx_scalar(c, x->type, cv, "bound");
    const int out = last ? oct_onnx_define(c, n->out[0], x->type, x->rank, x->dims, nhwc)
                         : tmp_like(c, acc, "clip_lo");
    if (s < 0 || out < 0 || !emit2(c, i ? OCT_OP_MINIMUM : OCT_OP_MAXIMUM, acc, s, out))
      return c->last;
    acc = out;
  }
  return OCT_OK;
}

OCT_ONNX_HANDLER(oct_onnx_pow) {
  if (n->n_in != 2 || !n->in[0] || !n->in[1])
    return oct_onnx_fail(c, OCT_ERR_MODEL, "needs base and exponent");
  oct_onnx_value *x = n->in[0], *e = n->in[1];
  double p;
  const int scalar = const_scalar(e, &p) && e->rank <= x->rank;
  if (scalar && x->type == OCT_FLOAT32 && (p == 2 || p == 0.5 || p == 1)) {
    if (!n->out[0]) return OCT_OK;
    if (p == 0.5) return unary_op(c, n, OCT_OP_SQRT, NULL) < 0 ? c->last : OCT_OK;
    if (p == 1) return oct_onnx_define_alias(c, n->out[0], x);
    oct_onnx_value *v[2] = {x, x}; /* x * x */
    return chain(c, OCT_OP_MUL, v, 2, n->out[0]);
  }
  if (e->type != x->type) {
    if (!e->is_const)
      return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "exponent of type %s on a %s base must be "
                           "constant", oct_dtype_name(e->type), oct_dtype_name(x->type));
    /* TFLite's POW takes one type: convert the constant exponent. */
    oct_onnx_value conv = *e;
    conv.type = x->type;
    conv.t_onnx = conv.t_nhwc = -1;
    const int64_t cnt = oct_onnx_elems(e->rank, e->dims);
    conv.bytes = (size_t)cnt * oct_dtype_size(x->type);
    conv.data = malloc(conv.bytes ? conv.bytes : 1);
    if (!conv.data) return oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
    for (int64_t i = 0; i < cnt; i++) {
      if (oct_onnx_is_float(x->type)) oct_onnx_set_f(x->type, conv.data, i, oct_onnx_get_f(e, i));
      else oct_onnx_set_i(x->type, conv.data, i, oct_onnx_get_i(e, i));
    }
    oct_onnx_value *v[2] = {x, &conv};
    const oct_status st = chain(c, OCT_OP_POW, v, 2, n->out[0]);
    free(conv.data);
    return st;
  }
  oct_onnx_value *v[2] = {x, e};
  return chain(c, OCT_OP_POW, v, 2, n->out[0]);
}

/* Expand of an activation: a MUL by ones shaped to broadcast x to the
 * target (ones only along the axes that grow, so the constant stays small;
 * TFLite's BROADCAST_TO is not among octet's ops). */
OCT_ONNX_HANDLER(oct_onnx_expand) {
  if (n->n_in != 2 || !n->in[0] || !n->in[1])
    return oct_onnx_fail(c, OCT_ERR_MODEL, "needs input and shape");
  oct_onnx_value *x = n->in[0];
  int64_t sh[OCT_MAX_RANK];
  int r;
  oct_status st = oct_onnx_const_ints(c, n->in[1], "shape", sh, OCT_MAX_RANK, &r);
  if (st) return st;
  if (x->type != OCT_FLOAT32 && x->type != OCT_INT32 && x->type != OCT_INT64)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "Expand of %s is not supported",
                         oct_dtype_name(x->type));
  oct_onnx_value ones;
  memset(&ones, 0, sizeof ones);
  ones.name = n->name;
  ones.type = x->type;
  ones.rank = r;
  ones.t_onnx = ones.t_nhwc = -1;
  ones.producer = -1;
  ones.defined = ones.is_const = 1;
  for (int k = 0; k < r; k++) {
    if (sh[k] < 1 || sh[k] > INT32_MAX)
      return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "shape value %lld", (long long)sh[k]);
    const int xk = k - (r - x->rank);
    const int32_t xd = xk >= 0 ? x->dims[xk] : 1;
    ones.dims[k] = xd == 1 ? (int32_t)sh[k] : 1;
  }
  oct_onnx_value *v[2] = {x, &ones};
  int orank;
  int32_t odims[OCT_MAX_RANK];
  if ((st = oct_onnx_broadcast(c, 2, v, &orank, odims))) return st;
  if (orank == x->rank && !memcmp(odims, x->dims, (size_t)orank * sizeof *odims))
    return n->out[0] ? oct_onnx_define_alias(c, n->out[0], x) : OCT_OK;
  const int64_t cnt = oct_onnx_elems(r, ones.dims);
  if (cnt > OCT_ONNX_FOLD_MAX_ELEMS) return oct_onnx_fail(c, OCT_ERR_LIMIT, "Expand is too large");
  ones.bytes = (size_t)cnt * oct_dtype_size(x->type);
  if (!(ones.data = malloc(ones.bytes ? ones.bytes : 1)))
    return oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
  for (int64_t i = 0; i < cnt; i++) oct_onnx_set_i(x->type, ones.data, i, 1);
  st = chain(c, OCT_OP_MUL, v, 2, n->out[0]);
  free(ones.data);
  return st;
}

OCT_ONNX_HANDLER(oct_onnx_erf) {
  return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED,
                       "Erf has no TFLite builtin; octet converts it only inside the exact GELU "
                       "pattern x * 0.5 * (1 + erf(x / sqrt(2)))");
}

/* The final Mul of a GELU pattern (onnx_pattern.c found it). */
OCT_ONNX_HANDLER(oct_onnx_gelu) {
  oct_onnx_value *x = &c->vals[c->pat_arg[n->index]];
  const int nhwc = oct_onnx_prefers_nhwc(x);
  const int in = oct_onnx_tensor(c, x, nhwc);
  if (in < 0) return c->last;
  if (!n->out[0]) return OCT_OK;
  const int out = oct_onnx_define(c, n->out[0], x->type, x->rank, x->dims, nhwc);
  if (out < 0) return c->last;
  oct_ir_op *op = emit2(c, OCT_OP_GELU, in, -1, out);
  if (!op) return c->last;
  op->opts.gelu.approximate = 0;
  return OCT_OK;
}

OCT_ONNX_HANDLER(oct_onnx_cast) {
  int64_t to;
  oct_status st = oct_onnx_attr_int(c, n, "to", 0, &to);
  if (st) return st;
  oct_dtype type;
  if (!oct_onnx_dtype((int32_t)to, &type))
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "cast to data type %s is not supported",
                         oct_onnx_dtype_name((int32_t)to));
  oct_onnx_value *x = n->n_in > 0 ? n->in[0] : NULL;
  if (!x) return oct_onnx_fail(c, OCT_ERR_MODEL, "needs an input");
  if (!n->out[0]) return OCT_OK;
  if (type == x->type) return oct_onnx_define_alias(c, n->out[0], x);
  const int nhwc = oct_onnx_prefers_nhwc(x);
  const int in = oct_onnx_tensor(c, x, nhwc);
  if (in < 0) return c->last;
  const int out = oct_onnx_define(c, n->out[0], type, x->rank, x->dims, nhwc);
  if (out < 0) return c->last;
  oct_ir_op *op = emit2(c, OCT_OP_CAST, in, -1, out);
  if (!op) return c->last;
  op->opts.cast.in_type = x->type;
  op->opts.cast.out_type = type;
  return OCT_OK;
}

OCT_ONNX_HANDLER(oct_onnx_identity) {
  const int dropout = !strcmp(n->op, "Dropout");
  if (dropout && n->n_in > 2 && n->in[2]) {
    const oct_onnx_value *tm = n->in[2];
    if (!tm->is_const || oct_onnx_elems(tm->rank, tm->dims) != 1 || oct_onnx_get_i(tm, 0))
      return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "training_mode must be a constant false");
  }
  if (dropout && n->n_out > 1 && n->out[1] && n->n_in > 0 && n->in[0]) {
    /* at inference the mask keeps everything: a constant of trues */
    const oct_onnx_value *x = n->in[0];
    const int64_t cnt = oct_onnx_elems(x->rank, x->dims);
    if (cnt > OCT_ONNX_FOLD_MAX_ELEMS)
      return oct_onnx_fail(c, OCT_ERR_LIMIT, "the mask output is too large");
    uint8_t *ones = malloc((size_t)(cnt ? cnt : 1));
    if (!ones) return oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
    memset(ones, 1, (size_t)(cnt ? cnt : 1));
    const oct_status st = oct_onnx_define_const(c, n->out[1], OCT_BOOL, x->rank, x->dims, ones);
    if (st) return st;
  }
  if (!n->n_out || !n->out[0]) return OCT_OK;
  return unary_op(c, n, dropout ? OCT_IR_DROPOUT : OCT_IR_IDENTITY, NULL) < 0 ? c->last : OCT_OK;
}
