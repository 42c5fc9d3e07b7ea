/* The converter's graph IR; see ir.h. */
#include "ir.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

oct_status oct_ir_fail(oct_ir_graph *g, oct_status code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(g->err.message, sizeof g->err.message, fmt, ap);
  va_end(ap);
  return code;
}

void oct_ir_init(oct_ir_graph *g) { memset(g, 0, sizeof *g); }

static void free_quant(oct_ir_quant *q) {
  free(q->scale);
  free(q->zero_point);
  q->scale = NULL;
  q->zero_point = NULL;
  q->count = 0;
}

void oct_ir_free(oct_ir_graph *g) {
  for (int i = 0; i < g->n_tensors; i++) {
    free(g->tensors[i].name);
    free(g->tensors[i].data);
    free_quant(&g->tensors[i].q);
  }
  for (int i = 0; i < g->n_ops; i++) {
    free(g->ops[i].inputs);
    free(g->ops[i].outputs);
    free(g->ops[i].name);
  }
  free(g->tensors);
  free(g->ops);
  free(g->inputs);
  free(g->outputs);
  free(g->description);
  memset(g, 0, sizeof *g);
}

static char *dup_str(const char *s) {
  if (!s) s = "";
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

static int grow(void **arr, int *cap, int need, size_t elem) {
  if (need <= *cap) return 1;
  int nc = *cap ? *cap * 2 : 16;
  while (nc < need) nc *= 2;
  void *p = realloc(*arr, (size_t)nc * elem);
  if (!p) return 0;
  memset((char *)p + (size_t)*cap * elem, 0, (size_t)(nc - *cap) * elem);
  *arr = p;
  *cap = nc;
  return 1;
}

int oct_ir_add_tensor(oct_ir_graph *g, const char *name, oct_dtype type,
                      int rank, const int32_t *dims) {
  if (rank > OCT_MAX_RANK) {
    oct_ir_fail(g, OCT_ERR_LIMIT, "tensor '%s': rank %d exceeds %d", name ? name : "",
                rank, OCT_MAX_RANK);
    return -1;
  }
  if (!grow((void **)&g->tensors, &g->cap_tensors, g->n_tensors + 1, sizeof *g->tensors)) {
    oct_ir_fail(g, OCT_ERR_NO_MEMORY, "out of memory adding tensor '%s'", name ? name : "");
    return -1;
  }
  oct_ir_tensor *t = &g->tensors[g->n_tensors];
  memset(t, 0, sizeof *t);
  t->name = dup_str(name);
  if (!t->name) {
    oct_ir_fail(g, OCT_ERR_NO_MEMORY, "out of memory");
    return -1;
  }
  t->type = type;
  t->rank = rank;
  for (int i = 0; i < rank; i++) t->dims[i] = dims[i];
  return g->n_tensors++;
}

int64_t oct_ir_elems(const oct_ir_tensor *t) {
  if (t->rank < 0) return 0;
  int64_t n = 1;
  for (int i = 0; i < t->rank; i++) {
    if (t->dims[i] < 0) return 0;
    n *= t->dims[i];
  }
  return n;
}

size_t oct_ir_bytes(const oct_ir_tensor *t) {
  return (size_t)oct_ir_elems(t) * oct_dtype_size(t->type);
}

oct_status oct_ir_set_data(oct_ir_graph *g, int t, const void *data,
                           size_t bytes, int take) {
  oct_ir_tensor *x = &g->tensors[t];
  void *copy = (void *)data;
  if (!take) {
    copy = malloc(bytes ? bytes : 1);
    if (!copy) return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "out of memory for '%s'", x->name);
    if (bytes) memcpy(copy, data, bytes);
  }
  free(x->data);
  x->data = copy;
  x->bytes = bytes;
  return OCT_OK;
}

