/*
 * QUANTIZE and DEQUANTIZE: rounding (half away from zero, the division in
 * double as TFLite 2.9's kernel does), saturation, requantization between
 * every supported pair, float16 widening, per-channel dequantization,
 * TFLite 2.9's recorded outputs and refused models.
 */
#include "elementwise_cases.h"

#include <math.h>

#include "kernels/ref/quant_math.h"
#include "kernels/ref/quantize.h"
#include "runtime/builtin.h"

#include "tflite_cases.h"

#define N_CASES (sizeof k_tflite_cases / sizeof k_tflite_cases[0])

static void test_quantize_rounding(void) {
  const oct_affine_params p = {0.5f, 0};
  const float x[8] = {0.25f,  -0.25f, 0.75f,   -0.75f,
                      63.75f, 64.0f,  -64.25f, 0.0f};
  int8_t y[8];
  oct_quantize_f32_s8_ref(&p, 8, x, y);
  /* halves round away from zero; +-64 saturate */
  CHECK(y[0] == 1 && y[1] == -1 && y[2] == 2 && y[3] == -2);
  CHECK(y[4] == 127 && y[5] == 127 && y[6] == -128 && y[7] == 0);
  /* -12.45f / 0.1f is -124.5 in float but -124.49999... in double:
   * TFLite 2.9 divides in double and gets -124 */
  const oct_affine_params q = {0.1f, -3};
  const float xt[2] = {-12.45f, 12.45f};
  oct_quantize_f32_s8_ref(&q, 2, xt, y);
  CHECK_EQ_INT(y[0], -127);
  CHECK_EQ_INT(y[1], 121);
  /* saturation far out of range, and NaN, without undefined behaviour */
  const float big[4] = {1e30f, -1e30f, INFINITY, NAN};
  uint8_t yu[4];
  const oct_affine_params pu = {0.05f, 128};
  oct_quantize_f32_u8_ref(&pu, 4, big, yu);
  CHECK(yu[0] == 255 && yu[1] == 0 && yu[2] == 255 && yu[3] == 0);
  int16_t ys[4];
  const oct_affine_params ps = {1.0f / 32768.0f, 0};
  oct_quantize_f32_s16_ref(&ps, 4, big, ys);
  CHECK(ys[0] == 32767 && ys[1] == -32768 && ys[2] == 32767 && ys[3] == -32768);
}

static void test_requantize(void) {
  oct_requant_params p = {0, 128, 0, 0};
  int32_t sh = 0;
  oct_quantize_multiplier(1.0, &p.mult, &sh);
  p.shift = sh;
  /* int8 -> uint8 with the same scale is a shift by 128 */
  const int8_t x[4] = {-128, -1, 0, 127};
  uint8_t yu[4];
  oct_requantize_s8_u8_ref(&p, 4, x, yu);
  CHECK(yu[0] == 0 && yu[1] == 127 && yu[2] == 128 && yu[3] == 255);
  /* halving int16 -> int8 rounds ties away from zero after the doubling
   * multiply: 3/2 -> 2, -3/2 -> -1 (the multiply rounds -1.5 up) */
  oct_requant_params h = {0, 0, 0, 0};
  oct_quantize_multiplier(0.5, &h.mult, &sh);
  h.shift = sh;
  const int16_t xs[5] = {3, -3, 300, -300, 1};
  int8_t y8[5];
  oct_requantize_s16_s8_ref(&h, 5, xs, y8);
  CHECK(y8[0] == 2 && y8[1] == -1 && y8[2] == 127 && y8[3] == -128 &&
        y8[4] == 1);
  /* int32 -> int16: x - zp is an int32 subtraction in TFLite and wraps,
   * so INT32_MIN - 1000 comes out at the top */
  oct_requant_params w = {1000, 0, 0, 0};
  oct_quantize_multiplier(1.0 / 1024.0, &w.mult, &sh);
  w.shift = sh;
  const int32_t x32[4] = {1000, 1000 + 1024 * 5, INT32_MAX, INT32_MIN};
  int16_t y16[4];
  oct_requantize_s32_s16_ref(&w, 4, x32, y16);
  CHECK(y16[0] == 0 && y16[1] == 5 && y16[2] == 32767 && y16[3] == 32767);
  /* int16 -> int32 widening (seanet's quantize1 kind of scale ratio) */
  oct_requant_params u = {0, 0, 0, 0};
  oct_quantize_multiplier(4096.0, &u.mult, &sh);
  u.shift = sh;
  const int16_t xw[3] = {-32768, 1, 32767};
  int32_t yw[3];
  oct_requantize_s16_s32_ref(&u, 3, xw, yw);
  CHECK(yw[0] == -32768 * 4096 && yw[1] == 4096 && yw[2] == 32767 * 4096);
}

static uint32_t f32_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}

