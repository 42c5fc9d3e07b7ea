/*
 * ADD, SUB, MUL, MINIMUM, MAXIMUM: the broadcast description, the kernels on
 * hand-computed values and saturation edges, broadcasting against a naive
 * index computation up to rank 8, TFLite 2.9's recorded outputs, and
 * models that prepare must refuse.
 */
#include "elementwise_cases.h"

#include "kernels/ref/binary.h"
#include "kernels/ref/quant_math.h"
#include "runtime/builtin.h"

#include "tflite_cases.h"

#define N_CASES (sizeof k_tflite_cases / sizeof k_tflite_cases[0])

static void test_bcast_init(void) {
  oct_bcast_shape b;
  int32_t od[OCT_MAX_RANK], orank = 0;
  /* [2,3,4] + [4]: inner axis present in both, outer merged for input 1 */
  const int32_t a1[] = {2, 3, 4}, b1[] = {4};
  CHECK(oct_bcast_init(&b, a1, 3, b1, 1, od, &orank) == 0);
  CHECK_EQ_INT(orank, 3);
  CHECK(od[0] == 2 && od[1] == 3 && od[2] == 4);
  CHECK_EQ_INT(b.rank, 2);
  CHECK(b.dims[0] == 6 && b.dims[1] == 4);
  CHECK(b.stride1[0] == 4 && b.stride1[1] == 1);
  CHECK(b.stride2[0] == 0 && b.stride2[1] == 1);
  /* same shapes merge to one axis */
  const int32_t a2[] = {2, 3, 4};
  CHECK(oct_bcast_init(&b, a2, 3, a2, 3, od, &orank) == 0);
  CHECK(b.rank == 1 && b.dims[0] == 24 && b.stride1[0] == 1 &&
        b.stride2[0] == 1);
  /* [3,1] + [1,5] */
  const int32_t a3[] = {3, 1}, b3[] = {1, 5};
  CHECK(oct_bcast_init(&b, a3, 2, b3, 2, od, &orank) == 0);
  CHECK(b.rank == 2 && b.dims[0] == 3 && b.dims[1] == 5);
  CHECK(b.stride1[0] == 1 && b.stride1[1] == 0 && b.stride2[0] == 0 &&
        b.stride2[1] == 1);
  /* scalars, and all-ones shapes */
  CHECK(oct_bcast_init(&b, a3, 0, b3, 0, od, &orank) == 0);
  CHECK(orank == 0 && b.rank == 1 && b.dims[0] == 1);
  const int32_t ones[] = {1, 1, 1};
  CHECK(oct_bcast_init(&b, ones, 3, a3, 0, od, &orank) == 0);
  CHECK(orank == 3 && b.rank == 1 && b.dims[0] == 1);
  /* empty: a zero dim gives an empty output */
  const int32_t z[] = {0, 3}, z2[] = {1, 3};
  CHECK(oct_bcast_init(&b, z, 2, z2, 2, od, &orank) == 0);
  CHECK(od[0] == 0 && b.dims[0] == 0);
  oct_bcast_iter it;
  CHECK(!oct_bcast_begin(&b, &it));
  /* incompatible shapes, bad ranks, negative dims */
  const int32_t c1[] = {2, 3}, c2[] = {3, 2};
  CHECK(oct_bcast_init(&b, c1, 2, c2, 2, od, &orank) != 0);
  CHECK(oct_bcast_init(&b, c1, OCT_MAX_RANK + 1, c2, 1, od, &orank) != 0);
  const int32_t neg[] = {-1};
  CHECK(oct_bcast_init(&b, neg, 1, neg, 1, od, &orank) != 0);
}

/* Naive broadcast index of output element `flat` into an input of rank r. */
static size_t naive_index(size_t flat, const int32_t *odims, int orank,
                          const int32_t *dims, int rank) {
  size_t idx = 0, stride = 1;
  for (int d = orank - 1; d >= 0; d--) {
    const size_t coord = flat % (size_t)odims[d];
    flat /= (size_t)odims[d];
    const int k = d - (orank - rank);
    if (k >= 0) {
      if (dims[k] != 1) idx += coord * stride;
      stride *= (size_t)dims[k];
    }
  }
  return idx;
}

