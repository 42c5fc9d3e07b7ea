/*
 * End to end through the public API: the 19 PAD and 34 STRIDED_SLICE
 * single-layer int16 models cut from TFLM's SEANet integration test, fed
 * their recorded inputs and checked for exact equality with the recorded
 * golden outputs (which TFLite 2.9's built-in kernels also reproduce).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "octet/octet.h"
#include "test_util.h"

static void *read_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  void *buf = NULL;
  if (fseek(f, 0, SEEK_END) == 0) {
    long n = ftell(f);
    if (n >= 0 && fseek(f, 0, SEEK_SET) == 0) {
      buf = malloc((size_t)n + 1);
      if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
      }
      if (buf) {
        ((char *)buf)[n] = '\0';
        *size = (size_t)n;
      }
    }
  }
  fclose(f);
  return buf;
}

/* Parses a one-line CSV of integers; returns the count (at most cap). */
static size_t parse_csv(const char *text, int16_t *vals, size_t cap) {
  size_t n = 0;
  const char *p = text;
  while (*p && n < cap) {
    char *end;
    long v = strtol(p, &end, 10);
    if (end == p) break;
    vals[n++] = (int16_t)v;
    p = end;
    while (*p == ',' || *p == ' ' || *p == '\r' || *p == '\n') p++;
  }
  return n;
}

/* Runs <dir>/<op>/<op><k>.tflite; returns 0 when the files are missing. */
static int run_one(const char *dir, const char *op, int k) {
  char path[1024];
  size_t model_size = 0, in_size = 0, gold_size = 0;
  snprintf(path, sizeof path, "%s/%s/%s%d.tflite", dir, op, op, k);
  void *model = read_file(path, &model_size);
  if (!model) return 0;
  snprintf(path, sizeof path, "%s/%s/%s%d_input0_int16.csv", dir, op, op, k);
  char *in_csv = read_file(path, &in_size);
  snprintf(path, sizeof path, "%s/%s/%s%d_golden_int16.csv", dir, op, op, k);
  char *gold_csv = read_file(path, &gold_size);
  CHECK_MSG(in_csv && gold_csv, "%s%d: missing csv", op, k);

  size_t need = 0;
  oct_error err;
  oct_status st = oct_arena_size(model, model_size, NULL, &need, &err);
  CHECK_MSG(st == OCT_OK, "%s%d: %s", op, k, err.message);
  void *arena = st == OCT_OK
                    ? aligned_alloc(OCT_ARENA_ALIGN,
                                    (need + OCT_ARENA_ALIGN - 1) /
                                        OCT_ARENA_ALIGN * OCT_ARENA_ALIGN)
                    : NULL;
  oct_interp *it = NULL;
  if (arena && in_csv && gold_csv) {
    st = oct_interp_init(&it, model, model_size, arena, need, NULL, &err);
    CHECK_MSG(st == OCT_OK, "%s%d: %s", op, k, err.message);
  }
  if (it) {
    oct_tensor_info ii, oi;
    oct_interp_tensor_info(it, oct_interp_input_index(it, 0), &ii);
    oct_interp_tensor_info(it, oct_interp_output_index(it, 0), &oi);
    CHECK(ii.dtype == OCT_INT16 && oi.dtype == OCT_INT16);
    const size_t n_in = ii.bytes / 2, n_out = oi.bytes / 2;
    int16_t *in = calloc(n_in + 1, 2), *gold = calloc(n_out + 1, 2);
    CHECK_EQ_INT(parse_csv(in_csv, in, n_in + 1), n_in);
    CHECK_EQ_INT(parse_csv(gold_csv, gold, n_out + 1), n_out);
    memcpy(oct_interp_input_data(it, 0), in, n_in * 2);
    st = oct_interp_invoke(it);
    CHECK_MSG(st == OCT_OK, "%s%d: %s", op, k, oct_interp_error(it));
    const int16_t *out = oct_interp_output_data(it, 0);
    size_t bad = 0, first = 0;
    for (size_t i = 0; i < n_out; i++)
      if (out[i] != gold[i] && bad++ == 0) first = i;
    CHECK_MSG(bad == 0, "%s%d: %zu of %zu differ, first at %zu: %d vs %d", op,
              k, bad, n_out, first, out[first], gold[first]);
    free(in);
    free(gold);
  }
  free(arena);
  free(in_csv);
  free(gold_csv);
  free(model);
  return 1;
}

int main(void) {
  const char *shared = test_shared_dir();
  if (!shared) TEST_SKIP("no shared directory");
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/models/tflm/seanet", shared);
  int pads = 0, slices = 0;
  for (int k = 0; k < 64; k++) pads += run_one(dir, "pad", k);
  for (int k = 0; k < 64; k++) slices += run_one(dir, "strided_slice", k);
  if (pads + slices == 0) TEST_SKIP("seanet models not found in %s", dir);
  CHECK_EQ_INT(pads, 19);
  CHECK_EQ_INT(slices, 34);
  return test_finish("test_seanet_shape");
}
