/*
 * TRANSPOSE_CONV reference kernels: hand-computed cases (stride 2, VALID
 * and SAME-style cropping, bias), then random shapes against an oracle in
 * TFLite's own formulation: scatter every input pixel into a zeroed
 * accumulator, then requantize. The kernels gather instead; the integer
 * results must agree exactly.
 */
#include "kernels/ref/transpose_conv.h"

#include "conv_test_util.h"

static void oracle_scatter(const oct_conv_dims *d, const int32_t *x,
                           const int32_t *w, const int64_t *bias,
                           int64_t *acc) {
  const int no = d->batch * d->out_h * d->out_w * d->out_c;
  for (int i = 0; i < no; i++) acc[i] = 0;
  for (int b = 0; b < d->batch; b++)
    for (int iy = 0; iy < d->in_h; iy++)
      for (int ix = 0; ix < d->in_w; ix++)
        for (int ic = 0; ic < d->in_c; ic++)
          for (int ky = 0; ky < d->k_h; ky++)
            for (int kx = 0; kx < d->k_w; kx++)
              for (int oc = 0; oc < d->out_c; oc++) {
                int oy = iy * d->stride_h - d->pad_h + ky;
                int ox = ix * d->stride_w - d->pad_w + kx;
                if (oy < 0 || ox < 0 || oy >= d->out_h || ox >= d->out_w)
                  continue;
                acc[((b * d->out_h + oy) * d->out_w + ox) * d->out_c + oc] +=
                    (int64_t)
                        x[((b * d->in_h + iy) * d->in_w + ix) * d->in_c + ic] *
                    w[((oc * d->k_h + ky) * d->k_w + kx) * d->in_c + ic];
              }
  if (bias)
    for (int i = 0; i < no; i++) acc[i] += bias[i % d->out_c];
}

static void test_f32_hand(void) {
  /* 2x2 input 1..4, 3x3 ones, stride 2, no padding: output 5x5 where each
   * input pixel covers a 3x3 block at (2i, 2j); blocks overlap on row and
   * column 2. */
  const float x[4] = {1, 2, 3, 4};
  float w[9], out[25];
  for (int i = 0; i < 9; i++) w[i] = 1;
  oct_conv_dims d = {1, 2, 2, 1, 5, 5, 1, 3, 3, 2, 2, 1, 1, 0, 0, 1};
  oct_act_f32 none = {-INFINITY, INFINITY};
  oct_tconv2d_f32_ref(&d, &none, x, w, NULL, out, NULL);
  CHECK_NEAR(out[0 * 5 + 0], 1, 0);
  CHECK_NEAR(out[0 * 5 + 2], 3, 0);
  CHECK_NEAR(out[1 * 5 + 1], 1, 0);
  CHECK_NEAR(out[2 * 5 + 2], 10, 0);
  CHECK_NEAR(out[2 * 5 + 4], 6, 0);
  CHECK_NEAR(out[4 * 5 + 4], 4, 0);
  CHECK_NEAR(out[4 * 5 + 0], 3, 0);
  /* Output 4x4 (SAME for stride 2, TFLite padding 0): the same picture
   * cropped, plus bias 0.5. */
  const float bias[1] = {0.5f};
  float o4[16];
  oct_conv_dims d4 = {1, 2, 2, 1, 4, 4, 1, 3, 3, 2, 2, 1, 1, 0, 0, 1};
  oct_tconv2d_f32_ref(&d4, &none, x, w, bias, o4, NULL);
  CHECK_NEAR(o4[2 * 4 + 2], 10.5, 0);
  CHECK_NEAR(o4[3 * 4 + 3], 4.5, 0);
  CHECK_NEAR(o4[0], 1.5, 0);
  /* Leading padding 1 shifts the picture up-left by one. */
  oct_conv_dims dp = {1, 2, 2, 1, 4, 4, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1};
  oct_tconv2d_f32_ref(&dp, &none, x, w, NULL, o4, NULL);
  CHECK_NEAR(o4[1 * 4 + 1], 10, 0);
  CHECK_NEAR(o4[0], 1, 0);
  CHECK_NEAR(o4[3 * 4 + 3], 4, 0);
}