static uint32_t lcg(uint32_t *x) {
  *x = *x * 1664525u + 1013904223u;
  return *x >> 8;
}

/* Random shapes up to rank 8: every kernel family must read the same
 * elements as the naive index computation. */
static void test_bcast_random(void) {
  uint32_t x = 42;
  int32_t a[1024], b[1024], y[4096];
  int8_t a8[1024], b8[1024], y8[4096];
  for (int iter = 0; iter < 400; iter++) {
    const int orank = 1 + (int)(lcg(&x) % OCT_MAX_RANK);
    int32_t odims[OCT_MAX_RANK], d1[OCT_MAX_RANK], d2[OCT_MAX_RANK];
    size_t total = 1;
    for (int d = 0; d < orank; d++) {
      odims[d] = 1 + (int32_t)(lcg(&x) % (orank > 5 ? 2 : 4));
      total *= (size_t)odims[d];
    }
    if (total > 4096) continue;
    const int r1 = (int)(lcg(&x) % (unsigned)(orank + 1));
    const int r2 =
        orank - (int)(lcg(&x) % 2) * (int)(lcg(&x) % (unsigned)(orank + 1));
    size_t n1 = 1, n2 = 1;
    for (int k = 0; k < r1; k++) {
      d1[k] = lcg(&x) % 3 == 0 ? 1 : odims[k + orank - r1];
      n1 *= (size_t)d1[k];
    }
    for (int k = 0; k < r2; k++) {
      d2[k] = lcg(&x) % 3 == 0 ? 1 : odims[k + orank - r2];
      n2 *= (size_t)d2[k];
    }
    if (n1 > 1024 || n2 > 1024) continue;
    for (size_t i = 0; i < n1; i++)
      a[i] = (int32_t)(lcg(&x) % 1000), a8[i] = (int8_t)(lcg(&x) % 50);
    for (size_t i = 0; i < n2; i++)
      b[i] = (int32_t)(lcg(&x) % 1000), b8[i] = (int8_t)(lcg(&x) % 50);
    oct_bcast_shape bs;
    int32_t od[OCT_MAX_RANK], or_ = 0;
    if (oct_bcast_init(&bs, d1, r1, d2, r2, od, &or_) != 0) {
      CHECK_MSG(0, "iteration %d: shapes should broadcast", iter);
      continue;
    }
    /* axes that neither input spans are 1 in the real output */
    total = 1;
    for (int d = 0; d < or_; d++) total *= (size_t)od[d];
    const oct_arith_s32_params p = {INT32_MIN, INT32_MAX};
    oct_sub_s32_ref(&p, &bs, a, b, y);
    oct_maximum_s8_ref(&bs, a8, b8, y8);
    int bad = 0;
    for (size_t i = 0; i < total; i++) {
      const size_t i1 = naive_index(i, od, or_, d1, r1);
      const size_t i2 = naive_index(i, od, or_, d2, r2);
      bad += y[i] != a[i1] - b[i2];
      bad += y8[i] != (a8[i1] > b8[i2] ? a8[i1] : b8[i2]);
    }
    CHECK_MSG(bad == 0, "iteration %d: rank %d broadcast, %d wrong", iter,
              orank, bad);
  }
}

static void flat(oct_bcast_shape *b, int32_t n) {
  int32_t od[OCT_MAX_RANK], orank;
  oct_bcast_init(b, &n, 1, &n, 1, od, &orank);
}

