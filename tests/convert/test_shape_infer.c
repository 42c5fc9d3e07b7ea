/*
 * Shape inference (src/convert/shape_infer.c), one op family at a time on
 * hand-built graphs: each case builds an op whose output shape is unknown,
 * infers, and checks the shape TFLite would give. Also: a declared shape
 * that disagrees is reported with the op and tensor; an op whose shape
 * operand is computed keeps its declared shape; an unknown input fails.
 * The real-model check (every activation of every model re-inferred equals
 * the file's shape) is in test_tflite_roundtrip.c.
 */
#include <stdlib.h>

#include "convert/shape_infer.h"
#include "ir_build.h"
#include "test_util.h"

#define D IRB_DIMS
#define I IRB_INTS

static oct_ir_graph g;

static void reset(void) {
  oct_ir_free(&g);
  oct_ir_init(&g);
  irb_count = 0;
}

/* Infers and checks that tensor `t` got shape (rank, dims). */
static void expect(const char *what, int t, int rank, const int32_t *dims) {
  oct_status st = oct_ir_infer_shapes(&g);
  CHECK_MSG(st == OCT_OK, "%s: %s", what, g.err.message);
  if (st) return;
  char got[96];
  irb_shape_str(&g, t, got, sizeof got);
  CHECK_MSG(irb_shape_is(&g, t, rank, dims), "%s: got %s", what, got);
}

/* Infers and checks that it fails with `code` and a message holding
 * `needle`. */
static void expect_fail(const char *what, oct_status code, const char *needle) {
  oct_status st = oct_ir_infer_shapes(&g);
  CHECK_MSG(st == code, "%s: status %d, expected %d (%s)", what, (int)st, (int)code,
            g.err.message);
  CHECK_MSG(strstr(g.err.message, needle) != NULL, "%s: message '%s' lacks '%s'", what,
            g.err.message, needle);
}

/* One op `code` on input x (plus constant operands), one unknown output. */
static int unary_like(int code, int x, int n_extra, const int *extra) {
  int in[8] = {x};
  for (int i = 0; i < n_extra; i++) in[1 + i] = extra[i];
  const int y = irb_unknown(&g);
  irb_op(&g, code, 1 + n_extra, in, 1, &y);
  return y;
}

