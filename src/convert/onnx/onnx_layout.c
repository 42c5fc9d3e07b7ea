/*
 * Layouts and IR plumbing for the ONNX importer.
 *
 * An ONNX value is held in ONNX axis order, in channels-last order, or both
 * (see onnx_internal.h). Converting between the two is a TRANSPOSE, emitted
 * once per value and remembered; when the permutation moves only unit axes
 * (a [N,C,1,1] tensor, a batch of 1 with one channel...) the data order does
 * not change and a RESHAPE is emitted instead, which costs nothing at run
 * time.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx_internal.h"

oct_status oct_onnx_fail(oct_onnx_ctx *c, oct_status code, const char *fmt, ...) {
  char msg[sizeof c->g->err.message];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (c->cur)
    oct_ir_fail(c->g, code, "node '%s' (%s): %s", c->cur->name, c->cur->op, msg);
  else
    oct_ir_fail(c->g, code, "%s", msg);
  c->last = code;
  return code;
}

/* An IR helper failed with its message in g->err: prefix the node. */
static int ir_failed(oct_onnx_ctx *c, oct_status code) {
  char msg[sizeof c->g->err.message];
  memcpy(msg, c->g->err.message, sizeof msg);
  msg[sizeof msg - 1] = 0;
  oct_onnx_fail(c, code, "%s", msg);
  return -1;
}

void oct_onnx_nhwc_perm(int rank, int *perm) {
  for (int k = 0; k < rank; k++) perm[k] = k;
  if (rank < 3) return;
  for (int k = 1; k < rank - 1; k++) perm[k] = k + 1;
  perm[rank - 1] = 1;
}

int oct_onnx_ir_axis(int rank, int axis, int nhwc) {
  if (!nhwc || rank < 3 || axis == 0) return axis;
  return axis == 1 ? rank - 1 : axis - 1;
}

int oct_onnx_norm_axis(int64_t axis, int rank) {
  if (axis < -rank || axis >= rank) return -1;
  return (int)(axis < 0 ? axis + rank : axis);
}

int oct_onnx_prefers_nhwc(const oct_onnx_value *v) {
  return v->rank >= 3 && v->t_nhwc >= 0;
}

void oct_onnx_permute(const void *src, size_t esz, int rank, const int32_t *dims,
                      const int *perm, void *dst) {
  int64_t in_stride[OCT_MAX_RANK], ostride[OCT_MAX_RANK], odims[OCT_MAX_RANK];
  int64_t n = 1;
  for (int k = rank - 1; k >= 0; k--) {
    in_stride[k] = n;
    n *= dims[k];
  }
  for (int k = 0; k < rank; k++) {
    odims[k] = dims[perm[k]];
    ostride[k] = in_stride[perm[k]];
  }
  int64_t idx[OCT_MAX_RANK] = {0};
  int64_t off = 0;
  const char *s = src;
  char *d = dst;
  for (int64_t i = 0; i < n; i++) {
    memcpy(d + (size_t)i * esz, s + (size_t)off * esz, esz);
    for (int k = rank - 1; k >= 0; k--) {
      off += ostride[k];
      if (++idx[k] < odims[k]) break;
      off -= ostride[k] * odims[k];
      idx[k] = 0;
    }
  }
}

/* Whether a permutation keeps the order of the non-unit axes, so the data
 * order is unchanged and a reshape does the job. */
static int perm_is_reshape(int rank, const int32_t *dims, const int *perm) {
  int last = -1;
  for (int k = 0; k < rank; k++) {
    if (dims[perm[k]] == 1) continue;
    if (perm[k] < last) return 0;
    last = perm[k];
  }
  return 1;
}

static void ir_dims(const oct_onnx_value *v, int nhwc, int32_t *out) {
  int perm[OCT_MAX_RANK];
  if (nhwc && v->rank >= 3) oct_onnx_nhwc_perm(v->rank, perm);
  else for (int k = 0; k < v->rank; k++) perm[k] = k;
  for (int k = 0; k < v->rank; k++) out[k] = v->dims[perm[k]];
}

