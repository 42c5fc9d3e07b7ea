/*
 * Data-movement kernels (kernels/ref/transform.c) and the ops built on them:
 * strided copy (transpose, slice, strided slice, depth_to_space), pad,
 * concatenation with requantization, split, reshape/squeeze aliasing.
 * Every expectation is worked out by hand in the comments.
 */
#include "kernels/ref/transform.h"
#include "op_harness.h"
#include "test_util.h"

extern const oct_op oct_op_transpose, oct_op_strided_slice, oct_op_slice,
    oct_op_pad, oct_op_padv2, oct_op_concatenation, oct_op_split,
    oct_op_depth_to_space, oct_op_reshape, oct_op_squeeze, oct_op_expand_dims;

#define DIMS(...) ((const int32_t[]){__VA_ARGS__})

/* ---- kernels ---- */

static void test_strided_copy(void) {
  /* Transpose of [[0 1 2] [3 4 5]] -> [[0 3] [1 4] [2 5]]. */
  const int8_t a[6] = {0, 1, 2, 3, 4, 5};
  int8_t b[6] = {0};
  oct_strided_copy_params p;
  oct_transpose_params(2, DIMS(2, 3), DIMS(1, 0), 1, &p);
  oct_strided_copy_simplify(&p);
  oct_strided_copy_ref(&p, a, b);
  const int8_t want[6] = {0, 3, 1, 4, 2, 5};
  CHECK(memcmp(b, want, 6) == 0);

  /* The identity permutation collapses to one contiguous run. */
  oct_transpose_params(3, DIMS(2, 1, 3), DIMS(0, 1, 2), 8, &p);
  oct_strided_copy_simplify(&p);
  CHECK_EQ_INT(p.rank, 1);
  CHECK_EQ_INT(p.dims[0], 6);
  CHECK_EQ_INT(p.step[0], 1);

  /* Reversal with a negative step, every element size. */
  const int64_t l[4] = {10, -20, 30, INT64_MIN};
  int64_t lo[4];
  oct_strided_copy_params r = {1, {4}, {-1}, 3, 8};
  oct_strided_copy_ref(&r, l, lo);
  CHECK(lo[0] == INT64_MIN && lo[1] == 30 && lo[2] == -20 && lo[3] == 10);
  const int16_t s[5] = {1, 2, 3, 4, 5};
  int16_t so[3];
  oct_strided_copy_params r2 = {1, {3}, {-2}, 4, 2};
  oct_strided_copy_ref(&r2, s, so);
  CHECK(so[0] == 5 && so[1] == 3 && so[2] == 1);
  const float f[4] = {1.5f, 2.5f, 3.5f, 4.5f};
  float fo[2];
  oct_strided_copy_params r3 = {1, {2}, {2}, 1, 4};
  oct_strided_copy_ref(&r3, f, fo);
  CHECK(fo[0] == 2.5f && fo[1] == 4.5f);

  /* Rank 0: one element from `start`. */
  oct_strided_copy_params r0 = {0, {0}, {0}, 2, 2};
  int16_t one = 0;
  oct_strided_copy_ref(&r0, s, &one);
  CHECK_EQ_INT(one, 3);

  /* depth_to_space, block 2, one pixel of 8 channels (c_out 2): the
   * channels fill a 2x2 tile row-major, two channels per cell. */
  const uint8_t d[8] = {0, 1, 2, 3, 4, 5, 6, 7};
  uint8_t dout[8];
  oct_depth_to_space_params(1, 1, 1, 8, 2, 1, &p);
  oct_strided_copy_simplify(&p);
  oct_strided_copy_ref(&p, d, dout);
  CHECK(memcmp(dout, d, 8) == 0);
  /* Two pixels side by side [1,1,2,4], block 2, c_out 1: output [1,2,4,1]
   * row 0 = p0c0 p0c1 p1c0 p1c1, row 1 = p0c2 p0c3 p1c2 p1c3. */
  const uint8_t d2[8] = {10, 11, 12, 13, 20, 21, 22, 23};
  const uint8_t want2[8] = {10, 11, 20, 21, 12, 13, 22, 23};
  oct_depth_to_space_params(1, 1, 2, 4, 2, 1, &p);
  oct_strided_copy_simplify(&p);
  oct_strided_copy_ref(&p, d2, dout);
  CHECK(memcmp(dout, want2, 8) == 0);
}

