/*
 * The ONNX importer's driver: unpacks the model, reads the opset, turns
 * initializers into constants and graph inputs into IR inputs, then walks
 * the nodes in order. Each node is either evaluated (all inputs constant and
 * an evaluator exists, onnx_const.c) or translated by its handler from the
 * dispatch table below. Graph outputs get their layout back at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx_internal.h"

/* Every op the importer knows, with the attributes its handler reads: any
 * other attribute is reported, never ignored. A NULL handler means the op
 * is only evaluated at import (its inputs must be constant). */
static const struct op_entry {
  const char *op;
  oct_onnx_fn fn;
  int min_in; /* inputs that must be present */
  const char *attrs;
} k_ops[] = {
    {"Abs", oct_onnx_unary, 1, ""},
    {"Add", oct_onnx_binary, 2, ""},
    {"ArgMax", oct_onnx_arg, 1, "axis,keepdims,select_last_index"},
    {"ArgMin", oct_onnx_arg, 1, "axis,keepdims,select_last_index"},
    {"AveragePool", oct_onnx_pool, 1, "auto_pad,ceil_mode,count_include_pad,kernel_shape,pads,strides"},
    {"BatchNormalization", oct_onnx_batch_norm, 5, "epsilon,momentum,spatial,training_mode"},
    {"Cast", oct_onnx_cast, 1, "to"},
    {"Clip", oct_onnx_clip, 1, "min,max"},
    {"Concat", oct_onnx_concat, 1, "axis"},
    {"Constant", NULL, 0, "value,value_float,value_floats,value_int,value_ints"},
    {"ConstantOfShape", NULL, 1, "value"},
    {"Conv", oct_onnx_conv, 2, "auto_pad,dilations,group,kernel_shape,pads,strides"},
    {"ConvInteger", oct_onnx_qlinear, 2, "auto_pad,dilations,group,kernel_shape,pads,strides"},
    {"ConvTranspose", oct_onnx_conv_transpose, 2,
     "auto_pad,dilations,group,kernel_shape,output_padding,output_shape,pads,strides"},
    {"DepthToSpace", oct_onnx_depth_space, 1, "blocksize,mode"},
    {"DequantizeLinear", oct_onnx_dequantize_linear, 2, "axis"},
    {"Div", oct_onnx_binary, 2, ""},
    {"Dropout", oct_onnx_identity, 1, "ratio,seed"},
    {"Equal", NULL, 2, ""},
    {"Erf", oct_onnx_erf, 1, ""},
    {"Exp", oct_onnx_unary, 1, ""},
    {"Expand", oct_onnx_expand, 2, ""},
    {"Flatten", oct_onnx_flatten, 1, "axis"},
    {"Floor", oct_onnx_unary, 1, ""},
    {"Gather", oct_onnx_gather, 2, "axis"},
    {"Gemm", oct_onnx_gemm, 2, "alpha,beta,transA,transB"},
    {"GlobalAveragePool", oct_onnx_global_pool, 1, ""},
    {"GlobalMaxPool", oct_onnx_global_pool, 1, ""},
    {"HardSigmoid", oct_onnx_hard_sigmoid, 1, "alpha,beta"},
    {"HardSwish", oct_onnx_unary, 1, ""},
    {"Identity", oct_onnx_identity, 1, ""},
    {"LeakyRelu", oct_onnx_leaky_relu, 1, "alpha"},
    {"LogSoftmax", oct_onnx_softmax, 1, "axis"},
    {"MatMul", oct_onnx_matmul, 2, ""},
    {"MatMulInteger", oct_onnx_qlinear, 2, ""},
    {"Max", oct_onnx_variadic, 1, ""},
    {"MaxPool", oct_onnx_pool, 1,
     "auto_pad,ceil_mode,dilations,kernel_shape,pads,storage_order,strides"},
    {"Min", oct_onnx_variadic, 1, ""},
    {"Mul", oct_onnx_binary, 2, ""},
    {"Neg", oct_onnx_unary, 1, ""},
    {"PRelu", oct_onnx_prelu, 2, ""},
    {"Pad", oct_onnx_pad, 1, "mode,pads,value"},
    {"Pow", oct_onnx_pow, 2, ""},
    {"QLinearConv", oct_onnx_qlinear, 8, "auto_pad,dilations,group,kernel_shape,pads,strides"},
    {"QLinearMatMul", oct_onnx_qlinear, 8, ""},
    {"QuantizeLinear", oct_onnx_quantize_linear, 2, "axis"},
    {"Range", NULL, 3, ""},
    {"ReduceMax", oct_onnx_reduce, 1, "axes,keepdims"},
    {"ReduceMean", oct_onnx_reduce, 1, "axes,keepdims"},
    {"ReduceSum", oct_onnx_reduce, 1, "axes,keepdims,noop_with_empty_axes"},
    {"Relu", oct_onnx_unary, 1, ""},
    {"Reshape", oct_onnx_reshape, 2, "allowzero"},
    {"Resize", oct_onnx_resize, 1,
     "coordinate_transformation_mode,cubic_coeff_a,exclude_outside,extrapolation_value,mode,"
     "nearest_mode"},
    {"Shape", NULL, 1, "start,end"},
    {"Sigmoid", oct_onnx_unary, 1, ""},
    {"Size", NULL, 1, ""},
    {"Slice", oct_onnx_slice, 1, "axes,ends,starts"},
    {"Softmax", oct_onnx_softmax, 1, "axis"},
    {"SpaceToDepth", oct_onnx_depth_space, 1, "blocksize"},
    {"Split", oct_onnx_split, 1, "axis,split"},
    {"Sqrt", oct_onnx_unary, 1, ""},
    {"Squeeze", oct_onnx_squeeze, 1, "axes"},
    {"Sub", oct_onnx_binary, 2, ""},
    {"Sum", oct_onnx_variadic, 1, ""},
    {"Tanh", oct_onnx_unary, 1, ""},
    {"Transpose", oct_onnx_transpose, 1, "perm"},
    {"Unsqueeze", oct_onnx_squeeze, 1, "axes"},
    {"Upsample", oct_onnx_resize, 1, "mode,scales"},
    {"Where", NULL, 3, ""},
};