static void test_float_int32(void) {
  oct_bcast_shape b;
  flat(&b, 4);
  const float fa[4] = {1.5f, -2.0f, 3.0e38f, 0.25f},
              fb[4] = {2.0f, 0.5f, 3.0e38f, -8.0f};
  float fy[4];
  /* no activation clamps at +-FLT_MAX, as TFLite's does */
  const oct_arith_f32_params none = {-FLT_MAX, FLT_MAX}, relu6 = {0.0f, 6.0f};
  oct_add_f32_ref(&none, &b, fa, fb, fy);
  CHECK(fy[0] == 3.5f && fy[1] == -1.5f && fy[2] == FLT_MAX && fy[3] == -7.75f);
  oct_sub_f32_ref(&relu6, &b, fa, fb, fy);
  CHECK(fy[0] == 0.0f && fy[1] == 0.0f && fy[2] == 0.0f && fy[3] == 6.0f);
  oct_mul_f32_ref(&none, &b, fa, fb, fy);
  CHECK(fy[0] == 3.0f && fy[1] == -1.0f && fy[2] == FLT_MAX && fy[3] == -2.0f);
  oct_minimum_f32_ref(&b, fa, fb, fy);
  CHECK(fy[0] == 1.5f && fy[1] == -2.0f && fy[3] == -8.0f);
  /* int32 wraps modulo 2^32 like TFLite's compiled arithmetic */
  const int32_t ia[4] = {INT32_MAX, INT32_MIN, 7, -3},
                ib[4] = {1, -1, -9, 65536};
  int32_t iy[4];
  const oct_arith_s32_params all = {INT32_MIN, INT32_MAX}, r6 = {0, 6};
  oct_add_s32_ref(&all, &b, ia, ib, iy);
  CHECK(iy[0] == INT32_MIN && iy[1] == INT32_MAX && iy[2] == -2 &&
        iy[3] == 65533);
  oct_mul_s32_ref(&all, &b, ia, ib, iy);
  CHECK(iy[0] == INT32_MAX && iy[1] == INT32_MIN && iy[2] == -63 &&
        iy[3] == -196608);
  oct_sub_s32_ref(&r6, &b, ia, ib, iy);
  CHECK(iy[0] == 6 && iy[1] == 0 && iy[2] == 6 && iy[3] == 0);
  oct_maximum_s32_ref(&b, ia, ib, iy);
  CHECK(iy[0] == INT32_MAX && iy[1] == -1 && iy[2] == 7 && iy[3] == 65536);
}

