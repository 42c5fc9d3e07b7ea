/*
 * SOFTMAX: float against a double reference, the 8-bit table and int16
 * interpolation kernels on values worked out by hand, TFLite 2.9's recorded
 * outputs (including its quirks: uint8 outputs ignore their zero point,
 * negative beta), and refused models.
 */
#include "elementwise_cases.h"

#include <math.h>

#include "kernels/ref/quant_math.h"
#include "kernels/ref/softmax.h"
#include "runtime/builtin.h"

#include "tflite_cases.h"

#define N_CASES (sizeof k_tflite_cases / sizeof k_tflite_cases[0])

static void test_float(void) {
  float x[2 * 7], y[2 * 7];
  for (int i = 0; i < 14; i++)
    x[i] = (float)(i % 7) * 0.7f - (i < 7 ? 2.0f : -50.0f);
  for (int bi = 0; bi < 3; bi++) {
    const float beta = bi == 0 ? 1.0f : (bi == 1 ? 0.3f : 4.0f);
    oct_softmax_f32_ref(beta, 2, 7, x, y);
    for (int r = 0; r < 2; r++) {
      double mx = -1e30, sum = 0;
      for (int j = 0; j < 7; j++) mx = fmax(mx, x[r * 7 + j]);
      for (int j = 0; j < 7; j++) sum += exp(beta * (x[r * 7 + j] - mx));
      for (int j = 0; j < 7; j++)
        CHECK_NEAR(y[r * 7 + j], exp(beta * (x[r * 7 + j] - mx)) / sum, 1e-6);
    }
  }
}

static void test_q8_by_hand(void) {
  float table[256];
  oct_softmax_q8_populate(0.1f, 1.0f, table);
  CHECK(table[255] == 1.0f);
  CHECK_NEAR(table[255 - 10], exp(-1.0), 1e-7);
  const oct_softmax_q8_params p = {table, 1.0f / 256.0f, -128};
  /* equal inputs: 1/4 each, 64/256 -> -64 */
  const int8_t x[4] = {5, 5, 5, 5};
  int8_t y[4];
  oct_softmax_s8_ref(&p, 1, 4, x, y);
  CHECK(y[0] == -64 && y[1] == -64 && y[2] == -64 && y[3] == -64);
  /* one dominant logit: probability 1 saturates at 127 */
  const int8_t x2[3] = {127, -128, -128};
  oct_softmax_s8_ref(&p, 1, 3, x2, y);
  CHECK(y[0] == 127 && y[1] == -128 && y[2] == -128);
  /* uint8 output drops its zero point (TFLite 2.9 on x86) */
  const oct_softmax_q8_params pu = {table, 1.0f / 256.0f, 3};
  const uint8_t xu[2] = {200, 200};
  uint8_t yu[2];
  oct_softmax_u8_ref(&pu, 1, 2, xu, yu);
  CHECK(yu[0] == 128 && yu[1] == 128);
  /* rows are independent */
  const int8_t x3[4] = {0, 0, 100, -100};
  oct_softmax_s8_ref(&p, 2, 2, x3, y);
  CHECK(y[0] == 0 && y[1] == 0 && y[2] == 127 && y[3] == -128);
}

static void test_s16_by_hand(void) {
  static int16_t exp_lut[OCT_SOFTMAX_S16_LUT_SIZE],
      inv_lut[OCT_SOFTMAX_S16_LUT_SIZE];
  oct_softmax_s16_populate(exp_lut, inv_lut);
  /* end points: exp(-10) and exp(0), 1/(1+0) and 1/(1+1), in Q15 (the
   * first sample carries gen_lut's midpoint correction: 1.49 -> 2) */
  CHECK_EQ_INT(exp_lut[0], 2);
  CHECK_EQ_INT(exp_lut[512], 32767);
  CHECK_EQ_INT(inv_lut[0], 32767);
  CHECK_EQ_INT(inv_lut[512], 16384);
  /* interpolation at the nodes gives the nodes */
  CHECK_EQ_INT(oct_int16_lut_lookup(-32768, exp_lut), exp_lut[0]);
  CHECK_EQ_INT(oct_int16_lut_lookup(0, exp_lut), exp_lut[256]);
  CHECK(abs(oct_int16_lut_lookup(0, inv_lut) - (int)lround(32768.0 / 1.5)) <=
        2);
  oct_softmax_s16_params p = {0, 0, exp_lut, inv_lut};
  /* input scale 0.001, beta 1 */
  int32_t sh = 0;
  oct_quantize_multiplier(0.001f / (10.0 / 65535.0), &p.in_mult, &sh);
  p.in_shift = sh;
  const int16_t x[4] = {100, 100, 100, 100};
  int16_t y[4];
  oct_softmax_s16_ref(&p, 1, 4, x, y);
  for (int i = 0; i < 4; i++) CHECK(abs(y[i] - 8192) <= 2);
  /* a dominant logit and a 1000x smaller one (ln 1000 = 6.9 = 6908 steps) */
  const int16_t x2[2] = {7000, 92};
  oct_softmax_s16_ref(&p, 1, 2, x2, y);
  CHECK(abs(y[0] - 32735) <= 8 && abs(y[1] - 33) <= 4);
}