static const struct op_entry *find_op(const char *op) {
  size_t lo = 0, hi = sizeof k_ops / sizeof k_ops[0];
  while (lo < hi) { /* the table is sorted by name */
    const size_t mid = (lo + hi) / 2;
    const int cmp = strcmp(op, k_ops[mid].op);
    if (!cmp) return &k_ops[mid];
    if (cmp < 0) hi = mid;
    else lo = mid + 1;
  }
  return NULL;
}

int oct_onnx_op_supported(const char *op) { return op && find_op(op) != NULL; }

static int attr_listed(const char *list, const char *name) {
  const size_t n = strlen(name);
  for (const char *p = list; *p;) {
    const char *e = strchr(p, ',');
    const size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len == n && !memcmp(p, name, n)) return 1;
    if (!e) break;
    p = e + 1;
  }
  return 0;
}

oct_status oct_onnx_charge(oct_onnx_ctx *c, size_t bytes, const char *what) {
  const size_t cap = c->opts.max_const_bytes ? c->opts.max_const_bytes : OCT_ONNX_MAX_CONST_BYTES;
  if (bytes > cap || c->const_bytes > cap - bytes)
    return oct_onnx_fail(c, OCT_ERR_LIMIT,
                         "%s: %zu more bytes of constants would pass the importer's cap of %zu "
                         "(%zu used)", what, bytes, cap, c->const_bytes);
  c->const_bytes += bytes;
  return OCT_OK;
}

/* ---- the value table ---- */
static uint64_t hash_name(const char *s) {
  uint64_t h = 1469598103934665603ull;
  for (; *s; s++) h = (h ^ (uint8_t)*s) * 1099511628211ull;
  return h;
}

oct_onnx_value *oct_onnx_find(oct_onnx_ctx *c, const char *name) {
  size_t i = (size_t)hash_name(name) & (c->hash_cap - 1);
  for (; c->hash[i] >= 0; i = (i + 1) & (c->hash_cap - 1))
    if (!strcmp(c->vals[c->hash[i]].name, name)) return &c->vals[c->hash[i]];
  return NULL;
}

