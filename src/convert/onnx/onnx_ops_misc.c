/*
 * Gemm, MatMul, Softmax/LogSoftmax, BatchNormalization, ReduceMean/Sum/Max
 * and Resize/Upsample.
 *
 * Gemm and MatMul with a constant right-hand side become FULLY_CONNECTED
 * (weights [O,I], alpha folded in, a row-vector C as the bias); anything
 * else becomes BATCH_MATMUL plus MUL/ADD. Resize is accepted only when one
 * of TFLite's resize flavours computes exactly the same sampling; for
 * nearest neighbour that is checked index by index.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "onnx_internal.h"

static oct_onnx_value *input(const oct_onnx_node *n, int i) {
  return i < n->n_in ? n->in[i] : NULL;
}

static int tmp_like(oct_onnx_ctx *c, int t, const char *tag) {
  const oct_ir_tensor *x = &c->g->tensors[t];
  int32_t d[OCT_MAX_RANK];
  memcpy(d, x->dims, sizeof d);
  return oct_onnx_tmp(c, x->type, x->rank, d, tag);
}

/* ---- Gemm, MatMul ---- */
/* FULLY_CONNECTED(a, weights w [N,K], bias [N]) -> out. */
static oct_status emit_fc(oct_onnx_ctx *c, int a, const float *w, int32_t N, int32_t K,
                          const float *bias, int keep_dims, int out) {
  const int32_t wd[2] = {N, K};
  float *zero = NULL;
  if (!bias && !(bias = zero = calloc((size_t)N, sizeof *zero)))
    return oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
  const int ins[3] = {a, oct_onnx_const(c, OCT_FLOAT32, 2, wd, w, "weights"),
                      oct_onnx_const(c, OCT_FLOAT32, 1, &N, bias, "bias")};
  free(zero);
  if (ins[1] < 0 || ins[2] < 0) return c->last;
  oct_ir_op *op = oct_onnx_op(c, OCT_OP_FULLY_CONNECTED, 3, ins, 1, &out);
  if (!op) return c->last;
  op->opts.fc.keep_num_dims = keep_dims;
  return OCT_OK;
}

