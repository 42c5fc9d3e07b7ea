/*
 * Helpers for end-to-end tests on real models: load a model from
 * ../shared/models into an interpreter, feed .npy data, compare outputs.
 */
#ifndef OCT_TEST_MODEL_UTIL_H
#define OCT_TEST_MODEL_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/file.h"
#include "io/npy.h"
#include "octet/octet.h"
#include "test_util.h"

typedef struct test_model {
  void *bytes;
  size_t size;
  void *arena;
  size_t arena_size;
  oct_interp *it;
} test_model;

/* Opens `rel` under ../shared/models (or an absolute path). 0 on success. */
static inline int tm_open_opts(test_model *m, const char *rel, oct_kernel_pref k) {
  char path[2048];
  const char *shared = test_shared_dir();
  if (rel[0] == '/') snprintf(path, sizeof path, "%s", rel);
  else snprintf(path, sizeof path, "%s/models/%s", shared ? shared : ".", rel);
  memset(m, 0, sizeof *m);
  oct_error err;
  if (oct_file_read(path, 0, &m->bytes, &m->size, &err)) {
    CHECK_MSG(0, "%s", err.message);
    return 1;
  }
  oct_options opts = {k, 1, 0, 0};
  if (oct_arena_size(m->bytes, m->size, &opts, &m->arena_size, &err)) {
    CHECK_MSG(0, "%s: %s", path, err.message);
    return 1;
  }
  if (posix_memalign(&m->arena, OCT_ARENA_ALIGN, m->arena_size)) abort();
  if (oct_interp_init(&m->it, m->bytes, m->size, m->arena, m->arena_size, &opts, &err)) {
    CHECK_MSG(0, "%s: %s", path, err.message);
    return 1;
  }
  return 0;
}

static inline int tm_open(test_model *m, const char *rel) {
  return tm_open_opts(m, rel, OCT_KERNELS_BEST);
}

static inline void tm_close(test_model *m) {
  free(m->arena);
  oct_file_free(m->bytes);
  memset(m, 0, sizeof *m);
}

static inline int tm_invoke(test_model *m) {
  oct_status st = oct_interp_invoke(m->it);
  CHECK_MSG(st == OCT_OK, "invoke: %s", oct_interp_error(m->it));
  return st != OCT_OK;
}

/* Reads ../shared/models/refs/<rel> (or an absolute path). */
static inline int tm_npy(const char *rel, oct_npy_array *a) {
  char path[2048];
  const char *shared = test_shared_dir();
  if (rel[0] == '/') snprintf(path, sizeof path, "%s", rel);
  else snprintf(path, sizeof path, "%s/models/refs/%s", shared ? shared : ".", rel);
  oct_error err;
  if (oct_npy_read_file(path, a, &err)) {
    CHECK_MSG(0, "%s", err.message);
    return 1;
  }
  return 0;
}

static inline size_t tm_input_bytes(const test_model *m, int i) {
  oct_tensor_info ti;
  oct_interp_tensor_info(m->it, oct_interp_input_index(m->it, i), &ti);
  return ti.bytes;
}

static inline size_t tm_output_bytes(const test_model *m, int i) {
  oct_tensor_info ti;
  oct_interp_tensor_info(m->it, oct_interp_output_index(m->it, i), &ti);
  return ti.bytes;
}

/* Counts differing bytes between output i and `want` (same byte size). */
static inline size_t tm_output_diff_bytes(const test_model *m, int i,
                                          const void *want, size_t bytes) {
  const uint8_t *a = oct_interp_output_data(m->it, i), *b = want;
  if (bytes != tm_output_bytes(m, i)) return (size_t)-1;
  size_t d = 0;
  for (size_t k = 0; k < bytes; k++) d += a[k] != b[k];
  return d;
}

static inline size_t tm_argmax_f32(const float *v, size_t n) {
  size_t a = 0;
  for (size_t k = 1; k < n; k++)
    if (v[k] > v[a]) a = k;
  return a;
}

static inline size_t tm_argmax_u8(const uint8_t *v, size_t n) {
  size_t a = 0;
  for (size_t k = 1; k < n; k++)
    if (v[k] > v[a]) a = k;
  return a;
}

#define TM_REQUIRE_SHARED()                                                 \
  do {                                                                      \
    if (!test_shared_dir()) TEST_SKIP("../shared is absent");               \
    char _probe[2048];                                                      \
    snprintf(_probe, sizeof _probe, "%s/models/README.md", test_shared_dir()); \
    FILE *_f = fopen(_probe, "rb");                                         \
    if (!_f) TEST_SKIP("%s not found", _probe);                             \
    fclose(_f);                                                             \
  } while (0)

#endif /* OCT_TEST_MODEL_UTIL_H */
