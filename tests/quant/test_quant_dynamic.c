/*
 * Dynamic range quantization (src/quant/quant_dynamic.c).
 *
 * Graph checks on a small IR net: CONV_2D, DEPTHWISE_CONV_2D and
 * FULLY_CONNECTED read int8 weights directly (per channel along axis 0 /
 * 3, per tensor for FC) with asymmetric_quantize_inputs set on FC, no
 * QUANTIZE op and no int8 activation anywhere, biases and small weights
 * (< 1024 elements) left float32; with --per-tensor, per-tensor conv
 * weights, symmetric FC inputs and depthwise weights behind a DEQUANTIZE.
 *
 * End to end: the four Fashion-MNIST fixtures converted with --quantize
 * dynamic run in octet (hybrid kernels) on the 1000 evaluation images:
 * top-1 within 0.5 points of float (2 images in the sanitizers' quick mode), top-1 agreement with float >= 98%,
 * only float32 activations, and a file at most 0.5x the float one for the
 * models whose weights are mostly large tensors.
 * (Against the real TFLite: tests/cli/test_quant_dynamic_tflite.sh.)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "convert/ir_build.h"
#include "io/file.h"
#include "io/npy.h"
#include "octet/convert.h"
#include "octet/octet.h"
#include "quant/quantize.h"
#include "test_util.h"

#define FX OCT_SOURCE_DIR "/tests/data/fixtures/"

static int ramp(oct_ir_graph *g, const char *name, int rank, const int32_t *dims,
                float base) {
  int64_t n = 1;
  for (int i = 0; i < rank; i++) n *= dims[i];
  float *v = malloc((size_t)n * sizeof *v);
  for (int64_t i = 0; i < n; i++) v[i] = base * sinf(0.37f * (float)i) * (float)(1 + i % 7);
  const int t = oct_ir_add_const(g, name, OCT_FLOAT32, rank, dims, v);
  free(v);
  return t;
}

static void conv_opts(oct_ir_graph *g, int op, oct_padding pad) {
  oct_conv_options *c = &g->ops[op].opts.conv;
  c->stride_h = c->stride_w = c->dilation_h = c->dilation_w = c->depth_multiplier = 1;
  c->padding = pad;
}

/* x[1,6,6,16] -> CONV(w[128,3,3,16]) -> DW(w[1,3,3,128]) -> RESHAPE ->
 * FC(w[10,2048]) -> FC(w[10,10], 100 weights: stays float). */
static void build(oct_ir_graph *g) {
  oct_ir_init(g);
  const int x = irb_input(g, 4, IRB_DIMS(1, 6, 6, 16));
  const int cw = ramp(g, "cw", 4, IRB_DIMS(128, 3, 3, 16), 0.1f);
  const int cb = ramp(g, "cb", 1, IRB_DIMS(128), 0.2f);
  const int c = irb_tensor(g, OCT_FLOAT32, 4, IRB_DIMS(1, 4, 4, 128));
  conv_opts(g, irb_op(g, OCT_OP_CONV_2D, 3, IRB_INTS(x, cw, cb), 1, IRB_INTS(c)), OCT_PAD_VALID);
  const int dww = ramp(g, "dww", 4, IRB_DIMS(1, 3, 3, 128), 0.3f);
  const int dwb = ramp(g, "dwb", 1, IRB_DIMS(128), 0.1f);
  const int d = irb_tensor(g, OCT_FLOAT32, 4, IRB_DIMS(1, 4, 4, 128));
  conv_opts(g, irb_op(g, OCT_OP_DEPTHWISE_CONV_2D, 3, IRB_INTS(c, dww, dwb), 1, IRB_INTS(d)),
            OCT_PAD_SAME);
  const int shape = irb_i32(g, 2, (const int32_t[]){1, 2048});
  const int r = irb_tensor(g, OCT_FLOAT32, 2, IRB_DIMS(1, 2048));
  irb_op(g, OCT_OP_RESHAPE, 2, IRB_INTS(d, shape), 1, IRB_INTS(r));
  const int fw = ramp(g, "fw", 2, IRB_DIMS(10, 2048), 0.01f);
  const int fb = ramp(g, "fb", 1, IRB_DIMS(10), 0.1f);
  const int f = irb_tensor(g, OCT_FLOAT32, 2, IRB_DIMS(1, 10));
  irb_op(g, OCT_OP_FULLY_CONNECTED, 3, IRB_INTS(r, fw, fb), 1, IRB_INTS(f));
  const int f2w = ramp(g, "f2w", 2, IRB_DIMS(10, 10), 0.5f);
  const int y = irb_tensor(g, OCT_FLOAT32, 2, IRB_DIMS(1, 10));
  irb_op(g, OCT_OP_FULLY_CONNECTED, 2, IRB_INTS(f, f2w), 1, IRB_INTS(y));
  oct_ir_add_output(g, y);
}