static int add_tensor(oct_onnx_ctx *c, const char *base, const char *suffix, oct_dtype type,
                      int rank, const int32_t *dims) {
  int64_t bytes = (int64_t)oct_dtype_size(type);
  for (int i = 0; i < rank; i++) {
    if (dims[i] <= 0) {
      oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "'%s%s' would have a zero-sized dimension", base,
                    suffix);
      return -1;
    }
    bytes *= dims[i]; /* < 2^31 * 2^31: no overflow before the check */
    if (bytes > OCT_ONNX_MAX_BYTES) {
      oct_onnx_fail(c, OCT_ERR_LIMIT, "'%s%s' would be larger than %lld bytes", base, suffix,
                    (long long)OCT_ONNX_MAX_BYTES);
      return -1;
    }
  }
  const size_t n = strlen(base) + strlen(suffix) + 1;
  char *name = malloc(n);
  if (!name) {
    oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
    return -1;
  }
  snprintf(name, n, "%s%s", base, suffix);
  const int t = oct_ir_add_tensor(c->g, name, type, rank, dims);
  free(name);
  if (t < 0) return ir_failed(c, OCT_ERR_NO_MEMORY);
  return t;
}

int oct_onnx_tmp(oct_onnx_ctx *c, oct_dtype type, int rank, const int32_t *dims,
                 const char *tag) {
  char suffix[64];
  snprintf(suffix, sizeof suffix, "/%s", tag);
  return add_tensor(c, c->cur ? c->cur->name : "onnx", suffix, type, rank, dims);
}

int oct_onnx_const(oct_onnx_ctx *c, oct_dtype type, int rank, const int32_t *dims,
                   const void *data, const char *tag) {
  const int t = oct_onnx_tmp(c, type, rank, dims, tag);
  if (t < 0) return -1;
  if (oct_ir_set_data(c->g, t, data, oct_ir_bytes(&c->g->tensors[t]), 0))
    return ir_failed(c, OCT_ERR_NO_MEMORY);
  return t;
}

int oct_onnx_const_i32(oct_onnx_ctx *c, int n, const int32_t *vals, const char *tag) {
  const int32_t dims[1] = {n};
  return oct_onnx_const(c, OCT_INT32, 1, dims, vals, tag);
}

int oct_onnx_scalar(oct_onnx_ctx *c, oct_dtype type, double x, const char *tag) {
  uint8_t buf[8];
  oct_onnx_set_f(type, buf, 0, x);
  return oct_onnx_const(c, type, 0, NULL, buf, tag);
}

oct_ir_op *oct_onnx_op(oct_onnx_ctx *c, int code, int n_in, const int *ins, int n_out,
                       const int *outs) {
  const int i = oct_ir_add_op(c->g, code, n_in, ins, n_out, outs, c->cur ? c->cur->name : "");
  if (i < 0) {
    ir_failed(c, c->g->n_ops >= OCT_IR_MAX_OPS ? OCT_ERR_LIMIT : OCT_ERR_NO_MEMORY);
    return NULL;
  }
  return &c->g->ops[i];
}

oct_status oct_onnx_emit_reshape(oct_onnx_ctx *c, int in, int out) {
  const oct_ir_tensor *o = &c->g->tensors[out];
  oct_reshape_options ro;
  memset(&ro, 0, sizeof ro);
  ro.count = o->rank;
  for (int k = 0; k < o->rank; k++) ro.new_shape[k] = o->dims[k];
  int ins[2] = {in, -1}, n_in = 1;
  if (ro.count > 0) {
    ins[1] = oct_onnx_const_i32(c, ro.count, ro.new_shape, "shape");
    if (ins[1] < 0) return c->last;
    n_in = 2;
  }
  oct_ir_op *op = oct_onnx_op(c, OCT_OP_RESHAPE, n_in, ins, 1, &out);
  if (!op) return c->last;
  op->opts.reshape = ro;
  return OCT_OK;
}

oct_status oct_onnx_emit_transpose(oct_onnx_ctx *c, int in, const int *perm, int out) {
  const oct_ir_tensor *x = &c->g->tensors[in];
  const int rank = x->rank;
  int32_t dims[OCT_MAX_RANK];
  for (int k = 0; k < rank; k++) dims[k] = x->dims[k];
  if (perm_is_reshape(rank, dims, perm)) return oct_onnx_emit_reshape(c, in, out);
  int32_t p32[OCT_MAX_RANK];
  for (int k = 0; k < rank; k++) p32[k] = perm[k];
  const int ins[2] = {in, oct_onnx_const_i32(c, rank, p32, "perm")};
  if (ins[1] < 0) return c->last;
  return oct_onnx_op(c, OCT_OP_TRANSPOSE, 2, ins, 1, &out) ? OCT_OK : c->last;
}