/* Registers a new name; NULL (with the error set) if it exists already. */
static oct_onnx_value *add_value(oct_onnx_ctx *c, const char *name, const char *what) {
  if (oct_onnx_find(c, name)) {
    oct_onnx_fail(c, OCT_ERR_MODEL, "%s '%s' is defined twice", what, name);
    return NULL;
  }
  if (c->n_vals >= c->cap_vals) {
    oct_onnx_fail(c, OCT_ERR_INTERNAL, "value table is full");
    return NULL;
  }
  oct_onnx_value *v = &c->vals[c->n_vals];
  memset(v, 0, sizeof *v);
  v->name = name;
  v->rank = -1;
  v->t_onnx = v->t_nhwc = -1;
  v->producer = -1;
  size_t i = (size_t)hash_name(name) & (c->hash_cap - 1);
  while (c->hash[i] >= 0) i = (i + 1) & (c->hash_cap - 1);
  c->hash[i] = c->n_vals++;
  return v;
}

/* ---- graph inputs ---- */
static oct_status add_graph_input(oct_onnx_ctx *c, const Onnx__ValueInfoProto *vi) {
  const char *name = vi->name ? vi->name : "";
  oct_onnx_value *v = oct_onnx_find(c, name);
  if (v && v->is_const) return OCT_OK; /* an initializer's default: a constant */
  if (!(v = add_value(c, name, "graph input"))) return c->last;
  const Onnx__TypeProto *tp = vi->type;
  if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !tp->tensor_type)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "graph input '%s' is not a tensor", name);
  const Onnx__TypeProto__Tensor *tt = tp->tensor_type;
  oct_dtype type;
  if (!oct_onnx_dtype(tt->elem_type, &type))
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "graph input '%s' has data type %s", name,
                         oct_onnx_dtype_name(tt->elem_type));
  if (!tt->shape)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED,
                         "graph input '%s' has no shape; octet needs static shapes", name);
  if (tt->shape->n_dim > OCT_MAX_RANK)
    return oct_onnx_fail(c, OCT_ERR_LIMIT, "graph input '%s' has rank %zu; at most %d", name,
                         tt->shape->n_dim, OCT_MAX_RANK);
  const int rank = (int)tt->shape->n_dim;
  int64_t dims[OCT_MAX_RANK];
  for (int k = 0; k < rank; k++) {
    const Onnx__TensorShapeProto__Dimension *d = tt->shape->dim[k];
    if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
      if (d->dim_value <= 0)
        return oct_onnx_fail(c, d->dim_value ? OCT_ERR_MODEL : OCT_ERR_UNSUPPORTED,
                             "graph input '%s' dimension %d has size %lld (empty tensors are "
                             "not supported)", name, k, (long long)d->dim_value);
      dims[k] = d->dim_value;
    } else if (k == 0) {
      dims[k] = c->opts.batch > 0 ? c->opts.batch : 1; /* dynamic batch */
    } else {
      const char *sym = d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM &&
                                d->dim_param ? d->dim_param : "?";
      return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED,
                           "graph input '%s' dimension %d is dynamic ('%s'); only the batch "
                           "dimension may be (export with a static shape)", name, k, sym);
    }
  }
  char what[160];
  snprintf(what, sizeof what, "graph input '%s'", name);
  oct_status st = oct_onnx_check_shape(c, what, type, rank, dims, 0);
  if (st) return st;
  int32_t d32[OCT_MAX_RANK];
  for (int k = 0; k < rank; k++) d32[k] = (int32_t)dims[k];
  const int nhwc = c->opts.nhwc_io && rank == 4;
  const int t = oct_onnx_define(c, v, type, rank, d32, nhwc);
  if (t < 0) return c->last;
  if (nhwc) { /* the caller sees the plain name */
    free(c->g->tensors[t].name);
    c->g->tensors[t].name = strdup(name);
    if (!c->g->tensors[t].name) return oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
  }
  if (oct_ir_add_input(c->g, t)) return oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
  return OCT_OK;
}

