/*
 * Float32 math ops (kernels/ref/math_f32.c, ops/math_common.c): ABS, NEG,
 * EXP, FLOOR, SQRT, RSQRT, GELU (exact and tanh), DIV (with a fused
 * activation), POW and PRELU with broadcasting, on values worked out by
 * hand; non-float inputs and shapes that do not broadcast are refused.
 */
#include "kernels/ref/math_f32.h"
#include "op_harness.h"
#include "test_util.h"

extern const oct_op oct_op_abs, oct_op_neg, oct_op_exp, oct_op_floor, oct_op_sqrt,
    oct_op_rsqrt, oct_op_gelu, oct_op_div, oct_op_pow, oct_op_prelu;

#define DIMS(...) ((const int32_t[]){__VA_ARGS__})

static oct_status run_unary(const oct_op *impl, int32_t code, const float *x, float *y,
                            int n, const oct_builtin_options *o) {
  oh_op op;
  memset(&op, 0, sizeof op);
  oct_tensor t = oh_tensor(OCT_FLOAT32, 1, DIMS(n), (void *)x, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_FLOAT32, 1, DIMS(n), y, 0);
  oh_add_output(&op, &t);
  return oh_run(&op, impl, code, o);
}

static void test_unary(void) {
  const float x[4] = {-2.5f, -1.5f, 1.0f, 4.0f};
  float y[4];
  CHECK_EQ_INT(run_unary(&oct_op_abs, OCT_OP_ABS, x, y, 4, NULL), OCT_OK);
  CHECK(y[0] == 2.5f && y[1] == 1.5f && y[2] == 1.0f && y[3] == 4.0f);
  CHECK_EQ_INT(run_unary(&oct_op_neg, OCT_OP_NEG, x, y, 4, NULL), OCT_OK);
  CHECK(y[0] == 2.5f && y[1] == 1.5f && y[2] == -1.0f && y[3] == -4.0f);
  CHECK_EQ_INT(run_unary(&oct_op_floor, OCT_OP_FLOOR, x, y, 4, NULL), OCT_OK);
  CHECK(y[0] == -3.0f && y[1] == -2.0f && y[2] == 1.0f && y[3] == 4.0f);
  CHECK_EQ_INT(run_unary(&oct_op_exp, OCT_OP_EXP, x, y, 4, NULL), OCT_OK);
  CHECK_NEAR(y[2], 2.7182818, 1e-6);
  CHECK_NEAR(y[0], 0.0820850, 1e-6);
  CHECK_EQ_INT(run_unary(&oct_op_sqrt, OCT_OP_SQRT, x + 2, y, 2, NULL), OCT_OK);
  CHECK(y[0] == 1.0f && y[1] == 2.0f);
  CHECK_EQ_INT(run_unary(&oct_op_rsqrt, OCT_OP_RSQRT, x + 2, y, 2, NULL), OCT_OK);
  CHECK(y[0] == 1.0f && y[1] == 0.5f);
  /* GELU(1) = 0.5 (1 + erf(1/sqrt 2)) = 0.8413447; GELU(-1.5) = -1.5 * 0.0668072
   * = -0.1002108; tanh form: 0.5 (1 + tanh(0.7978846 * 1.044715)) = 0.8411920. */
  CHECK_EQ_INT(run_unary(&oct_op_gelu, OCT_OP_GELU, x, y, 4, NULL), OCT_OK);
  CHECK_NEAR(y[2], 0.8413447, 1e-6);
  CHECK_NEAR(y[1], -0.1002108, 1e-6);
  oct_builtin_options o;
  memset(&o, 0, sizeof o);
  o.gelu.approximate = 1;
  CHECK_EQ_INT(run_unary(&oct_op_gelu, OCT_OP_GELU, x, y, 4, &o), OCT_OK);
  CHECK_NEAR(y[2], 0.8411920, 1e-6);

  /* int8 is refused with a message, not mis-run. */
  int8_t q[2] = {1, 2}, qo[2];
  oh_op op;
  memset(&op, 0, sizeof op);
  oct_tensor t = oh_tensor(OCT_INT8, 1, DIMS(2), q, 0);
  oh_quant(&t, 0.5f, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT8, 1, DIMS(2), qo, 0);
  oh_quant(&t, 0.5f, 0);
  oh_add_output(&op, &t);
  CHECK_EQ_INT(oh_run(&op, &oct_op_exp, OCT_OP_EXP, NULL), OCT_ERR_UNSUPPORTED);
}