OCT_ONNX_HANDLER(oct_onnx_gemm) {
  oct_onnx_value *A = input(n, 0), *B = input(n, 1), *C = input(n, 2);
  if (!A || !B) return oct_onnx_fail(c, OCT_ERR_MODEL, "needs A and B");
  float alpha, beta;
  int64_t ta, tb;
  oct_status st = oct_onnx_attr_float(c, n, "alpha", 1, &alpha);
  if (!st) st = oct_onnx_attr_float(c, n, "beta", 1, &beta);
  if (!st) st = oct_onnx_attr_int(c, n, "transA", 0, &ta);
  if (!st) st = oct_onnx_attr_int(c, n, "transB", 0, &tb);
  if (st) return st;
  if (A->rank != 2 || B->rank != 2) return oct_onnx_fail(c, OCT_ERR_MODEL, "A and B must be 2-D");
  if (A->type != OCT_FLOAT32 || B->type != OCT_FLOAT32)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "only float32 is supported");
  const int32_t M = A->dims[ta ? 1 : 0], K = A->dims[ta ? 0 : 1];
  const int32_t K2 = B->dims[tb ? 1 : 0], N = B->dims[tb ? 0 : 1];
  if (K != K2) return oct_onnx_fail(c, OCT_ERR_SHAPE, "A has %d columns, B %d rows", (int)K, (int)K2);
  if (beta == 0) C = NULL;
  const int64_t cn = C ? oct_onnx_elems(C->rank, C->dims) : 0;
  if (C && (C->rank > 2 || (C->rank >= 1 && C->dims[C->rank - 1] != N && C->dims[C->rank - 1] != 1) ||
            (C->rank == 2 && C->dims[0] != M && C->dims[0] != 1)))
    return oct_onnx_fail(c, OCT_ERR_SHAPE, "C does not broadcast to [%d,%d]", (int)M, (int)N);
  if (C && C->type != OCT_FLOAT32) return oct_onnx_fail(c, OCT_ERR_TYPE, "C must be float32");
  /* C as the FC bias when it is a constant row (same for every row of A) */
  const int row = C && C->is_const && (C->rank < 2 || C->dims[0] == 1);
  if (!n->out[0]) return OCT_OK;
  int a = oct_onnx_tensor(c, A, 0);
  if (a < 0) return c->last;
  const int32_t yd[2] = {M, N};
  const int need_add = C && (!row || !B->is_const);
  const int y = oct_onnx_define(c, n->out[0], OCT_FLOAT32, 2, yd, 0);
  const int mm = need_add || (!B->is_const && alpha != 1) ? oct_onnx_tmp(c, OCT_FLOAT32, 2, yd, "matmul") : y;
  if (y < 0 || mm < 0) return c->last;
  if (B->is_const) {
    if (ta) { /* FULLY_CONNECTED needs A as [M, K] */
      const int32_t td[2] = {M, K};
      const int at = oct_onnx_tmp(c, OCT_FLOAT32, 2, td, "A_t");
      static const int swap[2] = {1, 0};
      if (at < 0 || oct_onnx_emit_transpose(c, a, swap, at)) return c->last;
      a = at;
    }
    float *b = NULL, *w = malloc((size_t)N * (size_t)K * sizeof *w), *bias = NULL;
    if (!w) return oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
    if ((st = oct_onnx_const_floats(c, B, "B", &b))) {
      free(w);
      return st;
    }
    for (int32_t i = 0; i < N; i++) /* w[i][k] = alpha * B'[k][i] */
      for (int32_t k = 0; k < K; k++)
        w[(size_t)i * K + k] = alpha * (tb ? b[(size_t)i * K + k] : b[(size_t)k * N + i]);
    if (row && !(bias = malloc((size_t)N * sizeof *bias))) st = oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
    for (int32_t i = 0; row && !st && i < N; i++)
      bias[i] = beta * (float)oct_onnx_get_f(C, cn == 1 ? 0 : i);
    if (!st) st = emit_fc(c, a, w, N, K, bias, 0, mm);
    free(b);
    free(w);
    free(bias);
    if (st) return st;
  } else {
    const int ins[2] = {a, oct_onnx_tensor(c, B, 0)};
    if (ins[1] < 0) return c->last;
    const int out = alpha != 1 ? tmp_like(c, mm, "scaled") : mm;
    oct_ir_op *op = out < 0 ? NULL : oct_onnx_op(c, OCT_OP_BATCH_MATMUL, 2, ins, 1, &out);
    if (!op) return c->last;
    op->opts.batch_matmul.adj_x = (int)ta;
    op->opts.batch_matmul.adj_y = (int)tb;
    if (alpha != 1) {
      const int s[2] = {out, oct_onnx_scalar(c, OCT_FLOAT32, alpha, "alpha")};
      if (s[1] < 0 || !oct_onnx_op(c, OCT_OP_MUL, 2, s, 1, &mm)) return c->last;
    }
  }
  if (!need_add) return OCT_OK;
  int ct;
  if (C->is_const) {
    float *cf;
    if ((st = oct_onnx_const_floats(c, C, "C", &cf))) return st;
    for (int64_t i = 0; i < cn; i++) cf[i] *= beta;
    ct = oct_onnx_const(c, OCT_FLOAT32, C->rank, C->dims, cf, "C");
    free(cf);
  } else {
    ct = oct_onnx_tensor(c, C, 0);
    if (ct >= 0 && beta != 1) {
      const int sc = tmp_like(c, ct, "C_scaled");
      const int s[2] = {ct, oct_onnx_scalar(c, OCT_FLOAT32, beta, "beta")};
      if (sc < 0 || s[1] < 0 || !oct_onnx_op(c, OCT_OP_MUL, 2, s, 1, &sc)) return c->last;
      ct = sc;
    }
  }
  const int s[2] = {mm, ct};
  oct_ir_op *add = ct < 0 ? NULL : oct_onnx_op(c, OCT_OP_ADD, 2, s, 1, &y);
  if (!add) return c->last;
  add->opts.arith.pot_scale_int16 = 1;
  return OCT_OK;
}

