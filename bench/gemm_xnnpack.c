/*
 * GEMM throughput on MobileNetV2-224's pointwise (1x1) convolutions: Debian's
 * XNNPACK fully-connected operators (qs8 and f32) against octet running the
 * same shapes, printed in GOPS (2*M*K*N per run) and as a ratio.
 *
 * octet is measured through its public API only: for every shape a
 * one-op CONV_2D 1x1 model (input [1,H,W,K], filter [N,1,1,K], bias [N]) is
 * built in memory and invoked by the interpreter, so the number includes
 * what a real model pays per op (dispatch, requantization, output write).
 * XNNPACK's operator gets the same M x K x N problem, with its weights packed
 * once at creation as octet packs them at prepare.
 *
 * Not part of the CMake build or CI: it needs libxnnpack-dev and
 * libpthreadpool-dev. bench/run.sh builds and runs it:
 *   cc -O2 -std=c11 -Iinclude -Isrc -Itests bench/gemm_xnnpack.c \
 *      build/liboctet_io.a build/liboctet_runtime.a -lXNNPACK -lpthreadpool -lm
 *   ./gemm_xnnpack [--runs N] [--threads N] [--json]
 *
 * Both sides run single-threaded unless --threads is given (octet gets an
 * oct_threadpool of that size, XNNPACK a pthreadpool). With --threads the
 * two pools' idle workers spin on the same cores between the runs, which
 * slows whichever runs second (octet) on a small machine: compare the
 * single-thread numbers.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthreadpool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xnnpack.h>

#include "octet/octet.h"
#include "tflite_build.h"

/* TFLite builtin codes and option ids used here (schema.fbs). */
enum { TFL_CONV_2D = 3, TFL_OPT_CONV2D = 1 };

/* MobileNetV2 1.0 at 224: every pointwise conv as (H = W, K in, N out) and
 * how many times the network runs that shape (34 pointwise convs in all:
 * 16 expansions, 17 projections, the final 320 -> 1280). */
typedef struct gemm_shape {
  int hw, k, n, count;
} gemm_shape;

