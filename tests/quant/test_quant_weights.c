/* Tests of the weight-only quantization modes (src/quant/quant_weights.c):
 * which tensors get a DEQUANTIZE, float16 rounding (normal, subnormal,
 * overflow), int8 per-channel / per-tensor scales and values, options.
 * ('dynamic' is tested in test_quant_dynamic.c.) */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "convert/ir_build.h"
#include "quant/quantize.h"
#include "test_util.h"

/* The op writing tensor t, and the tensor it reads (DEQUANTIZE's input). */
static const oct_ir_tensor *dq_source(const oct_ir_graph *g, int t) {
  const int p = oct_ir_producer(g, t);
  if (p < 0 || g->ops[p].code != OCT_OP_DEQUANTIZE) return NULL;
  return &g->tensors[g->ops[p].inputs[0]];
}

static float f16_to_f32(uint16_t h) {
  const int e = (h >> 10) & 31, m = h & 1023;
  float v = e == 0 ? ldexpf((float)m, -24)
            : e == 31 ? (m ? NAN : INFINITY)
                      : ldexpf((float)(m | 1024), e - 25);
  return (h & 0x8000) ? -v : v;
}

/* x[1,6,6,16] -> CONV_2D(w[8,3,3,16], b[8]) -> DEPTHWISE(w[1,3,3,8], b[8])
 * -> RESHAPE -> FC(w[64,128], b[64]) -> ADD(k[64]).  Weights ramp through
 * channels with different ranges so per-channel scales differ. */
typedef struct net {
  oct_ir_graph g;
  int conv, dw, fc, add;
} net;

static int ramp(oct_ir_graph *g, const char *name, int rank, const int32_t *dims,
                int axis, float base) {
  int64_t n = 1;
  for (int i = 0; i < rank; i++) n *= dims[i];
  float *v = malloc((size_t)n * sizeof *v);
  int64_t inner = 1;
  for (int i = axis + 1; i < rank; i++) inner *= dims[i];
  for (int64_t i = 0; i < n; i++) {
    const int64_t c = (i / inner) % dims[axis];
    v[i] = base * (float)(c + 1) * sinf(0.37f * (float)i);
  }
  const int t = oct_ir_add_const(g, name, OCT_FLOAT32, rank, dims, v);
  free(v);
  return t;
}

static void build(net *n) {
  oct_ir_graph *g = &n->g;
  oct_ir_init(g);
  const int x = irb_input(g, 4, IRB_DIMS(1, 6, 6, 16));
  const int cw = ramp(g, "cw", 4, IRB_DIMS(8, 3, 3, 16), 0, 0.1f);
  const int cb = ramp(g, "cb", 1, IRB_DIMS(8), 0, 0.2f);
  const int c = irb_tensor(g, OCT_FLOAT32, 4, IRB_DIMS(1, 4, 4, 8));
  n->conv = irb_op(g, OCT_OP_CONV_2D, 3, IRB_INTS(x, cw, cb), 1, IRB_INTS(c));
  g->ops[n->conv].opts.conv.stride_h = g->ops[n->conv].opts.conv.stride_w = 1;
  g->ops[n->conv].opts.conv.dilation_h = g->ops[n->conv].opts.conv.dilation_w = 1;
  g->ops[n->conv].opts.conv.padding = OCT_PAD_VALID;
  const int dww = ramp(g, "dww", 4, IRB_DIMS(1, 3, 3, 8), 3, 0.3f); /* 72 < 1024 */
  const int dwb = ramp(g, "dwb", 1, IRB_DIMS(8), 0, 0.1f);
  const int d = irb_tensor(g, OCT_FLOAT32, 4, IRB_DIMS(1, 4, 4, 8));
  n->dw = irb_op(g, OCT_OP_DEPTHWISE_CONV_2D, 3, IRB_INTS(c, dww, dwb), 1, IRB_INTS(d));
  g->ops[n->dw].opts.conv.stride_h = g->ops[n->dw].opts.conv.stride_w = 1;
  g->ops[n->dw].opts.conv.dilation_h = g->ops[n->dw].opts.conv.dilation_w = 1;
  g->ops[n->dw].opts.conv.depth_multiplier = 1;
  g->ops[n->dw].opts.conv.padding = OCT_PAD_SAME;
  const int shape = irb_i32(g, 2, (const int32_t[]){1, 128});
  const int r = irb_tensor(g, OCT_FLOAT32, 2, IRB_DIMS(1, 128));
  irb_op(g, OCT_OP_RESHAPE, 2, IRB_INTS(d, shape), 1, IRB_INTS(r));
  const int fw = ramp(g, "fw", 2, IRB_DIMS(64, 128), 0, 0.01f);
  const int fb = ramp(g, "fb", 1, IRB_DIMS(64), 0, 0.1f);
  const int f = irb_tensor(g, OCT_FLOAT32, 2, IRB_DIMS(1, 64));
  n->fc = irb_op(g, OCT_OP_FULLY_CONNECTED, 3, IRB_INTS(r, fw, fb), 1, IRB_INTS(f));
  /* float16 edge values: 1, max half, overflow, smallest subnormal, 0.1,
   * a tie that rounds to even, a negative. */
  float kv[64] = {1.0f, 65504.0f, 1e6f, ldexpf(1, -24), 0.1f, 1.0f + ldexpf(1, -11),
                  -2.5f, ldexpf(1, -26)};
  const int k = oct_ir_add_const(g, "k", OCT_FLOAT32, 1, IRB_DIMS(64), kv);
  const int y = irb_tensor(g, OCT_FLOAT32, 2, IRB_DIMS(1, 64));
  n->add = irb_op(g, OCT_OP_ADD, 2, IRB_INTS(f, k), 1, IRB_INTS(y));
  oct_ir_add_output(g, y);
}

