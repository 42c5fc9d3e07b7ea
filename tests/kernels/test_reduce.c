/*
 * MEAN and ARG_MAX kernels (kernels/ref/reduce.c) and ops. Each MEAN
 * formula TFLite 2.9 uses is checked on small cases worked out by hand,
 * including the rounding of halves.
 */
#include "kernels/ref/quant_math.h"
#include "kernels/ref/reduce.h"
#include "op_harness.h"
#include "test_util.h"

extern const oct_op oct_op_mean, oct_op_arg_max;

#define DIMS(...) ((const int32_t[]){__VA_ARGS__})

static oct_mean_hw_params hw_params(int32_t channels) {
  oct_mean_hw_params p;
  memset(&p, 0, sizeof p);
  p.batch = 1;
  p.h = p.w = 2;
  p.channels = channels;
  return p;
}

static void test_mean_hw(void) {
  /* uint8, TFLite's optimized formula. q_in(0.5, 10) -> q_out(0.25, 20),
   * plane {10, 11, 12, 14}: raw sum 47, multiplier 0.5/(4*0.25) = 0.5, so
   * 23.5 -> 24 (rounding up); bias 20 - round(10*0.5/0.25) = 0. Real
   * value: 1.75 * 0.5 / 0.25 + 20 = 23.5. */
  oct_mean_hw_params p = hw_params(1);
  oct_quantize_multiplier(0.5, &p.multiplier, &p.shift);
  p.bias = 0;
  p.out_min = 0;
  p.out_max = 255;
  const uint8_t u[4] = {10, 11, 12, 14};
  uint8_t uo = 0;
  oct_mean_hw_u8_ref(&p, u, &uo);
  CHECK_EQ_INT(uo, 24);

  /* int8, the reference integer formula, two channels interleaved.
   * q_in(0.5, -10) -> q_out(0.25, 5). Channel 0 {-10,-9,-8,-6}: sum of
   * (q - zp) = 7, times 2 = 14, /4 = 3.5 -> 4, + 5 = 9. Channel 1
   * {-10,-11,-12,-14}: -7 -> -14 -> -3.5 -> -4, + 5 = 1. */
  p = hw_params(2);
  oct_quantize_multiplier(2.0, &p.multiplier, &p.shift);
  p.in_zp = -10;
  p.out_zp = 5;
  p.out_min = -128;
  p.out_max = 127;
  const int8_t s[8] = {-10, -10, -9, -11, -8, -12, -6, -14};
  int8_t so[2];
  oct_mean_hw_s8_ref(&p, s, so);
  CHECK(so[0] == 9 && so[1] == 1);

  /* int16, same formula, zero points 0: {0,1,2,4} -> 4; negated -> -4. */
  p.in_zp = p.out_zp = 0;
  p.out_min = INT16_MIN;
  p.out_max = INT16_MAX;
  const int16_t h[8] = {0, 0, 1, -1, 2, -2, 4, -4};
  int16_t ho[2];
  oct_mean_hw_s16_ref(&p, h, ho);
  CHECK(ho[0] == 4 && ho[1] == -4);

  /* float: {1,2,3,4} -> 2.5. */
  p = hw_params(1);
  const float f[4] = {1, 2, 3, 4};
  float fo = 0;
  oct_mean_hw_f32_ref(&p, f, &fo);
  CHECK(fo == 2.5f);
}

/* Reduce params for a [rows, cols] tensor reduced along `axis`. */
static oct_reduce_params params_2d(int32_t rows, int32_t cols, int axis) {
  oct_reduce_params p;
  memset(&p, 0, sizeof p);
  p.rank = 2;
  p.in_dims[0] = rows;
  p.in_dims[1] = cols;
  p.out_step[0] = axis == 0 ? 0 : 1;
  p.out_step[1] = axis == 1 ? 0 : 1;
  p.out_count = axis == 0 ? cols : rows;
  p.reduce_count = axis == 0 ? rows : cols;
  return p;
}

