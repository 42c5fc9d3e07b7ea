/*
 * `octet bench`: latency and memory of one model, in the spirit of TFLite's
 * benchmark_model.
 *
 *   octet bench MODEL [--threads N] [--warmup N] [--runs N] [--json] [--ref]
 *               [--verbose] [--profile]
 *
 * Reports the time to load and initialize (file read, arena sizing, arena
 * allocation, interpreter init), the first invoke on its own (it pays for
 * cold caches and page faults), then median / p90 / min / mean over `runs`
 * invokes after `warmup` more. One interpreter and one arena serve every run,
 * as an application would use them, so the numbers include no allocation.
 *
 * --profile then runs `runs` more invokes op by op
 * (oct_interp_invoke_ops) and prints each op type and kernel's share: the
 * median time of each op, summed per (type, kernel), like benchmark_model's
 * --enable_op_profiling. The per-op clock reads add a little to each op.
 *
 * Inputs are filled once from a fixed-seed generator, so two runs of the same
 * model compute the same thing: floats uniform in [-1, 1), int8/uint8/int16
 * over their whole range, bool 0/1, and other integer types 0 (they are
 * usually indices or shapes, where random values would be out of range).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"

typedef struct bench_args {
  const char *model;
  long threads, warmup, runs;
  int json, verbose, profile;
  oct_options opts;
} bench_args;

static double bench_now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int parse_args(int argc, char **argv, bench_args *a) {
  memset(a, 0, sizeof *a);
  a->threads = 1;
  a->warmup = 5;
  a->runs = 50;
  a->opts.kernels = OCT_KERNELS_BEST;
  for (int i = 0; i < argc; i++) {
    const char *o = argv[i];
    long *target = NULL;
    long lo = 0;
    if (!strcmp(o, "--threads")) target = &a->threads, lo = 1;
    else if (!strcmp(o, "--warmup")) target = &a->warmup, lo = 0;
    else if (!strcmp(o, "--runs")) target = &a->runs, lo = 1;
    if (target) {
      if (i + 1 >= argc) return cli_error("bench: %s needs a value", o);
      if (cli_parse_int(argv[++i], lo, 1000000, target))
        return cli_error("bench: %s takes a whole number from %ld, not '%s'", o, lo, argv[i]);
    } else if (!strcmp(o, "--json")) {
      a->json = 1;
    } else if (!strcmp(o, "--ref")) {
      a->opts.kernels = OCT_KERNELS_REF;
    } else if (!strcmp(o, "--verbose") || !strcmp(o, "-v")) {
      a->verbose = 1;
    } else if (!strcmp(o, "--profile")) {
      a->profile = 1;
    } else if (o[0] == '-') {
      return cli_error("bench: unknown option '%s'", o);
    } else if (!a->model) {
      a->model = o;
    } else {
      return cli_error("bench: more than one model given ('%s')", o);
    }
  }
  if (!a->model) return cli_error("bench: no model given (see octet --help)");
  /* The thread count goes to the runtime through oct_options.threads; a
   * runtime without a pool runs everything on the calling thread. */
  a->opts.threads = (int)a->threads;
  return 0;
}

/* A 64-bit LCG (Knuth's MMIX constants): fixed, portable, fast enough. */
static uint32_t lcg_next(uint64_t *s) {
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return (uint32_t)(*s >> 32);
}

static void fill_input(oct_interp *it, int i, uint64_t *seed) {
  oct_tensor_info ti;
  void *data = oct_interp_input_data(it, i);
  if (!data || oct_interp_tensor_info(it, oct_interp_input_index(it, i), &ti) != OCT_OK) return;
  size_t n = oct_dtype_size(ti.dtype) ? ti.bytes / oct_dtype_size(ti.dtype) : 0;
  switch (ti.dtype) {
  case OCT_FLOAT32:
    for (size_t k = 0; k < n; k++)
      ((float *)data)[k] = (float)((double)lcg_next(seed) / 2147483648.0 - 1.0);
    break;
  case OCT_INT8:
  case OCT_UINT8:
    for (size_t k = 0; k < n; k++) ((uint8_t *)data)[k] = (uint8_t)(lcg_next(seed) >> 24);
    break;
  case OCT_INT16:
    for (size_t k = 0; k < n; k++) ((uint16_t *)data)[k] = (uint16_t)(lcg_next(seed) >> 16);
    break;
  case OCT_BOOL:
    for (size_t k = 0; k < n; k++) ((uint8_t *)data)[k] = (uint8_t)(lcg_next(seed) >> 31);
    break;
  default:
    memset(data, 0, ti.bytes);
    break;
  }
}

