/*
 * Full-integer quantization end to end: the four Fashion-MNIST fixtures
 * (tests/data/fixtures) converted from ONNX and quantized to int8 with the
 * bundled 512 calibration images, then run by octet's runtime on the 1000
 * evaluation images. Each int8 model must keep top-1 accuracy within 1
 * point of its float model, run integer-only inside (QUANTIZE/DEQUANTIZE
 * only at the edges), and be at least 2x smaller. Also: int16x8, every
 * calibrator, --io int8/uint8, --keep-float, and bad calibration data
 * (NaN, wrong shape, wrong dtype, empty, too many files), each of which
 * must fail with a message naming the problem and write nothing.
 * (Bit-exactness with TFLite: tests/cli/test_quant_tflite.sh.)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/file.h"
#include "io/npy.h"
#include "octet/convert.h"
#include "octet/octet.h"
#include "quant/calib.h"
#include "test_util.h"

#define FX OCT_SOURCE_DIR "/tests/data/fixtures/"

static char g_tmp[256];
static oct_npy_array g_x, g_y;

typedef struct run_result {
  double top1;
  int float_ops;     /* ops other than QUANTIZE/DEQUANTIZE with float outputs */
  size_t bytes;
  oct_dtype in_type, out_type;
} run_result;

static int is_float_op_output(const oct_interp *it, const oct_op_info *oi) {
  if (!strcmp(oi->type, "QUANTIZE") || !strcmp(oi->type, "DEQUANTIZE")) return 0;
  for (int k = 0; k < oi->output_count; k++) {
    oct_tensor_info ti;
    if (!oct_interp_tensor_info(it, oi->outputs[k], &ti) && ti.dtype == OCT_FLOAT32) return 1;
  }
  return 0;
}

/* Runs a .tflite on the first `n` evaluation images. */
static int evaluate(const char *path, long n, run_result *r) {
  memset(r, 0, sizeof *r);
  void *bytes;
  size_t size;
  oct_error err;
  if (oct_file_read(path, 0, &bytes, &size, &err)) {
    CHECK_MSG(0, "%s", err.message);
    return 1;
  }
  r->bytes = size;
  size_t need;
  void *arena = NULL;
  oct_interp *it = NULL;
  if (oct_arena_size(bytes, size, NULL, &need, &err) ||
      posix_memalign(&arena, OCT_ARENA_ALIGN, need) ||
      oct_interp_init(&it, bytes, size, arena, need, NULL, &err)) {
    CHECK_MSG(0, "%s: %s", path, err.message);
    free(arena);
    oct_file_free(bytes);
    return 1;
  }
  for (int k = 0; k < oct_interp_op_count(it); k++) {
    oct_op_info oi;
    if (!oct_interp_op_info(it, k, &oi)) r->float_ops += is_float_op_output(it, &oi);
  }
  oct_tensor_info in, out;
  oct_interp_tensor_info(it, oct_interp_input_index(it, 0), &in);
  oct_interp_tensor_info(it, oct_interp_output_index(it, 0), &out);
  r->in_type = in.dtype;
  r->out_type = out.dtype;
  const size_t elems = 784;
  long correct = 0;
  for (long i = 0; i < n; i++) {
    const float *x = (const float *)g_x.data + (size_t)i * elems;
    void *dst = oct_interp_input_data(it, 0);
    for (size_t k = 0; k < elems; k++) {
      const double q = round(x[k] / in.scale) + (double)in.zero_point;
      if (in.dtype == OCT_FLOAT32) ((float *)dst)[k] = x[k];
      else if (in.dtype == OCT_INT8) ((int8_t *)dst)[k] = (int8_t)fmin(127, fmax(-128, q));
      else if (in.dtype == OCT_UINT8) ((uint8_t *)dst)[k] = (uint8_t)fmin(255, fmax(0, q));
      else ((int16_t *)dst)[k] = (int16_t)fmin(32767, fmax(-32768, q));
    }
    if (oct_interp_invoke(it)) {
      CHECK_MSG(0, "%s: %s", path, oct_interp_error(it));
      break;
    }
    const void *y = oct_interp_output_data(it, 0);
    int best = 0;
    double bv = -INFINITY;
    for (int c = 0; c < 10; c++) {
      double v;
      if (out.dtype == OCT_FLOAT32) v = ((const float *)y)[c];
      else if (out.dtype == OCT_INT8) v = ((const int8_t *)y)[c];
      else if (out.dtype == OCT_UINT8) v = ((const uint8_t *)y)[c];
      else v = ((const int16_t *)y)[c];
      if (v > bv) {
        bv = v;
        best = c;
      }
    }
    correct += best == ((const int64_t *)g_y.data)[i];
  }
  r->top1 = 100.0 * (double)correct / (double)n;
  free(arena);
  oct_file_free(bytes);
  return 0;
}

