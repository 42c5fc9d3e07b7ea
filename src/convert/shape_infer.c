/* Shape inference: the driver, the conv family, pooling, fully connected
 * and elementwise ops; data movement is in shape_infer_move.c. See
 * shape_infer.h. */
#include "shape_infer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/op_util.h"
#include "shape_infer_internal.h"

/* ---- helpers ---- */

oct_status oct_si_fail(oct_si_ctx *c, oct_status code, const char *fmt, ...) {
  char msg[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return oct_ir_fail(c->g, code, "op %d (%s '%.40s'): %s", c->index,
                     oct_ir_op_name(c->op->code), c->op->name ? c->op->name : "", msg);
}

const oct_ir_tensor *oct_si_in(const oct_si_ctx *c, int k) {
  if (k < 0 || k >= c->op->n_inputs || c->op->inputs[k] < 0) return 0;
  return &c->g->tensors[c->op->inputs[k]];
}

oct_status oct_si_need(oct_si_ctx *c, int k, const oct_ir_tensor **t) {
  *t = oct_si_in(c, k);
  if (!*t) return oct_si_fail(c, OCT_ERR_MODEL, "input %d is missing", k);
  return OCT_OK;
}

oct_status oct_si_outputs(oct_si_ctx *c, int n) {
  if (n < 0 ? c->op->n_outputs < 1 : c->op->n_outputs != n)
    return oct_si_fail(c, OCT_ERR_MODEL, "has %d outputs, expected %d", c->op->n_outputs,
                       n < 0 ? 1 : n);
  return OCT_OK;
}

int oct_si_const_ints(const oct_ir_tensor *t, int64_t *vals, int max, int *n) {
  if (!t || !t->data || (t->type != OCT_INT32 && t->type != OCT_INT64)) return 0;
  const int64_t count = oct_ir_elems(t);
  if (count > max) return -1;
  const size_t es = t->type == OCT_INT64 ? 8 : 4;
  if (t->bytes < (size_t)count * es) return 0;
  for (int64_t i = 0; i < count; i++) {
    if (es == 8) {
      int64_t v;
      memcpy(&v, (const char *)t->data + 8 * i, 8);
      vals[i] = v;
    } else {
      int32_t v;
      memcpy(&v, (const char *)t->data + 4 * i, 4);
      vals[i] = v;
    }
  }
  *n = (int)count;
  return 1;
}

oct_status oct_si_set(oct_si_ctx *c, int k, int rank, const int32_t *dims) {
  if (rank < 0 || rank > OCT_MAX_RANK)
    return oct_si_fail(c, OCT_ERR_LIMIT, "output %d would have rank %d (at most %d)", k,
                       rank, OCT_MAX_RANK);
  for (int i = 0; i < rank; i++)
    if (dims[i] <= 0)
      return oct_si_fail(c, OCT_ERR_SHAPE, "output %d would have dimension %d = %d", k, i,
                         (int)dims[i]);
  c->out[k].known = 1;
  c->out[k].rank = rank;
  for (int i = 0; i < rank; i++) c->out[k].dims[i] = dims[i];
  return OCT_OK;
}

oct_status oct_si_same_as(oct_si_ctx *c, const oct_ir_tensor *t) {
  for (int k = 0; k < c->op->n_outputs; k++) {
    oct_status st = oct_si_set(c, k, t->rank, t->dims);
    if (st) return st;
  }
  return OCT_OK;
}

oct_status oct_si_axis(oct_si_ctx *c, int64_t axis, int rank, const char *what, int *out) {
  const int64_t a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank)
    return oct_si_fail(c, OCT_ERR_SHAPE, "%s %lld is out of range for rank %d", what,
                       (long long)axis, rank);
  *out = (int)a;
  return OCT_OK;
}

static void shape_str(char *buf, size_t cap, int rank, const int32_t *dims) {
  size_t n = (size_t)snprintf(buf, cap, "[");
  for (int i = 0; i < rank && n < cap; i++)
    n += (size_t)snprintf(buf + n, cap - n, i ? ",%d" : "%d", (int)dims[i]);
  if (n < cap) snprintf(buf + n, cap - n, "]");
}

/* ---- the conv family and pooling ---- */