OCT_ONNX_HANDLER(oct_onnx_matmul) {
  oct_onnx_value *A = input(n, 0), *B = input(n, 1);
  if (!A || !B) return oct_onnx_fail(c, OCT_ERR_MODEL, "needs two inputs");
  if (A->type != B->type) return oct_onnx_fail(c, OCT_ERR_TYPE, "inputs differ in type");
  if (A->rank < 1 || B->rank < 1) return oct_onnx_fail(c, OCT_ERR_MODEL, "inputs must not be scalars");
  const int32_t K = A->dims[A->rank - 1];
  if (B->is_const && B->rank == 2 && A->type == OCT_FLOAT32) {
    const int32_t N = B->dims[1];
    if (B->dims[0] != K) return oct_onnx_fail(c, OCT_ERR_SHAPE, "inner dimensions differ");
    int32_t yd[OCT_MAX_RANK];
    memcpy(yd, A->dims, sizeof yd);
    yd[A->rank - 1] = N;
    const int a = oct_onnx_tensor(c, A, 0);
    if (a < 0 || !n->out[0]) return a < 0 ? c->last : OCT_OK;
    const int y = oct_onnx_define(c, n->out[0], A->type, A->rank, yd, 0);
    if (y < 0) return c->last;
    float *b = NULL, *w = malloc((size_t)N * (size_t)K * sizeof *w);
    oct_status st = w ? oct_onnx_const_floats(c, B, "B", &b)
                      : oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
    for (int32_t i = 0; !st && i < N; i++)
      for (int32_t k = 0; k < K; k++) w[(size_t)i * K + k] = b[(size_t)k * N + i];
    if (!st) st = emit_fc(c, a, w, N, K, NULL, A->rank != 2, y);
    free(w);
    free(b);
    return st;
  }
  if (A->rank < 2 || B->rank < 2)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "1-D operands need a constant 2-D B");
  if (B->dims[B->rank - 2] != K) return oct_onnx_fail(c, OCT_ERR_SHAPE, "inner dimensions differ");
  /* batch dims broadcast */
  oct_onnx_value ab = *A, bb = *B;
  ab.rank = A->rank - 2;
  bb.rank = B->rank - 2;
  oct_onnx_value *v[2] = {&ab, &bb};
  int rank;
  int32_t yd[OCT_MAX_RANK];
  oct_status st = oct_onnx_broadcast(c, 2, v, &rank, yd);
  if (st) return st;
  yd[rank] = A->dims[A->rank - 2];
  yd[rank + 1] = B->dims[B->rank - 1];
  const int ins[2] = {oct_onnx_tensor(c, A, 0), oct_onnx_tensor(c, B, 0)};
  if (ins[0] < 0 || ins[1] < 0) return c->last;
  if (!n->out[0]) return OCT_OK;
  const int y = oct_onnx_define(c, n->out[0], A->type, rank + 2, yd, 0);
  if (y < 0) return c->last;
  return oct_onnx_op(c, OCT_OP_BATCH_MATMUL, 2, ins, 1, &y) ? OCT_OK : c->last;
}

/* ---- Softmax, LogSoftmax ---- */
static oct_status emit_softmax(oct_onnx_ctx *c, int logsm, int in, int out) {
  oct_ir_op *op = oct_onnx_op(c, logsm ? OCT_OP_LOG_SOFTMAX : OCT_OP_SOFTMAX, 1, &in, 1, &out);
  if (!op) return c->last;
  if (!logsm) op->opts.softmax.beta = 1.0f;
  return OCT_OK;
}

