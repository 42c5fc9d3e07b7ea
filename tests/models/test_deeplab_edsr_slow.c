/*
 * The two large real models (release build only: too slow for the
 * sanitizer pass):
 *  - deeplabv3 (tflite-support): the argmax mask of the [1,257,257,21]
 *    logits differs from TFLite's on fewer than 1% of pixels (upstream
 *    image_segmenter_test's tolerance; TFLite itself: 0 pixels);
 *  - EDSR fp32 / int8 / QAT (mlcommons) on the 960x540 frame: int8 and QAT
 *    at least 45 dB PSNR against octet's fp32 output, and a 32x32 crop of
 *    each output equal to TFLite's (int8/QAT bit for bit, fp32 within 1e-3).
 */
#include "model_util.h"

static void deeplab(void) {
  test_model m;
  if (tm_open(&m, "tflite-support/deeplabv3.tflite")) return;
  oct_npy_array img, mask;
  if (tm_npy("deeplabv3/input_257x257.npy", &img) || tm_npy("deeplabv3/mask_tflite.npy", &mask))
    return;
  float *in = oct_interp_input_data(m.it, 0);
  CHECK_EQ_INT(tm_input_bytes(&m, 0), img.bytes * 4);
  for (size_t k = 0; k < img.bytes; k++)
    in[k] = ((float)((uint8_t *)img.data)[k] - 127.5f) / 127.5f;
  if (!tm_invoke(&m)) {
    const float *logits = oct_interp_output_data(m.it, 0);
    const uint8_t *want = mask.data;
    size_t differ = 0;
    for (size_t p = 0; p < 257 * 257; p++)
      differ += tm_argmax_f32(logits + p * 21, 21) != want[p];
    printf("deeplabv3: %zu of 66049 mask pixels differ from TFLite\n", differ);
    CHECK(differ * 100 < 257 * 257);
  }
  oct_npy_free(&img);
  oct_npy_free(&mask);
  tm_close(&m);
}

enum { H = 1080, W = 1920, C = 3, CROP_Y = 500, CROP_X = 900, CROP = 32 };

/* Runs one EDSR variant; returns its output as pixel values (malloc'd). */
static float *edsr(const char *model, const uint8_t *frame, const char *crop_ref) {
  test_model m;
  if (tm_open(&m, model)) return NULL;
  const size_t n_in = 540 * 960 * 3;
  oct_tensor_info ti, to;
  oct_interp_tensor_info(m.it, oct_interp_input_index(m.it, 0), &ti);
  oct_interp_tensor_info(m.it, oct_interp_output_index(m.it, 0), &to);
  void *in = oct_interp_input_data(m.it, 0);
  for (size_t k = 0; k < n_in; k++) {
    if (ti.dtype == OCT_FLOAT32) ((float *)in)[k] = frame[k];
    else if (ti.dtype == OCT_INT8) ((int8_t *)in)[k] = (int8_t)(frame[k] - 128);
    else ((uint8_t *)in)[k] = frame[k];
  }
  if (tm_invoke(&m)) {
    tm_close(&m);
    return NULL;
  }
  const size_t n_out = (size_t)H * W * C;
  float *px = malloc(n_out * sizeof *px);
  const void *out = oct_interp_output_data(m.it, 0);
  for (size_t k = 0; k < n_out; k++) {
    if (to.dtype == OCT_FLOAT32) px[k] = ((const float *)out)[k];
    else if (to.dtype == OCT_INT8) px[k] = (float)((((const int8_t *)out)[k] - to.zero_point) * (double)to.scale);
    else px[k] = (float)((((const uint8_t *)out)[k] - to.zero_point) * (double)to.scale);
  }
  oct_npy_array ref;
  if (!tm_npy(crop_ref, &ref)) {
    size_t differ = 0;
    double worst = 0;
    const size_t es = oct_dtype_size(to.dtype);
    for (int y = 0; y < CROP; y++)
      for (int x = 0; x < CROP; x++)
        for (int c = 0; c < C; c++) {
          const size_t o = ((size_t)(CROP_Y + y) * W + CROP_X + x) * C + c;
          const size_t r = ((size_t)y * CROP + x) * C + c;
          if (to.dtype == OCT_FLOAT32) {
            double d = fabs(((const float *)out)[o] - ((const float *)ref.data)[r]);
            if (d > worst) worst = d;
          } else {
            differ += memcmp((const uint8_t *)out + o * es, (const uint8_t *)ref.data + r * es, es) != 0;
          }
        }
    if (to.dtype == OCT_FLOAT32) {
      printf("%s: crop max |diff| vs TFLite %.3g\n", model, worst);
      CHECK(worst <= 1e-3);
    } else {
      printf("%s: crop values differing from TFLite: %zu of %d\n", model, differ,
             CROP * CROP * C);
      CHECK_EQ_INT(differ, 0);
    }
    oct_npy_free(&ref);
  }
  tm_close(&m);
  return px;
}

static double psnr(const float *a, const float *b, size_t n) {
  double se = 0;
  for (size_t k = 0; k < n; k++) {
    double x = a[k] < 0 ? 0 : (a[k] > 255 ? 255 : a[k]);
    double d = x - b[k];
    se += d * d;
  }
  return 10.0 * log10(255.0 * 255.0 / (se / (double)n));
}

static void edsr_trio(void) {
  char path[2048];
  snprintf(path, sizeof path, "%s/models/mlcommons/lr_frame_960x540.rgb8", test_shared_dir());
  void *frame;
  size_t size;
  oct_error err;
  if (oct_file_read(path, 0, &frame, &size, &err)) {
    CHECK_MSG(0, "%s", err.message);
    return;
  }
  CHECK_EQ_INT(size, 540 * 960 * 3);
  float *f32 = edsr("mlcommons/edsr_f32b5_fp32.tflite", frame, "edsr/fp32_out_crop.npy");
  float *i8 = edsr("mlcommons/edsr_f32b5_full_qint8.tflite", frame, "edsr/int8_out_crop.npy");
  float *qat = edsr("mlcommons/edsr_f32b5_QAT.tflite", frame, "edsr/qat_out_crop.npy");
  const size_t n = (size_t)H * W * C;
  if (f32 && i8) {
    double p = psnr(f32, i8, n);
    printf("EDSR int8 vs fp32: %.2f dB (TFLite: 45.86)\n", p);
    CHECK(p >= 45.0);
  }
  if (f32 && qat) {
    double p = psnr(f32, qat, n);
    printf("EDSR QAT vs fp32: %.2f dB (TFLite: 45.86)\n", p);
    CHECK(p >= 45.0);
  }
  free(f32);
  free(i8);
  free(qat);
  oct_file_free(frame);
}

int main(void) {
  TM_REQUIRE_SHARED();
  deeplab();
  edsr_trio();
  return test_finish("test_deeplab_edsr_slow");
}
