/*
 * A tiny test harness: CHECK records a failure and goes on, so one run shows
 * every broken case; the test's main returns test_finish(), which prints a
 * count line and gives ctest the exit status (77 = skipped).
 */
#ifndef OCT_TEST_UTIL_H
#define OCT_TEST_UTIL_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_checks, t_failures;

#define CHECK(cond)                                                         \
  do {                                                                      \
    t_checks++;                                                             \
    if (!(cond)) {                                                          \
      t_failures++;                                                         \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                       \
  } while (0)

#define CHECK_MSG(cond, ...)                                                \
  do {                                                                      \
    t_checks++;                                                             \
    if (!(cond)) {                                                          \
      t_failures++;                                                         \
      fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                         \
      fputc('\n', stderr);                                                  \
    }                                                                       \
  } while (0)

#define CHECK_EQ_INT(a, b)                                                  \
  do {                                                                      \
    long long _a = (long long)(a), _b = (long long)(b);                     \
    t_checks++;                                                             \
    if (_a != _b) {                                                         \
      t_failures++;                                                         \
      fprintf(stderr, "%s:%d: %s == %s failed: %lld vs %lld\n", __FILE__,   \
              __LINE__, #a, #b, _a, _b);                                    \
    }                                                                       \
  } while (0)

#define CHECK_NEAR(a, b, tol)                                               \
  do {                                                                      \
    double _a = (double)(a), _b = (double)(b);                              \
    t_checks++;                                                             \
    if (!(fabs(_a - _b) <= (tol))) {                                        \
      t_failures++;                                                         \
      fprintf(stderr, "%s:%d: |%s - %s| <= %g failed: %.9g vs %.9g\n",      \
              __FILE__, __LINE__, #a, #b, (double)(tol), _a, _b);           \
    }                                                                       \
  } while (0)

static inline int test_finish(const char *name) {
  printf("%s: %d checks, %d failed\n", name, t_checks, t_failures);
  return t_failures ? 1 : 0;
}

/* Skips the whole test (ctest counts it as skipped) when ../shared is absent. */
static inline const char *test_shared_dir(void) {
#ifdef OCT_SHARED_DIR
  const char *env = getenv("OCT_SHARED_DIR");
  return env ? env : OCT_SHARED_DIR;
#else
  return getenv("OCT_SHARED_DIR");
#endif
}

#define TEST_SKIP(...)                                                      \
  do {                                                                      \
    printf("SKIP: ");                                                       \
    printf(__VA_ARGS__);                                                    \
    printf("\n");                                                           \
    return 77;                                                              \
  } while (0)

#endif /* OCT_TEST_UTIL_H */
