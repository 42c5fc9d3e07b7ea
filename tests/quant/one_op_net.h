/*
 * One-op float graphs (CONV_2D 3x3 stride 2 SAME, DEPTHWISE_CONV_2D with
 * depth multiplier 2, FULLY_CONNECTED with batch 3) with weights from a
 * fixed seed, calibration samples for them, and per-channel output means:
 * shared by the tests of the weight-rounding passes (bias correction,
 * GPTQ). Include once per test program; g_tmp names its scratch folder.
 */
#ifndef OCT_TESTS_QUANT_ONE_OP_NET_H
#define OCT_TESTS_QUANT_ONE_OP_NET_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/ir_build.h"
#include "convert/tflite_writer.h"
#include "io/fb_builder.h"
#include "io/npy.h"
#include "octet/octet.h"
#include "test_util.h"

#define N_SAMPLES 6

static char g_tmp[256];
static uint32_t g_rng = 7u;

static inline float rnd(float lo, float hi) {
  g_rng = g_rng * 1664525u + 1013904223u;
  return lo + (hi - lo) * (float)(g_rng >> 8) / 16777216.0f;
}

enum { NET_CONV, NET_DW, NET_FC };

typedef struct net {
  oct_ir_graph g;
  int op, x, y, in_elems, out_ch;
  int32_t in_dims[4];
  int in_rank;
} net;

/* A one-op graph; weights from a fixed seed, so every build is the same. */
static inline void build(net *n, int kind, int with_bias) {
  oct_ir_graph *g = &n->g;
  oct_ir_init(g);
  uint32_t saved = g_rng;
  g_rng = 99u;
  int w, b = -1;
  int32_t wd[4];
  int wrank = 4;
  if (kind == NET_CONV) { /* [1,9,9,8] -> 3x3 stride 2 SAME -> [1,5,5,16] */
    memcpy(n->in_dims, IRB_DIMS(1, 9, 9, 8), sizeof n->in_dims);
    n->in_rank = 4;
    memcpy(wd, IRB_DIMS(16, 3, 3, 8), sizeof wd);
    n->out_ch = 16;
  } else if (kind == NET_DW) { /* [1,6,6,64] -> 3x3 x2 SAME -> [1,6,6,128] */
    memcpy(n->in_dims, IRB_DIMS(1, 6, 6, 64), sizeof n->in_dims);
    n->in_rank = 4;
    memcpy(wd, IRB_DIMS(1, 3, 3, 128), sizeof wd);
    n->out_ch = 128;
  } else { /* [3,300] -> [3,8] */
    memcpy(n->in_dims, IRB_DIMS(3, 300), 2 * sizeof(int32_t));
    n->in_rank = 2;
    memcpy(wd, IRB_DIMS(8, 300), 2 * sizeof(int32_t));
    wrank = 2;
    n->out_ch = 8;
  }
  n->x = irb_input(g, n->in_rank, n->in_dims);
  n->in_elems = 1;
  for (int i = 0; i < n->in_rank; i++) n->in_elems *= n->in_dims[i];
  int64_t nw = 1;
  for (int i = 0; i < wrank; i++) nw *= wd[i];
  float *v = malloc((size_t)nw * sizeof *v);
  for (int64_t i = 0; i < nw; i++) v[i] = rnd(-0.5f, 0.5f);
  w = oct_ir_add_const(g, "w", OCT_FLOAT32, wrank, wd, v);
  free(v);
  if (with_bias) {
    float bv[128];
    for (int c = 0; c < n->out_ch; c++) bv[c] = rnd(-0.2f, 0.2f);
    b = oct_ir_add_const(g, "b", OCT_FLOAT32, 1, IRB_DIMS(n->out_ch), bv);
  }
  if (kind == NET_FC) {
    n->y = irb_tensor(g, OCT_FLOAT32, 2, IRB_DIMS(3, 8));
    n->op = irb_op(g, OCT_OP_FULLY_CONNECTED, with_bias ? 3 : 2, IRB_INTS(n->x, w, b), 1,
                   IRB_INTS(n->y));
    g->ops[n->op].opts.fc.keep_num_dims = 0;
  } else {
    const int oh = kind == NET_CONV ? 5 : 6;
    n->y = irb_tensor(g, OCT_FLOAT32, 4, IRB_DIMS(1, oh, oh, n->out_ch));
    n->op = irb_op(g, kind == NET_CONV ? OCT_OP_CONV_2D : OCT_OP_DEPTHWISE_CONV_2D,
                   with_bias ? 3 : 2, IRB_INTS(n->x, w, b), 1, IRB_INTS(n->y));
    oct_conv_options *co = &g->ops[n->op].opts.conv;
    co->padding = OCT_PAD_SAME;
    co->stride_h = co->stride_w = kind == NET_CONV ? 2 : 1;
    co->dilation_h = co->dilation_w = 1;
    co->depth_multiplier = kind == NET_DW ? 2 : 0;
  }
  oct_ir_add_output(g, n->y);
  g_rng = saved;
}

