/* Which x86 int8 kernel an op runs; see x86_select.h. */
#if defined(__x86_64__)
#include "x86_select.h"

#include "../../runtime/cpu.h"
#include "x86_s8.h"
#include "x86_hybrid.h"

static int gemm_isa(const oct_ctx *ctx) {
  if (oct_ctx_kernels(ctx) == OCT_KERNELS_REF) return OCT_X86_NONE;
  const uint32_t f = oct_cpu_usable();
  if (f & OCT_CPU_AVX512VNNI) return OCT_X86_AVX512VNNI;
  if (f & OCT_CPU_AVXVNNI) return OCT_X86_AVXVNNI;
  if (f & OCT_CPU_AVX2) return OCT_X86_AVX2;
  return OCT_X86_NONE;
}

static int dw_isa(const oct_ctx *ctx, int32_t channels) {
  if (oct_ctx_kernels(ctx) == OCT_KERNELS_REF) return OCT_X86_NONE;
  const uint32_t f = oct_cpu_usable();
  /* The VNNI depthwise works on 64 channels at once: a little faster
   * than AVX-512 BW on whole blocks, slower on partly empty ones. */
  if ((f & OCT_CPU_AVX512VNNI) && channels % 64 == 0) return OCT_X86_AVX512VNNI;
  if (f & OCT_CPU_AVX512) return OCT_X86_AVX512;
  if (f & OCT_CPU_AVX2) return OCT_X86_AVX2;
  return OCT_X86_NONE;
}

static int const_ok(const oct_tensor *w, const oct_tensor *bias) {
  return w->is_const && w->data && (!bias || (bias->is_const && bias->data));
}

/* Kernel names live as long as the program: a fixed table. */
enum { K_1X1, K_IM2COL, K_FC, K_DW3, K_DW5, K_DW, K_DW_U8, K_DW5_U8, K_DWG_U8,
       K_1X1_U8, K_IM2COL_U8, K_FC_U8, K_KINDS };
static const char *const g_names[K_KINDS][5] = {
    {"ref", "s8 1x1 avx2", "s8 1x1 avxvnni", "s8 1x1 avx512vnni", "ref"},
    {"ref", "s8 im2col avx2", "s8 im2col avxvnni", "s8 im2col avx512vnni",
     "ref"},
    {"ref", "s8 fc avx2", "s8 fc avxvnni", "s8 fc avx512vnni", "ref"},
    {"ref", "s8 dw3x3 avx2", "ref", "s8 dw3x3 avx512vnni", "s8 dw3x3 avx512"},
    {"ref", "s8 dw5x5 avx2", "ref", "s8 dw5x5 avx512vnni", "s8 dw5x5 avx512"},
    {"ref", "s8 dw avx2", "ref", "s8 dw avx512vnni", "s8 dw avx512"},
    {"ref", "u8 dw3x3 avx2", "ref", "ref", "u8 dw3x3 avx512"},
    {"ref", "u8 dw5x5 avx2", "ref", "ref", "u8 dw5x5 avx512"},
    {"ref", "u8 dw avx2", "ref", "ref", "u8 dw avx512"},
    {"ref", "u8 1x1 avx2", "u8 1x1 avxvnni", "u8 1x1 avx512vnni", "ref"},
    {"ref", "u8 im2col avx2", "u8 im2col avxvnni", "u8 im2col avx512vnni",
     "ref"},
    {"ref", "u8 fc avx2", "u8 fc avxvnni", "u8 fc avx512vnni", "ref"}};

static oct_status gemm_plan(oct_ctx *ctx, oct_node *node, int isa, int32_t k,
                            int32_t n, int u8, const oct_tensor *w,
                            const oct_tensor *bias, const oct_requant *q,
                            int direct, const void **packed,
                            int *scratch_idx) {
  void *mem = 0;
  oct_status st =
      oct_persistent_alloc(ctx, oct_x86_gemm_plan_bytes(isa, k, n), &mem);
  if (st) return st;
  const oct_x86_gemm_plan *p = oct_x86_gemm_plan_init(
      mem, isa, k, n, w->data, u8, bias ? bias->data : 0, q, direct);
  /* One block per thread: conv ops split their rows over the threads. */
  const int threads = oct_ctx_threads(ctx) > 1 ? oct_ctx_threads(ctx) : 1;
  st = oct_scratch_request(ctx, node, (size_t)threads * oct_x86_gemm_scratch_stride(p),
                           scratch_idx);
  if (st) return st;
  *packed = p;
  return OCT_OK;
}

