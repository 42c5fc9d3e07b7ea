/* CPU-feature probe, variant tables and dispatch of the Arm kernels
 * (see arm_kernels.h). */
#if defined(__aarch64__)
#include "arm_kernels.h"

#if !defined(OCT_FREESTANDING)
#include <sys/auxv.h>
#endif
/* Linux's AArch64 hwcap bit for the dot-product instructions, in case the
 * libc headers predate it. */
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1UL << 20)
#endif

unsigned oct_arm_cpu_features(void) {
#if defined(OCT_FREESTANDING)
  /* No auxiliary vector without an OS: trust the build's target flags. */
#if defined(__ARM_FEATURE_DOTPROD)
  return OCT_ARM_DOTPROD;
#else
  return 0;
#endif
#else
  /* Cheap (a read of the process's auxv): called once per op at prepare. */
  return (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) ? OCT_ARM_DOTPROD : 0;
#endif
}

int oct_arm_conv2d_is_1x1(const oct_conv_dims *d) {
  return d->k_h == 1 && d->k_w == 1 && d->stride_h == 1 && d->stride_w == 1 &&
         d->pad_h == 0 && d->pad_w == 0 && d->out_h == d->in_h &&
         d->out_w == d->in_w;
}

const oct_arm_fc_s8_variant oct_arm_fc_s8_variants[] = {
    {"neon_dot", OCT_ARM_DOTPROD, oct_fc_s8_neon_dot},
    {"neon", 0, oct_fc_s8_neon},
};
const int oct_arm_fc_s8_variant_count =
    (int)(sizeof oct_arm_fc_s8_variants / sizeof oct_arm_fc_s8_variants[0]);

const oct_arm_conv2d_s8_variant oct_arm_conv2d_s8_variants[] = {
    {"neon_dot_1x1", OCT_ARM_DOTPROD, oct_arm_conv2d_is_1x1,
     oct_conv2d_1x1_s8_neon_dot},
    {"neon_1x1", 0, oct_arm_conv2d_is_1x1, oct_conv2d_1x1_s8_neon},
    {"neon_dot", OCT_ARM_DOTPROD, 0, oct_conv2d_s8_neon_dot},
    {"neon", 0, 0, oct_conv2d_s8_neon},
};
const int oct_arm_conv2d_s8_variant_count =
    (int)(sizeof oct_arm_conv2d_s8_variants /
          sizeof oct_arm_conv2d_s8_variants[0]);

const oct_arm_dwconv2d_s8_variant oct_arm_dwconv2d_s8_variants[] = {
    {"neon", 0, oct_arm_dwconv2d_fits, oct_dwconv2d_s8_neon},
};
const int oct_arm_dwconv2d_s8_variant_count =
    (int)(sizeof oct_arm_dwconv2d_s8_variants /
          sizeof oct_arm_dwconv2d_s8_variants[0]);

void oct_arm_select_fc_s8(const oct_fc_dims *d, oct_fc_s8_fn *fn,
                          const char **name) {
  (void)d;
  const unsigned have = oct_arm_cpu_features();
  for (int i = 0; i < oct_arm_fc_s8_variant_count; i++) {
    const oct_arm_fc_s8_variant *v = &oct_arm_fc_s8_variants[i];
    if ((v->needs & have) != v->needs) continue;
    *fn = v->fn;
    *name = v->name;
    return;
  }
}

void oct_arm_select_conv2d_s8(const oct_conv_dims *d, oct_conv2d_s8_fn *fn,
                              const char **name) {
  const unsigned have = oct_arm_cpu_features();
  for (int i = 0; i < oct_arm_conv2d_s8_variant_count; i++) {
    const oct_arm_conv2d_s8_variant *v = &oct_arm_conv2d_s8_variants[i];
    if ((v->needs & have) != v->needs || (v->fits && !v->fits(d))) continue;
    *fn = v->fn;
    *name = v->name;
    return;
  }
}

void oct_arm_select_dwconv2d_s8(const oct_conv_dims *d, oct_dwconv2d_s8_fn *fn,
                                const char **name) {
  const unsigned have = oct_arm_cpu_features();
  for (int i = 0; i < oct_arm_dwconv2d_s8_variant_count; i++) {
    const oct_arm_dwconv2d_s8_variant *v = &oct_arm_dwconv2d_s8_variants[i];
    if ((v->needs & have) != v->needs || (v->fits && !v->fits(d))) continue;
    *fn = v->fn;
    *name = v->name;
    return;
  }
}
#endif
