/*
 * Runs single-op models through the public API and checks them against
 * recorded TFLite 2.9 results (tflite_cases.h, made by gen_tflite_cases.py)
 * or against the test's own expectations.
 *
 * The input generators here mirror gen_input() in the generator script bit
 * for bit: the recorded hashes only hold if both produce the same inputs.
 * Include it before any system header (it asks for posix_memalign).
 */
#ifndef OCT_TESTS_ELEMENTWISE_CASES_H
#define OCT_TESTS_ELEMENTWISE_CASES_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* posix_memalign */
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "octet/octet.h"
#include "test_util.h"
#include "tflite_build.h"

/* A single-op model: tensors 0..n_in-1 are the op's inputs, the rest its
 * outputs; tensors without constant data are the model's inputs/outputs.
 * Turned into tests/tflite_build.h's tb_model by ew_open. */
typedef struct ew_tensor {
  oct_dtype type;
  int rank;
  int32_t dims[8];
  int quantized; /* 0: no quantization table */
  int n_scales;  /* 0 or 1: per tensor, from scale/zero_point */
  float scale;
  int64_t zero_point;
  const float *scales; /* n_scales > 1: per channel */
  const int64_t *zero_points;
  int32_t qdim;
  const void *data; /* constant data, or NULL */
  size_t data_bytes;
} ew_tensor;

/* An options field: id, and a 1-byte integer or a float32 (size 4). */
typedef struct ew_field {
  int id;
  int size;
  uint32_t bits;
} ew_field;

typedef struct ew_model {
  int32_t op;
  int32_t version;
  ew_tensor t[6];
  int n_tensors;
  int opt_type; /* BuiltinOptions union type, 0 = none */
  ew_field opt[4];
  int n_opt;
  int n_in;
} ew_model;

static inline ew_field ew_f32(int id, float v) {
  ew_field f = {id, 4, 0};
  memcpy(&f.bits, &v, 4);
  return f;
}
static inline ew_field ew_u8(int id, uint8_t v) {
  ew_field f = {id, 1, v};
  return f;
}

typedef enum ew_gen { EW_GEN_ALL, EW_GEN_LCG, EW_GEN_RAMP } ew_gen;

typedef struct ew_tensor_spec {
  oct_dtype type;
  int rank;
  int32_t dims[6];
  int quantized;
  int n_scales;
  float scales[4];
  int64_t zps[4];
  int32_t qdim;
} ew_tensor_spec;

typedef struct ew_case {
  const char *name;
  int32_t op, version;
  int opt_type, n_opt;
  ew_field opt[2];
  int n_in, n_tensors;
  ew_tensor_spec t[3];
  ew_gen gen[2];
  uint32_t seed;
  float step;
  int tflite_rejects;
  uint64_t hash; /* FNV-1a 64 of TFLite's output bytes */
  int n_head;
  int64_t head[8]; /* first outputs (float32 as bit patterns) */
} ew_case;

static inline size_t ew_elem_size(oct_dtype t) {
  switch (t) {
    case OCT_INT8:
    case OCT_UINT8:
      return 1;
    case OCT_INT16:
    case OCT_FLOAT16:
      return 2;
    default:
      return 4;
  }
}

static inline uint64_t ew_fnv1a64(const void *p, size_t n) {
  const uint8_t *b = p;
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ull;
  return h;
}

static inline void ew_range(oct_dtype t, int64_t *lo, int64_t *hi) {
  switch (t) {
    case OCT_INT8:
      *lo = -128;
      *hi = 127;
      break;
    case OCT_UINT8:
      *lo = 0;
      *hi = 255;
      break;
    case OCT_INT16:
      *lo = -32768;
      *hi = 32767;
      break;
    default:
      *lo = INT32_MIN;
      *hi = INT32_MAX;
      break;
  }
}

static inline void ew_store(oct_dtype t, void *dst, size_t i, int64_t v) {
  switch (t) {
    case OCT_INT8:
      ((int8_t *)dst)[i] = (int8_t)v;
      break;
    case OCT_UINT8:
      ((uint8_t *)dst)[i] = (uint8_t)v;
      break;
    case OCT_INT16:
      ((int16_t *)dst)[i] = (int16_t)v;
      break;
    case OCT_FLOAT16:
      ((uint16_t *)dst)[i] = (uint16_t)v;
      break;
    default:
      ((int32_t *)dst)[i] = (int32_t)v;
      break;
  }
}

