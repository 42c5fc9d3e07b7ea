/*
 * Builds small ONNX models by hand in tests, with the protobuf-c structs
 * generated from onnx.proto, and packs them to bytes:
 *
 *   ob b;
 *   ob_init(&b, 13);
 *   ob_input(&b, "x", OB_FLOAT, 4, OB_DIMS(1, 3, 8, 8));
 *   ob_tensor_f32(&b, "w", 4, OB_DIMS(4, 3, 3, 3), weights);
 *   Onnx__NodeProto *n = ob_node(&b, "Conv", "x,w", "y");
 *   ob_attr_ints(&b, n, "pads", 4, OB_DIMS(1, 1, 1, 1));
 *   ob_output(&b, "y");
 *   size_t len;
 *   uint8_t *bytes = ob_pack(&b, &len);
 *   ...
 *   free(bytes);
 *   ob_free(&b);
 *
 * Every allocation is tracked and freed by ob_free.
 */
#ifndef OCT_TEST_ONNX_BUILD_H
#define OCT_TEST_ONNX_BUILD_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.pb-c.h"

#define OB_DIMS(...) ((const int64_t[]){__VA_ARGS__})
#define OB_FLOATS(...) ((const float[]){__VA_ARGS__})
enum { OB_FLOAT = 1, OB_UINT8 = 2, OB_INT8 = 3, OB_INT32 = 6, OB_INT64 = 7, OB_FLOAT16 = 10 };
/* A dimension written as the symbolic "N" (or, at other axes, "S"). */
#define OB_SYM (-1)

#define OB_MAX 256

typedef struct ob {
  void *allocs[4 * OB_MAX];
  int n_allocs;
  Onnx__ModelProto model;
  Onnx__GraphProto graph;
  Onnx__OperatorSetIdProto opset;
  Onnx__OperatorSetIdProto *opsets[1];
  Onnx__NodeProto *nodes[OB_MAX];
  Onnx__TensorProto *inits[OB_MAX];
  Onnx__ValueInfoProto *inputs[OB_MAX], *outputs[OB_MAX];
  size_t n_nodes, n_inits, n_inputs, n_outputs;
} ob;

static inline void *ob_alloc(ob *b, size_t n) {
  void *p = calloc(1, n ? n : 1);
  if (!p || b->n_allocs >= 4 * OB_MAX) abort();
  b->allocs[b->n_allocs++] = p;
  return p;
}

static inline char *ob_str(ob *b, const char *s) {
  char *d = ob_alloc(b, strlen(s) + 1);
  strcpy(d, s);
  return d;
}

static inline void ob_init(ob *b, int opset) {
  memset(b, 0, sizeof *b);
  onnx__model_proto__init(&b->model);
  onnx__graph_proto__init(&b->graph);
  onnx__operator_set_id_proto__init(&b->opset);
  b->model.has_ir_version = 1;
  b->model.ir_version = 7;
  b->opset.domain = ob_str(b, "");
  b->opset.has_version = 1;
  b->opset.version = opset;
  b->opsets[0] = &b->opset;
  b->model.n_opset_import = 1;
  b->model.opset_import = b->opsets;
  b->model.graph = &b->graph;
  b->graph.name = ob_str(b, "test");
}

