/*
 * Pooling kernels (kernels/ref/pooling.c) and the AVERAGE_POOL_2D /
 * MAX_POOL_2D ops. The main case is a 3x3 image pooled 2x2 with stride 2
 * and SAME padding: output 2x2, padding only on the bottom/right, so the
 * windows cover 4, 2, 2 and 1 input pixels:
 *
 *     1  2 | -3        avg:  12/4 = 3     -7/2 = -3.5 -> -4
 *     4  5 | -4              -1/2 = -0.5 -> -1   9/1 = 9
 *     -----+---        max:  5  -3
 *     7 -8 |  9              7   9
 *
 * Integer averages round half away from zero, as TFLite does.
 */
#include <float.h>
#include <math.h>

#include "kernels/ref/pooling.h"
#include "op_harness.h"
#include "test_util.h"

extern const oct_op oct_op_average_pool_2d, oct_op_max_pool_2d;

#define DIMS(...) ((const int32_t[]){__VA_ARGS__})

static const int32_t k_img[9] = {1, 2, -3, 4, 5, -4, 7, -8, 9};

static oct_pool_params base_params(int32_t lo, int32_t hi) {
  oct_pool_params p;
  memset(&p, 0, sizeof p);
  p.batch = 1;
  p.in_h = p.in_w = 3;
  p.channels = 1;
  p.out_h = p.out_w = 2;
  p.filter_h = p.filter_w = 2;
  p.stride_h = p.stride_w = 2;
  p.act_min = lo;
  p.act_max = hi;
  p.act_min_f = -OCT_INFINITY;
  p.act_max_f = OCT_INFINITY;
  return p;
}

static void test_kernels(void) {
  oct_pool_params p = base_params(-128, 127);
  int8_t s8[9], o8[4];
  for (int i = 0; i < 9; i++) s8[i] = (int8_t)k_img[i];
  oct_avgpool_s8_ref(&p, s8, o8);
  CHECK(o8[0] == 3 && o8[1] == -4 && o8[2] == -1 && o8[3] == 9);
  oct_maxpool_s8_ref(&p, s8, o8);
  CHECK(o8[0] == 5 && o8[1] == -3 && o8[2] == 7 && o8[3] == 9);

  /* uint8: the image + 10. Windows: 52/4 = 13, 13/2 = 6.5 -> 7,
   * 19/2 = 9.5 -> 10, 19. */
  p = base_params(0, 255);
  uint8_t u8[9], ou[4];
  for (int i = 0; i < 9; i++) u8[i] = (uint8_t)(k_img[i] + 10);
  oct_avgpool_u8_ref(&p, u8, ou);
  CHECK(ou[0] == 13 && ou[1] == 7 && ou[2] == 10 && ou[3] == 19);
  oct_maxpool_u8_ref(&p, u8, ou);
  CHECK(ou[0] == 15 && ou[1] == 7 && ou[2] == 17 && ou[3] == 19);

  /* int16: the image * 1000, first pixel 1001. Clamped to [-2, 5] every
   * average saturates: 3000 -> 5, -3500 -> -2, -500 -> -2, 9000 -> 5. */
  p = base_params(-2, 5);
  int16_t s16[9], o16[4];
  for (int i = 0; i < 9; i++) s16[i] = (int16_t)(k_img[i] * 1000 + (i == 0));
  oct_avgpool_s16_ref(&p, s16, o16);
  CHECK(o16[0] == 5 && o16[1] == -2 && o16[2] == -2 && o16[3] == 5);
  p = base_params(INT16_MIN, INT16_MAX);
  oct_avgpool_s16_ref(&p, s16, o16);
  /* 12001/4 = 3000.25 -> 3000; -7000/2 = -3500; -1000/2 = -500; 9000. */
  CHECK(o16[0] == 3000 && o16[1] == -3500 && o16[2] == -500 && o16[3] == 9000);
  oct_maxpool_s16_ref(&p, s16, o16);
  CHECK(o16[0] == 5000 && o16[1] == -3000 && o16[2] == 7000 && o16[3] == 9000);

  /* float with RELU6: averages 3, -3.5, -0.5, 9 -> 3, 0, 0, 6. */
  p = base_params(0, 0);
  p.act_min_f = 0.0f;
  p.act_max_f = 6.0f;
  float f[9], of[4];
  for (int i = 0; i < 9; i++) f[i] = (float)k_img[i];
  oct_avgpool_f32_ref(&p, f, of);
  CHECK(of[0] == 3.0f && of[1] == 0.0f && of[2] == 0.0f && of[3] == 6.0f);
  p.act_min_f = -OCT_INFINITY;
  p.act_max_f = OCT_INFINITY;
  oct_avgpool_f32_ref(&p, f, of);
  CHECK(of[0] == 3.0f && of[1] == -3.5f && of[2] == -0.5f && of[3] == 9.0f);
  oct_maxpool_f32_ref(&p, f, of);
  CHECK(of[0] == 5.0f && of[1] == -3.0f && of[2] == 7.0f && of[3] == 9.0f);

  /* Ties in both directions over a 2-element window, int8, two channels
   * interleaved: (1+2)/2 = 1.5 -> 2, (-1-2)/2 = -1.5 -> -2. */
  oct_pool_params t;
  memset(&t, 0, sizeof t);
  t.batch = 1;
  t.in_h = 1;
  t.in_w = 2;
  t.channels = 2;
  t.out_h = t.out_w = 1;
  t.filter_h = 1;
  t.filter_w = 2;
  t.stride_h = t.stride_w = 1;
  t.act_min = -128;
  t.act_max = 127;
  const int8_t tin[4] = {1, -1, 2, -2};
  int8_t tout[2];
  oct_avgpool_s8_ref(&t, tin, tout);
  CHECK(tout[0] == 2 && tout[1] == -2);
}

