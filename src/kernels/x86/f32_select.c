/* Kernel choice and weight packing at prepare (see f32_select.h). */
#include "f32_select.h"

/* The ops call these only on x86-64. */
#if defined(__x86_64__)

static int constant_f32(const oct_tensor *t) {
  return t && t->type == OCT_FLOAT32 && t->is_const && t->data;
}

/* The family to use, or NONE. */
static oct_f32_isa pick(oct_ctx *ctx, const oct_tensor *w,
                        const oct_tensor *bias) {
  if (oct_ctx_kernels(ctx) != OCT_KERNELS_BEST) return OCT_F32_ISA_NONE;
  if (!constant_f32(w) || (bias && !constant_f32(bias))) return OCT_F32_ISA_NONE;
  return oct_f32_cpu_best();
}

static const char *variant_name(oct_f32_isa isa) {
  return isa == OCT_F32_ISA_AVX512 ? "x86_f32_avx512" : "x86_f32_avx2";
}

static oct_status pack_gemm(oct_ctx *ctx, oct_f32_isa isa, int32_t out_c,
                            int32_t taps, int32_t in_c, const oct_tensor *w,
                            const oct_tensor *bias, const float **packed) {
  const int32_t nr = oct_f32_conv_nr(isa);
  float *p = 0;
  oct_status st = oct_persistent_alloc(
      ctx, oct_f32_conv_packed_floats(out_c, taps, in_c, nr) * sizeof(float),
      (void **)&p);
  if (st) return st;
  oct_f32_conv_pack(out_c, taps, in_c, nr, w->data, bias ? bias->data : 0, p);
  *packed = p;
  return OCT_OK;
}

oct_status oct_conv2d_f32_x86_select(oct_ctx *ctx, oct_node *node,
                                     const oct_conv_dims *d,
                                     const oct_tensor *w,
                                     const oct_tensor *bias,
                                     oct_conv2d_f32_fn *fn,
                                     const float **packed) {
#if defined(__x86_64__)
  const oct_f32_isa isa = pick(ctx, w, bias);
  if (isa == OCT_F32_ISA_NONE) return OCT_OK;
  oct_status st = pack_gemm(ctx, isa, d->out_c, d->k_h * d->k_w, d->in_c, w,
                            bias, packed);
  if (st) return st;
  *fn = isa == OCT_F32_ISA_AVX512 ? oct_conv2d_f32_avx512 : oct_conv2d_f32_avx2;
  node->kernel = variant_name(isa);
#else
  (void)ctx, (void)node, (void)d, (void)w, (void)bias, (void)fn, (void)packed;
#endif
  return OCT_OK;
}

oct_status oct_dwconv2d_f32_x86_select(oct_ctx *ctx, oct_node *node,
                                       const oct_conv_dims *d,
                                       const oct_tensor *w,
                                       const oct_tensor *bias,
                                       oct_dwconv2d_f32_fn *fn,
                                       const float **packed) {
#if defined(__x86_64__)
  const oct_f32_isa isa = pick(ctx, w, bias);
  if (isa == OCT_F32_ISA_NONE || d->depth_mult != 1) return OCT_OK;
  const int32_t taps = d->k_h * d->k_w;
  float *p = 0;
  oct_status st = oct_persistent_alloc(
      ctx, oct_f32_dw_packed_floats(d->out_c, taps) * sizeof(float), (void **)&p);
  if (st) return st;
  oct_f32_dw_pack(d->out_c, taps, w->data, bias ? bias->data : 0, p);
  *packed = p;
  *fn = isa == OCT_F32_ISA_AVX512 ? oct_dwconv2d_f32_avx512
                                  : oct_dwconv2d_f32_avx2;
  node->kernel = variant_name(isa);
#else
  (void)ctx, (void)node, (void)d, (void)w, (void)bias, (void)fn, (void)packed;
#endif
  return OCT_OK;
}

oct_status oct_fc_f32_x86_select(oct_ctx *ctx, oct_node *node,
                                 const oct_fc_dims *d, const oct_tensor *w,
                                 const oct_tensor *bias, oct_fc_f32_fn *fn,
                                 const float **packed, int32_t *oc_align,
                                 size_t *w_stride) {
#if defined(__x86_64__)
  const oct_f32_isa isa = pick(ctx, w, bias);
  if (isa == OCT_F32_ISA_NONE) return OCT_OK;
  oct_status st = pack_gemm(ctx, isa, d->out_c, 1, d->depth, w, bias, packed);
  if (st) return st;
  const int32_t nr = oct_f32_conv_nr(isa);
  *fn = isa == OCT_F32_ISA_AVX512 ? oct_fc_f32_avx512 : oct_fc_f32_avx2;
  *oc_align = nr;
  *w_stride = (size_t)nr * (1 + (size_t)d->depth);
  node->kernel = variant_name(isa);
#else
  (void)ctx, (void)node, (void)d, (void)w, (void)bias, (void)fn, (void)packed;
  (void)oc_align, (void)w_stride;
#endif
  return OCT_OK;
}

#endif /* __x86_64__ */
