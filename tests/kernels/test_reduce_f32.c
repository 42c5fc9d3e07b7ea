/*
 * Float32 SUM, REDUCE_MAX, ARG_MIN and LOG_SOFTMAX (kernels/ref/reduce_f32.c
 * and their ops) on small cases worked out by hand.
 */
#include "kernels/ref/reduce_f32.h"
#include "op_harness.h"
#include "test_util.h"

extern const oct_op oct_op_sum, oct_op_reduce_max, oct_op_arg_min, oct_op_log_softmax;

#define DIMS(...) ((const int32_t[]){__VA_ARGS__})

/* x = [[1, -2, 3], [4, 5, -6]] (2 x 3). */
static const float X[6] = {1, -2, 3, 4, 5, -6};

static oct_status reduce(const oct_op *impl, int32_t code, const int32_t *axes, int n_axes,
                         int keep, float *y, int ry, const int32_t *dy) {
  oh_op op;
  memset(&op, 0, sizeof op);
  oct_tensor t = oh_tensor(OCT_FLOAT32, 2, DIMS(2, 3), (void *)X, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT32, 1, DIMS(n_axes), (void *)axes, 1);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_FLOAT32, ry, dy, y, 0);
  oh_add_output(&op, &t);
  oct_builtin_options o;
  memset(&o, 0, sizeof o);
  o.reducer.keep_dims = keep;
  return oh_run(&op, impl, code, &o);
}

static void test_sum_max(void) {
  float y[6];
  CHECK_EQ_INT(reduce(&oct_op_sum, OCT_OP_SUM, (const int32_t[]){1}, 1, 0, y, 1, DIMS(2)),
               OCT_OK);
  CHECK(y[0] == 2.0f && y[1] == 3.0f);
  CHECK_EQ_INT(reduce(&oct_op_sum, OCT_OP_SUM, (const int32_t[]){0}, 1, 1, y, 2, DIMS(1, 3)),
               OCT_OK);
  CHECK(y[0] == 5.0f && y[1] == 3.0f && y[2] == -3.0f);
  /* Both axes, given as -1 and 0. */
  CHECK_EQ_INT(reduce(&oct_op_sum, OCT_OP_SUM, (const int32_t[]){-1, 0}, 2, 0, y, 0, DIMS(1)),
               OCT_OK);
  CHECK(y[0] == 5.0f);
  CHECK_EQ_INT(reduce(&oct_op_reduce_max, OCT_OP_REDUCE_MAX, (const int32_t[]){1}, 1, 1, y, 2,
                      DIMS(2, 1)),
               OCT_OK);
  CHECK(y[0] == 3.0f && y[1] == 5.0f);
  CHECK_EQ_INT(reduce(&oct_op_reduce_max, OCT_OP_REDUCE_MAX, (const int32_t[]){0}, 1, 0, y, 1,
                      DIMS(3)),
               OCT_OK);
  CHECK(y[0] == 4.0f && y[1] == 5.0f && y[2] == 3.0f);
  /* A wrong output shape is refused. */
  CHECK(reduce(&oct_op_sum, OCT_OP_SUM, (const int32_t[]){1}, 1, 0, y, 1, DIMS(3)) != OCT_OK);
}

static void test_argmin(void) {
  const float in[6] = {3, 1, 1, 0, 5, -2}; /* rows {3,1,1}: 1 (tie), {0,5,-2}: 2 */
  int32_t axis = 1;
  int32_t out[2] = {-1, -1};
  oh_op op;
  memset(&op, 0, sizeof op);
  oct_tensor t = oh_tensor(OCT_FLOAT32, 2, DIMS(2, 3), (void *)in, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT32, 1, DIMS(1), &axis, 1);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT32, 1, DIMS(2), out, 0);
  oh_add_output(&op, &t);
  oct_builtin_options o;
  memset(&o, 0, sizeof o);
  o.arg.output_type = OCT_INT32;
  CHECK_EQ_INT(oh_run(&op, &oct_op_arg_min, OCT_OP_ARG_MIN, &o), OCT_OK);
  CHECK(out[0] == 1 && out[1] == 2);
  /* Along axis 0: columns {3,0}, {1,5}, {1,-2} -> 1, 0, 1. */
  int64_t out64[3];
  axis = 0;
  memset(&op, 0, sizeof op);
  t = oh_tensor(OCT_FLOAT32, 2, DIMS(2, 3), (void *)in, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT32, 1, DIMS(1), &axis, 1);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT64, 1, DIMS(3), out64, 0);
  oh_add_output(&op, &t);
  o.arg.output_type = OCT_INT64;
  CHECK_EQ_INT(oh_run(&op, &oct_op_arg_min, OCT_OP_ARG_MIN, &o), OCT_OK);
  CHECK(out64[0] == 1 && out64[1] == 0 && out64[2] == 1);
}

static void test_log_softmax(void) {
  /* Row {0, ln 3}: sum of exp = 1 + 3 = 4, so y = {-ln 4, ln 3 - ln 4} =
   * {-1.3862944, -0.2876821}. Row {1000, 1000}: -ln 2 each (no overflow). */
  const float in[4] = {0.0f, 1.0986123f, 1000.0f, 1000.0f};
  float y[4];
  oh_op op;
  memset(&op, 0, sizeof op);
  oct_tensor t = oh_tensor(OCT_FLOAT32, 2, DIMS(2, 2), (void *)in, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_FLOAT32, 2, DIMS(2, 2), y, 0);
  oh_add_output(&op, &t);
  CHECK_EQ_INT(oh_run(&op, &oct_op_log_softmax, OCT_OP_LOG_SOFTMAX, NULL), OCT_OK);
  CHECK_NEAR(y[0], -1.3862944, 1e-6);
  CHECK_NEAR(y[1], -0.2876821, 1e-6);
  CHECK_NEAR(y[2], -0.6931472, 1e-6);
  CHECK_NEAR(y[3], -0.6931472, 1e-6);
}

int main(void) {
  test_sum_max();
  test_argmin();
  test_log_softmax();
  return test_finish("test_reduce_f32");
}
