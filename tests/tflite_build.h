/*
 * Builds small .tflite models in tests, with src/io/fb_builder: a list of
 * tensors (optionally constant, optionally quantized) and ops (builtin code,
 * tensor indices, options as scalar fields). Enough for planner tests and
 * op edge cases through the interpreter.
 */
#ifndef OCT_TEST_TFLITE_BUILD_H
#define OCT_TEST_TFLITE_BUILD_H

#include <stdint.h>
#include <string.h>

#include "io/fb_builder.h"
#include "octet/octet.h"

#define TB_MAX 64

typedef struct tb_tensor {
  const char *name;
  oct_dtype type;
  int rank;
  int32_t dims[OCT_MAX_RANK];
  const void *data; /* constant data, or NULL */
  size_t bytes;
  int nq;           /* quantization: number of scales (0 = none) */
  float scales[16];
  int64_t zps[16];
  int qdim;
} tb_tensor;

typedef struct tb_field {
  int id;
  char kind; /* 'b' byte, 'i' int32, 'f' float32, 'v' int32 vector */
  double v;
  const int32_t *vec;
  int vec_len;
} tb_field;

typedef struct tb_op {
  int code;
  int n_in, n_out;
  int32_t in[16], out[8];
  uint8_t options_type; /* BuiltinOptions union member; 0 = none */
  int n_fields;
  tb_field fields[12];
} tb_op;

typedef struct tb_model {
  int n_tensors, n_ops, n_inputs, n_outputs;
  tb_tensor tensors[TB_MAX];
  tb_op ops[TB_MAX];
  int32_t inputs[8], outputs[8];
} tb_model;

