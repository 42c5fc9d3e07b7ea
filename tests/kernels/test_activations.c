/*
 * RELU, RELU6, LEAKY_RELU, HARD_SWISH, LOGISTIC, TANH: kernels on values
 * worked out by hand, properties over every int16 input, TFLite 2.9's
 * recorded outputs for every 8-bit and int16 input, and refused models.
 */
#include "elementwise_cases.h"

#include <math.h>

#include "kernels/ref/activations.h"
#include "kernels/ref/fixed_point.h"
#include "kernels/ref/quant_math.h"
#include "runtime/builtin.h"

#include "tflite_cases.h"

#define N_CASES (sizeof k_tflite_cases / sizeof k_tflite_cases[0])

static void test_float(void) {
  const float x[6] = {-7.0f, -3.0f, -0.5f, 0.0f, 2.0f, 9.0f};
  float y[6];
  oct_clamp_f32_ref(0.0f, 6.0f, 6, x, y);
  CHECK(y[0] == 0.0f && y[2] == 0.0f && y[4] == 2.0f && y[5] == 6.0f);
  oct_leaky_relu_f32_ref(0.25f, 6, x, y);
  CHECK(y[0] == -1.75f && y[2] == -0.125f && y[4] == 2.0f && y[5] == 9.0f);
  oct_hard_swish_f32_ref(6, x, y);
  CHECK(y[0] == 0.0f && y[1] == 0.0f && y[3] == 0.0f && y[5] == 9.0f);
  CHECK_NEAR(y[2], -0.5 * 2.5 / 6.0, 1e-7);
  CHECK_NEAR(y[4], 2.0 * 5.0 / 6.0, 1e-6);
  oct_logistic_f32_ref(6, x, y);
  for (int i = 0; i < 6; i++) CHECK_NEAR(y[i], 1.0 / (1.0 + exp(-x[i])), 1e-6);
  oct_tanh_f32_ref(6, x, y);
  for (int i = 0; i < 6; i++) CHECK_NEAR(y[i], tanh(x[i]), 1e-6);
}

static void test_relu_leaky_by_hand(void) {
  /* same scale in and out (multiplier 1), zero point -10: RELU6 at
   * scale 0.05 tops out at -10 + 6 / 0.05 = 110 */
  oct_relu_quant_params p = {-10, -10, 0, 0, -10, 110};
  int32_t sh = 0;
  oct_quantize_multiplier(1.0, &p.mult, &sh);
  p.shift = sh;
  const int8_t x[5] = {-128, -11, -10, 50, 127};
  int8_t y[5];
  oct_relu_s8_ref(&p, 5, x, y);
  CHECK(y[0] == -10 && y[1] == -10 && y[2] == -10 && y[3] == 50 && y[4] == 110);

  /* LEAKY_RELU with alpha 1/2 and equal scales: negative halves round
   * half up (the doubling high multiply), -3 -> -1, -1 -> 0 */
  oct_leaky_relu_quant_params l = {0};
  oct_quantize_multiplier(1.0, &l.mult_identity, &sh);
  l.shift_identity = sh;
  oct_quantize_multiplier(0.5, &l.mult_alpha, &sh);
  l.shift_alpha = sh;
  const int16_t xs[6] = {-32768, -4, -3, -1, 0, 32767};
  int16_t ys[6];
  oct_leaky_relu_s16_ref(&l, 6, xs, ys);
  CHECK(ys[0] == -16384 && ys[1] == -2 && ys[2] == -1 && ys[3] == 0 &&
        ys[4] == 0 && ys[5] == 32767);
  /* uint8 with an output zero point saturates at both ends */
  l.in_offset = 128;
  l.out_offset = 200;
  const uint8_t xu[4] = {0, 127, 128, 255};
  uint8_t yu[4];
  oct_leaky_relu_u8_ref(&l, 4, xu, yu);
  CHECK(yu[0] == 136 && yu[1] == 200 && yu[2] == 200 && yu[3] == 255);
}