OCT_ONNX_HANDLER(oct_onnx_softmax) {
  oct_onnx_value *x = input(n, 0);
  if (!x || x->rank < 1) return oct_onnx_fail(c, OCT_ERR_MODEL, "needs an input of rank >= 1");
  const int logsm = !strcmp(n->op, "LogSoftmax"), r = x->rank;
  int64_t a64;
  oct_status st = oct_onnx_attr_int(c, n, "axis", c->opset < 13 ? 1 : -1, &a64);
  if (st) return st;
  const int axis = oct_onnx_norm_axis(a64, r);
  if (axis < 0) return oct_onnx_fail(c, OCT_ERR_MODEL, "axis %lld is out of range", (long long)a64);
  if (x->type != OCT_FLOAT32) return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "only float32 is supported");
  if (!n->out[0]) return OCT_OK;
  /* Before opset 13 the op normalizes over all axes from `axis` on; that is
   * the single axis when the later ones are all 1. */
  int trailing_ones = 1;
  for (int k = axis + 1; k < r; k++) trailing_ones &= x->dims[k] == 1;
  const int nhwc = oct_onnx_prefers_nhwc(x);
  if (c->opset >= 13 || trailing_ones) {
    if (oct_onnx_ir_axis(r, axis, nhwc) == r - 1 || axis == r - 1) {
      const int lay = oct_onnx_ir_axis(r, axis, nhwc) == r - 1 ? nhwc : 0;
      const int in = oct_onnx_tensor(c, x, lay);
      const int out = in < 0 ? -1 : oct_onnx_define(c, n->out[0], x->type, r, x->dims, lay);
      return out < 0 ? c->last : emit_softmax(c, logsm, in, out);
    }
    /* move the axis last, normalize, move it back */
    int perm[OCT_MAX_RANK], inv[OCT_MAX_RANK], k = 0;
    int32_t td[OCT_MAX_RANK];
    for (int i = 0; i < r; i++)
      if (i != axis) perm[k++] = i;
    perm[r - 1] = axis;
    for (int i = 0; i < r; i++) {
      inv[perm[i]] = i;
      td[i] = x->dims[perm[i]];
    }
    const int in = oct_onnx_tensor(c, x, 0);
    const int t1 = oct_onnx_tmp(c, x->type, r, td, "axis_last");
    const int t2 = oct_onnx_tmp(c, x->type, r, td, "softmax");
    const int out = oct_onnx_define(c, n->out[0], x->type, r, x->dims, 0);
    if (in < 0 || t1 < 0 || t2 < 0 || out < 0 || oct_onnx_emit_transpose(c, in, perm, t1) ||
        emit_softmax(c, logsm, t1, t2) || oct_onnx_emit_transpose(c, t2, inv, out))
      return c->last;
    return OCT_OK;
  }
  /* opset < 13: coerce to 2-D [outer, inner] */
  const int32_t d2[2] = {(int32_t)oct_onnx_elems(axis, x->dims),
                         (int32_t)oct_onnx_elems(r - axis, x->dims + axis)};
  const int in = oct_onnx_tensor(c, x, 0);
  const int t1 = oct_onnx_tmp(c, x->type, 2, d2, "as_2d");
  const int t2 = oct_onnx_tmp(c, x->type, 2, d2, "softmax");
  const int out = oct_onnx_define(c, n->out[0], x->type, r, x->dims, 0);
  if (in < 0 || t1 < 0 || t2 < 0 || out < 0 || oct_onnx_emit_reshape(c, in, t1) ||
      emit_softmax(c, logsm, t1, t2) || oct_onnx_emit_reshape(c, t2, out))
    return c->last;
  return OCT_OK;
}

/* ---- BatchNormalization ---- */
OCT_ONNX_HANDLER(oct_onnx_batch_norm) {
  oct_onnx_value *x = input(n, 0);
  if (!x || n->n_in != 5) return oct_onnx_fail(c, OCT_ERR_MODEL, "needs 5 inputs");
  int64_t training = 0, spatial = 1;
  float eps;
  oct_status st = oct_onnx_attr_int(c, n, "training_mode", 0, &training);
  if (!st) st = oct_onnx_attr_int(c, n, "spatial", 1, &spatial);
  if (!st) st = oct_onnx_attr_float(c, n, "epsilon", 1e-5f, &eps);
  if (st) return st;
  if (training) return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "training_mode=1 is not supported");
  if (!spatial) return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "spatial=0 is not supported");
  if (x->rank < 2) return oct_onnx_fail(c, OCT_ERR_MODEL, "input must have rank >= 2");
  if (x->type != OCT_FLOAT32) return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "only float32 is supported");
  const int32_t C = x->dims[1];
  int ins[5];
  static const char *const names[5] = {"", "scale", "bias", "mean", "var"};
  for (int i = 1; i < 5; i++) {
    const oct_onnx_value *p = n->in[i];
    if (!p || !p->is_const || oct_onnx_elems(p->rank, p->dims) != C || p->rank != 1)
      return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "%s must be a constant of %d values", names[i],
                           (int)C);
    float *f;
    if ((st = oct_onnx_const_floats(c, p, names[i], &f))) return st;
    ins[i] = oct_onnx_const(c, OCT_FLOAT32, 1, &C, f, names[i]);
    free(f);
    if (ins[i] < 0) return c->last;
  }
  if ((ins[0] = oct_onnx_tensor(c, x, 1)) < 0) return c->last;
  if (!n->out[0]) return OCT_OK;
  const int out = oct_onnx_define(c, n->out[0], x->type, x->rank, x->dims, 1);
  oct_ir_op *op = out < 0 ? NULL : oct_onnx_op(c, OCT_IR_BATCH_NORM, 5, ins, 1, &out);
  if (!op) return c->last;
  op->attrs.epsilon = eps;
  return OCT_OK;
}