static void test_pad_kernel(void) {
  /* [[1 2] [3 4]] padded (1,0) rows, (0,2) cols with 9:
   *   9 9 9 9
   *   1 2 9 9
   *   3 4 9 9 */
  const int16_t in[4] = {1, 2, 3, 4};
  int16_t out[12];
  oct_pad_params p = {2, {2, 2}, {1, 0}, {0, 2}, 2, {0}};
  const int16_t nine = 9;
  memcpy(p.value, &nine, 2);
  oct_pad_ref(&p, in, out);
  const int16_t want[12] = {9, 9, 9, 9, 1, 2, 9, 9, 3, 4, 9, 9};
  CHECK(memcmp(out, want, sizeof want) == 0);

  /* A float pad value whose bytes differ (not a memset pattern). */
  const float fin[2] = {1.0f, 2.0f};
  float fout[5];
  oct_pad_params q = {1, {2}, {2}, {1}, 4, {0}};
  const float v = -0.75f;
  memcpy(q.value, &v, 4);
  oct_pad_ref(&q, fin, fout);
  CHECK(fout[0] == v && fout[1] == v && fout[2] == 1.0f && fout[3] == 2.0f &&
        fout[4] == v);
}

static void test_concat_kernels(void) {
  /* Rows of [2,1] and [2,2] along axis 1 -> [2,3]. */
  const int32_t a[2] = {1, 2}, b[4] = {3, 4, 5, 6};
  int32_t out[6];
  const int64_t chunk[2] = {1, 2};
  oct_concat_params p = {2, 2, chunk, 4};
  const void *ins[2] = {a, b};
  oct_concat_ref(&p, ins, out);
  const int32_t want[6] = {1, 3, 4, 2, 5, 6};
  CHECK(memcmp(out, want, sizeof want) == 0);
  int32_t sa[2], sb[4];
  void *outs[2] = {sa, sb};
  oct_split_ref(&p, want, outs);
  CHECK(memcmp(sa, a, sizeof a) == 0 && memcmp(sb, b, sizeof b) == 0);

  /* uint8: input q(0.5, 10) into output q(1.0, 0): scale 0.5, bias -5.
   *   13 -> 1.5 -> 2;  11 -> 0.5 -> 1 (tie away from zero);  9 -> -0.5 -> -1
   *   clamps to 0;  255 -> 122.5 -> 123. The second input matches the
   *   output and is copied. */
  const uint8_t u0[4] = {13, 11, 9, 255}, u1[2] = {200, 7};
  uint8_t uo[6];
  const int64_t uchunk[2] = {4, 2};
  oct_concat_params up = {2, 1, uchunk, 1};
  oct_concat_requant rq[2] = {{0.5f, -5.0f, 0}, {1.0f, 0.0f, 1}};
  const uint8_t *uins[2] = {u0, u1};
  oct_concat_u8_ref(&up, rq, uins, uo, 0, 0, 255);
  const uint8_t uwant[6] = {2, 1, 0, 123, 200, 7};
  CHECK(memcmp(uo, uwant, 6) == 0);

  /* int8 with scale 4, bias -40 into zero point -3, and a clamp at 127. */
  const int8_t s0[3] = {9, 11, 127};
  int8_t so[3];
  const int64_t schunk[1] = {3};
  oct_concat_params sp = {1, 1, schunk, 1};
  oct_concat_requant srq[1] = {{4.0f, -40.0f, 0}};
  const int8_t *sins[1] = {s0};
  /* 9*4-40 = -4 -> -7; 11*4-40 = 4 -> 1; 127*4-40 = 468 -> clamp 127. */
  oct_concat_s8_ref(&sp, srq, sins, so, -3, -128, 127);
  CHECK(so[0] == -7 && so[1] == 1 && so[2] == 127);

  /* int16 halving: 3 -> 1.5 -> 2, -3 -> -1.5 -> -2. */
  const int16_t h0[2] = {3, -3};
  int16_t ho[2];
  oct_concat_params hp = {1, 1, (const int64_t[]){2}, 2};
  oct_concat_requant hrq[1] = {{0.5f, 0.0f, 0}};
  const int16_t *hins[1] = {h0};
  oct_concat_s16_ref(&hp, hrq, hins, ho, 0, INT16_MIN, INT16_MAX);
  CHECK(ho[0] == 2 && ho[1] == -2);

  /* Float with a RELU6 clamp. */
  const float f0[3] = {-1.0f, 3.0f, 7.0f};
  float fo[3];
  oct_concat_params fp = {1, 1, (const int64_t[]){3}, 4};
  const float *fins[1] = {f0};
  oct_concat_f32_ref(&fp, fins, fo, 0.0f, 6.0f);
  CHECK(fo[0] == 0.0f && fo[1] == 3.0f && fo[2] == 6.0f);
}

