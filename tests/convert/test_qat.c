/*
 * Quantization-aware-trained models (QuantizeLinear / DequantizeLinear in
 * ONNX) to integer .tflite:
 *  - the QAT fixture (tests/data/fixtures/cnn_bn_qat.onnx, PyTorch eager QAT)
 *    converts with NO calibration data to a model with no float op inside,
 *    whose top-1 on the full 10,000-image Fashion-MNIST test set is within
 *    0.3 points of PyTorch's fake-quant accuracy (cnn_bn_qat.json);
 *  - rounding: the same model fed int8 inputs quantized half to even (ONNX
 *    QuantizeLinear) instead of half away from zero (TFLite's QUANTIZE, the
 *    float-input model) gives the same accuracy;
 *  - Q/DQ units: fake-quant pairs fold into tensor parameters (uint8 zero
 *    points move to int8, scalar and 1-element parameters, opsets 10 and
 *    13), integer weights with per-axis DequantizeLinear come back as the
 *    same integers and scales (-128 included), a model with parts outside
 *    the fake quantization keeps them float with a warning, Clip narrows a
 *    range, a MaxPool between two different Q/DQ pairs gets a requantizing
 *    QUANTIZE, and a BatchNorm folded into per-tensor FC weights warns.
 * The 10,000 images come from `scripts/make_fixtures.py --export-test-set`
 * (numpy + Debian's dataset-fashion-mnist); without them the accuracy part
 * skips. Under sanitizers only the first 1000 images are used;
 * QAT_UNITS_ONLY=1 runs the unit part alone.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "convert/ir.h"
#include "convert/onnx/onnx_import.h"
#include "convert/onnx_build.h"
#include "convert/passes.h"
#include "convert/shape_infer.h"
#include "convert/tflite_import.h"
#include "io/file.h"
#include "io/npy.h"
#include "octet/convert.h"
#include "octet/octet.h"
#include "test_util.h"

#define FX OCT_SOURCE_DIR "/tests/data/fixtures/"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

static char g_tmp[256];
static int g_skipped;

/* ---------------------------------------------------------------- helpers */

static int float_ops_inside(const oct_interp *it) {
  int n = 0;
  for (int k = 0; k < oct_interp_op_count(it); k++) {
    oct_op_info oi;
    if (oct_interp_op_info(it, k, &oi)) continue;
    if (!strcmp(oi.type, "QUANTIZE") || !strcmp(oi.type, "DEQUANTIZE")) continue;
    for (int j = 0; j < oi.output_count; j++) {
      oct_tensor_info ti;
      if (!oct_interp_tensor_info(it, oi.outputs[j], &ti) && ti.dtype == OCT_FLOAT32) {
        n++;
        break;
      }
    }
  }
  return n;
}

/* Top-1 (percent) of a .tflite on n images; int8 inputs are quantized
 * half to even when `even`, else half away from zero. *ties counts the
 * input values where the two differ. */
static int evaluate(const char *path, const oct_npy_array *x, const oct_npy_array *y, long n,
                    int even, double *top1, int *float_ops, long *ties) {
  void *bytes;
  size_t size;
  oct_error err;
  if (oct_file_read(path, 0, &bytes, &size, &err)) {
    CHECK_MSG(0, "%s", err.message);
    return 1;
  }
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
  if (float_ops) *float_ops = float_ops_inside(it);
  oct_tensor_info in, out;
  oct_interp_tensor_info(it, oct_interp_input_index(it, 0), &in);
  oct_interp_tensor_info(it, oct_interp_output_index(it, 0), &out);
  long correct = 0;
  if (ties) *ties = 0;
  for (long i = 0; i < n; i++) {
    const float *xi = (const float *)x->data + (size_t)i * 784;
    void *dst = oct_interp_input_data(it, 0);
    for (int k = 0; k < 784; k++) {
      if (in.dtype == OCT_FLOAT32) {
        ((float *)dst)[k] = xi[k];
        continue;
      }
      const float v = xi[k] / in.scale;
      const double qe = nearbyint(v), qa = round(v);
      if (ties && qe != qa) (*ties)++;
      const double q = (even ? qe : qa) + (double)in.zero_point;
      ((int8_t *)dst)[k] = (int8_t)fmin(127, fmax(-128, q));
    }
    if (oct_interp_invoke(it)) {
      CHECK_MSG(0, "%s: %s", path, oct_interp_error(it));
      break;
    }
    const void *o = oct_interp_output_data(it, 0);
    int best = 0;
    double bv = -INFINITY;
    for (int c = 0; c < 10; c++) {
      const double v = out.dtype == OCT_FLOAT32 ? ((const float *)o)[c] : ((const int8_t *)o)[c];
      if (v > bv) {
        bv = v;
        best = c;
      }
    }
    correct += best == ((const int64_t *)y->data)[i];
  }
  *top1 = 100.0 * (double)correct / (double)n;
  free(arena);
  oct_file_free(bytes);
  return 0;
}