static void test_lut8(void) {
  uint8_t t[256], y[4];
  /* LOGISTIC int8 on input scale 0.1: q = zp_in is 0.5 = 128/256 */
  oct_lut8_populate(oct_logistic_f, 0.1f, 3, 1.0f / 256.0f, -128, 1, t);
  const int8_t x[4] = {3, -128, 127, 4};
  oct_lut8_ref(t, 4, (const uint8_t *)x, y);
  CHECK_EQ_INT((int8_t)y[0], 0);
  CHECK_EQ_INT((int8_t)y[1], -128); /* logistic(-13.1) */
  CHECK_EQ_INT((int8_t)y[2], 127); /* logistic(12.4) rounds to 256: saturates */
  CHECK_EQ_INT((int8_t)y[3], 6);   /* round(256 * logistic(0.1)) - 128 */
  /* TANH uint8, odd around the zero points */
  oct_lut8_populate(oct_tanh_f, 0.02f, 128, 1.0f / 128.0f, 128, 0, t);
  for (int d = 1; d < 128; d++)
    CHECK_EQ_INT(t[128 + d] - 128, 128 - t[128 - d]);
}

/* Over every int16 input. The table algorithms are monotone; gemmlowp's
 * fixed-point ones are not (their Newton steps wobble by a few LSB, and
 * TFLite's outputs wobble the same way), so only their range and symmetry
 * are checked. */
static void test_int16_properties(void) {
  static int16_t x[65536], yl[65536], yt[65536], gl[65536], gt[65536];
  for (int i = 0; i < 65536; i++) x[i] = (int16_t)(i - 32768);
  oct_logistic_s16_pot_ref(65536, x, yl);
  oct_tanh_s16_pot_ref(0, 65536, x, yt);
  /* input scale 0.001: 0.001 * 4096 * 3 = 12.288, doubled 11 times */
  oct_logistic_s16_ref(25165, 11, 65536, x, gl);
  oct_tanh_s16_ref(25165, 11, 65536, x, gt);
  int mono = 0, range = 0, odd = 0, odd_table = 0;
  for (int i = 1; i < 65536; i++) {
    mono += gl[i] < gl[i - 1] || gt[i] < gt[i - 1];
    range += yl[i] < 0 || gl[i] < 0;
  }
  for (int i = 1; i < 32768; i++) {
    odd += yt[32768 + i] != -yt[32768 - i];
    odd_table += abs(gt[32768 + i] + gt[32768 - i]) > 1;
  }
  CHECK_EQ_INT(mono, 0);
  CHECK_EQ_INT(range, 0);
  CHECK_EQ_INT(odd, 0);
  CHECK_EQ_INT(odd_table, 0);
  CHECK_EQ_INT(yl[32768], 16384);
  CHECK_EQ_INT(gl[32768], 16384);
  CHECK_EQ_INT(yt[32768], 0);
  CHECK_EQ_INT(gt[32768], 0);
  /* saturated ends: logistic(+-8) in Q15 */
  CHECK(yl[65535] >= 32755 && yl[0] <= 12);
  CHECK(yt[65535] >= 32766 && yt[0] <= -32766);
  /* the fixed-point pieces: exp(0) = 1, exp(-1/4), 1/(1+0) */
  CHECK_EQ_INT(oct_fx_exp_on_negative16(0, 3), 32767);
  CHECK(abs(oct_fx_exp_on_negative16(-1024, 3) -
            (int)lround(32768 * exp(-0.25))) <= 2);
  CHECK(abs(oct_fx_one_over_one_plus_x16(0) - 32767) <= 2);
  CHECK_EQ_INT(oct_fx_rdivpot16(-3, 1), -2);
  CHECK_EQ_INT(oct_fx_rdivpot16(3, 1), 2);
  CHECK_EQ_INT(oct_fx_srdhm16(INT16_MIN, INT16_MIN), INT16_MAX);
  CHECK_EQ_INT(oct_fx_sat_shl16(20000, 1), INT16_MAX);
  CHECK_EQ_INT(oct_fx_sat_shl16(-20000, 1), INT16_MIN);
}

static void test_hard_swish_by_hand(void) {
  /* in scale 0.05, out scale 0.05, zero points 0: x >= 3 passes through,
   * x <= -3 gives 0, and hswish(-1.5) = -1.5 * 1.5 / 6 = -0.375 -> -7.5 */
  oct_hard_swish_params p = {0};
  int32_t q, sh;
  const float hires = (1.0f / 128.0f) * 0.05f;
  oct_quantize_multiplier(hires / 0.05f, &q, &sh);
  p.out_mult = (int16_t)((q + (1 << 15)) >> 16);
  p.out_shift = sh;
  oct_quantize_multiplier(hires / (3.0f / 32768.0f), &q, &sh);
  p.reluish_mult = (int16_t)((q + (1 << 15)) >> 16);
  p.reluish_shift = sh;
  const int8_t x[6] = {-128, -60, -30, 0, 60, 127};
  int8_t y[6];
  oct_hard_swish_s8_ref(&p, 6, x, y);
  CHECK(y[0] == 0 && y[1] == 0 && y[3] == 0);
  CHECK(y[2] == -8 || y[2] == -7);
  CHECK(abs(y[4] - 60) <= 1 && abs(y[5] - 127) <= 1);
}