/* ---- ReduceMean, ReduceSum, ReduceMax ---- */
OCT_ONNX_HANDLER(oct_onnx_reduce) {
  oct_onnx_value *x = input(n, 0);
  if (!x) return oct_onnx_fail(c, OCT_ERR_MODEL, "needs an input");
  const int r = x->rank;
  int64_t keep, noop = 0, axes[OCT_MAX_RANK];
  int na = -1;
  oct_status st = oct_onnx_attr_int(c, n, "keepdims", 1, &keep);
  if (!st) st = oct_onnx_attr_int(c, n, "noop_with_empty_axes", 0, &noop);
  if (st) return st;
  const int axes_input = !strcmp(n->op, "ReduceSum") && c->opset >= 13;
  if (axes_input && input(n, 1)) st = oct_onnx_const_ints(c, n->in[1], "axes", axes, OCT_MAX_RANK, &na);
  else if (!axes_input) st = oct_onnx_attr_ints(c, n, "axes", axes, OCT_MAX_RANK, &na);
  if (st) return st;
  if (na <= 0 && noop) return n->out[0] ? oct_onnx_define_alias(c, n->out[0], x) : OCT_OK;
  int mark[OCT_MAX_RANK] = {0};
  if (na <= 0)
    for (int k = 0; k < r; k++) mark[k] = 1;
  for (int i = 0; i < na; i++) {
    const int a = oct_onnx_norm_axis(axes[i], r);
    if (a < 0) return oct_onnx_fail(c, OCT_ERR_MODEL, "axis %lld is out of range", (long long)axes[i]);
    mark[a] = 1;
  }
  /* Pick the layout: with keepdims the input's; without, one in which the
   * remaining axes come out in ONNX order or channels-last order. */
  int nhwc = oct_onnx_prefers_nhwc(x), out_nhwc = nhwc;
  int32_t dims[OCT_MAX_RANK];
  int orank = 0;
  for (int k = 0; k < r; k++)
    if (!mark[k] || keep) dims[orank++] = mark[k] ? 1 : x->dims[k];
  if (!keep && nhwc) {
    int perm[OCT_MAX_RANK], rem[OCT_MAX_RANK], m = 0, oid[OCT_MAX_RANK], k2 = 0;
    oct_onnx_nhwc_perm(r, perm);
    for (int k = 0; k < r; k++) oid[k] = mark[k] ? -1 : k2++; /* output axis of input axis */
    for (int k = 0; k < r; k++)
      if (!mark[perm[k]]) rem[m++] = oid[perm[k]];
    int inc = 1, cl = orank >= 3;
    int op_[OCT_MAX_RANK];
    oct_onnx_nhwc_perm(orank, op_);
    for (int k = 0; k < m; k++) {
      inc &= rem[k] == k;
      cl &= rem[k] == op_[k];
    }
    if (inc) out_nhwc = 0;
    else if (cl) out_nhwc = 1;
    else nhwc = out_nhwc = 0;
  }
  int32_t ax[OCT_MAX_RANK];
  int nax = 0;
  for (int k = 0; k < r; k++)
    if (mark[k]) ax[nax++] = oct_onnx_ir_axis(r, k, nhwc);
  const int ins[2] = {oct_onnx_tensor(c, x, nhwc), oct_onnx_const_i32(c, nax, ax, "axes")};
  if (ins[0] < 0 || ins[1] < 0) return c->last;
  if (!n->out[0]) return OCT_OK;
  const int out = oct_onnx_define(c, n->out[0], x->type, orank, dims, out_nhwc);
  const int code = !strcmp(n->op, "ReduceMean") ? OCT_OP_MEAN
                   : !strcmp(n->op, "ReduceSum") ? OCT_OP_SUM : OCT_OP_REDUCE_MAX;
  oct_ir_op *op = out < 0 ? NULL : oct_onnx_op(c, code, 2, ins, 1, &out);
  if (!op) return c->last;
  op->opts.reducer.keep_dims = (int)keep;
  return OCT_OK;
}

