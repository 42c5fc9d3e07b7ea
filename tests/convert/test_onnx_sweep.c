/*
 * Every ONNX model in tests/data and ../shared/models, truncated at 200
 * evenly spaced lengths and with one byte flipped at 200 places, through the
 * whole converter pipeline (import, shape inference, optimize, quantize,
 * write, and the written file through the runtime's verifier) by the fuzz
 * harness body (fuzz/fuzz_onnx.c): errors are fine, crashes, leaks and
 * sanitizer reports are not. The option mix follows the input size, as in
 * the fuzzer. Files over 32 KB get 50 + 50 cuts (a whole conversion of
 * densenet121 takes ~1 s under the sanitizers). Every run keeps the fuzzer's 8 MB cap on constants
 * (the big real models stop at it, with OCT_ERR_LIMIT) except with
 * OCT_SWEEP_FULL=1: 200 + 200 everywhere, uncapped (minutes).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz_targets.h"
#include "io/file.h"
#include "test_util.h"

static int g_quick, g_full, g_models;

static void sweep(const char *path) {
  void *bytes;
  size_t size;
  oct_error err;
  if (oct_file_read(path, 0, &bytes, &size, &err) != OCT_OK || size == 0) return;
  g_models++;
  const clock_t t0 = clock();
  const int n = (!g_full && size > 32768) ? 50 : 200;
  oct_fuzz_onnx(bytes, size);
  for (int k = 0; k < n; k++) oct_fuzz_onnx(bytes, (size_t)((double)k * (double)size / n));
  uint8_t *flipped = malloc(size);
  for (int k = 0; k < n; k++) {
    const size_t pos = (size_t)(((uint64_t)k * 2654435761u + 7) % size);
    memcpy(flipped, bytes, size);
    flipped[pos] ^= (uint8_t)(1u << (k % 8));
    oct_fuzz_onnx(flipped, size);
  }
  free(flipped);
  oct_file_free(bytes);
  printf("%-70s %8zu B: %d cuts + %d flips, %.2f s cpu\n", path, size, n, n,
         (double)(clock() - t0) / CLOCKS_PER_SEC);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  char **names = NULL;
  int n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      names = realloc(names, (size_t)cap * sizeof *names);
    }
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, (size_t)n, sizeof *names, cmp_str);
  for (int i = 0; i < n; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    const size_t len = strlen(names[i]);
    if (len > 5 && !strcmp(names[i] + len - 5, ".onnx")) sweep(path);
    else walk(path);
    free(names[i]);
  }
  free(names);
}

int main(void) {
  const char *q = getenv("OCT_TEST_QUICK"), *f = getenv("OCT_SWEEP_FULL");
  g_quick = q && *q && strcmp(q, "0");
  g_full = f && *f && strcmp(f, "0");
  /* Whole conversions of the real models (constants of a few hundred MB)
   * take minutes: only OCT_SWEEP_FULL=1 lifts the fuzzer's cap. */
  if (g_full) setenv("OCT_FUZZ_ONNX_CAP_MB", "1024", 0);
  walk(OCT_SOURCE_DIR "/tests/data");
  const char *shared = test_shared_dir();
  if (shared) {
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/models", shared);
    walk(dir);
  }
  printf("%d ONNX models swept\n", g_models);
  CHECK(g_models > 0);
  return test_finish("test_onnx_sweep");
}