int oct_ir_add_const(oct_ir_graph *g, const char *name, oct_dtype type,
                     int rank, const int32_t *dims, const void *data) {
  int t = oct_ir_add_tensor(g, name, type, rank, dims);
  if (t < 0) return -1;
  if (oct_ir_set_data(g, t, data, oct_ir_bytes(&g->tensors[t]), 0)) return -1;
  return t;
}

oct_status oct_ir_set_quant(oct_ir_graph *g, int t, int count,
                            const float *scale, const int64_t *zero_point,
                            int axis) {
  oct_ir_quant *q = &g->tensors[t].q;
  free_quant(q);
  if (count <= 0) return OCT_OK;
  q->scale = malloc((size_t)count * sizeof *q->scale);
  q->zero_point = malloc((size_t)count * sizeof *q->zero_point);
  if (!q->scale || !q->zero_point) {
    free_quant(q);
    return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "out of memory");
  }
  memcpy(q->scale, scale, (size_t)count * sizeof *scale);
  if (zero_point) memcpy(q->zero_point, zero_point, (size_t)count * sizeof *zero_point);
  else memset(q->zero_point, 0, (size_t)count * sizeof *q->zero_point);
  q->count = count;
  q->axis = axis;
  return OCT_OK;
}

static int *dup_ints(const int *a, int n) {
  int *d = malloc((size_t)(n ? n : 1) * sizeof *d);
  if (d && n) memcpy(d, a, (size_t)n * sizeof *d);
  return d;
}

int oct_ir_insert_op(oct_ir_graph *g, int pos, int code, int n_inputs,
                     const int *inputs, int n_outputs, const int *outputs,
                     const char *name) {
  if (pos < 0 || pos > g->n_ops) pos = g->n_ops;
  if (g->n_ops >= OCT_IR_MAX_OPS) {
    oct_ir_fail(g, OCT_ERR_LIMIT, "op '%s': the graph would have more than %d ops",
                name ? name : "", OCT_IR_MAX_OPS);
    return -1;
  }
  if (!grow((void **)&g->ops, &g->cap_ops, g->n_ops + 1, sizeof *g->ops)) {
    oct_ir_fail(g, OCT_ERR_NO_MEMORY, "out of memory adding an op");
    return -1;
  }
  oct_ir_op op;
  memset(&op, 0, sizeof op);
  op.code = code;
  op.n_inputs = n_inputs;
  op.n_outputs = n_outputs;
  op.inputs = dup_ints(inputs, n_inputs);
  op.outputs = dup_ints(outputs, n_outputs);
  op.name = dup_str(name);
  if (!op.inputs || !op.outputs || !op.name) {
    free(op.inputs);
    free(op.outputs);
    free(op.name);
    oct_ir_fail(g, OCT_ERR_NO_MEMORY, "out of memory adding an op");
    return -1;
  }
  memmove(g->ops + pos + 1, g->ops + pos, (size_t)(g->n_ops - pos) * sizeof *g->ops);
  g->ops[pos] = op;
  g->n_ops++;
  return pos;
}

int oct_ir_add_op(oct_ir_graph *g, int code, int n_inputs, const int *inputs,
                  int n_outputs, const int *outputs, const char *name) {
  return oct_ir_insert_op(g, g->n_ops, code, n_inputs, inputs, n_outputs, outputs, name);
}

static oct_status add_io(oct_ir_graph *g, int **list, int *n, int t) {
  int *p = realloc(*list, (size_t)(*n + 1) * sizeof *p);
  if (!p) return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "out of memory");
  p[(*n)++] = t;
  *list = p;
  return OCT_OK;
}

oct_status oct_ir_add_input(oct_ir_graph *g, int t) {
  g->tensors[t].is_input = 1;
  return add_io(g, &g->inputs, &g->n_inputs, t);
}

oct_status oct_ir_add_output(oct_ir_graph *g, int t) {
  g->tensors[t].is_output = 1;
  return add_io(g, &g->outputs, &g->n_outputs, t);
}

