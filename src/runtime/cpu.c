/*
 * CPU feature probe (cpuid and xgetbv on x86-64). An instruction set counts
 * only when the OS also saves its registers (XCR0), otherwise the first
 * AVX instruction would fault on a CPU that advertises it.
 */
#include "cpu.h"

#if defined(__x86_64__)
#include <cpuid.h>

static uint64_t xgetbv0(void) {
  uint32_t lo = 0, hi = 0;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((uint64_t)hi << 32) | lo;
}

static uint32_t probe(void) {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
  const int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, fma = (c >> 12) & 1;
  if (!osxsave || !avx) return 0;
  const uint64_t xcr0 = xgetbv0();
  const int ymm_os = (xcr0 & 0x6) == 0x6;            /* SSE + AVX state */
  const int zmm_os = (xcr0 & 0xe6) == 0xe6;          /* + opmask, ZMM */
  if (!ymm_os) return 0;
  unsigned max_leaf = __get_cpuid_max(0, 0);
  if (max_leaf < 7) return 0;
  unsigned b7 = 0, c7 = 0, d7 = 0, a7 = 0;
  __cpuid_count(7, 0, a7, b7, c7, d7);
  unsigned a71 = 0, b71 = 0, c71 = 0, d71 = 0;
  if (a7 >= 1) __cpuid_count(7, 1, a71, b71, c71, d71);
  uint32_t f = 0;
  if ((b7 >> 5) & 1) f |= OCT_CPU_AVX2;
  if (fma) f |= OCT_CPU_FMA;
  if (zmm_os && ((b7 >> 16) & 1) && ((b7 >> 30) & 1) && ((b7 >> 31) & 1) &&
      ((b7 >> 17) & 1))
    f |= OCT_CPU_AVX512; /* F, BW, VL, DQ */
  if ((f & OCT_CPU_AVX512) && ((c7 >> 11) & 1)) f |= OCT_CPU_AVX512VNNI;
  if ((f & OCT_CPU_AVX2) && ((a71 >> 4) & 1)) f |= OCT_CPU_AVXVNNI;
  (void)b71;
  (void)c71;
  (void)d71;
  (void)d7;
  (void)a;
  (void)b;
  (void)d;
  return f;
}
#else
static uint32_t probe(void) { return 0; }
#endif

/* Probing twice from racing threads stores the same value: benign. */
static volatile uint32_t g_features;
static volatile int g_probed;
static volatile uint32_t g_mask = ~0u;

uint32_t oct_cpu_features(void) {
  if (!g_probed) {
    g_features = probe();
    g_probed = 1;
  }
  return g_features;
}

uint32_t oct_cpu_usable(void) { return oct_cpu_features() & g_mask; }

void oct_cpu_set_mask(uint32_t mask) { g_mask = mask; }
