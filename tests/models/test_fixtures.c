/*
 * The committed ONNX fixtures (tests/data/fixtures: mlp, cnn_bn,
 * mobilenet_v2_tiny, resnet_tiny, trained on Fashion-MNIST and exported
 * by PyTorch) go through the public converter API, and octet's runtime
 * must reproduce PyTorch's logits on the 1,000 test images: max |diff|
 * under 1e-4 and the same top-1 on every image (issue 3, "Done when" #2).
 * The optimized graphs must hold no BatchNorm, Identity or Dropout (the
 * converter report's importer-only ops are gone, and no MUL is left over
 * from a lowered BatchNorm) and no standalone RELU/RELU6 right after a
 * conv or FULLY_CONNECTED (activation fusion ran).
 * Batch 1, one arena per model reused for every image. OCT_TEST_QUICK=1
 * (the sanitizer tier) runs the first 100 images.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/file.h"
#include "io/npy.h"
#include "octet/convert.h"
#include "octet/octet.h"
#include "test_util.h"

#define FIX_DIR "tests/data/fixtures"

static int is_conv_or_fc(const char *type) {
  return !strcmp(type, "CONV_2D") || !strcmp(type, "DEPTHWISE_CONV_2D") ||
         !strcmp(type, "FULLY_CONNECTED") || !strcmp(type, "TRANSPOSE_CONV");
}

/* Checks the written graph: no op left unfused after a conv/FC. */
static void check_graph(const char *name, const oct_interp *it) {
  const int n = oct_interp_op_count(it);
  for (int i = 0; i < n; i++) {
    oct_op_info op;
    if (oct_interp_op_info(it, i, &op)) continue;
    CHECK_MSG(strcmp(op.type, "MUL") != 0, "%s: op %d is a MUL (unfolded BatchNorm?)",
              name, i);
    if (strcmp(op.type, "RELU") && strcmp(op.type, "RELU6")) continue;
    /* Which op produces the activation's input? */
    for (int j = 0; j < n; j++) {
      oct_op_info p;
      if (oct_interp_op_info(it, j, &p)) continue;
      for (int o = 0; o < p.output_count; o++)
        if (p.outputs[o] == op.inputs[0])
          CHECK_MSG(!is_conv_or_fc(p.type), "%s: standalone %s after %s (op %d)",
                    name, op.type, p.type, j);
    }
  }
}

static void run_fixture(const char *name, const char *tmpdir, const oct_npy_array *x,
                        int n_images) {
  char in[512], out[512], ref[512];
  snprintf(in, sizeof in, FIX_DIR "/%s.onnx", name);
  snprintf(out, sizeof out, "%s/%s.tflite", tmpdir, name);
  snprintf(ref, sizeof ref, FIX_DIR "/%s_logits_1000.npy", name);

  oct_convert_report rep;
  oct_error err;
  if (oct_convert_file(in, out, NULL, &rep, &err)) {
    CHECK_MSG(0, "%s: convert: %s", name, err.message);
    return;
  }
  printf("%s: %d ops -> %d, %zu bytes\n", name, rep.ops_before, rep.ops_after,
         rep.file_bytes);
  for (int t = 0; t < rep.n_types; t++) {
    /* Importer-only ops (BatchNorm, Identity, Dropout) are "... (IR)". */
    if (strstr(rep.types[t].type, "(IR)"))
      CHECK_MSG(rep.types[t].after == 0, "%s: %d %s left", name, rep.types[t].after,
                rep.types[t].type);
    if (strstr(rep.types[t].type, "BATCH_NORM") || strstr(rep.types[t].type, "IDENTITY") ||
        strstr(rep.types[t].type, "DROPOUT"))
      CHECK_MSG(rep.types[t].after == 0, "%s: %s left", name, rep.types[t].type);
  }

  oct_npy_array want;
  if (oct_npy_read_file(ref, &want, &err)) {
    CHECK_MSG(0, "%s", err.message);
    unlink(out);
    return;
  }
  void *bytes = NULL, *arena = NULL;
  size_t size = 0, need = 0;
  oct_interp *it = NULL;
  if (oct_file_read(out, 0, &bytes, &size, &err) ||
      oct_arena_size(bytes, size, NULL, &need, &err)) {
    CHECK_MSG(0, "%s: %s", name, err.message);
    goto done;
  }
  if (posix_memalign(&arena, OCT_ARENA_ALIGN, need)) abort();
  if (oct_interp_init(&it, bytes, size, arena, need, NULL, &err)) {
    CHECK_MSG(0, "%s: %s", name, err.message);
    goto done;
  }
  check_graph(name, it);

  const size_t in_floats = (size_t)(x->bytes / 4 / (size_t)x->dims[0]);
  const size_t classes = (size_t)want.dims[1];
  oct_tensor_info ti, to;
  oct_interp_tensor_info(it, oct_interp_input_index(it, 0), &ti);
  oct_interp_tensor_info(it, oct_interp_output_index(it, 0), &to);
  CHECK_EQ_INT(ti.bytes, in_floats * 4);
  CHECK_EQ_INT(to.bytes, classes * 4);
  if (ti.bytes != in_floats * 4 || to.bytes != classes * 4) goto done;

  double max_diff = 0;
  int top1_same = 0;
  for (int i = 0; i < n_images; i++) {
    memcpy(oct_interp_input_data(it, 0), (const float *)x->data + (size_t)i * in_floats,
           ti.bytes);
    if (oct_interp_invoke(it) != OCT_OK) {
      CHECK_MSG(0, "%s image %d: %s", name, i, oct_interp_error(it));
      break;
    }
    const float *g = oct_interp_output_data(it, 0);
    const float *w = (const float *)want.data + (size_t)i * classes;
    size_t ag = 0, aw = 0;
    for (size_t k = 0; k < classes; k++) {
      const double d = fabs((double)g[k] - (double)w[k]);
      if (!(d <= max_diff)) max_diff = d; /* NaN poisons max_diff */
      if (g[k] > g[ag]) ag = k;
      if (w[k] > w[aw]) aw = k;
    }
    top1_same += ag == aw;
  }
  printf("%s: %d images, max |diff| %.3g, top-1 identical on %d\n", name, n_images,
         max_diff, top1_same);
  CHECK_MSG(max_diff < 1e-4, "%s: max |diff| %g", name, max_diff);
  CHECK_EQ_INT(top1_same, n_images);
done:
  free(arena);
  oct_file_free(bytes);
  oct_npy_free(&want);
  unlink(out);
}

int main(void) {
  static const char *const names[] = {"mlp", "cnn_bn", "mobilenet_v2_tiny", "resnet_tiny"};
  oct_npy_array x;
  oct_error err;
  if (oct_npy_read_file(FIX_DIR "/fmnist_test_1000_x.npy", &x, &err)) {
    CHECK_MSG(0, "%s", err.message);
    return test_finish("test_fixtures");
  }
  CHECK(x.dtype == OCT_NPY_FLOAT32 && x.rank == 4 && x.dims[0] == 1000);
  const char *quick = getenv("OCT_TEST_QUICK");
  const int n = quick && quick[0] == '1' ? 100 : 1000;
  char tmpdir[] = "/tmp/octet_fixtures_XXXXXX";
  if (!mkdtemp(tmpdir)) {
    CHECK_MSG(0, "mkdtemp failed");
    oct_npy_free(&x);
    return test_finish("test_fixtures");
  }
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    run_fixture(names[i], tmpdir, &x, n);
  rmdir(tmpdir);
  oct_npy_free(&x);
  return test_finish("test_fixtures");
}