/* Quantized kernels with parameters worked out by hand. */
static void test_quant_by_hand(void) {
  oct_bcast_shape b;
  flat(&b, 5);
  /* ADD int8, all scales 0.5, zero points 0: real multipliers 1/2, 1/2 and
   * 2 / 2^20, so y = round(x1 + x2) with TFLite's ties: a + b is exact here. */
  oct_add_quant_params p = {0};
  p.left_shift = 20;
  oct_quantize_multiplier(0.5, &p.in1_mult, &p.in1_shift);
  oct_quantize_multiplier(0.5, &p.in2_mult, &p.in2_shift);
  oct_quantize_multiplier(1.0 / (1 << 19), &p.out_mult, &p.out_shift);
  p.act_min = -128;
  p.act_max = 127;
  const int8_t a[5] = {1, -128, 127, 100, -5}, c[5] = {2, -128, 127, 27, 5};
  int8_t y[5];
  oct_add_s8_ref(&p, &b, a, c, y);
  CHECK(y[0] == 3 && y[1] == -128 && y[2] == 127 && y[3] == 127 && y[4] == 0);
  oct_sub_s8_ref(&p, &b, a, c, y);
  CHECK(y[0] == -1 && y[1] == 0 && y[2] == 0 && y[3] == 73 && y[4] == -10);
  /* zero points and a fused RELU (act_min = zp) */
  p.in1_offset = 10;  /* zp1 = -10 */
  p.out_offset = -20; /* zp_out = -20 */
  p.act_min = -20;
  oct_add_s8_ref(&p, &b, a, c, y);
  /* (1+10)+(2) = 13 -> -7; (-128+10)+(-128) = -246 -> clamps at relu -20 */
  CHECK(y[0] == -7 && y[1] == -20 && y[2] == 127 && y[3] == 117 && y[4] == -10);

  /* uint8 MUL: scales 0.5 * 0.25 / 0.125 = 1, zp 128 on input 1 */
  oct_mul_quant_params m = {0};
  m.in1_offset = -128;
  oct_quantize_multiplier(1.0, &m.out_mult, &m.out_shift);
  m.act_min = 0;
  m.act_max = 255;
  const uint8_t ua[5] = {130, 128, 255, 0, 140}, ub[5] = {3, 200, 255, 1, 21};
  uint8_t uy[5];
  oct_mul_u8_ref(&m, &b, ua, ub, uy);
  CHECK(uy[0] == 6 && uy[1] == 0 && uy[2] == 255 && uy[3] == 0 && uy[4] == 252);

  /* int16 MUL saturates at the type edges: 32767 * 32767 * 2^-15 */
  oct_mul_quant_params m16 = {0};
  oct_quantize_multiplier(1.0 / 32768.0, &m16.out_mult, &m16.out_shift);
  m16.act_min = INT16_MIN;
  m16.act_max = INT16_MAX;
  const int16_t sa[5] = {32767, -32768, -32768, 2, 181},
                sb[5] = {32767, -32768, 32767, 3, 181};
  int16_t sy[5];
  oct_mul_s16_ref(&m16, &b, sa, sb, sy);
  CHECK(sy[0] == 32766 && sy[1] == 32767 && sy[2] == -32767 && sy[3] == 0 &&
        sy[4] == 1);

  /* int16 power-of-two ADD/SUB: input 2 four times finer, rounding half
   * away from zero, saturating */
  oct_add_pot_s16_params pp = {0, 2, 0, INT16_MIN, INT16_MAX};
  const int16_t pa[5] = {100, 32767, -32768, 0, 0}, pb[5] = {6, 8, -8, -6, 2};
  oct_add_pot_s16_ref(&pp, &b, pa, pb, sy);
  CHECK(sy[0] == 102 && sy[1] == 32767 && sy[2] == -32768 && sy[3] == -2 &&
        sy[4] == 1);
  pp.subtract = 1;
  oct_add_pot_s16_ref(&pp, &b, pa, pb, sy);
  CHECK(sy[0] == 98 && sy[1] == 32765 && sy[2] == -32766 && sy[3] == 2 &&
        sy[4] == -1);
}

/* TFLite 2.9 computes quantized SUB as a - b. Later versions run ADD with
 * input 2's multiplier negated, and the doubling high multiply rounds
 * -x.5 up where it rounds +x.5 up too, so the two differ on ties. This
 * multiplier (input 2 scale 0.68691587 against 1.0) ties for x2 = 107;
 * the expected values are TFLite 2.9's. */
static void test_sub_rounding(void) {
  oct_bcast_shape b;
  flat(&b, 4);
  const float s2 = 0.6869158744812012f;
  oct_add_quant_params p = {0};
  p.left_shift = 20;
  oct_quantize_multiplier(1.0 / 2.0, &p.in1_mult, &p.in1_shift);
  oct_quantize_multiplier((double)s2 / 2.0, &p.in2_mult, &p.in2_shift);
  oct_quantize_multiplier(2.0 / (1 << 20), &p.out_mult, &p.out_shift);
  p.act_min = -128;
  p.act_max = 127;
  const int8_t a[4] = {100, -20, 0, 50}, c[4] = {107, 107, 107, 107};
  int8_t y[4];
  oct_sub_s8_ref(&p, &b, a, c, y);
  CHECK(y[0] == 27 && y[1] == -94 && y[2] == -74 && y[3] == -24);
  /* what a + (-b) would give */
  p.in2_mult = -p.in2_mult;
  oct_add_s8_ref(&p, &b, a, c, y);
  CHECK(y[0] == 27 && y[1] == -93 && y[2] == -73 && y[3] == -23);
}