/* PyTorch's fake-quant top-1 from cnn_bn_qat.json, in percent (or -1). */
static double reference_top1(void) {
  void *bytes;
  size_t size;
  oct_error err;
  if (oct_file_read(FX "cnn_bn_qat.json", 0, &bytes, &size, &err)) return -1;
  char *s = malloc(size + 1);
  memcpy(s, bytes, size);
  s[size] = 0;
  oct_file_free(bytes);
  const char *p = strstr(s, "\"fake_quant_top1_test_10000\":");
  const double v = p ? 100.0 * strtod(p + strlen("\"fake_quant_top1_test_10000\":"), NULL) : -1;
  free(s);
  return v;
}

/* ---------------------------------------------------------------- fixture */

static void test_fixture(void) {
  char f32io[512], i8io[512];
  snprintf(f32io, sizeof f32io, "%s/qat.tflite", g_tmp);
  snprintf(i8io, sizeof i8io, "%s/qat_io_int8.tflite", g_tmp);
  oct_convert_options o;
  oct_convert_options_init(&o);
  o.quantize = OCT_QUANT_INT8; /* and no calibration data */
  oct_convert_report rep;
  oct_error err;
  oct_status st = oct_convert_file(FX "cnn_bn_qat.onnx", f32io, &o, &rep, &err);
  CHECK_MSG(st == OCT_OK, "%s", err.message);
  if (st) return;
  CHECK_EQ_INT(rep.float_ops, 0);
  CHECK_EQ_INT(rep.calibration_samples_used, 0);
  CHECK_MSG(rep.warning[0] == 0, "%s", rep.warning);
  printf("cnn_bn_qat: %d ops, %zu bytes, no calibration\n", rep.ops_after, rep.file_bytes);
  o.io_type = OCT_INT8;
  st = oct_convert_file(FX "cnn_bn_qat.onnx", i8io, &o, &rep, &err);
  CHECK_MSG(st == OCT_OK, "%s", err.message);
  if (st) return;

  char cmd[1024];
  snprintf(cmd, sizeof cmd,
           "/usr/bin/python3 %s/scripts/make_fixtures.py --export-test-set %s >/dev/null 2>&1",
           OCT_SOURCE_DIR, g_tmp);
  char xp[512], yp[512];
  snprintf(xp, sizeof xp, "%s/fmnist_test_x.npy", g_tmp);
  snprintf(yp, sizeof yp, "%s/fmnist_test_y.npy", g_tmp);
  oct_npy_array x, y;
  const int have = system(cmd) == 0 && !oct_npy_read_file(xp, &x, &err) && !oct_npy_read_file(yp, &y, &err);
  if (!have) {
    printf("SKIP accuracy: the 10,000-image test set could not be exported "
           "(needs numpy and dataset-fashion-mnist)\n");
    g_skipped = 1;
    return;
  }
  const long n = SANITIZED ? 1000 : 10000;
  const double ref = reference_top1();
  CHECK_MSG(ref > 50, "no fake_quant_top1_test_10000 in cnn_bn_qat.json");
  double top1 = 0, even = 0;
  int fops = -1;
  long ties = 0;
  if (!evaluate(f32io, &x, &y, n, 0, &top1, &fops, NULL)) {
    printf("cnn_bn_qat int8 (octet): top-1 %.2f%% on %ld images; PyTorch fake-quant %.2f%% "
           "(10,000)\n", top1, n, ref);
    CHECK_EQ_INT(fops, 0);
    if (n == 10000)
      CHECK_MSG(fabs(top1 - ref) <= 0.3, "top-1 %.2f%% vs PyTorch %.2f%%", top1, ref);
  }
  /* on the first 1000 images only, to keep the test fast */
  const long nr = 1000;
  double away = 0;
  if (!evaluate(f32io, &x, &y, nr, 0, &away, NULL, NULL) &&
      !evaluate(i8io, &x, &y, nr, 1, &even, &fops, &ties)) {
    printf("first %ld images: float input (QUANTIZE inside, half away from zero) %.2f%%, int8 "
           "input rounded half to even (ONNX) %.2f%%; %ld of %ld input values round "
           "differently\n", nr, away, even, ties, nr * 784);
    CHECK_EQ_INT(fops, 0);
    CHECK_MSG(fabs(even - away) <= 0.1, "half-to-even %.2f%% vs half-away %.2f%%", even, away);
  }
  oct_npy_free(&x);
  oct_npy_free(&y);
}

