/*
 * TFLite Micro's SEANet integration models for the elementwise ops: 17 ADD,
 * 5 SUB (int16 with a broadcast [C] operand), 23 LEAKY_RELU and 2 QUANTIZE
 * (int32 <-> int16), all 16x8 and on TFLite's general int16 path
 * (pot_scale_int16 false). Each must reproduce its *_golden_*.csv exactly,
 * as TFLite 2.9 does (../shared/models/README.md, appendix).
 */
#include "model_util.h"

#include "io/file.h"

/* Parses a one-line CSV of integers into `out` (at most cap values);
 * returns the count, or -1. */
static long read_csv(const char *path, int32_t *out, long cap) {
  void *text;
  size_t n;
  oct_error err;
  if (oct_file_read(path, 0, &text, &n, &err)) {
    CHECK_MSG(0, "%s", err.message);
    return -1;
  }
  long count = 0;
  const char *p = text;
  while (*p) {
    char *end;
    const long v = strtol(p, &end, 10);
    if (end == p) {
      p++;
      continue;
    }
    if (count == cap) {
      count = -1;
      break;
    }
    out[count++] = (int32_t)v;
    p = end;
  }
  oct_file_free(text);
  return count;
}

/* Copies `n` values into a tensor of type t (int16 or int32). */
static void store(void *dst, oct_dtype t, const int32_t *v, long n) {
  for (long i = 0; i < n; i++) {
    if (t == OCT_INT16)
      ((int16_t *)dst)[i] = (int16_t)v[i];
    else
      ((int32_t *)dst)[i] = v[i];
  }
}

static long mismatches(const void *y, oct_dtype t, const int32_t *want,
                       long n) {
  long bad = 0;
  for (long i = 0; i < n; i++)
    bad += (t == OCT_INT16 ? ((const int16_t *)y)[i]
                           : ((const int32_t *)y)[i]) != want[i];
  return bad;
}

static int tensor_type(const oct_interp *it, int index, oct_dtype *t,
                       size_t *elems) {
  oct_tensor_info ti;
  if (oct_interp_tensor_info(it, index, &ti)) return 1;
  *t = ti.dtype;
  *elems = ti.bytes / (ti.dtype == OCT_INT16 ? 2 : 4);
  return 0;
}

static void run_model(const char *op, int k, int32_t *buf, long cap) {
  const char *shared = test_shared_dir();
  char rel[256], path[2048];
  snprintf(rel, sizeof rel, "tflm/seanet/%s/%s%d.tflite", op, op, k);
  test_model m;
  if (tm_open(&m, rel)) return;
  for (int i = 0; i < oct_interp_input_count(m.it); i++) {
    oct_dtype t = OCT_INT32;
    size_t elems = 0;
    if (tensor_type(m.it, oct_interp_input_index(m.it, i), &t, &elems)) {
      CHECK_MSG(0, "%s input %d: no tensor info", rel, i);
      goto done;
    }
    snprintf(path, sizeof path, "%s/models/tflm/seanet/%s/%s%d_input%d_%s.csv",
             shared, op, op, k, i, t == OCT_INT16 ? "int16" : "int32");
    const long n = read_csv(path, buf, cap);
    CHECK_MSG(n == (long)elems, "%s input %d: %ld values for %zu elements", rel,
              i, n, elems);
    if (n != (long)elems) goto done;
    store(oct_interp_input_data(m.it, i), t, buf, n);
  }
  if (tm_invoke(&m)) goto done;
  oct_dtype t = OCT_INT32;
  size_t elems = 0;
  if (tensor_type(m.it, oct_interp_output_index(m.it, 0), &t, &elems)) {
    CHECK_MSG(0, "%s output: no tensor info", rel);
    goto done;
  }
  snprintf(path, sizeof path, "%s/models/tflm/seanet/%s/%s%d_golden_%s.csv",
           shared, op, op, k, t == OCT_INT16 ? "int16" : "int32");
  const long n = read_csv(path, buf, cap);
  CHECK_MSG(n == (long)elems, "%s golden: %ld values for %zu elements", rel, n,
            elems);
  if (n == (long)elems) {
    const long bad = mismatches(oct_interp_output_data(m.it, 0), t, buf, n);
    CHECK_MSG(bad == 0, "%s: %ld of %ld outputs differ from the golden CSV",
              rel, bad, n);
  }
done:
  tm_close(&m);
}

int main(void) {
  TM_REQUIRE_SHARED();
  static const struct {
    const char *op;
    int count;
  } sets[] = {{"add", 17}, {"sub", 5}, {"leaky_relu", 23}, {"quantize", 2}};
  const long cap = 1 << 20;
  int32_t *buf = malloc(sizeof *buf * (size_t)cap);
  if (!buf) return 1;
  for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++)
    for (int k = 0; k < sets[s].count; k++) run_model(sets[s].op, k, buf, cap);
  free(buf);
  return test_finish("test_seanet_elementwise");
}