static ew_model binary_model(int32_t op, oct_dtype t, const int32_t *d1, int r1,
                             const int32_t *d2, int r2, const int32_t *dout,
                             int rout) {
  ew_model m;
  memset(&m, 0, sizeof m);
  m.op = op;
  m.version = 1;
  m.n_tensors = 3;
  m.n_in = 2;
  const int32_t *dims[3] = {d1, d2, dout};
  const int ranks[3] = {r1, r2, rout};
  for (int i = 0; i < 3; i++) {
    m.t[i].type = t;
    m.t[i].rank = ranks[i];
    memcpy(m.t[i].dims, dims[i], sizeof(int32_t) * (size_t)ranks[i]);
    if (t != OCT_FLOAT32 && t != OCT_INT32) {
      m.t[i].quantized = 1;
      m.t[i].n_scales = 1;
      m.t[i].scale = 0.05f;
    }
  }
  if (op != OCT_OP_MINIMUM && op != OCT_OP_MAXIMUM) {
    m.opt_type = op == OCT_OP_ADD ? 11 : (op == OCT_OP_SUB ? 28 : 21);
    m.opt[0] = ew_u8(0, 0);
    m.n_opt = 1;
  }
  return m;
}

static void expect_refused(const ew_model *m, const char *what) {
  ew_run r;
  const oct_status st = ew_open(&r, m);
  CHECK_MSG(st != OCT_OK, "%s: accepted", what);
  ew_close(&r);
}

static void test_bad_models(void) {
  const int32_t s4[] = {4}, s3[] = {3}, s23[] = {2, 3};
  ew_model m = binary_model(OCT_OP_ADD, OCT_INT8, s4, 1, s3, 1, s4, 1);
  expect_refused(&m, "shapes that do not broadcast");
  m = binary_model(OCT_OP_ADD, OCT_INT8, s23, 2, s3, 1, s3, 1);
  expect_refused(&m, "wrong output shape");
  m = binary_model(OCT_OP_MUL, OCT_INT8, s4, 1, s4, 1, s4, 1);
  m.t[1].type = OCT_UINT8;
  expect_refused(&m, "mixed input types");
  m = binary_model(OCT_OP_MUL, OCT_INT8, s4, 1, s4, 1, s4, 1);
  m.t[2].type = OCT_INT16;
  expect_refused(&m, "MUL output type differs");
  m = binary_model(OCT_OP_ADD, OCT_INT8, s4, 1, s4, 1, s4, 1);
  m.t[0].quantized = 0;
  expect_refused(&m, "missing quantization");
  m = binary_model(OCT_OP_ADD, OCT_INT8, s4, 1, s4, 1, s4, 1);
  m.t[1].scale = 0.0f;
  expect_refused(&m, "zero scale");
  m = binary_model(OCT_OP_MUL, OCT_UINT8, s4, 1, s4, 1, s4, 1);
  m.t[2].scale = NAN;
  expect_refused(&m, "NaN scale");
  m = binary_model(OCT_OP_SUB, OCT_UINT8, s4, 1, s4, 1, s4, 1);
  m.t[0].zero_point = 300;
  expect_refused(&m, "zero point outside uint8");
  m = binary_model(OCT_OP_ADD, OCT_INT8, s4, 1, s4, 1, s4, 1);
  m.t[2].scale = 1e-9f;
  expect_refused(&m, "output multiplier above 1");
  m = binary_model(OCT_OP_ADD, OCT_FLOAT32, s4, 1, s4, 1, s4, 1);
  m.opt[0] = ew_u8(0, OCT_ACT_TANH);
  expect_refused(&m, "fused TANH");
  m = binary_model(OCT_OP_MAXIMUM, OCT_FLOAT16, s4, 1, s4, 1, s4, 1);
  expect_refused(&m, "float16 inputs");
  m = binary_model(OCT_OP_ADD, OCT_INT8, s4, 1, s4, 1, s4, 1);
  m.n_in = 1;
  m.n_tensors = 2;
  expect_refused(&m, "one input");
  /* per-channel quantization of an activation */
  static const float sc[4] = {0.1f, 0.2f, 0.3f, 0.4f};
  static const int64_t zp[4] = {0, 0, 0, 0};
  m = binary_model(OCT_OP_ADD, OCT_INT8, s4, 1, s4, 1, s4, 1);
  m.t[0].n_scales = 4;
  m.t[0].scales = sc;
  m.t[0].zero_points = zp;
  expect_refused(&m, "per-channel input");
}

