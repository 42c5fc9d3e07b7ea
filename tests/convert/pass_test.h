/*
 * Helpers for the optimization pass tests (tests/convert/test_pass_*.c):
 * building small IR graphs, looking a pass up in oct_passes[] (so every
 * test goes through the table oct_optimize runs), counting ops, and the
 * numerics check: a graph is serialized with the .tflite writer and run in
 * octet's runtime on random inputs, before and after a pass, and the
 * outputs compared.
 */
#ifndef OCT_TEST_PASS_TEST_H
#define OCT_TEST_PASS_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/ir.h"
#include "convert/passes.h"
#include "convert/tflite_writer.h"
#include "io/fb_builder.h"
#include "octet/octet.h"
#include "test_util.h"

/* ---- deterministic random numbers ---- */
static uint32_t pt_rng_state = 12345u;
static inline void pt_seed(uint32_t s) {
  pt_rng_state = s ? s : 1u;
}
static inline float pt_rand(float lo, float hi) {
  pt_rng_state ^= pt_rng_state << 13;
  pt_rng_state ^= pt_rng_state >> 17;
  pt_rng_state ^= pt_rng_state << 5;
  return lo + (hi - lo) * (float)((pt_rng_state >> 8) / 16777216.0);
}

/* ---- graph building (aborts on failure: a broken fixture is no test) ---- */
static inline int pt_check_index(oct_ir_graph *g, int t) {
  if (t < 0) {
    fprintf(stderr, "graph building failed: %s\n", g->err.message);
    abort();
  }
  return t;
}

/* An activation tensor of the given shape (rank <= 4 in the macros below). */
static inline int pt_tensor(oct_ir_graph *g, const char *name, int rank,
                            const int32_t *dims) {
  return pt_check_index(g, oct_ir_add_tensor(g, name, OCT_FLOAT32, rank, dims));
}
static inline int pt_input(oct_ir_graph *g, const char *name, int rank,
                           const int32_t *dims) {
  const int t = pt_tensor(g, name, rank, dims);
  if (oct_ir_add_input(g, t)) abort();
  return t;
}
static inline void pt_output(oct_ir_graph *g, int t) {
  if (oct_ir_add_output(g, t)) abort();
}
static inline int pt_const(oct_ir_graph *g, const char *name, int rank,
                           const int32_t *dims, const float *data) {
  return pt_check_index(
      g, oct_ir_add_const(g, name, OCT_FLOAT32, rank, dims, data));
}
/* A float constant filled with one value, or random in [lo, hi] (lo < hi). */
static inline int pt_const_fill(oct_ir_graph *g, const char *name, int rank,
                                const int32_t *dims, float lo, float hi) {
  int64_t n = 1;
  for (int k = 0; k < rank; k++) n *= dims[k];
  float *v = malloc((size_t)(n ? n : 1) * sizeof *v);
  if (!v) abort();
  for (int64_t i = 0; i < n; i++) v[i] = lo < hi ? pt_rand(lo, hi) : lo;
  const int t = pt_const(g, name, rank, dims, v);
  free(v);
  return t;
}
static inline int pt_const_i32(oct_ir_graph *g, const char *name, int rank,
                               const int32_t *dims, const int32_t *data) {
  return pt_check_index(g,
                        oct_ir_add_const(g, name, OCT_INT32, rank, dims, data));
}
/* An op; returns its index. */
static inline int pt_op(oct_ir_graph *g, int code, int n_in, const int *in,
                        int out) {
  const int i = oct_ir_add_op(g, code, n_in, in, 1, &out, oct_ir_op_name(code));
  pt_check_index(g, i);
  if (code == OCT_OP_ADD || code == OCT_OP_SUB)
    g->ops[i].opts.arith.pot_scale_int16 = 1;
  return i;
}
static inline int pt_op2(oct_ir_graph *g, int code, int a, int b, int out) {
  const int in[2] = {a, b};
  return pt_op(g, code, 2, in, out);
}
static inline int pt_op1(oct_ir_graph *g, int code, int a, int out) {
  return pt_op(g, code, 1, &a, out);
}
/* CONV_2D / DEPTHWISE_CONV_2D options. */
static inline void pt_conv_opts(oct_ir_graph *g, int op, oct_padding pad,
                                int stride) {
  oct_conv_options *c = &g->ops[op].opts.conv;
  c->padding = pad;
  c->stride_h = c->stride_w = stride;
  c->dilation_h = c->dilation_w = 1;
}
static inline void pt_pool_opts(oct_ir_graph *g, int op, oct_padding pad,
                                int filter, int stride) {
  oct_pool_options *p = &g->ops[op].opts.pool;
  p->padding = pad;
  p->filter_h = p->filter_w = filter;
  p->stride_h = p->stride_w = stride;
}

