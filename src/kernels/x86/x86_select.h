/*
 * Prepare-time choice of the x86 int8 kernels, one call per op (under
 * #if defined(__x86_64__) in src/ops). Each call leaves the outputs
 * untouched (reference kernel kept) when the caller asked for reference
 * kernels, the CPU lacks the instructions or the op's shape is not
 * covered; otherwise it packs the weights into persistent memory, requests
 * scratch, and sets *fn, *packed (pass it as the weights argument),
 * *scratch_idx and node->kernel.
 */
#ifndef OCT_KERNELS_X86_SELECT_H
#define OCT_KERNELS_X86_SELECT_H

#include "../../ops/op_api.h"
#include "../ref/conv.h"
#include "../ref/depthwise_conv.h"
#include "../ref/fully_connected.h"
#include "../ref/hybrid.h"

/* Bytes of one thread's scratch block for a packed GEMM plan (a multiple
 * of 64); the scratch requested holds one per thread of the interpreter. */
size_t oct_x86_gemm_scratch_stride(const void *packed);

/* FULLY_CONNECTED (int8 or uint8: the plan knows) on the output channels
 * of N tiles [t0, t1) only, of oct_x86_fc_tiles(plan): pieces that split
 * a small batch over threads. */
int32_t oct_x86_fc_tiles(const void *plan);
void oct_x86_fc_tiles_run(const oct_fc_dims *d, const oct_requant *q,
                          const void *in, const void *plan, void *out,
                          void *scratch, int32_t t0, int32_t t1);

oct_status oct_x86_select_conv_s8(oct_ctx *ctx, oct_node *node,
                                  const oct_conv_dims *d, const oct_requant *q,
                                  const oct_tensor *w, const oct_tensor *bias,
                                  oct_conv2d_s8_fn *fn, const void **packed,
                                  int *scratch_idx);
oct_status oct_x86_select_conv_u8(oct_ctx *ctx, oct_node *node,
                                  const oct_conv_dims *d, const oct_requant *q,
                                  const oct_tensor *w, const oct_tensor *bias,
                                  oct_conv2d_u8_fn *fn, const void **packed,
                                  int *scratch_idx);
oct_status oct_x86_select_fc_u8(oct_ctx *ctx, oct_node *node,
                                const oct_fc_dims *d, const oct_requant *q,
                                const oct_tensor *w, const oct_tensor *bias,
                                oct_fc_u8_fn *fn, const void **packed,
                                int *scratch_idx);
oct_status oct_x86_select_dwconv_s8(oct_ctx *ctx, oct_node *node,
                                    const oct_conv_dims *d,
                                    const oct_requant *q, const oct_tensor *w,
                                    const oct_tensor *bias,
                                    oct_dwconv2d_s8_fn *fn,
                                    const void **packed);
oct_status oct_x86_select_dwconv_u8(oct_ctx *ctx, oct_node *node,
                                    const oct_conv_dims *d,
                                    const oct_requant *q, const oct_tensor *w,
                                    const oct_tensor *bias,
                                    oct_dwconv2d_u8_fn *fn,
                                    const void **packed);
oct_status oct_x86_select_fc_s8(oct_ctx *ctx, oct_node *node,
                                const oct_fc_dims *d, const oct_requant *q,
                                const oct_tensor *w, const oct_tensor *bias,
                                oct_fc_s8_fn *fn, const void **packed,
                                int *scratch_idx);

/* Hybrid (float input, int8 weights) variants: *plan is set (and the
 * hybrid scratch `scratch_idx` grown) when one is chosen; pass the plan
 * as the kernel's weights. */
oct_status oct_x86_select_conv_hybrid(oct_ctx *ctx, oct_node *node,
                                      const oct_conv_dims *d,
                                      const oct_tensor *w, int scratch_idx,
                                      oct_conv_hybrid_fn *fn, const void **plan);
oct_status oct_x86_select_dwconv_hybrid(oct_ctx *ctx, oct_node *node,
                                        const oct_conv_dims *d,
                                        const oct_tensor *w,
                                        const oct_hybrid_params *h,
                                        int scratch_idx, oct_conv_hybrid_fn *fn,
                                        const void **plan);
oct_status oct_x86_select_fc_hybrid(oct_ctx *ctx, oct_node *node,
                                    const oct_fc_dims *d, const oct_tensor *w,
                                    int scratch_idx, oct_fc_hybrid_fn *fn,
                                    const void **plan);

#endif /* OCT_KERNELS_X86_SELECT_H */