static size_t input_bytes(oct_interp *it, int i) {
  oct_tensor_info ti;
  if (oct_interp_tensor_info(it, oct_interp_input_index(it, i), &ti) != OCT_OK) return 0;
  return ti.bytes;
}

/* Copies the inputs saved after fill_input back into the interpreter. */
static void restore_inputs(oct_interp *it, const uint8_t *saved) {
  size_t off = 0;
  for (int i = 0; i < oct_interp_input_count(it); i++) {
    const size_t n = input_bytes(it, i);
    void *d = oct_interp_input_data(it, i);
    if (d && n) memcpy(d, saved + off, n);
    off += n;
  }
}

/* Which kernel variant each op type runs, as "CONV_2D ref x35": a benchmark
 * number means little without knowing which code produced it. */
#define BENCH_MAX_KINDS 64
typedef struct kernel_count {
  const char *type, *kernel;
  int n;
} kernel_count;

static int count_kernels(const oct_interp *it, kernel_count *kc) {
  int kinds = 0;
  for (int i = 0; i < oct_interp_op_count(it); i++) {
    oct_op_info info;
    if (oct_interp_op_info(it, i, &info) != OCT_OK) continue;
    const char *type = info.type ? info.type : "?", *kern = info.kernel ? info.kernel : "?";
    int k = 0;
    while (k < kinds && (strcmp(kc[k].type, type) || strcmp(kc[k].kernel, kern))) k++;
    if (k == kinds) {
      if (kinds == BENCH_MAX_KINDS) continue;
      kc[kinds++] = (kernel_count){type, kern, 0};
    }
    kc[k].n++;
  }
  return kinds;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted `v`. */
static double percentile(const double *v, long n, double p) {
  long k = (long)(p / 100.0 * (double)n + 0.999999);
  if (k < 1) k = 1;
  if (k > n) k = n;
  return v[k - 1];
}

/* Per (type, kernel): summed median op time. */
typedef struct prof_row {
  const char *type, *kernel;
  int n;
  double us;
} prof_row;

static int cmp_prof(const void *a, const void *b) {
  const double x = ((const prof_row *)a)->us, y = ((const prof_row *)b)->us;
  return (x < y) - (x > y);
}

/* Times every op over `runs` op-by-op invokes; fills rows (sorted, most
 * time first) and returns how many, or -1 on failure (message printed). */
static int profile_ops(oct_interp *it, long runs, const uint8_t *saved,
                       prof_row *rows, double *total) {
  const int ops = oct_interp_op_count(it);
  double *t = malloc((size_t)ops * (size_t)runs * sizeof *t);
  if (!t) return cli_error("bench: out of memory"), -1;
  for (long r = 0; r < runs; r++) {
    restore_inputs(it, saved);
    for (int i = 0; i < ops; i++) {
      const double t0 = bench_now_us();
      if (oct_interp_invoke_ops(it, i, 1) != OCT_OK) {
        free(t);
        return cli_error("bench: op %d failed: %s", i, oct_interp_error(it)), -1;
      }
      t[(size_t)i * (size_t)runs + (size_t)r] = bench_now_us() - t0;
    }
  }
  int kinds = 0;
  *total = 0;
  for (int i = 0; i < ops; i++) {
    double *v = t + (size_t)i * (size_t)runs;
    qsort(v, (size_t)runs, sizeof *v, cmp_double);
    const double med = runs % 2 ? v[runs / 2] : 0.5 * (v[runs / 2 - 1] + v[runs / 2]);
    oct_op_info info;
    if (oct_interp_op_info(it, i, &info) != OCT_OK) continue;
    const char *type = info.type ? info.type : "?", *kern = info.kernel ? info.kernel : "?";
    int k = 0;
    while (k < kinds && (strcmp(rows[k].type, type) || strcmp(rows[k].kernel, kern))) k++;
    if (k == kinds) {
      if (kinds == BENCH_MAX_KINDS) continue;
      rows[kinds++] = (prof_row){type, kern, 0, 0};
    }
    rows[k].n++;
    rows[k].us += med;
    *total += med;
  }
  free(t);
  qsort(rows, (size_t)kinds, sizeof *rows, cmp_prof);
  return kinds;
}

int cmd_bench(int argc, char **argv) {
  bench_args a;
  if (parse_args(argc, argv, &a)) return 2;
  struct stat st;
  if (stat(a.model, &st) != 0) return cli_error("bench: cannot open '%s'", a.model);

  /* As in `octet run`: the pool starts once, before the interpreter, and
   * lives as long as it. Without it the runtime ignores opts.threads. */
  oct_threadpool *pool = NULL;
  if (a.opts.threads > 1) {
    if (oct_threadpool_create(a.opts.threads, &pool))
      return cli_error("bench: cannot start %d threads", a.opts.threads);
    oct_threadpool_options(pool, &a.opts);
  }
  cli_model m;
  double t0 = bench_now_us();
  if (cli_model_open(&m, a.model, &a.opts)) {
    oct_threadpool_destroy(pool);
    return 1;
  }
  double init_us = bench_now_us() - t0;

  /* The plan may reuse input bytes during invoke: every run gets the same
   * inputs again (copied back outside the timed part). */
  uint64_t seed = 0x6f63746574ULL; /* "octet" */
  const int n_in = oct_interp_input_count(m.it);
  size_t in_bytes = 0;
  for (int i = 0; i < n_in; i++) {
    fill_input(m.it, i, &seed);
    in_bytes += input_bytes(m.it, i);
  }
  uint8_t *saved = malloc(in_bytes ? in_bytes : 1);
  if (!saved) {
    cli_model_close(&m);
    oct_threadpool_destroy(pool);
    return cli_error("bench: out of memory");
  }
  in_bytes = 0;
  for (int i = 0; i < n_in; i++) {
    const size_t n = input_bytes(m.it, i);
    if (n) memcpy(saved + in_bytes, oct_interp_input_data(m.it, i), n);
    in_bytes += n;
  }

  double *lat = malloc((size_t)a.runs * sizeof *lat);
  if (!lat) {
    free(saved);
    cli_model_close(&m);
    oct_threadpool_destroy(pool);
    return cli_error("bench: out of memory");
  }
  int rc = 0;
  t0 = bench_now_us();
  oct_status s = oct_interp_invoke(m.it);
  double first_us = bench_now_us() - t0;
  for (long r = 0; s == OCT_OK && r < a.warmup; r++) {
    restore_inputs(m.it, saved);
    s = oct_interp_invoke(m.it);
  }
  for (long r = 0; s == OCT_OK && r < a.runs; r++) {
    restore_inputs(m.it, saved);
    t0 = bench_now_us();
    s = oct_interp_invoke(m.it);
    lat[r] = bench_now_us() - t0;
  }
  if (s != OCT_OK) {
    rc = cli_error("bench: %s: invoke failed: %s", a.model, oct_interp_error(m.it));
    goto done;
  }

  prof_row prof[BENCH_MAX_KINDS];
  double prof_total = 0;
  int prof_kinds = 0;
  if (a.profile && (prof_kinds = profile_ops(m.it, a.runs, saved, prof, &prof_total)) < 0) {
    rc = 1;
    goto done;
  }

  double mean = 0;
  for (long r = 0; r < a.runs; r++) mean += lat[r];
  mean /= (double)a.runs;
  qsort(lat, (size_t)a.runs, sizeof *lat, cmp_double);
  double median = a.runs % 2 ? lat[a.runs / 2] : 0.5 * (lat[a.runs / 2 - 1] + lat[a.runs / 2]);
  double p90 = percentile(lat, a.runs, 90.0), min = lat[0], max = lat[a.runs - 1];

  struct rusage ru;
  long long peak_rss = 0;
  /* Linux reports ru_maxrss in KiB. */
  if (getrusage(RUSAGE_SELF, &ru) == 0) peak_rss = (long long)ru.ru_maxrss * 1024;
  size_t arena = oct_interp_arena_used(m.it);

  if (a.json) {
    cli_json j = {stdout, 0, {0}};
    json_begin_object(&j, NULL);
    json_string(&j, "model", a.model);
    json_int(&j, "model_bytes", (long long)m.size);
    json_int(&j, "threads", a.threads);
    json_int(&j, "warmup", a.warmup);
    json_int(&j, "runs", a.runs);
    json_string(&j, "kernels", a.opts.kernels == OCT_KERNELS_REF ? "ref" : "best");
    json_double(&j, "init_us", init_us);
    json_double(&j, "first_us", first_us);
    json_double(&j, "median_us", median);
    json_double(&j, "p90_us", p90);
    json_double(&j, "min_us", min);
    json_double(&j, "max_us", max);
    json_double(&j, "mean_us", mean);
    json_int(&j, "arena_bytes", (long long)arena);
    json_int(&j, "peak_rss_bytes", peak_rss);
    if (a.verbose) {
      kernel_count kc[BENCH_MAX_KINDS];
      int kinds = count_kernels(m.it, kc);
      json_begin_array(&j, "kernels_used");
      for (int k = 0; k < kinds; k++) {
        json_begin_object(&j, NULL);
        json_string(&j, "op", kc[k].type);
        json_string(&j, "kernel", kc[k].kernel);
        json_int(&j, "count", kc[k].n);
        json_end_object(&j);
      }
      json_end_array(&j);
    }
    if (a.profile) {
      json_begin_array(&j, "profile");
      for (int k = 0; k < prof_kinds; k++) {
        json_begin_object(&j, NULL);
        json_string(&j, "op", prof[k].type);
        json_string(&j, "kernel", prof[k].kernel);
        json_int(&j, "count", prof[k].n);
        json_double(&j, "us", prof[k].us);
        json_end_object(&j);
      }
      json_end_array(&j);
    }
    json_end_object(&j);
  } else {
    printf("model:     %s (%zu bytes)\n", a.model, m.size);
    printf("threads:   %ld   warmup: %ld   runs: %ld   kernels: %s\n", a.threads, a.warmup,
           a.runs, a.opts.kernels == OCT_KERNELS_REF ? "ref" : "best");
    printf("init:      %.1f us (read, size arena, init)\n", init_us);
    printf("first:     %.1f us\n", first_us);
    printf("latency:   median %.1f us   p90 %.1f us   min %.1f us   max %.1f us   mean %.1f us\n",
           median, p90, min, max, mean);
    printf("arena:     %zu bytes\n", arena);
    printf("peak RSS:  %lld bytes\n", peak_rss);
    if (a.verbose) {
      kernel_count kc[BENCH_MAX_KINDS];
      int kinds = count_kernels(m.it, kc);
      printf("kernels:\n");
      for (int k = 0; k < kinds; k++)
        printf("  %-24s %-24s x%d\n", kc[k].type, kc[k].kernel, kc[k].n);
    }
    if (a.profile) {
      printf("profile:   median per op, summed (%.1f us in all)\n", prof_total);
      for (int k = 0; k < prof_kinds; k++)
        printf("  %-24s %-24s x%-4d %10.1f us %5.1f%%\n", prof[k].type, prof[k].kernel,
               prof[k].n, prof[k].us, prof_total > 0 ? 100.0 * prof[k].us / prof_total : 0.0);
    }
  }
done:
  free(lat);
  free(saved);
  cli_model_close(&m);
  oct_threadpool_destroy(pool);
  return rc;
}
