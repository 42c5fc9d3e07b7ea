/*
 * Hybrid reference kernels (src/kernels/ref/hybrid.h): the on-the-fly
 * input quantizers against hand-computed values (ties, clamping, all-zero
 * and one-signed rows), then FULLY_CONNECTED, CONV_2D and
 * DEPTHWISE_CONV_2D at random sizes against a double-precision oracle that
 * uses the unquantized float input: the difference must stay within the
 * input quantization's worst case, sum |w * s_w| * s_in / 2 (plus the
 * weighted zero-point rounding), which a wrong index, padding or scale
 * breaks by far.
 */
#include <stdlib.h>

#include "kernels/ref/hybrid.h"
#include "octet/octet.h"
#if defined(__x86_64__)
#include "kernels/x86/x86_hybrid.h"
#endif

#include "conv_test_util.h"

static void test_quantize_hand(void) {
  const float x[3] = {1.0f, -2.0f, 0.5f};
  int8_t q[4];
  float s = 0;
  int32_t z = 99;
  oct_hybrid_quantize_sym(x, 3, q, &s);
  CHECK_NEAR(s, 2.0f / 127.0f, 0);
  /* 1 * 63.5 = 63.5 rounds away from zero */
  CHECK_EQ_INT(q[0], 64);
  CHECK_EQ_INT(q[1], -127);
  CHECK_EQ_INT(q[2], 32);
  const float zero[4] = {0, 0, 0, 0};
  q[0] = 5;
  oct_hybrid_quantize_sym(zero, 4, q, &s);
  CHECK_EQ_INT(q[0], 0);
  CHECK_NEAR(s, 1, 0);
  oct_hybrid_quantize_asym(zero, 4, q, &s, &z);
  CHECK_EQ_INT(q[3], 0);
  CHECK_EQ_INT(z, 0);
  CHECK_NEAR(s, 1, 0);
  /* non-negative row: range [0, 2.55], zero point -128 */
  const float p[3] = {0.0f, 1.0f, 2.55f};
  oct_hybrid_quantize_asym(p, 3, q, &s, &z);
  CHECK_EQ_INT(z, -128);
  CHECK_NEAR(s, 0.01, 1e-8);
  CHECK_EQ_INT(q[0], -128);
  CHECK_EQ_INT(q[1], -28);
  CHECK_EQ_INT(q[2], 127);
  /* non-positive row: zero point 127; 127 - 0.6 * 255 = -26 */
  const float n[2] = {-1.0f, -0.6f};
  oct_hybrid_quantize_asym(n, 2, q, &s, &z);
  CHECK_EQ_INT(z, 127);
  CHECK_EQ_INT(q[0], -128);
  CHECK_EQ_INT(q[1], -26);
  /* mixed row: [-1, 3] -> s = 4/255, z = round(-128 + 63.75) = -64 */
  const float m[2] = {-1.0f, 3.0f};
  oct_hybrid_quantize_asym(m, 2, q, &s, &z);
  CHECK_EQ_INT(z, -64);
  CHECK_EQ_INT(q[0], -128);
  CHECK_EQ_INT(q[1], 127);
}

static void rand_weights(int8_t *w, size_t n) {
  for (size_t i = 0; i < n; i++) w[i] = (int8_t)t_randint(-127, 127);
}

/* Checks out against the oracle `ref` with per-element bound `tol`. */
static int check_close(const char *what, const float *out, const double *ref,
                       const double *tol, size_t n) {
  int bad = 0;
  for (size_t i = 0; i < n; i++)
    if (!(fabs((double)out[i] - ref[i]) <= tol[i])) {
      if (!bad)
        CHECK_MSG(0, "%s: element %zu is %g, oracle %g (bound %g)", what, i,
                  (double)out[i], ref[i], tol[i]);
      bad++;
    }
  return bad;
}