/* ---- graph outputs ---- */
static oct_status rename_tensor(oct_onnx_ctx *c, int t, const char *name, const char *suffix) {
  const size_t n = strlen(name) + strlen(suffix) + 1;
  char *s = malloc(n);
  if (!s) return oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
  snprintf(s, n, "%s%s", name, suffix);
  free(c->g->tensors[t].name);
  c->g->tensors[t].name = s;
  return OCT_OK;
}

static oct_status add_graph_output(oct_onnx_ctx *c, const Onnx__ValueInfoProto *vi) {
  const char *name = vi->name ? vi->name : "";
  oct_onnx_value *v = oct_onnx_find(c, name);
  if (!v || !v->defined)
    return oct_onnx_fail(c, OCT_ERR_MODEL, "graph output '%s' is never computed", name);
  const int nhwc = c->opts.nhwc_io && v->rank == 4;
  int t = oct_onnx_tensor(c, v, nhwc);
  if (t < 0) return c->last;
  const oct_ir_tensor *x = &c->g->tensors[t];
  if (x->is_input || x->data || x->is_output) {
    /* An output must be a tensor of its own that an op writes. */
    int32_t dims[OCT_MAX_RANK];
    memcpy(dims, x->dims, sizeof dims);
    const int t2 = oct_onnx_tmp(c, x->type, x->rank, dims, "output");
    if (t2 < 0 || !oct_onnx_op(c, OCT_IR_IDENTITY, 1, &t, 1, &t2)) return c->last;
    if (c->g->tensors[t].data && !strcmp(c->g->tensors[t].name, name) &&
        rename_tensor(c, t, name, "_value"))
      return c->last;
    t = t2;
  }
  const int other = nhwc ? v->t_onnx : -1;
  if (other >= 0 && other != t && !strcmp(c->g->tensors[other].name, name))
    if (rename_tensor(c, other, name, "_nchw")) return c->last;
  if (strcmp(c->g->tensors[t].name, name) && rename_tensor(c, t, name, "")) return c->last;
  if (oct_ir_add_output(c->g, t)) return oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
  return OCT_OK;
}

/* ---- nodes ---- */
static oct_status check_attrs(oct_onnx_ctx *c, const oct_onnx_node *n, const char *allowed) {
  for (size_t i = 0; i < n->p->n_attribute; i++) {
    const Onnx__AttributeProto *a = n->p->attribute[i];
    const char *an = a->name ? a->name : "";
    if (a->ref_attr_name && a->ref_attr_name[0])
      return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "attribute '%s' refers to a function's "
                           "attribute", an);
    if (!attr_listed(allowed, an))
      return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "attribute '%s' is not supported", an);
  }
  return OCT_OK;
}

static oct_status translate(oct_onnx_ctx *c, oct_onnx_node *n) {
  const Onnx__NodeProto *p = n->p;
  if (p->domain && p->domain[0] && strcmp(p->domain, "ai.onnx"))
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "ops of domain '%s' are not supported",
                         p->domain);
  const struct op_entry *e = find_op(n->op);
  if (!e)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "op type %s is not supported by octet",
                         n->op);
  oct_status st = check_attrs(c, n, e->attrs);
  if (st) return st;
  if (n->n_out < 1 || !n->out[0])
    return oct_onnx_fail(c, OCT_ERR_MODEL, "has no (named) first output");
  for (int i = 0; i < e->min_in; i++)
    if (i >= n->n_in || !n->in[i])
      return oct_onnx_fail(c, OCT_ERR_MODEL, "input %d is missing (needs %d)", i, e->min_in);
  /* the last Mul of a GELU: its inputs are the pattern's skipped values */
  if (c->pat[n->index] == OCT_ONNX_PAT_GELU) return oct_onnx_gelu(c, n);
  int all_const = 1;
  for (int i = 0; i < n->n_in; i++) {
    oct_onnx_value *v = n->in[i];
    if (!v) continue;
    if (!v->defined)
      return oct_onnx_fail(c, OCT_ERR_MODEL, "input '%s' is not computed by any earlier node",
                           v->name);
    all_const &= v->is_const;
  }
  if (oct_onnx_folds_from_shape(n->op)) all_const = 1;
  const oct_onnx_fn fold = oct_onnx_folder(n->op);
  int done = 0;
  if (fold && all_const) {
    if ((st = fold(c, n))) return st;
    for (int i = 0; i < n->n_out; i++) done |= n->out[i] && n->out[i]->defined;
  }
  if (!done && !e->fn)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED,
                         "supported only when its inputs are constant (evaluated at import)");
  if (!done && (st = e->fn(c, n))) return st;
  for (int i = 0; i < n->n_out; i++)
    if (n->out[i] && !n->out[i]->defined && n->out[i]->uses > 0)
      return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "output %d ('%s') is not supported", i,
                           n->out[i]->name);
  return OCT_OK;
}