/* AVERAGE_POOL_2D / MAX_POOL_2D on the 3x3 int8 image via the op. */
static oct_status run_pool(const oct_op *impl, int32_t code, oct_pool_options o,
                           const int32_t *out_dims, int8_t *out, float scale,
                           int32_t zp, char *err) {
  static int8_t in[9];
  for (int i = 0; i < 9; i++) in[i] = (int8_t)k_img[i];
  oh_op op;
  memset(&op, 0, sizeof op);
  oct_tensor t = oh_tensor(OCT_INT8, 4, DIMS(1, 3, 3, 1), in, 0);
  oh_quant(&t, scale, zp);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT8, 4, out_dims, out, 0);
  oh_quant(&t, scale, zp);
  oh_add_output(&op, &t);
  oct_builtin_options opts;
  memset(&opts, 0, sizeof opts);
  opts.pool = o;
  oct_status st = oh_run(&op, impl, code, &opts);
  if (err) memcpy(err, op.error, 256);
  return st;
}

static void test_ops(void) {
  int8_t out[9];
  char err[256];
  oct_pool_options o = {OCT_PAD_SAME, 2, 2, 2, 2, OCT_ACT_NONE};
  CHECK_EQ_INT(run_pool(&oct_op_average_pool_2d, OCT_OP_AVERAGE_POOL_2D, o,
                        DIMS(1, 2, 2, 1), out, 0.5f, -3, err),
               OCT_OK);
  CHECK(out[0] == 3 && out[1] == -4 && out[2] == -1 && out[3] == 9);

  /* RELU on q(0.5, -3): the clamp is the zero point, -3. */
  o.act = OCT_ACT_RELU;
  CHECK_EQ_INT(run_pool(&oct_op_average_pool_2d, OCT_OP_AVERAGE_POOL_2D, o,
                        DIMS(1, 2, 2, 1), out, 0.5f, -3, err),
               OCT_OK);
  CHECK(out[0] == 3 && out[1] == -3 && out[2] == -1 && out[3] == 9);
  /* RELU6: 6 / 0.5 - 3 = 9 is the top; RELU_N1_TO_1: [-5, -1]. */
  o.act = OCT_ACT_RELU_N1_TO_1;
  CHECK_EQ_INT(run_pool(&oct_op_max_pool_2d, OCT_OP_MAX_POOL_2D, o,
                        DIMS(1, 2, 2, 1), out, 0.5f, -3, err),
               OCT_OK);
  CHECK(out[0] == -1 && out[1] == -3 && out[2] == -1 && out[3] == -1);

  /* VALID 2x2 stride 1: a 2x2 output, every window full. */
  o = (oct_pool_options){OCT_PAD_VALID, 1, 1, 2, 2, OCT_ACT_NONE};
  CHECK_EQ_INT(run_pool(&oct_op_max_pool_2d, OCT_OP_MAX_POOL_2D, o,
                        DIMS(1, 2, 2, 1), out, 1.0f, 0, err),
               OCT_OK);
  CHECK(out[0] == 5 && out[1] == 5 && out[2] == 7 && out[3] == 9);
  /* SAME 3x3 stride 1 keeps 3x3; the corner window covers 2x2 pixels. */
  o = (oct_pool_options){OCT_PAD_SAME, 1, 1, 3, 3, OCT_ACT_NONE};
  CHECK_EQ_INT(run_pool(&oct_op_average_pool_2d, OCT_OP_AVERAGE_POOL_2D, o,
                        DIMS(1, 3, 3, 1), out, 1.0f, 0, err),
               OCT_OK);
  CHECK_EQ_INT(out[0], 3); /* (1+2+4+5)/4 */
  CHECK_EQ_INT(out[4], 1); /* all nine: 13/9 = 1.44 -> 1 */
  CHECK_EQ_INT(out[8], 1); /* (5-4-8+9)/4 = 0.5 -> 1 */

  /* Errors: a wrong declared shape, a filter larger than a VALID input, a
   * zero stride, an unsupported type. */
  o = (oct_pool_options){OCT_PAD_SAME, 2, 2, 2, 2, OCT_ACT_NONE};
  CHECK_EQ_INT(run_pool(&oct_op_average_pool_2d, OCT_OP_AVERAGE_POOL_2D, o,
                        DIMS(1, 3, 3, 1), out, 1.0f, 0, err),
               OCT_ERR_SHAPE);
  CHECK(strstr(err, "AVERAGE_POOL_2D") != NULL);
  o = (oct_pool_options){OCT_PAD_VALID, 1, 1, 4, 4, OCT_ACT_NONE};
  CHECK_EQ_INT(run_pool(&oct_op_max_pool_2d, OCT_OP_MAX_POOL_2D, o,
                        DIMS(1, 1, 1, 1), out, 1.0f, 0, err),
               OCT_ERR_SHAPE);
  o = (oct_pool_options){OCT_PAD_VALID, 0, 1, 2, 2, OCT_ACT_NONE};
  CHECK_EQ_INT(run_pool(&oct_op_max_pool_2d, OCT_OP_MAX_POOL_2D, o,
                        DIMS(1, 2, 2, 1), out, 1.0f, 0, err),
               OCT_ERR_MODEL);

  int32_t i32[4] = {0}, o32[1];
  oh_op op;
  memset(&op, 0, sizeof op);
  oct_tensor t = oh_tensor(OCT_INT32, 4, DIMS(1, 2, 2, 1), i32, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT32, 4, DIMS(1, 1, 1, 1), o32, 0);
  oh_add_output(&op, &t);
  oct_builtin_options opts;
  memset(&opts, 0, sizeof opts);
  opts.pool = (oct_pool_options){OCT_PAD_VALID, 1, 1, 2, 2, OCT_ACT_NONE};
  CHECK_EQ_INT(oh_run(&op, &oct_op_max_pool_2d, OCT_OP_MAX_POOL_2D, &opts),
               OCT_ERR_UNSUPPORTED);
}

