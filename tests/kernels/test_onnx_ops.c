/*
 * Runtime ops added for the ONNX importer: GATHER, CAST, SPLIT_V,
 * SPACE_TO_DEPTH and BATCH_MATMUL, on small cases worked out by hand,
 * plus the errors each must report.
 */
#include "op_harness.h"
#include "test_util.h"

extern const oct_op oct_op_gather, oct_op_cast, oct_op_split_v, oct_op_space_to_depth,
    oct_op_batch_matmul;

#define DIMS(...) ((const int32_t[]){__VA_ARGS__})

static void test_gather(void) {
  /* params [[1, 2, 3], [4, 5, 6]], axis 1, indices {2, 0} -> [[3, 1], [6, 4]] */
  float p[6] = {1, 2, 3, 4, 5, 6}, y[4];
  int32_t idx[2] = {2, 0};
  oh_op op;
  memset(&op, 0, sizeof op);
  oct_tensor t = oh_tensor(OCT_FLOAT32, 2, DIMS(2, 3), p, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT32, 1, DIMS(2), idx, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_FLOAT32, 2, DIMS(2, 2), y, 0);
  oh_add_output(&op, &t);
  oct_builtin_options o;
  memset(&o, 0, sizeof o);
  o.gather.axis = 1;
  CHECK_EQ_INT(oh_run(&op, &oct_op_gather, OCT_OP_GATHER, &o), OCT_OK);
  CHECK(y[0] == 3 && y[1] == 1 && y[2] == 6 && y[3] == 4);
  /* An index outside [0, 3) fails at eval. */
  idx[0] = 3;
  CHECK_EQ_INT(oh_run(&op, &oct_op_gather, OCT_OP_GATHER, &o), OCT_ERR_EVAL);
}

static void test_cast(void) {
  const float f[5] = {-1.7f, 2.9f, 0.0f, 300.0f, -300.0f};
  int32_t i32[5];
  uint8_t u8[5];
  oh_op op;
  memset(&op, 0, sizeof op);
  oct_tensor t = oh_tensor(OCT_FLOAT32, 1, DIMS(5), (void *)f, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT32, 1, DIMS(5), i32, 0);
  oh_add_output(&op, &t);
  CHECK_EQ_INT(oh_run(&op, &oct_op_cast, OCT_OP_CAST, NULL), OCT_OK);
  CHECK(i32[0] == -1 && i32[1] == 2 && i32[2] == 0 && i32[3] == 300 && i32[4] == -300);
  /* int32 -> uint8 keeps the low bits: 300 -> 44, -300 -> 212, -1 -> 255. */
  memset(&op, 0, sizeof op);
  t = oh_tensor(OCT_INT32, 1, DIMS(5), i32, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_UINT8, 1, DIMS(5), u8, 0);
  oh_add_output(&op, &t);
  CHECK_EQ_INT(oh_run(&op, &oct_op_cast, OCT_OP_CAST, NULL), OCT_OK);
  CHECK(u8[0] == 255 && u8[1] == 2 && u8[2] == 0 && u8[3] == 44 && u8[4] == 212);
  /* float -> bool is != 0. */
  memset(&op, 0, sizeof op);
  t = oh_tensor(OCT_FLOAT32, 1, DIMS(5), (void *)f, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_BOOL, 1, DIMS(5), u8, 0);
  oh_add_output(&op, &t);
  CHECK_EQ_INT(oh_run(&op, &oct_op_cast, OCT_OP_CAST, NULL), OCT_OK);
  CHECK(u8[0] == 1 && u8[1] == 1 && u8[2] == 0 && u8[3] == 1);
}

static void test_split_v(void) {
  /* [2, 5] split along axis 1 into sizes {2, -1}: {2, 3}. */
  const float x[10] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  float a[4], b[6];
  int32_t sizes[2] = {2, -1}, axis = -1;
  oh_op op;
  memset(&op, 0, sizeof op);
  oct_tensor t = oh_tensor(OCT_FLOAT32, 2, DIMS(2, 5), (void *)x, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT32, 1, DIMS(2), sizes, 1);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_INT32, 0, DIMS(1), &axis, 1);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_FLOAT32, 2, DIMS(2, 2), a, 0);
  oh_add_output(&op, &t);
  t = oh_tensor(OCT_FLOAT32, 2, DIMS(2, 3), b, 0);
  oh_add_output(&op, &t);
  oct_builtin_options o;
  memset(&o, 0, sizeof o);
  o.split.num_splits = 2;
  CHECK_EQ_INT(oh_run(&op, &oct_op_split_v, OCT_OP_SPLIT_V, &o), OCT_OK);
  CHECK(a[0] == 0 && a[1] == 1 && a[2] == 5 && a[3] == 6);
  CHECK(b[0] == 2 && b[2] == 4 && b[3] == 7 && b[5] == 9);
  /* Sizes that do not add up are refused. */
  sizes[1] = 2;
  CHECK_EQ_INT(oh_run(&op, &oct_op_split_v, OCT_OP_SPLIT_V, &o), OCT_ERR_SHAPE);
}

