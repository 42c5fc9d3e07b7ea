/*
 * The image classifiers of ../shared/models on the 21 shared images,
 * against TFLite 2.9's built-in kernels (refs/classify/<model>.npy, made by
 * tools/make_model_refs.py with tflite_ref.js --engine native --xnnpack off):
 * uint8/int8 models bit for bit, the float model within 2e-5 per score and
 * the same top-1. Inputs are the resized uint8 images in refs/images_*.
 * Also checks the upstream expectation: burger.jpg is 934 "cheeseburger".
 */
#include "model_util.h"

static const char *const k_images[21] = {
    "astronaut", "bird", "cat", "chelsea", "china", "coffee", "dragonfly",
    "flower", "grace_hopper", "horse", "hot_dog", "kite_and_cold",
    "missvickie_potato_chips", "owl", "parrot", "pets", "resized_cat",
    "rocket", "sunflower", "burger", "sparrow"};

typedef struct classifier {
  const char *model, *ref, *images;
  int is_float;
} classifier;

static void run_classifier(const classifier *c) {
  test_model m;
  if (tm_open(&m, c->model)) return;
  oct_npy_array ref;
  if (tm_npy(c->ref, &ref)) {
    tm_close(&m);
    return;
  }
  const size_t classes = 1001;
  int exact = 0, top1_same = 0;
  double worst = 0;
  for (int i = 0; i < 21; i++) {
    char rel[256];
    snprintf(rel, sizeof rel, "%s/%s.npy", c->images, k_images[i]);
    oct_npy_array img;
    if (tm_npy(rel, &img)) continue;
    void *in = oct_interp_input_data(m.it, 0);
    const size_t n = img.bytes;
    if (c->is_float) {
      CHECK_EQ_INT(tm_input_bytes(&m, 0), n * 4);
      for (size_t k = 0; k < n; k++)
        ((float *)in)[k] = ((float)((uint8_t *)img.data)[k] - 127.5f) / 127.5f;
    } else {
      CHECK_EQ_INT(tm_input_bytes(&m, 0), n);
      memcpy(in, img.data, n);
    }
    oct_npy_free(&img);
    if (tm_invoke(&m)) break;
    const void *out = oct_interp_output_data(m.it, 0);
    if (c->is_float) {
      const float *want = (const float *)ref.data + (size_t)i * classes;
      const float *got = out;
      double d = 0;
      for (size_t k = 0; k < classes; k++) {
        double e = fabs((double)got[k] - want[k]);
        if (e > d) d = e;
      }
      if (d > worst) worst = d;
      CHECK_MSG(d <= 2e-5, "%s on %s: max |diff| %g", c->model, k_images[i], d);
      const size_t a = tm_argmax_f32(got, classes), b = tm_argmax_f32(want, classes);
      top1_same += a == b;
      CHECK_MSG(a == b, "%s on %s: top-1 %zu, TFLite %zu", c->model, k_images[i], a, b);
      if (i == 19) CHECK_EQ_INT(a, 934);
    } else {
      const uint8_t *want = (const uint8_t *)ref.data + (size_t)i * classes;
      size_t d = tm_output_diff_bytes(&m, 0, want, classes);
      exact += d == 0;
      CHECK_MSG(d == 0, "%s on %s: %zu of 1001 scores differ from TFLite", c->model,
                k_images[i], d);
      const size_t a = tm_argmax_u8(out, classes);
      top1_same += a == tm_argmax_u8(want, classes);
      if (i == 19) CHECK_EQ_INT(a, 934);
    }
  }
  if (c->is_float)
    printf("%s: top-1 same on %d/21, max |diff| %.3g\n", c->model, top1_same, worst);
  else
    printf("%s: bit-exact on %d/21 images, top-1 same on %d/21\n", c->model, exact,
           top1_same);
  oct_npy_free(&ref);
  tm_close(&m);
}

int main(void) {
  TM_REQUIRE_SHARED();
  static const classifier k_models[] = {
      {"tflite-support/mobilenet_v1_0.25_224_float.tflite",
       "classify/tfls_v1_025_224_float.npy", "images_224", 1},
      {"tflite-support/mobilenet_v1_0.25_224_quant.tflite",
       "classify/tfls_v1_025_224_quant.npy", "images_224", 0},
      {"coral/mobilenet_v2_1.0_224_quant.tflite", "classify/coral_v2_224_quant.npy",
       "images_224", 0},
      {"coral/tf2_mobilenet_v2_1.0_224_ptq.tflite", "classify/coral_tf2_v2_224_ptq.npy",
       "images_224", 0},
      {"coral/mobilenet_v1_0.25_128_quant.tflite", "classify/coral_v1_025_128_quant.npy",
       "images_128", 0},
  };
  const int quick = getenv("OCT_TEST_QUICK") != NULL;
  for (size_t i = 0; i < sizeof k_models / sizeof k_models[0]; i++) {
    /* The sanitizer pass keeps to the small models. */
    if (quick && strstr(k_models[i].model, "v2_1.0")) continue;
    run_classifier(&k_models[i]);
  }
  return test_finish("test_classify");
}
