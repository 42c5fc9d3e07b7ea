/*
 * DEPTHWISE_CONV_2D reference kernels: hand-computed cases (depth
 * multiplier, padding, activation), then random shapes against an oracle
 * that pads the input explicitly, for float32, int8 (per-channel), uint8
 * and int16x8.
 */
#include "kernels/ref/depthwise_conv.h"

#include "conv_test_util.h"

/* Exact sums over an explicitly padded input (values already offset). */
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
          const int ic = oc / d->depth_mult;
          int64_t s = bias ? bias[oc] : 0;
          for (int ky = 0; ky < d->k_h; ky++)
            for (int kx = 0; kx < d->k_w; kx++) {
              int py = oy * d->stride_h + ky * d->dil_h;
              int px = ox * d->stride_w + kx * d->dil_w;
              s += (int64_t)xp[((b * ph + py) * pw + px) * d->in_c + ic] *
                   w[(ky * d->k_w + kx) * d->out_c + oc];
            }
          sums[((b * d->out_h + oy) * d->out_w + ox) * d->out_c + oc] = s;
        }
  free(xp);
}

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

static void test_f32_hand(void) {
  /* 2x2 input with 2 channels, depth multiplier 2 (4 output channels),
   * 3x3 filter, SAME (pad 1), stride 1. Channel 0 = 1..4, channel 1 =
   * 10..40. Filter: oc 0 sums all taps, oc 1 only the centre, oc 2 the
   * centre x2, oc 3 the top-left tap x-1. */
  const float x[8] = {1, 10, 2, 20, 3, 30, 4, 40};
  float w[9 * 4];
  memset(w, 0, sizeof w);
  for (int t = 0; t < 9; t++) w[t * 4 + 0] = 1;
  w[4 * 4 + 1] = 1;
  w[4 * 4 + 2] = 2;
  w[0 * 4 + 3] = -1;
  const float bias[4] = {0, 0.5f, 0, 0};
  float out[16];
  oct_conv_dims d = {1, 2, 2, 2, 2, 2, 4, 3, 3, 1, 1, 1, 1, 1, 1, 2};
  oct_act_f32 none = {-INFINITY, INFINITY};
  oct_dwconv2d_f32_ref(&d, &none, x, w, bias, out, NULL);
  for (int p = 0; p < 4; p++) {
    CHECK_NEAR(out[p * 4 + 0], 1 + 2 + 3 + 4, 0); /* every tap sees all */
    CHECK_NEAR(out[p * 4 + 1], x[p * 2] + 0.5f, 0);
    CHECK_NEAR(out[p * 4 + 2], 2 * x[p * 2 + 1], 0);
  }
  /* Top-left tap reads (y-1, x-1): only output (1,1) has it inside. */
  CHECK_NEAR(out[0 * 4 + 3], 0, 0);
  CHECK_NEAR(out[3 * 4 + 3], -10, 0);
  /* RELU_N1_TO_1 */
  oct_act_f32 r1 = {-1, 1};
  oct_dwconv2d_f32_ref(&d, &r1, x, w, bias, out, NULL);
  CHECK_NEAR(out[3 * 4 + 3], -1, 0);
  CHECK_NEAR(out[0], 1, 0);
}

static void test_s8_hand(void) {
  /* Per-channel: two channels with multipliers 0.5 and 0.25; input zp -1,
   * output zp 0. 1x1 filter. ch0: 2*(5+1) = 12 -> 6; ch1: 3*(6+1) = 21
   * -> 0.25 * 21 = 5.25, which TFLite rounds to 6 (double rounding). */
  const int8_t x[2] = {5, 6};
  const int8_t w[2] = {2, 3};
  int8_t out[2];
  int32_t mult[2] = {1 << 30, 1 << 30}, shift[2] = {0, -1};
  oct_requant q = {1, 0, 0, -128, 127, mult, shift, OCT_ROUND_AWAY};
  oct_conv_dims d = {1, 1, 1, 2, 1, 1, 2, 1, 1, 1, 1, 1, 1, 0, 0, 1};
  oct_dwconv2d_s8_ref(&d, &q, x, w, NULL, out, NULL);
  CHECK_EQ_INT(out[0], 6);
  CHECK_EQ_INT(out[1], 6);
}