static void conv_family(void) {
  /* CONV_2D SAME stride 2: ceil(7/2) = 4; VALID dilation 2: 7 - 4 = 3. */
  reset();
  int x = irb_input(&g, 4, D(1, 7, 9, 3));
  int w = irb_f32(&g, 4, D(8, 3, 3, 3));
  int y = unary_like(OCT_OP_CONV_2D, x, 1, &w);
  oct_conv_options *c = &g.ops[0].opts.conv;
  c->padding = OCT_PAD_SAME;
  c->stride_h = c->stride_w = 2;
  c->dilation_h = c->dilation_w = 1;
  expect("conv SAME s2", y, 4, D(1, 4, 5, 8));

  reset();
  x = irb_input(&g, 4, D(1, 7, 9, 3));
  w = irb_f32(&g, 4, D(8, 3, 3, 3));
  y = unary_like(OCT_OP_CONV_2D, x, 1, &w);
  c = &g.ops[0].opts.conv;
  c->padding = OCT_PAD_VALID;
  c->stride_h = 1;
  c->stride_w = 2;
  c->dilation_h = c->dilation_w = 2;
  expect("conv VALID d2", y, 4, D(1, 3, 3, 8));

  /* Grouped conv: 6 input channels, filter of 3. */
  reset();
  x = irb_input(&g, 4, D(2, 5, 5, 6));
  w = irb_f32(&g, 4, D(4, 1, 1, 3));
  y = unary_like(OCT_OP_CONV_2D, x, 1, &w);
  c = &g.ops[0].opts.conv;
  c->padding = OCT_PAD_VALID;
  c->stride_h = c->stride_w = c->dilation_h = c->dilation_w = 1;
  expect("grouped conv", y, 4, D(2, 5, 5, 4));

  /* A filter larger than a VALID input. */
  reset();
  x = irb_input(&g, 4, D(1, 2, 2, 3));
  w = irb_f32(&g, 4, D(8, 3, 3, 3));
  y = unary_like(OCT_OP_CONV_2D, x, 1, &w);
  c = &g.ops[0].opts.conv;
  c->padding = OCT_PAD_VALID;
  c->stride_h = c->stride_w = c->dilation_h = c->dilation_w = 1;
  expect_fail("conv too small", OCT_ERR_SHAPE, "does not fit");

  /* DEPTHWISE multiplier 2. */
  reset();
  x = irb_input(&g, 4, D(1, 8, 8, 4));
  w = irb_f32(&g, 4, D(1, 3, 3, 8));
  y = unary_like(OCT_OP_DEPTHWISE_CONV_2D, x, 1, &w);
  c = &g.ops[0].opts.conv;
  c->padding = OCT_PAD_SAME;
  c->stride_h = c->stride_w = 1;
  c->dilation_h = c->dilation_w = 1;
  c->depth_multiplier = 2;
  expect("depthwise", y, 4, D(1, 8, 8, 8));

  /* TRANSPOSE_CONV: (output_shape, weights, input). */
  reset();
  int shape = irb_i32(&g, 4, D(1, 16, 16, 5));
  w = irb_f32(&g, 4, D(5, 3, 3, 4));
  x = irb_input(&g, 4, D(1, 8, 8, 4));
  y = irb_unknown(&g);
  irb_op(&g, OCT_OP_TRANSPOSE_CONV, 3, I(shape, w, x), 1, &y);
  g.ops[0].opts.transpose_conv.stride_h = g.ops[0].opts.transpose_conv.stride_w = 2;
  expect("transpose conv", y, 4, D(1, 16, 16, 5));

  /* A run-time output_shape keeps the declared shape. */
  reset();
  shape = irb_input(&g, 1, D(4));
  g.tensors[shape].type = OCT_INT32;
  w = irb_f32(&g, 4, D(5, 3, 3, 4));
  x = irb_input(&g, 4, D(1, 8, 8, 4));
  y = irb_tensor(&g, OCT_FLOAT32, 4, D(1, 15, 15, 5));
  irb_op(&g, OCT_OP_TRANSPOSE_CONV, 3, I(shape, w, x), 1, &y);
  expect("transpose conv run-time shape", y, 4, D(1, 15, 15, 5));
  g.tensors[y].rank = -1;
  expect_fail("transpose conv, nothing declared", OCT_ERR_UNSUPPORTED, "run-time");
}

static void pool_fc(void) {
  reset();
  int x = irb_input(&g, 4, D(1, 7, 7, 16));
  int y = unary_like(OCT_OP_MAX_POOL_2D, x, 0, NULL);
  oct_pool_options *p = &g.ops[0].opts.pool;
  p->padding = OCT_PAD_VALID;
  p->filter_h = p->filter_w = 3;
  p->stride_h = p->stride_w = 2;
  expect("max pool VALID", y, 4, D(1, 3, 3, 16));
  g.ops[0].opts.pool.padding = OCT_PAD_SAME;
  g.tensors[y].rank = -1;
  expect("max pool SAME", y, 4, D(1, 4, 4, 16));

  /* FULLY_CONNECTED flattens to [N, O]; keep_num_dims keeps the rank. */
  reset();
  x = irb_input(&g, 3, D(2, 3, 8));
  int w = irb_f32(&g, 2, D(10, 8));
  y = unary_like(OCT_OP_FULLY_CONNECTED, x, 1, &w);
  expect("fc", y, 2, D(6, 10));
  g.ops[0].opts.fc.keep_num_dims = 1;
  g.tensors[y].rank = -1;
  expect("fc keep_num_dims", y, 3, D(2, 3, 10));
  reset();
  x = irb_input(&g, 2, D(3, 7));
  w = irb_f32(&g, 2, D(10, 8));
  y = unary_like(OCT_OP_FULLY_CONNECTED, x, 1, &w);
  expect_fail("fc depth", OCT_ERR_SHAPE, "depth 8");
}