/* ---- ops ---- */

/* Runs STRIDED_SLICE on a 3x4 int16 ramp (element = 10*row + col). */
static oct_status sslice(const int32_t *begin, const int32_t *end,
                         const int32_t *strides, int n, int out_rank,
                         const int32_t *out_dims, int16_t *out,
                         oct_strided_slice_options o, char *err) {
  static int16_t in[12];
  for (int r = 0; r < 3; r++)
    for (int c = 0; c < 4; c++) in[r * 4 + c] = (int16_t)(10 * r + c);
  oh_op op;
  memset(&op, 0, sizeof op);
  oct_tensor t = oh_tensor(OCT_INT16, 2, DIMS(3, 4), in, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT32, 1, DIMS(n), (void *)begin, 1);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT32, 1, DIMS(n), (void *)end, 1);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT32, 1, DIMS(n), (void *)strides, 1);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT16, out_rank, out_dims, out, 0);
  oh_add_output(&op, &t);
  oct_builtin_options opts;
  memset(&opts, 0, sizeof opts);
  opts.strided_slice = o;
  oct_status st =
      oh_run(&op, &oct_op_strided_slice, OCT_OP_STRIDED_SLICE, &opts);
  if (err) memcpy(err, op.error, 256);
  return st;
}

static void test_strided_slice_op(void) {
  int16_t out[12];
  char err[256];
  oct_strided_slice_options o;

  /* Plain: rows 1..2, cols 0,2 -> [[10 12] [20 22]]. */
  memset(&o, 0, sizeof o);
  CHECK_EQ_INT(
      sslice(DIMS(1, 0), DIMS(3, 4), DIMS(1, 2), 2, 2, DIMS(2, 2), out, o, err),
      OCT_OK);
  CHECK(out[0] == 10 && out[1] == 12 && out[2] == 20 && out[3] == 22);

  /* Negative strides from the end with negative indices: rows -1 down to
   * (not incl.) 0 = rows 2,1; cols 3,1 -> [[23 21] [13 11]]. */
  CHECK_EQ_INT(sslice(DIMS(-1, -1), DIMS(0, 0), DIMS(-1, -2), 2, 2, DIMS(2, 2),
                      out, o, err),
               OCT_OK);
  CHECK(out[0] == 23 && out[1] == 21 && out[2] == 13 && out[3] == 11);

  /* begin/end masks on axis 0 with a negative stride: all rows reversed;
   * out-of-range ends clamp (cols 1..100 -> 1..3). */
  o.begin_mask = 1;
  o.end_mask = 1;
  CHECK_EQ_INT(sslice(DIMS(0, 1), DIMS(0, 100), DIMS(-1, 1), 2, 2, DIMS(3, 3),
                      out, o, err),
               OCT_OK);
  CHECK(out[0] == 21 && out[2] == 23 && out[3] == 11 && out[8] == 3);

  /* shrink_axis on axis 0 (row -2 = row 1): a rank-1 result. */
  memset(&o, 0, sizeof o);
  o.shrink_axis_mask = 1;
  CHECK_EQ_INT(
      sslice(DIMS(-2, 1), DIMS(0, 3), DIMS(1, 1), 2, 1, DIMS(2), out, o, err),
      OCT_OK);
  CHECK(out[0] == 11 && out[1] == 12);

  /* A shrink index outside the axis is a model error. */
  CHECK_EQ_INT(
      sslice(DIMS(3, 0), DIMS(4, 4), DIMS(1, 1), 2, 1, DIMS(4), out, o, err),
      OCT_ERR_SHAPE);

  /* new_axis in front: [1, 3, 2] taking cols 2..3. */
  memset(&o, 0, sizeof o);
  o.new_axis_mask = 1;
  CHECK_EQ_INT(sslice(DIMS(0, 0, 2), DIMS(0, 3, 4), DIMS(1, 1, 1), 3, 3,
                      DIMS(1, 3, 2), out, o, err),
               OCT_OK);
  CHECK(out[0] == 2 && out[1] == 3 && out[4] == 22 && out[5] == 23);

  /* An ellipsis first covers axis 0; the entry after it slices cols. */
  memset(&o, 0, sizeof o);
  o.ellipsis_mask = 1;
  CHECK_EQ_INT(
      sslice(DIMS(0, 3), DIMS(0, 4), DIMS(1, 1), 2, 2, DIMS(3, 1), out, o, err),
      OCT_OK);
  CHECK(out[0] == 3 && out[1] == 13 && out[2] == 23);

  /* A short spec leaves the trailing axes whole (implied ellipsis). */
  memset(&o, 0, sizeof o);
  CHECK_EQ_INT(sslice(DIMS(2), DIMS(3), DIMS(1), 1, 2, DIMS(1, 4), out, o, err),
               OCT_OK);
  CHECK(out[0] == 20 && out[3] == 23);

  /* offset: end counts from begin (cols 1, 1+2). */
  o.offset = 1;
  CHECK_EQ_INT(
      sslice(DIMS(0, 1), DIMS(1, 2), DIMS(1, 1), 2, 2, DIMS(1, 2), out, o, err),
      OCT_OK);
  CHECK(out[0] == 1 && out[1] == 2);

  /* The declared output shape must agree. */
  memset(&o, 0, sizeof o);
  CHECK_EQ_INT(
      sslice(DIMS(0, 0), DIMS(3, 4), DIMS(1, 2), 2, 2, DIMS(3, 3), out, o, err),
      OCT_ERR_SHAPE);
  CHECK(strstr(err, "STRIDED_SLICE") != NULL);
  /* Zero strides are refused. */
  CHECK_EQ_INT(
      sslice(DIMS(0, 0), DIMS(3, 4), DIMS(1, 0), 2, 2, DIMS(3, 4), out, o, err),
      OCT_ERR_MODEL);
}