/* Max pooling at random sizes, strides and paddings (windows hanging over
 * every edge), all four element types, against per-element window maxima;
 * float inputs hold NaN now and then, which never wins. */
static uint32_t mp_rng = 4242;
static int32_t mp_rand(int32_t lo, int32_t hi) {
  mp_rng = mp_rng * 1103515245u + 12345u;
  return lo + (int32_t)((mp_rng >> 8) % (uint32_t)(hi - lo + 1));
}

static void test_maxpool_random(void) {
  static float fin[4096], fout[4096];
  static int32_t iin[4096];
  static int8_t s8in[4096], s8out[4096];
  static uint8_t u8in[4096], u8out[4096];
  static int16_t s16in[4096], s16out[4096];
  for (int trial = 0; trial < 200; trial++) {
    oct_pool_params p;
    memset(&p, 0, sizeof p);
    p.batch = mp_rand(1, 2);
    p.in_h = mp_rand(1, 9);
    p.in_w = mp_rand(1, 9);
    p.channels = mp_rand(1, 20);
    p.filter_h = mp_rand(1, 3);
    p.filter_w = mp_rand(1, 3);
    p.stride_h = mp_rand(1, 2);
    p.stride_w = mp_rand(1, 2);
    p.pad_h = mp_rand(0, p.filter_h - 1);
    p.pad_w = mp_rand(0, p.filter_w - 1);
    p.out_h = (p.in_h + p.pad_h - p.filter_h) / p.stride_h + 1;
    p.out_w = (p.in_w + p.pad_w - p.filter_w) / p.stride_w + 1;
    if (p.out_h < 1 || p.out_w < 1) continue;
    const int32_t n = p.batch * p.in_h * p.in_w * p.channels;
    const int32_t no = p.batch * p.out_h * p.out_w * p.channels;
    for (int32_t i = 0; i < n; i++) {
      iin[i] = mp_rand(-128, 127);
      s8in[i] = (int8_t)iin[i];
      u8in[i] = (uint8_t)(iin[i] + 128);
      s16in[i] = (int16_t)(iin[i] * 200);
      fin[i] = mp_rand(0, 30) == 0 ? NAN : (float)iin[i] * 0.25f;
    }
    p.act_min = mp_rand(0, 3) ? -128 : -20;
    p.act_max = mp_rand(0, 3) ? 127 : 40;
    p.act_min_f = (float)p.act_min * 0.25f;
    p.act_max_f = (float)p.act_max * 0.25f;
    oct_pool_params pu = p, p16 = p;
    pu.act_min = p.act_min + 128;
    pu.act_max = p.act_max + 128;
    p16.act_min = p.act_min * 200;
    p16.act_max = p.act_max * 200;
    oct_maxpool_f32_ref(&p, fin, fout);
    oct_maxpool_s8_ref(&p, s8in, s8out);
    oct_maxpool_u8_ref(&pu, u8in, u8out);
    oct_maxpool_s16_ref(&p16, s16in, s16out);
    int bad = 0;
    for (int32_t o = 0; o < no; o++) {
      const int32_t c = o % p.channels, px = o / p.channels;
      const int32_t ox = px % p.out_w, oy = px / p.out_w % p.out_h,
                    b = px / (p.out_w * p.out_h);
      int32_t m = INT32_MIN;
      float mf = -FLT_MAX;
      for (int32_t y = 0; y < p.filter_h; y++)
        for (int32_t x = 0; x < p.filter_w; x++) {
          const int32_t iy = oy * p.stride_h - p.pad_h + y, ix = ox * p.stride_w - p.pad_w + x;
          if (iy < 0 || iy >= p.in_h || ix < 0 || ix >= p.in_w) continue;
          const int32_t i = ((b * p.in_h + iy) * p.in_w + ix) * p.channels + c;
          if (iin[i] > m) m = iin[i];
          if (fin[i] > mf) mf = fin[i];
        }
      const int32_t ms8 = m < p.act_min ? p.act_min : m > p.act_max ? p.act_max : m;
      float wf = mf < p.act_min_f ? p.act_min_f : mf;
      wf = wf > p.act_max_f ? p.act_max_f : wf;
      bad += s8out[o] != ms8 || u8out[o] != ms8 + 128 || s16out[o] != ms8 * 200 ||
             memcmp(&fout[o], &wf, sizeof wf) != 0;
    }
    CHECK_MSG(bad == 0, "max pool trial %d: %d outputs differ", trial, bad);
  }
}

int main(void) {
  test_kernels();
  test_maxpool_random();
  test_ops();
  return test_finish("test_pooling");
}