/* ---------------------------------------------------------------- units */

static void ob_tensor_typed(ob *b, const char *name, int elem, int rank, const int64_t *dims,
                            const void *data, size_t esz) {
  b->inits[b->n_inits++] = ob_tensor_raw(b, name, elem, rank, dims, data,
                                         (size_t)ob_count(rank, dims) * esz);
}

/* x -> Q/DQ (uint8 zp 128, scalar) -> Relu -> Q/DQ (uint8 zp 0, 1-element)
 * -> y: no Q/DQ op left; x and relu output carry int8 parameters. */
static void test_fold_pairs(int opset) {
  ob b;
  ob_init(&b, opset);
  ob_input(&b, "x", OB_FLOAT, 2, OB_DIMS(1, 8));
  const float s1 = 0.05f, s2 = 0.02f;
  const uint8_t z1 = 128, z2 = 0;
  ob_tensor_typed(&b, "s1", OB_FLOAT, 0, NULL, &s1, 4);
  ob_tensor_typed(&b, "z1", OB_UINT8, 0, NULL, &z1, 1);
  ob_tensor_typed(&b, "s2", OB_FLOAT, 1, OB_DIMS(1), &s2, 4);
  ob_tensor_typed(&b, "z2", OB_UINT8, 1, OB_DIMS(1), &z2, 1);
  ob_node(&b, "QuantizeLinear", "x,s1,z1", "xq");
  ob_node(&b, "DequantizeLinear", "xq,s1,z1", "xd");
  ob_node(&b, "Relu", "xd", "r");
  ob_node(&b, "QuantizeLinear", "r,s2,z2", "rq");
  ob_node(&b, "DequantizeLinear", "rq,s2,z2", "y");
  ob_output(&b, "y");
  size_t len;
  uint8_t *bytes = ob_pack(&b, &len);
  oct_ir_graph g;
  oct_ir_init(&g);
  oct_status st = oct_onnx_import(bytes, len, NULL, &g);
  CHECK_MSG(st == OCT_OK, "opset %d: %s", opset, g.err.message);
  if (!st) st = oct_ir_infer_shapes(&g);
  if (!st) {
    oct_optimize_report r;
    st = oct_optimize(&g, &r);
  }
  CHECK_MSG(st == OCT_OK, "%s", g.err.message);
  int qdq = 0, relu = -1;
  for (int i = 0; i < g.n_ops; i++) {
    if (g.ops[i].dead) continue;
    qdq += g.ops[i].code == OCT_OP_QUANTIZE || g.ops[i].code == OCT_OP_DEQUANTIZE;
    if (g.ops[i].code == OCT_OP_RELU) relu = i;
  }
  CHECK_EQ_INT(qdq, 0);
  CHECK(relu >= 0);
  if (relu >= 0) {
    const oct_ir_tensor *xi = &g.tensors[g.ops[relu].inputs[0]];
    const oct_ir_tensor *ro = &g.tensors[g.ops[relu].outputs[0]];
    CHECK(xi->type == OCT_FLOAT32 && xi->q.count == 1 && xi->q.scale[0] == s1 &&
          xi->q.zero_point[0] == 0);
    CHECK(ro->type == OCT_FLOAT32 && ro->q.count == 1 && ro->q.scale[0] == s2 &&
          ro->q.zero_point[0] == -128 && ro->q.has_range);
  }
  oct_ir_free(&g);
  free(bytes);
  ob_free(&b);
}