static void test_non_constant_operand(void) {
  /* perm given as an activation: octet needs it constant. */
  int8_t in[6] = {0}, out[6];
  int32_t perm[2] = {1, 0};
  oh_op op;
  memset(&op, 0, sizeof op);
  oct_tensor t = oh_tensor(OCT_INT8, 2, DIMS(2, 3), in, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT32, 1, DIMS(2), perm, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT8, 2, DIMS(3, 2), out, 0);
  oh_add_output(&op, &t);
  CHECK_EQ_INT(oh_run(&op, &oct_op_transpose, OCT_OP_TRANSPOSE, NULL),
               OCT_ERR_UNSUPPORTED);
  CHECK(strstr(op.error, "constant") != NULL);

  /* And a perm that repeats an axis. */
  int32_t bad[2] = {1, 1};
  op.tensors[1] = oh_tensor(OCT_INT32, 1, DIMS(2), bad, 1);
  CHECK_EQ_INT(oh_run(&op, &oct_op_transpose, OCT_OP_TRANSPOSE, NULL),
               OCT_ERR_SHAPE);

  /* A valid one runs: [[0 1 2] [3 4 5]]^T. */
  for (int i = 0; i < 6; i++) in[i] = (int8_t)i;
  op.tensors[1] = oh_tensor(OCT_INT32, 1, DIMS(2), perm, 1);
  CHECK_EQ_INT(oh_run(&op, &oct_op_transpose, OCT_OP_TRANSPOSE, NULL), OCT_OK);
  CHECK(out[0] == 0 && out[1] == 3 && out[4] == 2 && out[5] == 5);
}