int oct_onnx_tensor(oct_onnx_ctx *c, oct_onnx_value *v, int nhwc) {
  if (v->rank < 3) nhwc = 0;
  int *slot = nhwc ? &v->t_nhwc : &v->t_onnx;
  if (*slot >= 0) return *slot;
  if (!v->defined) {
    oct_onnx_fail(c, OCT_ERR_INTERNAL, "'%s' is used before it is defined", v->name);
    return -1;
  }
  int32_t dims[OCT_MAX_RANK];
  ir_dims(v, nhwc, dims);
  const char *suffix = nhwc ? "_nhwc" : "";
  if (v->is_const) {
    const int t = add_tensor(c, v->name, suffix, v->type, v->rank, dims);
    if (t < 0) return -1;
    void *d = v->data;
    if (nhwc) {
      int perm[OCT_MAX_RANK];
      oct_onnx_nhwc_perm(v->rank, perm);
      d = malloc(v->bytes ? v->bytes : 1);
      if (!d) {
        oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
        return -1;
      }
      oct_onnx_permute(v->data, oct_dtype_size(v->type), v->rank, v->dims, perm, d);
    }
    const oct_status st = oct_ir_set_data(c->g, t, d, v->bytes, nhwc);
    if (st) {
      if (nhwc) free(d);
      return ir_failed(c, st);
    }
    return *slot = t;
  }
  const int from = nhwc ? v->t_onnx : v->t_nhwc;
  if (from < 0) {
    oct_onnx_fail(c, OCT_ERR_INTERNAL, "'%s' has no IR tensor", v->name);
    return -1;
  }
  const int t = add_tensor(c, v->name, nhwc ? "_nhwc" : "_nchw", v->type, v->rank, dims);
  if (t < 0) return -1;
  int perm[OCT_MAX_RANK], inv[OCT_MAX_RANK];
  oct_onnx_nhwc_perm(v->rank, perm);
  for (int k = 0; k < v->rank; k++) inv[perm[k]] = k;
  if (oct_onnx_emit_transpose(c, from, nhwc ? perm : inv, t)) return -1;
  /* per-tensor parameters (an integer tensor, or fixed QAT parameters)
   * hold in either layout */
  const oct_ir_quant *fq = &c->g->tensors[from].q;
  if (fq->count == 1) {
    if (oct_ir_set_quant(c->g, t, 1, fq->scale, fq->zero_point, 0)) return ir_failed(c, OCT_ERR_NO_MEMORY);
    c->g->tensors[t].q.has_range = c->g->tensors[from].q.has_range;
    c->g->tensors[t].q.min = c->g->tensors[from].q.min;
    c->g->tensors[t].q.max = c->g->tensors[from].q.max;
  }
  return *slot = t;
}

int oct_onnx_define(oct_onnx_ctx *c, oct_onnx_value *v, oct_dtype type, int rank,
                    const int32_t *dims, int nhwc) {
  if (rank < 0 || rank > OCT_MAX_RANK) {
    oct_onnx_fail(c, OCT_ERR_LIMIT, "'%s' would have rank %d", v->name, rank);
    return -1;
  }
  if (v->defined) {
    oct_onnx_fail(c, OCT_ERR_MODEL, "'%s' is written twice", v->name);
    return -1;
  }
  v->type = type;
  v->rank = rank;
  for (int k = 0; k < rank; k++) v->dims[k] = dims[k];
  if (rank < 3) nhwc = 0;
  int32_t d[OCT_MAX_RANK];
  ir_dims(v, nhwc, d);
  /* Tensors in ONNX order carry the ONNX name, so graph outputs keep it. */
  const int t = add_tensor(c, v->name, nhwc ? "_nhwc" : "", type, rank, d);
  if (t < 0) return -1;
  v->defined = 1;
  if (nhwc) v->t_nhwc = t;
  else v->t_onnx = t;
  return t;
}