/* Conv with int8 weights and a per-axis DequantizeLinear (one weight at
 * -128), fake-quantized input and output (int8 zero points): the written
 * file holds exactly those integers, weight scales and activation
 * parameters, and no float op. */
static void test_integer_weights(void) {
  ob b;
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 4, OB_DIMS(1, 2, 5, 5));
  int8_t w[3 * 2 * 3 * 3];
  for (int i = 0; i < 54; i++) w[i] = (int8_t)((i * 53) % 251 - 125);
  w[7] = -128;
  const float ws[3] = {0.01f, 0.003f, 0.02f};
  const int8_t wz[3] = {0, 0, 0};
  const float sx = 0.03f, sy = 0.07f;
  const int8_t zx = -3, zy = 10;
  ob_tensor_typed(&b, "w", OB_INT8, 4, OB_DIMS(3, 2, 3, 3), w, 1);
  ob_tensor_typed(&b, "ws", OB_FLOAT, 1, OB_DIMS(3), ws, 4);
  ob_tensor_typed(&b, "wz", OB_INT8, 1, OB_DIMS(3), wz, 1);
  ob_tensor_typed(&b, "sx", OB_FLOAT, 0, NULL, &sx, 4);
  ob_tensor_typed(&b, "zx", OB_INT8, 0, NULL, &zx, 1);
  ob_tensor_typed(&b, "sy", OB_FLOAT, 0, NULL, &sy, 4);
  ob_tensor_typed(&b, "zy", OB_INT8, 0, NULL, &zy, 1);
  ob_node(&b, "DequantizeLinear", "w,ws,wz", "wf");
  ob_attr_int(&b, b.nodes[b.n_nodes - 1], "axis", 0);
  ob_node(&b, "QuantizeLinear", "x,sx,zx", "xq");
  ob_node(&b, "DequantizeLinear", "xq,sx,zx", "xd");
  Onnx__NodeProto *cv = ob_node(&b, "Conv", "xd,wf", "c");
  ob_attr_ints(&b, cv, "pads", 4, OB_DIMS(1, 1, 1, 1));
  ob_node(&b, "QuantizeLinear", "c,sy,zy", "cq");
  ob_node(&b, "DequantizeLinear", "cq,sy,zy", "y");
  ob_output(&b, "y");
  size_t len;
  uint8_t *bytes = ob_pack(&b, &len);
  char in[512], out[512];
  snprintf(in, sizeof in, "%s/unit.onnx", g_tmp);
  snprintf(out, sizeof out, "%s/unit.tflite", g_tmp);
  FILE *f = fopen(in, "wb");
  CHECK(f && fwrite(bytes, 1, len, f) == len);
  if (f) fclose(f);
  free(bytes);
  ob_free(&b);
  oct_convert_options o;
  oct_convert_options_init(&o);
  o.quantize = OCT_QUANT_INT8;
  oct_convert_report rep;
  oct_error err;
  oct_status st = oct_convert_file(in, out, &o, &rep, &err);
  CHECK_MSG(st == OCT_OK, "%s", err.message);
  if (st) return;
  CHECK_EQ_INT(rep.float_ops, 0);
  void *tb;
  size_t ts;
  if (oct_file_read(out, 0, &tb, &ts, &err)) return;
  oct_ir_graph g;
  oct_ir_init(&g);
  st = oct_tflite_import(tb, ts, &g);
  CHECK_MSG(st == OCT_OK, "%s", g.err.message);
  int convs = 0;
  for (int i = 0; !st && i < g.n_ops; i++) {
    if (g.ops[i].code != OCT_OP_CONV_2D) continue;
    convs++;
    const oct_ir_tensor *xt = &g.tensors[g.ops[i].inputs[0]];
    const oct_ir_tensor *wt = &g.tensors[g.ops[i].inputs[1]];
    const oct_ir_tensor *yt = &g.tensors[g.ops[i].outputs[0]];
    CHECK(xt->type == OCT_INT8 && xt->q.scale[0] == sx && xt->q.zero_point[0] == zx);
    CHECK(yt->type == OCT_INT8 && yt->q.scale[0] == sy && yt->q.zero_point[0] == zy);
    CHECK(wt->type == OCT_INT8 && wt->q.count == 3);
    for (int c = 0; c < 3 && wt->q.count == 3; c++)
      CHECK_MSG(fabsf(wt->q.scale[c] - ws[c]) <= ws[c] * 1e-6f, "scale %d: %g vs %g", c,
                (double)wt->q.scale[c], (double)ws[c]);
    /* OHWI from OIHW */
    const int8_t *q = wt->data;
    int same = 1;
    for (int oc = 0; oc < 3; oc++)
      for (int ic = 0; ic < 2; ic++)
        for (int h = 0; h < 3; h++)
          for (int x = 0; x < 3; x++)
            same &= q[((oc * 3 + h) * 3 + x) * 2 + ic] == w[((oc * 2 + ic) * 3 + h) * 3 + x];
    CHECK_MSG(same, "weights are not the model's integers");
  }
  CHECK_EQ_INT(convs, 1);
  oct_ir_free(&g);
  oct_file_free(tb);
}

