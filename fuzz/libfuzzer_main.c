/* libFuzzer's entry point for one harness, chosen at build time with
 * -DOCT_FUZZ_TARGET=oct_fuzz_xxx (CMake option OCT_FUZZ). */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return OCT_FUZZ_TARGET(data, size);
}