int oct_ir_producer(const oct_ir_graph *g, int t) {
  for (int i = 0; i < g->n_ops; i++) {
    const oct_ir_op *o = &g->ops[i];
    if (o->dead) continue;
    for (int k = 0; k < o->n_outputs; k++)
      if (o->outputs[k] == t) return i;
  }
  return -1;
}

int oct_ir_use_count(const oct_ir_graph *g, int t) {
  int n = 0;
  for (int i = 0; i < g->n_ops; i++) {
    const oct_ir_op *o = &g->ops[i];
    if (o->dead) continue;
    for (int k = 0; k < o->n_inputs; k++) n += o->inputs[k] == t;
  }
  for (int i = 0; i < g->n_outputs; i++) n += g->outputs[i] == t;
  return n;
}

void oct_ir_replace_uses(oct_ir_graph *g, int from, int to) {
  for (int i = 0; i < g->n_ops; i++) {
    oct_ir_op *o = &g->ops[i];
    if (o->dead) continue;
    for (int k = 0; k < o->n_inputs; k++)
      if (o->inputs[k] == from) o->inputs[k] = to;
  }
  for (int i = 0; i < g->n_outputs; i++)
    if (g->outputs[i] == from) {
      g->outputs[i] = to;
      g->tensors[to].is_output = 1;
      g->tensors[from].is_output = 0;
    }
}

oct_status oct_ir_compact(oct_ir_graph *g) {
  /* Tensors still referred to by a live op or the graph's edges. */
  int *map = malloc((size_t)(g->n_tensors ? g->n_tensors : 1) * sizeof *map);
  if (!map) return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "out of memory");
  for (int t = 0; t < g->n_tensors; t++) map[t] = 0;
  for (int i = 0; i < g->n_ops; i++) {
    oct_ir_op *o = &g->ops[i];
    if (o->dead) continue;
    for (int k = 0; k < o->n_inputs; k++)
      if (o->inputs[k] >= 0) map[o->inputs[k]] = 1;
    for (int k = 0; k < o->n_outputs; k++) map[o->outputs[k]] = 1;
  }
  for (int i = 0; i < g->n_inputs; i++) map[g->inputs[i]] = 1;
  for (int i = 0; i < g->n_outputs; i++) map[g->outputs[i]] = 1;
  int nt = 0;
  for (int t = 0; t < g->n_tensors; t++) {
    if (!map[t] || g->tensors[t].dead) {
      free(g->tensors[t].name);
      free(g->tensors[t].data);
      free_quant(&g->tensors[t].q);
      map[t] = -1;
      continue;
    }
    g->tensors[nt] = g->tensors[t];
    map[t] = nt++;
  }
  g->n_tensors = nt;
  int no = 0;
  for (int i = 0; i < g->n_ops; i++) {
    oct_ir_op *o = &g->ops[i];
    if (o->dead) {
      free(o->inputs);
      free(o->outputs);
      free(o->name);
      continue;
    }
    for (int k = 0; k < o->n_inputs; k++)
      if (o->inputs[k] >= 0) o->inputs[k] = map[o->inputs[k]];
    for (int k = 0; k < o->n_outputs; k++) o->outputs[k] = map[o->outputs[k]];
    g->ops[no++] = *o;
  }
  g->n_ops = no;
  for (int i = 0; i < g->n_inputs; i++) g->inputs[i] = map[g->inputs[i]];
  for (int i = 0; i < g->n_outputs; i++) g->outputs[i] = map[g->outputs[i]];
  free(map);
  return OCT_OK;
}

const char *oct_ir_op_name(int code) {
  switch (code) {
    case OCT_IR_BATCH_NORM: return "BATCH_NORM (IR)";
    case OCT_IR_IDENTITY: return "IDENTITY (IR)";
    case OCT_IR_DROPOUT: return "DROPOUT (IR)";
    default: break;
  }
  const char *n = oct_builtin_name(code);
  return n ? n : "?";
}