/* A Gemm outside the fake quantization: without calibration it stays float
 * between DEQUANTIZE/QUANTIZE and the warning names it. */
static void test_partial(void) {
  ob b;
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 2, OB_DIMS(1, 4));
  const float s = 0.05f, wv[8] = {0.5f, -1, 0.25f, 2, 1, 1, -0.5f, 0.125f};
  const uint8_t z = 100;
  ob_tensor_typed(&b, "s", OB_FLOAT, 0, NULL, &s, 4);
  ob_tensor_typed(&b, "z", OB_UINT8, 0, NULL, &z, 1);
  ob_tensor_f32(&b, "w", 2, OB_DIMS(2, 4), wv);
  ob_node(&b, "QuantizeLinear", "x,s,z", "xq");
  ob_node(&b, "DequantizeLinear", "xq,s,z", "xd");
  ob_node(&b, "Relu", "xd", "r");
  Onnx__NodeProto *gm = ob_node(&b, "Gemm", "r,w", "y");
  ob_attr_int(&b, gm, "transB", 1);
  ob_output(&b, "y");
  size_t len;
  uint8_t *bytes = ob_pack(&b, &len);
  char in[512], out[512];
  snprintf(in, sizeof in, "%s/partial.onnx", g_tmp);
  snprintf(out, sizeof out, "%s/partial.tflite", g_tmp);
  FILE *f = fopen(in, "wb");
  CHECK(f && fwrite(bytes, 1, len, f) == len);
  if (f) fclose(f);
  free(bytes);
  ob_free(&b);
  oct_convert_options o;
  oct_convert_options_init(&o);
  o.quantize = OCT_QUANT_INT8;
  oct_convert_report rep;
  oct_error err;
  const oct_status st = oct_convert_file(in, out, &o, &rep, &err);
  CHECK_MSG(st == OCT_OK, "%s", err.message);
  if (st) return;
  printf("partial: %d float op(s); warning: %s\n", rep.float_ops, rep.warning);
  CHECK_EQ_INT(rep.float_ops, 1);
  CHECK(strstr(rep.warning, "FULLY_CONNECTED") && strstr(rep.warning, "--calibration"));
}

