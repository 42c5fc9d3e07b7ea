/*
 * Run-time CPU feature probe behind the optimized kernels' dispatch.
 *
 * oct_cpu_features() (public, octet.h) probes once and caches the result;
 * ops read oct_cpu_level() at prepare to pick a kernel variant. Tests and
 * benchmarks narrow the set with oct_cpu_set_mask() to run every variant a
 * CPU has, not only the best one.
 */
#ifndef OCT_RUNTIME_CPU_H
#define OCT_RUNTIME_CPU_H

#include <stdint.h>
#include "octet/octet.h"

/* Features the kernels may use: the probed set intersected with the mask
 * (all bits by default). */
uint32_t oct_cpu_usable(void);

/* Restricts oct_cpu_usable() to `mask` (OCT_CPU_* bits); ~0u restores the
 * full set. Not thread-safe: call it before preparing interpreters. */
void oct_cpu_set_mask(uint32_t mask);

#endif /* OCT_RUNTIME_CPU_H */