/* Serializes `m` into `b` (call oct_fbb_init first). */
static inline oct_status tb_build(const tb_model *m, oct_fbb *b) {
  uint32_t buffers[TB_MAX + 1], tensors[TB_MAX], ops[TB_MAX], codes[TB_MAX];
  int n_buffers = 0;
  /* Buffer 0 is the empty sentinel. */
  oct_fbb_start(b);
  buffers[n_buffers++] = oct_fbb_end(b);
  int32_t buffer_of[TB_MAX];
  for (int i = 0; i < m->n_tensors; i++) {
    buffer_of[i] = 0;
    if (!m->tensors[i].data) continue;
    uint32_t data = oct_fbb_vector(b, m->tensors[i].data, 1, m->tensors[i].bytes, 16);
    oct_fbb_start(b);
    oct_fbb_add_offset(b, 0, data);
    buffer_of[i] = n_buffers;
    buffers[n_buffers++] = oct_fbb_end(b);
  }
  for (int i = 0; i < m->n_tensors; i++) {
    const tb_tensor *t = &m->tensors[i];
    uint32_t shape = oct_fbb_vector(b, t->dims, 4, (size_t)t->rank, 4);
    uint32_t name = oct_fbb_string(b, t->name ? t->name : "");
    uint32_t quant = 0;
    if (t->nq) {
      uint32_t sc = oct_fbb_vector(b, t->scales, 4, (size_t)t->nq, 4);
      uint32_t zp = oct_fbb_vector(b, t->zps, 8, (size_t)t->nq, 8);
      oct_fbb_start(b);
      oct_fbb_add_offset(b, 2, sc);
      oct_fbb_add_offset(b, 3, zp);
      oct_fbb_add_i32(b, 6, t->qdim, 0);
      quant = oct_fbb_end(b);
    }
    oct_fbb_start(b);
    oct_fbb_add_offset(b, 0, shape);
    oct_fbb_add_i8(b, 1, (int8_t)t->type, 0);
    oct_fbb_add_u32(b, 2, (uint32_t)buffer_of[i], 0);
    oct_fbb_add_offset(b, 3, name);
    oct_fbb_add_offset(b, 4, quant);
    tensors[i] = oct_fbb_end(b);
  }
  /* One operator code per op keeps this simple. */
  for (int i = 0; i < m->n_ops; i++) {
    const tb_op *o = &m->ops[i];
    oct_fbb_start(b);
    oct_fbb_add_i8(b, 0, (int8_t)(o->code < 127 ? o->code : 127), 0);
    oct_fbb_add_i32(b, 2, 1, 0);
    oct_fbb_add_i32(b, 3, o->code, 0);
    codes[i] = oct_fbb_end(b);
  }
  for (int i = 0; i < m->n_ops; i++) {
    const tb_op *o = &m->ops[i];
    uint32_t vecs[12] = {0};
    for (int f = 0; f < o->n_fields; f++)
      if (o->fields[f].kind == 'v')
        vecs[f] = oct_fbb_vector(b, o->fields[f].vec, 4, (size_t)o->fields[f].vec_len, 4);
    uint32_t opts = 0;
    if (o->options_type) {
      oct_fbb_start(b);
      for (int f = 0; f < o->n_fields; f++) {
        const tb_field *x = &o->fields[f];
        if (x->kind == 'b') oct_fbb_add_i8(b, x->id, (int8_t)x->v, 0);
        else if (x->kind == 'i') oct_fbb_add_i32(b, x->id, (int32_t)x->v, 0);
        else if (x->kind == 'f') oct_fbb_add_f32(b, x->id, (float)x->v, 0.0f);
        else if (x->kind == 'v') oct_fbb_add_offset(b, x->id, vecs[f]);
      }
      opts = oct_fbb_end(b);
    }
    uint32_t in = oct_fbb_vector(b, o->in, 4, (size_t)o->n_in, 4);
    uint32_t out = oct_fbb_vector(b, o->out, 4, (size_t)o->n_out, 4);
    oct_fbb_start(b);
    oct_fbb_add_u32(b, 0, (uint32_t)i, 0);
    oct_fbb_add_offset(b, 1, in);
    oct_fbb_add_offset(b, 2, out);
    oct_fbb_add_u8(b, 3, o->options_type, 0);
    oct_fbb_add_offset(b, 4, opts);
    ops[i] = oct_fbb_end(b);
  }
  uint32_t tv = oct_fbb_offset_vector(b, tensors, (size_t)m->n_tensors);
  uint32_t iv = oct_fbb_vector(b, m->inputs, 4, (size_t)m->n_inputs, 4);
  uint32_t ov = oct_fbb_vector(b, m->outputs, 4, (size_t)m->n_outputs, 4);
  uint32_t opv = oct_fbb_offset_vector(b, ops, (size_t)m->n_ops);
  oct_fbb_start(b);
  oct_fbb_add_offset(b, 0, tv);
  oct_fbb_add_offset(b, 1, iv);
  oct_fbb_add_offset(b, 2, ov);
  oct_fbb_add_offset(b, 3, opv);
  uint32_t sg = oct_fbb_end(b);
  uint32_t sgv = oct_fbb_offset_vector(b, &sg, 1);
  uint32_t cv = oct_fbb_offset_vector(b, codes, (size_t)m->n_ops);
  uint32_t bv = oct_fbb_offset_vector(b, buffers, (size_t)n_buffers);
  oct_fbb_start(b);
  oct_fbb_add_u32(b, 0, 3, 0);
  oct_fbb_add_offset(b, 1, cv);
  oct_fbb_add_offset(b, 2, sgv);
  oct_fbb_add_offset(b, 4, bv);
  uint32_t root = oct_fbb_end(b);
  return oct_fbb_finish(b, root, "TFL3");
}

/* Adds a tensor; returns its index. */
static inline int tb_add_tensor(tb_model *m, const char *name, oct_dtype type,
                                int rank, const int32_t *dims) {
  tb_tensor *t = &m->tensors[m->n_tensors];
  memset(t, 0, sizeof *t);
  t->name = name;
  t->type = type;
  t->rank = rank;
  for (int i = 0; i < rank; i++) t->dims[i] = dims[i];
  return m->n_tensors++;
}

static inline tb_op *tb_add_op(tb_model *m, int code, int n_in, const int32_t *in,
                               int n_out, const int32_t *out) {
  tb_op *o = &m->ops[m->n_ops++];
  memset(o, 0, sizeof *o);
  o->code = code;
  o->n_in = n_in;
  o->n_out = n_out;
  for (int i = 0; i < n_in; i++) o->in[i] = in[i];
  for (int i = 0; i < n_out; i++) o->out[i] = out[i];
  return o;
}

#endif /* OCT_TEST_TFLITE_BUILD_H */