static void test_mean_general(void) {
  int64_t acc[8];
  /* Same quantization: truncating integer mean. 7/3 -> 2, -7/3 -> -2. */
  oct_reduce_params p = params_2d(2, 3, 1);
  oct_mean_quant q = {1, 0, 0, 0, -128, 127};
  const int8_t s[6] = {1, 2, 4, -1, -2, -4};
  int8_t so[2];
  oct_mean_s8_ref(&p, &q, s, so, acc);
  CHECK(so[0] == 2 && so[1] == -2);

  /* Float requantization: q_in(0.5, 10) -> q_out(0.25, 20) over
   * {10,11,12,14}: mean 11.75 * 2 - 20 = 3.5 -> 4, + 20 = 24. */
  p = params_2d(1, 4, 1);
  q = (oct_mean_quant){0, 2.0f, -20.0f, 20, 0, 255};
  const uint8_t u[4] = {10, 11, 12, 14};
  uint8_t uo;
  oct_mean_u8_ref(&p, &q, u, &uo, acc);
  CHECK_EQ_INT(uo, 24);

  /* A negative half rounds away from zero: q(1, 0) -> q(1, 1) over
   * {-1, -2}: -1.5 -> -2, + 1 = -1. And the output clamps: {127, 127}
   * into zero point 100 saturates at 127. */
  p = params_2d(2, 2, 1);
  q = (oct_mean_quant){0, 1.0f, 0.0f, 1, -128, 127};
  const int8_t n[4] = {-1, -2, 127, 127};
  oct_mean_s8_ref(&p, &q, n, so, acc);
  CHECK_EQ_INT(so[0], -1);
  q.out_zp = 100;
  oct_mean_s8_ref(&p, &q, n, so, acc);
  CHECK_EQ_INT(so[1], 127);

  /* int16 over axis 0 of [[1, -3], [2, -4]]: plain mean 1, -3. */
  p = params_2d(2, 2, 0);
  q = (oct_mean_quant){1, 0, 0, 0, INT16_MIN, INT16_MAX};
  const int16_t h[4] = {1, -3, 2, -4};
  int16_t ho[2];
  oct_mean_s16_ref(&p, &q, h, ho, acc);
  CHECK(ho[0] == 1 && ho[1] == -3);

  /* float over axis 0 of [[1, 2], [3, 5]] -> {2, 3.5}. */
  const float f[4] = {1, 2, 3, 5};
  float fo[2];
  oct_mean_f32_ref(&p, f, fo, acc);
  CHECK(fo[0] == 2.0f && fo[1] == 3.5f);

  /* int32 truncates: {-7, 0, 0} -> -2 and {7, 1, 1} -> 3. */
  p = params_2d(2, 3, 1);
  const int32_t i[6] = {-7, 0, 0, 7, 1, 1};
  int32_t io[2];
  oct_mean_s32_ref(&p, i, io, acc);
  CHECK(io[0] == -2 && io[1] == 3);

  /* Rank 0: the mean of a scalar is itself. */
  oct_reduce_params r0;
  memset(&r0, 0, sizeof r0);
  r0.out_count = r0.reduce_count = 1;
  const float one = 4.25f;
  float oo = 0;
  oct_mean_f32_ref(&r0, &one, &oo, acc);
  CHECK(oo == 4.25f);
}

static void test_argmax_kernels(void) {
  /* [2, 3] along axis 1: {1, 5, 5} -> 1 (first of a tie); {-3, -9, -3} -> 0. */
  oct_arg_params p = {2, 1, 3, 0};
  const int8_t s[6] = {1, 5, 5, -3, -9, -3};
  int32_t o32[2];
  oct_argmax_s8_ref(&p, s, o32);
  CHECK(o32[0] == 1 && o32[1] == 0);
  /* Along axis 0 of [3, 2], int64 output. */
  oct_arg_params q = {1, 2, 3, 1};
  const float f[6] = {0.5f, -1, 2, -2, 2, 7};
  int64_t o64[2];
  oct_argmax_f32_ref(&q, f, o64);
  CHECK(o64[0] == 1 && o64[1] == 2);
  /* A leading NaN wins (no value compares greater), as in TFLite. */
  const float nan[3] = {OCT_NAN, 1, 2};
  oct_arg_params r = {1, 1, 3, 0};
  oct_argmax_f32_ref(&r, nan, o32);
  CHECK_EQ_INT(o32[0], 0);
  const uint8_t b[3] = {0, 1, 1};
  oct_argmax_bool_ref(&r, b, o32);
  CHECK_EQ_INT(o32[0], 1);
  const uint8_t u[3] = {200, 255, 3};
  oct_argmax_u8_ref(&r, u, o32);
  CHECK_EQ_INT(o32[0], 1);
  const int16_t h[3] = {-5, -4, -4};
  oct_argmax_s16_ref(&r, h, o32);
  CHECK_EQ_INT(o32[0], 1);
  const int32_t w[3] = {INT32_MIN, INT32_MAX, 0};
  oct_argmax_s32_ref(&r, w, o32);
  CHECK_EQ_INT(o32[0], 1);
  const int64_t l[3] = {INT64_MIN, -1, INT64_MAX};
  oct_argmax_s64_ref(&r, l, o32);
  CHECK_EQ_INT(o32[0], 2);
}