/* Calibration samples with a non-zero mean per input channel (as after a
 * ReLU), so that rounding the weights moves the output mean. */
static inline float *make_samples(const net *n, const char *path) {
  const size_t per = (size_t)n->in_elems;
  float *x = malloc(N_SAMPLES * per * sizeof *x);
  const int ch = n->in_dims[n->in_rank - 1];
  for (size_t i = 0; i < N_SAMPLES * per; i++)
    x[i] = rnd(0.0f, 1.0f) * (1.0f + (float)(i % (size_t)ch) / (float)ch);
  int64_t dims[4] = {(int64_t)N_SAMPLES * n->in_dims[0], n->in_dims[1], 0, 0};
  for (int k = 2; k < n->in_rank; k++) dims[k] = n->in_dims[k];
  oct_error err;
  CHECK_MSG(oct_npy_write_file(path, OCT_NPY_FLOAT32, n->in_rank, dims, x, &err) == OCT_OK,
            "%s", err.message);
  return x;
}

/* Per output channel (last axis) mean of the graph's output over the
 * samples. 0 on success. */
static inline int output_means(oct_ir_graph *g, const float *x, size_t per, int ch, double *mean) {
  oct_fbb b;
  oct_fbb_init(&b);
  void *arena = NULL;
  oct_interp *it = NULL;
  oct_error err;
  size_t need = 0;
  int rc = 1;
  if (oct_tflite_serialize(g, &b)) {
    CHECK_MSG(0, "serialize: %s", g->err.message);
    goto done;
  }
  if (oct_arena_size(oct_fbb_data(&b), oct_fbb_size(&b), NULL, &need, &err) ||
      posix_memalign(&arena, OCT_ARENA_ALIGN, need ? need : 64) ||
      oct_interp_init(&it, oct_fbb_data(&b), oct_fbb_size(&b), arena, need, NULL, &err)) {
    CHECK_MSG(0, "runtime: %s", err.message);
    goto done;
  }
  for (int c = 0; c < ch; c++) mean[c] = 0;
  double count = 0;
  for (int s = 0; s < N_SAMPLES; s++) {
    memcpy(oct_interp_input_data(it, 0), x + (size_t)s * per, per * sizeof(float));
    if (oct_interp_invoke(it)) {
      CHECK_MSG(0, "invoke: %s", oct_interp_error(it));
      goto done;
    }
    oct_tensor_info info;
    oct_interp_tensor_info(it, oct_interp_output_index(it, 0), &info);
    const float *y = oct_interp_output_data(it, 0);
    const size_t n = info.bytes / sizeof(float);
    for (size_t e = 0; e < n; e++) mean[e % (size_t)ch] += y[e];
    count += (double)(n / (size_t)ch);
  }
  for (int c = 0; c < ch; c++) mean[c] /= count;
  rc = 0;
done:
  free(arena);
  oct_fbb_free(&b);
  return rc;
}

#endif /* OCT_TESTS_QUANT_ONE_OP_NET_H */
