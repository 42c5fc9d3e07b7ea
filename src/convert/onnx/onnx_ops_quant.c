/*
 * QuantizeLinear and DequantizeLinear (opsets 10 to 17; per tensor, and per
 * axis from opset 13; int8, uint8 and, for DequantizeLinear, int32).
 *
 * Three cases, by what the input is:
 *  - a constant: evaluated here (ONNX semantics: QuantizeLinear rounds half
 *    to even and saturates). A DequantizeLinear of integer weights gives a
 *    float constant on the integer grid, which the int8 quantizer recovers
 *    exactly (src/quant/quant_full.c, weights on a grid).
 *  - DequantizeLinear(QuantizeLinear(x)) with the same parameters, x an
 *    activation (a fake-quantized tensor, as QAT and QDQ exports write it):
 *    the pair is not emitted. x keeps flowing in float and its IR tensor
 *    records the trainer's scale and zero point (oct_ir_quant, count 1 on a
 *    float tensor, zero point moved to int8) and the matching range. The
 *    int8 quantizer then uses exactly those parameters; a float conversion
 *    runs without the fake quantization.
 *  - otherwise: a real QUANTIZE / DEQUANTIZE op on an integer tensor.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx_internal.h"

typedef struct qparams {
  int count;          /* 1: per tensor */
  int axis;           /* ONNX axis (per axis) */
  float *scale;       /* count entries (malloc) */
  int64_t *zp;        /* count entries (malloc) */
  oct_dtype type;     /* integer type: the zero point's, or the input's */
} qparams;

static void qp_free(qparams *p) {
  free(p->scale);
  free(p->zp);
}

static oct_status read_qparams(oct_onnx_ctx *c, const oct_onnx_node *n, int rank,
                               oct_dtype int_type, qparams *p) {
  memset(p, 0, sizeof *p);
  const oct_onnx_value *s = n->n_in > 1 ? n->in[1] : NULL;
  const oct_onnx_value *z = n->n_in > 2 ? n->in[2] : NULL;
  if (!s) return oct_onnx_fail(c, OCT_ERR_MODEL, "needs a scale");
  if (!s->is_const || (z && !z->is_const))
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "scale and zero point must be constant");
  if (s->type != OCT_FLOAT32)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "scale is %s; only float32 is supported",
                         oct_dtype_name(s->type));
  const int64_t ns = oct_onnx_elems(s->rank, s->dims);
  if (s->rank > 1 || ns < 1)
    return oct_onnx_fail(c, OCT_ERR_MODEL, "scale must be a scalar or a 1-D tensor");
  if (z && (z->rank != s->rank || oct_onnx_elems(z->rank, z->dims) != ns))
    return oct_onnx_fail(c, OCT_ERR_MODEL, "zero point and scale differ in shape");
  p->type = z ? z->type : int_type;
  if (p->type != OCT_INT8 && p->type != OCT_UINT8 && p->type != OCT_INT32)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "quantized type %s is not supported",
                         oct_dtype_name(p->type));
  int64_t axis = 1;
  oct_status st = n->p ? oct_onnx_attr_int(c, n, "axis", 1, &axis) : OCT_OK;
  if (st) return st;
  p->count = (int)ns;
  if (s->rank == 1 && ns > 1) {
    p->axis = oct_onnx_norm_axis(axis, rank);
    if (p->axis < 0) return oct_onnx_fail(c, OCT_ERR_MODEL, "axis %lld is out of range", (long long)axis);
  }
  p->scale = malloc((size_t)ns * sizeof *p->scale);
  p->zp = calloc((size_t)ns, sizeof *p->zp);
  if (!p->scale || !p->zp) {
    qp_free(p);
    return oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
  }
  for (int64_t i = 0; i < ns; i++) {
    p->scale[i] = (float)oct_onnx_get_f(s, i);
    if (z) p->zp[i] = oct_onnx_get_i(z, i);
    if (!(p->scale[i] > 0) || !isfinite(p->scale[i])) {
      qp_free(p);
      return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "scale %g is not positive and finite",
                           (double)oct_onnx_get_f(s, i));
    }
  }
  return OCT_OK;
}