/* Q/DQ (range about [-4, 4]) -> Clip(0, 6) -> Identity -> MatMul with
 * fake-quantized weights and output: with no calibration the Clip (RELU6)
 * output takes the input range narrowed to [0, 4], the Identity shares it,
 * and the model is all integer. */
static void test_clip_narrowing(void) {
  ob b;
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 2, OB_DIMS(1, 4));
  const float s = 8.0f / 255, so = 0.1f, lo = 0, hi = 6;
  const int8_t z = 0, zo = 0;
  float wv[12];
  for (int i = 0; i < 12; i++) wv[i] = (float)(i - 6) * 0.01f;
  ob_tensor_typed(&b, "s", OB_FLOAT, 0, NULL, &s, 4);
  ob_tensor_typed(&b, "z", OB_INT8, 0, NULL, &z, 1);
  ob_tensor_typed(&b, "so", OB_FLOAT, 0, NULL, &so, 4);
  ob_tensor_typed(&b, "zo", OB_INT8, 0, NULL, &zo, 1);
  ob_tensor_typed(&b, "lo", OB_FLOAT, 0, NULL, &lo, 4);
  ob_tensor_typed(&b, "hi", OB_FLOAT, 0, NULL, &hi, 4);
  ob_tensor_f32(&b, "w", 2, OB_DIMS(4, 3), wv);
  ob_node(&b, "QuantizeLinear", "x,s,z", "xq");
  ob_node(&b, "DequantizeLinear", "xq,s,z", "xd");
  ob_node(&b, "Clip", "xd,lo,hi", "c");
  ob_node(&b, "Identity", "c", "ci");
  ob_node(&b, "MatMul", "ci,w", "m");
  ob_node(&b, "QuantizeLinear", "m,so,zo", "mq");
  ob_node(&b, "DequantizeLinear", "mq,so,zo", "y");
  ob_output(&b, "y");
  size_t len;
  uint8_t *bytes = ob_pack(&b, &len);
  char in[512], out[512];
  snprintf(in, sizeof in, "%s/clip.onnx", g_tmp);
  snprintf(out, sizeof out, "%s/clip.tflite", g_tmp);
  FILE *f = fopen(in, "wb");
  CHECK(f && fwrite(bytes, 1, len, f) == len);
  if (f) fclose(f);
  free(bytes);
  ob_free(&b);
  oct_convert_options o;
  oct_convert_options_init(&o);
  o.quantize = OCT_QUANT_INT8;
  oct_convert_report rep;
  oct_error err;
  oct_status st = oct_convert_file(in, out, &o, &rep, &err);
  CHECK_MSG(st == OCT_OK, "%s", err.message);
  if (st) return;
  CHECK_MSG(rep.float_ops == 0, "%d float ops: %s", rep.float_ops, rep.warning);
  void *tb;
  size_t ts;
  if (oct_file_read(out, 0, &tb, &ts, &err)) return;
  oct_ir_graph g;
  oct_ir_init(&g);
  st = oct_tflite_import(tb, ts, &g);
  CHECK_MSG(st == OCT_OK, "%s", g.err.message);
  int found = 0;
  for (int i = 0; !st && i < g.n_ops; i++) {
    const oct_ir_tensor *y = &g.tensors[g.ops[i].outputs[0]];
    if (g.ops[i].code == OCT_OP_RELU6 || g.ops[i].code == OCT_OP_RELU) {
      found = 1;
      /* [0, 4] (the input's top, 127 steps of 8/255 above zero) */
      const double top = 127.0 * s;
      CHECK_MSG(y->type == OCT_INT8 && fabs(y->q.scale[0] - top / 255) < 1e-6 &&
                    y->q.zero_point[0] == -128,
                "clip output scale %g zp %lld", (double)y->q.scale[0],
                (long long)y->q.zero_point[0]);
    }
    if (g.ops[i].code == OCT_OP_FULLY_CONNECTED)
      CHECK(y->type == OCT_INT8 && y->q.scale[0] == so && y->q.zero_point[0] == zo);
  }
  CHECK(found);
  oct_ir_free(&g);
  oct_file_free(tb);
}