oct_status oct_onnx_define_const(oct_onnx_ctx *c, oct_onnx_value *v, oct_dtype type, int rank,
                                 const int32_t *dims, void *data) {
  if (v->defined) {
    free(data);
    return oct_onnx_fail(c, OCT_ERR_MODEL, "'%s' is written twice", v->name);
  }
  v->type = type;
  v->rank = rank;
  for (int k = 0; k < rank; k++) v->dims[k] = dims[k];
  v->data = data;
  v->bytes = (size_t)oct_onnx_elems(rank, dims) * oct_dtype_size(type);
  v->is_const = 1;
  v->defined = 1;
  return OCT_OK;
}

oct_status oct_onnx_define_alias(oct_onnx_ctx *c, oct_onnx_value *out, const oct_onnx_value *in) {
  if (in->is_const) {
    void *d = malloc(in->bytes ? in->bytes : 1);
    if (!d) return oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
    if (in->bytes) memcpy(d, in->data, in->bytes);
    return oct_onnx_define_const(c, out, in->type, in->rank, in->dims, d);
  }
  if (out->defined) return oct_onnx_fail(c, OCT_ERR_MODEL, "'%s' is written twice", out->name);
  out->type = in->type;
  out->rank = in->rank;
  memcpy(out->dims, in->dims, sizeof out->dims);
  out->t_onnx = in->t_onnx;
  out->t_nhwc = in->t_nhwc;
  out->defined = 1;
  return OCT_OK;
}

oct_status oct_onnx_broadcast(oct_onnx_ctx *c, int n, oct_onnx_value *const *v, int *rank,
                              int32_t *dims) {
  int r = 0;
  for (int i = 0; i < n; i++)
    if (v[i]->rank > r) r = v[i]->rank;
  for (int k = 0; k < r; k++) dims[k] = 1;
  for (int i = 0; i < n; i++) {
    const int off = r - v[i]->rank;
    for (int k = 0; k < v[i]->rank; k++) {
      const int32_t d = v[i]->dims[k];
      if (d == dims[off + k] || d == 1) continue;
      if (dims[off + k] != 1)
        return oct_onnx_fail(c, OCT_ERR_SHAPE, "'%s' (axis %d of size %d) does not broadcast "
                             "against size %d", v[i]->name, k, (int)d, (int)dims[off + k]);
      dims[off + k] = d;
    }
  }
  *rank = r;
  return OCT_OK;
}

int oct_onnx_operand(oct_onnx_ctx *c, oct_onnx_value *v, int rank, int nhwc) {
  if (!nhwc || rank < 3 || v->rank == rank) return oct_onnx_tensor(c, v, nhwc);
  /* Channels-last with a lower-rank operand: add leading unit axes in ONNX
   * order, then permute like the full-rank tensors. */
  int32_t e[OCT_MAX_RANK], d[OCT_MAX_RANK];
  const int off = rank - v->rank;
  for (int k = 0; k < rank; k++) e[k] = k < off ? 1 : v->dims[k - off];
  int perm[OCT_MAX_RANK];
  oct_onnx_nhwc_perm(rank, perm);
  for (int k = 0; k < rank; k++) d[k] = e[perm[k]];
  if (v->is_const) {
    void *buf = malloc(v->bytes ? v->bytes : 1);
    if (!buf) {
      oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
      return -1;
    }
    oct_onnx_permute(v->data, oct_dtype_size(v->type), rank, e, perm, buf);
    const int t = oct_onnx_const(c, v->type, rank, d, buf, v->name);
    free(buf);
    return t;
  }
  const int src = oct_onnx_tensor(c, v, 0);
  if (src < 0) return -1;
  const int t = oct_onnx_tmp(c, v->type, rank, d, v->name);
  if (t < 0) return -1;
  if (perm_is_reshape(rank, e, perm)) {
    if (oct_onnx_emit_reshape(c, src, t)) return -1;
    return t;
  }
  const int mid = oct_onnx_tmp(c, v->type, rank, e, "expand");
  if (mid < 0 || oct_onnx_emit_reshape(c, src, mid) || oct_onnx_emit_transpose(c, mid, perm, t))
    return -1;
  return t;
}