static const oct_ir_op *nth_op(const oct_ir_graph *g, int code, int nth) {
  for (int i = 0; i < g->n_ops; i++)
    if (g->ops[i].code == code && nth-- == 0) return &g->ops[i];
  return NULL;
}

static int count_op(const oct_ir_graph *g, int code) {
  int c = 0;
  for (int i = 0; i < g->n_ops; i++) c += g->ops[i].code == code;
  return c;
}

static const oct_ir_tensor *weight(const oct_ir_graph *g, const oct_ir_op *o) {
  return o ? &g->tensors[o->inputs[1]] : NULL;
}

static void test_graph(void) {
  oct_ir_graph g;
  build(&g);
  oct_convert_options o;
  oct_convert_options_init(&o);
  o.quantize = OCT_QUANT_DYNAMIC;
  oct_convert_report rep;
  memset(&rep, 0, sizeof rep);
  CHECK_EQ_INT(oct_quantize_graph(&g, &o, &rep), OCT_OK);
  CHECK(rep.quantize && !strcmp(rep.quantize, "dynamic"));
  CHECK_EQ_INT(count_op(&g, OCT_OP_QUANTIZE), 0);
  CHECK_EQ_INT(count_op(&g, OCT_OP_DEQUANTIZE), 0);
  const oct_ir_op *conv = nth_op(&g, OCT_OP_CONV_2D, 0);
  const oct_ir_op *dw = nth_op(&g, OCT_OP_DEPTHWISE_CONV_2D, 0);
  const oct_ir_op *fc = nth_op(&g, OCT_OP_FULLY_CONNECTED, 0);
  const oct_ir_op *fc2 = nth_op(&g, OCT_OP_FULLY_CONNECTED, 1);
  const oct_ir_tensor *cw = weight(&g, conv), *dww = weight(&g, dw), *fw = weight(&g, fc);
  const oct_ir_tensor *f2w = weight(&g, fc2);
  CHECK(cw && cw->type == OCT_INT8 && cw->data && cw->q.count == 128 && cw->q.axis == 0);
  CHECK(dww && dww->type == OCT_INT8 && dww->q.count == 128 && dww->q.axis == 3);
  CHECK(fw && fw->type == OCT_INT8 && fw->q.count == 1);
  CHECK(f2w && f2w->type == OCT_FLOAT32);
  CHECK(fc && fc->opts.fc.asymmetric_quantize_inputs);
  CHECK(fc2 && !fc2->opts.fc.asymmetric_quantize_inputs);
  if (cw && cw->q.count == 128) {
    /* symmetric, max|w| of a channel maps to +-127 */
    const int8_t *q = cw->data;
    int m = 0;
    for (int i = 0; i < 144; i++) m = abs(q[i]) > m ? abs(q[i]) : m;
    CHECK_EQ_INT(m, 127);
    CHECK_EQ_INT((int)cw->q.zero_point[5], 0);
  }
  /* activations and biases stay float32 */
  for (int i = 0; i < g.n_ops; i++) {
    const oct_ir_op *op = &g.ops[i];
    CHECK(g.tensors[op->inputs[0]].type == OCT_FLOAT32);
    CHECK(g.tensors[op->outputs[0]].type == OCT_FLOAT32);
    if (op->n_inputs > 2 && op->inputs[2] >= 0)
      CHECK(g.tensors[op->inputs[2]].type == OCT_FLOAT32);
  }
  CHECK_EQ_INT(oct_ir_verify(&g), OCT_OK);
  oct_ir_free(&g);

  /* --per-tensor: TFLite's converter with per-channel disabled */
  build(&g);
  o.per_tensor = 1;
  CHECK_EQ_INT(oct_quantize_graph(&g, &o, NULL), OCT_OK);
  conv = nth_op(&g, OCT_OP_CONV_2D, 0);
  dw = nth_op(&g, OCT_OP_DEPTHWISE_CONV_2D, 0);
  fc = nth_op(&g, OCT_OP_FULLY_CONNECTED, 0);
  cw = weight(&g, conv);
  CHECK(cw && cw->type == OCT_INT8 && cw->q.count == 1);
  CHECK_EQ_INT(count_op(&g, OCT_OP_DEQUANTIZE), 1);
  dww = weight(&g, dw);
  CHECK(dww && dww->type == OCT_FLOAT32 && !dww->data); /* from the DEQUANTIZE */
  CHECK(fc && !fc->opts.fc.asymmetric_quantize_inputs);
  CHECK_EQ_INT(oct_ir_verify(&g), OCT_OK);
  oct_ir_free(&g);
}

