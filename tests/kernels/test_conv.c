/*
 * CONV_2D reference kernels: hand-computed cases (padding, stride,
 * dilation, activations, TFLite's double rounding), then random shapes
 * against an oracle that pads the input explicitly instead of skipping
 * taps, for float32, int8 (per-channel), uint8 (weight offset) and int16x8
 * (int64 bias).
 */
#include "kernels/ref/conv.h"

#include "conv_test_util.h"

/* ---- oracle: explicit padding, exact integer sums ---- */

/* Sums over a zero-padded copy of `x` (values already offset, so padding
 * with 0 is padding with the zero point). */
static void oracle_sums(const oct_conv_dims *d, const int32_t *x,
                        const int32_t *w, const int64_t *bias, int64_t *sums) {
  const int ph = d->out_h * d->stride_h + d->k_h * d->dil_h + d->in_h;
  const int pw = d->out_w * d->stride_w + d->k_w * d->dil_w + d->in_w;
  int32_t *xp = calloc((size_t)d->batch * ph * pw * d->in_c, sizeof *xp);
  for (int b = 0; b < d->batch; b++)
    for (int y = 0; y < d->in_h; y++)
      for (int xx = 0; xx < d->in_w; xx++)
        for (int c = 0; c < d->in_c; c++)
          xp[((b * ph + y + d->pad_h) * pw + xx + d->pad_w) * d->in_c + c] =
              x[((b * d->in_h + y) * d->in_w + xx) * d->in_c + c];
  for (int b = 0; b < d->batch; b++)
    for (int oy = 0; oy < d->out_h; oy++)
      for (int ox = 0; ox < d->out_w; ox++)
        for (int oc = 0; oc < d->out_c; oc++) {
          int64_t s = bias ? bias[oc] : 0;
          for (int ky = 0; ky < d->k_h; ky++)
            for (int kx = 0; kx < d->k_w; kx++)
              for (int ic = 0; ic < d->in_c; ic++) {
                int py = oy * d->stride_h + ky * d->dil_h;
                int px = ox * d->stride_w + kx * d->dil_w;
                s += (int64_t)xp[((b * ph + py) * pw + px) * d->in_c + ic] *
                     w[((oc * d->k_h + ky) * d->k_w + kx) * d->in_c + ic];
              }
          sums[((b * d->out_h + oy) * d->out_w + ox) * d->out_c + oc] = s;
        }
  free(xp);
}

static void oracle_f32(const oct_conv_dims *d, const float *x, const float *w,
                       const float *bias, double *out) {
  for (int b = 0; b < d->batch; b++)
    for (int oy = 0; oy < d->out_h; oy++)
      for (int ox = 0; ox < d->out_w; ox++)
        for (int oc = 0; oc < d->out_c; oc++) {
          double s = bias ? bias[oc] : 0.0;
          for (int ky = 0; ky < d->k_h; ky++)
            for (int kx = 0; kx < d->k_w; kx++) {
              int iy = oy * d->stride_h - d->pad_h + ky * d->dil_h;
              int ix = ox * d->stride_w - d->pad_w + kx * d->dil_w;
              if (iy < 0 || ix < 0 || iy >= d->in_h || ix >= d->in_w) continue;
              for (int ic = 0; ic < d->in_c; ic++)
                s += (double)
                         x[((b * d->in_h + iy) * d->in_w + ix) * d->in_c + ic] *
                     w[((oc * d->k_h + ky) * d->k_w + kx) * d->in_c + ic];
            }
          out[((b * d->out_h + oy) * d->out_w + ox) * d->out_c + oc] = s;
        }
}

/* TFLite's ComputeOutSize / ComputePaddingWithOffset, for test setup. */
static void set_geometry(oct_conv_dims *d, int same) {
  int eh = (d->k_h - 1) * d->dil_h + 1, ew = (d->k_w - 1) * d->dil_w + 1;
  if (same) {
    d->out_h = (d->in_h + d->stride_h - 1) / d->stride_h;
    d->out_w = (d->in_w + d->stride_w - 1) / d->stride_w;
  } else {
    d->out_h = (d->in_h - eh + d->stride_h) / d->stride_h;
    d->out_w = (d->in_w - ew + d->stride_w) / d->stride_w;
  }
  int th = (d->out_h - 1) * d->stride_h + eh - d->in_h;
  int tw = (d->out_w - 1) * d->stride_w + ew - d->in_w;
  d->pad_h = th > 0 ? th / 2 : 0;
  d->pad_w = tw > 0 ? tw / 2 : 0;
}

