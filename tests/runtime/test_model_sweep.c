/*
 * Every real .tflite model in ../shared/models (and tests/data/models),
 * truncated at 200 evenly spaced lengths and with one byte flipped at 200
 * places, through the runtime's whole load path and (where it loads) a run.
 * Each run must end in an error with a message or in a result: a truncated
 * file that loads must run as the whole file does, to the same outputs (only bytes the model
 * never refers to were cut), and a whole file that is itself rejected must
 * stay rejected without a crash. CI runs this under ASan/UBSan/LSan.
 *
 * Budget: runs of models whose whole-file invoke is slow are skipped for the
 * flips (the load, where parsing happens, still runs). OCT_TEST_QUICK=1 (the
 * sanitizer tier) keeps all 200 + 200 cuts for files up to 600 KB and takes
 * 50 + 50 for bigger ones; OCT_SWEEP_FULL=1 forces 200 + 200 everywhere.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/file.h"
#include "octet/octet.h"
#include "test_util.h"

#define ARENA_BUDGET ((size_t)256 << 20)
#define WHOLE_RUN_ARENA ((size_t)32 << 20)

typedef struct counts {
  int rejected, ran, loaded_only, over_budget;
} counts;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

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

/* Loads the image (a private exact-size copy, so overreads hit a redzone)
 * and, if `invoke`, runs it on zero inputs. Returns the status; *hash gets
 * the outputs of a run. */
static oct_status try_model(const uint8_t *bytes, size_t size, int invoke, counts *c,
                            uint64_t *hash, const char *what) {
  uint8_t *copy = malloc(size ? size : 1);
  if (size) memcpy(copy, bytes, size);
  size_t need = 0;
  oct_error err;
  memset(&err, 0, sizeof err);
  oct_status st = oct_arena_size(copy, size, NULL, &need, &err);
  if (st != OCT_OK) {
    CHECK_MSG(err.message[0] != '\0', "%s: status %d without a message", what, (int)st);
    c->rejected++;
  } else if (need > ARENA_BUDGET) {
    c->over_budget++;
    st = OCT_ERR_LIMIT;
  } else {
    void *arena = NULL;
    if (posix_memalign(&arena, OCT_ARENA_ALIGN, need ? need : OCT_ARENA_ALIGN)) abort();
    oct_interp *it = NULL;
    st = oct_interp_init(&it, copy, size, arena, need, NULL, &err);
    CHECK_MSG(st == OCT_OK, "%s: sized model failed to init: %s", what, err.message);
    if (st == OCT_OK && invoke) {
      for (int i = 0; i < oct_interp_input_count(it); i++) {
        oct_tensor_info ti;
        if (oct_interp_tensor_info(it, oct_interp_input_index(it, i), &ti)) continue;
        memset(oct_interp_input_data(it, i), 0, ti.bytes);
      }
      st = oct_interp_invoke(it);
      CHECK_MSG(st == OCT_OK || oct_interp_error(it)[0], "%s: invoke failed silently", what);
      if (st == OCT_OK && hash) *hash = outputs_hash(it);
      c->ran++;
    } else if (st == OCT_OK) {
      c->loaded_only++;
    }
    free(arena);
  }
  free(copy);
  return st;
}

static int g_quick, g_full, g_models;
static double g_seconds;

static void sweep(const char *path) {
  void *bytes;
  size_t size;
  oct_error err;
  if (oct_file_read(path, 0, &bytes, &size, &err) != OCT_OK) return;
  if (size < 8 || memcmp((const uint8_t *)bytes + 4, "TFL3", 4) != 0) {
    oct_file_free(bytes); /* a .bin that is not a flatbuffer model */
    return;
  }
  g_models++;
  const double t0 = now_s();
  counts c = {0, 0, 0, 0};
  char what[1200];
  /* The whole file is run (for the outputs truncations must reproduce)
   * only when its arena is modest or a truncation loads: some real models
   * take a minute per run under the sanitizers. */
  size_t need = 0;
  const oct_status whole_st = oct_arena_size(bytes, size, NULL, &need, &err);
  int have_whole = 0, invoke_flips = 0;
  oct_status whole_run = OCT_OK; /* a valid model may still fail to run */
  uint64_t whole = 0;
  if (whole_st == OCT_OK && need <= WHOLE_RUN_ARENA) {
    const double t = now_s();
    whole_run = try_model(bytes, size, 1, &c, &whole, path);
    have_whole = 1;
    /* Slow models are loaded, not run, for the flips: the kernels' input
     * checks are at prepare, which the load runs. */
    invoke_flips = whole_run == OCT_OK && now_s() - t < 0.05;
  }
  const int n = (g_quick && !g_full && size > 600000) ? 50 : 200;
  int intact = 0;
  for (int k = 0; k < n; k++) {
    const size_t len = (size_t)((double)k * (double)size / n);
    snprintf(what, sizeof what, "%s cut at %zu", path, len);
    oct_status st = try_model(bytes, len, 0, &c, NULL, what);
    if (st != OCT_OK) continue;
    intact++;
    if (!have_whole) {
      whole_run = try_model(bytes, size, 1, &c, &whole, path);
      have_whole = 1;
    }
    uint64_t h = 0;
    st = try_model(bytes, len, 1, &c, &h, what);
    CHECK_MSG(st == whole_run && (st != OCT_OK || h == whole),
              "%s ran with outputs different from the whole file's", what);
  }
  uint8_t *flipped = malloc(size);
  for (int k = 0; k < n; k++) {
    const size_t pos = (size_t)(((uint64_t)k * 2654435761u + 7) % size);
    memcpy(flipped, bytes, size);
    flipped[pos] ^= (uint8_t)(1u << (k % 8));
    snprintf(what, sizeof what, "%s byte %zu flipped", path, pos);
    try_model(flipped, size, invoke_flips, &c, NULL, what);
  }
  free(flipped);
  oct_file_free(bytes);
  const double dt = now_s() - t0;
  g_seconds += dt;
  printf("%-70s %8zu B %s: %3d cuts+%3d flips: %3d rejected, %3d ran, %3d loaded, "
         "%d over budget, %d cuts intact, %.2f s\n",
         path, size, whole_st == OCT_OK ? "runs" : "rejected", n, n, c.rejected, c.ran,
         c.loaded_only, c.over_budget, intact, dt);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.tflite and *.bin under `dir`, depth first, in name order. */
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
    if ((len > 7 && !strcmp(names[i] + len - 7, ".tflite")) ||
        (len > 4 && !strcmp(names[i] + len - 4, ".bin")))
      sweep(path);
    else
      walk(path); /* fails quietly unless it is a folder */
    free(names[i]);
  }
  free(names);
}

int main(void) {
  const char *q = getenv("OCT_TEST_QUICK"), *f = getenv("OCT_SWEEP_FULL");
  g_quick = q && *q && strcmp(q, "0");
  g_full = f && *f && strcmp(f, "0");
  walk(OCT_SOURCE_DIR "/tests/data/models");
  const char *shared = test_shared_dir();
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/models", shared ? shared : "");
  DIR *d = shared ? opendir(dir) : NULL;
  if (d) {
    closedir(d);
    walk(dir);
  } else {
    printf("note: ../shared/models absent, only tests/data/models swept\n");
  }
  printf("%d models swept in %.1f s\n", g_models, g_seconds);
  CHECK(g_models > 0);
  return test_finish("test_model_sweep");
}