static oct_status convert(const char *model, const char *out, const oct_convert_options *o,
                          oct_convert_report *rep, oct_error *err) {
  char in[512];
  snprintf(in, sizeof in, FX "%s.onnx", model);
  return oct_convert_file(in, out, o, rep, err);
}

static void quant_opts(oct_convert_options *o, oct_quant_mode m) {
  oct_convert_options_init(o);
  o->quantize = m;
  o->calibration_files[0] = FX "fmnist_calib_512_x.npy";
  o->n_calibration_files = 1;
}

static void fixtures_int8(long n) {
  static const char *const models[] = {"mlp", "cnn_bn", "mobilenet_v2_tiny", "resnet_tiny"};
  printf("%-20s %8s %8s %10s %10s\n", "fixture", "float", "int8", "float B", "int8 B");
  for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
    char fpath[512], qpath[512];
    snprintf(fpath, sizeof fpath, "%s/%s_f32.tflite", g_tmp, models[i]);
    snprintf(qpath, sizeof qpath, "%s/%s_int8.tflite", g_tmp, models[i]);
    oct_convert_options o;
    oct_convert_report rep;
    oct_error err;
    oct_convert_options_init(&o);
    if (convert(models[i], fpath, &o, &rep, &err)) {
      CHECK_MSG(0, "%s", err.message);
      continue;
    }
    quant_opts(&o, OCT_QUANT_INT8);
    if (convert(models[i], qpath, &o, &rep, &err)) {
      CHECK_MSG(0, "%s", err.message);
      continue;
    }
    CHECK_EQ_INT(rep.calibration_samples_used, 512);
    CHECK_EQ_INT(rep.float_ops, 0);
    CHECK(!strcmp(rep.quantize, "int8"));
    run_result f, q;
    if (evaluate(fpath, n, &f) || evaluate(qpath, n, &q)) continue;
    printf("%-20s %7.2f%% %7.2f%% %10zu %10zu\n", models[i], f.top1, q.top1, f.bytes, q.bytes);
    CHECK_MSG(fabs(f.top1 - q.top1) <= 1.0, "%s: int8 top-1 %.2f%% vs float %.2f%%", models[i],
              q.top1, f.top1);
    CHECK_MSG(q.float_ops == 0, "%s: %d float ops inside the int8 model", models[i], q.float_ops);
    CHECK_MSG(q.bytes * 2 < f.bytes, "%s: int8 file %zu bytes vs float %zu", models[i], q.bytes,
              f.bytes);
    CHECK(q.in_type == OCT_FLOAT32 && q.out_type == OCT_FLOAT32);
  }
}