static void type_range(oct_dtype t, double *lo, double *hi) {
  *lo = t == OCT_UINT8 ? 0 : t == OCT_INT8 ? -128 : -2147483648.0;
  *hi = t == OCT_UINT8 ? 255 : t == OCT_INT8 ? 127 : 2147483647.0;
}

/* Channel of element i for per-axis parameters (0 per tensor). */
static int64_t channel_of(const qparams *p, const oct_onnx_value *x, int64_t i) {
  if (p->count == 1) return 0;
  int64_t inner = 1;
  for (int k = p->axis + 1; k < x->rank; k++) inner *= x->dims[k];
  return (i / inner) % p->count;
}

static oct_status check_axis(oct_onnx_ctx *c, const qparams *p, const oct_onnx_value *x) {
  if (p->count > 1 && (x->rank <= p->axis || x->dims[p->axis] != p->count))
    return oct_onnx_fail(c, OCT_ERR_MODEL, "%d scales do not match axis %d of the input",
                         p->count, p->axis);
  return OCT_OK;
}

/* The QuantizeLinear node that wrote value v, or NULL. */
static const Onnx__NodeProto *quantize_producer(oct_onnx_ctx *c, const oct_onnx_value *v) {
  if (v->producer < 0) return NULL;
  const Onnx__NodeProto *p = c->graph->node[v->producer];
  return p->op_type && !strcmp(p->op_type, "QuantizeLinear") ? p : NULL;
}

/* Whether two nodes name the same (constant) scale and zero point. */
static int same_params(oct_onnx_ctx *c, const Onnx__NodeProto *a, const oct_onnx_node *b) {
  for (int k = 1; k <= 2; k++) {
    const oct_onnx_value *va = (size_t)k < a->n_input && a->input[k][0] ? oct_onnx_find(c, a->input[k]) : NULL;
    const oct_onnx_value *vb = k < b->n_in ? b->in[k] : NULL;
    if (!va && !vb) continue;
    if (!va || !vb) {
      /* an absent zero point is 0 */
      const oct_onnx_value *v = va ? va : vb;
      if (k == 1 || !v->is_const) return 0;
      for (int64_t i = 0; i < oct_onnx_elems(v->rank, v->dims); i++)
        if (oct_onnx_get_i(v, i)) return 0;
      continue;
    }
    if (va == vb) continue;
    if (!va->is_const || !vb->is_const || va->rank != vb->rank) return 0;
    const int64_t ne = oct_onnx_elems(va->rank, va->dims);
    if (ne != oct_onnx_elems(vb->rank, vb->dims)) return 0;
    for (int64_t i = 0; i < ne; i++)
      if (oct_onnx_get_f(va, i) != oct_onnx_get_f(vb, i)) return 0;
  }
  /* per-axis pairs on activations are not folded; the axis must agree anyway */
  return 1;
}

/* Records fixed int8 parameters on every IR tensor holding value x. */
static oct_status mark_fixed(oct_onnx_ctx *c, const oct_onnx_value *x, const qparams *p) {
  const int64_t zp8 = p->type == OCT_UINT8 ? p->zp[0] - 128 : p->zp[0];
  const int ts[2] = {x->t_onnx, x->t_nhwc};
  for (int k = 0; k < 2; k++) {
    const int t = ts[k];
    if (t < 0 || (k == 1 && t == ts[0])) continue;
    oct_ir_tensor *it = &c->g->tensors[t];
    if (it->q.count) continue; /* a second pair on the same tensor: the first wins */
    if (oct_ir_set_quant(c->g, t, 1, p->scale, &zp8, 0))
      return oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
    it = &c->g->tensors[t];
    it->q.has_range = 1;
    it->q.min = (float)((-128.0 - (double)zp8) * p->scale[0]);
    it->q.max = (float)((127.0 - (double)zp8) * p->scale[0]);
  }
  return OCT_OK;
}