static void elementwise(void) {
  reset();
  int a = irb_input(&g, 4, D(2, 1, 5, 3));
  int b = irb_input(&g, 3, D(4, 1, 1));
  int y = irb_unknown(&g);
  irb_op(&g, OCT_OP_ADD, 2, I(a, b), 1, &y);
  expect("broadcast add", y, 4, D(2, 4, 5, 3));
  reset();
  a = irb_input(&g, 2, D(2, 3));
  b = irb_input(&g, 2, D(4, 3));
  y = irb_unknown(&g);
  irb_op(&g, OCT_OP_MUL, 2, I(a, b), 1, &y);
  expect_fail("no broadcast", OCT_ERR_SHAPE, "do not broadcast");

  static const int unary[] = {OCT_OP_RELU, OCT_OP_RELU6, OCT_OP_LOGISTIC, OCT_OP_TANH,
                              OCT_OP_HARD_SWISH, OCT_OP_LEAKY_RELU, OCT_OP_SOFTMAX,
                              OCT_OP_QUANTIZE, OCT_OP_DEQUANTIZE, OCT_IR_IDENTITY,
                              OCT_IR_DROPOUT};
  for (size_t i = 0; i < sizeof unary / sizeof unary[0]; i++) {
    reset();
    a = irb_input(&g, 3, D(2, 3, 4));
    y = unary_like(unary[i], a, 0, NULL);
    expect(oct_ir_op_name(unary[i]), y, 3, D(2, 3, 4));
  }
  /* BATCH_NORM (IR): x plus per-channel operands. */
  reset();
  a = irb_input(&g, 4, D(1, 2, 2, 3));
  b = irb_f32(&g, 1, D(3));
  y = irb_unknown(&g);
  irb_op(&g, OCT_IR_BATCH_NORM, 5, I(a, b, b, b, b), 1, &y);
  expect("batch norm", y, 4, D(1, 2, 2, 3));
}

static void reshapes(void) {
  reset();
  int x = irb_input(&g, 4, D(1, 2, 3, 4));
  int s = irb_i32(&g, 2, D(-1, 6));
  int y = unary_like(OCT_OP_RESHAPE, x, 1, &s);
  expect("reshape -1", y, 2, D(4, 6));
  /* From the options when there is no shape input. */
  reset();
  x = irb_input(&g, 4, D(1, 2, 3, 4));
  y = unary_like(OCT_OP_RESHAPE, x, 0, NULL);
  g.ops[0].opts.reshape.count = 3;
  memcpy(g.ops[0].opts.reshape.new_shape, D(2, -1, 3), 3 * sizeof(int32_t));
  expect("reshape options", y, 3, D(2, 4, 3));
  reset();
  x = irb_input(&g, 2, D(5, 5));
  s = irb_i32(&g, 2, D(4, 6));
  y = unary_like(OCT_OP_RESHAPE, x, 1, &s);
  expect_fail("reshape count", OCT_ERR_SHAPE, "25 elements");
  /* A computed shape input keeps the declared shape. */
  reset();
  x = irb_input(&g, 2, D(4, 6));
  s = irb_input(&g, 1, D(2));
  g.tensors[s].type = OCT_INT32;
  y = irb_tensor(&g, OCT_FLOAT32, 2, D(6, 4));
  irb_op(&g, OCT_OP_RESHAPE, 2, I(x, s), 1, &y);
  expect("reshape run-time", y, 2, D(6, 4));

  reset();
  x = irb_input(&g, 4, D(1, 1, 3, 1));
  y = unary_like(OCT_OP_SQUEEZE, x, 0, NULL);
  expect("squeeze all", y, 1, D(3));
  g.ops[0].opts.squeeze.count = 1;
  g.ops[0].opts.squeeze.dims[0] = -1;
  g.tensors[y].rank = -1;
  expect("squeeze -1", y, 3, D(1, 1, 3));
  g.ops[0].opts.squeeze.dims[0] = 2;
  g.tensors[y].rank = -1;
  expect_fail("squeeze 3", OCT_ERR_SHAPE, "not 1");

  reset();
  x = irb_input(&g, 2, D(3, 4));
  s = irb_i32(&g, -1, D(-1));
  y = unary_like(OCT_OP_EXPAND_DIMS, x, 1, &s);
  expect("expand_dims -1", y, 3, D(3, 4, 1));
}

