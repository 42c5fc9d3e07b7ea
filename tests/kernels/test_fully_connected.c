/*
 * FULLY_CONNECTED reference kernels: hand-computed cases for every type
 * (weight offsets, per-channel multipliers, activations, no bias), then
 * random sizes against a longhand oracle.
 */
#include "kernels/ref/fully_connected.h"

#include "conv_test_util.h"

static void test_f32_hand(void) {
  /* 2 rows of depth 3, 2 units. */
  const float x[6] = {1, 2, 3, -1, 0, 1};
  const float w[6] = {1, 1, 1, 0.5f, -1, 2};
  const float bias[2] = {0.25f, -1};
  float out[4];
  oct_fc_dims d = {2, 3, 2};
  oct_act_f32 none = {-INFINITY, INFINITY}, relu = {0, INFINITY};
  oct_fc_f32_ref(&d, &none, x, w, bias, out, NULL);
  CHECK_NEAR(out[0], 6.25, 0);
  CHECK_NEAR(out[1], 0.5 - 2 + 6 - 1, 0);
  CHECK_NEAR(out[2], 0.25, 0);
  CHECK_NEAR(out[3], -0.5 + 2 - 1, 0);
  oct_fc_f32_ref(&d, &relu, x, w, NULL, out, NULL);
  CHECK_NEAR(out[0], 6, 0);
  CHECK_NEAR(out[2], 0, 0);
}

static void test_s8_hand(void) {
  /* FULLY_CONNECTED applies the int8 weight zero point (here 2):
   * (5-2)*(10+1) + (0-2)*(-3+1) = 33 + 4 = 37, bias 3 -> 40; unit 1:
   * (-1-2)*11 + (4-2)*(-2) = -33 - 4 = -37, bias -3 -> -40.
   * Per-channel multipliers 0.5 and 0.25: 20 and -10; output zp -5. */
  const int8_t x[2] = {10, -3};
  const int8_t w[4] = {5, 0, -1, 4};
  const int32_t bias[2] = {3, -3};
  int8_t out[2];
  int32_t mult[2] = {1 << 30, 1 << 30}, shift[2] = {0, -1};
  oct_requant q = {1, -2, -5, -128, 127, mult, shift, OCT_ROUND_AWAY};
  oct_fc_dims d = {1, 2, 2};
  oct_fc_s8_ref(&d, &q, x, w, bias, out, NULL);
  CHECK_EQ_INT(out[0], 15);
  CHECK_EQ_INT(out[1], -15);
  /* RELU6-like clamp window [-5, 10]. */
  q.act_min = -5;
  q.act_max = 10;
  oct_fc_s8_ref(&d, &q, x, w, bias, out, NULL);
  CHECK_EQ_INT(out[0], 10);
  CHECK_EQ_INT(out[1], -5);
}

static void test_u8_hand(void) {
  /* hello-world-like uint8: x zp 128, w zp 120, out zp 100, M = 1/8
   * (q 2^30, shift -2): (130-128)*(124-120) + (120-128)*(110-120) = 8 + 80
   * = 88, no bias -> 11 + 100 = 111. */
  const uint8_t x[2] = {130, 120};
  const uint8_t w[2] = {124, 110};
  uint8_t out[1];
  int32_t mult[1] = {1 << 30}, shift[1] = {-2};
  oct_requant q = {-128, -120, 100, 0, 255, mult, shift, OCT_ROUND_AWAY};
  oct_fc_dims d = {1, 2, 1};
  oct_fc_u8_ref(&d, &q, x, w, NULL, out, NULL);
  CHECK_EQ_INT(out[0], 111);
}

static void test_s16_hand(void) {
  /* 16x8 with int64 bias: 1000*3 + (-2000)*(-4) = 11000, bias -1000 ->
   * 10000; M = 0.5 (q 2^30, shift 0): 5000. */
  const int16_t x[2] = {1000, -2000};
  const int8_t w[2] = {3, -4};
  const int64_t bias[1] = {-1000};
  int16_t out[1];
  int32_t mult[1] = {1 << 30}, shift[1] = {0};
  oct_requant q = {0, 0, 0, -32768, 32767, mult, shift, OCT_ROUND_AWAY};
  oct_fc_dims d = {1, 2, 1};
  oct_fc_s16_ref(&d, &q, x, w, bias, out, NULL);
  CHECK_EQ_INT(out[0], 5000);
}

