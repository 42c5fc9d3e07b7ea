/* What the harnesses treat as octet breaking its contract: they abort, so
 * libFuzzer (and the replay test) report the input. */
#ifndef OCT_FUZZ_CHECK_H
#define OCT_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define OCT_FUZZ_REQUIRE(cond, ...)                                    \
  do {                                                                 \
    if (!(cond)) {                                                     \
      fprintf(stderr, "fuzz contract broken at %s:%d: ", __FILE__,     \
              __LINE__);                                               \
      fprintf(stderr, __VA_ARGS__);                                    \
      fputc('\n', stderr);                                             \
      abort();                                                         \
    }                                                                  \
  } while (0)

#endif
