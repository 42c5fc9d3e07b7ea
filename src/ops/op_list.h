/*
 * Every op the runtime knows, as X(CODE, name): CODE is the OCT_OP_* code
 * from src/runtime/builtin.h and `oct_op_<name>` the definition in
 * src/ops/<name>.c. The registry and the tests iterate this list.
 */
/* conv family */
X(CONV_2D, conv_2d)
X(DEPTHWISE_CONV_2D, depthwise_conv_2d)
X(FULLY_CONNECTED, fully_connected)
X(TRANSPOSE_CONV, transpose_conv)
/* elementwise and activations */
X(ADD, add)
X(SUB, sub)
X(MUL, mul)
X(MINIMUM, minimum)
X(MAXIMUM, maximum)
X(RELU, relu)
X(RELU6, relu6)
X(LEAKY_RELU, leaky_relu)
X(HARD_SWISH, hard_swish)
X(LOGISTIC, logistic)
X(TANH, tanh)
X(SOFTMAX, softmax)
X(QUANTIZE, quantize)
X(DEQUANTIZE, dequantize)
/* shape, data movement, pooling, reduction */
X(RESHAPE, reshape)
X(SQUEEZE, squeeze)
X(EXPAND_DIMS, expand_dims)
X(CONCATENATION, concatenation)
X(PAD, pad)
X(PADV2, padv2)
X(DEPTH_TO_SPACE, depth_to_space)
X(TRANSPOSE, transpose)
X(STRIDED_SLICE, strided_slice)
X(SLICE, slice)
X(SPLIT, split)
X(ARG_MAX, arg_max)
X(MEAN, mean)
X(AVERAGE_POOL_2D, average_pool_2d)
X(MAX_POOL_2D, max_pool_2d)
X(RESIZE_BILINEAR, resize_bilinear)
X(RESIZE_NEAREST_NEIGHBOR, resize_nearest_neighbor)