/* ---- ArgMax, ArgMin ---- */
OCT_ONNX_HANDLER(oct_onnx_arg) {
  oct_onnx_value *x = input(n, 0);
  if (!x || x->rank < 1) return oct_onnx_fail(c, OCT_ERR_MODEL, "needs an input of rank >= 1");
  int64_t a64, keep, last;
  oct_status st = oct_onnx_attr_int(c, n, "axis", 0, &a64);
  if (!st) st = oct_onnx_attr_int(c, n, "keepdims", 1, &keep);
  if (!st) st = oct_onnx_attr_int(c, n, "select_last_index", 0, &last);
  if (st) return st;
  const int r = x->rank, axis = oct_onnx_norm_axis(a64, r);
  if (axis < 0) return oct_onnx_fail(c, OCT_ERR_MODEL, "axis %lld is out of range", (long long)a64);
  if (last)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "select_last_index=1 is not supported (TFLite "
                         "returns the first index)");
  if (!n->out[0]) return OCT_OK;
  /* keepdims: the input's layout, the axis put back by a RESHAPE */
  const int nhwc = keep && oct_onnx_prefers_nhwc(x);
  const int32_t ia = oct_onnx_ir_axis(r, axis, nhwc);
  const int ins[2] = {oct_onnx_tensor(c, x, nhwc), oct_onnx_const(c, OCT_INT32, 1, (const int32_t[]){1}, &ia, "axis")};
  if (ins[0] < 0 || ins[1] < 0) return c->last;
  int32_t dims[OCT_MAX_RANK], rd[OCT_MAX_RANK];
  const oct_ir_tensor *t = &c->g->tensors[ins[0]];
  int k = 0;
  for (int i = 0; i < r; i++) {
    dims[i] = i == axis ? 1 : x->dims[i];
    if (i != ia) rd[k++] = t->dims[i];
  }
  int out;
  if (keep) {
    out = oct_onnx_define(c, n->out[0], OCT_INT64, r, dims, nhwc);
  } else {
    for (int i = axis; i < r - 1; i++) dims[i] = dims[i + 1];
    out = oct_onnx_define(c, n->out[0], OCT_INT64, r - 1, dims, 0);
  }
  const int reduced = keep ? oct_onnx_tmp(c, OCT_INT64, r - 1, rd, "reduced") : out;
  if (out < 0 || reduced < 0) return c->last;
  oct_ir_op *op = oct_onnx_op(c, strcmp(n->op, "ArgMin") ? OCT_OP_ARG_MAX : OCT_OP_ARG_MIN, 2,
                              ins, 1, &reduced);
  if (!op) return c->last;
  op->opts.arg.output_type = OCT_INT64;
  return keep ? oct_onnx_emit_reshape(c, reduced, out) : OCT_OK;
}

/* ---- Resize, Upsample ---- */
enum { CT_HALF_PIXEL, CT_PYTORCH_HALF_PIXEL, CT_ALIGN_CORNERS, CT_ASYMMETRIC, CT_TF_HALF_PIXEL_NN };
enum { NM_ROUND_FLOOR, NM_ROUND_CEIL, NM_FLOOR, NM_CEIL };