static oct_status set_ir_quant(oct_onnx_ctx *c, int t, const qparams *p, int rank, int nhwc) {
  const int axis = p->count > 1 ? oct_onnx_ir_axis(rank, p->axis, nhwc) : 0;
  if (oct_ir_set_quant(c->g, t, p->count, p->scale, p->zp, axis))
    return oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
  return OCT_OK;
}

OCT_ONNX_HANDLER(oct_onnx_quantize_linear) {
  oct_onnx_value *x = n->in[0];
  if (x->type != OCT_FLOAT32)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "input is %s; only float32 is supported",
                         oct_dtype_name(x->type));
  qparams p;
  oct_status st = read_qparams(c, n, x->rank, OCT_UINT8, &p);
  if (st) return st;
  if (p.type == OCT_INT32) st = oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "int32 output is not supported");
  if (!st) st = check_axis(c, &p, x);
  if (st || !n->out[0]) goto done;
  double lo, hi;
  type_range(p.type, &lo, &hi);
  if (x->is_const) {
    const int64_t ne = oct_onnx_elems(x->rank, x->dims);
    void *d = malloc(ne ? (size_t)ne : 1);
    if (!d) {
      st = oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
      goto done;
    }
    for (int64_t i = 0; i < ne; i++) {
      const int64_t ch = channel_of(&p, x, i);
      /* ONNX: saturate(round_half_to_even(x / scale) + zero_point) */
      double v = nearbyint((double)((float)oct_onnx_get_f(x, i) / p.scale[ch])) + (double)p.zp[ch];
      if (isnan(v)) {
        free(d);
        st = oct_onnx_fail(c, OCT_ERR_MODEL, "constant input '%s' holds NaN at element %lld",
                           x->name ? x->name : "", (long long)i);
        goto done;
      }
      v = v < lo ? lo : v > hi ? hi : v;
      oct_onnx_set_i(p.type, d, i, (int64_t)v);
    }
    st = oct_onnx_define_const(c, n->out[0], p.type, x->rank, x->dims, d);
    goto done;
  }
  if (p.count > 1) {
    st = oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "per-axis quantization of an activation");
    goto done;
  }
  const int nhwc = oct_onnx_prefers_nhwc(x);
  const int in = oct_onnx_tensor(c, x, nhwc);
  if (in < 0) {
    st = c->last;
    goto done;
  }
  const int out = oct_onnx_define(c, n->out[0], p.type, x->rank, x->dims, nhwc);
  if (out < 0 || (st = set_ir_quant(c, out, &p, x->rank, nhwc))) {
    st = st ? st : c->last;
    goto done;
  }
  if (!oct_onnx_op(c, OCT_OP_QUANTIZE, 1, &in, 1, &out)) st = c->last;
done:
  qp_free(&p);
  return st;
}