/* Variants on cnn_bn: other calibrators, io types, int16x8, keep-float. */
static void variants(long n) {
  char fpath[512];
  snprintf(fpath, sizeof fpath, "%s/cnn_bn_f32.tflite", g_tmp);
  run_result f;
  if (evaluate(fpath, n, &f)) return;
  struct {
    const char *name;
    oct_quant_mode mode;
    oct_calibrator calib;
    oct_dtype io;
    const char *keep;
    double budget;
    oct_dtype want_io;
    int float_ops;
  } v[] = {
      {"int8 percentile", OCT_QUANT_INT8, OCT_CALIB_PERCENTILE, OCT_FLOAT32, NULL, 1.0, OCT_FLOAT32, 0},
      {"int8 mse", OCT_QUANT_INT8, OCT_CALIB_MSE, OCT_FLOAT32, NULL, 1.0, OCT_FLOAT32, 0},
      {"int8 entropy", OCT_QUANT_INT8, OCT_CALIB_ENTROPY, OCT_FLOAT32, NULL, 1.5, OCT_FLOAT32, 0},
      {"int8 io int8", OCT_QUANT_INT8, OCT_CALIB_MINMAX, OCT_INT8, NULL, 1.0, OCT_INT8, 0},
      {"int8 io uint8", OCT_QUANT_INT8, OCT_CALIB_MINMAX, OCT_UINT8, NULL, 1.0, OCT_UINT8, 0},
      {"int16x8", OCT_QUANT_INT16X8, OCT_CALIB_MINMAX, OCT_FLOAT32, NULL, 1.0, OCT_FLOAT32, -1},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    char qpath[512];
    snprintf(qpath, sizeof qpath, "%s/cnn_bn_v%zu.tflite", g_tmp, i);
    oct_convert_options o;
    quant_opts(&o, v[i].mode);
    o.calibrator = v[i].calib;
    o.io_type = v[i].io;
    o.keep_float = v[i].keep;
    oct_convert_report rep;
    oct_error err;
    if (convert("cnn_bn", qpath, &o, &rep, &err)) {
      CHECK_MSG(0, "%s: %s", v[i].name, err.message);
      continue;
    }
    run_result q;
    if (evaluate(qpath, n, &q)) continue;
    printf("cnn_bn %-18s %7.2f%% (float %.2f%%), %zu bytes, %d float ops\n", v[i].name, q.top1,
           f.top1, q.bytes, q.float_ops);
    CHECK_MSG(fabs(f.top1 - q.top1) <= v[i].budget, "%s: top-1 %.2f%% vs float %.2f%%",
              v[i].name, q.top1, f.top1);
    CHECK_MSG(q.in_type == v[i].want_io && q.out_type == v[i].want_io, "%s: io %s/%s",
              v[i].name, oct_dtype_name(q.in_type), oct_dtype_name(q.out_type));
    if (v[i].float_ops >= 0) CHECK_EQ_INT(q.float_ops, v[i].float_ops);
  }
  /* --keep-float: the named conv stays float, between DEQUANTIZE/QUANTIZE. */
  char qpath[512];
  snprintf(qpath, sizeof qpath, "%s/cnn_bn_keep.tflite", g_tmp);
  oct_convert_options o;
  quant_opts(&o, OCT_QUANT_INT8);
  o.keep_float = "/0/Conv";
  oct_convert_report rep;
  oct_error err;
  if (convert("cnn_bn", qpath, &o, &rep, &err)) {
    CHECK_MSG(0, "keep-float: %s", err.message);
  } else {
    run_result q;
    if (!evaluate(qpath, n, &q)) {
      printf("cnn_bn keep-float        %7.2f%%, %d float ops\n", q.top1, q.float_ops);
      CHECK_MSG(q.float_ops >= 1 && rep.float_ops == q.float_ops,
                "keep-float: %d float ops in the file, %d reported", q.float_ops, rep.float_ops);
      CHECK(fabs(f.top1 - q.top1) <= 1.0);
    }
  }
}

static void write_npy(const char *name, oct_npy_dtype t, int rank, const int64_t *dims,
                      const void *data) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", g_tmp, name);
  oct_error err;
  CHECK_MSG(oct_npy_write_file(path, t, rank, dims, data, &err) == OCT_OK, "%s", err.message);
}

static void expect_fail(const char *what, const char *file, const char *file2,
                        const char *needle) {
  char p1[512], p2[512], out[512];
  snprintf(p1, sizeof p1, "%s/%s", g_tmp, file);
  snprintf(p2, sizeof p2, "%s/%s", g_tmp, file2 ? file2 : "");
  snprintf(out, sizeof out, "%s/bad_out.tflite", g_tmp);
  oct_convert_options o;
  quant_opts(&o, OCT_QUANT_INT8);
  o.calibration_files[0] = p1;
  if (file2) {
    o.calibration_files[1] = p2;
    o.n_calibration_files = 2;
  }
  if (!file) o.n_calibration_files = 0;
  oct_error err;
  memset(&err, 0, sizeof err);
  const oct_status st = convert("cnn_bn", out, &o, NULL, &err);
  CHECK_MSG(st != OCT_OK, "%s: accepted", what);
  CHECK_MSG(strstr(err.message, needle) != NULL, "%s: message '%s' lacks '%s'", what,
            err.message, needle);
  CHECK_MSG(access(out, F_OK) != 0, "%s: an output file was written", what);
}