static void test_fc_random(int asym) {
  for (int trial = 0; trial < 30; trial++) {
    oct_fc_dims d = {t_randint(1, 5), t_randint(1, 70), t_randint(1, 20)};
    const size_t nin = (size_t)d.batch * d.depth, nw = (size_t)d.out_c * d.depth;
    const size_t nout = (size_t)d.batch * d.out_c;
    float *x = malloc(nin * sizeof *x), *bias = malloc(d.out_c * sizeof *bias);
    float *ws = malloc(d.out_c * sizeof *ws), *out = malloc(nout * sizeof *out);
    int8_t *w = malloc(nw);
    double *ref = malloc(nout * sizeof *ref), *tol = malloc(nout * sizeof *tol);
    const float shift = trial % 3 == 0 ? 1.0f : 0.0f; /* some one-signed rows */
    for (size_t i = 0; i < nin; i++) x[i] = t_randf(-1, 1) + shift;
    rand_weights(w, nw);
    const int per_channel = trial % 2;
    for (int c = 0; c < d.out_c; c++) {
      ws[c] = per_channel ? t_randf(0.001f, 0.02f) : 0.01f;
      bias[c] = t_randf(-1, 1);
    }
    void *scratch = malloc(oct_hybrid_scratch_bytes(d.batch, d.depth));
    oct_hybrid_params h = {ws, asym};
    oct_act_f32 none = {-INFINITY, INFINITY};
    oct_fc_hybrid_ref(&d, &none, &h, x, w, trial % 4 == 1 ? NULL : bias, out, scratch);
    for (int b = 0; b < d.batch; b++) {
      float lo = 0, hi = 0, amax = 0;
      for (int i = 0; i < d.depth; i++) {
        const float v = x[b * d.depth + i];
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
        amax = fabsf(v) > amax ? fabsf(v) : amax;
      }
      const double s_in = asym ? (hi - lo) / 255.0 : amax / 127.0;
      for (int c = 0; c < d.out_c; c++) {
        double acc = trial % 4 == 1 ? 0 : bias[c], aw = 0;
        for (int i = 0; i < d.depth; i++) {
          const double wv = (double)w[c * d.depth + i] * ws[c];
          acc += wv * x[b * d.depth + i];
          aw += fabs(wv);
        }
        ref[b * d.out_c + c] = acc;
        /* half a step per input, one step more for the rounded zero point */
        tol[b * d.out_c + c] = aw * s_in * (asym ? 1.5 : 0.5) * 1.001 + 1e-5;
      }
    }
    check_close(asym ? "fc asym" : "fc sym", out, ref, tol, nout);
    /* ReLU6 clamps exactly */
    oct_act_f32 relu6 = {0, 6};
    oct_fc_hybrid_ref(&d, &relu6, &h, x, w, bias, out, scratch);
    for (size_t i = 0; i < nout; i++) CHECK(out[i] >= 0 && out[i] <= 6);
    free(x), free(bias), free(ws), free(out), free(w), free(ref), free(tol);
    free(scratch);
  }
}