/* Rank 6 and broadcasting against a constant through the whole op. */
static void test_model_rank6(void) {
  const int32_t d1[] = {2, 1, 3, 1, 2, 2}, d2[] = {4, 1, 5, 1, 1},
                dout[] = {2, 4, 3, 5, 2, 2};
  ew_model m = binary_model(OCT_OP_SUB, OCT_FLOAT32, d1, 6, d2, 5, dout, 6);
  float cst[20];
  for (int i = 0; i < 20; i++) cst[i] = (float)i * 0.5f;
  m.t[1].data = cst;
  m.t[1].data_bytes = sizeof cst;
  ew_run r;
  if (ew_open(&r, &m) != OCT_OK) {
    CHECK_MSG(0, "rank 6: %s", r.error);
    ew_close(&r);
    return;
  }
  float *x = oct_interp_input_data(r.it, 0);
  for (int i = 0; i < 24; i++) x[i] = (float)i;
  CHECK(oct_interp_invoke(r.it) == OCT_OK);
  const float *y = oct_interp_output_data(r.it, 0);
  int bad = 0;
  for (size_t i = 0; i < 480; i++)
    bad += y[i] != (float)naive_index(i, dout, 6, d1, 6) -
                       cst[naive_index(i, dout, 6, d2, 5)];
  CHECK_EQ_INT(bad, 0);
  ew_close(&r);
}

/* ADD/SUB/MINIMUM/MAXIMUM give the output their input type, as TFLite
 * does, whatever type the model declares for it. */
static void test_output_type_follows_input(void) {
  const int32_t s4[] = {4};
  ew_model m = binary_model(OCT_OP_ADD, OCT_UINT8, s4, 1, s4, 1, s4, 1);
  m.t[2].type = OCT_FLOAT32;
  ew_run r;
  if (ew_open(&r, &m) != OCT_OK) {
    CHECK_MSG(0, "declared float32 output: %s", r.error);
    ew_close(&r);
    return;
  }
  oct_tensor_info ti;
  CHECK(oct_interp_tensor_info(r.it, oct_interp_output_index(r.it, 0), &ti) ==
        OCT_OK);
  CHECK(ti.dtype == OCT_UINT8 && ti.bytes == 4);
  uint8_t *a = oct_interp_input_data(r.it, 0),
          *b = oct_interp_input_data(r.it, 1);
  for (int i = 0; i < 4; i++) a[i] = (uint8_t)(10 * i), b[i] = 1;
  CHECK(oct_interp_invoke(r.it) == OCT_OK);
  const uint8_t *y = oct_interp_output_data(r.it, 0);
  CHECK(y[0] == 1 && y[1] == 11 && y[2] == 21 && y[3] == 31);
  ew_close(&r);
}

int main(void) {
  test_output_type_follows_input();
  test_bcast_init();
  test_bcast_random();
  test_float_int32();
  test_quant_by_hand();
  test_sub_rounding();
  test_bad_models();
  test_model_rank6();
  const int32_t ops[] = {OCT_OP_ADD, OCT_OP_SUB, OCT_OP_MUL, OCT_OP_MINIMUM,
                         OCT_OP_MAXIMUM};
  const int ran = ew_check_cases(k_tflite_cases, N_CASES, ops, 5);
  CHECK(ran >= 60);
  return test_finish("test_binary");
}