static oct_status select_conv(oct_ctx *ctx, oct_node *node,
                              const oct_conv_dims *d, const oct_requant *q,
                              const oct_tensor *w, const oct_tensor *bias,
                              int u8, const void **packed, int *scratch_idx,
                              int *chosen) {
  const int isa = gemm_isa(ctx);
  *chosen = 0;
  if (!isa || !const_ok(w, bias) || (!u8 && q->weight_offset != 0))
    return OCT_OK;
  const int direct = oct_x86_conv_is_direct(d);
  const int64_t k = (int64_t)d->k_h * d->k_w * d->in_c;
  if (k > (1 << 24)) return OCT_OK;
  oct_status st = gemm_plan(ctx, node, isa, (int32_t)k, d->out_c, u8, w, bias,
                            q, direct, packed, scratch_idx);
  if (st) return st;
  const int kind = d->k_h == 1 && d->k_w == 1 ? K_1X1 : K_IM2COL;
  node->kernel = g_names[kind + (u8 ? K_1X1_U8 : 0)][isa];
  *chosen = 1;
  return OCT_OK;
}

oct_status oct_x86_select_conv_s8(oct_ctx *ctx, oct_node *node,
                                  const oct_conv_dims *d, const oct_requant *q,
                                  const oct_tensor *w, const oct_tensor *bias,
                                  oct_conv2d_s8_fn *fn, const void **packed,
                                  int *scratch_idx) {
  int chosen = 0;
  oct_status st =
      select_conv(ctx, node, d, q, w, bias, 0, packed, scratch_idx, &chosen);
  if (!st && chosen) *fn = oct_x86_conv2d_s8;
  return st;
}

oct_status oct_x86_select_conv_u8(oct_ctx *ctx, oct_node *node,
                                  const oct_conv_dims *d, const oct_requant *q,
                                  const oct_tensor *w, const oct_tensor *bias,
                                  oct_conv2d_u8_fn *fn, const void **packed,
                                  int *scratch_idx) {
  int chosen = 0;
  oct_status st =
      select_conv(ctx, node, d, q, w, bias, 1, packed, scratch_idx, &chosen);
  if (!st && chosen) *fn = oct_x86_conv2d_u8;
  return st;
}

static oct_status select_fc(oct_ctx *ctx, oct_node *node,
                            const oct_fc_dims *d, const oct_requant *q,
                            const oct_tensor *w, const oct_tensor *bias,
                            int u8, const void **packed, int *scratch_idx,
                            int *chosen) {
  const int isa = gemm_isa(ctx);
  *chosen = 0;
  if (!isa || !const_ok(w, bias) || (!u8 && q->weight_offset != 0))
    return OCT_OK;
  if (d->depth > (1 << 24)) return OCT_OK;
  oct_status st = gemm_plan(ctx, node, isa, d->depth, d->out_c, u8, w, bias, q,
                            1, packed, scratch_idx);
  if (st) return st;
  node->kernel = g_names[K_FC + (u8 ? K_1X1_U8 : 0)][isa];
  *chosen = 1;
  return OCT_OK;
}

oct_status oct_x86_select_fc_s8(oct_ctx *ctx, oct_node *node,
                                const oct_fc_dims *d, const oct_requant *q,
                                const oct_tensor *w, const oct_tensor *bias,
                                oct_fc_s8_fn *fn, const void **packed,
                                int *scratch_idx) {
  int chosen = 0;
  oct_status st =
      select_fc(ctx, node, d, q, w, bias, 0, packed, scratch_idx, &chosen);
  if (!st && chosen) *fn = oct_x86_fc_s8;
  return st;
}

oct_status oct_x86_select_fc_u8(oct_ctx *ctx, oct_node *node,
                                const oct_fc_dims *d, const oct_requant *q,
                                const oct_tensor *w, const oct_tensor *bias,
                                oct_fc_u8_fn *fn, const void **packed,
                                int *scratch_idx) {
  int chosen = 0;
  oct_status st =
      select_fc(ctx, node, d, q, w, bias, 1, packed, scratch_idx, &chosen);
  if (!st && chosen) *fn = oct_x86_fc_u8;
  return st;
}

static oct_status select_dw(oct_ctx *ctx, oct_node *node,
                            const oct_conv_dims *d, const oct_requant *q,
                            const oct_tensor *w, const oct_tensor *bias,
                            int u8, const void **packed, int *chosen) {
  int isa = dw_isa(ctx, d->out_c);
  if (u8 && isa == OCT_X86_AVX512VNNI) isa = OCT_X86_AVX512;
  *chosen = 0;
  if (!isa || !const_ok(w, bias) || (!u8 && q->weight_offset != 0) ||
      !oct_x86_dw_supported(d))
    return OCT_OK;
  void *mem = 0;
  oct_status st =
      oct_persistent_alloc(ctx, oct_x86_dw_plan_bytes(isa, d), &mem);
  if (st) return st;
  *packed = oct_x86_dw_plan_init(mem, isa, d, w->data, u8,
                                 bias ? bias->data : 0, q);
  const int kind = d->k_h == 3 && d->k_w == 3 ? K_DW3
                   : d->k_h == 5 && d->k_w == 5 ? K_DW5 : K_DW;
  node->kernel = g_names[kind + (u8 ? K_DW_U8 - K_DW3 : 0)][isa];
  *chosen = 1;
  return OCT_OK;
}