static void test_conv_random(int depthwise) {
  for (int trial = 0; trial < 24; trial++) {
    oct_conv_dims d;
    memset(&d, 0, sizeof d);
    d.batch = t_randint(1, 2);
    d.in_h = t_randint(1, 7);
    d.in_w = t_randint(1, 7);
    d.in_c = t_randint(1, 5);
    d.depth_mult = depthwise ? t_randint(1, 3) : 1;
    d.out_c = depthwise ? d.in_c * d.depth_mult : t_randint(1, 6);
    d.k_h = t_randint(1, 3);
    d.k_w = t_randint(1, 3);
    d.stride_h = t_randint(1, 2);
    d.stride_w = t_randint(1, 2);
    d.dil_h = t_randint(1, 2);
    d.dil_w = 1;
    /* SAME-like padding: windows hang over the edges */
    d.pad_h = (d.k_h - 1) * d.dil_h / 2;
    d.pad_w = (d.k_w - 1) / 2;
    d.out_h = (d.in_h + 2 * d.pad_h - (d.k_h - 1) * d.dil_h - 1) / d.stride_h + 1;
    d.out_w = (d.in_w + 2 * d.pad_w - (d.k_w - 1) - 1) / d.stride_w + 1;
    if (d.out_h < 1 || d.out_w < 1) continue;
    const size_t img = (size_t)d.in_h * d.in_w * d.in_c, nin = img * d.batch;
    const size_t nw = depthwise ? (size_t)d.k_h * d.k_w * d.out_c
                                : (size_t)d.out_c * d.k_h * d.k_w * d.in_c;
    const size_t nout = (size_t)d.batch * d.out_h * d.out_w * d.out_c;
    float *x = malloc(nin * sizeof *x), *bias = malloc(d.out_c * sizeof *bias);
    float *ws = malloc(d.out_c * sizeof *ws), *out = malloc(nout * sizeof *out);
    int8_t *w = malloc(nw);
    double *ref = malloc(nout * sizeof *ref), *tol = malloc(nout * sizeof *tol);
    /* post-ReLU-like inputs (zero point -128) in half the trials: a
     * padding that contributed anything but 0 would show */
    const int positive = trial % 2;
    for (size_t i = 0; i < nin; i++) x[i] = positive ? t_randf(0, 2) : t_randf(-1, 1);
    rand_weights(w, nw);
    for (int c = 0; c < d.out_c; c++) {
      ws[c] = t_randf(0.001f, 0.02f);
      bias[c] = t_randf(-1, 1);
    }
    const int asym = depthwise || trial % 3 != 0;
    void *scratch = malloc(oct_hybrid_scratch_bytes(d.batch, (int64_t)img));
    oct_hybrid_params h = {ws, asym};
    oct_act_f32 none = {-INFINITY, INFINITY};
    if (depthwise)
      oct_dwconv2d_hybrid_ref(&d, &none, &h, x, w, bias, out, scratch);
    else
      oct_conv2d_hybrid_ref(&d, &none, &h, x, w, bias, out, scratch);
    for (int b = 0; b < d.batch; b++) {
      float lo = 0, hi = 0, amax = 0;
      for (size_t i = 0; i < img; i++) {
        const float v = x[b * img + i];
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
        amax = fabsf(v) > amax ? fabsf(v) : amax;
      }
      const double s_in = asym ? (hi - lo) / 255.0 : amax / 127.0;
      for (int oy = 0; oy < d.out_h; oy++)
        for (int ox = 0; ox < d.out_w; ox++)
          for (int oc = 0; oc < d.out_c; oc++) {
            double acc = bias[oc], aw = 0;
            for (int ky = 0; ky < d.k_h; ky++)
              for (int kx = 0; kx < d.k_w; kx++) {
                const int iy = oy * d.stride_h - d.pad_h + ky * d.dil_h;
                const int ix = ox * d.stride_w - d.pad_w + kx * d.dil_w;
                if (iy < 0 || iy >= d.in_h || ix < 0 || ix >= d.in_w) continue;
                const float *xp = x + b * img + ((size_t)iy * d.in_w + ix) * d.in_c;
                if (depthwise) {
                  const double wv = (double)w[(ky * d.k_w + kx) * d.out_c + oc] * ws[oc];
                  acc += wv * xp[oc / d.depth_mult];
                  aw += fabs(wv);
                } else {
                  for (int ic = 0; ic < d.in_c; ic++) {
                    const double wv =
                        (double)w[((oc * d.k_h + ky) * d.k_w + kx) * d.in_c + ic] * ws[oc];
                    acc += wv * xp[ic];
                    aw += fabs(wv);
                  }
                }
              }
            const size_t o = (((size_t)b * d.out_h + oy) * d.out_w + ox) * d.out_c + oc;
            ref[o] = acc;
            tol[o] = aw * s_in * (asym ? 1.5 : 0.5) * 1.001 + 1e-5;
          }
    }
    check_close(depthwise ? "depthwise" : "conv", out, ref, tol, nout);
    free(x), free(bias), free(ws), free(out), free(w), free(ref), free(tol);
    free(scratch);
  }
}

#if defined(__x86_64__)
/* The AVX2 hybrid kernels give the reference's floats to the bit: conv
 * (1x1 direct, im2col with padding, strides, dilation, batch 2) and FC
 * (batch 1..3), symmetric and asymmetric, with and without bias, ReLU6,
 * one-signed, all-zero and NaN-holding rows, every tail length. */