static ew_model unary_model(int32_t op, oct_dtype t, float si, int64_t zi,
                            float so, int64_t zo) {
  ew_model m;
  memset(&m, 0, sizeof m);
  m.op = op;
  m.version = 1;
  m.n_tensors = 2;
  m.n_in = 1;
  for (int i = 0; i < 2; i++) {
    m.t[i].type = t;
    m.t[i].rank = 2;
    m.t[i].dims[0] = 2;
    m.t[i].dims[1] = 3;
    if (t != OCT_FLOAT32) {
      m.t[i].quantized = 1;
      m.t[i].n_scales = 1;
      m.t[i].scale = i ? so : si;
      m.t[i].zero_point = i ? zo : zi;
    }
  }
  return m;
}

static void expect_refused(const ew_model *m, const char *what) {
  ew_run r;
  CHECK_MSG(ew_open(&r, m) != OCT_OK, "%s: accepted", what);
  ew_close(&r);
}

static void test_bad_models(void) {
  ew_model m = unary_model(OCT_OP_RELU, OCT_INT16, 0.01f, 3, 0.01f, 0);
  expect_refused(&m, "int16 RELU with a zero point");
  m = unary_model(OCT_OP_RELU6, OCT_INT8, 0.01f, 0, 0.01f, 0);
  m.t[1].type = OCT_UINT8;
  expect_refused(&m, "RELU6 int8 -> uint8");
  m = unary_model(OCT_OP_LOGISTIC, OCT_INT16, 0.001f, 0, 1.0f / 16384.0f, 0);
  expect_refused(&m, "int16 LOGISTIC output scale 2^-14");
  m = unary_model(OCT_OP_TANH, OCT_INT16, 0.001f, 0, 1.0f / 32768.0f, 5);
  expect_refused(&m, "int16 TANH output zero point");
  m = unary_model(OCT_OP_TANH, OCT_INT16, 1e6f, 0, 1.0f / 32768.0f, 0);
  expect_refused(&m, "int16 TANH input scale too large");
  m = unary_model(OCT_OP_TANH, OCT_INT32, 0.1f, 0, 0.1f, 0);
  expect_refused(&m, "int32 TANH");
  m = unary_model(OCT_OP_HARD_SWISH, OCT_INT16, 0.1f, 0, 0.1f, 0);
  expect_refused(&m, "int16 HARD_SWISH");
  m = unary_model(OCT_OP_LEAKY_RELU, OCT_INT8, 0.1f, 0, 0.1f, 0);
  m.opt_type = 75;
  m.opt[0] = ew_f32(0, NAN);
  m.n_opt = 1;
  expect_refused(&m, "NaN alpha");
  m = unary_model(OCT_OP_LEAKY_RELU, OCT_UINT8, 0.1f, -1, 0.1f, 0);
  expect_refused(&m, "uint8 zero point -1");
  m = unary_model(OCT_OP_LOGISTIC, OCT_INT8, INFINITY, 0, 1.0f / 256.0f, -128);
  expect_refused(&m, "infinite scale");
  m = unary_model(OCT_OP_RELU, OCT_FLOAT32, 0, 0, 0, 0);
  m.t[1].dims[1] = 4;
  expect_refused(&m, "output shape");
}

int main(void) {
  test_float();
  test_relu_leaky_by_hand();
  test_lut8();
  test_int16_properties();
  test_hard_swish_by_hand();
  test_bad_models();
  const int32_t ops[] = {OCT_OP_RELU,       OCT_OP_RELU6,    OCT_OP_LEAKY_RELU,
                         OCT_OP_HARD_SWISH, OCT_OP_LOGISTIC, OCT_OP_TANH};
  const int ran = ew_check_cases(k_tflite_cases, N_CASES, ops, 6);
  CHECK(ran >= 40);
  return test_finish("test_activations");
}
