/*
 * The memory planner on hand-built graphs (tests/tflite_build.h):
 *  - a chain of n ops needs two activation buffers, not n;
 *  - reshape outputs share their input's buffer;
 *  - no two tensors alive at the same time overlap, on random graphs;
 *  - the arena size is exact: one byte less fails with the needed size,
 *    and an unaligned arena works with OCT_ARENA_ALIGN more.
 */
#include <stdlib.h>

#include "octet/octet.h"
#include "test_util.h"
#include "tflite_build.h"

enum { ADD = 0, RESHAPE = 22, U_ADD = 11, U_RESHAPE = 17 };
static const int32_t k_shape[4] = {1, 8, 8, 16}; /* 4 KiB of float32 */
static const float k_one = 1.0f;

typedef struct built {
  oct_fbb b;
  void *arena;
  size_t need;
  oct_interp *it;
} built;

static int build_and_init(const tb_model *m, built *out) {
  memset(out, 0, sizeof *out);
  oct_fbb_init(&out->b);
  if (tb_build(m, &out->b) != OCT_OK) return 1;
  oct_error err;
  oct_status st = oct_arena_size(oct_fbb_data(&out->b), oct_fbb_size(&out->b), NULL,
                                 &out->need, &err);
  CHECK_MSG(st == OCT_OK, "arena_size: %s", err.message);
  if (st) return 1;
  if (posix_memalign(&out->arena, OCT_ARENA_ALIGN, out->need)) abort();
  st = oct_interp_init(&out->it, oct_fbb_data(&out->b), oct_fbb_size(&out->b),
                       out->arena, out->need, NULL, &err);
  CHECK_MSG(st == OCT_OK, "init: %s", err.message);
  return st != OCT_OK;
}

static void release(built *x) {
  free(x->arena);
  oct_fbb_free(&x->b);
}

/* x -> add(+1) -> ... -> y, n times; optionally a reshape in the middle. */
static void make_chain(tb_model *m, int n, int reshape_at) {
  memset(m, 0, sizeof *m);
  int one = tb_add_tensor(m, "one", OCT_FLOAT32, 1, (const int32_t[]){1});
  m->tensors[one].data = &k_one;
  m->tensors[one].bytes = 4;
  int prev = tb_add_tensor(m, "x", OCT_FLOAT32, 4, k_shape);
  m->inputs[m->n_inputs++] = prev;
  for (int i = 0; i < n; i++) {
    int next = tb_add_tensor(m, "t", OCT_FLOAT32, 4, k_shape);
    tb_op *o = tb_add_op(m, ADD, 2, (const int32_t[]){prev, one}, 1, (const int32_t[]){next});
    o->options_type = U_ADD;
    prev = next;
    if (i == reshape_at) {
      static const int32_t flat[2] = {1, 1024};
      int r = tb_add_tensor(m, "flat", OCT_FLOAT32, 2, flat);
      tb_op *ro = tb_add_op(m, RESHAPE, 1, (const int32_t[]){prev}, 1, (const int32_t[]){r});
      ro->options_type = U_RESHAPE;
      ro->n_fields = 1;
      ro->fields[0] = (tb_field){0, 'v', 0, flat, 2};
      int back = tb_add_tensor(m, "back", OCT_FLOAT32, 4, k_shape);
      static const int32_t shape4[4] = {1, 8, 8, 16};
      tb_op *rb = tb_add_op(m, RESHAPE, 1, (const int32_t[]){r}, 1, (const int32_t[]){back});
      rb->options_type = U_RESHAPE;
      rb->n_fields = 1;
      rb->fields[0] = (tb_field){0, 'v', 0, shape4, 4};
      prev = back;
    }
  }
  m->outputs[m->n_outputs++] = prev;
}

