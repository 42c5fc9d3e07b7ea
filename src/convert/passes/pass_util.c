/* Helpers shared by the optimization passes; see pass_util.h. */
#include "pass_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int oct_pu_is_const(const oct_ir_graph *g, int t) {
  return t >= 0 && t < g->n_tensors && g->tensors[t].data != NULL;
}

float *oct_pu_const_f32(const oct_ir_graph *g, int t) {
  if (!oct_pu_is_const(g, t) || g->tensors[t].type != OCT_FLOAT32) return NULL;
  return (float *)g->tensors[t].data;
}

int oct_pu_is_graph_output(const oct_ir_graph *g, int t) {
  for (int i = 0; i < g->n_outputs; i++)
    if (g->outputs[i] == t) return 1;
  return 0;
}

int oct_pu_is_graph_input(const oct_ir_graph *g, int t) {
  for (int i = 0; i < g->n_inputs; i++)
    if (g->inputs[i] == t) return 1;
  return 0;
}

int oct_pu_sole_reader(const oct_ir_graph *g, int t, int op) {
  if (oct_pu_is_graph_output(g, t)) return 0;
  for (int i = 0; i < g->n_ops; i++) {
    const oct_ir_op *o = &g->ops[i];
    if (o->dead || i == op) continue;
    for (int k = 0; k < o->n_inputs; k++)
      if (o->inputs[k] == t) return 0;
  }
  return 1;
}

int oct_pu_reader_ops(const oct_ir_graph *g, int t) {
  int n = 0;
  for (int i = 0; i < g->n_ops; i++) {
    const oct_ir_op *o = &g->ops[i];
    if (o->dead) continue;
    for (int k = 0; k < o->n_inputs; k++)
      if (o->inputs[k] == t) {
        n++;
        break;
      }
  }
  return n;
}

int oct_pu_single_consumer(const oct_ir_graph *g, int t) {
  if (oct_pu_is_graph_output(g, t)) return -1;
  int found = -1;
  for (int i = 0; i < g->n_ops; i++) {
    const oct_ir_op *o = &g->ops[i];
    if (o->dead) continue;
    for (int k = 0; k < o->n_inputs; k++)
      if (o->inputs[k] == t) {
        if (found >= 0 && found != i) return -1;
        found = i;
      }
  }
  return found;
}

oct_act *oct_pu_act_field(oct_ir_op *op) {
  switch (op->code) {
    case OCT_OP_CONV_2D:
    case OCT_OP_DEPTHWISE_CONV_2D:
      return &op->opts.conv.act;
    case OCT_OP_FULLY_CONNECTED:
      return &op->opts.fc.act;
    case OCT_OP_ADD:
    case OCT_OP_SUB:
    case OCT_OP_MUL:
    case OCT_OP_DIV:
      return &op->opts.arith.act;
    case OCT_OP_CONCATENATION:
      return &op->opts.concat.act;
    case OCT_OP_AVERAGE_POOL_2D:
    case OCT_OP_MAX_POOL_2D:
      return &op->opts.pool.act;
    case OCT_OP_TRANSPOSE_CONV:
      return &op->opts.transpose_conv.act;
    default:
      return NULL;
  }
}

int oct_pu_same_shape(const oct_ir_tensor *a, const oct_ir_tensor *b) {
  if (a->rank != b->rank) return 0;
  for (int i = 0; i < a->rank; i++)
    if (a->dims[i] != b->dims[i]) return 0;
  return 1;
}

int oct_pu_bypass(oct_ir_graph *g, int op, int x, int y) {
  const oct_ir_tensor *tx = &g->tensors[x], *ty = &g->tensors[y];
  if (tx->type != ty->type || !oct_pu_same_shape(tx, ty)) return 0;
  if (!oct_pu_is_graph_output(g, y)) {
    g->ops[op].dead = 1;
    oct_ir_replace_uses(g, y, x);
    return 1;
  }
  /* y must survive by name: move it up to x's producer. */
  if (oct_pu_is_graph_input(g, x) || oct_pu_is_graph_output(g, x) ||
      oct_pu_is_const(g, x))
    return 0;
  const int p = oct_ir_producer(g, x);
  if (p < 0) return 0;
  g->ops[op].dead = 1;
  oct_ir_op *po = &g->ops[p];
  for (int k = 0; k < po->n_outputs; k++)
    if (po->outputs[k] == x) po->outputs[k] = y;
  oct_ir_replace_uses(g, x, y);
  return 1;
}

