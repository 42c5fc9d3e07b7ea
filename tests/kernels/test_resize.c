/*
 * Resize kernels (kernels/ref/resize.c) and the RESIZE_BILINEAR /
 * RESIZE_NEAREST_NEIGHBOR ops, on a 2x2 image grown to 3x3:
 *
 *     a b        align_corners=0: source step 2/3 -> rows 0, 0.667, 1.333
 *     c d        align_corners=1: source step 1/2 -> rows 0, 0.5, 1
 *                half_pixel:      (i + 0.5) * 2/3 - 0.5 -> -0.167, 0.5, 1.167
 *
 * Positions past the last pixel clamp to it, so the last row/column copies
 * the input's. The integer kernels use 1/1024 pixel units: 2/3 is 683.
 */
#include "kernels/ref/resize.h"
#include "op_harness.h"
#include "test_util.h"

extern const oct_op oct_op_resize_bilinear, oct_op_resize_nearest_neighbor;

#define DIMS(...) ((const int32_t[]){__VA_ARGS__})

static oct_resize_params grow(int align, int half) {
  oct_resize_params p = {1, 2, 2, 1, 3, 3, align, half};
  return p;
}

static void test_bilinear_float(void) {
  const float in[4] = {0, 10, 20, 30};
  float out[9];
  oct_resize_params p = grow(0, 0);
  oct_resize_bilinear_f32_ref(&p, in, out);
  /* Row 0: 0, 10 * 2/3, 10. Centre: 0*(1/9) + 20*(2/9) + 10*(2/9) +
   * 30*(4/9) = 20. Last row/column clamp to the input's. */
  CHECK_NEAR(out[0], 0.0, 1e-6);
  CHECK_NEAR(out[1], 20.0 / 3.0, 1e-5);
  CHECK_NEAR(out[2], 10.0, 1e-5);
  CHECK_NEAR(out[4], 20.0, 1e-5);
  CHECK_NEAR(out[8], 30.0, 1e-5);
  p = grow(1, 0);
  oct_resize_bilinear_f32_ref(&p, in, out);
  CHECK_NEAR(out[1], 5.0, 1e-6);
  CHECK_NEAR(out[4], 15.0, 1e-6);
  CHECK_NEAR(out[8], 30.0, 1e-6);
  /* Half-pixel: row 0 samples at -0.167, which clamps to row 0 (the two
   * taps coincide and their weights 1.167 and -0.167 still sum to 1). */
  p = grow(0, 1);
  oct_resize_bilinear_f32_ref(&p, in, out);
  CHECK_NEAR(out[0], 0.0, 1e-5);
  CHECK_NEAR(out[4], 15.0, 1e-5);
  CHECK_NEAR(out[8], 30.0, 1e-5);
}

static void test_bilinear_int(void) {
  /* uint8 rounds the float blend: 100 + 10 * 2/3 = 106.67 -> 107. */
  const uint8_t u[4] = {100, 110, 120, 130};
  uint8_t uo[9];
  oct_resize_params p = grow(0, 0);
  oct_resize_bilinear_u8_ref(&p, u, uo);
  CHECK(uo[0] == 100 && uo[1] == 107 && uo[2] == 110 && uo[4] == 120 &&
        uo[8] == 130);

  /* int8 in 1/1024 units, steps of 683: (0,1): 10 * 1024 * 683 / 2^20 =
   * 6.67 -> 7; centre: 683 * (20*341 + 10*341 + 30*683) / 2^20 = 20.01 ->
   * 20. Negated input: halves round away from zero, -6.67 -> -7. */
  const int8_t s[4] = {0, 10, 20, 30};
  int8_t so[9];
  oct_resize_bilinear_s8_ref(&p, s, so);
  CHECK(so[0] == 0 && so[1] == 7 && so[2] == 10 && so[4] == 20 && so[8] == 30);
  const int8_t n[4] = {0, -10, -20, -30};
  oct_resize_bilinear_s8_ref(&p, n, so);
  CHECK(so[1] == -7 && so[4] == -20 && so[8] == -30);
  /* Half-pixel starts at 341 - 512 = -171: clamps to row 0 exactly. */
  p = grow(0, 1);
  oct_resize_bilinear_s8_ref(&p, s, so);
  CHECK(so[0] == 0 && so[4] == 15 && so[8] == 30);

  /* int16 with align_corners: the step is (1024 + 1) / 2 = 512, so the
   * centre is the plain average. */
  const int16_t h[4] = {0, 1000, 2000, -3000};
  int16_t ho[9];
  p = grow(1, 0);
  oct_resize_bilinear_s16_ref(&p, h, ho);
  CHECK(ho[0] == 0 && ho[1] == 500 && ho[4] == 0 && ho[8] == -3000);
  CHECK_EQ_INT(ho[7], -500); /* (2000 - 3000) / 2 */
}