static const oct_ir_op *find_op(const oct_ir_graph *g, int code) {
  for (int i = 0; i < g->n_ops; i++)
    if (g->ops[i].code == code) return &g->ops[i];
  return NULL;
}

static int count_op(const oct_ir_graph *g, int code) {
  int c = 0;
  for (int i = 0; i < g->n_ops; i++) c += g->ops[i].code == code;
  return c;
}

static void test_float16(void) {
  net n;
  build(&n);
  oct_convert_options o;
  oct_convert_options_init(&o);
  o.quantize = OCT_QUANT_FLOAT16;
  oct_convert_report rep;
  memset(&rep, 0, sizeof rep);
  CHECK_EQ_INT(oct_quantize_graph(&n.g, &o, &rep), OCT_OK);
  CHECK(rep.quantize && !strcmp(rep.quantize, "float16"));
  /* every float constant: 2 conv + 2 dw + 2 fc + 1 add */
  CHECK_EQ_INT(count_op(&n.g, OCT_OP_DEQUANTIZE), 7);
  const oct_ir_op *conv = find_op(&n.g, OCT_OP_CONV_2D);
  const oct_ir_tensor *w = conv ? dq_source(&n.g, conv->inputs[1]) : NULL;
  CHECK(w && w->type == OCT_FLOAT16 && w->bytes == 8 * 3 * 3 * 16 * 2);
  if (w) {
    const uint16_t *h = w->data;
    double maxrel = 0;
    for (int i = 0; i < 8 * 9 * 16; i++) {
      const float ref = 0.1f * (float)(i / 144 + 1) * sinf(0.37f * (float)i);
      const double e = fabs((double)f16_to_f32(h[i]) - ref);
      if (fabs(ref) > 1e-3 && e / fabs(ref) > maxrel) maxrel = e / fabs(ref);
    }
    CHECK_MSG(maxrel <= 1.0 / 2048, "float16 relative error %g", maxrel);
  }
  const oct_ir_op *add = find_op(&n.g, OCT_OP_ADD);
  const oct_ir_tensor *k = add ? dq_source(&n.g, add->inputs[1]) : NULL;
  CHECK(k && k->type == OCT_FLOAT16);
  if (k) {
    const uint16_t *h = k->data;
    CHECK_EQ_INT(h[0], 0x3c00);
    CHECK_EQ_INT(h[1], 0x7bff);
    CHECK_EQ_INT(h[2], 0x7c00);
    CHECK_EQ_INT(h[3], 0x0001);
    CHECK_EQ_INT(h[4], 0x2e66);
    CHECK_EQ_INT(h[5], 0x3c00); /* tie to even */
    CHECK_EQ_INT(h[6], 0xc100);
    CHECK_EQ_INT(h[7], 0x0000); /* below half the smallest subnormal */
  }
  /* the original float constants are gone from the graph */
  for (int t = 0; t < n.g.n_tensors; t++)
    CHECK_MSG(!(n.g.tensors[t].data && n.g.tensors[t].type == OCT_FLOAT32),
              "float constant '%s' left", n.g.tensors[t].name);
  CHECK_EQ_INT(oct_ir_verify(&n.g), OCT_OK);
  oct_ir_free(&n.g);
}

