/*
 * Threads change no bit: the outputs of float and int8 models with 1, 2
 * and 3 threads (a real thread pool) are byte-for-byte identical, with the
 * fastest kernels and with the reference kernels. Models: the ONNX
 * fixtures converted to float32, int8 and dynamic (conv, depthwise, fully
 * connected with batch 1, which threads cut by output channel), the TFLM
 * hello_world models, and, when ../shared is present, a real int8
 * MobileNetV2.
 */
#include "octet/convert.h"
#include "octet/octet.h"
#include "io/file.h"
#include "test_util.h"

static uint32_t rng = 777;
static uint8_t rbyte(void) {
  rng = rng * 1664525u + 1013904223u;
  return (uint8_t)(rng >> 24);
}

/* The same pseudo-random inputs on every call. */
static void fill_inputs(oct_interp *it) {
  rng = 777;
  for (int i = 0; i < oct_interp_input_count(it); i++) {
    oct_tensor_info ti;
    oct_interp_tensor_info(it, oct_interp_input_index(it, i), &ti);
    uint8_t *p = oct_interp_input_data(it, i);
    if (ti.dtype == OCT_FLOAT32) {
      for (size_t j = 0; j < ti.bytes / 4; j++) {
        const float v = (float)rbyte() / 128.0f - 1.0f;
        memcpy(p + 4 * j, &v, 4);
      }
    } else {
      for (size_t j = 0; j < ti.bytes; j++) p[j] = rbyte();
    }
  }
}

/* Runs `model` once with `threads` threads; returns the concatenated
 * outputs in a malloc'ed buffer (*n bytes), or NULL on failure. */
static uint8_t *run_model(const void *model, size_t size, oct_kernel_pref k,
                          int threads, size_t *n) {
  oct_threadpool *tp = NULL;
  oct_options o = {k, 1, 0, 0};
  if (threads > 1) {
    if (oct_threadpool_create(threads, &tp)) return NULL;
    oct_threadpool_options(tp, &o);
  }
  oct_error err;
  size_t ab = 0;
  uint8_t *res = NULL;
  void *arena = NULL;
  oct_interp *it = NULL;
  if (oct_arena_size(model, size, &o, &ab, &err)) {
    CHECK_MSG(0, "arena size: %s", err.message);
    goto done;
  }
  arena = aligned_alloc(OCT_ARENA_ALIGN, (ab + OCT_ARENA_ALIGN - 1) / OCT_ARENA_ALIGN * OCT_ARENA_ALIGN);
  if (oct_interp_init(&it, model, size, arena, ab, &o, &err)) {
    CHECK_MSG(0, "init: %s", err.message);
    goto done;
  }
  fill_inputs(it);
  if (oct_interp_invoke(it)) {
    CHECK_MSG(0, "invoke: %s", oct_interp_error(it));
    goto done;
  }
  size_t total = 0;
  for (int i = 0; i < oct_interp_output_count(it); i++) {
    oct_tensor_info ti;
    oct_interp_tensor_info(it, oct_interp_output_index(it, i), &ti);
    total += ti.bytes;
  }
  res = malloc(total ? total : 1);
  *n = 0;
  for (int i = 0; i < oct_interp_output_count(it); i++) {
    oct_tensor_info ti;
    oct_interp_tensor_info(it, oct_interp_output_index(it, i), &ti);
    memcpy(res + *n, oct_interp_output_data(it, i), ti.bytes);
    *n += ti.bytes;
  }
  if (threads == 1) {
    /* Op by op (oct_interp_invoke_ops, as `octet bench --profile` runs)
     * is the same invoke; ranges outside the graph are refused. */
    const int ops = oct_interp_op_count(it);
    CHECK(oct_interp_invoke_ops(it, -1, 1) == OCT_ERR_INVALID_ARG);
    CHECK(oct_interp_invoke_ops(it, 0, ops + 1) == OCT_ERR_INVALID_ARG);
    CHECK(oct_interp_invoke_ops(it, ops, 0) == OCT_OK);
    /* The plan may reuse an input's bytes once its last reader ran. */
    fill_inputs(it);
    for (int i = 0; i < ops; i++) CHECK(oct_interp_invoke_ops(it, i, 1) == OCT_OK);
    size_t off = 0;
    for (int i = 0; i < oct_interp_output_count(it); i++) {
      oct_tensor_info ti;
      oct_interp_tensor_info(it, oct_interp_output_index(it, i), &ti);
      CHECK_MSG(!memcmp(res + off, oct_interp_output_data(it, i), ti.bytes),
                "op-by-op output %d differs", i);
      off += ti.bytes;
    }
  }
done:
  free(arena);
  oct_threadpool_destroy(tp);
  return res;
}