/* x -> Q/DQ (s1) -> MaxPool -> Q/DQ (s2 != s1): int8 MAX_POOL_2D needs one
 * set of parameters, so its input is requantized (an int8 -> int8
 * QUANTIZE) to s2, the output's. */
static void test_requantize(void) {
  ob b;
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 4, OB_DIMS(1, 1, 4, 4));
  const float s1 = 0.02f, s2 = 0.05f;
  const uint8_t z1 = 128, z2 = 120;
  ob_tensor_typed(&b, "s1", OB_FLOAT, 0, NULL, &s1, 4);
  ob_tensor_typed(&b, "z1", OB_UINT8, 0, NULL, &z1, 1);
  ob_tensor_typed(&b, "s2", OB_FLOAT, 0, NULL, &s2, 4);
  ob_tensor_typed(&b, "z2", OB_UINT8, 0, NULL, &z2, 1);
  ob_node(&b, "QuantizeLinear", "x,s1,z1", "xq");
  ob_node(&b, "DequantizeLinear", "xq,s1,z1", "xd");
  Onnx__NodeProto *mp = ob_node(&b, "MaxPool", "xd", "p");
  ob_attr_ints(&b, mp, "kernel_shape", 2, OB_DIMS(2, 2));
  ob_attr_ints(&b, mp, "strides", 2, OB_DIMS(2, 2));
  ob_node(&b, "QuantizeLinear", "p,s2,z2", "pq");
  ob_node(&b, "DequantizeLinear", "pq,s2,z2", "y");
  ob_output(&b, "y");
  size_t len;
  uint8_t *bytes = ob_pack(&b, &len);
  char in[512], out[512];
  snprintf(in, sizeof in, "%s/requant.onnx", g_tmp);
  snprintf(out, sizeof out, "%s/requant.tflite", g_tmp);
  FILE *f = fopen(in, "wb");
  CHECK(f && fwrite(bytes, 1, len, f) == len);
  if (f) fclose(f);
  free(bytes);
  ob_free(&b);
  oct_convert_options o;
  oct_convert_options_init(&o);
  o.quantize = OCT_QUANT_INT8;
  oct_convert_report rep;
  oct_error err;
  oct_status st = oct_convert_file(in, out, &o, &rep, &err);
  CHECK_MSG(st == OCT_OK, "%s", err.message);
  if (st) return;
  CHECK_MSG(rep.float_ops == 0 && !rep.warning[0], "%d float ops: %s", rep.float_ops, rep.warning);
  void *tb;
  size_t ts;
  if (oct_file_read(out, 0, &tb, &ts, &err)) return;
  oct_ir_graph g;
  oct_ir_init(&g);
  st = oct_tflite_import(tb, ts, &g);
  CHECK_MSG(st == OCT_OK, "%s", g.err.message);
  int requant = 0, pool = 0;
  for (int i = 0; !st && i < g.n_ops; i++) {
    const oct_ir_tensor *x = &g.tensors[g.ops[i].inputs[0]];
    const oct_ir_tensor *y = &g.tensors[g.ops[i].outputs[0]];
    if (g.ops[i].code == OCT_OP_QUANTIZE && x->type == OCT_INT8 && y->type == OCT_INT8) {
      requant++;
      CHECK(x->q.scale[0] == s1 && x->q.zero_point[0] == 0);
      CHECK(y->q.scale[0] == s2 && y->q.zero_point[0] == -8);
    }
    if (g.ops[i].code == OCT_OP_MAX_POOL_2D) {
      pool++;
      CHECK(x->q.scale[0] == y->q.scale[0] && x->q.zero_point[0] == y->q.zero_point[0]);
    }
  }
  CHECK_EQ_INT(requant, 1);
  CHECK_EQ_INT(pool, 1);
  oct_ir_free(&g);
  oct_file_free(tb);
}

/* Gemm with per-tensor fake-quantized weights, then a BatchNormalization:
 * folded, the rows leave the common grid; per tensor they are requantized
 * with a warning, --per-channel-fc keeps them (no warning). */