OCT_ONNX_HANDLER(oct_onnx_dequantize_linear) {
  oct_onnx_value *x = n->in[0];
  if (x->type != OCT_INT8 && x->type != OCT_UINT8 && x->type != OCT_INT32)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "input is %s; int8, uint8 or int32 expected",
                         oct_dtype_name(x->type));
  qparams p;
  oct_status st = read_qparams(c, n, x->rank, x->type, &p);
  if (st) return st;
  if (p.type != x->type)
    st = oct_onnx_fail(c, OCT_ERR_MODEL, "zero point is %s, input %s", oct_dtype_name(p.type),
                       oct_dtype_name(x->type));
  if (!st) st = check_axis(c, &p, x);
  if (st || !n->out[0]) goto done;
  if (x->is_const) {
    const int64_t ne = oct_onnx_elems(x->rank, x->dims);
    float *d = malloc((ne ? (size_t)ne : 1) * sizeof *d);
    if (!d) {
      st = oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
      goto done;
    }
    for (int64_t i = 0; i < ne; i++) {
      const int64_t ch = channel_of(&p, x, i);
      d[i] = (float)(oct_onnx_get_i(x, i) - p.zp[ch]) * p.scale[ch];
    }
    st = oct_onnx_define_const(c, n->out[0], OCT_FLOAT32, x->rank, x->dims, d);
    goto done;
  }
  const Onnx__NodeProto *q = quantize_producer(c, x);
  if (q && p.count == 1 && p.type != OCT_INT32 && q->n_input > 0 && same_params(c, q, n)) {
    oct_onnx_value *src = oct_onnx_find(c, q->input[0]);
    if (src && src->defined && !src->is_const && src->type == OCT_FLOAT32) {
      if (!(st = mark_fixed(c, src, &p))) st = oct_onnx_define_alias(c, n->out[0], src);
      goto done;
    }
  }
  /* Per-axis integers stay in ONNX order (no int8 transpose of them);
   * per-tensor parameters go on every tensor holding x first, so that a
   * layout transpose made now carries them too. */
  const int nhwc = p.count == 1 && oct_onnx_prefers_nhwc(x);
  const int have[2] = {x->t_onnx, x->t_nhwc};
  for (int k = 0; k < 2 && p.count == 1; k++)
    if (have[k] >= 0 && !c->g->tensors[have[k]].q.count &&
        (st = set_ir_quant(c, have[k], &p, x->rank, k == 1)))
      goto done;
  const int in = oct_onnx_tensor(c, x, nhwc);
  if (in < 0) {
    st = c->last;
    goto done;
  }
  const oct_ir_tensor *it = &c->g->tensors[in];
  if (!it->q.count && (st = set_ir_quant(c, in, &p, x->rank, nhwc))) goto done;
  const int out = oct_onnx_define(c, n->out[0], OCT_FLOAT32, x->rank, x->dims, nhwc);
  if (out < 0 || !oct_onnx_op(c, OCT_OP_DEQUANTIZE, 1, &in, 1, &out)) st = c->last;
done:
  qp_free(&p);
  return st;
}

/* ---- QLinearConv, QLinearMatMul, ConvInteger, MatMulInteger ----
 * Lowered to float: each integer operand is dequantized (a constant on the
 * host, per axis allowed; an activation by a per-tensor DEQUANTIZE), the
 * float Conv / MatMul handler does the math, and the result is quantized
 * (QLinear*: QUANTIZE with the output's parameters) or cast to int32 (the
 * *Integer ops' raw accumulator, exact in float while it stays below 2^24
 * in magnitude). */

typedef struct lowered {
  oct_onnx_value v;
  char name[200];
} lowered;

/* A dequantized copy of integer operand x with scale s (NULL: 1) and zero
 * point z (NULL: 0) along `axis` (per-axis constants only). */