/* ---- hand-computed cases ---- */

static void test_quant_math_hand(void) {
  /* 0.25 is q = 2^30, shift -1. TFLite rounds twice: 21 * 0.5 = 10.5 ->
   * 11 (SaturatingRoundingDoublingHighMul), then 11 / 2 = 5.5 -> 6
   * (RoundingDivideByPOT, half away from zero), although 21 / 4 = 5.25. */
  CHECK_EQ_INT(oct_mbqm(21, 1 << 30, -1), 6);
  CHECK_EQ_INT(oct_mbqm(-21, 1 << 30, -1), -5);
  CHECK_EQ_INT(oct_mbqm(20, 1 << 30, 0), 10);
  CHECK_EQ_INT(oct_mbqm(21, 1 << 30, 0), 11);   /* 10.5 rounds up */
  CHECK_EQ_INT(oct_mbqm(-21, 1 << 30, 0), -10); /* -10.5 rounds up too */
  CHECK_EQ_INT(oct_mbqm(3, 1 << 30, 2), 6);     /* 0.5 * 4 */
  /* -22 * 0.25: the high multiply gives -11 exactly, then -5.5 is a tie:
   * TFLite's reference rounds it to -6, ruy's x86 GEMM (CONV_2D,
   * FULLY_CONNECTED in TFLite 2.9) to -5. */
  CHECK_EQ_INT(oct_mbqm(-22, 1 << 30, -1), -6);
  CHECK_EQ_INT(oct_mbqm_round_up(-22, 1 << 30, -1), -5);
  CHECK_EQ_INT(oct_mbqm_round_up(22, 1 << 30, -1), 6);
  CHECK_EQ_INT(oct_mbqm_round_up(-21, 1 << 30, -1), -5);
  /* -23 * 0.5 = -11.5 rounds up to -11 first, so -5.75 ends at -5. */
  CHECK_EQ_INT(oct_mbqm_round_up(-23, 1 << 30, -1), -5);
  CHECK_EQ_INT(oct_mbqm_round_up(-24, 1 << 30, -1), -6);
  CHECK_EQ_INT(oct_mbqm_round_up(3, 1 << 30, 2), 6);
  /* 16x8: the multiplier is first rounded to 16 bits, then one rounding
   * shift: 21 * 0.25 = 5.25 -> 5; 22 * 0.25 = 5.5 -> 6; -22 -> -5. */
  CHECK_EQ_INT(oct_mbqm64(21, 1 << 30, -1), 5);
  CHECK_EQ_INT(oct_mbqm64(22, 1 << 30, -1), 6);
  CHECK_EQ_INT(oct_mbqm64(-22, 1 << 30, -1), -5);
  CHECK_EQ_INT(oct_mbqm64((int64_t)1 << 40, 1 << 30, -20), 1 << 19);
  int32_t q;
  int e;
  oct_quantize_multiplier(0.25, &q, &e);
  CHECK_EQ_INT(q, 1 << 30);
  CHECK_EQ_INT(e, -1);
  oct_quantize_multiplier(1.0, &q, &e);
  CHECK_EQ_INT(q, 1 << 30);
  CHECK_EQ_INT(e, 1);
}