/* ONNX's source index of output index i (numpy reference, in double). */
static int64_t onnx_nearest(int64_t i, int64_t in, int64_t out, double scale, int ct, int nm) {
  double x;
  switch (ct) {
    case CT_HALF_PIXEL: x = (i + 0.5) / scale - 0.5; break;
    case CT_PYTORCH_HALF_PIXEL: x = out > 1 ? (i + 0.5) / scale - 0.5 : 0; break;
    case CT_ALIGN_CORNERS: x = out == 1 ? 0 : (double)i * (in - 1) / (out - 1); break;
    case CT_TF_HALF_PIXEL_NN: x = (i + 0.5) / scale; break;
    default: x = i / scale; break;
  }
  double r;
  switch (nm) {
    case NM_ROUND_FLOOR: r = x == floor(x) + 0.5 ? floor(x) : round(x); break;
    case NM_ROUND_CEIL: r = x == floor(x) + 0.5 ? ceil(x) : round(x); break;
    case NM_FLOOR: r = floor(x); break;
    default: r = ceil(x); break;
  }
  return r < 0 ? 0 : r > in - 1 ? in - 1 : (int64_t)r;
}

/* TFLite's (see src/kernels/ref/resize.c), in float as TFLite computes. */
static int64_t tflite_nearest(int64_t i, int64_t in, int64_t out, int align, int half) {
  const float scale = align && out > 1 ? (float)(in - 1) / (float)(out - 1) : (float)in / (float)out;
  const float pos = ((float)i + (half ? 0.5f : 0.0f)) * scale;
  const float f = align ? roundf(pos) : floorf(pos);
  int64_t v = f < (float)(in - 1) ? (int64_t)f : in - 1;
  return v < 0 ? 0 : v;
}

static const char *const k_ct[] = {"half_pixel", "pytorch_half_pixel", "align_corners",
                                   "asymmetric", "tf_half_pixel_for_nn"};