static void test_nearest(void) {
  /* Rows/columns sampled: align 0 -> 0,0,1; align 1 -> 0,1,1 (0.5 rounds
   * up); half-pixel -> 0,1,1. */
  const int32_t in[4] = {1, 2, 3, 4};
  int32_t out[9];
  oct_resize_params p = grow(0, 0);
  oct_resize_nearest_ref(&p, 4, in, out);
  const int32_t w0[9] = {1, 1, 2, 1, 1, 2, 3, 3, 4};
  CHECK(memcmp(out, w0, sizeof w0) == 0);
  p = grow(1, 0);
  oct_resize_nearest_ref(&p, 4, in, out);
  const int32_t w1[9] = {1, 2, 2, 3, 4, 4, 3, 4, 4};
  CHECK(memcmp(out, w1, sizeof w1) == 0);
  p = grow(0, 1);
  oct_resize_nearest_ref(&p, 4, in, out);
  CHECK(memcmp(out, w1, sizeof w1) == 0);
  /* Shrinking 1x4 -> 1x2 with half-pixel centres picks columns 1 and 3. */
  const int8_t row[4] = {10, 11, 12, 13};
  int8_t ro[2];
  oct_resize_params d = {1, 1, 4, 1, 1, 2, 0, 1};
  oct_resize_nearest_ref(&d, 1, row, ro);
  CHECK(ro[0] == 11 && ro[1] == 13);
}

static oct_status run_resize(const oct_op *impl, int32_t code, oct_dtype type,
                             const int32_t *size, int size_const,
                             oct_resize_options ro, const int32_t *out_dims) {
  static uint8_t in[64], out[256];
  oh_op op;
  memset(&op, 0, sizeof op);
  oct_tensor t = oh_tensor(type, 4, DIMS(1, 2, 2, 1), in, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT32, 1, DIMS(2), (void *)size, size_const);
  oh_add_input(&op, &t);
  t = oh_tensor(type, 4, out_dims, out, 0);
  oh_add_output(&op, &t);
  oct_builtin_options o;
  memset(&o, 0, sizeof o);
  o.resize = ro;
  return oh_run(&op, impl, code, &o);
}

static void test_ops(void) {
  const oct_resize_options plain = {0, 0}, both = {1, 1};
  CHECK_EQ_INT(run_resize(&oct_op_resize_bilinear, OCT_OP_RESIZE_BILINEAR,
                          OCT_INT8, DIMS(3, 5), 1, plain, DIMS(1, 3, 5, 1)),
               OCT_OK);
  CHECK_EQ_INT(run_resize(&oct_op_resize_bilinear, OCT_OP_RESIZE_BILINEAR,
                          OCT_INT8, DIMS(3, 5), 1, plain, DIMS(1, 5, 3, 1)),
               OCT_ERR_SHAPE);
  CHECK_EQ_INT(run_resize(&oct_op_resize_bilinear, OCT_OP_RESIZE_BILINEAR,
                          OCT_INT8, DIMS(3, 5), 0, plain, DIMS(1, 3, 5, 1)),
               OCT_ERR_UNSUPPORTED);
  CHECK_EQ_INT(run_resize(&oct_op_resize_bilinear, OCT_OP_RESIZE_BILINEAR,
                          OCT_INT8, DIMS(3, 5), 1, both, DIMS(1, 3, 5, 1)),
               OCT_ERR_MODEL);
  CHECK_EQ_INT(run_resize(&oct_op_resize_bilinear, OCT_OP_RESIZE_BILINEAR,
                          OCT_INT32, DIMS(3, 5), 1, plain, DIMS(1, 3, 5, 1)),
               OCT_ERR_UNSUPPORTED);
  CHECK_EQ_INT(run_resize(&oct_op_resize_nearest_neighbor,
                          OCT_OP_RESIZE_NEAREST_NEIGHBOR, OCT_INT32, DIMS(4, 4),
                          1, plain, DIMS(1, 4, 4, 1)),
               OCT_OK);
  CHECK_EQ_INT(run_resize(&oct_op_resize_nearest_neighbor,
                          OCT_OP_RESIZE_NEAREST_NEIGHBOR, OCT_INT16, DIMS(0, 4),
                          1, plain, DIMS(1, 1, 4, 1)),
               OCT_ERR_SHAPE);
}

int main(void) {
  test_bilinear_float();
  test_bilinear_int();
  test_nearest();
  test_ops();
  return test_finish("test_resize");
}
