/*
 * The runtime's only door to the C library. Everything the runtime, the ops
 * and the kernels need from libc/libm goes through these names, so that a
 * freestanding build (-ffreestanding -DOCT_FREESTANDING) only has to supply
 * memcpy/memset/memmove/memcmp and the few float functions declared below
 * (newlib, picolibc, or the target's own).
 */
#ifndef OCT_LIBC_H
#define OCT_LIBC_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <limits.h>
#include <float.h>

#ifdef OCT_FREESTANDING
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
float expf(float x);
float logf(float x);
float tanhf(float x);
float sqrtf(float x);
float floorf(float x);
float ceilf(float x);
float roundf(float x);
float fabsf(float x);
float powf(float x, float y);
float erff(float x);
double exp(double x);
double log(double x);
double floor(double x);
double round(double x);
double frexp(double x, int *e);
double fabs(double x);
double sqrt(double x);
double tanh(double x);
#define OCT_INFINITY (__builtin_inff())
#define OCT_NAN (__builtin_nanf(""))
#define oct_isnan(x) __builtin_isnan(x)
#define oct_isinf(x) __builtin_isinf(x)
#define oct_isfinite(x) __builtin_isfinite(x)
#else
#include <string.h>
#include <math.h>
#define OCT_INFINITY INFINITY
#define OCT_NAN NAN
#define oct_isnan(x) isnan(x)
#define oct_isinf(x) isinf(x)
#define oct_isfinite(x) isfinite(x)
#endif

#define oct_memcpy memcpy
#define oct_memmove memmove
#define oct_memset memset
#define oct_memcmp memcmp

/* Little-endian loads that are safe on unaligned, untrusted bytes. */
static inline uint32_t oct_load_u32(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
         ((uint32_t)p[3] << 24);
}
static inline uint16_t oct_load_u16(const uint8_t *p) {
  return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint64_t oct_load_u64(const uint8_t *p) {
  return (uint64_t)oct_load_u32(p) | ((uint64_t)oct_load_u32(p + 4) << 32);
}
static inline int32_t oct_load_i32(const uint8_t *p) {
  return (int32_t)oct_load_u32(p);
}
static inline float oct_load_f32(const uint8_t *p) {
  uint32_t u = oct_load_u32(p);
  float f;
  oct_memcpy(&f, &u, 4);
  return f;
}

/*
 * Minimal formatter for error messages (no libc stdio in the runtime).
 * Supports %s %d %i %u %ld %lu %lld %llu %zu %x %c %% and %g (finite floats,
 * 6 significant digits). Always NUL-terminates; truncates silently.
 */
int oct_vfmt(char *buf, size_t cap, const char *fmt, va_list ap);
int oct_fmt(char *buf, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif /* OCT_LIBC_H */