/* BATCH_MATMUL with constant weights has no hybrid kernel in TFLite 2.9 or
 * octet: its weights go int8 behind a DEQUANTIZE. */
static void test_batch_matmul(void) {
  oct_ir_graph g;
  oct_ir_init(&g);
  const int x = irb_input(&g, 3, IRB_DIMS(1, 2, 64));
  const int w = ramp(&g, "bw", 2, IRB_DIMS(64, 32), 0.05f);
  const int y = irb_tensor(&g, OCT_FLOAT32, 3, IRB_DIMS(1, 2, 32));
  irb_op(&g, OCT_OP_BATCH_MATMUL, 2, IRB_INTS(x, w), 1, IRB_INTS(y));
  oct_ir_add_output(&g, y);
  oct_convert_options o;
  oct_convert_options_init(&o);
  o.quantize = OCT_QUANT_DYNAMIC;
  CHECK_EQ_INT(oct_quantize_graph(&g, &o, NULL), OCT_OK);
  CHECK_EQ_INT(count_op(&g, OCT_OP_DEQUANTIZE), 1);
  const oct_ir_op *dq = nth_op(&g, OCT_OP_DEQUANTIZE, 0);
  CHECK(dq && g.tensors[dq->inputs[0]].type == OCT_INT8);
  const oct_ir_op *bmm = nth_op(&g, OCT_OP_BATCH_MATMUL, 0);
  CHECK(bmm && dq && bmm->inputs[1] == dq->outputs[0]);
  CHECK_EQ_INT(oct_ir_verify(&g), OCT_OK);
  oct_ir_free(&g);
}

/* ---- end to end on the fixtures ---- */

static char g_tmp[256];
static oct_npy_array g_x, g_y;

typedef struct run_result {
  double top1;
  int *pred;
  int non_float; /* activations that are not float32 */
  int hybrid;    /* ops whose kernel is a hybrid one */
  size_t bytes;
} run_result;

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
    if (oct_interp_op_info(it, k, &oi)) continue;
    if (oi.kernel && strstr(oi.kernel, "hybrid")) r->hybrid++;
    for (int j = 0; j < oi.output_count; j++) {
      oct_tensor_info ti;
      if (!oct_interp_tensor_info(it, oi.outputs[j], &ti) && ti.dtype != OCT_FLOAT32)
        r->non_float++;
    }
  }
  r->pred = malloc((size_t)n * sizeof *r->pred);
  long correct = 0;
  for (long i = 0; i < n; i++) {
    memcpy(oct_interp_input_data(it, 0), (const float *)g_x.data + (size_t)i * 784,
           784 * sizeof(float));
    if (oct_interp_invoke(it)) {
      CHECK_MSG(0, "%s: %s", path, oct_interp_error(it));
      break;
    }
    const float *y = oct_interp_output_data(it, 0);
    int best = 0;
    for (int c = 1; c < 10; c++)
      if (y[c] > y[best]) best = c;
    r->pred[i] = best;
    correct += best == ((const int64_t *)g_y.data)[i];
  }
  r->top1 = 100.0 * (double)correct / (double)n;
  free(arena);
  oct_file_free(bytes);
  return 0;
}