static void test_slice_op(void) {
  /* [3,4] float ramp, begin (1, 1), size (-1, 2) -> rows 1..2, cols 1..2. */
  float in[12], out[4];
  for (int i = 0; i < 12; i++) in[i] = (float)i;
  int64_t begin[2] = {1, 1}, size[2] = {-1, 2};
  oh_op op;
  memset(&op, 0, sizeof op);
  oct_tensor t = oh_tensor(OCT_FLOAT32, 2, DIMS(3, 4), in, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT64, 1, DIMS(2), begin, 1);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT64, 1, DIMS(2), size, 1);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_FLOAT32, 2, DIMS(2, 2), out, 0);
  oh_add_output(&op, &t);
  CHECK_EQ_INT(oh_run(&op, &oct_op_slice, OCT_OP_SLICE, NULL), OCT_OK);
  CHECK(out[0] == 5.0f && out[1] == 6.0f && out[2] == 9.0f && out[3] == 10.0f);
  /* size past the end is refused. */
  size[1] = 4;
  CHECK_EQ_INT(oh_run(&op, &oct_op_slice, OCT_OP_SLICE, NULL), OCT_ERR_SHAPE);
}

static void test_pad_op(void) {
  /* int8 q(0.1, -5): PAD fills with the zero point; PADV2 with its value. */
  int8_t in[2] = {1, 2}, out[5];
  int32_t pads[2] = {2, 1};
  oh_op op;
  memset(&op, 0, sizeof op);
  oct_tensor t = oh_tensor(OCT_INT8, 1, DIMS(2), in, 0);
  oh_quant(&t, 0.1f, -5);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT32, 2, DIMS(1, 2), pads, 1);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT8, 1, DIMS(5), out, 0);
  oh_quant(&t, 0.1f, -5);
  oh_add_output(&op, &t);
  CHECK_EQ_INT(oh_run(&op, &oct_op_pad, OCT_OP_PAD, NULL), OCT_OK);
  CHECK(out[0] == -5 && out[1] == -5 && out[2] == 1 && out[3] == 2 &&
        out[4] == -5);

  int8_t value = 42;
  oct_tensor v = oh_tensor(OCT_INT8, 0, NULL, &value, 1);
  oh_quant(&v, 0.1f, -5);
  op.tensors[op.n_t] = v;
  op.in[op.n_in++] = op.n_t++;
  CHECK_EQ_INT(oh_run(&op, &oct_op_padv2, OCT_OP_PADV2, NULL), OCT_OK);
  CHECK(out[0] == 42 && out[1] == 42 && out[2] == 1 && out[4] == 42);
  /* The value must share the output's quantization. */
  op.tensors[op.n_t - 1].zero_point = 0;
  CHECK_EQ_INT(oh_run(&op, &oct_op_padv2, OCT_OP_PADV2, NULL),
               OCT_ERR_UNSUPPORTED);
  /* Negative padding is refused. */
  op.tensors[op.n_t - 1].zero_point = -5;
  pads[0] = -1;
  CHECK_EQ_INT(oh_run(&op, &oct_op_padv2, OCT_OP_PADV2, NULL), OCT_ERR_SHAPE);
}

