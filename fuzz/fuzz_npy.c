/* Harness body for .npy files: the header parser and the full reader. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "fuzz_targets.h"
#include "io/npy.h"

int oct_fuzz_npy(const uint8_t *data, size_t size) {
  uint8_t *copy = malloc(size ? size : 1);
  if (!copy) return 0;
  if (size) memcpy(copy, data, size);
  oct_error err;
  memset(&err, 0, sizeof err);
  oct_npy_header hdr;
  oct_status st = oct_npy_parse(copy, size, "fuzz.npy", &hdr, &err);
  OCT_FUZZ_REQUIRE(st == OCT_OK || err.message[0] != '\0', "parse: no message");
  if (st == OCT_OK) {
    OCT_FUZZ_REQUIRE(hdr.data_offset <= size && hdr.data_bytes == size - hdr.data_offset,
                     "header accepted with data outside the file");
    size_t n = oct_npy_dtype_size(hdr.dtype);
    for (int d = 0; d < hdr.rank; d++) n *= (size_t)hdr.dims[d];
    OCT_FUZZ_REQUIRE(n == hdr.data_bytes, "dims disagree with the data size");
  }
  oct_npy_array a;
  st = oct_npy_read_memory(copy, size, "fuzz.npy", &a, &err);
  OCT_FUZZ_REQUIRE(st == OCT_OK || err.message[0] != '\0', "read: no message");
  if (st == OCT_OK) {
    /* Touch every byte so ASan sees the whole buffer is real. */
    volatile uint8_t sum = 0;
    for (size_t i = 0; i < a.bytes; i++) sum ^= ((const uint8_t *)a.data)[i];
    (void)sum;
    oct_npy_free(&a);
  }
  free(copy);
  return 0;
}