static const char *const k_nm[] = {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"};

static int lookup(const char *const *names, int count, const char *s) {
  for (int i = 0; i < count; i++)
    if (!strcmp(names[i], s)) return i;
  return -1;
}

OCT_ONNX_HANDLER(oct_onnx_resize) {
  oct_onnx_value *x = input(n, 0);
  if (!x) return oct_onnx_fail(c, OCT_ERR_MODEL, "needs an input");
  const int upsample = !strcmp(n->op, "Upsample"), legacy = upsample || c->opset < 11;
  char mode[16], cts[32], nms[32];
  oct_status st = oct_onnx_attr_str(c, n, "mode", "nearest", mode, sizeof mode);
  if (!st) st = oct_onnx_attr_str(c, n, "coordinate_transformation_mode", "half_pixel", cts, sizeof cts);
  if (!st) st = oct_onnx_attr_str(c, n, "nearest_mode", "round_prefer_floor", nms, sizeof nms);
  int64_t excl = 0;
  if (!st) st = oct_onnx_attr_int(c, n, "exclude_outside", 0, &excl);
  if (st) return st;
  const int linear = !strcmp(mode, "linear") || !strcmp(mode, "bilinear");
  if (!linear && strcmp(mode, "nearest"))
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "mode '%s' is not supported", mode);
  int ct = legacy ? CT_ASYMMETRIC : lookup(k_ct, 5, cts);
  const int nm = legacy ? NM_FLOOR : lookup(k_nm, 4, nms);
  if (ct < 0 || nm < 0 || excl)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "coordinate_transformation_mode '%s' / "
                         "nearest_mode '%s' / exclude_outside are not supported", cts, nms);
  if (x->rank != 4) return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "only 4-D inputs are supported");
  /* scales (float) or sizes (int64) */
  double scale[4] = {1, 1, 1, 1};
  int64_t size[4];
  int have_sizes = 0;
  const oct_onnx_value *sv = NULL, *zv = NULL;
  if (upsample && c->opset < 9) {
    const Onnx__AttributeProto *a = oct_onnx_attr(n, "scales");
    if (!a || a->n_floats != 4) return oct_onnx_fail(c, OCT_ERR_MODEL, "needs 4 scales");
    for (int k = 0; k < 4; k++) scale[k] = a->floats[k];
  } else {
    sv = input(n, legacy ? 1 : 2);
    zv = legacy ? NULL : input(n, 3);
    if (sv && oct_onnx_elems(sv->rank, sv->dims) == 0) sv = NULL;
    if (zv && oct_onnx_elems(zv->rank, zv->dims) == 0) zv = NULL;
    if ((sv && !sv->is_const) || (zv && !zv->is_const) || (!sv == !zv))
      return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "needs constant scales or sizes (one of them)");
    if (sv) {
      if (oct_onnx_elems(sv->rank, sv->dims) != 4 || !oct_onnx_is_float(sv->type))
        return oct_onnx_fail(c, OCT_ERR_MODEL, "scales must be 4 floats");
      for (int k = 0; k < 4; k++) scale[k] = oct_onnx_get_f(sv, k);
    } else {
      int cnt;
      if ((st = oct_onnx_const_ints(c, zv, "sizes", size, 4, &cnt))) return st;
      if (cnt != 4) return oct_onnx_fail(c, OCT_ERR_MODEL, "sizes must have 4 values");
      have_sizes = 1;
    }
  }
  for (int k = 0; k < 4; k++) {
    if (!have_sizes) {
      if (!(scale[k] > 0) || scale[k] > 65536)
        return oct_onnx_fail(c, OCT_ERR_MODEL, "scale %g is invalid", scale[k]);
      size[k] = (int64_t)floor(x->dims[k] * scale[k]);
    } else {
      if (size[k] < 1 || size[k] > INT32_MAX / 4) return oct_onnx_fail(c, OCT_ERR_MODEL, "bad size");
      scale[k] = (double)size[k] / x->dims[k];
    }
    if (size[k] < 1) return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "output would be empty");
  }
  if (size[0] != x->dims[0] || size[1] != x->dims[1])
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "only the spatial axes (H, W) may be resized");
  int align = 0, half = 0;
  if (linear) {
    if (ct == CT_PYTORCH_HALF_PIXEL && size[2] > 1 && size[3] > 1) ct = CT_HALF_PIXEL;
    if (ct == CT_HALF_PIXEL) half = 1;
    else if (ct == CT_ALIGN_CORNERS) align = 1;
    else if (ct != CT_ASYMMETRIC)
      return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "linear resize with "
                           "coordinate_transformation_mode '%s' has no TFLite equivalent", cts);
    if (align && ((size[2] == 1 && x->dims[2] > 1) || (size[3] == 1 && x->dims[3] > 1)))
      return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "align_corners with an output size of 1 "
                           "is ill-defined (ONNX and TFLite disagree)");
    /* TFLite samples at in/out steps; ONNX at 1/scale */
    for (int k = 2; k < 4 && !align; k++)
      if (fabs((double)x->dims[k] / size[k] - 1 / scale[k]) > 1e-6 / scale[k])
        return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "scale %g does not give a whole output "
                             "size; TFLite would sample differently", scale[k]);
  } else {
    int found = 0;
    for (int cand = 0; cand < 3 && !found; cand++) {
      align = cand == 1;
      half = cand == 2;
      int same = 1;
      for (int k = 2; k < 4 && same; k++)
        for (int64_t i = 0; i < size[k] && same; i++)
          same = onnx_nearest(i, x->dims[k], size[k], scale[k], ct, nm) ==
                 tflite_nearest(i, x->dims[k], size[k], align, half);
      found = same;
    }
    if (!found)
      return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "nearest resize with '%s' / '%s' samples "
                           "differently from every TFLite flavour at this size", cts, nms);
  }
  const int in = oct_onnx_tensor(c, x, 1);
  const int32_t hw[2] = {(int32_t)size[2], (int32_t)size[3]};
  const int ins[2] = {in, oct_onnx_const_i32(c, 2, hw, "size")};
  if (in < 0 || ins[1] < 0) return c->last;
  if (!n->out[0]) return OCT_OK;
  const int32_t dims[4] = {x->dims[0], x->dims[1], hw[0], hw[1]};
  const int out = oct_onnx_define(c, n->out[0], x->type, 4, dims, 1);
  oct_ir_op *op = out < 0 ? NULL : oct_onnx_op(c, linear ? OCT_OP_RESIZE_BILINEAR
                                                         : OCT_OP_RESIZE_NEAREST_NEIGHBOR, 2, ins, 1, &out);
  if (!op) return c->last;
  op->opts.resize.align_corners = align;
  op->opts.resize.half_pixel_centers = half;
  return OCT_OK;
}