static void test_concat_split_ops(void) {
  /* uint8 concat on axis -1; input 1 has another scale and is requantized:
   * q(0.5, 10) -> q(1, 0): 13 -> 2, 11 -> 1. */
  uint8_t a[2] = {100, 101}, b[2] = {13, 11}, out[4];
  oh_op op;
  memset(&op, 0, sizeof op);
  oct_tensor t = oh_tensor(OCT_UINT8, 2, DIMS(2, 1), a, 0);
  oh_quant(&t, 1.0f, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_UINT8, 2, DIMS(2, 1), b, 0);
  oh_quant(&t, 0.5f, 10);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_UINT8, 2, DIMS(2, 2), out, 0);
  oh_quant(&t, 1.0f, 0);
  oh_add_output(&op, &t);
  oct_builtin_options o;
  memset(&o, 0, sizeof o);
  o.concat.axis = -1;
  CHECK_EQ_INT(oh_run(&op, &oct_op_concatenation, OCT_OP_CONCATENATION, &o),
               OCT_OK);
  CHECK(out[0] == 100 && out[1] == 2 && out[2] == 101 && out[3] == 1);
  /* Mismatched non-axis dims are refused. */
  op.tensors[1].dims[0] = 3;
  CHECK_EQ_INT(oh_run(&op, &oct_op_concatenation, OCT_OP_CONCATENATION, &o),
               OCT_ERR_SHAPE);

  /* SPLIT of [2,4] int32 on axis 1 into 2: the axis tensor comes first. */
  int32_t in[8] = {0, 1, 2, 3, 4, 5, 6, 7}, s0[4], s1[4], axis = 1;
  memset(&op, 0, sizeof op);
  t = oh_tensor(OCT_INT32, 0, NULL, &axis, 1);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT32, 2, DIMS(2, 4), in, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT32, 2, DIMS(2, 2), s0, 0);
  oh_add_output(&op, &t);
  t = oh_tensor(OCT_INT32, 2, DIMS(2, 2), s1, 0);
  oh_add_output(&op, &t);
  memset(&o, 0, sizeof o);
  o.split.num_splits = 2;
  CHECK_EQ_INT(oh_run(&op, &oct_op_split, OCT_OP_SPLIT, &o), OCT_OK);
  CHECK(s0[0] == 0 && s0[1] == 1 && s0[2] == 4 && s0[3] == 5);
  CHECK(s1[0] == 2 && s1[1] == 3 && s1[2] == 6 && s1[3] == 7);
  o.split.num_splits = 3;
  CHECK_EQ_INT(oh_run(&op, &oct_op_split, OCT_OP_SPLIT, &o), OCT_ERR_MODEL);
}