/* A tensor-typed value info; rank < 0 leaves the shape out. */
static inline Onnx__ValueInfoProto *ob_value_info(ob *b, const char *name, int elem, int rank,
                                                  const int64_t *dims) {
  Onnx__ValueInfoProto *vi = ob_alloc(b, sizeof *vi);
  onnx__value_info_proto__init(vi);
  vi->name = ob_str(b, name);
  if (elem <= 0) return vi;
  Onnx__TypeProto *tp = ob_alloc(b, sizeof *tp);
  onnx__type_proto__init(tp);
  Onnx__TypeProto__Tensor *tt = ob_alloc(b, sizeof *tt);
  onnx__type_proto__tensor__init(tt);
  tt->has_elem_type = 1;
  tt->elem_type = elem;
  tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
  tp->tensor_type = tt;
  vi->type = tp;
  if (rank < 0) return vi;
  Onnx__TensorShapeProto *sh = ob_alloc(b, sizeof *sh);
  onnx__tensor_shape_proto__init(sh);
  sh->n_dim = (size_t)rank;
  sh->dim = ob_alloc(b, (size_t)(rank ? rank : 1) * sizeof *sh->dim);
  for (int i = 0; i < rank; i++) {
    Onnx__TensorShapeProto__Dimension *d = ob_alloc(b, sizeof *d);
    onnx__tensor_shape_proto__dimension__init(d);
    if (dims[i] == OB_SYM) {
      d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
      d->dim_param = ob_str(b, i ? "S" : "N");
    } else {
      d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
      d->dim_value = dims[i];
    }
    sh->dim[i] = d;
  }
  tt->shape = sh;
  return vi;
}

static inline void ob_input(ob *b, const char *name, int elem, int rank, const int64_t *dims) {
  b->inputs[b->n_inputs++] = ob_value_info(b, name, elem, rank, dims);
}

static inline void ob_output(ob *b, const char *name) {
  b->outputs[b->n_outputs++] = ob_value_info(b, name, OB_FLOAT, -1, NULL);
}

/* A tensor (raw_data holding `bytes` bytes, which may disagree with dims
 * on purpose). */
static inline Onnx__TensorProto *ob_tensor_raw(ob *b, const char *name, int elem, int rank,
                                               const int64_t *dims, const void *data,
                                               size_t bytes) {
  Onnx__TensorProto *t = ob_alloc(b, sizeof *t);
  onnx__tensor_proto__init(t);
  t->name = ob_str(b, name);
  t->has_data_type = 1;
  t->data_type = elem;
  t->n_dims = (size_t)rank;
  t->dims = ob_alloc(b, (size_t)(rank ? rank : 1) * sizeof *t->dims);
  for (int i = 0; i < rank; i++) t->dims[i] = dims[i];
  t->has_raw_data = 1;
  t->raw_data.len = bytes;
  t->raw_data.data = ob_alloc(b, bytes);
  if (bytes) memcpy(t->raw_data.data, data, bytes);
  return t;
}

static inline int64_t ob_count(int rank, const int64_t *dims) {
  int64_t n = 1;
  for (int i = 0; i < rank; i++) n *= dims[i];
  return n;
}

/* An initializer. */
static inline Onnx__TensorProto *ob_tensor_f32(ob *b, const char *name, int rank,
                                               const int64_t *dims, const float *data) {
  Onnx__TensorProto *t = ob_tensor_raw(b, name, OB_FLOAT, rank, dims, data,
                                       (size_t)ob_count(rank, dims) * 4);
  b->inits[b->n_inits++] = t;
  return t;
}

static inline Onnx__TensorProto *ob_tensor_i64(ob *b, const char *name, int rank,
                                               const int64_t *dims, const int64_t *data) {
  Onnx__TensorProto *t = ob_tensor_raw(b, name, OB_INT64, rank, dims, data,
                                       (size_t)ob_count(rank, dims) * 8);
  b->inits[b->n_inits++] = t;
  return t;
}

/* A node; `ins` and `outs` are comma-separated names (an empty entry is an
 * omitted optional input). Named after its first output. */