/* Deterministic inputs; see gen_input() in gen_tflite_cases.py. */
static inline void ew_gen_input(oct_dtype t, size_t n, ew_gen g, uint32_t seed,
                                float step, void *dst) {
  int64_t lo, hi;
  ew_range(t, &lo, &hi);
  uint32_t x = seed;
  for (size_t i = 0; i < n; i++) {
    if (g == EW_GEN_ALL) {
      if (t == OCT_FLOAT16)
        ew_store(t, dst, i, (int64_t)(i % 65536));
      else
        ew_store(t, dst, i, lo + (int64_t)(i % (size_t)(hi - lo + 1)));
    } else if (g == EW_GEN_RAMP) {
      ((float *)dst)[i] = (float)((int64_t)i - (int64_t)(n / 2)) * step;
    } else {
      x = x * 1664525u + 1013904223u;
      if (t == OCT_FLOAT32)
        ((float *)dst)[i] =
            (float)((int32_t)((x >> 8) % 20001u) - 10000) * step;
      else if (t == OCT_INT32)
        ((int32_t *)dst)[i] = x <= (uint32_t)INT32_MAX
                                  ? (int32_t)x
                                  : (int32_t)(x - 2147483648u) - INT32_MAX - 1;
      else
        ew_store(t, dst, i, lo + (int64_t)((x >> 8) % (uint32_t)(hi - lo + 1)));
    }
  }
}

static inline size_t ew_elems(const ew_tensor_spec *s) {
  size_t n = 1;
  for (int i = 0; i < s->rank; i++) n *= (size_t)s->dims[i];
  return n;
}

static inline void ew_from_spec(const ew_tensor_spec *s, ew_tensor *t) {
  memset(t, 0, sizeof *t);
  t->type = s->type;
  t->rank = s->rank;
  memcpy(t->dims, s->dims, sizeof s->dims);
  t->quantized = s->quantized;
  t->n_scales = s->n_scales;
  t->scale = s->scales[0];
  t->zero_point = s->zps[0];
  t->scales = s->scales;
  t->zero_points = s->zps;
  t->qdim = s->qdim;
}

/* A model built in memory, initialized and ready to invoke. */
typedef struct ew_run {
  oct_fbb fbb;
  void *arena;
  oct_interp *it;
  oct_status status;
  char error[256];
} ew_run;

static inline void ew_to_tb(const ew_model *m, tb_model *tm) {
  static const char *const names[6] = {"t0", "t1", "t2", "t3", "t4", "t5"};
  memset(tm, 0, sizeof *tm);
  int32_t in[6], out[6];
  for (int i = 0; i < m->n_tensors; i++) {
    const ew_tensor *e = &m->t[i];
    const int k = tb_add_tensor(tm, names[i], e->type, e->rank, e->dims);
    tb_tensor *t = &tm->tensors[k];
    t->data = e->data;
    t->bytes = e->data_bytes;
    if (e->quantized) {
      t->nq = e->n_scales > 1 ? e->n_scales : 1;
      for (int q = 0; q < t->nq && q < 16; q++) {
        t->scales[q] = e->n_scales > 1 ? e->scales[q] : e->scale;
        t->zps[q] = e->n_scales > 1 ? e->zero_points[q] : e->zero_point;
      }
      t->qdim = e->qdim;
    }
    if (i < m->n_in)
      in[i] = i;
    else
      out[i - m->n_in] = i;
    if (!e->data) {
      if (i < m->n_in)
        tm->inputs[tm->n_inputs++] = i;
      else
        tm->outputs[tm->n_outputs++] = i;
    }
  }
  tb_op *o = tb_add_op(tm, m->op, m->n_in, in, m->n_tensors - m->n_in, out);
  o->options_type = (uint8_t)m->opt_type;
  o->n_fields = m->n_opt;
  for (int i = 0; i < m->n_opt; i++) {
    o->fields[i].id = m->opt[i].id;
    if (m->opt[i].size == 4) {
      float f;
      memcpy(&f, &m->opt[i].bits, 4);
      o->fields[i].kind = 'f';
      o->fields[i].v = f;
    } else {
      o->fields[i].kind = 'b';
      o->fields[i].v = (int8_t)m->opt[i].bits;
    }
  }
}