static void test_dequantize(void) {
  const oct_affine_params p = {0.1f, -3};
  const int8_t x[3] = {-128, -3, 127};
  float y[3];
  oct_dequantize_s8_f32_ref(&p, 3, x, y);
  CHECK(y[0] == (float)(-125 * (double)0.1f) && y[1] == 0.0f &&
        y[2] == (float)(130 * (double)0.1f));
  /* float16: one, the largest, the smallest subnormal, signed zero,
   * infinity and NaN */
  const uint16_t h[8] = {0x3c00, 0xc000, 0x7bff, 0x0001,
                         0x8000, 0x7c00, 0xfc00, 0x7e01};
  float f[8];
  oct_dequantize_f16_f32_ref(8, h, f);
  CHECK(f[0] == 1.0f && f[1] == -2.0f && f[2] == 65504.0f);
  CHECK(f[3] == ldexpf(1.0f, -24));
  CHECK(f32_bits(f[4]) == 0x80000000u);
  CHECK(isinf(f[5]) && f[5] > 0 && isinf(f[6]) && f[6] < 0);
  CHECK(f32_bits(f[7]) == 0x7fc02000u); /* quiet NaN, payload kept */
  int bad = 0;
  for (uint32_t v = 0; v < 0x7c00; v++) /* every finite positive half */
    bad += (double)oct_f16_to_f32((uint16_t)v) !=
           (v < 0x400 ? ldexp(v, -24)
                      : ldexp(1024 + (v & 0x3ff), (int)(v >> 10) - 25));
  CHECK_EQ_INT(bad, 0);
  /* per channel: [2, 3] on axis 1 */
  const oct_per_channel_dims d = {2, 3, 1};
  const float sc[3] = {0.5f, 2.0f, 0.25f};
  const int32_t zp[3] = {0, 1, -4};
  const int8_t xc[6] = {2, 3, 4, -2, 1, 0};
  float yc[6];
  oct_dequantize_pc_s8_f32_ref(&d, sc, zp, xc, yc);
  CHECK(yc[0] == 1.0f && yc[1] == 4.0f && yc[2] == 2.0f && yc[3] == -1.0f &&
        yc[4] == 0.0f && yc[5] == 1.0f);
}

static ew_model qmodel(int32_t op, oct_dtype ti, oct_dtype to, float si,
                       int64_t zi, float so, int64_t zo) {
  ew_model m;
  memset(&m, 0, sizeof m);
  m.op = op;
  m.version = 2;
  m.n_tensors = 2;
  m.n_in = 1;
  const oct_dtype ty[2] = {ti, to};
  for (int i = 0; i < 2; i++) {
    m.t[i].type = ty[i];
    m.t[i].rank = 2;
    m.t[i].dims[0] = 4;
    m.t[i].dims[1] = 3;
    if (ty[i] != OCT_FLOAT32 && ty[i] != OCT_FLOAT16) {
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
  ew_model m = qmodel(OCT_OP_QUANTIZE, OCT_FLOAT32, OCT_INT32, 0, 0, 0.1f, 0);
  expect_refused(&m, "float32 -> int32");
  m = qmodel(OCT_OP_QUANTIZE, OCT_INT8, OCT_INT16, 0.1f, 0, 0.1f, 0);
  expect_refused(&m, "int8 -> int16");
  m = qmodel(OCT_OP_QUANTIZE, OCT_FLOAT32, OCT_INT8, 0, 0, 0.0f, 0);
  expect_refused(&m, "zero output scale");
  m = qmodel(OCT_OP_QUANTIZE, OCT_FLOAT32, OCT_INT8, 0, 0, 0.1f, 200);
  expect_refused(&m, "int8 zero point 200");
  m = qmodel(OCT_OP_QUANTIZE, OCT_FLOAT32, OCT_UINT8, 0, 0, 0.1f, 0);
  m.t[1].quantized = 0;
  expect_refused(&m, "output without quantization");
  m = qmodel(OCT_OP_DEQUANTIZE, OCT_INT8, OCT_INT8, 0.1f, 0, 0.1f, 0);
  expect_refused(&m, "DEQUANTIZE to int8");
  m = qmodel(OCT_OP_DEQUANTIZE, OCT_INT32, OCT_FLOAT32, 0.1f, 0, 0, 0);
  expect_refused(&m, "DEQUANTIZE from int32");
  static const float sc[3] = {0.1f, 0.2f, 0.3f};
  static const int64_t zp[3] = {0, 0, 0};
  m = qmodel(OCT_OP_DEQUANTIZE, OCT_INT8, OCT_FLOAT32, 0.1f, 0, 0, 0);
  m.t[0].n_scales = 3;
  m.t[0].scales = sc;
  m.t[0].zero_points = zp;
  m.t[0].qdim = 0; /* axis 0 has 4 entries, not 3 */
  expect_refused(&m, "per-channel count off its axis");
}

/* Per-channel DEQUANTIZE of a model input, end to end. */
static void test_model_per_channel(void) {
  ew_model m = qmodel(OCT_OP_DEQUANTIZE, OCT_INT8, OCT_FLOAT32, 0.1f, 0, 0, 0);
  static const float sc[3] = {0.5f, 2.0f, 0.25f};
  static const int64_t zp[3] = {0, 1, -4};
  m.t[0].n_scales = 3;
  m.t[0].scales = sc;
  m.t[0].zero_points = zp;
  m.t[0].qdim = 1;
  ew_run r;
  if (ew_open(&r, &m) != OCT_OK) {
    CHECK_MSG(0, "%s", r.error);
    ew_close(&r);
    return;
  }
  int8_t *x = oct_interp_input_data(r.it, 0);
  for (int i = 0; i < 12; i++) x[i] = (int8_t)(i - 6);
  CHECK(oct_interp_invoke(r.it) == OCT_OK);
  const float *y = oct_interp_output_data(r.it, 0);
  int bad = 0;
  for (int i = 0; i < 12; i++)
    bad += y[i] != (float)((i - 6) - (int)zp[i % 3]) * sc[i % 3];
  CHECK_EQ_INT(bad, 0);
  ew_close(&r);
}

int main(void) {
  test_quantize_rounding();
  test_requantize();
  test_dequantize();
  test_bad_models();
  test_model_per_channel();
  const int32_t ops[] = {OCT_OP_QUANTIZE, OCT_OP_DEQUANTIZE};
  const int ran = ew_check_cases(k_tflite_cases, N_CASES, ops, 2);
  CHECK(ran >= 25);
  return test_finish("test_quantize");
}