static void test_fc_bn(void) {
  ob b;
  ob_init(&b, 13);
  ob_input(&b, "x", OB_FLOAT, 2, OB_DIMS(1, 8));
  const float s = 0.05f, ws = 0.01f, so = 0.1f;
  const int8_t z = 0;
  int8_t w[4 * 8];
  for (int i = 0; i < 32; i++) w[i] = (int8_t)((i * 41) % 255 - 127);
  const float gamma[4] = {0.5f, 1.5f, 0.8f, 1.2f}, beta[4] = {0.1f, -0.2f, 0, 0.3f};
  const float mean[4] = {0, 0.1f, -0.1f, 0}, var[4] = {1, 0.5f, 2, 1};
  ob_tensor_typed(&b, "s", OB_FLOAT, 0, NULL, &s, 4);
  ob_tensor_typed(&b, "z", OB_INT8, 0, NULL, &z, 1);
  ob_tensor_typed(&b, "ws", OB_FLOAT, 0, NULL, &ws, 4);
  ob_tensor_typed(&b, "so", OB_FLOAT, 0, NULL, &so, 4);
  ob_tensor_typed(&b, "w", OB_INT8, 2, OB_DIMS(4, 8), w, 1);
  ob_tensor_f32(&b, "g", 1, OB_DIMS(4), gamma);
  ob_tensor_f32(&b, "be", 1, OB_DIMS(4), beta);
  ob_tensor_f32(&b, "m", 1, OB_DIMS(4), mean);
  ob_tensor_f32(&b, "v", 1, OB_DIMS(4), var);
  ob_node(&b, "DequantizeLinear", "w,ws,z", "wf");
  ob_node(&b, "QuantizeLinear", "x,s,z", "xq");
  ob_node(&b, "DequantizeLinear", "xq,s,z", "xd");
  Onnx__NodeProto *gm = ob_node(&b, "Gemm", "xd,wf", "h");
  ob_attr_int(&b, gm, "transB", 1);
  ob_node(&b, "BatchNormalization", "h,g,be,m,v", "bn");
  ob_node(&b, "QuantizeLinear", "bn,so,z", "bq");
  ob_node(&b, "DequantizeLinear", "bq,so,z", "y");
  ob_output(&b, "y");
  size_t len;
  uint8_t *bytes = ob_pack(&b, &len);
  char in[512], out[512];
  snprintf(in, sizeof in, "%s/fcbn.onnx", g_tmp);
  snprintf(out, sizeof out, "%s/fcbn.tflite", g_tmp);
  FILE *f = fopen(in, "wb");
  CHECK(f && fwrite(bytes, 1, len, f) == len);
  if (f) fclose(f);
  free(bytes);
  ob_free(&b);
  for (int pc = 0; pc < 2; pc++) {
    oct_convert_options o;
    oct_convert_options_init(&o);
    o.quantize = OCT_QUANT_INT8;
    o.per_channel_fc = pc;
    oct_convert_report rep;
    oct_error err;
    const oct_status st = oct_convert_file(in, out, &o, &rep, &err);
    CHECK_MSG(st == OCT_OK, "%s", err.message);
    if (st) return;
    CHECK_EQ_INT(rep.float_ops, 0);
    if (pc) CHECK_MSG(!rep.warning[0], "%s", rep.warning);
    else CHECK_MSG(strstr(rep.warning, "--per-channel-fc") != NULL, "warning: '%s'", rep.warning);
  }
}

int main(void) {
  snprintf(g_tmp, sizeof g_tmp, "/tmp/octet_test_qat_XXXXXX");
  if (!mkdtemp(g_tmp)) return 1;
  test_fold_pairs(10);
  test_fold_pairs(13);
  test_integer_weights();
  test_partial();
  test_clip_narrowing();
  test_requantize();
  test_fc_bn();
  if (!getenv("QAT_UNITS_ONLY")) test_fixture();
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf %s", g_tmp);
  if (system(cmd)) printf("could not remove %s\n", g_tmp);
  const int r = test_finish("test_qat");
  return r ? r : g_skipped ? 77 : 0;
}
