/*
 * End to end through the public API: the 22 CONV_2D and 5 TRANSPOSE_CONV
 * single-layer 16x8 models (int16 activations, int8 per-channel weights,
 * int64 bias) cut from TFLM's SEANet integration test, fed their recorded
 * inputs and compared exactly with the recorded golden outputs (made by
 * TFLite's reference kernels; TFLite 2.9's built-in kernels reproduce
 * them). TRANSPOSE_CONV's first model input is its int32 output shape.
 */
#include "model_util.h"

/* Parses a one-line CSV of integers into `vals` (at most cap); returns
 * the count. */
static size_t parse_csv(const char *text, int64_t *vals, size_t cap) {
  size_t n = 0;
  const char *p = text;
  while (*p && n < cap) {
    char *end;
    long long v = strtoll(p, &end, 10);
    if (end == p) break;
    vals[n++] = v;
    p = end;
    while (*p == ',' || *p == ' ' || *p == '\r' || *p == '\n') p++;
  }
  return n;
}

static char *read_text(const char *path) {
  void *bytes = NULL;
  size_t size = 0;
  oct_error err;
  if (oct_file_read(path, 0, &bytes, &size, &err)) return NULL;
  char *s = malloc(size + 1);
  memcpy(s, bytes, size);
  s[size] = '\0';
  oct_file_free(bytes);
  return s;
}

/* Fills model input `i` from a CSV of `dtype` values; 0 on success. */
static int feed_csv(test_model *m, int i, const char *path, const char *name) {
  oct_tensor_info ti;
  oct_interp_tensor_info(m->it, oct_interp_input_index(m->it, i), &ti);
  char *csv = read_text(path);
  CHECK_MSG(csv != NULL, "%s: cannot read %s", name, path);
  if (!csv) return 1;
  const size_t esz = oct_dtype_size(ti.dtype), n = ti.bytes / esz;
  int64_t *v = calloc(n + 1, sizeof *v);
  const size_t got = parse_csv(csv, v, n + 1);
  CHECK_MSG(got == n, "%s: %s has %zu values for %zu elements", name, path, got,
            n);
  void *dst = oct_interp_input_data(m->it, i);
  for (size_t k = 0; k < n; k++) {
    if (ti.dtype == OCT_INT16)
      ((int16_t *)dst)[k] = (int16_t)v[k];
    else if (ti.dtype == OCT_INT32)
      ((int32_t *)dst)[k] = (int32_t)v[k];
  }
  CHECK_MSG(ti.dtype == OCT_INT16 || ti.dtype == OCT_INT32,
            "%s: input %d is %s", name, i, oct_dtype_name(ti.dtype));
  free(v);
  free(csv);
  return got != n;
}

/* Runs <op>/<op><k>; returns 0 when the model is absent. */
static int run_one(const char *dir, const char *op, int k) {
  char path[1024], name[64]; /* < 1024: model_util.h's buffers fit */
  snprintf(name, sizeof name, "%s%d", op, k);
  snprintf(path, sizeof path, "%s/%s/%s.tflite", dir, op, name);
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  fclose(f);
  test_model m;
  if (tm_open(&m, path)) return 1;
  const int n_in = oct_interp_input_count(m.it);
  int failed = 0;
  if (n_in == 1) {
    snprintf(path, sizeof path, "%s/%s/%s_input0_int16.csv", dir, op, name);
    failed |= feed_csv(&m, 0, path, name);
  } else {
    /* TRANSPOSE_CONV: the int32 output shape, then the int16 input. */
    snprintf(path, sizeof path, "%s/%s/%s_input0_int32.csv", dir, op, name);
    failed |= feed_csv(&m, 0, path, name);
    snprintf(path, sizeof path, "%s/%s/%s_input1_int16.csv", dir, op, name);
    failed |= feed_csv(&m, 1, path, name);
  }
  if (!failed && !tm_invoke(&m)) {
    snprintf(path, sizeof path, "%s/%s/%s_golden_int16.csv", dir, op, name);
    char *csv = read_text(path);
    CHECK_MSG(csv != NULL, "%s: cannot read %s", name, path);
    const size_t n = tm_output_bytes(&m, 0) / 2;
    int64_t *gold = calloc(n + 1, sizeof *gold);
    CHECK_EQ_INT(csv ? parse_csv(csv, gold, n + 1) : 0, n);
    const int16_t *out = oct_interp_output_data(m.it, 0);
    size_t bad = 0, first = 0;
    for (size_t i = 0; i < n; i++)
      if (out[i] != gold[i] && bad++ == 0) first = i;
    CHECK_MSG(bad == 0, "%s: %zu of %zu differ, first at %zu: %d vs %lld", name,
              bad, n, first, out[first], (long long)gold[first]);
    free(gold);
    free(csv);
    if (n_in == 2) {
      /* octet's shapes are static: a runtime output_shape that disagrees
       * with the declared output fails the invoke instead of resizing. */
      int32_t *shape = oct_interp_input_data(m.it, 0);
      shape[1] += 1;
      CHECK_MSG(oct_interp_invoke(m.it) == OCT_ERR_EVAL,
                "%s: a wrong output_shape was accepted", name);
      shape[1] -= 1;
    }
  }
  tm_close(&m);
  return 1;
}

int main(void) {
  TM_REQUIRE_SHARED();
  char dir[512];
  snprintf(dir, sizeof dir, "%s/models/tflm/seanet", test_shared_dir());
  int convs = 0, tconvs = 0;
  for (int k = 0; k < 64; k++) convs += run_one(dir, "conv", k);
  for (int k = 0; k < 16; k++) tconvs += run_one(dir, "transpose_conv", k);
  if (convs + tconvs == 0) TEST_SKIP("seanet models not found in %s", dir);
  CHECK_EQ_INT(convs, 22);
  CHECK_EQ_INT(tconvs, 5);
  return test_finish("test_seanet_conv");
}
