/*
 * Arm NEON int8 kernels for FULLY_CONNECTED, CONV_2D and DEPTHWISE_CONV_2D,
 * and the dispatch that picks them at prepare.
 *
 * Every variant has the signature of its reference kernel (kernels/ref)
 * and the same results bit for bit: accumulators are summed modulo 2^32
 * like the reference, and the requantization is TFLite's, vectorized
 * (neon_requant.h). Each op has one table of variants, best first; the
 * tests iterate these tables, so no variant goes untested, and the
 * dispatch takes the first one the CPU and the shapes allow.
 *
 * Two families: "neon" runs on every AArch64 CPU; "neon_dot" uses the
 * Armv8.2 dot-product instructions (SDOT), compiled in a file of its own
 * with -march=armv8.2-a+dotprod and chosen at run time from
 * getauxval(AT_HWCAP), so one binary serves both. A freestanding build has no
 * auxv and relies on the compiler's target flags (__ARM_FEATURE_DOTPROD)
 * instead.
 *
 * The kernels need no scratch and never allocate: per-channel weight sums
 * go in a small stack block per chunk of output channels.
 */
#ifndef OCT_KERNELS_ARM_ARM_KERNELS_H
#define OCT_KERNELS_ARM_ARM_KERNELS_H

#include "../ref/conv.h"
#include "../ref/depthwise_conv.h"
#include "../ref/fully_connected.h"

/* CPU features the variants may need (bit mask). */
enum { OCT_ARM_DOTPROD = 1u };

/* The features of the CPU this runs on. */
unsigned oct_arm_cpu_features(void);

typedef struct oct_arm_fc_s8_variant {
  const char *name;
  unsigned needs; /* OCT_ARM_* features */
  oct_fc_s8_fn fn;
} oct_arm_fc_s8_variant;

typedef struct oct_arm_conv2d_s8_variant {
  const char *name;
  unsigned needs;
  int (*fits)(const oct_conv_dims *d); /* NULL: any geometry */
  oct_conv2d_s8_fn fn;
} oct_arm_conv2d_s8_variant;

typedef struct oct_arm_dwconv2d_s8_variant {
  const char *name;
  unsigned needs;
  int (*fits)(const oct_conv_dims *d);
  oct_dwconv2d_s8_fn fn;
} oct_arm_dwconv2d_s8_variant;

extern const oct_arm_fc_s8_variant oct_arm_fc_s8_variants[];
extern const int oct_arm_fc_s8_variant_count;
extern const oct_arm_conv2d_s8_variant oct_arm_conv2d_s8_variants[];
extern const int oct_arm_conv2d_s8_variant_count;
extern const oct_arm_dwconv2d_s8_variant oct_arm_dwconv2d_s8_variants[];
extern const int oct_arm_dwconv2d_s8_variant_count;

/*
 * Dispatch, called by the ops at prepare (inside #if defined(__aarch64__)).
 * Each replaces *fn and *name with the best variant for this CPU and
 * geometry, or leaves them (the reference kernel) when none applies.
 */
void oct_arm_select_fc_s8(const oct_fc_dims *d, oct_fc_s8_fn *fn,
                          const char **name);
void oct_arm_select_conv2d_s8(const oct_conv_dims *d, oct_conv2d_s8_fn *fn,
                              const char **name);
void oct_arm_select_dwconv2d_s8(const oct_conv_dims *d, oct_dwconv2d_s8_fn *fn,
                                const char **name);

/* The variants themselves (the tables above list them). */
void oct_fc_s8_neon(const oct_fc_dims *d, const oct_requant *q,
                    const int8_t *restrict in, const int8_t *restrict w,
                    const int32_t *restrict bias, int8_t *restrict out,
                    void *restrict scratch);
void oct_fc_s8_neon_dot(const oct_fc_dims *d, const oct_requant *q,
                        const int8_t *restrict in, const int8_t *restrict w,
                        const int32_t *restrict bias, int8_t *restrict out,
                        void *restrict scratch);
/* 1x1, stride 1, no padding: a GEMM over all pixels. */
void oct_conv2d_1x1_s8_neon(const oct_conv_dims *d, const oct_requant *q,
                            const int8_t *restrict in, const int8_t *restrict w,
                            const int32_t *restrict bias, int8_t *restrict out,
                            void *restrict scratch);
void oct_conv2d_1x1_s8_neon_dot(const oct_conv_dims *d, const oct_requant *q,
                                const int8_t *restrict in,
                                const int8_t *restrict w,
                                const int32_t *restrict bias,
                                int8_t *restrict out, void *restrict scratch);
/* Any geometry, without im2col: dot products over the valid taps. */
void oct_conv2d_s8_neon(const oct_conv_dims *d, const oct_requant *q,
                        const int8_t *restrict in, const int8_t *restrict w,
                        const int32_t *restrict bias, int8_t *restrict out,
                        void *restrict scratch);
void oct_conv2d_s8_neon_dot(const oct_conv_dims *d, const oct_requant *q,
                            const int8_t *restrict in, const int8_t *restrict w,
                            const int32_t *restrict bias, int8_t *restrict out,
                            void *restrict scratch);
/* Depth multiplier 1, any window. */
void oct_dwconv2d_s8_neon(const oct_conv_dims *d, const oct_requant *q,
                          const int8_t *restrict in, const int8_t *restrict w,
                          const int32_t *restrict bias, int8_t *restrict out,
                          void *restrict scratch);

/* Geometry predicates of the tables. */
int oct_arm_conv2d_is_1x1(const oct_conv_dims *d);
int oct_arm_dwconv2d_fits(const oct_conv_dims *d);

#endif /* OCT_KERNELS_ARM_ARM_KERNELS_H */