static const gemm_shape k_shapes[] = {
    {112, 32, 16, 1},  {112, 16, 96, 1},  {56, 96, 24, 1},   {56, 24, 144, 2},
    {56, 144, 24, 1},  {28, 144, 32, 1},  {28, 32, 192, 3},  {28, 192, 32, 2},
    {14, 192, 64, 1},  {14, 64, 384, 4},  {14, 384, 64, 3},  {14, 384, 96, 1},
    {14, 96, 576, 3},  {14, 576, 96, 2},  {7, 576, 160, 1},  {7, 160, 960, 3},
    {7, 960, 160, 2},  {7, 960, 320, 1},  {7, 320, 1280, 1},
};
#define N_SHAPES (int)(sizeof k_shapes / sizeof k_shapes[0])

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static uint32_t rng(uint64_t *s) {
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return (uint32_t)(*s >> 32);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Quantization of the synthetic problem: inputs and weights uniform over
 * int8, so each product has a standard deviation of about 74 * 73 = 5400
 * and a K-term sum about 5400 * sqrt(K); the output scale maps that to about
 * 40 LSB, so under 0.2% of outputs saturate and the comparison with XNNPACK
 * below checks real values. */
typedef struct qparams {
  float in_scale, w_scale, out_scale;
  int in_zp, out_zp;
} qparams;

static qparams make_qparams(int k) {
  qparams q = {0.05f, 0.01f, 0, -3, 5};
  q.out_scale = q.in_scale * q.w_scale * 5400.0f * sqrtf((float)k) / 40.0f;
  return q;
}

typedef struct problem {
  int m, k, n;
  int8_t *x8, *w8, *y8;
  int32_t *b32;
  float *xf, *wf, *bf, *yf;
} problem;

static int problem_init(problem *p, const gemm_shape *s, uint64_t *seed) {
  memset(p, 0, sizeof *p);
  p->m = s->hw * s->hw;
  p->k = s->k;
  p->n = s->n;
  size_t mk = (size_t)p->m * p->k, nk = (size_t)p->n * p->k, mn = (size_t)p->m * p->n;
  p->x8 = malloc(mk);
  p->w8 = malloc(nk);
  p->y8 = malloc(mn);
  p->b32 = malloc((size_t)p->n * 4);
  p->xf = malloc(mk * 4);
  p->wf = malloc(nk * 4);
  p->bf = malloc((size_t)p->n * 4);
  p->yf = malloc(mn * 4);
  if (!p->x8 || !p->w8 || !p->y8 || !p->b32 || !p->xf || !p->wf || !p->bf || !p->yf) return 1;
  for (size_t i = 0; i < mk; i++) {
    p->x8[i] = (int8_t)(rng(seed) >> 24);
    p->xf[i] = (float)p->x8[i] / 128.0f;
  }
  for (size_t i = 0; i < nk; i++) {
    int v = (int)(rng(seed) % 255) - 127;
    p->w8[i] = (int8_t)v;
    p->wf[i] = (float)v / 127.0f / sqrtf((float)p->k);
  }
  for (int i = 0; i < p->n; i++) {
    p->b32[i] = (int32_t)(rng(seed) % 2001) - 1000;
    p->bf[i] = (float)p->b32[i] / 1000.0f;
  }
  return 0;
}

static void problem_free(problem *p) {
  free(p->x8);
  free(p->w8);
  free(p->y8);
  free(p->b32);
  free(p->xf);
  free(p->wf);
  free(p->bf);
  free(p->yf);
}

/* ---- XNNPACK ---- */

static int xnn_time(const problem *p, int int8, int runs, pthreadpool_t pool, double *us) {
  qparams q = make_qparams(p->k);
  xnn_operator_t op = NULL;
  enum xnn_status st;
  if (int8)
    st = xnn_create_fully_connected_nc_qs8((size_t)p->k, (size_t)p->n, (size_t)p->k,
                                           (size_t)p->n, (int8_t)q.in_zp, q.in_scale, q.w_scale,
                                           p->w8, p->b32, (int8_t)q.out_zp, q.out_scale, -128,
                                           127, 0, &op);
  else
    st = xnn_create_fully_connected_nc_f32((size_t)p->k, (size_t)p->n, (size_t)p->k,
                                           (size_t)p->n, p->wf, p->bf, -INFINITY, INFINITY, 0,
                                           &op);
  if (st != xnn_status_success) return fprintf(stderr, "xnnpack: create failed (%d)\n", st), 1;
  if (int8)
    st = xnn_setup_fully_connected_nc_qs8(op, (size_t)p->m, p->x8, p->y8, pool);
  else
    st = xnn_setup_fully_connected_nc_f32(op, (size_t)p->m, p->xf, p->yf, pool);
  if (st != xnn_status_success) {
    xnn_delete_operator(op);
    return fprintf(stderr, "xnnpack: setup failed (%d)\n", st), 1;
  }
  double *t = malloc((size_t)runs * sizeof *t);
  for (int r = 0; r < 3 && st == xnn_status_success; r++) st = xnn_run_operator(op, pool);
  for (int r = 0; r < runs && st == xnn_status_success; r++) {
    double t0 = now_us();
    st = xnn_run_operator(op, pool);
    t[r] = now_us() - t0;
  }
  *us = st == xnn_status_success ? median(t, runs) : 0;
  free(t);
  xnn_delete_operator(op);
  return st != xnn_status_success;
}

/* ---- octet ---- */

/* A one-op CONV_2D 1x1 model for `p` (per-tensor int8 weights, or float). */
static oct_status build_conv1x1(const problem *p, int hw, int int8, oct_fbb *b) {
  static tb_model m; /* large: keep it off the stack */
  memset(&m, 0, sizeof m);
  qparams q = make_qparams(p->k);
  oct_dtype t = int8 ? OCT_INT8 : OCT_FLOAT32;
  int x = tb_add_tensor(&m, "x", t, 4, (const int32_t[]){1, hw, hw, p->k});
  int w = tb_add_tensor(&m, "w", t, 4, (const int32_t[]){p->n, 1, 1, p->k});
  int bias = tb_add_tensor(&m, "b", int8 ? OCT_INT32 : OCT_FLOAT32, 1, (const int32_t[]){p->n});
  int y = tb_add_tensor(&m, "y", t, 4, (const int32_t[]){1, hw, hw, p->n});
  m.tensors[w].data = int8 ? (const void *)p->w8 : (const void *)p->wf;
  m.tensors[w].bytes = (size_t)p->n * p->k * (int8 ? 1 : 4);
  m.tensors[bias].data = int8 ? (const void *)p->b32 : (const void *)p->bf;
  m.tensors[bias].bytes = (size_t)p->n * 4;
  if (int8) {
    m.tensors[x].nq = 1, m.tensors[x].scales[0] = q.in_scale, m.tensors[x].zps[0] = q.in_zp;
    m.tensors[w].nq = 1, m.tensors[w].scales[0] = q.w_scale;
    m.tensors[bias].nq = 1, m.tensors[bias].scales[0] = q.in_scale * q.w_scale;
    m.tensors[y].nq = 1, m.tensors[y].scales[0] = q.out_scale, m.tensors[y].zps[0] = q.out_zp;
  }
  tb_op *o = tb_add_op(&m, TFL_CONV_2D, 3, (const int32_t[]){x, w, bias}, 1, (const int32_t[]){y});
  o->options_type = TFL_OPT_CONV2D;
  o->n_fields = 3;
  o->fields[0] = (tb_field){0, 'b', 1, NULL, 0}; /* padding VALID */
  o->fields[1] = (tb_field){1, 'i', 1, NULL, 0}; /* stride_w */
  o->fields[2] = (tb_field){2, 'i', 1, NULL, 0}; /* stride_h */
  m.inputs[m.n_inputs++] = x;
  m.outputs[m.n_outputs++] = y;
  return tb_build(&m, b);
}

/* octet's output against XNNPACK's for the same problem: they round the
 * requantization differently (at most 1 LSB apart for int8), so this only
 * proves both compute the same GEMM, not bit-exactness. */
static double max_diff(const problem *p, int int8, const void *out) {
  size_t mn = (size_t)p->m * p->n;
  double worst = 0;
  for (size_t i = 0; i < mn; i++) {
    double d = int8 ? fabs((double)((const int8_t *)out)[i] - p->y8[i])
                    : fabs((double)((const float *)out)[i] - p->yf[i]) /
                          (1.0 + fabs((double)p->yf[i]));
    if (d > worst) worst = d;
  }
  return worst;
}

static int octet_time(const problem *p, int hw, int int8, int runs, int threads, double *us,
                      char *kernel, size_t kernel_cap) {
  oct_fbb b;
  oct_fbb_init(&b);
  if (build_conv1x1(p, hw, int8, &b) != OCT_OK) {
    oct_fbb_free(&b);
    return fprintf(stderr, "octet: cannot build the model\n"), 1;
  }
  oct_options opts = {.kernels = OCT_KERNELS_BEST, .threads = threads};
  /* Without a pool the runtime runs everything on this thread. */
  oct_threadpool *tp = NULL;
  if (threads > 1) {
    if (oct_threadpool_create(threads, &tp) != OCT_OK) {
      oct_fbb_free(&b);
      return fprintf(stderr, "octet: cannot start %d threads\n", threads), 1;
    }
    oct_threadpool_options(tp, &opts);
  }
  oct_error err = {{0}, 0};
  size_t need = 0;
  void *arena = NULL;
  oct_interp *it = NULL;
  int rc = 1;
  if (oct_arena_size(oct_fbb_data(&b), oct_fbb_size(&b), &opts, &need, &err) != OCT_OK ||
      posix_memalign(&arena, OCT_ARENA_ALIGN, need) ||
      oct_interp_init(&it, oct_fbb_data(&b), oct_fbb_size(&b), arena, need, &opts, &err)) {
    fprintf(stderr, "octet: %s\n", err.message);
    goto done;
  }
  oct_op_info info;
  snprintf(kernel, kernel_cap, "%s",
           oct_interp_op_info(it, 0, &info) == OCT_OK && info.kernel ? info.kernel : "?");
  memcpy(oct_interp_input_data(it, 0), int8 ? (const void *)p->x8 : (const void *)p->xf,
         (size_t)p->m * p->k * (int8 ? 1 : 4));
  double *t = malloc((size_t)runs * sizeof *t);
  oct_status st = OCT_OK;
  for (int r = 0; r < 3 && st == OCT_OK; r++) st = oct_interp_invoke(it);
  for (int r = 0; r < runs && st == OCT_OK; r++) {
    double t0 = now_us();
    st = oct_interp_invoke(it);
    t[r] = now_us() - t0;
  }
  if (st == OCT_OK) {
    *us = median(t, runs);
    double d = max_diff(p, int8, oct_interp_output_data(it, 0));
    rc = d > (int8 ? 1.0 : 1e-4);
    if (rc)
      fprintf(stderr, "gemm_xnnpack: %dx%dx%d %s: octet and XNNPACK differ by %g\n", p->m, p->k,
              p->n, int8 ? "int8" : "f32", d);
  } else {
    fprintf(stderr, "octet: invoke: %s\n", oct_interp_error(it));
  }
  free(t);
done:
  free(arena);
  oct_fbb_free(&b);
  oct_threadpool_destroy(tp);
  return rc;
}

int main(int argc, char **argv) {
  int runs = 20, threads = 1, json = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--runs") && i + 1 < argc) runs = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--json")) json = 1;
    else return fprintf(stderr, "usage: gemm_xnnpack [--runs N] [--threads N] [--json]\n"), 2;
  }
  if (runs < 1 || threads < 1) return fprintf(stderr, "gemm_xnnpack: bad --runs/--threads\n"), 2;
  if (xnn_initialize(NULL) != xnn_status_success)
    return fprintf(stderr, "gemm_xnnpack: xnn_initialize failed\n"), 1;
  pthreadpool_t pool = threads > 1 ? pthreadpool_create((size_t)threads) : NULL;

  /* Totals weight each shape by how often MobileNetV2 runs it. */
  double ops_total = 0, t_total[4] = {0};
  uint64_t seed = 42;
  if (!json)
    printf("%-20s %5s  %9s %9s %6s  %9s %9s %6s  %s\n", "M x K x N", "count", "xnn qs8", "octet i8",
           "ratio", "xnn f32", "octet f32", "ratio", "octet kernels (i8/f32)");
  else
    printf("{\"threads\":%d,\"runs\":%d,\"shapes\":[", threads, runs);
  for (int s = 0; s < N_SHAPES; s++) {
    const gemm_shape *g = &k_shapes[s];
    problem p;
    if (problem_init(&p, g, &seed)) return fprintf(stderr, "gemm_xnnpack: out of memory\n"), 1;
    double us[4] = {0};
    char kern8[64] = "", kernf[64] = "";
    int bad = xnn_time(&p, 1, runs, pool, &us[0]) ||
              octet_time(&p, g->hw, 1, runs, threads, &us[1], kern8, sizeof kern8) ||
              xnn_time(&p, 0, runs, pool, &us[2]) ||
              octet_time(&p, g->hw, 0, runs, threads, &us[3], kernf, sizeof kernf);
    problem_free(&p);
    if (bad) return 1;
    double ops = 2.0 * p.m * p.k * p.n;
    ops_total += ops * g->count;
    double gops[4];
    for (int v = 0; v < 4; v++) {
      t_total[v] += us[v] * g->count;
      gops[v] = ops / us[v] / 1e3;
    }
    if (!json) {
      char name[32];
      snprintf(name, sizeof name, "%dx%dx%d", p.m, p.k, p.n);
      printf("%-20s %5d  %9.1f %9.1f %6.2f  %9.1f %9.1f %6.2f  %s/%s\n", name, g->count, gops[0],
             gops[1], gops[1] / gops[0], gops[2], gops[3], gops[3] / gops[2], kern8, kernf);
    } else {
      printf("%s{\"m\":%d,\"k\":%d,\"n\":%d,\"count\":%d,\"xnn_qs8_gops\":%.3f,"
             "\"octet_int8_gops\":%.3f,\"xnn_f32_gops\":%.3f,\"octet_f32_gops\":%.3f,"
             "\"octet_int8_kernel\":\"%s\",\"octet_f32_kernel\":\"%s\"}",
             s ? "," : "", p.m, p.k, p.n, g->count, gops[0], gops[1], gops[2], gops[3], kern8,
             kernf);
    }
  }
  double tot[4];
  for (int v = 0; v < 4; v++) tot[v] = ops_total / t_total[v] / 1e3;
  if (!json)
    printf("%-20s %5s  %9.1f %9.1f %6.2f  %9.1f %9.1f %6.2f  (GOPS; ratio = octet / XNNPACK)\n",
           "all 34 (weighted)", "", tot[0], tot[1], tot[1] / tot[0], tot[2], tot[3],
           tot[3] / tot[2]);
  else
    printf("],\"total\":{\"xnn_qs8_gops\":%.3f,\"octet_int8_gops\":%.3f,\"xnn_f32_gops\":%.3f,"
           "\"octet_f32_gops\":%.3f,\"int8_ratio\":%.4f,\"f32_ratio\":%.4f}}\n",
           tot[0], tot[1], tot[2], tot[3], tot[1] / tot[0], tot[3] / tot[2]);
  if (pool) pthreadpool_destroy(pool);
  xnn_deinitialize();
  return 0;
}