static oct_status window(oct_si_ctx *c, const char *axis, oct_padding pad, int32_t in,
                         int32_t filter, int32_t stride, int32_t dilation, int32_t *out) {
  if (pad != OCT_PAD_SAME && pad != OCT_PAD_VALID)
    return oct_si_fail(c, OCT_ERR_MODEL, "unknown padding %d", (int)pad);
  if (stride < 1 || dilation < 1 || filter < 1)
    return oct_si_fail(c, OCT_ERR_MODEL, "%s: filter %d, stride %d, dilation %d", axis,
                       (int)filter, (int)stride, (int)dilation);
  *out = oct_window_out_size(pad, in, filter, stride, dilation);
  if (*out <= 0)
    return oct_si_fail(c, OCT_ERR_SHAPE,
                       "%s: a filter of %d (dilation %d) does not fit an input of %d "
                       "with VALID padding",
                       axis, (int)filter, (int)dilation, (int)in);
  return OCT_OK;
}

static oct_status need_rank(oct_si_ctx *c, const oct_ir_tensor *t, int rank) {
  if (t->rank != rank)
    return oct_si_fail(c, OCT_ERR_SHAPE, "'%.60s' has rank %d, expected %d", t->name, t->rank,
                       rank);
  return OCT_OK;
}

static oct_status infer_conv(oct_si_ctx *c, int depthwise) {
  const oct_conv_options *o = &c->op->opts.conv;
  const oct_ir_tensor *in, *w;
  oct_status st;
  if ((st = oct_si_outputs(c, 1)) || (st = oct_si_need(c, 0, &in)) ||
      (st = oct_si_need(c, 1, &w)) || (st = need_rank(c, in, 4)) ||
      (st = need_rank(c, w, 4)))
    return st;
  int32_t oc = w->dims[0];
  if (depthwise) {
    oc = w->dims[3];
    if (w->dims[0] != 1 || oc % in->dims[3] != 0)
      return oct_si_fail(c, OCT_ERR_SHAPE,
                         "filter '%s' must be [1, KH, KW, C*M] for %d input channels",
                         w->name, (int)in->dims[3]);
  } else if (in->dims[3] % w->dims[3] != 0) {
    return oct_si_fail(c, OCT_ERR_SHAPE, "filter '%s' has %d input channels, input '%s' %d",
                       w->name, (int)w->dims[3], in->name, (int)in->dims[3]);
  }
  int32_t d[4] = {in->dims[0], 0, 0, oc};
  if ((st = window(c, "height", o->padding, in->dims[1], w->dims[1], o->stride_h,
                   o->dilation_h, &d[1])) ||
      (st = window(c, "width", o->padding, in->dims[2], w->dims[2], o->stride_w,
                   o->dilation_w, &d[2])))
    return st;
  return oct_si_set(c, 0, 4, d);
}

static oct_status infer_pool(oct_si_ctx *c) {
  const oct_pool_options *o = &c->op->opts.pool;
  const oct_ir_tensor *in;
  oct_status st;
  if ((st = oct_si_outputs(c, 1)) || (st = oct_si_need(c, 0, &in)) ||
      (st = need_rank(c, in, 4)))
    return st;
  int32_t d[4] = {in->dims[0], 0, 0, in->dims[3]};
  if ((st = window(c, "height", o->padding, in->dims[1], o->filter_h, o->stride_h, 1, &d[1])) ||
      (st = window(c, "width", o->padding, in->dims[2], o->filter_w, o->stride_w, 1, &d[2])))
    return st;
  return oct_si_set(c, 0, 4, d);
}

/* Inputs (output_shape, weights, input, bias): the shape is a value. */
static oct_status infer_transpose_conv(oct_si_ctx *c) {
  const oct_ir_tensor *shape, *w, *in;
  oct_status st;
  if ((st = oct_si_outputs(c, 1)) || (st = oct_si_need(c, 0, &shape)) ||
      (st = oct_si_need(c, 1, &w)) || (st = oct_si_need(c, 2, &in)) ||
      (st = need_rank(c, in, 4)) || (st = need_rank(c, w, 4)))
    return st;
  int64_t v[4];
  int n = 0;
  if (oct_si_const_ints(shape, v, 4, &n) != 1) return OCT_OK; /* run-time shape */
  if (n != 4)
    return oct_si_fail(c, OCT_ERR_SHAPE, "output_shape '%s' has %d values, expected 4",
                       shape->name, n);
  int32_t d[4];
  for (int i = 0; i < 4; i++) {
    if (v[i] < 1 || v[i] > INT32_MAX)
      return oct_si_fail(c, OCT_ERR_SHAPE, "output_shape '%s'[%d] is %lld", shape->name, i,
                         (long long)v[i]);
    d[i] = (int32_t)v[i];
  }
  if (d[0] != in->dims[0] || d[3] != w->dims[0] || w->dims[3] != in->dims[3])
    return oct_si_fail(c, OCT_ERR_SHAPE,
                       "output_shape [%d,%d,%d,%d] does not fit input '%s' and "
                       "weights '%s'",
                       (int)d[0], (int)d[1], (int)d[2], (int)d[3], in->name, w->name);
  return oct_si_set(c, 0, 4, d);
}