static oct_status read_opset(oct_onnx_ctx *c, const Onnx__ModelProto *m) {
  c->opset = -1;
  for (size_t i = 0; i < m->n_opset_import; i++) {
    const Onnx__OperatorSetIdProto *o = m->opset_import[i];
    const char *d = o->domain ? o->domain : "";
    if (!d[0] || !strcmp(d, "ai.onnx"))
      c->opset = !o->has_version || o->version < 0 ? -1 : o->version > 1000 ? 1000 : (int)o->version;
  }
  if (c->opset < 0)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "the model imports no default ONNX opset");
  if (c->opset < 7 || c->opset > 17)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED,
                         "ONNX opset %d is not supported (octet reads opsets 7 to 17)",
                         c->opset);
  return OCT_OK;
}

static oct_status import_graph(oct_onnx_ctx *c, const Onnx__ModelProto *m, oct_onnx_node **nodes_out) {
  const Onnx__GraphProto *gp = m->graph;
  if (!gp) return oct_onnx_fail(c, OCT_ERR_MODEL, "the ONNX model has no graph");
  c->graph = gp;
  if (gp->n_sparse_initializer)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "sparse initializers are not supported");
  const size_t nn = gp->n_node;
  size_t total = gp->n_initializer + gp->n_input, io = 0;
  for (size_t i = 0; i < nn; i++) {
    total += gp->node[i]->n_output;
    io += gp->node[i]->n_input + gp->node[i]->n_output;
  }
  if (total > (1u << 24) || nn > (1u << 24))
    return oct_onnx_fail(c, OCT_ERR_LIMIT, "the graph has too many nodes or values");
  c->cap_vals = (int)total;
  c->hash_cap = 16;
  while (c->hash_cap < 2 * total) c->hash_cap *= 2;
  c->vals = calloc(total ? total : 1, sizeof *c->vals);
  c->hash = malloc(c->hash_cap * sizeof *c->hash);
  c->pat = calloc(nn ? nn : 1, 1);
  c->pat_arg = calloc(nn ? nn : 1, sizeof *c->pat_arg);
  oct_onnx_node *nodes = calloc(nn ? nn : 1, sizeof *nodes);
  oct_onnx_value **slots = calloc(io ? io : 1, sizeof *slots);
  *nodes_out = nodes;
  if (!c->vals || !c->hash || !c->pat || !c->pat_arg || !nodes || !slots) {
    free(slots);
    return oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
  }
  nodes[0].in = slots; /* freed through nodes[0].in */
  memset(c->hash, 0xff, c->hash_cap * sizeof *c->hash);

  oct_status st;
  for (size_t i = 0; i < gp->n_initializer; i++) {
    const Onnx__TensorProto *tp = gp->initializer[i];
    const char *name = tp->name ? tp->name : "";
    oct_onnx_value *v = add_value(c, name, "initializer");
    if (!v) return c->last;
    char what[160];
    snprintf(what, sizeof what, "initializer '%s'", name);
    if ((st = oct_onnx_parse_tensor(c, tp, what, v))) return st;
    v->defined = 1;
  }
  for (size_t i = 0; i < gp->n_input; i++)
    if ((st = add_graph_input(c, gp->input[i]))) return st;

  /* Nodes: register outputs, resolve inputs, count uses. */
  oct_onnx_value **slot = slots;
  for (size_t i = 0; i < nn; i++) {
    const Onnx__NodeProto *p = gp->node[i];
    oct_onnx_node *n = &nodes[i];
    n->p = p;
    n->index = (int)i;
    n->op = p->op_type ? p->op_type : "";
    n->name = p->name && p->name[0] ? p->name
              : p->n_output && p->output[0] && p->output[0][0] ? p->output[0] : n->op;
    n->n_in = (int)p->n_input;
    n->n_out = (int)p->n_output;
    n->in = slot;
    slot += n->n_in;
    n->out = slot;
    slot += n->n_out;
    c->cur = n;
    for (int k = 0; k < n->n_in; k++) {
      const char *in = p->input[k] ? p->input[k] : "";
      if (!in[0]) continue;
      if (!(n->in[k] = oct_onnx_find(c, in)))
        return oct_onnx_fail(c, OCT_ERR_MODEL, "input '%s' is not computed by any earlier "
                             "node (the graph must be in topological order)", in);
      n->in[k]->uses++;
    }
    for (int k = 0; k < n->n_out; k++) {
      const char *out = p->output[k] ? p->output[k] : "";
      if (!out[0]) continue;
      if (!(n->out[k] = add_value(c, out, "value"))) return c->last;
      n->out[k]->producer = (int)i;
    }
    c->cur = NULL;
  }
  for (size_t i = 0; i < gp->n_output; i++) {
    oct_onnx_value *v = oct_onnx_find(c, gp->output[i]->name ? gp->output[i]->name : "");
    if (v) v->uses++;
  }
  if ((st = oct_onnx_find_patterns(c, nodes, (int)nn))) return st;
  for (size_t i = 0; i < nn; i++) {
    if (c->pat[i] == OCT_ONNX_PAT_SKIP) continue;
    c->cur = &nodes[i];
    if ((st = translate(c, &nodes[i]))) return st;
    c->cur = NULL;
  }
  c->cur = NULL;
  if (!gp->n_output) return oct_onnx_fail(c, OCT_ERR_MODEL, "the graph has no outputs");
  for (size_t i = 0; i < gp->n_output; i++)
    if ((st = add_graph_output(c, gp->output[i]))) return st;
  return OCT_OK;
}

