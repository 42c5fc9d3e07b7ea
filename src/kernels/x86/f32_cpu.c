/* cpuid/xgetbv probe for the float32 x86 kernels (see f32_cpu.h). */
#include "f32_cpu.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <stdint.h>

static uint64_t read_xcr0(void) {
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((uint64_t)hi << 32) | lo;
}

static oct_f32_isa probe(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return OCT_F32_ISA_NONE;
  const int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
  if (!osxsave || !avx || !fma) return OCT_F32_ISA_NONE;
  const uint64_t xcr0 = read_xcr0();
  /* The OS must save the YMM (and for AVX-512 the opmask/ZMM) state. */
  if ((xcr0 & 0x6) != 0x6) return OCT_F32_ISA_NONE;
  if (__get_cpuid_max(0, 0) < 7) return OCT_F32_ISA_NONE;
  __cpuid_count(7, 0, a, b, c, d);
  const int avx2 = (b >> 5) & 1, avx512f = (b >> 16) & 1;
  if (!avx2) return OCT_F32_ISA_NONE;
  if (avx512f && (xcr0 & 0xe6) == 0xe6) return OCT_F32_ISA_AVX512;
  return OCT_F32_ISA_AVX2;
}

oct_f32_isa oct_f32_cpu_best(void) {
  /* Racing first calls compute the same value; a plain int store is fine. */
  static volatile int cached = -1;
  if (cached < 0) cached = (int)probe();
  return (oct_f32_isa)cached;
}
#else
oct_f32_isa oct_f32_cpu_best(void) { return OCT_F32_ISA_NONE; }
#endif

const char *oct_f32_isa_name(oct_f32_isa isa) {
  switch (isa) {
    case OCT_F32_ISA_AVX2: return "avx2";
    case OCT_F32_ISA_AVX512: return "avx512";
    default: return "none";
  }
}