static void test_f32_hand(void) {
  /* 3x3 input 1..9, 2x2 filter [[1,0],[0,1]], VALID, bias 1. */
  const float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const float w[4] = {1, 0, 0, 1};
  const float bias[1] = {1};
  float out[4];
  oct_conv_dims d = {1, 3, 3, 1, 2, 2, 1, 2, 2, 1, 1, 1, 1, 0, 0, 1};
  oct_act_f32 none = {-INFINITY, INFINITY}, relu6 = {0, 6};
  oct_conv2d_f32_ref(&d, &none, x, w, bias, out, NULL);
  CHECK_NEAR(out[0], 7, 0);
  CHECK_NEAR(out[1], 9, 0);
  CHECK_NEAR(out[2], 13, 0);
  CHECK_NEAR(out[3], 15, 0);
  oct_conv2d_f32_ref(&d, &relu6, x, w, bias, out, NULL);
  CHECK_NEAR(out[0], 6, 0);
  CHECK_NEAR(out[3], 6, 0);

  /* 4x4 input 1..16, 3x3 ones, SAME, stride 2: out 2x2, padding total 1
   * goes to the bottom/right (pad_h = pad_w = 0). */
  float x4[16], w9[9], o4[4];
  for (int i = 0; i < 16; i++) x4[i] = (float)(i + 1);
  for (int i = 0; i < 9; i++) w9[i] = 1;
  oct_conv_dims d2 = {1, 4, 4, 1, 2, 2, 1, 3, 3, 2, 2, 1, 1, 0, 0, 1};
  oct_conv2d_f32_ref(&d2, &none, x4, w9, NULL, o4, NULL);
  CHECK_NEAR(o4[0], 1 + 2 + 3 + 5 + 6 + 7 + 9 + 10 + 11, 0);
  CHECK_NEAR(o4[1], 3 + 4 + 7 + 8 + 11 + 12, 0);
  CHECK_NEAR(o4[2], 9 + 10 + 11 + 13 + 14 + 15, 0);
  CHECK_NEAR(o4[3], 11 + 12 + 15 + 16, 0);

  /* Dilation 2, 2x2 filter on 3x3: taps at (0,0),(0,2),(2,0),(2,2), with
   * two output channels (weights OHWI). */
  const float wd[8] = {1, 1, 1, 1, 1, -1, 0, 2};
  float od[2];
  oct_conv_dims d3 = {1, 3, 3, 1, 1, 1, 2, 2, 2, 1, 1, 2, 2, 0, 0, 1};
  oct_conv2d_f32_ref(&d3, &none, x, wd, NULL, od, NULL);
  CHECK_NEAR(od[0], 1 + 3 + 7 + 9, 0);
  CHECK_NEAR(od[1], 1 - 3 + 0 + 18, 0);
}

static void test_s8_hand(void) {
  /* One output: sum = 2*(10-(-3)) + (-1)*(4-(-3)) = 26 - 7 = 19, bias 2
   * -> 21; multiplier 0.25 -> 6 (TFLite's double rounding), + zp 5 = 11. */
  const int8_t x[2] = {10, 4};
  const int8_t w[2] = {2, -1};
  const int32_t bias[1] = {2};
  int8_t out[1];
  int32_t mult[1] = {1 << 30}, shift[1] = {-1};
  oct_requant q = {3, 0, 5, -128, 127, mult, shift, OCT_ROUND_AWAY};
  oct_conv_dims d = {1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1};
  oct_conv2d_s8_ref(&d, &q, x, w, bias, out, NULL);
  CHECK_EQ_INT(out[0], 11);
  /* A negative tie: 19 - 41 = -22 -> x0.25 = -5.5 -> -6 (away) or -5
   * (up), + zp 5. */
  const int32_t tie_bias[1] = {-41};
  oct_conv2d_s8_ref(&d, &q, x, w, tie_bias, out, NULL);
  CHECK_EQ_INT(out[0], -1);
  q.rounding = OCT_ROUND_UP;
  oct_conv2d_s8_ref(&d, &q, x, w, tie_bias, out, NULL);
  CHECK_EQ_INT(out[0], 0);
  /* RELU with output zp 5: the clamp floor is the zero point. */
  const int32_t neg_bias[1] = {-100};
  q.act_min = 5;
  oct_conv2d_s8_ref(&d, &q, x, w, neg_bias, out, NULL);
  CHECK_EQ_INT(out[0], 5);
  /* Saturation at the type's top. */
  const int32_t big_bias[1] = {100000};
  q.act_min = -128;
  oct_conv2d_s8_ref(&d, &q, x, w, big_bias, out, NULL);
  CHECK_EQ_INT(out[0], 127);
}

static void test_u8_hand(void) {
  /* uint8 subtracts both zero points: (200-128)*(130-128) +
   * (100-128)*(120-128) = 144 + 224 = 368, bias -8 -> 360; x 0.5 = 180,
   * + zp 10 = 190. */
  const uint8_t x[2] = {200, 100};
  const uint8_t w[2] = {130, 120};
  const int32_t bias[1] = {-8};
  uint8_t out[1];
  int32_t mult[1] = {1 << 30}, shift[1] = {0};
  oct_requant q = {-128, -128, 10, 0, 255, mult, shift, OCT_ROUND_UP};
  oct_conv_dims d = {1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1};
  oct_conv2d_u8_ref(&d, &q, x, w, bias, out, NULL);
  CHECK_EQ_INT(out[0], 190);
}