oct_status oct_x86_select_dwconv_s8(oct_ctx *ctx, oct_node *node,
                                    const oct_conv_dims *d,
                                    const oct_requant *q, const oct_tensor *w,
                                    const oct_tensor *bias,
                                    oct_dwconv2d_s8_fn *fn,
                                    const void **packed) {
  int chosen = 0;
  oct_status st = select_dw(ctx, node, d, q, w, bias, 0, packed, &chosen);
  if (!st && chosen) *fn = oct_x86_dwconv2d_s8;
  return st;
}

oct_status oct_x86_select_dwconv_u8(oct_ctx *ctx, oct_node *node,
                                    const oct_conv_dims *d,
                                    const oct_requant *q, const oct_tensor *w,
                                    const oct_tensor *bias,
                                    oct_dwconv2d_u8_fn *fn,
                                    const void **packed) {
  int chosen = 0;
  oct_status st = select_dw(ctx, node, d, q, w, bias, 1, packed, &chosen);
  if (!st && chosen) *fn = oct_x86_dwconv2d_u8;
  return st;
}

/* Hybrid CONV_2D / FULLY_CONNECTED on the AVX2 int16 GEMM (also on VNNI
 * CPUs: one exact path for every x86 with AVX2). */
static oct_status select_hybrid(oct_ctx *ctx, oct_node *node, int64_t k,
                                int32_t n, int direct, const oct_tensor *w,
                                int scratch_idx, int64_t row_len,
                                const void **plan) {
  *plan = 0;
  if (oct_ctx_kernels(ctx) == OCT_KERNELS_REF || !(oct_cpu_usable() & OCT_CPU_AVX2) ||
      !w->is_const || !w->data || k > (1 << 24))
    return OCT_OK;
  void *mem = 0;
  oct_status st =
      oct_persistent_alloc(ctx, oct_x86_hybrid_plan_bytes((int32_t)k, n), &mem);
  if (st) return st;
  const void *p = oct_x86_hybrid_plan_init(mem, (int32_t)k, n, w->data, direct);
  const int threads = oct_ctx_threads(ctx) > 1 ? oct_ctx_threads(ctx) : 1;
  st = oct_scratch_grow(ctx, node, scratch_idx,
                        oct_x86_hybrid_scratch_bytes(p, 1, row_len, threads));
  if (st) return st;
  *plan = p;
  return OCT_OK;
}

oct_status oct_x86_select_conv_hybrid(oct_ctx *ctx, oct_node *node,
                                      const oct_conv_dims *d,
                                      const oct_tensor *w, int scratch_idx,
                                      oct_conv_hybrid_fn *fn,
                                      const void **plan) {
  const int64_t k = (int64_t)d->k_h * d->k_w * d->in_c;
  oct_status st = select_hybrid(ctx, node, k, d->out_c, oct_x86_conv_is_direct(d),
                                w, scratch_idx,
                                (int64_t)d->in_h * d->in_w * d->in_c, plan);
  if (!st && *plan) {
    *fn = oct_x86_conv2d_hybrid;
    node->kernel = d->k_h == 1 && d->k_w == 1 ? "hybrid 1x1 avx2" : "hybrid im2col avx2";
  }
  return st;
}

oct_status oct_x86_select_fc_hybrid(oct_ctx *ctx, oct_node *node,
                                    const oct_fc_dims *d, const oct_tensor *w,
                                    int scratch_idx, oct_fc_hybrid_fn *fn,
                                    const void **plan) {
  oct_status st =
      select_hybrid(ctx, node, d->depth, d->out_c, 1, w, scratch_idx, d->depth, plan);
  if (!st && *plan) {
    *fn = oct_x86_fc_hybrid;
    node->kernel = "hybrid fc avx2";
  }
  return st;
}

oct_status oct_x86_select_dwconv_hybrid(oct_ctx *ctx, oct_node *node,
                                        const oct_conv_dims *d,
                                        const oct_tensor *w,
                                        const oct_hybrid_params *h,
                                        int scratch_idx, oct_conv_hybrid_fn *fn,
                                        const void **plan) {
  *plan = 0;
  if (oct_ctx_kernels(ctx) == OCT_KERNELS_REF || !(oct_cpu_usable() & OCT_CPU_AVX2) ||
      !w->is_const || !w->data || !oct_x86_hybrid_dw_supported(d))
    return OCT_OK;
  void *mem = 0;
  oct_status st = oct_persistent_alloc(ctx, oct_x86_hybrid_dw_plan_bytes(d), &mem);
  if (st) return st;
  const void *p = oct_x86_hybrid_dw_plan_init(mem, d, w->data, h->w_scale);
  st = oct_scratch_grow(ctx, node, scratch_idx,
                        oct_x86_hybrid_dw_scratch_bytes(
                            p, (int64_t)d->in_h * d->in_w * d->in_c));
  if (st) return st;
  *plan = p;
  *fn = oct_x86_dwconv2d_hybrid;
  node->kernel = "hybrid dw avx2";
  return OCT_OK;
}

size_t oct_x86_gemm_scratch_stride(const void *packed) {
  const size_t b = oct_x86_gemm_scratch_bytes((const oct_x86_gemm_plan *)packed);
  return (b + 63) & ~(size_t)63;
}
#endif