static void test_s16_hand(void) {
  /* 1x1 input 100 (two channels: 100, -50), 1x2 filter, stride 1, two
   * output channels: oc0 taps (1, 2) on ch0 and (3, 4) on ch1...
   * weights [oc][ky][kx][ic]. Output 1x2. */
  const int16_t x[2] = {100, -50};
  const int8_t w[8] = {1, 3, 2, 4, -1, 0, 5, 1};
  const int64_t bias[2] = {10, -10};
  int16_t out[4];
  int32_t mult[2] = {1 << 30, 1 << 30}, shift[2] = {1, 0};
  oct_requant q = {0, 0, 0, -32768, 32767, mult, shift, OCT_ROUND_AWAY};
  oct_conv_dims d = {1, 1, 1, 2, 1, 2, 2, 1, 2, 1, 1, 1, 1, 0, 0, 1};
  oct_tconv2d_s16_ref(&d, &q, x, w, bias, out, NULL);
  /* (0,0,oc0) = 100*1 + -50*3 + 10 = -40, x1.0 -> -40
   * (0,1,oc0) = 100*2 + -50*4 + 10 = 10 -> 10
   * (0,0,oc1) = -100 + 0 - 10 = -110, x0.5 -> -55
   * (0,1,oc1) = 500 - 50 - 10 = 440 -> 220 */
  CHECK_EQ_INT(out[0], -40);
  CHECK_EQ_INT(out[1], -55);
  CHECK_EQ_INT(out[2], 10);
  CHECK_EQ_INT(out[3], 220);
}