static inline oct_status ew_open(ew_run *r, const ew_model *m) {
  memset(r, 0, sizeof *r);
  tb_model *tm = calloc(1, sizeof *tm);
  if (!tm) abort();
  ew_to_tb(m, tm);
  oct_fbb_init(&r->fbb);
  r->status = tb_build(tm, &r->fbb);
  free(tm);
  if (r->status) {
    snprintf(r->error, sizeof r->error, "cannot build the model");
    return r->status;
  }
  const uint8_t *model = oct_fbb_data(&r->fbb);
  const size_t size = oct_fbb_size(&r->fbb);
  oct_error err;
  size_t need = 0;
  r->status = oct_arena_size(model, size, NULL, &need, &err);
  if (r->status == OCT_OK) {
    if (posix_memalign(&r->arena, OCT_ARENA_ALIGN, need)) abort();
    r->status =
        oct_interp_init(&r->it, model, size, r->arena, need, NULL, &err);
  }
  if (r->status) snprintf(r->error, sizeof r->error, "%s", err.message);
  return r->status;
}

static inline void ew_close(ew_run *r) {
  free(r->arena);
  oct_fbb_free(&r->fbb);
  r->arena = NULL;
  r->it = NULL;
}

/* Builds the case's model; fills inputs from the generators. */
static inline void ew_case_model(const ew_case *c, ew_model *m) {
  memset(m, 0, sizeof *m);
  m->op = c->op;
  m->version = c->version;
  m->n_tensors = c->n_tensors;
  m->n_in = c->n_in;
  m->opt_type = c->opt_type;
  m->n_opt = c->n_opt;
  for (int i = 0; i < c->n_opt; i++) m->opt[i] = c->opt[i];
  for (int i = 0; i < c->n_tensors; i++) ew_from_spec(&c->t[i], &m->t[i]);
}

/* Runs one recorded case; returns 0 when it matches. */
static inline int ew_check_case(const ew_case *c) {
  ew_model m;
  ew_case_model(c, &m);
  ew_run r;
  const oct_status st = ew_open(&r, &m);
  if (c->tflite_rejects) {
    CHECK_MSG(st != OCT_OK, "%s: TFLite rejects this model, octet accepted it",
              c->name);
    ew_close(&r);
    return st == OCT_OK;
  }
  if (st != OCT_OK) {
    CHECK_MSG(0, "%s: %s", c->name, r.error);
    ew_close(&r);
    return 1;
  }
  for (int i = 0; i < c->n_in; i++)
    ew_gen_input(c->t[i].type, ew_elems(&c->t[i]), c->gen[i],
                 c->seed + (uint32_t)i, c->step,
                 oct_interp_input_data(r.it, i));
  int bad = 0;
  if (oct_interp_invoke(r.it) != OCT_OK) {
    CHECK_MSG(0, "%s: invoke: %s", c->name, oct_interp_error(r.it));
    bad = 1;
  } else {
    const ew_tensor_spec *o = &c->t[c->n_tensors - 1];
    const size_t es = ew_elem_size(o->type);
    const size_t bytes = ew_elems(o) * es;
    const uint8_t *y = oct_interp_output_data(r.it, 0);
    const uint64_t h = ew_fnv1a64(y, bytes);
    if (h != c->hash) {
      bad = 1;
      char got[160] = "", *p = got;
      for (int k = 0; k < c->n_head; k++) {
        int64_t v = 0;
        switch (o->type) {
          case OCT_INT8:
            v = ((const int8_t *)y)[k];
            break;
          case OCT_UINT8:
            v = y[k];
            break;
          case OCT_INT16:
            v = ((const int16_t *)y)[k];
            break;
          case OCT_FLOAT32:
            v = ((const uint32_t *)y)[k];
            break;
          default:
            v = ((const int32_t *)y)[k];
            break;
        }
        p += snprintf(p, (size_t)(got + sizeof got - p), "%s%lld%s",
                      k ? " " : "", (long long)v, v != c->head[k] ? "*" : "");
      }
      CHECK_MSG(0, "%s: output differs from TFLite 2.9 (first values: %s)",
                c->name, got);
    } else {
      CHECK(1);
    }
  }
  ew_close(&r);
  return bad;
}

/* Runs every recorded case whose builtin code is one of ops[0..n_ops-1];
 * returns the number of cases run. */
static inline int ew_check_cases(const ew_case *cases, size_t n,
                                 const int32_t *ops, int n_ops) {
  int ran = 0;
  for (size_t i = 0; i < n; i++) {
    int want = 0;
    for (int k = 0; k < n_ops; k++) want |= cases[i].op == ops[k];
    if (!want) continue;
    ew_check_case(&cases[i]);
    ran++;
  }
  return ran;
}

#endif /* OCT_TESTS_ELEMENTWISE_CASES_H */
