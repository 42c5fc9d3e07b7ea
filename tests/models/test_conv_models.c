/*
 * The conv family end to end against real TFLite: every single-op model in
 * tests/data/conv (written by scripts/make_conv_models.py, outputs from
 * TFLite 2.9's built-in kernels) runs through the public API, with both
 * kernel preferences. Integer outputs must match exactly, float outputs
 * within 1e-5 (TFLite sums in another order). Then every model in
 * tests/data/conv/bad (one defect each) must be refused at load with the
 * status bad/expected.txt gives, and without a sanitizer report.
 */
#include "model_util.h"

/* Paths stay under 1024 bytes so model_util.h's own buffers provably fit. */
static void run_case(const char *dir, const char *name, oct_kernel_pref k) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s.tflite", dir, name);
  test_model m;
  if (tm_open_opts(&m, path, k)) return;
  oct_npy_array in, want;
  snprintf(path, sizeof path, "%s/%s_in.npy", dir, name);
  int bad_files = tm_npy(path, &in);
  snprintf(path, sizeof path, "%s/%s_out.npy", dir, name);
  bad_files |= tm_npy(path, &want);
  if (bad_files) {
    tm_close(&m);
    return;
  }
  CHECK_MSG(in.bytes == tm_input_bytes(&m, 0), "%s: input is %zu bytes", name,
            in.bytes);
  CHECK_MSG(want.bytes == tm_output_bytes(&m, 0), "%s: output is %zu bytes",
            name, want.bytes);
  if (in.bytes == tm_input_bytes(&m, 0) &&
      want.bytes == tm_output_bytes(&m, 0)) {
    memcpy(oct_interp_input_data(m.it, 0), in.data, in.bytes);
    if (!tm_invoke(&m)) {
      if (want.dtype == OCT_NPY_FLOAT32) {
        const float *got = oct_interp_output_data(m.it, 0);
        const float *ref = want.data;
        size_t bad = 0, n = want.bytes / 4, first = 0;
        for (size_t i = 0; i < n; i++)
          if (!(fabsf(got[i] - ref[i]) <= 1e-5f * (1 + fabsf(ref[i]))) &&
              bad++ == 0)
            first = i;
        CHECK_MSG(bad == 0, "%s: %zu of %zu differ, first at %zu: %g vs %g",
                  name, bad, n, first, got[first], ref[first]);
      } else {
        size_t bad = tm_output_diff_bytes(&m, 0, want.data, want.bytes);
        CHECK_MSG(bad == 0, "%s (kernels %d): %zu bytes differ", name, (int)k,
                  bad);
      }
    }
  }
  oct_npy_free(&in);
  oct_npy_free(&want);
  tm_close(&m);
}

static int check_bad(const char *dir) {
  char path[600];
  snprintf(path, sizeof path, "%s/bad/expected.txt", dir);
  FILE *f = fopen(path, "r");
  CHECK_MSG(f != NULL, "%s not found", path);
  if (!f) return 0;
  char name[256];
  int want, n = 0;
  while (fscanf(f, "%255s %d", name, &want) == 2) {
    char mpath[1024];
    snprintf(mpath, sizeof mpath, "%s/bad/%s.tflite", dir, name);
    void *bytes = NULL;
    size_t size = 0, need = 0;
    oct_error err;
    if (oct_file_read(mpath, 0, &bytes, &size, &err)) {
      CHECK_MSG(0, "%s", err.message);
      continue;
    }
    oct_status st = oct_arena_size(bytes, size, NULL, &need, &err);
    CHECK_MSG((int)st == want, "%s: status %d (%s), expected %d", name, (int)st,
              st ? err.message : "accepted", want);
    oct_file_free(bytes);
    n++;
  }
  fclose(f);
  return n;
}

int main(void) {
  char dir[512], path[600];
  snprintf(dir, sizeof dir, "%s/tests/data/conv", OCT_SOURCE_DIR);
  snprintf(path, sizeof path, "%s/cases.txt", dir);
  FILE *f = fopen(path, "r");
  if (!f) TEST_SKIP("%s not found", path);
  char name[256];
  int n = 0;
  while (fscanf(f, "%255s", name) == 1) {
    run_case(dir, name, OCT_KERNELS_BEST);
    run_case(dir, name, OCT_KERNELS_REF);
    n++;
  }
  fclose(f);
  CHECK(n >= 35);
  CHECK(check_bad(dir) >= 30);
  return test_finish("test_conv_models");
}