static void bad_calibration(void) {
  float *x = calloc(4 * 784, sizeof *x);
  if (!x) return;
  const int64_t good[4] = {4, 1, 28, 28};
  x[2 * 784 + 100] = NAN;
  write_npy("nan.npy", OCT_NPY_FLOAT32, 4, good, x);
  x[2 * 784 + 100] = INFINITY;
  write_npy("inf.npy", OCT_NPY_FLOAT32, 4, good, x);
  x[2 * 784 + 100] = 0;
  write_npy("ok.npy", OCT_NPY_FLOAT32, 4, good, x);
  const int64_t wrong[4] = {4, 1, 28, 27};
  write_npy("shape.npy", OCT_NPY_FLOAT32, 4, wrong, x);
  write_npy("dtype.npy", OCT_NPY_INT32, 4, good, x);
  const int64_t empty[4] = {0, 1, 28, 28};
  write_npy("empty.npy", OCT_NPY_FLOAT32, 4, empty, x);
  free(x);
  expect_fail("NaN sample", "nan.npy", NULL, "sample 2");
  expect_fail("Inf sample", "inf.npy", NULL, "sample 2");
  expect_fail("wrong shape", "shape.npy", NULL, "[N,1,28,28]");
  expect_fail("wrong dtype", "dtype.npy", NULL, "float32");
  expect_fail("empty file", "empty.npy", NULL, "shape");
  expect_fail("two files, one input", "ok.npy", "ok.npy", "1 input(s) but 2");
  expect_fail("no data", NULL, NULL, "needs calibration data");
  expect_fail("missing file", "nope.npy", NULL, "nope.npy");
}

/* Histogram calibrators on a synthetic histogram with one far outlier:
 * minmax keeps it; percentile, mse and entropy clip it away. */
static void hist_calibrators(void) {
  enum { BINS = 2048 };
  static double h[BINS];
  for (int i = 0; i < 200; i++) h[i] = 1000.0 * exp(-(double)i / 50.0);
  h[BINS - 1] = 1;
  const float lo = 0, hi = 100;
  float a, b;
  oct_calib_hist_range(h, BINS, lo, hi, OCT_CALIB_MINMAX, 99.99f, 0, &a, &b);
  CHECK(a == lo && b == hi);
  oct_calib_hist_range(h, BINS, lo, hi, OCT_CALIB_PERCENTILE, 99.9f, 0, &a, &b);
  CHECK_MSG(b < 20 && b > 2, "percentile upper %g", b);
  oct_calib_hist_range(h, BINS, lo, hi, OCT_CALIB_MSE, 0, 0, &a, &b);
  CHECK_MSG(b < hi, "mse upper %g", b);
  oct_calib_hist_range(h, BINS, lo, hi, OCT_CALIB_ENTROPY, 0, 0, &a, &b);
  CHECK_MSG(b < hi, "entropy upper %g", b);
  /* ReLU6-like: decaying over [0, 6) with 5% of the mass saturated in
   * the top bin. Clipping below 6 moves that whole spike, so neither mse
   * nor entropy may clip much (entropy used to cut this to ~60%). */
  static double r[BINS];
  for (int i = 0; i < BINS; i++) r[i] = 100.0 * exp(-(double)i / 200.0);
  r[BINS - 1] += 0.05 * 100.0 * 200.0;
  oct_calib_hist_range(r, BINS, 0, 6, OCT_CALIB_ENTROPY, 0, 0, &a, &b);
  CHECK_MSG(b > 5.7f, "entropy upper %g on a saturated ReLU6", b);
  oct_calib_hist_range(r, BINS, 0, 6, OCT_CALIB_MSE, 0, 0, &a, &b);
  CHECK_MSG(b > 5.7f, "mse upper %g on a saturated ReLU6", b);
}

int main(void) {
  snprintf(g_tmp, sizeof g_tmp, "%s/octet-quant-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  if (!mkdtemp(g_tmp)) {
    perror("mkdtemp");
    return 1;
  }
  oct_error err;
  if (oct_npy_read_file(FX "fmnist_test_1000_x.npy", &g_x, &err) ||
      oct_npy_read_file(FX "fmnist_test_1000_y.npy", &g_y, &err)) {
    CHECK_MSG(0, "%s", err.message);
    return test_finish("test_quant_full");
  }
  /* Under the sanitizers (OCT_TEST_QUICK) fewer images, same checks. */
  const long n = getenv("OCT_TEST_QUICK") ? 200 : 1000;
  hist_calibrators();
  fixtures_int8(n);
  variants(n);
  bad_calibration();
  oct_npy_free(&g_x);
  oct_npy_free(&g_y);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_tmp);
  if (system(cmd)) fprintf(stderr, "could not remove %s\n", g_tmp);
  return test_finish("test_quant_full");
}