/* Squared error of channel c of w_ref on the symmetric int8 grid of step s. */
static double grid_err(const float *w_ref, int64_t n, int channels, int inner_ref, int c,
                       float s) {
  double e = 0;
  for (int64_t i = 0; i < n; i++) {
    if (channels > 1 && (i / inner_ref) % channels != c) continue;
    long r = lroundf(w_ref[i] / s);
    r = r > 127 ? 127 : r < -127 ? -127 : r;
    const double d = (double)w_ref[i] - (double)s * (double)r;
    e += d * d;
  }
  return e;
}

/* Checks that q holds clamp(round(w / scale), -127, 127) per channel, with
 * a scale in [0.7, 1] x max|w| / 127 whose squared error is no larger than
 * TFLite's max|w| / 127 would give (oct_qw_channel_scale's search). */
static void check_int8(const oct_ir_tensor *q, int axis, int channels, int64_t n,
                       const float *w_ref, int inner_ref) {
  CHECK(q->type == OCT_INT8 && q->q.count == channels);
  if (q->q.count != channels) return;
  if (channels > 1) CHECK_EQ_INT(q->q.axis, axis);
  const int8_t *v = q->data;
  int bad = 0, worse = 0, clipped = 0;
  for (int c = 0; c < channels; c++) {
    float m = 0;
    for (int64_t i = 0; i < n; i++)
      if ((channels == 1 || (i / inner_ref) % channels == c) && fabsf(w_ref[i]) > m)
        m = fabsf(w_ref[i]);
    const float s = q->q.scale[c];
    CHECK(s <= m / 127.0f * 1.000001f && s >= m / 127.0f * 0.699f);
    if (grid_err(w_ref, n, channels, inner_ref, c, s) >
        grid_err(w_ref, n, channels, inner_ref, c, m / 127.0f) * (1 + 1e-9))
      worse++;
    clipped += s < m / 127.0f * 0.999f;
    CHECK_EQ_INT(q->q.zero_point[c], 0);
    for (int64_t i = 0; i < n; i++) {
      if (channels > 1 && (i / inner_ref) % channels != c) continue;
      long r = lroundf(w_ref[i] / s);
      r = r > 127 ? 127 : r < -127 ? -127 : r;
      if (v[i] != (int8_t)r) bad++;
    }
  }
  CHECK_EQ_INT(bad, 0);
  CHECK_EQ_INT(worse, 0);
  (void)clipped;
}

/* The step search itself: a heavy tail is clipped, a flat channel is not,
 * and a zero channel gets step 1. */
static void test_channel_scale(void) {
  enum { N = 1000 };
  float w[N];
  /* Laplacian-like: most values small, one far outlier. */
  for (int i = 0; i < N; i++) w[i] = (float)((i % 7) - 3) * 0.01f * (float)(1 + i % 3);
  w[17] = 1.0f;
  float m = 1.0f;
  float s = oct_qw_channel_scale(w, 1, 1, 0, N, m);
  CHECK(s < m / 127.0f && s >= 0.7f * m / 127.0f);
  CHECK(grid_err(w, N, 1, N, 0, s) < grid_err(w, N, 1, N, 0, m / 127.0f));
  /* Values exactly on the max / 127 grid: nothing to gain by clipping. */
  for (int i = 0; i < N; i++) w[i] = (float)(i % 255 - 127) / 127.0f;
  s = oct_qw_channel_scale(w, 1, 1, 0, N, 1.0f);
  CHECK_NEAR(s, 1.0f / 127.0f, 1e-9);
  /* Channel 1 of [2][3][4]: elements (o * 3 + 1) * 4 + i. */
  float t[24];
  for (int i = 0; i < 24; i++) t[i] = ((i / 4) % 3 == 1) ? (float)(i % 4) / 3.0f : 100.0f;
  s = oct_qw_channel_scale(t, 2, 3, 1, 4, 1.0f);
  CHECK(s <= 1.0f / 127.0f * 1.000001f && s >= 0.7f / 127.0f);
  CHECK_NEAR(oct_qw_channel_scale(t, 1, 1, 0, 0, 0.0f), 1.0f, 0);
}