static void concat_pad_transpose(void) {
  reset();
  int a = irb_input(&g, 3, D(2, 3, 4));
  int b = irb_input(&g, 3, D(2, 5, 4));
  int y = irb_unknown(&g);
  irb_op(&g, OCT_OP_CONCATENATION, 2, I(a, b), 1, &y);
  g.ops[0].opts.concat.axis = -2;
  expect("concat", y, 3, D(2, 8, 4));
  g.ops[0].opts.concat.axis = 0;
  g.tensors[y].rank = -1;
  expect_fail("concat mismatch", OCT_ERR_SHAPE, "input 1");

  reset();
  a = irb_input(&g, 2, D(3, 4));
  int p = irb_i32(&g, 4, D(1, 2, 0, 3));
  g.tensors[p].rank = 2;
  g.tensors[p].dims[0] = g.tensors[p].dims[1] = 2;
  y = unary_like(OCT_OP_PAD, a, 1, &p);
  expect("pad", y, 2, D(6, 7));

  reset();
  a = irb_input(&g, 4, D(1, 2, 3, 4));
  p = irb_i32(&g, 4, D(0, 3, 1, 2));
  y = unary_like(OCT_OP_TRANSPOSE, a, 1, &p);
  expect("transpose", y, 4, D(1, 4, 2, 3));
}

static int sslice(const int32_t *in_dims, int rank, int n, const int32_t *begin,
                  const int32_t *end, const int32_t *strides) {
  reset();
  int x = irb_input(&g, rank, in_dims);
  int b = irb_i32(&g, n, begin), e = irb_i32(&g, n, end), s = irb_i32(&g, n, strides);
  return unary_like(OCT_OP_STRIDED_SLICE, x, 3, I(b, e, s));
}

static void slices(void) {
  int y = sslice(D(4, 6), 2, 2, D(1, -5), D(3, 6), D(1, 2));
  expect("strided_slice", y, 2, D(2, 3));
  y = sslice(D(4, 6), 2, 2, D(0, 0), D(0, 0), D(1, -1));
  g.ops[0].opts.strided_slice.begin_mask = 3;
  g.ops[0].opts.strided_slice.end_mask = 3;
  expect("strided_slice masks, reverse", y, 2, D(4, 6));
  y = sslice(D(4, 6, 5), 3, 2, D(2, 1), D(3, 4), D(1, 1));
  g.ops[0].opts.strided_slice.shrink_axis_mask = 1;
  expect("strided_slice shrink, implied ellipsis", y, 2, D(3, 5));
  y = sslice(D(4, 6, 5), 3, 3, D(0, 0, 1), D(0, 0, 3), D(1, 1, 1));
  g.ops[0].opts.strided_slice.ellipsis_mask = 1;
  g.ops[0].opts.strided_slice.new_axis_mask = 2;
  expect("strided_slice ellipsis + new axis", y, 4, D(4, 6, 1, 2));
  y = sslice(D(8), 1, 1, D(2), D(3), D(1));
  g.ops[0].opts.strided_slice.offset = 1;
  expect("strided_slice offset", y, 1, D(3));
  y = sslice(D(8), 1, 1, D(5), D(2), D(1));
  expect_fail("strided_slice empty", OCT_ERR_SHAPE, "empty");

  reset();
  int x = irb_input(&g, 3, D(4, 6, 5));
  int b = irb_i32(&g, 3, D(1, 0, 2)), s = irb_i32(&g, 3, D(2, -1, 3));
  y = unary_like(OCT_OP_SLICE, x, 2, I(b, s));
  expect("slice", y, 3, D(2, 6, 3));

  /* SPLIT (axis, input); SPLIT_V (input, sizes, axis) with -1. */
  reset();
  int axis = irb_i32(&g, -1, D(1));
  x = irb_input(&g, 2, D(2, 6));
  int o[3] = {irb_unknown(&g), irb_unknown(&g), irb_unknown(&g)};
  irb_op(&g, OCT_OP_SPLIT, 2, I(axis, x), 3, o);
  g.ops[0].opts.split.num_splits = 3;
  expect("split", o[2], 2, D(2, 2));
  reset();
  x = irb_input(&g, 2, D(2, 6));
  int sizes = irb_i32(&g, 2, D(-1, 4));
  axis = irb_i32(&g, -1, D(-1));
  o[0] = irb_unknown(&g);
  o[1] = irb_unknown(&g);
  irb_op(&g, OCT_OP_SPLIT_V, 3, I(x, sizes, axis), 2, o);
  g.ops[0].opts.split.num_splits = 2;
  expect("split_v", o[0], 2, D(2, 2));
  CHECK(irb_shape_is(&g, o[1], 2, D(2, 4)));
}