static void check_model_file(const char *path, int with_ref) {
  void *bytes = NULL;
  size_t size = 0;
  oct_error err;
  if (oct_file_read(path, 0, &bytes, &size, &err)) {
    CHECK_MSG(0, "%s", err.message);
    return;
  }
  for (int k = 0; k < (with_ref ? 2 : 1); k++) {
    const oct_kernel_pref pref = k ? OCT_KERNELS_REF : OCT_KERNELS_BEST;
    size_t n1 = 0;
    uint8_t *one = run_model(bytes, size, pref, 1, &n1);
    CHECK_MSG(one != NULL, "%s: no result", path);
    for (int t = 2; one && t <= 3; t++) {
      size_t nt = 0;
      uint8_t *many = run_model(bytes, size, pref, t, &nt);
      CHECK_MSG(many && nt == n1 && memcmp(one, many, n1) == 0,
                "%s (%s kernels): outputs with %d threads differ from 1 thread",
                path, k ? "reference" : "best", t);
      free(many);
    }
    free(one);
  }
  printf("%s: compared 1, 2, 3 threads\n", path);
  oct_file_free(bytes);
}

/* mode: 0 float32, 1 int8, 2 dynamic (hybrid kernels). */
static void convert_and_check(const char *onnx, const char *tag, int mode) {
  char in[1024], out[1024], calib[1024];
  snprintf(in, sizeof in, "%s/tests/data/fixtures/%s", OCT_SOURCE_DIR, onnx);
  snprintf(out, sizeof out, "%s/test_threads_%s_%s.tflite", OCT_BINARY_DIR, tag,
           mode == 1 ? "int8" : mode == 2 ? "dynamic" : "f32");
  snprintf(calib, sizeof calib, "%s/tests/data/fixtures/fmnist_calib_512_x.npy",
           OCT_SOURCE_DIR);
  oct_convert_options co;
  oct_convert_options_init(&co);
  if (mode == 2) co.quantize = OCT_QUANT_DYNAMIC;
  if (mode == 1) {
    co.quantize = OCT_QUANT_INT8;
    co.calibration_files[0] = calib;
    co.n_calibration_files = 1;
    co.calibration_samples = 16;
  }
  oct_error err;
  if (oct_convert_file(in, out, &co, NULL, &err)) {
    CHECK_MSG(0, "convert %s: %s", onnx, err.message);
    return;
  }
  check_model_file(out, 1);
  remove(out);
}

int main(void) {
  static const char *fixtures[] = {"mobilenet_v2_tiny.onnx", "cnn_bn.onnx",
                                   "mlp.onnx", "resnet_tiny.onnx"};
  for (size_t i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++) {
    char tag[64];
    snprintf(tag, sizeof tag, "%zu", i);
    convert_and_check(fixtures[i], tag, 0);
    convert_and_check(fixtures[i], tag, 1);
    convert_and_check(fixtures[i], tag, 2);
  }
  char path[1024];
  snprintf(path, sizeof path, "%s/tests/data/models/hello_world_int8.tflite", OCT_SOURCE_DIR);
  check_model_file(path, 1);
  snprintf(path, sizeof path, "%s/tests/data/models/hello_world_float.tflite", OCT_SOURCE_DIR);
  check_model_file(path, 1);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__has_feature)
#define OCT_TEST_BIG 1
#elif defined(__has_feature)
#if !__has_feature(address_sanitizer)
#define OCT_TEST_BIG 1
#endif
#endif
#ifdef OCT_TEST_BIG
  /* A real int8 MobileNetV2 (too slow for the sanitizer build). */
  const char *shared = test_shared_dir();
  if (shared) {
    snprintf(path, sizeof path, "%s/models/coral/tf2_mobilenet_v2_1.0_224_ptq.tflite", shared);
    FILE *f = fopen(path, "rb");
    if (f) {
      fclose(f);
      check_model_file(path, 0);
    } else {
      printf("no %s: real-model check skipped\n", path);
    }
  }
#endif
  return test_finish("test_threads");
}