static int name_taken(const oct_ir_graph *g, const char *name) {
  for (int t = 0; t < g->n_tensors; t++)
    if (g->tensors[t].name && strcmp(g->tensors[t].name, name) == 0) return 1;
  return 0;
}

/* "<base>/<suffix>", or "<base>/<suffix>_<n>" for the first free n. */
static void unique_name(const oct_ir_graph *g, const char *base,
                        const char *suffix, char *buf, size_t cap) {
  snprintf(buf, cap, "%.180s/%.60s", base ? base : "", suffix);
  for (int n = 1; name_taken(g, buf); n++)
    snprintf(buf, cap, "%.180s/%.60s_%d", base ? base : "", suffix, n);
}

int oct_pu_add_const(oct_ir_graph *g, const char *base, const char *suffix,
                     oct_dtype type, int rank, const int32_t *dims,
                     const void *data) {
  char name[256];
  unique_name(g, base, suffix, name, sizeof name);
  return oct_ir_add_const(g, name, type, rank, dims, data);
}

int oct_pu_add_tensor_like(oct_ir_graph *g, int like, const char *suffix) {
  char name[256];
  unique_name(g, g->tensors[like].name, suffix, name, sizeof name);
  const oct_ir_tensor src =
      g->tensors[like]; /* add_tensor may move the array */
  const int t = oct_ir_add_tensor(g, name, src.type, src.rank, src.dims);
  if (t < 0) return -1;
  if (src.q.count && oct_ir_set_quant(g, t, src.q.count, src.q.scale,
                                      src.q.zero_point, src.q.axis))
    return -1;
  g->tensors[t].q.has_range = src.q.has_range;
  g->tensors[t].q.min = src.q.min;
  g->tensors[t].q.max = src.q.max;
  return t;
}

int oct_pu_private_const(oct_ir_graph *g, int op, int slot) {
  const int t = g->ops[op].inputs[slot];
  int shared = oct_pu_is_graph_output(g, t) || oct_pu_is_graph_input(g, t);
  for (int i = 0; i < g->n_ops && !shared; i++) {
    const oct_ir_op *o = &g->ops[i];
    if (o->dead) continue;
    for (int k = 0; k < o->n_inputs; k++)
      if (o->inputs[k] == t && !(i == op && k == slot)) shared = 1;
  }
  if (!shared) return t;
  const oct_ir_tensor src = g->tensors[t];
  const int c = oct_pu_add_const(g, src.name, "copy", src.type, src.rank,
                                 src.dims, src.data);
  if (c < 0) return -1;
  if (src.q.count && oct_ir_set_quant(g, c, src.q.count, src.q.scale,
                                      src.q.zero_point, src.q.axis))
    return -1;
  g->ops[op].inputs[slot] = c;
  return c;
}

int oct_pu_const_ints(const oct_ir_graph *g, int t, int64_t *out, int max) {
  if (!oct_pu_is_const(g, t)) return -1;
  const oct_ir_tensor *x = &g->tensors[t];
  const int64_t n = oct_ir_elems(x);
  if (x->rank < 0 || n > max) return -1;
  for (int64_t i = 0; i < n; i++) {
    if (x->type == OCT_INT32)
      out[i] = ((const int32_t *)x->data)[i];
    else if (x->type == OCT_INT64)
      out[i] = ((const int64_t *)x->data)[i];
    else
      return -1;
  }
  return (int)n;
}

int oct_pu_const_uniform_f32(const oct_ir_graph *g, int t, float *v) {
  const float *d = oct_pu_const_f32(g, t);
  if (!d) return 0;
  const int64_t n = oct_ir_elems(&g->tensors[t]);
  if (n <= 0 && g->tensors[t].rank != 0) return 0;
  for (int64_t i = 1; i < n; i++)
    if (d[i] != d[0]) return 0;
  *v = d[0];
  return 1;
}

int oct_pu_broadcast(int ra, const int32_t *da, int rb, const int32_t *db,
                     int *r, int32_t *d) {
  const int n = ra > rb ? ra : rb;
  for (int i = 0; i < n; i++) {
    const int ia = i - (n - ra), ib = i - (n - rb);
    const int32_t a = ia >= 0 ? da[ia] : 1, b = ib >= 0 ? db[ib] : 1;
    if (a != b && a != 1 && b != 1) return 0;
    d[i] = a == 1 ? b : a;
  }
  *r = n;
  return 1;
}