oct_status oct_onnx_import(const void *bytes, size_t size, const oct_onnx_options *opts,
                           oct_ir_graph *g) {
  if (!g) return OCT_ERR_INVALID_ARG;
  if (!bytes && size) return oct_ir_fail(g, OCT_ERR_INVALID_ARG, "no model bytes");
  if (opts && opts->batch < 0)
    return oct_ir_fail(g, OCT_ERR_INVALID_ARG, "batch size %d is negative", opts->batch);
  if (!size) return oct_ir_fail(g, OCT_ERR_MODEL, "the ONNX file is empty");
  oct_status st = oct_onnx_wire_check(bytes, size, g);
  if (st) return st;
  Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, size, bytes);
  if (!m) return oct_ir_fail(g, OCT_ERR_MODEL, "not a valid ONNX model (protobuf unpack failed)");
  oct_onnx_ctx c;
  memset(&c, 0, sizeof c);
  c.g = g;
  if (opts) c.opts = *opts;
  oct_onnx_node *nodes = NULL;
  st = read_opset(&c, m);
  if (!st) st = import_graph(&c, m, &nodes);
  if (!st && oct_ir_verify(g)) {
    char msg[sizeof g->err.message];
    memcpy(msg, g->err.message, sizeof msg);
    msg[sizeof msg - 1] = 0;
    st = oct_ir_fail(g, OCT_ERR_INTERNAL, "ONNX import made an invalid graph: %s", msg);
  }
  for (int i = 0; i < c.n_vals; i++) free(c.vals[i].data);
  if (nodes) free(nodes[0].in);
  free(nodes);
  free(c.vals);
  free(c.hash);
  free(c.pat);
  free(c.pat_arg);
  onnx__model_proto__free_unpacked(m, NULL);
  return st;
}