static void test_random(void) {
  for (int iter = 0; iter < 300; iter++) {
    oct_conv_dims d;
    memset(&d, 0, sizeof d);
    d.batch = t_randint(1, 2);
    d.in_h = t_randint(1, 9);
    d.in_w = t_randint(1, 9);
    d.in_c = t_randint(1, 4);
    d.depth_mult = t_randint(1, 3);
    d.out_c = d.in_c * d.depth_mult;
    d.k_h = t_randint(1, 3);
    d.k_w = t_randint(1, 4);
    d.stride_h = t_randint(1, 3);
    d.stride_w = t_randint(1, 2);
    d.dil_h = t_randint(1, 3);
    d.dil_w = t_randint(1, 2);
    int same = t_randint(0, 1);
    if ((d.k_h - 1) * d.dil_h + 1 > d.in_h ||
        (d.k_w - 1) * d.dil_w + 1 > d.in_w)
      same = 1;
    set_geometry(&d, same);
    const int nx = d.batch * d.in_h * d.in_w * d.in_c;
    const int nw = d.k_h * d.k_w * d.out_c;
    const int no = d.batch * d.out_h * d.out_w * d.out_c;
    int32_t *xi = malloc(sizeof(int32_t) * nx);
    int32_t *wi = malloc(sizeof(int32_t) * nw);
    int64_t *sums = malloc(sizeof(int64_t) * no);
    int64_t bias64[16];
    int32_t bias32[16];
    const int type = iter % 4;
    const int with_bias = t_randint(0, 3) != 0;
    int bad = 0;
    if (type == 0) {
      float *x = malloc(sizeof(float) * nx), *w = malloc(sizeof(float) * nw);
      float *o = malloc(sizeof(float) * no), fb[16];
      for (int i = 0; i < nx; i++) x[i] = t_randf(-1, 1);
      for (int i = 0; i < nw; i++) w[i] = t_randf(-1, 1);
      for (int i = 0; i < d.out_c; i++) fb[i] = t_randf(-1, 1);
      /* The float oracle reuses the integer one on values scaled to
       * integers exactly representable in float sums. */
      for (int i = 0; i < nx; i++) x[i] = (float)(int)(x[i] * 64);
      for (int i = 0; i < nw; i++) w[i] = (float)(int)(w[i] * 64);
      for (int i = 0; i < d.out_c; i++) fb[i] = (float)(int)(fb[i] * 64);
      oct_act_f32 a = {-INFINITY, 3000.0f};
      oct_dwconv2d_f32_ref(&d, &a, x, w, with_bias ? fb : NULL, o, NULL);
      for (int i = 0; i < nx; i++) xi[i] = (int32_t)x[i];
      for (int i = 0; i < nw; i++) wi[i] = (int32_t)w[i];
      for (int i = 0; i < d.out_c; i++) bias64[i] = (int64_t)fb[i];
      oracle_sums(&d, xi, wi, with_bias ? bias64 : NULL, sums);
      for (int i = 0; i < no; i++)
        bad += o[i] != t_clampf((float)sums[i], -INFINITY, 3000.0f);
      free(x), free(w), free(o);
    } else if (type == 1) {
      int8_t *x = malloc(nx), *w = malloc(nw), *o = malloc(no);
      const int32_t zp_in = t_randint(-128, 127), zp_out = t_randint(-9, 9);
      for (int i = 0; i < nx; i++) x[i] = (int8_t)t_randint(-128, 127);
      for (int i = 0; i < nw; i++) w[i] = (int8_t)t_randint(-127, 127);
      for (int i = 0; i < d.out_c; i++)
        bias64[i] = bias32[i] = t_randint(-3000, 3000);
      t_requant r;
      t_make_requant(&r, d.out_c, 1e-3, 0.05, zp_in, 0, zp_out, -128, 127);
      oct_dwconv2d_s8_ref(&d, &r.q, x, w, with_bias ? bias32 : NULL, o, NULL);
      for (int i = 0; i < nx; i++) xi[i] = x[i] - zp_in;
      for (int i = 0; i < nw; i++) wi[i] = w[i];
      oracle_sums(&d, xi, wi, with_bias ? bias64 : NULL, sums);
      for (int i = 0; i < no; i++)
        bad += o[i] != t_epilogue32(sums[i], &r.q, i % d.out_c);
      free(x), free(w), free(o);
    } else if (type == 2) {
      uint8_t *x = malloc(nx), *w = malloc(nw), *o = malloc(no);
      const int32_t zp_in = t_randint(0, 255), zp_w = t_randint(0, 255);
      for (int i = 0; i < nx; i++) x[i] = (uint8_t)t_randint(0, 255);
      for (int i = 0; i < nw; i++) w[i] = (uint8_t)t_randint(0, 255);
      for (int i = 0; i < d.out_c; i++)
        bias64[i] = bias32[i] = t_randint(-3000, 3000);
      t_requant r;
      t_make_requant(&r, 1, 1e-3, 0.02, zp_in, zp_w, 128, 10, 250);
      for (int c = 1; c < d.out_c; c++)
        r.mult[c] = r.mult[0], r.shift[c] = r.shift[0];
      oct_dwconv2d_u8_ref(&d, &r.q, x, w, with_bias ? bias32 : NULL, o, NULL);
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
        bias64[i] = t_randint(-(1 << 24), 1 << 24);
      t_requant r;
      t_make_requant(&r, d.out_c, 1e-6, 1e-2, 0, 0, 0, -32768, 32767);
      oct_dwconv2d_s16_ref(&d, &r.q, x, w, with_bias ? bias64 : NULL, o, NULL);
      for (int i = 0; i < nx; i++) xi[i] = x[i];
      for (int i = 0; i < nw; i++) wi[i] = w[i];
      oracle_sums(&d, xi, wi, with_bias ? bias64 : NULL, sums);
      for (int i = 0; i < no; i++)
        bad += o[i] != t_epilogue64(sums[i], &r.q, i % d.out_c);
      free(x), free(w), free(o);
    }
    CHECK_MSG(bad == 0,
              "iter %d type %d: %d of %d differ (in %dx%dx%dx%d dm %d k %dx%d "
              "s %d,%d dil %d,%d pad %d,%d)",
              iter, type, bad, no, d.batch, d.in_h, d.in_w, d.in_c,
              d.depth_mult, d.k_h, d.k_w, d.stride_h, d.stride_w, d.dil_h,
              d.dil_w, d.pad_h, d.pad_w);
    free(xi), free(wi), free(sums);
  }
}

int main(void) {
  test_f32_hand();
  test_s8_hand();
  test_random();
  return test_finish("test_depthwise_conv");
}