int64_t oct_pu_bcast_index(int64_t i, int r, const int32_t *d, int ra,
                           const int32_t *da) {
  int64_t idx = 0, stride = 1;
  for (int k = r - 1; k >= 0; k--) {
    const int64_t c = i % d[k];
    i /= d[k];
    const int ka = k - (r - ra);
    if (ka < 0) continue;
    if (da[ka] != 1) idx += c * stride;
    stride *= da[ka];
  }
  return idx;
}

int oct_pu_live_ops(const oct_ir_graph *g) {
  int n = 0;
  for (int i = 0; i < g->n_ops; i++) n += !g->ops[i].dead;
  return n;
}

oct_status oct_pu_bn_coeffs(const oct_ir_graph *g, const oct_ir_op *op,
                            double **a, double **b, int *channels) {
  *a = *b = NULL;
  if (op->n_inputs != 5 || op->inputs[0] < 0) return OCT_ERR_UNSUPPORTED;
  const oct_ir_tensor *x = &g->tensors[op->inputs[0]];
  if (x->rank < 1) return OCT_ERR_UNSUPPORTED;
  const int c = x->dims[x->rank - 1];
  const float *p[4]; /* scale, bias, mean, var */
  int64_t n[4];
  for (int k = 0; k < 4; k++) {
    p[k] = oct_pu_const_f32(g, op->inputs[k + 1]);
    if (!p[k]) return OCT_ERR_UNSUPPORTED;
    n[k] = oct_ir_elems(&g->tensors[op->inputs[k + 1]]);
    if (n[k] != c && n[k] != 1) return OCT_ERR_UNSUPPORTED;
  }
  double *ra = malloc((size_t)c * sizeof *ra),
         *rb = malloc((size_t)c * sizeof *rb);
  if (!ra || !rb) {
    free(ra);
    free(rb);
    return OCT_ERR_NO_MEMORY;
  }
  const double eps = op->attrs.epsilon;
  for (int i = 0; i < c; i++) {
    const double scale = p[0][n[0] == 1 ? 0 : i],
                 bias = p[1][n[1] == 1 ? 0 : i];
    const double mean = p[2][n[2] == 1 ? 0 : i], var = p[3][n[3] == 1 ? 0 : i];
    ra[i] = scale / sqrt(var + eps);
    rb[i] = bias - mean * ra[i];
  }
  *a = ra;
  *b = rb;
  *channels = c;
  return OCT_OK;
}

oct_status oct_pu_set_input(oct_ir_graph *g, int op, int slot, int t) {
  oct_ir_op *o = &g->ops[op];
  if (slot >= o->n_inputs) {
    int *p = realloc(o->inputs, (size_t)(slot + 1) * sizeof *p);
    if (!p) return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "out of memory");
    for (int k = o->n_inputs; k <= slot; k++) p[k] = -1;
    o->inputs = p;
    o->n_inputs = slot + 1;
  }
  o->inputs[slot] = t;
  return OCT_OK;
}

oct_status oct_pu_reset_op(oct_ir_graph *g, int op, int code, int n_inputs,
                           const int *inputs, int n_outputs,
                           const int *outputs) {
  oct_ir_op *o = &g->ops[op];
  int *in = malloc((size_t)(n_inputs ? n_inputs : 1) * sizeof *in);
  int *out = malloc((size_t)(n_outputs ? n_outputs : 1) * sizeof *out);
  if (!in || !out) {
    free(in);
    free(out);
    return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "out of memory");
  }
  if (n_inputs) memcpy(in, inputs, (size_t)n_inputs * sizeof *in);
  if (n_outputs) memcpy(out, outputs, (size_t)n_outputs * sizeof *out);
  free(o->inputs);
  free(o->outputs);
  o->inputs = in;
  o->outputs = out;
  o->n_inputs = n_inputs;
  o->n_outputs = n_outputs;
  o->code = code;
  o->version = 0;
  memset(&o->opts, 0, sizeof o->opts);
  memset(&o->attrs, 0, sizeof o->attrs);
  if (code == OCT_OP_ADD || code == OCT_OP_SUB)
    o->opts.arith.pot_scale_int16 = 1; /* schema default */
  return OCT_OK;
}

int oct_pu_same_pad_total(int in, int stride, int filter, int dilation) {
  if (stride < 1) stride = 1;
  if (dilation < 1) dilation = 1;
  const int eff = (filter - 1) * dilation + 1;
  const int out = (in + stride - 1) / stride;
  const int total = (out - 1) * stride + eff - in;
  return total > 0 ? total : 0;
}
