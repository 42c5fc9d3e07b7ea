/*
 * Which float32 x86 kernel family this CPU runs. A local probe for the
 * float kernels only (cpuid + xgetbv, so that it also compiles
 * freestanding); the runtime-wide dispatch table may replace it.
 */
#ifndef OCT_KERNELS_X86_F32_CPU_H
#define OCT_KERNELS_X86_F32_CPU_H

typedef enum oct_f32_isa {
  OCT_F32_ISA_NONE = 0,
  OCT_F32_ISA_AVX2 = 1,   /* AVX2 + FMA, 256-bit */
  OCT_F32_ISA_AVX512 = 2  /* AVX-512F, 512-bit */
} oct_f32_isa;

/* Best family the CPU and OS support (probed once, then cached). */
oct_f32_isa oct_f32_cpu_best(void);

/* Name of a family for `octet inspect --kernels` ("avx2", "avx512"). */
const char *oct_f32_isa_name(oct_f32_isa isa);

#endif /* OCT_KERNELS_X86_F32_CPU_H */
