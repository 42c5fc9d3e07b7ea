/*
 * Prepare-time choice of the float32 x86 kernels for CONV_2D,
 * DEPTHWISE_CONV_2D and FULLY_CONNECTED: one call per op. Each packs the
 * constant weights and bias once into persistent memory and installs the
 * widest variant the CPU runs; when none applies (not x86-64, reference
 * kernels requested, weights not constant, a depth multiplier > 1) it
 * returns OCT_OK and leaves *fn, *packed and node->kernel as they were.
 */
#ifndef OCT_KERNELS_X86_F32_SELECT_H
#define OCT_KERNELS_X86_F32_SELECT_H

#include "../../ops/op_api.h"
#include "f32_kernels.h"

oct_status oct_conv2d_f32_x86_select(oct_ctx *ctx, oct_node *node,
                                     const oct_conv_dims *d,
                                     const oct_tensor *w,
                                     const oct_tensor *bias,
                                     oct_conv2d_f32_fn *fn,
                                     const float **packed);

oct_status oct_dwconv2d_f32_x86_select(oct_ctx *ctx, oct_node *node,
                                       const oct_conv_dims *d,
                                       const oct_tensor *w,
                                       const oct_tensor *bias,
                                       oct_dwconv2d_f32_fn *fn,
                                       const float **packed);

/* Also gives how the packed weights may be cut by output channel: pieces
 * must start at multiples of *oc_align channels, and the weights of the
 * piece at channel c start at packed + (c / *oc_align) * *w_stride. */
oct_status oct_fc_f32_x86_select(oct_ctx *ctx, oct_node *node,
                                 const oct_fc_dims *d, const oct_tensor *w,
                                 const oct_tensor *bias, oct_fc_f32_fn *fn,
                                 const float **packed, int32_t *oc_align,
                                 size_t *w_stride);

#endif /* OCT_KERNELS_X86_F32_SELECT_H */