static void test_alias_ops(void) {
  /* RESHAPE copies when the planner could not share the buffer, and does
   * nothing when it did. */
  int16_t in[6] = {1, 2, 3, 4, 5, 6}, out[6] = {0};
  oh_op op;
  memset(&op, 0, sizeof op);
  oct_tensor t = oh_tensor(OCT_INT16, 2, DIMS(2, 3), in, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT16, 1, DIMS(6), out, 0);
  oh_add_output(&op, &t);
  CHECK_EQ_INT(oh_run(&op, &oct_op_reshape, OCT_OP_RESHAPE, NULL), OCT_OK);
  CHECK(memcmp(in, out, sizeof in) == 0);
  op.tensors[1].data = in;
  CHECK_EQ_INT(oh_run(&op, &oct_op_reshape, OCT_OP_RESHAPE, NULL), OCT_OK);
  CHECK(in[5] == 6);
  op.tensors[1].dims[0] = 5;
  op.tensors[1].bytes = 10;
  CHECK_EQ_INT(oh_run(&op, &oct_op_reshape, OCT_OP_RESHAPE, NULL),
               OCT_ERR_SHAPE);

  /* SQUEEZE of [1,2,1,3] on axis -2 -> [1,2,3]; squeezing a 2 fails. */
  memset(&op, 0, sizeof op);
  t = oh_tensor(OCT_INT16, 4, DIMS(1, 2, 1, 3), in, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT16, 3, DIMS(1, 2, 3), out, 0);
  oh_add_output(&op, &t);
  oct_builtin_options o;
  memset(&o, 0, sizeof o);
  o.squeeze.count = 1;
  o.squeeze.dims[0] = -2;
  CHECK_EQ_INT(oh_run(&op, &oct_op_squeeze, OCT_OP_SQUEEZE, &o), OCT_OK);
  o.squeeze.dims[0] = 1;
  CHECK_EQ_INT(oh_run(&op, &oct_op_squeeze, OCT_OP_SQUEEZE, &o), OCT_ERR_SHAPE);
  /* No axes: every 1 goes -> [2,3], which is not the declared [1,2,3]. */
  o.squeeze.count = 0;
  CHECK_EQ_INT(oh_run(&op, &oct_op_squeeze, OCT_OP_SQUEEZE, &o), OCT_ERR_SHAPE);

  /* EXPAND_DIMS of [2,3] at -1 -> [2,3,1]; the axis counts in the output's
   * rank, so 3 is valid and 4 is not. */
  int64_t axis = -1;
  memset(&op, 0, sizeof op);
  t = oh_tensor(OCT_INT16, 2, DIMS(2, 3), in, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT64, 0, NULL, &axis, 1);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT16, 3, DIMS(2, 3, 1), out, 0);
  oh_add_output(&op, &t);
  CHECK_EQ_INT(oh_run(&op, &oct_op_expand_dims, OCT_OP_EXPAND_DIMS, NULL),
               OCT_OK);
  axis = 2;
  CHECK_EQ_INT(oh_run(&op, &oct_op_expand_dims, OCT_OP_EXPAND_DIMS, NULL),
               OCT_OK);
  axis = 3;
  CHECK_EQ_INT(oh_run(&op, &oct_op_expand_dims, OCT_OP_EXPAND_DIMS, NULL),
               OCT_ERR_SHAPE);
  axis = 0; /* [1,2,3] is not the declared [2,3,1] */
  CHECK_EQ_INT(oh_run(&op, &oct_op_expand_dims, OCT_OP_EXPAND_DIMS, NULL),
               OCT_ERR_SHAPE);
}

static void test_depth_to_space_op(void) {
  uint8_t in[8] = {10, 11, 12, 13, 20, 21, 22, 23}, out[8];
  oh_op op;
  memset(&op, 0, sizeof op);
  oct_tensor t = oh_tensor(OCT_UINT8, 4, DIMS(1, 1, 2, 4), in, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_UINT8, 4, DIMS(1, 2, 4, 1), out, 0);
  oh_add_output(&op, &t);
  oct_builtin_options o;
  memset(&o, 0, sizeof o);
  o.block.block_size = 2;
  CHECK_EQ_INT(oh_run(&op, &oct_op_depth_to_space, OCT_OP_DEPTH_TO_SPACE, &o),
               OCT_OK);
  const uint8_t want[8] = {10, 11, 20, 21, 12, 13, 22, 23};
  CHECK(memcmp(out, want, 8) == 0);
  o.block.block_size = 3; /* 4 channels are not a multiple of 9 */
  CHECK_EQ_INT(oh_run(&op, &oct_op_depth_to_space, OCT_OP_DEPTH_TO_SPACE, &o),
               OCT_ERR_SHAPE);
}

/* Random transposes (short innermost dims included) and pads (trailing
 * dims unpadded included) against per-element index arithmetic. */