static void test_x86_exact(void) {
  if (!(oct_cpu_features() & OCT_CPU_AVX2)) {
    printf("skip hybrid avx2: not supported by this CPU\n");
    return;
  }
  for (int trial = 0; trial < 300; trial++) {
    const int fc = trial % 3 == 0;
    oct_conv_dims d;
    memset(&d, 0, sizeof d);
    d.batch = t_randint(1, fc ? 3 : 2);
    d.depth_mult = 1;
    if (fc) {
      d.in_h = d.in_w = d.k_h = d.k_w = 1;
      d.in_c = t_randint(1, 300);
    } else {
      d.in_h = t_randint(1, 9);
      d.in_w = t_randint(1, 9);
      d.in_c = t_randint(1, 40);
      const int one = trial % 2 == 0;
      d.k_h = one ? 1 : t_randint(1, 3);
      d.k_w = one ? 1 : t_randint(1, 3);
      d.stride_h = one ? 1 : t_randint(1, 2);
      d.stride_w = one ? 1 : t_randint(1, 2);
      d.dil_h = one ? 1 : t_randint(1, 2);
      d.dil_w = 1;
      d.pad_h = one ? 0 : (d.k_h - 1) * d.dil_h / 2;
      d.pad_w = one ? 0 : (d.k_w - 1) / 2;
    }
    d.stride_h = d.stride_h ? d.stride_h : 1;
    d.stride_w = d.stride_w ? d.stride_w : 1;
    d.dil_h = d.dil_h ? d.dil_h : 1;
    d.dil_w = d.dil_w ? d.dil_w : 1;
    d.out_c = t_randint(1, 70);
    d.out_h = (d.in_h + 2 * d.pad_h - (d.k_h - 1) * d.dil_h - 1) / d.stride_h + 1;
    d.out_w = (d.in_w + 2 * d.pad_w - (d.k_w - 1) * d.dil_w - 1) / d.stride_w + 1;
    if (d.out_h < 1 || d.out_w < 1) continue;
    const int64_t img = (int64_t)d.in_h * d.in_w * d.in_c;
    const int64_t k = (int64_t)d.k_h * d.k_w * d.in_c;
    const size_t nin = (size_t)img * d.batch, nw = (size_t)d.out_c * (size_t)k;
    const size_t nout = (size_t)d.batch * d.out_h * d.out_w * d.out_c;
    float *x = malloc(nin * sizeof *x), *bias = malloc(d.out_c * sizeof *bias);
    float *ws = malloc(d.out_c * sizeof *ws);
    float *want = malloc(nout * sizeof *want), *got = malloc(nout * sizeof *got);
    int8_t *w = malloc(nw);
    const int kind = trial % 7;
    for (size_t i = 0; i < nin; i++)
      x[i] = kind == 1 ? 0.0f : kind == 2 ? t_randf(0, 3) : t_randf(-2, 2);
    if (kind == 3) x[t_randint(0, (int32_t)nin - 1)] = NAN;
    rand_weights(w, nw);
    for (int c = 0; c < d.out_c; c++) {
      ws[c] = t_randf(0.001f, 0.02f);
      bias[c] = t_randf(-1, 1);
    }
    const int asym = trial % 2;
    const float *b = trial % 5 == 4 ? NULL : bias;
    oct_hybrid_params h = {ws, asym};
    oct_act_f32 act = {-INFINITY, INFINITY};
    if (trial % 4 == 3) act.lo = 0, act.hi = 6;
    const size_t pb = (oct_x86_hybrid_plan_bytes((int32_t)k, d.out_c) + 63) / 64 * 64;
    void *mem = aligned_alloc(64, pb);
    memset(mem, 0, pb); /* arena persistent memory is zeroed */
    const int direct = fc || (d.k_h == 1 && d.k_w == 1 && d.stride_h == 1 &&
                              d.stride_w == 1 && d.pad_h == 0 && d.pad_w == 0);
    const void *plan = oct_x86_hybrid_plan_init(mem, (int32_t)k, d.out_c, w, direct);
    const int32_t rows = fc ? d.batch : d.batch;
    const int64_t len = fc ? d.in_c : img;
    void *s_ref = malloc(oct_hybrid_scratch_bytes(rows, len));
    void *s_x86 = aligned_alloc(64, (oct_x86_hybrid_scratch_bytes(plan, 1, len, 1) + 63) / 64 * 64);
    if (fc) {
      const oct_fc_dims fd = {d.batch, d.in_c, d.out_c};
      oct_fc_hybrid_ref(&fd, &act, &h, x, w, b, want, s_ref);
      oct_x86_fc_hybrid(&fd, &act, &h, x, (const int8_t *)plan, b, got, s_x86);
    } else {
      oct_conv2d_hybrid_ref(&d, &act, &h, x, w, b, want, s_ref);
      oct_x86_conv2d_hybrid(&d, &act, &h, x, (const int8_t *)plan, b, got, s_x86);
    }
    CHECK_MSG(!memcmp(want, got, nout * sizeof *got),
              "hybrid avx2 trial %d (%s, asym %d, kind %d) differs", trial,
              fc ? "fc" : "conv", asym, kind);
    free(x), free(bias), free(ws), free(want), free(got), free(w);
    free(mem), free(s_ref), free(s_x86);
  }
  /* Depthwise (multiplier 1): channels around the 16-lane blocks, 1x1 to
   * 5x5 windows hanging over every edge, strides, dilation, batch 2. */
  for (int trial = 0; trial < 200; trial++) {
    oct_conv_dims d;
    memset(&d, 0, sizeof d);
    d.batch = t_randint(1, 2);
    d.in_h = t_randint(1, 9);
    d.in_w = t_randint(1, 9);
    d.in_c = d.out_c = t_randint(1, 40);
    d.depth_mult = 1;
    d.k_h = t_randint(1, 5);
    d.k_w = t_randint(1, 5);
    d.stride_h = t_randint(1, 2);
    d.stride_w = t_randint(1, 2);
    d.dil_h = t_randint(1, 2);
    d.dil_w = t_randint(1, 2);
    d.pad_h = t_randint(0, (d.k_h - 1) * d.dil_h);
    d.pad_w = t_randint(0, (d.k_w - 1) * d.dil_w);
    d.out_h = (d.in_h + 2 * d.pad_h - (d.k_h - 1) * d.dil_h - 1) / d.stride_h + 1;
    d.out_w = (d.in_w + 2 * d.pad_w - (d.k_w - 1) * d.dil_w - 1) / d.stride_w + 1;
    if (d.out_h < 1 || d.out_w < 1 || d.in_h + 2 * d.pad_h < (d.k_h - 1) * d.dil_h + 1 ||
        d.in_w + 2 * d.pad_w < (d.k_w - 1) * d.dil_w + 1)
      continue;
    const int64_t img = (int64_t)d.in_h * d.in_w * d.in_c;
    const size_t nin = (size_t)img * d.batch, nw = (size_t)d.k_h * d.k_w * d.out_c;
    const size_t nout = (size_t)d.batch * d.out_h * d.out_w * d.out_c;
    float *x = malloc(nin * sizeof *x), *bias = malloc(d.out_c * sizeof *bias);
    float *ws = malloc(d.out_c * sizeof *ws);
    float *want = malloc(nout * sizeof *want), *got = malloc(nout * sizeof *got);
    int8_t *w = malloc(nw);
    const int kind = trial % 7;
    for (size_t i = 0; i < nin; i++)
      x[i] = kind == 1 ? 0.0f : kind == 2 ? t_randf(0, 3) : t_randf(-2, 2);
    if (kind == 3) x[t_randint(0, (int32_t)nin - 1)] = NAN;
    rand_weights(w, nw);
    for (int c = 0; c < d.out_c; c++) {
      ws[c] = t_randf(0.001f, 0.02f);
      bias[c] = t_randf(-1, 1);
    }
    const float *b = trial % 5 == 4 ? NULL : bias;
    oct_hybrid_params h = {ws, trial % 2};
    oct_act_f32 act = {-INFINITY, INFINITY};
    if (trial % 4 == 3) act.lo = 0, act.hi = 6;
    void *mem = aligned_alloc(64, (oct_x86_hybrid_dw_plan_bytes(&d) + 63) / 64 * 64);
    memset(mem, 0, (oct_x86_hybrid_dw_plan_bytes(&d) + 63) / 64 * 64);
    const void *plan = oct_x86_hybrid_dw_plan_init(mem, &d, w, ws);
    void *s_ref = malloc(oct_hybrid_scratch_bytes(d.batch, img));
    void *s_x86 = aligned_alloc(64, (oct_x86_hybrid_dw_scratch_bytes(plan, img) + 63) / 64 * 64);
    oct_dwconv2d_hybrid_ref(&d, &act, &h, x, w, b, want, s_ref);
    oct_x86_dwconv2d_hybrid(&d, &act, &h, x, (const int8_t *)plan, b, got, s_x86);
    CHECK_MSG(!memcmp(want, got, nout * sizeof *got),
              "hybrid dw avx2 trial %d (asym %d, kind %d, c %d, k %dx%d) differs",
              trial, trial % 2, kind, d.out_c, d.k_h, d.k_w);
    free(x), free(bias), free(ws), free(want), free(got), free(w);
    free(mem), free(s_ref), free(s_x86);
  }
  /* The quantizer alone at every length around the vector widths. */
  for (int n = 1; n < 70; n++) {
    float x[70];
    int8_t q1[70], q2[70];
    for (int asym = 0; asym < 2; asym++) {
      for (int i = 0; i < n; i++) x[i] = t_randf(-3, 5);
      float s1 = 0, s2 = 0;
      int32_t z1 = 0, z2 = 0;
      if (asym) oct_hybrid_quantize_asym(x, n, q1, &s1, &z1);
      else oct_hybrid_quantize_sym(x, n, q1, &s1);
      oct_x86_hybrid_quantize(x, n, asym, q2, &s2, &z2);
      CHECK_MSG(!memcmp(q1, q2, (size_t)n) && s1 == s2 && z1 == z2,
                "quantize n %d asym %d", n, asym);
    }
  }
  printf("hybrid avx2: bit-exact with the reference\n");
}
#endif

int main(void) {
  test_quantize_hand();
  test_fc_random(0);
  test_fc_random(1);
  test_conv_random(0);
  test_conv_random(1);
#if defined(__x86_64__)
  test_x86_exact();
#endif
  return test_finish("test_hybrid");
}