static void test_random(void) {
  for (int iter = 0; iter < 200; iter++) {
    oct_fc_dims d = {t_randint(1, 4), t_randint(1, 70), t_randint(1, 20)};
    const int nx = d.batch * d.depth, nw = d.out_c * d.depth;
    const int no = d.batch * d.out_c;
    const int type = iter % 4;
    const int with_bias = t_randint(0, 2) != 0;
    int32_t bias32[20];
    int64_t bias64[20];
    int bad = 0;
    for (int c = 0; c < d.out_c; c++)
      bias64[c] = bias32[c] = t_randint(-20000, 20000);
    if (type == 0) {
      float *x = malloc(4 * nx), *w = malloc(4 * nw), *o = malloc(4 * no);
      float fb[20];
      for (int i = 0; i < nx; i++) x[i] = (float)t_randint(-64, 64);
      for (int i = 0; i < nw; i++) w[i] = (float)t_randint(-64, 64);
      for (int c = 0; c < d.out_c; c++) fb[c] = (float)bias32[c];
      oct_act_f32 a = {-100, 100};
      oct_fc_f32_ref(&d, &a, x, w, with_bias ? fb : NULL, o, NULL);
      for (int b = 0; b < d.batch; b++)
        for (int c = 0; c < d.out_c; c++) {
          double s = with_bias ? fb[c] : 0;
          for (int k = 0; k < d.depth; k++)
            s += (double)x[b * d.depth + k] * w[c * d.depth + k];
          bad += o[b * d.out_c + c] != t_clampf((float)s, -100, 100);
        }
      free(x), free(w), free(o);
    } else if (type == 1 || type == 2) {
      /* int8 or uint8, sharing the oracle through int32 copies. */
      const int u8 = type == 2;
      int32_t lo = u8 ? 0 : -128, hi = u8 ? 255 : 127;
      uint8_t *x = malloc(nx), *w = malloc(nw), *o = malloc(no);
      const int32_t zx = t_randint(lo, hi), zw = t_randint(lo, hi);
      const int32_t zo = t_randint(lo, hi);
      for (int i = 0; i < nx; i++) x[i] = (uint8_t)t_randint(lo, hi);
      for (int i = 0; i < nw; i++) w[i] = (uint8_t)t_randint(lo, hi);
      t_requant r;
      t_make_requant(&r, d.out_c, 1e-4, 0.01, zx, zw, zo, lo, hi);
      const int32_t *bp = with_bias ? bias32 : NULL;
      if (u8)
        oct_fc_u8_ref(&d, &r.q, x, w, bp, o, NULL);
      else
        oct_fc_s8_ref(&d, &r.q, (int8_t *)x, (int8_t *)w, bp, (int8_t *)o,
                      NULL);
      for (int b = 0; b < d.batch; b++)
        for (int c = 0; c < d.out_c; c++) {
          int64_t s = with_bias ? bias64[c] : 0;
          for (int k = 0; k < d.depth; k++) {
            int32_t xv = u8 ? x[b * d.depth + k] : (int8_t)x[b * d.depth + k];
            int32_t wv = u8 ? w[c * d.depth + k] : (int8_t)w[c * d.depth + k];
            s += (int64_t)(xv - zx) * (wv - zw);
          }
          int32_t got = u8 ? o[b * d.out_c + c] : (int8_t)o[b * d.out_c + c];
          bad += got != t_epilogue32(s, &r.q, c);
        }
      free(x), free(w), free(o);
    } else {
      int16_t *x = malloc(2 * nx), *o = malloc(2 * no);
      int8_t *w = malloc(nw);
      const int32_t zw = t_randint(-3, 3);
      for (int i = 0; i < nx; i++) x[i] = (int16_t)t_randint(-32768, 32767);
      for (int i = 0; i < nw; i++) w[i] = (int8_t)t_randint(-120, 120);
      t_requant r;
      t_make_requant(&r, d.out_c, 1e-6, 1e-2, 0, zw, 0, -30000, 32767);
      oct_fc_s16_ref(&d, &r.q, x, w, with_bias ? bias64 : NULL, o, NULL);
      for (int b = 0; b < d.batch; b++)
        for (int c = 0; c < d.out_c; c++) {
          int64_t s = with_bias ? bias64[c] : 0;
          for (int k = 0; k < d.depth; k++)
            s += (int64_t)x[b * d.depth + k] * (w[c * d.depth + k] - zw);
          bad += o[b * d.out_c + c] != t_epilogue64(s, &r.q, c);
        }
      free(x), free(w), free(o);
    }
    CHECK_MSG(bad == 0, "iter %d type %d: %d of %d differ (%dx%d -> %d)", iter,
              type, bad, no, d.batch, d.depth, d.out_c);
  }
}

int main(void) {
  test_f32_hand();
  test_s8_hand();
  test_u8_hand();
  test_s16_hand();
  test_random();
  return test_finish("test_fully_connected");
}