static oct_status infer_fc(oct_si_ctx *c) {
  const oct_ir_tensor *in, *w;
  oct_status st;
  if ((st = oct_si_outputs(c, 1)) || (st = oct_si_need(c, 0, &in)) ||
      (st = oct_si_need(c, 1, &w)) || (st = need_rank(c, w, 2)))
    return st;
  const int32_t oc = w->dims[0], depth = w->dims[1];
  const int64_t elems = oct_ir_elems(in);
  if (in->rank < 1 || elems % depth != 0)
    return oct_si_fail(c, OCT_ERR_SHAPE, "input '%s' (%lld elements) does not fit weights "
                       "'%s' with depth %d",
                       in->name, (long long)elems, w->name, (int)depth);
  if (c->op->opts.fc.keep_num_dims) {
    if (in->dims[in->rank - 1] != depth)
      return oct_si_fail(c, OCT_ERR_SHAPE,
                         "keep_num_dims needs the last dimension of '%s' (%d) to be %d",
                         in->name, (int)in->dims[in->rank - 1], (int)depth);
    int32_t d[OCT_MAX_RANK];
    memcpy(d, in->dims, sizeof d);
    d[in->rank - 1] = oc;
    return oct_si_set(c, 0, in->rank, d);
  }
  const int32_t d[2] = {(int32_t)(elems / depth), oc};
  return oct_si_set(c, 0, 2, d);
}

/* ---- elementwise ---- */

static oct_status infer_broadcast(oct_si_ctx *c) {
  const oct_ir_tensor *a, *b;
  oct_status st;
  if ((st = oct_si_outputs(c, 1)) || (st = oct_si_need(c, 0, &a)) ||
      (st = oct_si_need(c, 1, &b)))
    return st;
  const int rank = a->rank > b->rank ? a->rank : b->rank;
  int32_t d[OCT_MAX_RANK];
  for (int i = 0; i < rank; i++) {
    const int ka = i - (rank - a->rank), kb = i - (rank - b->rank);
    const int32_t x = ka >= 0 ? a->dims[ka] : 1, y = kb >= 0 ? b->dims[kb] : 1;
    if (x != y && x != 1 && y != 1) {
      char sa[96], sb[96];
      shape_str(sa, sizeof sa, a->rank, a->dims);
      shape_str(sb, sizeof sb, b->rank, b->dims);
      return oct_si_fail(c, OCT_ERR_SHAPE, "'%s' %s and '%s' %s do not broadcast", a->name,
                         sa, b->name, sb);
    }
    d[i] = x == 1 ? y : x;
  }
  return oct_si_set(c, 0, rank, d);
}

static oct_status infer_unary(oct_si_ctx *c) {
  const oct_ir_tensor *in;
  oct_status st;
  if ((st = oct_si_outputs(c, 1)) || (st = oct_si_need(c, 0, &in))) return st;
  return oct_si_set(c, 0, in->rank, in->dims);
}