#define PT_DIMS(...) ((const int32_t[]){__VA_ARGS__})
#define PT_RANK(...) ((int)(sizeof((int32_t[]){__VA_ARGS__}) / sizeof(int32_t)))
/* pt_tensor(g, "x", PT_SHAPE(1, 4, 4, 3)) */
#define PT_SHAPE(...) PT_RANK(__VA_ARGS__), PT_DIMS(__VA_ARGS__)

/* ---- queries ---- */
static inline int pt_count(const oct_ir_graph *g, int code) {
  int n = 0;
  for (int i = 0; i < g->n_ops; i++)
    n += !g->ops[i].dead && g->ops[i].code == code;
  return n;
}
static inline int pt_live(const oct_ir_graph *g) {
  int n = 0;
  for (int i = 0; i < g->n_ops; i++) n += !g->ops[i].dead;
  return n;
}
/* The first live op with `code`, or -1. */
static inline int pt_find_op(const oct_ir_graph *g, int code) {
  for (int i = 0; i < g->n_ops; i++)
    if (!g->ops[i].dead && g->ops[i].code == code) return i;
  return -1;
}
static inline int pt_find_tensor(const oct_ir_graph *g, const char *name) {
  for (int t = 0; t < g->n_tensors; t++)
    if (strcmp(g->tensors[t].name, name) == 0) return t;
  return -1;
}
/* Name of graph output i ("" if none). */
static inline const char *pt_output_name(const oct_ir_graph *g, int i) {
  return i < g->n_outputs ? g->tensors[g->outputs[i]].name : "";
}

/* The pass named `name` in oct_passes[] (the table oct_optimize runs). */
static inline oct_pass_fn pt_pass(const char *name) {
  for (int i = 0; i < oct_pass_count; i++)
    if (strcmp(oct_passes[i].name, name) == 0) return oct_passes[i].fn;
  fprintf(stderr, "pass '%s' is not in oct_passes[]\n", name);
  abort();
}

/* Runs one pass, then checks the graph; returns whether it changed it. */
static inline int pt_run_pass(oct_ir_graph *g, const char *name) {
  int changed = 0;
  oct_status st = pt_pass(name)(g, &changed);
  CHECK_MSG(st == OCT_OK, "pass %s: %s", name, g->err.message);
  st = oct_ir_verify(g);
  CHECK_MSG(st == OCT_OK, "after pass %s: %s", name, g->err.message);
  return changed;
}

/* Runs a pass until it changes nothing (at most 8 times), then compacts. */
static inline void pt_run_pass_fixed(oct_ir_graph *g, const char *name) {
  int n = 0;
  while (pt_run_pass(g, name) && ++n < 8) {
  }
  CHECK_MSG(n < 8, "pass %s reaches no fixed point", name);
  CHECK(oct_ir_compact(g) == OCT_OK);
  CHECK(oct_ir_verify(g) == OCT_OK);
}

/* ---- numerics ---- */
#define PT_MAX_OUT 4

typedef struct pt_result {
  int n;
  float *data[PT_MAX_OUT];
  int64_t elems[PT_MAX_OUT];
} pt_result;