/* MEAN on a [1, 2, 2, 1] int8 tensor through the op. */
static oct_status run_mean(const int32_t *axes, int n_axes, int keep,
                           int out_rank, const int32_t *out_dims, int8_t *out,
                           int axis_const, char *err) {
  static int8_t in[4] = {-10, -9, -8, -6};
  oh_op op;
  memset(&op, 0, sizeof op);
  oct_tensor t = oh_tensor(OCT_INT8, 4, DIMS(1, 2, 2, 1), in, 0);
  oh_quant(&t, 0.5f, -10);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT32, 1, DIMS(n_axes), (void *)axes, axis_const);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT8, out_rank, out_dims, out, 0);
  oh_quant(&t, 0.25f, 5);
  oh_add_output(&op, &t);
  oct_builtin_options o;
  memset(&o, 0, sizeof o);
  o.reducer.keep_dims = keep;
  oct_status st = oh_run(&op, &oct_op_mean, OCT_OP_MEAN, &o);
  if (err) memcpy(err, op.error, 256);
  return st;
}

static void test_mean_op(void) {
  int8_t out[4];
  char err[256];
  /* The H,W fast path (reference integer formula): 9, as in test_mean_hw. */
  CHECK_EQ_INT(run_mean(DIMS(1, 2), 2, 1, 4, DIMS(1, 1, 1, 1), out, 1, err),
               OCT_OK);
  CHECK_EQ_INT(out[0], 9);
  /* The same axes written negatively take the general float path:
   * mean -8.25, * 2 + 20 = 3.5 -> 4, + 5 = 9. */
  CHECK_EQ_INT(run_mean(DIMS(-3, -2), 2, 1, 4, DIMS(1, 1, 1, 1), out, 1, err),
               OCT_OK);
  CHECK_EQ_INT(out[0], 9);
  /* Without keep_dims the axes disappear; duplicates count once. */
  CHECK_EQ_INT(run_mean(DIMS(1, 2, -2), 3, 0, 2, DIMS(1, 1), out, 1, err),
               OCT_OK);
  CHECK_EQ_INT(out[0], 9);
  /* Reduce along W only: row {-10,-9} has mean -9.5, * 2 + 20 = 1, + 5 = 6;
   * row {-8,-6}: -7 * 2 + 20 = 6, + 5 = 11. */
  CHECK_EQ_INT(run_mean(DIMS(2), 1, 0, 3, DIMS(1, 2, 1), out, 1, err), OCT_OK);
  CHECK(out[0] == 6 && out[1] == 11);
  /* Errors. */
  CHECK_EQ_INT(run_mean(DIMS(4), 1, 0, 3, DIMS(1, 2, 2), out, 1, err),
               OCT_ERR_SHAPE);
  CHECK_EQ_INT(run_mean(DIMS(1, 2), 2, 1, 4, DIMS(1, 1, 1, 1), out, 0, err),
               OCT_ERR_UNSUPPORTED);
  CHECK(strstr(err, "constant") != NULL);
  CHECK_EQ_INT(run_mean(DIMS(1, 2), 2, 1, 2, DIMS(1, 1), out, 1, err),
               OCT_ERR_SHAPE);
}

static void test_argmax_op(void) {
  float in[6] = {0, 9, 8, 2, 8, 8}; /* rows: 1, 0, 0 (tie) */
  int64_t out[3];
  int32_t axis = -1;
  oh_op op;
  memset(&op, 0, sizeof op);
  oct_tensor t = oh_tensor(OCT_FLOAT32, 2, DIMS(3, 2), in, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT32, 1, DIMS(1), &axis, 1);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT64, 1, DIMS(3), out, 0);
  oh_add_output(&op, &t);
  oct_builtin_options o;
  memset(&o, 0, sizeof o);
  o.arg.output_type = OCT_INT64;
  CHECK_EQ_INT(oh_run(&op, &oct_op_arg_max, OCT_OP_ARG_MAX, &o), OCT_OK);
  CHECK(out[0] == 1 && out[1] == 0 && out[2] == 0);
  /* Options that disagree with the output type are refused. */
  o.arg.output_type = OCT_INT32;
  CHECK_EQ_INT(oh_run(&op, &oct_op_arg_max, OCT_OP_ARG_MAX, &o), OCT_ERR_TYPE);
}

int main(void) {
  test_mean_hw();
  test_mean_general();
  test_argmax_kernels();
  test_mean_op();
  test_argmax_op();
  return test_finish("test_reduce");
}