static oct_status dequant_operand(oct_onnx_ctx *c, oct_onnx_value *x, const oct_onnx_value *s,
                                  const oct_onnx_value *z, int axis, const char *tag,
                                  lowered *out) {
  memset(out, 0, sizeof *out);
  snprintf(out->name, sizeof out->name, "%s/%s_float", c->cur ? c->cur->name : "q", tag);
  out->v.name = out->name;
  out->v.t_onnx = out->v.t_nhwc = -1;
  out->v.producer = -1;
  if (x->type != OCT_INT8 && x->type != OCT_UINT8 && x->type != OCT_INT32)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "%s is %s; int8 or uint8 expected", tag,
                         oct_dtype_name(x->type));
  if ((s && !s->is_const) || (z && !z->is_const))
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "scale and zero point must be constant");
  const int64_t ns = s ? oct_onnx_elems(s->rank, s->dims) : 1;
  const int64_t nz = z ? oct_onnx_elems(z->rank, z->dims) : 1;
  const int64_t cnt = ns > nz ? ns : nz;
  if ((ns != 1 && ns != cnt) || (nz != 1 && nz != cnt))
    return oct_onnx_fail(c, OCT_ERR_MODEL, "%s: scale and zero point sizes differ", tag);
  if (cnt > 1 && (axis >= x->rank || x->dims[axis] != cnt))
    return oct_onnx_fail(c, OCT_ERR_MODEL, "%s: %lld scales do not match its axis %d", tag,
                         (long long)cnt, axis);
  if (x->is_const) {
    const int64_t ne = oct_onnx_elems(x->rank, x->dims);
    int64_t inner = 1;
    for (int k = axis + 1; cnt > 1 && k < x->rank; k++) inner *= x->dims[k];
    float *d = malloc((ne ? (size_t)ne : 1) * sizeof *d);
    if (!d) return oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
    for (int64_t i = 0; i < ne; i++) {
      const int64_t ch = cnt > 1 ? (i / inner) % cnt : 0;
      const double sc = s ? oct_onnx_get_f(s, ns > 1 ? ch : 0) : 1.0;
      const int64_t zp = z ? oct_onnx_get_i(z, nz > 1 ? ch : 0) : 0;
      d[i] = (float)((double)(oct_onnx_get_i(x, i) - zp) * sc);
    }
    out->v.type = OCT_FLOAT32;
    out->v.rank = x->rank;
    memcpy(out->v.dims, x->dims, sizeof out->v.dims);
    out->v.data = d;
    out->v.bytes = (size_t)ne * sizeof *d;
    out->v.is_const = out->v.defined = 1;
    return OCT_OK;
  }
  if (cnt > 1)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "%s: per-axis parameters on an activation", tag);
  qparams p;
  memset(&p, 0, sizeof p);
  p.count = 1;
  p.type = x->type;
  float sc = s ? (float)oct_onnx_get_f(s, 0) : 1.0f;
  int64_t zp = z ? oct_onnx_get_i(z, 0) : 0;
  p.scale = &sc;
  p.zp = &zp;
  const int nhwc = oct_onnx_prefers_nhwc(x);
  const int in = oct_onnx_tensor(c, x, nhwc);
  if (in < 0) return c->last;
  const oct_ir_quant *q = &c->g->tensors[in].q;
  if (q->count && (q->scale[0] != sc || q->zero_point[0] != zp)) {
    /* the tensor already has other parameters (a second reader) */
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "%s is read with two different parameters", tag);
  }
  oct_status st = q->count ? OCT_OK : set_ir_quant(c, in, &p, x->rank, nhwc);
  if (st) return st;
  const int t = oct_onnx_define(c, &out->v, OCT_FLOAT32, x->rank, x->dims, nhwc);
  if (t < 0 || !oct_onnx_op(c, OCT_OP_DEQUANTIZE, 1, &in, 1, &t)) return c->last;
  return OCT_OK;
}

static oct_onnx_value *opt_in(const oct_onnx_node *n, int k) {
  return k < n->n_in ? n->in[k] : NULL;
}