static uint32_t tr_rng = 12345;
static int32_t tr_rand(int32_t lo, int32_t hi) {
  tr_rng = tr_rng * 1103515245u + 12345u;
  return lo + (int32_t)((tr_rng >> 8) % (uint32_t)(hi - lo + 1));
}

static void test_random_transpose_pad(void) {
  static uint32_t in[4096], got[8192], want[8192];
  for (int trial = 0; trial < 400; trial++) {
    const int32_t r = tr_rand(1, 5), es = (int32_t[]){1, 2, 4}[tr_rand(0, 2)];
    int32_t dims[5], perm[5], n = 1;
    for (int i = 0; i < r; i++) {
      dims[i] = tr_rand(1, i == r - 1 ? 9 : 5);
      n *= dims[i];
      perm[i] = i;
    }
    for (int i = r - 1; i > 0; i--) {
      const int j = tr_rand(0, i), t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    uint8_t *ib = (uint8_t *)in;
    for (size_t i = 0; i < (size_t)n * (size_t)es; i++) ib[i] = (uint8_t)tr_rand(0, 255);
    oct_strided_copy_params p;
    oct_transpose_params(r, dims, perm, es, &p);
    oct_strided_copy_simplify(&p);
    oct_strided_copy_ref(&p, in, got);
    int32_t st[5], s = 1;
    for (int i = r - 1; i >= 0; i--) st[i] = s, s *= dims[i];
    int32_t idx[5] = {0};
    for (int32_t o = 0; o < n; o++) {
      int32_t src = 0;
      for (int i = 0; i < r; i++) src += idx[i] * st[perm[i]];
      memcpy((uint8_t *)want + (size_t)o * es, ib + (size_t)src * es, (size_t)es);
      for (int i = r - 1; i >= 0; i--) {
        if (++idx[i] < dims[perm[i]]) break;
        idx[i] = 0;
      }
    }
    CHECK_MSG(!memcmp(got, want, (size_t)n * es), "transpose trial %d", trial);

    oct_pad_params q;
    memset(&q, 0, sizeof q);
    q.rank = r;
    q.elem_size = es;
    for (int i = 0; i < es; i++) q.value[i] = (uint8_t)(0x5A + i);
    int32_t od[5], on = 1;
    for (int i = 0; i < r; i++) {
      q.in_dims[i] = dims[i];
      const int padded = tr_rand(0, 2) > 0;
      q.before[i] = padded ? tr_rand(0, 2) : 0;
      q.after[i] = padded ? tr_rand(0, 2) : 0;
      od[i] = dims[i] + q.before[i] + q.after[i];
      on *= od[i];
    }
    if ((size_t)on * es > sizeof want) continue;
    oct_pad_ref(&q, in, got);
    int32_t oi[5] = {0};
    for (int32_t o = 0; o < on; o++) {
      int inside = 1;
      int32_t src = 0;
      for (int i = 0; i < r; i++) {
        const int32_t x = oi[i] - q.before[i];
        inside &= x >= 0 && x < dims[i];
        src = src * dims[i] + x;
      }
      uint8_t *w = (uint8_t *)want + (size_t)o * es;
      if (inside) memcpy(w, ib + (size_t)src * es, (size_t)es);
      else memcpy(w, q.value, (size_t)es);
      for (int i = r - 1; i >= 0; i--) {
        if (++oi[i] < od[i]) break;
        oi[i] = 0;
      }
    }
    CHECK_MSG(!memcmp(got, want, (size_t)on * es), "pad trial %d", trial);
  }
}

int main(void) {
  test_strided_copy();
  test_pad_kernel();
  test_random_transpose_pad();
  test_concat_kernels();
  test_strided_slice_op();
  test_non_constant_operand();
  test_slice_op();
  test_pad_op();
  test_concat_split_ops();
  test_alias_ops();
  test_depth_to_space_op();
  return test_finish("test_transform");
}