static void test_int8(int per_channel_fc) {
  net n;
  build(&n);
  /* the float weights before quantization, to check against */
  const int64_t ncw = 8 * 9 * 16, nfw = 64 * 128;
  float *cw = malloc(ncw * sizeof *cw), *fw = malloc(nfw * sizeof *fw);
  memcpy(cw, n.g.tensors[n.g.ops[n.conv].inputs[1]].data, ncw * sizeof *cw);
  memcpy(fw, n.g.tensors[n.g.ops[n.fc].inputs[1]].data, nfw * sizeof *fw);
  oct_convert_options o;
  oct_convert_options_init(&o);
  o.quantize = OCT_QUANT_WEIGHTS_INT8;
  o.per_channel_fc = per_channel_fc;
  CHECK_EQ_INT(oct_quantize_graph(&n.g, &o, NULL), OCT_OK);
  /* conv and fc weights only: dw's 72 weights, biases and k stay float */
  CHECK_EQ_INT(count_op(&n.g, OCT_OP_DEQUANTIZE), 2);
  const oct_ir_op *conv = find_op(&n.g, OCT_OP_CONV_2D);
  const oct_ir_op *fc = find_op(&n.g, OCT_OP_FULLY_CONNECTED);
  const oct_ir_op *dw = find_op(&n.g, OCT_OP_DEPTHWISE_CONV_2D);
  const oct_ir_tensor *qc = conv ? dq_source(&n.g, conv->inputs[1]) : NULL;
  const oct_ir_tensor *qf = fc ? dq_source(&n.g, fc->inputs[1]) : NULL;
  CHECK(qc && qf && dw && !dq_source(&n.g, dw->inputs[1]));
  CHECK(conv && n.g.tensors[conv->inputs[2]].type == OCT_FLOAT32 &&
        n.g.tensors[conv->inputs[2]].data);
  if (qc) check_int8(qc, 0, 8, ncw, cw, 144);
  if (qf) check_int8(qf, 0, per_channel_fc ? 64 : 1, nfw, fw, 128);
  CHECK_EQ_INT(oct_ir_verify(&n.g), OCT_OK);
  free(cw);
  free(fw);
  oct_ir_free(&n.g);
}

static void test_per_tensor(void) {
  net n;
  build(&n);
  oct_convert_options o;
  oct_convert_options_init(&o);
  o.quantize = OCT_QUANT_WEIGHTS_INT8;
  o.per_tensor = 1;
  CHECK_EQ_INT(oct_quantize_graph(&n.g, &o, NULL), OCT_OK);
  const oct_ir_op *conv = find_op(&n.g, OCT_OP_CONV_2D);
  const oct_ir_tensor *qc = conv ? dq_source(&n.g, conv->inputs[1]) : NULL;
  CHECK(qc && qc->q.count == 1);
  oct_ir_free(&n.g);
}

/* --keep-float names an op (or its output): its weights stay float32 in
 * every weight-only mode, the others are still quantized. */
static void test_keep_float(int mode) {
  net n;
  build(&n);
  char name[256];
  const oct_ir_op *c0 = &n.g.ops[n.conv];
  snprintf(name, sizeof name, "zz,%s", n.g.tensors[c0->outputs[0]].name);
  oct_convert_options o;
  oct_convert_options_init(&o);
  o.quantize = mode;
  o.keep_float = name;
  CHECK_EQ_INT(oct_quantize_graph(&n.g, &o, NULL), OCT_OK);
  const oct_ir_op *conv = find_op(&n.g, OCT_OP_CONV_2D);
  const oct_ir_op *fc = find_op(&n.g, OCT_OP_FULLY_CONNECTED);
  CHECK(conv && fc);
  if (conv && fc) {
    const oct_ir_tensor *w = &n.g.tensors[conv->inputs[1]];
    CHECK_MSG(w->type == OCT_FLOAT32 && w->data, "mode %d: kept conv weights are %d", mode,
              (int)w->type);
    const oct_ir_tensor *fw = &n.g.tensors[fc->inputs[1]];
    CHECK_MSG(dq_source(&n.g, fc->inputs[1]) || fw->type == OCT_INT8,
              "mode %d: fc weights not quantized", mode);
  }
  CHECK_EQ_INT(oct_ir_verify(&n.g), OCT_OK);
  oct_ir_free(&n.g);
}

int main(void) {
  test_float16();
  test_keep_float(OCT_QUANT_WEIGHTS_INT8);
  test_keep_float(OCT_QUANT_FLOAT16);
  test_keep_float(OCT_QUANT_DYNAMIC);
  test_channel_scale();
  test_int8(0);
  test_int8(1);
  test_per_tensor();
  return test_finish("test_quant_weights");
}