OCT_ONNX_HANDLER(oct_onnx_qlinear) {
  const int conv = strstr(n->op, "Conv") != NULL;
  const int qlinear = !strncmp(n->op, "QLinear", 7);
  /* operand slots: x, x_scale, x_zp, w, w_scale, w_zp (-1: absent) */
  int sx = 0, ss = -1, sz = -1, sw = 1, sws = -1, swz = -1;
  if (qlinear) {
    ss = 1, sz = 2, sw = 3, sws = 4, swz = 5;
  } else {
    sz = 2, swz = 3;
  }
  oct_onnx_value *x = opt_in(n, sx), *w = opt_in(n, sw);
  if (!x || !w) return oct_onnx_fail(c, OCT_ERR_MODEL, "needs two operands");
  if (conv && !w->is_const)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "weights '%s' must be constant", w->name);
  lowered lx, lw, lb, ly;
  memset(&lx, 0, sizeof lx);
  memset(&lw, 0, sizeof lw);
  memset(&lb, 0, sizeof lb);
  memset(&ly, 0, sizeof ly);
  oct_status st = dequant_operand(c, x, ss >= 0 ? opt_in(n, ss) : NULL,
                                  sz >= 0 ? opt_in(n, sz) : NULL, 0, "x", &lx);
  /* per-axis weights: output channels (Conv axis 0, MatMul B axis 1) */
  const int waxis = conv ? 0 : w->rank - 1;
  if (!st) st = dequant_operand(c, w, sws >= 0 ? opt_in(n, sws) : NULL,
                                swz >= 0 ? opt_in(n, swz) : NULL, waxis, "w", &lw);
  oct_onnx_value *bias = conv && qlinear ? opt_in(n, 8) : NULL;
  if (!st && bias) {
    /* int32 bias in units of x_scale * w_scale[c] */
    const oct_onnx_value *xs = opt_in(n, 1), *ws = opt_in(n, 4);
    if (!bias->is_const || bias->type != OCT_INT32 || bias->rank != 1)
      st = oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "bias must be a constant 1-D int32");
    else {
      const int64_t nb = bias->dims[0], nws = oct_onnx_elems(ws->rank, ws->dims);
      float *d = malloc((nb ? (size_t)nb : 1) * sizeof *d);
      if (!d) st = oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
      for (int64_t i = 0; !st && i < nb; i++)
        d[i] = (float)((double)oct_onnx_get_i(bias, i) * oct_onnx_get_f(xs, 0) *
                       oct_onnx_get_f(ws, nws > 1 ? i : 0));
      if (!st) {
        snprintf(lb.name, sizeof lb.name, "%s/bias_float", n->name);
        lb.v.name = lb.name;
        lb.v.t_onnx = lb.v.t_nhwc = lb.v.producer = -1;
        lb.v.type = OCT_FLOAT32;
        lb.v.rank = 1;
        lb.v.dims[0] = (int32_t)nb;
        lb.v.data = d;
        lb.v.bytes = (size_t)nb * sizeof *d;
        lb.v.is_const = lb.v.defined = 1;
      }
    }
  }
  if (!st) {
    snprintf(ly.name, sizeof ly.name, "%s/float", n->name);
    ly.v.name = ly.name;
    ly.v.t_onnx = ly.v.t_nhwc = ly.v.producer = -1;
    oct_onnx_value *ins[3] = {&lx.v, &lw.v, bias ? &lb.v : NULL};
    oct_onnx_value *outs[1] = {&ly.v};
    oct_onnx_node fn = *n;
    fn.in = ins;
    fn.n_in = bias ? 3 : 2;
    fn.out = outs;
    fn.n_out = 1;
    st = conv ? oct_onnx_conv(c, &fn) : oct_onnx_matmul(c, &fn);
  }
  if (!st && n->out[0]) {
    const int nhwc = oct_onnx_prefers_nhwc(&ly.v);
    const int yf = oct_onnx_tensor(c, &ly.v, nhwc);
    if (yf < 0) {
      st = c->last;
    } else if (qlinear) {
      qparams p;
      oct_onnx_node qn = *n;
      oct_onnx_value *qin[3] = {&ly.v, opt_in(n, 6), opt_in(n, 7)};
      qn.in = qin;
      qn.n_in = 3;
      qn.p = NULL;
      st = qin[1] ? OCT_OK : oct_onnx_fail(c, OCT_ERR_MODEL, "needs y_scale");
      if (!st) st = read_qparams(c, &qn, ly.v.rank, OCT_UINT8, &p);
      if (!st) {
        const int out = oct_onnx_define(c, n->out[0], p.type, ly.v.rank, ly.v.dims, nhwc);
        if (out < 0 || (st = set_ir_quant(c, out, &p, ly.v.rank, nhwc))) st = st ? st : c->last;
        else if (!oct_onnx_op(c, OCT_OP_QUANTIZE, 1, &yf, 1, &out)) st = c->last;
        qp_free(&p);
      }
    } else {
      const int out = oct_onnx_define(c, n->out[0], OCT_INT32, ly.v.rank, ly.v.dims, nhwc);
      oct_ir_op *op = out < 0 ? NULL : oct_onnx_op(c, OCT_OP_CAST, 1, &yf, 1, &out);
      if (!op) st = c->last;
      else {
        op->opts.cast.in_type = OCT_FLOAT32;
        op->opts.cast.out_type = OCT_INT32;
      }
    }
  }
  free(lx.v.data);
  free(lw.v.data);
  free(lb.v.data);
  return st;
}
