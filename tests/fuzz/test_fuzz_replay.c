/*
 * Replays every fuzz seed and every input the fuzzers ever broke octet with
 * (fuzz/corpus/<harness>/, fuzz/known-bad/<harness>/) through the harness
 * bodies of fuzz/, in the normal build and under the sanitizers. A crash
 * here is a regression of a fixed fuzz find; the name of the file being
 * replayed is printed first, so the log says which.
 *
 * OCT_FUZZ_REPLAY_DIR=<dir> replays that directory's <harness>/ folders
 * instead (scripts/fuzz.sh replays its merged, grown corpora with it).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_targets.h"
#include "io/file.h"
#include "test_util.h"

typedef int (*harness_fn)(const uint8_t *, size_t);

static const struct {
  const char *name;
  harness_fn fn;
} k_harnesses[] = {
    {"tflite", oct_fuzz_tflite},
    {"onnx", oct_fuzz_onnx},
    {"npy", oct_fuzz_npy},
    {"image", oct_fuzz_image},
};

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays every regular file in `dir` (sorted, so logs compare); returns
 * the count, 0 when the folder does not exist. */
static int replay_dir(const char *dir, harness_fn fn) {
  DIR *d = opendir(dir);
  if (!d) return 0;
  char **names = NULL;
  int n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    if (n == cap) {
      cap = cap ? 2 * cap : 64;
      names = realloc(names, (size_t)cap * sizeof *names);
      if (!names) abort();
    }
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, (size_t)n, sizeof *names, cmp_str);
  int replayed = 0;
  for (int i = 0; i < n; i++) {
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    free(names[i]);
    void *bytes;
    size_t size;
    oct_error err;
    if (oct_file_read(path, 0, &bytes, &size, &err) != OCT_OK) continue; /* a folder */
    fprintf(stderr, "replay %s\n", path);
    fn(bytes, size);
    oct_file_free(bytes);
    replayed++;
  }
  free(names);
  return replayed;
}

int main(void) {
  const char *only = getenv("OCT_FUZZ_REPLAY_DIR");
  for (size_t h = 0; h < sizeof k_harnesses / sizeof k_harnesses[0]; h++) {
    char dir[1024];
    int corpus, bad;
    if (only && *only) {
      snprintf(dir, sizeof dir, "%s/%s", only, k_harnesses[h].name);
      corpus = replay_dir(dir, k_harnesses[h].fn);
      bad = 0;
    } else {
      snprintf(dir, sizeof dir, "%s/fuzz/corpus/%s", OCT_SOURCE_DIR, k_harnesses[h].name);
      corpus = replay_dir(dir, k_harnesses[h].fn);
      snprintf(dir, sizeof dir, "%s/fuzz/known-bad/%s", OCT_SOURCE_DIR, k_harnesses[h].name);
      bad = replay_dir(dir, k_harnesses[h].fn);
      /* The committed seeds are what makes this test mean anything. */
      CHECK_MSG(corpus > 0, "no seeds in fuzz/corpus/%s", k_harnesses[h].name);
    }
    printf("%s: %d corpus files, %d known-bad files replayed\n", k_harnesses[h].name,
           corpus, bad);
  }
  if (!only || !*only) {
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/tests/data/bad", OCT_SOURCE_DIR);
    printf("tests/data/bad: %d files replayed\n", replay_dir(dir, oct_fuzz_tflite));
  }
  return test_finish("test_fuzz_replay");
}
