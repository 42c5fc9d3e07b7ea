/*
 * Damaged and hostile model files must end in an error, never a crash, a
 * hang or an out-of-bounds read (CI runs this under ASan/UBSan/LSan).
 *
 * 1. tests/data/bad/: targeted corruptions made by scripts/make_bad_models.py.
 *    Every file must be rejected, except flip_* (a flipped weight byte can
 *    leave a valid model), which must only not crash.
 * 2. Sweeps: each model in tests/data/models/ and a few real models from
 *    ../shared/models/ truncated at 200 evenly spaced lengths (all must be
 *    rejected, or, where the cut only drops bytes the model never refers to,
 *    such as the label zip that TFLite Support metadata appends, run with
 *    outputs identical to the whole file's) and with one byte flipped at
 *    200 places (error or a run).
 */

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/file.h"
#include "octet/octet.h"
#include "test_util.h"

/* Larger arenas than this are treated as refused by the caller, as an
 * application with a memory budget would. */
#define ARENA_BUDGET ((size_t)256 << 20)

typedef struct counts {
  int rejected, ran, refused_budget;
} counts;

/* FNV-1a over every output tensor's bytes. */
static uint64_t outputs_hash(const oct_interp *it) {
  uint64_t h = 1469598103934665603ull;
  for (int i = 0; i < oct_interp_output_count(it); i++) {
    oct_tensor_info ti;
    if (oct_interp_tensor_info(it, oct_interp_output_index(it, i), &ti)) continue;
    const uint8_t *p = oct_interp_output_data(it, i);
    for (size_t k = 0; k < ti.bytes; k++) h = (h ^ p[k]) * 1099511628211ull;
  }
  return h;
}

/* Loads and (if it loads) runs a model image on zero inputs; returns the
 * status, and in *hash (if not NULL) a hash of the outputs of a run. */
static oct_status try_model_hash(const uint8_t *bytes, size_t size, counts *c,
                                 uint64_t *hash) {
  /* A private copy, so a reader that overran would hit ASan's redzone. */
  void *copy = malloc(size ? size : 1);
  memcpy(copy, bytes, size);
  size_t need = 0;
  oct_error err;
  oct_status st = oct_arena_size(copy, size, NULL, &need, &err);
  if (st == OCT_OK && need > ARENA_BUDGET) {
    c->refused_budget++;
    free(copy);
    return OCT_ERR_LIMIT;
  }
  if (st == OCT_OK) {
    void *arena = NULL;
    if (posix_memalign(&arena, OCT_ARENA_ALIGN, need)) abort();
    oct_interp *it = NULL;
    st = oct_interp_init(&it, copy, size, arena, need, NULL, &err);
    CHECK_MSG(st == OCT_OK, "sized model failed to init: %s", err.message);
    if (st == OCT_OK) {
      for (int i = 0; i < oct_interp_input_count(it); i++) {
        oct_tensor_info ti;
        oct_interp_tensor_info(it, oct_interp_input_index(it, i), &ti);
        memset(oct_interp_input_data(it, i), 0, ti.bytes);
      }
      st = oct_interp_invoke(it);
      if (st == OCT_OK && hash) *hash = outputs_hash(it);
      c->ran++;
    }
    free(arena);
  } else {
    CHECK_MSG(err.message[0] != '\0', "error without a message (status %d)", st);
    c->rejected++;
  }
  free(copy);
  return st;
}

static oct_status try_model(const uint8_t *bytes, size_t size, counts *c) {
  return try_model_hash(bytes, size, c, NULL);
}

static void replay_bad_folder(void) {
  const char *dir = OCT_SOURCE_DIR "/tests/data/bad";
  DIR *d = opendir(dir);
  CHECK_MSG(d != NULL, "cannot open %s", dir);
  if (!d) return;
  counts c = {0};
  int files = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strstr(e->d_name, ".tflite")) continue;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    void *bytes;
    size_t size;
    oct_error err;
    if (oct_file_read(path, 0, &bytes, &size, &err) != OCT_OK) {
      CHECK_MSG(0, "%s", err.message);
      continue;
    }
    files++;
    oct_status st = try_model(bytes, size, &c);
    if (strncmp(e->d_name, "flip_", 5) != 0)
      CHECK_MSG(st != OCT_OK, "%s was accepted", e->d_name);
    oct_file_free(bytes);
  }
  closedir(d);
  CHECK(files >= 40);
  printf("bad folder: %d files, %d rejected, %d ran\n", files, c.rejected, c.ran);
}

static void sweep(const char *path, int invoke_flips) {
  void *bytes;
  size_t size;
  oct_error err;
  if (oct_file_read(path, 0, &bytes, &size, &err) != OCT_OK) {
    printf("sweep: skipping %s (%s)\n", path, err.message);
    return;
  }
  counts c = {0};
  uint64_t whole = 0;
  CHECK_MSG(try_model_hash(bytes, size, &c, &whole) == OCT_OK,
            "%s: the whole file does not run", path);
  const int n = 200;
  int intact = 0;
  for (int k = 0; k < n; k++) {
    const size_t len = (size_t)((double)k * (double)size / n);
    uint64_t h = 0;
    oct_status st = try_model_hash(bytes, len, &c, &h);
    if (st == OCT_OK) intact++;
    CHECK_MSG(st != OCT_OK || h == whole,
              "%s truncated to %zu bytes ran with different outputs", path, len);
  }
  uint8_t *flipped = malloc(size);
  for (int k = 0; k < n && invoke_flips; k++) {
    const size_t pos = (size_t)(((uint64_t)k * 2654435761u) % size);
    memcpy(flipped, bytes, size);
    flipped[pos] ^= (uint8_t)(1u << (k % 8));
    try_model(flipped, size, &c);
  }
  free(flipped);
  printf("sweep %s: %d rejected, %d ran (%d truncations intact), %d over budget\n",
         path, c.rejected, c.ran, intact, c.refused_budget);
  oct_file_free(bytes);
}

int main(void) {
  replay_bad_folder();
  sweep(OCT_SOURCE_DIR "/tests/data/models/hello_world_int8.tflite", 1);
  sweep(OCT_SOURCE_DIR "/tests/data/models/hello_world_float.tflite", 1);
  const char *shared = test_shared_dir();
  if (shared) {
    static const char *const models[] = {
        "tflm/person_detect.tflite",
        "litert-testdata/misc/add_quantized_int8.bin",
        "litert-testdata/misc/multi_add.bin",
        "coral/mobilenet_v1_0.25_128_quant.tflite",
    };
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
      char path[1024];
      snprintf(path, sizeof path, "%s/models/%s", shared, models[i]);
      sweep(path, 1);
    }
  } else {
    printf("note: ../shared absent, real-model sweeps skipped\n");
  }
  return test_finish("test_bad_models");
}