static void reductions(void) {
  reset();
  int x = irb_input(&g, 4, D(1, 7, 7, 8));
  int ax = irb_i32(&g, 2, D(1, 2));
  int y = unary_like(OCT_OP_MEAN, x, 1, &ax);
  g.ops[0].opts.reducer.keep_dims = 1;
  expect("mean keep", y, 4, D(1, 1, 1, 8));
  g.ops[0].opts.reducer.keep_dims = 0;
  g.ops[0].code = OCT_OP_SUM;
  g.tensors[y].rank = -1;
  expect("sum", y, 2, D(1, 8));
  g.ops[0].code = OCT_OP_REDUCE_MAX;
  g.tensors[y].rank = -1;
  expect("reduce_max", y, 2, D(1, 8));

  reset();
  x = irb_input(&g, 2, D(3, 10));
  ax = irb_i32(&g, -1, D(-1));
  y = unary_like(OCT_OP_ARG_MAX, x, 1, &ax);
  expect("arg_max", y, 1, D(3));
}

static void resizing(void) {
  reset();
  int x = irb_input(&g, 4, D(1, 5, 6, 3));
  int size = irb_i32(&g, 2, D(10, 12));
  int y = unary_like(OCT_OP_RESIZE_BILINEAR, x, 1, &size);
  expect("resize", y, 4, D(1, 10, 12, 3));

  reset();
  x = irb_input(&g, 4, D(1, 5, 6, 12));
  y = unary_like(OCT_OP_DEPTH_TO_SPACE, x, 0, NULL);
  g.ops[0].opts.block.block_size = 2;
  expect("depth_to_space", y, 4, D(1, 10, 12, 3));
  reset();
  x = irb_input(&g, 4, D(1, 4, 6, 3));
  y = unary_like(OCT_OP_SPACE_TO_DEPTH, x, 0, NULL);
  g.ops[0].opts.block.block_size = 2;
  expect("space_to_depth", y, 4, D(1, 2, 3, 12));

  reset();
  x = irb_input(&g, 4, D(1, 5, 6, 3));
  int block = irb_i32(&g, 2, D(2, 3));
  int pads = irb_i32(&g, 4, D(1, 0, 0, 0));
  y = unary_like(OCT_OP_SPACE_TO_BATCH_ND, x, 2, I(block, pads));
  expect("space_to_batch", y, 4, D(6, 3, 2, 3));
  reset();
  x = irb_input(&g, 4, D(6, 3, 2, 3));
  block = irb_i32(&g, 2, D(2, 3));
  pads = irb_i32(&g, 4, D(1, 0, 0, 0));
  y = unary_like(OCT_OP_BATCH_TO_SPACE_ND, x, 2, I(block, pads));
  expect("batch_to_space", y, 4, D(1, 5, 6, 3));
}