static ew_model softmax_model(oct_dtype ti, oct_dtype to, float si, int64_t zi,
                              float so, int64_t zo, float beta) {
  ew_model m;
  memset(&m, 0, sizeof m);
  m.op = OCT_OP_SOFTMAX;
  m.version = 2;
  m.n_tensors = 2;
  m.n_in = 1;
  m.opt_type = 9;
  m.opt[0] = ew_f32(0, beta);
  m.n_opt = 1;
  const oct_dtype ty[2] = {ti, to};
  for (int i = 0; i < 2; i++) {
    m.t[i].type = ty[i];
    m.t[i].rank = 2;
    m.t[i].dims[0] = 3;
    m.t[i].dims[1] = 5;
    if (ty[i] != OCT_FLOAT32) {
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
  ew_model m =
      softmax_model(OCT_INT16, OCT_INT16, 0.001f, 0, 1.0f / 16384.0f, 0, 1.0f);
  expect_refused(&m, "int16 output scale");
  m = softmax_model(OCT_INT16, OCT_INT16, 0.001f, 2, 1.0f / 32768.0f, 0, 1.0f);
  expect_refused(&m, "int16 input zero point");
  m = softmax_model(OCT_INT8, OCT_UINT8, 0.1f, 0, 1.0f / 256.0f, 0, 1.0f);
  expect_refused(&m, "int8 -> uint8");
  m = softmax_model(OCT_FLOAT32, OCT_FLOAT32, 0, 0, 0, 0, NAN);
  expect_refused(&m, "NaN beta");
  m = softmax_model(OCT_INT8, OCT_INT8, 0.1f, 0, 1.0f / 256.0f, -128, 1.0f);
  m.t[0].rank = 0;
  m.t[1].rank = 0;
  expect_refused(&m, "scalar input");
  m = softmax_model(OCT_INT16, OCT_INT16, 0.001f, 0, 1.0f / 32768.0f, 0, 1.0f);
  m.t[0].dims[1] = m.t[1].dims[1] = 70000;
  m.t[0].dims[0] = m.t[1].dims[0] = 1;
  expect_refused(&m, "int16 depth over 65535");
}

/* A float softmax model end to end, on a row of equal logits. */
static void test_model_float(void) {
  ew_model m = softmax_model(OCT_FLOAT32, OCT_FLOAT32, 0, 0, 0, 0, 1.0f);
  ew_run r;
  if (ew_open(&r, &m) != OCT_OK) {
    CHECK_MSG(0, "%s", r.error);
    ew_close(&r);
    return;
  }
  float *x = oct_interp_input_data(r.it, 0);
  for (int i = 0; i < 15; i++) x[i] = i < 5 ? 3.0f : (float)i;
  CHECK(oct_interp_invoke(r.it) == OCT_OK);
  const float *y = oct_interp_output_data(r.it, 0);
  for (int i = 0; i < 5; i++) CHECK_NEAR(y[i], 0.2, 1e-7);
  double s = 0;
  for (int i = 5; i < 10; i++) s += y[i];
  CHECK_NEAR(s, 1.0, 1e-6);
  ew_close(&r);
}

int main(void) {
  test_float();
  test_q8_by_hand();
  test_s16_by_hand();
  test_bad_models();
  test_model_float();
  const int32_t ops[] = {OCT_OP_SOFTMAX};
  const int ran = ew_check_cases(k_tflite_cases, N_CASES, ops, 1);
  CHECK(ran >= 10);
  return test_finish("test_softmax");
}
