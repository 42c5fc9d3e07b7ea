/*
 * Prepare-time helpers shared by the conv family (CONV_2D,
 * DEPTHWISE_CONV_2D, TRANSPOSE_CONV, FULLY_CONNECTED): validation of the
 * quantization parameters and bias of an untrusted model, the per-channel
 * requantization multipliers the kernels read, window geometry, and the
 * fused activation. Kept in one place so the four ops agree on every rule.
 *
 * Which multiplier formula applies follows TFLite 2.9
 * (tensorflow/lite/kernels/kernel_util.cc), because the last bit of a
 * Q31 multiplier can change outputs:
 *  - int8/int16 conv-like ops, per channel c (PopulateConvolutionQuantization
 *    Params): M_c = (double)s_in * (double)s_w[c] / (double)s_out;
 *  - uint8 conv-like ops and per-tensor FULLY_CONNECTED
 *    (GetQuantizedConvolutionMultipler): the scale product is taken in
 *    float first: M = (double)(s_in * s_w) / (double)s_out.
 * Per-channel FULLY_CONNECTED (newer than 2.9, which reads only the first
 * scale) uses the per-channel formula, as later TFLite and TFLite Micro do.
 * The 8-bit tie rounding follows TFLite 2.9 on x86 too: up for CONV_2D and
 * FULLY_CONNECTED (ruy), away from zero for the others (oct_rounding).
 */
#ifndef OCT_OPS_CONV_COMMON_H
#define OCT_OPS_CONV_COMMON_H

#include "../kernels/ref/conv_params.h"
#include "op_api.h"

/* The op, which fixes the rules above, the weights' channel axis, whether
 * an int8 weight zero point is applied (FULLY_CONNECTED only), and how the
 * 8-bit requantization rounds ties (see oct_rounding in conv_params.h). */
typedef enum oct_conv_kind {
  OCT_CONV_KIND_CONV2D = 0,    /* filter [OC,KH,KW,IC], axis 0 */
  OCT_CONV_KIND_DEPTHWISE = 1, /* filter [1,KH,KW,OC], axis 3 */
  OCT_CONV_KIND_TRANSPOSE = 2, /* filter [OC,KH,KW,IC], axis 0 */
  OCT_CONV_KIND_FC = 3         /* weights [OC,D], axis 0 */
} oct_conv_kind;

/* Fails unless `act` is one of NONE, RELU, RELU_N1_TO_1, RELU6 (TFLite's
 * kernels silently ignore TANH and SIGN_BIT here; octet refuses them). */
oct_status oct_conv_check_act(oct_ctx *ctx, const oct_node *node, oct_act act);

/*
 * Checks that (in, w, bias, out) form a type combination octet runs:
 * float32 all through, int8 (int32 bias), uint8 (int32 bias), or int16
 * activations with int8 weights (int64 or int32 bias). `bias` may be NULL.
 */
oct_status oct_conv_check_types(oct_ctx *ctx, const oct_node *node,
                                const oct_tensor *in, const oct_tensor *w,
                                const oct_tensor *bias, const oct_tensor *out);

/*
 * Validates the quantization of in, w and out and fills `rq` for a kernel
 * with `channels` output channels: offsets, the fused activation's clamp
 * range, the rounding, and mult/shift arrays (persistent memory,
 * per-tensor scales broadcast).
 */
oct_status oct_conv_quant_prepare(oct_ctx *ctx, const oct_node *node,
                                  oct_conv_kind kind, const oct_tensor *in,
                                  const oct_tensor *w, const oct_tensor *out,
                                  int32_t channels, oct_act act,
                                  oct_requant *rq);

/*
 * Validates the optional bias (channels elements, type per
 * oct_conv_check_types). For int16 activations with an int32 bias, whose
 * kernels read int64, a widened constant copy is made in persistent memory
 * and returned in *bias64 (NULL otherwise).
 */
oct_status oct_conv_bias_prepare(oct_ctx *ctx, const oct_node *node,
                                 const oct_tensor *in, const oct_tensor *bias,
                                 int32_t channels, const int64_t **bias64);

/*
 * Output size and leading padding of one spatial axis of CONV_2D or
 * DEPTHWISE_CONV_2D (TFLite ComputePaddingHeightWidth). Also bounds every
 * coordinate a kernel computes to int32, against hostile strides and
 * dilations. `what` names the axis in messages ("height").
 */
oct_status oct_conv_axis(oct_ctx *ctx, const oct_node *node, const char *what,
                         oct_padding pad, int32_t in, int32_t filter,
                         int32_t stride, int32_t dilation, int32_t *out,
                         int32_t *pad_before);

/* True when a tensor with this many elements fits the coordinate bounds
 * that oct_conv_axis enforces (dimensions up to 2^29). */
int oct_conv_dim_ok(int32_t n);

#endif /* OCT_OPS_CONV_COMMON_H */