oct_status oct_ir_verify(oct_ir_graph *g) {
  const int nt = g->n_tensors;
  char *state = calloc((size_t)(nt ? nt : 1), 1); /* 1 = defined */
  if (!state) return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "out of memory");
  oct_status st = OCT_OK;
  for (int t = 0; t < nt && !st; t++) {
    const oct_ir_tensor *x = &g->tensors[t];
    if (x->dead) continue;
    if (x->rank < 0 || x->rank > OCT_MAX_RANK)
      st = oct_ir_fail(g, OCT_ERR_SHAPE, "tensor '%s' has no known shape", x->name);
    for (int i = 0; !st && i < x->rank; i++)
      if (x->dims[i] <= 0)
        st = oct_ir_fail(g, OCT_ERR_SHAPE, "tensor '%s' dimension %d is %d", x->name, i,
                         (int)x->dims[i]);
    if (!st && x->data && x->bytes != oct_ir_bytes(x))
      st = oct_ir_fail(g, OCT_ERR_INTERNAL, "tensor '%s' holds %zu bytes, shape needs %zu",
                       x->name, x->bytes, oct_ir_bytes(x));
    if (!st && x->q.count > 1 && (x->q.axis < 0 || x->q.axis >= x->rank ||
                                  x->dims[x->q.axis] != x->q.count))
      st = oct_ir_fail(g, OCT_ERR_INTERNAL, "tensor '%s': %d scales do not fit axis %d",
                       x->name, x->q.count, x->q.axis);
    if (x->data) state[t] = 1;
  }
  for (int i = 0; i < g->n_inputs && !st; i++) {
    const int t = g->inputs[i];
    if (t < 0 || t >= nt) st = oct_ir_fail(g, OCT_ERR_INTERNAL, "graph input %d out of range", i);
    else state[t] = 1;
  }
  for (int i = 0; i < g->n_ops && !st; i++) {
    const oct_ir_op *o = &g->ops[i];
    if (o->dead) continue;
    for (int k = 0; k < o->n_inputs && !st; k++) {
      const int t = o->inputs[k];
      if (t < -1 || t >= nt)
        st = oct_ir_fail(g, OCT_ERR_INTERNAL, "op %d (%s '%s'): input %d out of range", i,
                         oct_ir_op_name(o->code), o->name, k);
      else if (t >= 0 && !state[t])
        st = oct_ir_fail(g, OCT_ERR_INTERNAL, "op %d (%s '%s') reads '%s' before it is written",
                         i, oct_ir_op_name(o->code), o->name, g->tensors[t].name);
    }
    for (int k = 0; k < o->n_outputs && !st; k++) {
      const int t = o->outputs[k];
      if (t < 0 || t >= nt)
        st = oct_ir_fail(g, OCT_ERR_INTERNAL, "op %d (%s '%s'): output %d out of range", i,
                         oct_ir_op_name(o->code), o->name, k);
      else if (state[t])
        st = oct_ir_fail(g, OCT_ERR_INTERNAL, "op %d (%s '%s') writes '%s', already defined",
                         i, oct_ir_op_name(o->code), o->name, g->tensors[t].name);
      else
        state[t] = 1;
    }
  }
  for (int i = 0; i < g->n_outputs && !st; i++) {
    const int t = g->outputs[i];
    if (t < 0 || t >= nt || !state[t])
      st = oct_ir_fail(g, OCT_ERR_INTERNAL, "graph output %d is never computed", i);
  }
  free(state);
  return st;
}

void oct_ir_count_ops(const oct_ir_graph *g, int *counts, int n) {
  for (int i = 0; i < n; i++) counts[i] = 0;
  for (int i = 0; i < g->n_ops; i++) {
    const int c = g->ops[i].code;
    if (!g->ops[i].dead && c >= 0 && c < n) counts[c]++;
  }
}