static void gather_pack_matmul(void) {
  reset();
  int x = irb_input(&g, 3, D(5, 6, 7));
  int idx = irb_i32(&g, 2, D(0, 4));
  int y = unary_like(OCT_OP_GATHER, x, 1, &idx);
  g.ops[0].opts.gather.axis = 1;
  expect("gather", y, 3, D(5, 2, 7));

  reset();
  int a = irb_input(&g, 2, D(3, 4)), b = irb_input(&g, 2, D(3, 4));
  y = irb_unknown(&g);
  irb_op(&g, OCT_OP_PACK, 2, I(a, b), 1, &y);
  g.ops[0].opts.pack.values_count = 2;
  g.ops[0].opts.pack.axis = -1;
  expect("pack", y, 3, D(3, 4, 2));
  reset();
  x = irb_input(&g, 3, D(3, 2, 4));
  int o[2] = {irb_unknown(&g), irb_unknown(&g)};
  irb_op(&g, OCT_OP_UNPACK, 1, &x, 2, o);
  g.ops[0].opts.pack.values_count = 2;
  g.ops[0].opts.pack.axis = 1;
  expect("unpack", o[1], 2, D(3, 4));

  reset();
  a = irb_input(&g, 3, D(2, 3, 4));
  b = irb_input(&g, 4, D(5, 1, 6, 4));
  y = irb_unknown(&g);
  irb_op(&g, OCT_OP_BATCH_MATMUL, 2, I(a, b), 1, &y);
  g.ops[0].opts.batch_matmul.adj_y = 1;
  expect("batch_matmul", y, 4, D(5, 2, 3, 6));
}

static void declared_and_errors(void) {
  /* A declared shape that disagrees names the op and the tensor. */
  reset();
  int x = irb_input(&g, 2, D(3, 4));
  int y = irb_tensor(&g, OCT_FLOAT32, 2, D(3, 5));
  irb_op(&g, OCT_OP_RELU, 1, &x, 1, &y);
  expect_fail("mismatch", OCT_ERR_SHAPE, "op 0 (RELU 'op0'): output 't1' is declared [3,5]");
  /* An input of unknown shape. */
  reset();
  x = irb_unknown(&g);
  oct_ir_add_input(&g, x);
  y = irb_unknown(&g);
  irb_op(&g, OCT_OP_RELU, 1, &x, 1, &y);
  expect_fail("unknown input", OCT_ERR_SHAPE, "no known shape");
  /* An op no rule knows keeps a declared shape, and fails without one. */
  reset();
  x = irb_input(&g, 2, D(3, 4));
  y = irb_tensor(&g, OCT_FLOAT32, 1, D(7));
  irb_op(&g, OCT_OP_LSTM, 1, &x, 1, &y);
  expect("unknown op keeps its shape", y, 1, D(7));
  g.tensors[y].rank = -1;
  expect_fail("unknown op", OCT_ERR_UNSUPPORTED, "does not know");
  /* Chains: every op sees its producer's inferred shape; dead ops are
   * skipped. */
  reset();
  x = irb_input(&g, 4, D(1, 4, 4, 2));
  int mid = unary_like(OCT_OP_RELU, x, 0, NULL);
  int dead = unary_like(OCT_OP_RELU, x, 0, NULL);
  g.ops[1].dead = 1;
  int s = irb_i32(&g, 1, D(-1));
  y = unary_like(OCT_OP_RESHAPE, mid, 1, &s);
  expect("chain", y, 1, D(32));
  CHECK(g.tensors[dead].rank == -1);
}

int main(void) {
  oct_ir_init(&g);
  conv_family();
  pool_fc();
  elementwise();
  reshapes();
  concat_pad_transpose();
  slices();
  reductions();
  resizing();
  gather_pack_matmul();
  declared_and_errors();
  oct_ir_free(&g);
  return test_finish("test_shape_infer");
}