static void test_s16_hand(void) {
  /* 16x8: 30000*100 + (-20000)*(-50) = 4e6, bias 2^40 -> shift 2^-20:
   * (2^40 + 4e6) / 2^20 = 1048576 + 3.81 -> saturates the int16 range. */
  const int16_t x[2] = {30000, -20000};
  const int8_t w[2] = {100, -50};
  const int64_t bias[1] = {(int64_t)1 << 40};
  int16_t out[1];
  int32_t mult[1] = {1 << 30}, shift[1] = {-19};
  oct_requant q = {0, 0, 0, -32768, 32767, mult, shift, OCT_ROUND_AWAY};
  oct_conv_dims d = {1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1};
  oct_conv2d_s16_ref(&d, &q, x, w, bias, out, NULL);
  CHECK_EQ_INT(out[0], 32767);
  /* Without bias: 4e6 * 2^-20 = 3.8147 -> 4. */
  oct_conv2d_s16_ref(&d, &q, x, w, NULL, out, NULL);
  CHECK_EQ_INT(out[0], 4);
  /* A hostile bias near INT64_MAX stays defined: the sum wraps (two's
   * complement) to a huge negative value, which saturates. */
  const int64_t huge[1] = {INT64_MAX};
  oct_conv2d_s16_ref(&d, &q, x, w, huge, out, NULL);
  CHECK_EQ_INT(out[0], -32768);
}

/* ---- random shapes against the oracle ---- */

static void random_dims(oct_conv_dims *d) {
  memset(d, 0, sizeof *d);
  d->batch = t_randint(1, 2);
  d->in_h = t_randint(1, 9);
  d->in_w = t_randint(1, 9);
  d->in_c = t_randint(1, 5);
  d->out_c = t_randint(1, 6);
  d->k_h = t_randint(1, 3);
  d->k_w = t_randint(1, 4);
  d->stride_h = t_randint(1, 3);
  d->stride_w = t_randint(1, 3);
  d->dil_h = t_randint(1, 2);
  d->dil_w = t_randint(1, 3);
  d->depth_mult = 1;
  int same = t_randint(0, 1);
  if ((d->k_h - 1) * d->dil_h + 1 > d->in_h ||
      (d->k_w - 1) * d->dil_w + 1 > d->in_w)
    same = 1;
  set_geometry(d, same);
}