static void chain_reuses_two_buffers(void) {
  tb_model m;
  make_chain(&m, 12, -1);
  built x;
  if (build_and_init(&m, &x)) return;
  oct_memory_info mi;
  oct_interp_memory_info(x.it, &mi);
  CHECK_EQ_INT(mi.planned_bytes, 2 * 4096);
  CHECK_EQ_INT(mi.unplanned_bytes, 13 * 4096);
  float *in = oct_interp_input_data(x.it, 0);
  for (int k = 0; k < 1024; k++) in[k] = (float)k;
  CHECK(oct_interp_invoke(x.it) == OCT_OK);
  const float *out = oct_interp_output_data(x.it, 0);
  CHECK_NEAR(out[0], 12.0, 0);
  CHECK_NEAR(out[1023], 1035.0, 0);
  /* Exact size: one byte less fails and says how much it needs. */
  void *small;
  if (posix_memalign(&small, OCT_ARENA_ALIGN, x.need)) abort();
  oct_interp *it2;
  oct_error err;
  CHECK(oct_interp_init(&it2, oct_fbb_data(&x.b), oct_fbb_size(&x.b), small,
                        x.need - 1, NULL, &err) == OCT_ERR_ARENA_TOO_SMALL);
  CHECK_EQ_INT(err.needed_bytes, x.need);
  free(small);
  /* An unaligned arena needs at most OCT_ARENA_ALIGN more. */
  uint8_t *raw = malloc(x.need + OCT_ARENA_ALIGN + 1);
  CHECK(oct_interp_init(&it2, oct_fbb_data(&x.b), oct_fbb_size(&x.b), raw + 1,
                        x.need + OCT_ARENA_ALIGN, NULL, &err) == OCT_OK);
  free(raw);
  release(&x);
}

static void reshape_shares_buffer(void) {
  tb_model m;
  make_chain(&m, 4, 1);
  built x;
  if (build_and_init(&m, &x)) return;
  /* Tensors: 0 one, 1 x, 2 t0, 3 t1, 4 flat, 5 back, ... */
  CHECK(oct_interp_tensor_offset(x.it, 3) >= 0);
  CHECK_EQ_INT(oct_interp_tensor_offset(x.it, 4), oct_interp_tensor_offset(x.it, 3));
  CHECK_EQ_INT(oct_interp_tensor_offset(x.it, 5), oct_interp_tensor_offset(x.it, 3));
  oct_memory_info mi;
  oct_interp_memory_info(x.it, &mi);
  CHECK_EQ_INT(mi.planned_bytes, 2 * 4096);
  float *in = oct_interp_input_data(x.it, 0);
  for (int k = 0; k < 1024; k++) in[k] = 1.0f;
  CHECK(oct_interp_invoke(x.it) == OCT_OK);
  CHECK_NEAR(((const float *)oct_interp_output_data(x.it, 0))[77], 5.0, 0);
  release(&x);
}

/* Random DAGs of ADDs: every pair of tensors alive at once is disjoint. */
static void random_graphs(void) {
  uint32_t seed = 12345;
  for (int g = 0; g < 200; g++) {
    tb_model m;
    memset(&m, 0, sizeof m);
    int n_ops = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 30;
    int first_t = tb_add_tensor(&m, "x", OCT_FLOAT32, 4, k_shape);
    m.inputs[m.n_inputs++] = first_t;
    int producer[TB_MAX], last_use[TB_MAX];
    producer[first_t] = 0;
    last_use[first_t] = 0;
    for (int i = 0; i < n_ops; i++) {
      seed = seed * 1103515245u + 12345u;
      int a = (int)(seed >> 8) % m.n_tensors;
      seed = seed * 1103515245u + 12345u;
      int b = (int)(seed >> 8) % m.n_tensors;
      const int32_t *dims = k_shape;
      int t = tb_add_tensor(&m, "t", OCT_FLOAT32, 4, dims);
      tb_op *o = tb_add_op(&m, ADD, 2, (const int32_t[]){a, b}, 1, (const int32_t[]){t});
      o->options_type = U_ADD;
      producer[t] = i;
      last_use[t] = i;
      if (i > last_use[a]) last_use[a] = i;
      if (i > last_use[b]) last_use[b] = i;
    }
    m.outputs[m.n_outputs++] = m.n_tensors - 1;
    last_use[m.n_tensors - 1] = n_ops - 1;
    built x;
    if (build_and_init(&m, &x)) return;
    for (int p = 0; p < m.n_tensors; p++)
      for (int q = p + 1; q < m.n_tensors; q++) {
        if (last_use[p] < producer[q] || last_use[q] < producer[p]) continue;
        int64_t op = oct_interp_tensor_offset(x.it, p), oq = oct_interp_tensor_offset(x.it, q);
        CHECK_MSG(op + 4096 <= oq || oq + 4096 <= op,
                  "graph %d: tensors %d and %d overlap (offsets %lld, %lld)", g, p, q,
                  (long long)op, (long long)oq);
      }
    CHECK(oct_interp_invoke(x.it) == OCT_OK);
    release(&x);
  }
}

int main(void) {
  chain_reuses_two_buffers();
  reshape_shares_buffer();
  random_graphs();
  return test_finish("test_planner");
}