static void test_space_to_depth(void) {
  /* [1, 2, 2, 1] block 2 -> [1, 1, 1, 4], channels in (dy, dx) order. */
  const float x[4] = {1, 2, 3, 4};
  float y[4];
  oh_op op;
  memset(&op, 0, sizeof op);
  oct_tensor t = oh_tensor(OCT_FLOAT32, 4, DIMS(1, 2, 2, 1), (void *)x, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_FLOAT32, 4, DIMS(1, 1, 1, 4), y, 0);
  oh_add_output(&op, &t);
  oct_builtin_options o;
  memset(&o, 0, sizeof o);
  o.block.block_size = 2;
  CHECK_EQ_INT(oh_run(&op, &oct_op_space_to_depth, OCT_OP_SPACE_TO_DEPTH, &o), OCT_OK);
  CHECK(y[0] == 1 && y[1] == 2 && y[2] == 3 && y[3] == 4);
  /* [1, 2, 4, 2] block 2 -> [1, 1, 2, 8]: output pixel 1 is the tile of
   * columns 2-3: (0,2) (0,3) (1,2) (1,3), each 2 channels. */
  float x2[16], y2[16];
  for (int i = 0; i < 16; i++) x2[i] = (float)i; /* x2[h][w][c] = h*8 + w*2 + c */
  memset(&op, 0, sizeof op);
  t = oh_tensor(OCT_FLOAT32, 4, DIMS(1, 2, 4, 2), x2, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_FLOAT32, 4, DIMS(1, 1, 2, 8), y2, 0);
  oh_add_output(&op, &t);
  CHECK_EQ_INT(oh_run(&op, &oct_op_space_to_depth, OCT_OP_SPACE_TO_DEPTH, &o), OCT_OK);
  const float want[8] = {4, 5, 6, 7, 12, 13, 14, 15};
  for (int i = 0; i < 8; i++) CHECK(y2[8 + i] == want[i]);
}

static void test_batch_matmul(void) {
  /* x [2, 1, 2] (two 1x2 matrices), y [2, 2] shared:
   * [1 2] * [[1 2] [3 4]] = [7 10]; [3 4] * ... = [15 22]. */
  const float x[4] = {1, 2, 3, 4}, y[4] = {1, 2, 3, 4};
  float out[4];
  oh_op op;
  memset(&op, 0, sizeof op);
  oct_tensor t = oh_tensor(OCT_FLOAT32, 3, DIMS(2, 1, 2), (void *)x, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_FLOAT32, 2, DIMS(2, 2), (void *)y, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_FLOAT32, 3, DIMS(2, 1, 2), out, 0);
  oh_add_output(&op, &t);
  oct_builtin_options o;
  memset(&o, 0, sizeof o);
  CHECK_EQ_INT(oh_run(&op, &oct_op_batch_matmul, OCT_OP_BATCH_MATMUL, &o), OCT_OK);
  CHECK(out[0] == 7 && out[1] == 10 && out[2] == 15 && out[3] == 22);
  /* adj_y: y read as its transpose [[1 3] [2 4]]: [1 2] -> [5 11]. */
  o.batch_matmul.adj_y = 1;
  CHECK_EQ_INT(oh_run(&op, &oct_op_batch_matmul, OCT_OP_BATCH_MATMUL, &o), OCT_OK);
  CHECK(out[0] == 5 && out[1] == 11 && out[2] == 11 && out[3] == 25);
  /* Mismatched inner dims are refused: x [2, 1, 2] against y [3, 2]. */
  memset(&op, 0, sizeof op);
  float y3[6] = {0};
  t = oh_tensor(OCT_FLOAT32, 3, DIMS(2, 1, 2), (void *)x, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_FLOAT32, 2, DIMS(3, 2), y3, 0);
  oh_add_input(&op, &t);
  t = oh_tensor(OCT_FLOAT32, 3, DIMS(2, 1, 2), out, 0);
  oh_add_output(&op, &t);
  o.batch_matmul.adj_y = 0;
  CHECK_EQ_INT(oh_run(&op, &oct_op_batch_matmul, OCT_OP_BATCH_MATMUL, &o), OCT_ERR_SHAPE);
}

int main(void) {
  test_gather();
  test_cast();
  test_split_v();
  test_space_to_depth();
  test_batch_matmul();
  return test_finish("test_onnx_ops");
}