static oct_status infer_op(oct_si_ctx *c) {
  switch (c->op->code) {
    case OCT_OP_CONV_2D: return infer_conv(c, 0);
    case OCT_OP_DEPTHWISE_CONV_2D: return infer_conv(c, 1);
    case OCT_OP_TRANSPOSE_CONV: return infer_transpose_conv(c);
    case OCT_OP_AVERAGE_POOL_2D:
    case OCT_OP_MAX_POOL_2D: return infer_pool(c);
    case OCT_OP_FULLY_CONNECTED: return infer_fc(c);
    case OCT_OP_ADD:
    case OCT_OP_SUB:
    case OCT_OP_MUL:
    case OCT_OP_DIV:
    case OCT_OP_MAXIMUM:
    case OCT_OP_MINIMUM:
    case OCT_OP_POW:
    case OCT_OP_SQUARED_DIFFERENCE:
    case OCT_OP_FLOOR_MOD:
    case OCT_OP_PRELU: return infer_broadcast(c);
    case OCT_OP_RELU:
    case OCT_OP_RELU6:
    case OCT_OP_RELU_N1_TO_1:
    case OCT_OP_LEAKY_RELU:
    case OCT_OP_HARD_SWISH:
    case OCT_OP_LOGISTIC:
    case OCT_OP_TANH:
    case OCT_OP_GELU:
    case OCT_OP_SOFTMAX:
    case OCT_OP_LOG_SOFTMAX:
    case OCT_OP_L2_NORMALIZATION:
    case OCT_OP_QUANTIZE:
    case OCT_OP_DEQUANTIZE:
    case OCT_OP_CAST:
    case OCT_OP_FLOOR:
    case OCT_OP_EXP:
    case OCT_OP_NEG:
    case OCT_OP_SQRT:
    case OCT_OP_RSQRT:
    case OCT_OP_SQUARE:
    case OCT_OP_ABS: return infer_unary(c);
    case OCT_IR_BATCH_NORM:
    case OCT_IR_IDENTITY:
    case OCT_IR_DROPOUT: {
      const oct_ir_tensor *in;
      oct_status st = oct_si_need(c, 0, &in);
      return st ? st : oct_si_same_as(c, in);
    }
    default: return oct_si_infer_move(c);
  }
}

/* Applies the computed shapes: fills unknown outputs, checks known ones. */
static oct_status apply(oct_si_ctx *c) {
  for (int k = 0; k < c->op->n_outputs; k++) {
    oct_ir_tensor *t = &c->g->tensors[c->op->outputs[k]];
    const oct_si_shape *s = &c->out[k];
    if (!s->known) {
      if (t->rank < 0 && c->unknown_op)
        return oct_si_fail(c, OCT_ERR_UNSUPPORTED,
                           "shape inference does not know this op and output "
                           "'%.80s' has no declared shape",
                           t->name);
      if (t->rank < 0)
        return oct_si_fail(c, OCT_ERR_UNSUPPORTED,
                           "the shape depends on run-time values and output "
                           "'%.80s' declares none",
                           t->name);
      continue;
    }
    if (t->rank < 0) {
      t->rank = s->rank;
      memcpy(t->dims, s->dims, sizeof t->dims);
      continue;
    }
    int same = t->rank == s->rank;
    for (int i = 0; same && i < s->rank; i++) same = t->dims[i] == s->dims[i];
    if (!same) {
      char want[96], have[96];
      shape_str(want, sizeof want, s->rank, s->dims);
      shape_str(have, sizeof have, t->rank, t->dims);
      return oct_si_fail(c, OCT_ERR_SHAPE, "output '%.80s' is declared %s but its inputs give %s",
                         t->name, have, want);
    }
  }
  return OCT_OK;
}

static oct_status check_inputs(oct_si_ctx *c) {
  for (int k = 0; k < c->op->n_inputs; k++) {
    const int t = c->op->inputs[k];
    if (t < -1 || t >= c->g->n_tensors)
      return oct_si_fail(c, OCT_ERR_INTERNAL, "input %d is tensor %d, out of range", k, t);
    if (t >= 0 && c->g->tensors[t].rank < 0)
      return oct_si_fail(c, OCT_ERR_SHAPE, "input %d '%.80s' has no known shape", k,
                         c->g->tensors[t].name);
  }
  for (int k = 0; k < c->op->n_outputs; k++) {
    const int t = c->op->outputs[k];
    if (t < 0 || t >= c->g->n_tensors)
      return oct_si_fail(c, OCT_ERR_INTERNAL, "output %d is tensor %d, out of range", k, t);
  }
  return OCT_OK;
}

oct_status oct_ir_infer_shapes(oct_ir_graph *g) {
  if (!g) return OCT_ERR_INVALID_ARG;
  int max_out = 1;
  for (int i = 0; i < g->n_ops; i++)
    if (g->ops[i].n_outputs > max_out) max_out = g->ops[i].n_outputs;
  oct_si_shape *out = malloc((size_t)max_out * sizeof *out);
  if (!out) return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "out of memory inferring shapes");
  oct_status st = OCT_OK;
  for (int i = 0; i < g->n_ops && !st; i++) {
    if (g->ops[i].dead) continue;
    oct_si_ctx c = {g, i, &g->ops[i], out, 0};
    memset(out, 0, (size_t)max_out * sizeof *out);
    st = check_inputs(&c);
    if (!st) st = infer_op(&c);
    if (!st) st = apply(&c);
  }
  free(out);
  return st;
}
