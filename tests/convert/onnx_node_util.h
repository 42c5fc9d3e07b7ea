/*
 * Helpers for ONNX's backend node tests (Debian's libonnx-testdata:
 * <dir>/model.onnx and <dir>/test_data_set_N/{input,output}_K.pb), shared by
 * the import and conformance tests.
 *
 * The node tests pass every operand as a graph input, weights included.
 * TFLite (and octet) want weights, shapes and pads constant, so a test that
 * does not import as it is is retried "frozen": every graph input but the
 * first becomes an initializer holding the test's own input values, as an
 * exporter would have written it.
 */
#ifndef OCT_TEST_ONNX_NODE_UTIL_H
#define OCT_TEST_ONNX_NODE_UTIL_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.pb-c.h"

#define ONNX_NODE_DIR "/usr/include/onnx/backend/test/data/node"

static inline void *ont_read(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  void *buf = NULL;
  if (fseek(f, 0, SEEK_END) == 0) {
    const long n = ftell(f);
    if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1))) {
      if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
      } else {
        *len = (size_t)n;
      }
    }
  }
  fclose(f);
  return buf;
}

static int ont_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the test_* directories under `dir` (free with ont_free_list). */
static inline char **ont_list(const char *dir, const char *prefix, int *count) {
  *count = 0;
  DIR *d = opendir(dir);
  if (!d) return NULL;
  char **names = NULL;
  int cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (strncmp(e->d_name, prefix, strlen(prefix))) continue;
    if (*count == cap) {
      cap = cap ? cap * 2 : 64;
      char **p = realloc(names, (size_t)cap * sizeof *p);
      if (!p) break;
      names = p;
    }
    names[(*count)++] = strdup(e->d_name);
  }
  closedir(d);
  if (*count) qsort(names, (size_t)*count, sizeof *names, ont_cmp);
  return names;
}

static inline void ont_free_list(char **names, int count) {
  for (int i = 0; i < count; i++) free(names[i]);
  free(names);
}

/* Whether a graph input is a real input (not an initializer's default). */
static inline int ont_is_real_input(const Onnx__GraphProto *g, const char *name) {
  for (size_t i = 0; i < g->n_initializer; i++)
    if (g->initializer[i]->name && !strcmp(g->initializer[i]->name, name)) return 0;
  return 1;
}

/*
 * `model` with real graph inputs number `keep` and later turned into
 * initializers from <set_dir>/input_K.pb. Returns malloc'ed bytes, or NULL
 * (a missing .pb, nothing to freeze, unpack failure).
 */
static inline uint8_t *ont_freeze(const void *model, size_t len, const char *set_dir, int keep,
                                  size_t *out_len) {
  Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, len, model);
  if (!m || !m->graph) {
    if (m) onnx__model_proto__free_unpacked(m, NULL);
    return NULL;
  }
  Onnx__GraphProto *g = m->graph;
  const size_t n_in = g->n_input, n_init = g->n_initializer;
  Onnx__ValueInfoProto **inputs = calloc(n_in + 1, sizeof *inputs);
  Onnx__TensorProto **inits = calloc(n_init + n_in + 1, sizeof *inits);
  Onnx__TensorProto **frozen = calloc(n_in + 1, sizeof *frozen);
  char **saved_names = calloc(n_in + 1, sizeof *saved_names);
  uint8_t *out = NULL;
  size_t ni = 0, nf = 0, k = 0;
  int ok = inputs && inits && frozen && saved_names;
  for (size_t i = 0; ok && i < n_in; i++) {
    const char *name = g->input[i]->name ? g->input[i]->name : "";
    if (!ont_is_real_input(g, name)) {
      inputs[ni++] = g->input[i];
      continue;
    }
    if ((int)k++ < keep) {
      inputs[ni++] = g->input[i];
      continue;
    }
    if (!g->input[i]->type || g->input[i]->type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE) {
      ok = 0; /* sequences, optionals: not a tensor to freeze */
      break;
    }
    char path[1200];
    snprintf(path, sizeof path, "%.1000s/input_%zu.pb", set_dir, k - 1);
    size_t tl;
    void *tb = ont_read(path, &tl);
    Onnx__TensorProto *t = tb ? onnx__tensor_proto__unpack(NULL, tl, tb) : NULL;
    free(tb);
    if (!t) {
      ok = 0;
      break;
    }
    saved_names[nf] = t->name;
    t->name = (char *)name;
    frozen[nf++] = t;
  }
  if (ok && nf) {
    for (size_t i = 0; i < n_init; i++) inits[i] = g->initializer[i];
    for (size_t i = 0; i < nf; i++) inits[n_init + i] = frozen[i];
    Onnx__ValueInfoProto **old_in = g->input;
    Onnx__TensorProto **old_init = g->initializer;
    g->input = inputs;
    g->n_input = ni;
    g->initializer = inits;
    g->n_initializer = n_init + nf;
    *out_len = onnx__model_proto__get_packed_size(m);
    out = malloc(*out_len ? *out_len : 1);
    if (out) onnx__model_proto__pack(m, out);
    g->input = old_in;
    g->n_input = n_in;
    g->initializer = old_init;
    g->n_initializer = n_init;
  }
  for (size_t i = 0; i < nf; i++) {
    frozen[i]->name = saved_names[i];
    onnx__tensor_proto__free_unpacked(frozen[i], NULL);
  }
  free(inputs);
  free(inits);
  free(frozen);
  free(saved_names);
  onnx__model_proto__free_unpacked(m, NULL);
  return out;
}