static void test_random(void) {
  for (int iter = 0; iter < 300; iter++) {
    oct_conv_dims d;
    random_dims(&d);
    const int nx = d.batch * d.in_h * d.in_w * d.in_c;
    const int nw = d.out_c * d.k_h * d.k_w * d.in_c;
    const int no = d.batch * d.out_h * d.out_w * d.out_c;
    int32_t *xi = malloc(sizeof(int32_t) * nx);
    int32_t *wi = malloc(sizeof(int32_t) * nw);
    int64_t *sums = malloc(sizeof(int64_t) * no);
    int64_t bias64[8];
    int32_t bias32[8];
    const int type = iter % 4; /* f32, s8, u8, s16 */
    const int with_bias = t_randint(0, 3) != 0;
    int bad = 0;
    if (type == 0) {
      float *x = malloc(sizeof(float) * nx), *w = malloc(sizeof(float) * nw);
      float *o = malloc(sizeof(float) * no), fb[8];
      double *ref = malloc(sizeof(double) * no);
      for (int i = 0; i < nx; i++) x[i] = t_randf(-1, 1);
      for (int i = 0; i < nw; i++) w[i] = t_randf(-1, 1);
      for (int i = 0; i < d.out_c; i++) fb[i] = t_randf(-1, 1);
      oct_act_f32 a = {-0.5f, INFINITY};
      oct_conv2d_f32_ref(&d, &a, x, w, with_bias ? fb : NULL, o, NULL);
      oracle_f32(&d, x, w, with_bias ? fb : NULL, ref);
      for (int i = 0; i < no; i++)
        bad += fabs(o[i] - t_clampf((float)ref[i], -0.5f, INFINITY)) > 1e-5;
      free(x), free(w), free(o), free(ref);
    } else if (type == 1) {
      int8_t *x = malloc(nx), *w = malloc(nw), *o = malloc(no);
      const int32_t zp_in = t_randint(-128, 127), zp_out = t_randint(-20, 20);
      for (int i = 0; i < nx; i++) x[i] = (int8_t)t_randint(-128, 127);
      for (int i = 0; i < nw; i++) w[i] = (int8_t)t_randint(-127, 127);
      for (int i = 0; i < d.out_c; i++)
        bias64[i] = bias32[i] = t_randint(-5000, 5000);
      t_requant r;
      t_make_requant(&r, d.out_c, 1e-4, 0.02, zp_in, 0, zp_out, -100, 120);
      oct_conv2d_s8_ref(&d, &r.q, x, w, with_bias ? bias32 : NULL, o, NULL);
      for (int i = 0; i < nx; i++) xi[i] = x[i] - zp_in;
      for (int i = 0; i < nw; i++) wi[i] = w[i];
      oracle_sums(&d, xi, wi, with_bias ? bias64 : NULL, sums);
      for (int i = 0; i < no; i++)
        bad += o[i] != t_epilogue32(sums[i], &r.q, i % d.out_c);
      free(x), free(w), free(o);
    } else if (type == 2) {
      uint8_t *x = malloc(nx), *w = malloc(nw), *o = malloc(no);
      const int32_t zp_in = t_randint(0, 255), zp_w = t_randint(0, 255);
      const int32_t zp_out = t_randint(0, 255);
      for (int i = 0; i < nx; i++) x[i] = (uint8_t)t_randint(0, 255);
      for (int i = 0; i < nw; i++) w[i] = (uint8_t)t_randint(0, 255);
      for (int i = 0; i < d.out_c; i++)
        bias64[i] = bias32[i] = t_randint(-5000, 5000);
      t_requant r;
      t_make_requant(&r, 1, 1e-4, 0.01, zp_in, zp_w, zp_out, 0, 255);
      for (int c = 1; c < d.out_c; c++)
        r.mult[c] = r.mult[0], r.shift[c] = r.shift[0];
      oct_conv2d_u8_ref(&d, &r.q, x, w, with_bias ? bias32 : NULL, o, NULL);
      for (int i = 0; i < nx; i++) xi[i] = x[i] - zp_in;
      for (int i = 0; i < nw; i++) wi[i] = w[i] - zp_w;
      oracle_sums(&d, xi, wi, with_bias ? bias64 : NULL, sums);
      for (int i = 0; i < no; i++)
        bad += o[i] != t_epilogue32(sums[i], &r.q, i % d.out_c);
      free(x), free(w), free(o);
    } else {
      int16_t *x = malloc(2 * nx), *o = malloc(2 * no);
      int8_t *w = malloc(nw);
      for (int i = 0; i < nx; i++) x[i] = (int16_t)t_randint(-32768, 32767);
      for (int i = 0; i < nw; i++) w[i] = (int8_t)t_randint(-127, 127);
      for (int i = 0; i < d.out_c; i++)
        bias64[i] = (int64_t)t_randint(-(1 << 24), 1 << 24);
      t_requant r;
      t_make_requant(&r, d.out_c, 1e-7, 1e-3, 0, 0, 0, -32768, 32767);
      oct_conv2d_s16_ref(&d, &r.q, x, w, with_bias ? bias64 : NULL, o, NULL);
      for (int i = 0; i < nx; i++) xi[i] = x[i];
      for (int i = 0; i < nw; i++) wi[i] = w[i];
      oracle_sums(&d, xi, wi, with_bias ? bias64 : NULL, sums);
      for (int i = 0; i < no; i++)
        bad += o[i] != t_epilogue64(sums[i], &r.q, i % d.out_c);
      free(x), free(w), free(o);
    }
    CHECK_MSG(bad == 0,
              "iter %d type %d: %d of %d differ (in %dx%dx%dx%d k %dx%d "
              "s %d,%d dil %d,%d pad %d,%d out_c %d)",
              iter, type, bad, no, d.batch, d.in_h, d.in_w, d.in_c, d.k_h,
              d.k_w, d.stride_h, d.stride_w, d.dil_h, d.dil_w, d.pad_h, d.pad_w,
              d.out_c);
    free(xi), free(wi), free(sums);
  }
}

int main(void) {
  test_quant_math_hand();
  test_f32_hand();
  test_s8_hand();
  test_u8_hand();
  test_s16_hand();
  test_random();
  return test_finish("test_conv");
}