static inline void pt_result_free(pt_result *r) {
  for (int i = 0; i < r->n; i++) free(r->data[i]);
  memset(r, 0, sizeof *r);
}

/* Serializes g, runs it once on inputs drawn from `seed` (in [-2, 2]),
 * copies the float outputs. 0 on success. */
static inline int pt_run_graph(oct_ir_graph *g, uint32_t seed, pt_result *r) {
  memset(r, 0, sizeof *r);
  oct_fbb b;
  oct_fbb_init(&b);
  int rc = 1;
  void *arena = NULL;
  oct_error err;
  size_t need = 0;
  oct_interp *it = NULL;
  if (oct_tflite_serialize(g, &b)) {
    CHECK_MSG(0, "serialize: %s", g->err.message);
    goto done;
  }
  if (oct_arena_size(oct_fbb_data(&b), oct_fbb_size(&b), NULL, &need, &err) ||
      posix_memalign(&arena, OCT_ARENA_ALIGN, need ? need : 64) ||
      oct_interp_init(&it, oct_fbb_data(&b), oct_fbb_size(&b), arena, need,
                      NULL, &err)) {
    CHECK_MSG(0, "runtime: %s", err.message);
    goto done;
  }
  pt_seed(seed);
  for (int i = 0; i < oct_interp_input_count(it); i++) {
    oct_tensor_info info;
    oct_interp_tensor_info(it, oct_interp_input_index(it, i), &info);
    float *in = oct_interp_input_data(it, i);
    for (size_t e = 0; e < info.bytes / sizeof(float); e++)
      in[e] = pt_rand(-2.0f, 2.0f);
  }
  if (oct_interp_invoke(it)) {
    CHECK_MSG(0, "invoke: %s", oct_interp_error(it));
    goto done;
  }
  r->n = oct_interp_output_count(it) < PT_MAX_OUT ? oct_interp_output_count(it)
                                                  : PT_MAX_OUT;
  for (int i = 0; i < r->n; i++) {
    oct_tensor_info info;
    oct_interp_tensor_info(it, oct_interp_output_index(it, i), &info);
    r->elems[i] = (int64_t)(info.bytes / sizeof(float));
    r->data[i] = malloc(info.bytes ? info.bytes : 1);
    if (!r->data[i]) abort();
    memcpy(r->data[i], oct_interp_output_data(it, i), info.bytes);
  }
  rc = 0;
done:
  free(arena);
  oct_fbb_free(&b);
  return rc;
}

/* Runs both graphs on the same inputs; outputs must agree within `tol`
 * relative to the largest magnitude of the reference output. Returns 1 if
 * they do. */
static inline int pt_same_outputs(oct_ir_graph *ref, oct_ir_graph *opt,
                                  double tol) {
  int ok = 1;
  for (uint32_t seed = 1; seed <= 3 && ok; seed++) {
    pt_result a, b;
    if (pt_run_graph(ref, seed, &a)) return 0;
    if (pt_run_graph(opt, seed, &b)) {
      pt_result_free(&a);
      return 0;
    }
    if (a.n != b.n) ok = 0;
    for (int i = 0; ok && i < a.n; i++) {
      if (a.elems[i] != b.elems[i]) {
        ok = 0;
        break;
      }
      double scale = 1e-6, worst = 0;
      for (int64_t e = 0; e < a.elems[i]; e++)
        if (fabs(a.data[i][e]) > scale) scale = fabs(a.data[i][e]);
      for (int64_t e = 0; e < a.elems[i]; e++) {
        const double d = fabs((double)a.data[i][e] - b.data[i][e]) / scale;
        if (d > worst) worst = d;
      }
      if (!(worst <= tol)) {
        fprintf(stderr, "output %d differs: %.3g relative (tolerance %.3g)\n",
                i, worst, tol);
        ok = 0;
      }
    }
    pt_result_free(&a);
    pt_result_free(&b);
  }
  return ok;
}

#define PT_TOL 1e-5

#endif /* OCT_TEST_PASS_TEST_H */
