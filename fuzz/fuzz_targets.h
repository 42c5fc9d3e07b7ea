/*
 * The bodies of octet's fuzz harnesses, one per parser family. libFuzzer
 * calls them from fuzz/fuzz_*.c (OCT_FUZZ=ON builds), and the normal test
 * build replays every corpus and known-bad file through the same functions
 * (tests/fuzz/test_fuzz_replay.c), so a crash found once stays fixed.
 *
 * Each returns 0 and must never crash, hang, leak or read out of bounds,
 * whatever the bytes: a bad input is an error status inside, not a failure
 * of the harness. A harness aborts only when octet breaks its own contract
 * (for instance an error status without a message).
 */
#ifndef OCT_FUZZ_TARGETS_H
#define OCT_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

/* .tflite: verify + arena size + init + one invoke on zero inputs when the
 * model is small enough; then the converter's .tflite importer. */
int oct_fuzz_tflite(const uint8_t *data, size_t size);
/* ONNX: import + shape inference + optimize + verify + .tflite writer into
 * memory, and the written bytes through the runtime's verifier. */
int oct_fuzz_onnx(const uint8_t *data, size_t size);
/* .npy: header parse and a full read. */
int oct_fuzz_npy(const uint8_t *data, size_t size);
/* PNG/JPEG/BMP: decode to 1 and 3 channels and resize, as `octet run
 * --image` and image calibration do. */
int oct_fuzz_image(const uint8_t *data, size_t size);

#endif /* OCT_FUZZ_TARGETS_H */