/* The distinct op types of a model, comma-joined into buf. Returns 0 if
 * the model does not unpack. */
static inline int ont_op_types(const void *model, size_t len, char *buf, size_t cap) {
  Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, len, model);
  buf[0] = 0;
  if (!m) return 0;
  for (size_t i = 0; m->graph && i < m->graph->n_node; i++) {
    const char *op = m->graph->node[i]->op_type ? m->graph->node[i]->op_type : "?";
    char key[128];
    snprintf(key, sizeof key, ",%s,", op);
    char padded[4096];
    snprintf(padded, sizeof padded, ",%s,", buf);
    if (strstr(padded, key)) continue;
    const size_t used = strlen(buf);
    snprintf(buf + used, cap - used, "%s%s", used ? "," : "", op);
  }
  onnx__model_proto__free_unpacked(m, NULL);
  return 1;
}

/* A test's input_K.pb / output_K.pb: element type (ONNX code), count and
 * little-endian data in ONNX's layout for that type (malloc'ed). Returns 0
 * when unreadable or of a type this helper does not decode. */
typedef struct ont_tensor {
  int32_t type; /* TensorProto.DataType */
  int rank;
  int64_t dims[16];
  size_t count, elem_size;
  void *data;
} ont_tensor;

static inline size_t ont_elem_size(int32_t t) {
  switch (t) {
    case 1: case 6: return 4;                  /* float, int32 */
    case 2: case 3: case 9: return 1;          /* uint8, int8, bool */
    case 4: case 5: case 10: case 16: return 2; /* uint16, int16, float16, bfloat16 */
    case 7: case 11: case 13: return 8;        /* int64, double, uint64 */
    case 12: return 4;                         /* uint32 */
    default: return 0;
  }
}

static inline int ont_read_tensor(const char *path, ont_tensor *out) {
  memset(out, 0, sizeof *out);
  size_t len;
  void *bytes = ont_read(path, &len);
  if (!bytes) return 0;
  Onnx__TensorProto *t = onnx__tensor_proto__unpack(NULL, len, bytes);
  free(bytes);
  if (!t) return 0;
  int ok = t->n_dims <= 16 && (out->elem_size = ont_elem_size(t->data_type)) > 0;
  out->type = t->data_type;
  out->rank = (int)t->n_dims;
  out->count = 1;
  for (size_t i = 0; ok && i < t->n_dims; i++) {
    out->dims[i] = t->dims[i];
    out->count *= (size_t)t->dims[i];
  }
  const size_t bytes_needed = out->count * out->elem_size;
  if (ok) out->data = malloc(bytes_needed ? bytes_needed : 1);
  ok = ok && out->data;
  if (ok && t->has_raw_data) {
    ok = t->raw_data.len == bytes_needed;
    if (ok && bytes_needed) memcpy(out->data, t->raw_data.data, bytes_needed);
  } else if (ok && t->n_float_data == out->count && out->elem_size == 4 && t->data_type == 1) {
    memcpy(out->data, t->float_data, bytes_needed);
  } else if (ok && t->n_int64_data == out->count && out->elem_size == 8) {
    memcpy(out->data, t->int64_data, bytes_needed);
  } else if (ok && t->n_double_data == out->count && t->data_type == 11) {
    memcpy(out->data, t->double_data, bytes_needed);
  } else if (ok && t->n_int32_data == out->count) {
    for (size_t i = 0; i < out->count; i++) {
      const int32_t v = t->int32_data[i];
      switch (out->elem_size) {
        case 1: ((uint8_t *)out->data)[i] = (uint8_t)v; break;
        case 2: ((uint16_t *)out->data)[i] = (uint16_t)v; break;
        default: ((int32_t *)out->data)[i] = v; break;
      }
    }
  } else {
    ok = ok && out->count == 0;
  }
  onnx__tensor_proto__free_unpacked(t, NULL);
  if (!ok) {
    free(out->data);
    out->data = NULL;
  }
  return ok;
}

#endif /* OCT_TEST_ONNX_NODE_UTIL_H */
