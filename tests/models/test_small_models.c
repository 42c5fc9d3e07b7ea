/*
 * Small real models with known answers:
 *  - TFLM hello_world float and int8 (upstream hello_world_test.cc: |y - sin x|
 *    <= 0.05; int8 outputs equal TFLite's, table in ../shared/models/README.md);
 *  - TFLM person_detect on person/no_person (outputs equal TFLite's built-in
 *    kernels on the patched model bit for bit; person above no-person) and
 *    its arena against TFLite Micro's 136 KB example arena;
 *  - LiteRT test models add, add_quantized(_int8), multi_add, sub on the
 *    ramp inputs of refs/misc.
 */
#include "model_util.h"

static void hello_world_float(void) {
  test_model m;
  if (tm_open(&m, "tflm/hello_world_float.tflite")) return;
  static const float xs[8] = {0, 1, 3, 5, 0.77f, 1.57f, 2.3f, 3.14f};
  static const float tfl[8] = {0.026405f, 0.863044f, 0.127647f, -0.956519f,
                               0.687782f, 0.995514f, 0.771562f, -0.003493f};
  for (int i = 0; i < 8; i++) {
    *(float *)oct_interp_input_data(m.it, 0) = xs[i];
    if (tm_invoke(&m)) break;
    const float y = *(const float *)oct_interp_output_data(m.it, 0);
    CHECK_NEAR(y, tfl[i], 2e-6);
    if (i < 4) CHECK_NEAR(y, sinf(xs[i]), 0.05);
  }
  tm_close(&m);
}

static void hello_world_int8(void) {
  test_model m;
  if (tm_open(&m, "tflm/hello_world_int8.tflite")) return;
  static const int8_t qin[8] = {-96, -63, -34, 0, -97, -64, -34, 0};
  static const int8_t qout[8] = {89, 125, 93, 4, 85, 126, 93, 4};
  static const float xs[4] = {0.77f, 1.57f, 2.3f, 3.14f};
  for (int i = 0; i < 8; i++) {
    *(int8_t *)oct_interp_input_data(m.it, 0) = qin[i];
    if (tm_invoke(&m)) break;
    const int8_t q = *(const int8_t *)oct_interp_output_data(m.it, 0);
    CHECK_EQ_INT(q, qout[i]);
    const float y = (float)(q - 5) * 0.008290957f;
    CHECK_NEAR(y, sinf(xs[i % 4]), 0.05);
  }
  tm_close(&m);
}

static void person_detect(void) {
  test_model m;
  if (tm_open(&m, "tflm/person_detect.tflite")) return;
  static const char *const names[2] = {"person", "no_person"};
  for (int i = 0; i < 2; i++) {
    char rel[128];
    oct_npy_array in, want;
    snprintf(rel, sizeof rel, "person_detect/%s_input.npy", names[i]);
    if (tm_npy(rel, &in)) continue;
    snprintf(rel, sizeof rel, "person_detect/%s_output_patched.npy", names[i]);
    if (tm_npy(rel, &want)) {
      oct_npy_free(&in);
      continue;
    }
    CHECK_EQ_INT(in.bytes, tm_input_bytes(&m, 0));
    memcpy(oct_interp_input_data(m.it, 0), in.data, in.bytes);
    if (!tm_invoke(&m)) {
      const int8_t *o = oct_interp_output_data(m.it, 0);
      CHECK_EQ_INT(tm_output_diff_bytes(&m, 0, want.data, want.bytes), 0);
      printf("person_detect %s: [%d, %d]\n", names[i], o[0], o[1]);
      if (i == 0) CHECK(o[1] > o[0]);
      else CHECK(o[0] > o[1]);
    }
    oct_npy_free(&in);
    oct_npy_free(&want);
  }
  printf("person_detect arena with optimized kernels (packed weights): %zu "
         "bytes\n",
         oct_interp_arena_used(m.it));
  tm_close(&m);
  /* TFLite Micro's figure is for its reference kernels, which pack
   * nothing: compare like with like. */
  if (tm_open_opts(&m, "tflm/person_detect.tflite", OCT_KERNELS_REF)) return;
  const size_t arena = oct_interp_arena_used(m.it);
  printf("person_detect arena: %zu bytes (TFLite Micro example: 136 KB = 139264)\n",
         arena);
  CHECK(arena <= 136 * 1024);
  tm_close(&m);
}

static void misc_model(const char *model, const char *stem, int n_in, int n_out,
                       double tol) {
  test_model m;
  char rel[256];
  snprintf(rel, sizeof rel, "litert-testdata/misc/%s", model);
  if (tm_open(&m, rel)) return;
  for (int i = 0; i < n_in; i++) {
    oct_npy_array a;
    snprintf(rel, sizeof rel, "misc/%s_input_%d.npy", stem, i);
    if (tm_npy(rel, &a)) return;
    CHECK_EQ_INT(a.bytes, tm_input_bytes(&m, i));
    memcpy(oct_interp_input_data(m.it, i), a.data, a.bytes);
    oct_npy_free(&a);
  }
  if (!tm_invoke(&m)) {
    for (int i = 0; i < n_out; i++) {
      oct_npy_array want;
      snprintf(rel, sizeof rel, "misc/%s_output_%d.npy", stem, i);
      if (tm_npy(rel, &want)) continue;
      if (tol == 0) {
        CHECK_MSG(tm_output_diff_bytes(&m, i, want.data, want.bytes) == 0,
                  "%s output %d differs from TFLite", model, i);
      } else {
        const float *g = oct_interp_output_data(m.it, i), *w = want.data;
        for (size_t k = 0; k < want.bytes / 4; k++) CHECK_NEAR(g[k], w[k], tol);
      }
      oct_npy_free(&want);
    }
  }
  tm_close(&m);
}

int main(void) {
  TM_REQUIRE_SHARED();
  hello_world_float();
  hello_world_int8();
  person_detect();
  misc_model("add.bin", "add", 1, 1, 1e-6);
  misc_model("add_quantized.bin", "add_quantized", 1, 1, 0);
  misc_model("add_quantized_int8.bin", "add_quantized_int8", 1, 1, 0);
  misc_model("multi_add.bin", "multi_add", 4, 2, 1e-6);
  misc_model("sub.bin", "sub", 2, 1, 1e-6);
  return test_finish("test_small_models");
}