static oct_status run_binary(const oct_op *impl, int32_t code, const float *a, int ra,
                             const int32_t *da, const float *b, int rb, const int32_t *db,
                             float *y, int ry, const int32_t *dy,
                             const oct_builtin_options *o) {
  oh_op op;
  memset(&op, 0, sizeof op);
  oct_tensor t = oh_tensor(OCT_FLOAT32, ra, da, (void *)a, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_FLOAT32, rb, db, (void *)b, 1);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_FLOAT32, ry, dy, y, 0);
  oh_add_output(&op, &t);
  return oh_run(&op, impl, code, o);
}

static void test_binary(void) {
  const float a[4] = {6, -3, 1, 0};
  const float two[1] = {2};
  float y[4];
  CHECK_EQ_INT(run_binary(&oct_op_div, OCT_OP_DIV, a, 2, DIMS(2, 2), two, 1, DIMS(1), y, 2,
                          DIMS(2, 2), NULL),
               OCT_OK);
  CHECK(y[0] == 3.0f && y[1] == -1.5f && y[2] == 0.5f && y[3] == 0.0f);
  oct_builtin_options o;
  memset(&o, 0, sizeof o);
  o.arith.act = OCT_ACT_RELU;
  CHECK_EQ_INT(run_binary(&oct_op_div, OCT_OP_DIV, a, 2, DIMS(2, 2), two, 1, DIMS(1), y, 2,
                          DIMS(2, 2), &o),
               OCT_OK);
  CHECK(y[0] == 3.0f && y[1] == 0.0f);

  /* POW: [2, 3, 4, 9] ^ [3, 0.5] per row: 8, 1.7320508, 64, 3. */
  const float base[4] = {2, 3, 4, 9}, ex[2] = {3, 0.5f};
  CHECK_EQ_INT(run_binary(&oct_op_pow, OCT_OP_POW, base, 2, DIMS(2, 2), ex, 1, DIMS(2), y,
                          2, DIMS(2, 2), NULL),
               OCT_OK);
  CHECK_NEAR(y[0], 8.0, 1e-6);
  CHECK_NEAR(y[1], 1.7320508, 1e-6);
  CHECK_NEAR(y[2], 64.0, 1e-5);
  CHECK_NEAR(y[3], 3.0, 1e-6);

  /* PRELU, alpha per channel (last axis): [-2, 3, -4, 5] * [0.5, 0.25]. */
  const float x[4] = {-2, 3, -4, 5}, alpha[2] = {0.5f, 0.25f};
  CHECK_EQ_INT(run_binary(&oct_op_prelu, OCT_OP_PRELU, x, 2, DIMS(2, 2), alpha, 1, DIMS(2),
                          y, 2, DIMS(2, 2), NULL),
               OCT_OK);
  CHECK(y[0] == -1.0f && y[1] == 3.0f && y[2] == -2.0f && y[3] == 5.0f);

  /* Shapes that do not broadcast are refused. */
  const float three[3] = {1, 2, 3};
  CHECK_EQ_INT(run_binary(&oct_op_div, OCT_OP_DIV, a, 2, DIMS(2, 2), three, 1, DIMS(3), y,
                          2, DIMS(2, 2), NULL),
               OCT_ERR_SHAPE);
}

int main(void) {
  test_unary();
  test_binary();
  return test_finish("test_math_f32");
}