static void fixtures(long n) {
  static const char *const models[] = {"mlp", "cnn_bn", "mobilenet_v2_tiny", "resnet_tiny"};
  printf("%-20s %8s %8s %6s %10s %10s\n", "fixture", "float", "dynamic", "agree", "float B",
         "dynamic B");
  for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
    char in[512], fpath[512], qpath[512];
    snprintf(in, sizeof in, FX "%s.onnx", models[i]);
    snprintf(fpath, sizeof fpath, "%s/%s_f32.tflite", g_tmp, models[i]);
    snprintf(qpath, sizeof qpath, "%s/%s_dyn.tflite", g_tmp, models[i]);
    oct_convert_options o;
    oct_convert_report rep;
    oct_error err;
    oct_convert_options_init(&o);
    if (oct_convert_file(in, fpath, &o, &rep, &err)) {
      CHECK_MSG(0, "%s", err.message);
      continue;
    }
    o.quantize = OCT_QUANT_DYNAMIC;
    if (oct_convert_file(in, qpath, &o, &rep, &err)) {
      CHECK_MSG(0, "%s", err.message);
      continue;
    }
    CHECK(!strcmp(rep.quantize, "dynamic"));
    run_result f, q;
    if (evaluate(fpath, n, &f) || evaluate(qpath, n, &q)) continue;
    long agree = 0;
    for (long k = 0; k < n; k++) agree += f.pred[k] == q.pred[k];
    printf("%-20s %7.2f%% %7.2f%% %5.1f%% %10zu %10zu (%d hybrid ops)\n", models[i], f.top1,
           q.top1, 100.0 * (double)agree / (double)n, f.bytes, q.bytes, q.hybrid);
    /* 0.5 points, but never less than 2 images (quick mode: 200 images) */
    const double tol = fmax(0.5, 200.0 / (double)n);
    CHECK_MSG(fabs(f.top1 - q.top1) <= tol, "%s: dynamic top-1 %.2f%% vs float %.2f%%",
              models[i], q.top1, f.top1);
    CHECK_MSG(agree * 100 >= n * 98, "%s: top-1 agreement %ld / %ld", models[i], agree, n);
    CHECK_MSG(q.non_float == 0, "%s: %d non-float activations", models[i], q.non_float);
    CHECK_MSG(q.hybrid > 0, "%s: no hybrid op", models[i]);
    /* mobilenet_v2_tiny keeps its many small depthwise/pointwise weights
     * float (< 1024 elements), as TFLite does */
    if (strcmp(models[i], "mobilenet_v2_tiny"))
      CHECK_MSG(q.bytes * 2 < f.bytes, "%s: dynamic file %zu bytes vs float %zu", models[i],
                q.bytes, f.bytes);
    free(f.pred);
    free(q.pred);
  }
}

int main(void) {
  test_graph();
  test_batch_matmul();
  snprintf(g_tmp, sizeof g_tmp, "%s/octet-qdyn-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  if (!mkdtemp(g_tmp)) {
    perror("mkdtemp");
    return 1;
  }
  oct_error err;
  if (oct_npy_read_file(FX "fmnist_test_1000_x.npy", &g_x, &err) ||
      oct_npy_read_file(FX "fmnist_test_1000_y.npy", &g_y, &err)) {
    CHECK_MSG(0, "%s", err.message);
    return test_finish("test_quant_dynamic");
  }
  /* Under the sanitizers (OCT_TEST_QUICK) fewer images, same checks. */
  fixtures(getenv("OCT_TEST_QUICK") ? 200 : 1000);
  oct_npy_free(&g_x);
  oct_npy_free(&g_y);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_tmp);
  if (system(cmd)) fprintf(stderr, "could not remove %s\n", g_tmp);
  return test_finish("test_quant_dynamic");
}