static inline Onnx__NodeProto *ob_node(ob *b, const char *op, const char *ins, const char *outs) {
  Onnx__NodeProto *n = ob_alloc(b, sizeof *n);
  onnx__node_proto__init(n);
  n->op_type = ob_str(b, op);
  for (int pass = 0; pass < 2; pass++) {
    const char *list = pass ? outs : ins;
    size_t cnt = *list ? 1 : 0;
    for (const char *p = list; *p; p++) cnt += *p == ',';
    char **names = ob_alloc(b, (cnt ? cnt : 1) * sizeof *names);
    const char *p = list;
    for (size_t i = 0; i < cnt; i++) {
      const char *e = strchr(p, ',');
      const size_t len = e ? (size_t)(e - p) : strlen(p);
      names[i] = ob_alloc(b, len + 1);
      memcpy(names[i], p, len);
      p = e ? e + 1 : p + len;
    }
    if (pass) {
      n->n_output = cnt;
      n->output = names;
    } else {
      n->n_input = cnt;
      n->input = names;
    }
  }
  n->name = ob_str(b, n->n_output ? n->output[0] : op);
  b->nodes[b->n_nodes++] = n;
  return n;
}

static inline Onnx__AttributeProto *ob_attr(ob *b, Onnx__NodeProto *n, const char *name, int type) {
  Onnx__AttributeProto **arr = ob_alloc(b, (n->n_attribute + 1) * sizeof *arr);
  for (size_t i = 0; i < n->n_attribute; i++) arr[i] = n->attribute[i];
  Onnx__AttributeProto *a = ob_alloc(b, sizeof *a);
  onnx__attribute_proto__init(a);
  a->name = ob_str(b, name);
  a->has_type = 1;
  a->type = (Onnx__AttributeProto__AttributeType)type;
  arr[n->n_attribute++] = a;
  n->attribute = arr;
  return a;
}

static inline void ob_attr_int(ob *b, Onnx__NodeProto *n, const char *name, int64_t v) {
  Onnx__AttributeProto *a = ob_attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
  a->has_i = 1;
  a->i = v;
}

static inline void ob_attr_float(ob *b, Onnx__NodeProto *n, const char *name, float v) {
  Onnx__AttributeProto *a = ob_attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
  a->has_f = 1;
  a->f = v;
}

static inline void ob_attr_ints(ob *b, Onnx__NodeProto *n, const char *name, int cnt,
                                const int64_t *v) {
  Onnx__AttributeProto *a = ob_attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
  a->n_ints = (size_t)cnt;
  a->ints = ob_alloc(b, (size_t)(cnt ? cnt : 1) * sizeof *a->ints);
  for (int i = 0; i < cnt; i++) a->ints[i] = v[i];
}

static inline void ob_attr_str(ob *b, Onnx__NodeProto *n, const char *name, const char *v) {
  Onnx__AttributeProto *a = ob_attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
  a->has_s = 1;
  a->s.len = strlen(v);
  a->s.data = (uint8_t *)ob_str(b, v);
}

/* A Constant node holding a float32 tensor. */
static inline void ob_const_f32(ob *b, const char *out, int rank, const int64_t *dims,
                                const float *data) {
  Onnx__NodeProto *n = ob_node(b, "Constant", "", out);
  Onnx__AttributeProto *a = ob_attr(b, n, "value", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR);
  a->t = ob_tensor_raw(b, out, OB_FLOAT, rank, dims, data, (size_t)ob_count(rank, dims) * 4);
}

static inline uint8_t *ob_pack(ob *b, size_t *len) {
  b->graph.n_node = b->n_nodes;
  b->graph.node = b->nodes;
  b->graph.n_initializer = b->n_inits;
  b->graph.initializer = b->inits;
  b->graph.n_input = b->n_inputs;
  b->graph.input = b->inputs;
  b->graph.n_output = b->n_outputs;
  b->graph.output = b->outputs;
  *len = onnx__model_proto__get_packed_size(&b->model);
  uint8_t *out = malloc(*len ? *len : 1);
  if (!out) abort();
  onnx__model_proto__pack(&b->model, out);
  return out;
}

static inline void ob_free(ob *b) {
  for (int i = 0; i < b->n_allocs; i++) free(b->allocs[i]);
  b->n_allocs = 0;
}

#endif /* OCT_TEST_ONNX_BUILD_H */