static void test_random(void) {
  for (int iter = 0; iter < 300; iter++) {
    oct_conv_dims d;
    memset(&d, 0, sizeof d);
    d.batch = t_randint(1, 2);
    d.in_h = t_randint(1, 6);
    d.in_w = t_randint(1, 6);
    d.in_c = t_randint(1, 4);
    d.out_c = t_randint(1, 5);
    d.k_h = t_randint(1, 4);
    d.k_w = t_randint(1, 4);
    d.stride_h = t_randint(1, 3);
    d.stride_w = t_randint(1, 3);
    d.dil_h = d.dil_w = d.depth_mult = 1;
    /* Output anywhere from cropped to larger than the input reaches. */
    d.out_h = t_randint(1, (d.in_h - 1) * d.stride_h + d.k_h + 2);
    d.out_w = t_randint(1, (d.in_w - 1) * d.stride_w + d.k_w + 2);
    d.pad_h = t_randint(0, d.k_h - 1);
    d.pad_w = t_randint(0, d.k_w - 1);
    const int nx = d.batch * d.in_h * d.in_w * d.in_c;
    const int nw = d.out_c * d.k_h * d.k_w * d.in_c;
    const int no = d.batch * d.out_h * d.out_w * d.out_c;
    int32_t *xi = malloc(sizeof(int32_t) * nx);
    int32_t *wi = malloc(sizeof(int32_t) * nw);
    int64_t *acc = malloc(sizeof(int64_t) * no);
    int64_t bias64[8];
    int32_t bias32[8];
    const int type = iter % 4;
    const int with_bias = t_randint(0, 3) != 0;
    int bad = 0;
    if (type == 0) {
      float *x = malloc(4 * nx), *w = malloc(4 * nw), *o = malloc(4 * no);
      float fb[8];
      for (int i = 0; i < nx; i++) x[i] = (float)(xi[i] = t_randint(-50, 50));
      for (int i = 0; i < nw; i++) w[i] = (float)(wi[i] = t_randint(-50, 50));
      for (int c = 0; c < d.out_c; c++)
        fb[c] = (float)(bias64[c] = t_randint(-99, 99));
      oct_act_f32 a = {-1000, 2000};
      oct_tconv2d_f32_ref(&d, &a, x, w, with_bias ? fb : NULL, o, NULL);
      oracle_scatter(&d, xi, wi, with_bias ? bias64 : NULL, acc);
      for (int i = 0; i < no; i++)
        bad += o[i] != t_clampf((float)acc[i], -1000, 2000);
      free(x), free(w), free(o);
    } else if (type == 1) {
      int8_t *x = malloc(nx), *w = malloc(nw), *o = malloc(no);
      const int32_t zx = t_randint(-128, 127), zo = t_randint(-30, 30);
      for (int i = 0; i < nx; i++) x[i] = (int8_t)t_randint(-128, 127);
      for (int i = 0; i < nw; i++) w[i] = (int8_t)t_randint(-127, 127);
      for (int c = 0; c < d.out_c; c++)
        bias64[c] = bias32[c] = t_randint(-4000, 4000);
      t_requant r;
      t_make_requant(&r, d.out_c, 1e-3, 0.03, zx, 0, zo, -128, 100);
      oct_tconv2d_s8_ref(&d, &r.q, x, w, with_bias ? bias32 : NULL, o, NULL);
      for (int i = 0; i < nx; i++) xi[i] = x[i] - zx;
      for (int i = 0; i < nw; i++) wi[i] = w[i];
      oracle_scatter(&d, xi, wi, with_bias ? bias64 : NULL, acc);
      for (int i = 0; i < no; i++)
        bad += o[i] != t_epilogue32(acc[i], &r.q, i % d.out_c);
      free(x), free(w), free(o);
    } else if (type == 2) {
      uint8_t *x = malloc(nx), *w = malloc(nw), *o = malloc(no);
      const int32_t zx = t_randint(0, 255), zw = t_randint(0, 255);
      for (int i = 0; i < nx; i++) x[i] = (uint8_t)t_randint(0, 255);
      for (int i = 0; i < nw; i++) w[i] = (uint8_t)t_randint(0, 255);
      for (int c = 0; c < d.out_c; c++)
        bias64[c] = bias32[c] = t_randint(-4000, 4000);
      t_requant r;
      t_make_requant(&r, 1, 1e-4, 0.01, zx, zw, 77, 0, 255);
      for (int c = 1; c < d.out_c; c++)
        r.mult[c] = r.mult[0], r.shift[c] = r.shift[0];
      oct_tconv2d_u8_ref(&d, &r.q, x, w, with_bias ? bias32 : NULL, o, NULL);
      for (int i = 0; i < nx; i++) xi[i] = x[i] - zx;
      for (int i = 0; i < nw; i++) wi[i] = w[i] - zw;
      oracle_scatter(&d, xi, wi, with_bias ? bias64 : NULL, acc);
      for (int i = 0; i < no; i++)
        bad += o[i] != t_epilogue32(acc[i], &r.q, i % d.out_c);
      free(x), free(w), free(o);
    } else {
      int16_t *x = malloc(2 * nx), *o = malloc(2 * no);
      int8_t *w = malloc(nw);
      for (int i = 0; i < nx; i++) x[i] = (int16_t)t_randint(-32768, 32767);
      for (int i = 0; i < nw; i++) w[i] = (int8_t)t_randint(-127, 127);
      for (int c = 0; c < d.out_c; c++)
        bias64[c] = t_randint(-(1 << 24), 1 << 24);
      t_requant r;
      t_make_requant(&r, d.out_c, 1e-6, 1e-2, 0, 0, 0, -32768, 32767);
      oct_tconv2d_s16_ref(&d, &r.q, x, w, with_bias ? bias64 : NULL, o, NULL);
      for (int i = 0; i < nx; i++) xi[i] = x[i];
      for (int i = 0; i < nw; i++) wi[i] = w[i];
      oracle_scatter(&d, xi, wi, with_bias ? bias64 : NULL, acc);
      for (int i = 0; i < no; i++)
        bad += o[i] != t_epilogue64(acc[i], &r.q, i % d.out_c);
      free(x), free(w), free(o);
    }
    CHECK_MSG(bad == 0,
              "iter %d type %d: %d of %d differ (in %dx%dx%dx%d k %dx%d "
              "s %d,%d pad %d,%d out %dx%dx%d)",
              iter, type, bad, no, d.batch, d.in_h, d.in_w, d.in_c, d.k_h,
              d.k_w, d.stride_h, d.stride_w, d.pad_h, d.pad_w, d.out_h, d.out_w,
              d.out_c);
    free(xi), free(wi), free(acc);
  }
}

int main(void) {
  test_f32_hand();
  test_s16_hand();
  test_random();
  return test_finish("test_transpose_conv");
}
