/*
 * `octet run`: feed a model .npy files or an image, invoke it, and write or
 * print the outputs.
 *
 *   octet run MODEL --input IN.npy [--input ...] [--output OUT.npy ... |
 *             --output-dir DIR] [--json] [--ref]
 *   octet run MODEL --image FILE [--labels FILE] [--top N]
 *             [--mean M --std S] [--json] [--ref]
 *
 * Inputs are checked against the model: dtype and shape must match exactly
 * (no silent casts), one --input per model input, in order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "io/file.h"
#include "io/npy.h"
#include "run_image.h"

#define MAX_IO 64

typedef struct run_args {
  const char *model;
  const char *inputs[MAX_IO];
  int n_inputs;
  const char *outputs[MAX_IO];
  int n_outputs;
  const char *output_dir;
  const char *image;
  const char *labels;
  long top;
  float mean, std;
  int mean_set, std_set;
  int json;
  oct_options opts;
} run_args;

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int parse_float(const char *s, float *out) {
  char *end = NULL;
  double v = strtod(s, &end);
  if (end == s || *end || !(v == v)) return 1;
  *out = (float)v;
  return 0;
}

static int parse_args(int argc, char **argv, run_args *a) {
  memset(a, 0, sizeof *a);
  a->top = 5;
  a->mean = 127.5f;
  a->std = 127.5f;
  a->opts.kernels = OCT_KERNELS_BEST;
  a->opts.threads = 1;
  for (int i = 0; i < argc; i++) {
    const char *o = argv[i];
    const int has_value = i + 1 < argc;
#define NEED_VALUE()                                                        \
  do {                                                                      \
    if (!has_value) return cli_error("run: %s needs a value", o);           \
  } while (0)
    if (!strcmp(o, "--input")) {
      NEED_VALUE();
      if (a->n_inputs == MAX_IO) return cli_error("run: too many --input");
      a->inputs[a->n_inputs++] = argv[++i];
    } else if (!strcmp(o, "--output")) {
      NEED_VALUE();
      if (a->n_outputs == MAX_IO) return cli_error("run: too many --output");
      a->outputs[a->n_outputs++] = argv[++i];
    } else if (!strcmp(o, "--output-dir")) {
      NEED_VALUE();
      a->output_dir = argv[++i];
    } else if (!strcmp(o, "--image")) {
      NEED_VALUE();
      a->image = argv[++i];
    } else if (!strcmp(o, "--labels")) {
      NEED_VALUE();
      a->labels = argv[++i];
    } else if (!strcmp(o, "--top")) {
      NEED_VALUE();
      if (cli_parse_int(argv[++i], 1, 100000, &a->top))
        return cli_error("run: --top takes a whole number from 1, not '%s'", argv[i]);
    } else if (!strcmp(o, "--mean")) {
      NEED_VALUE();
      if (parse_float(argv[++i], &a->mean)) return cli_error("run: bad --mean '%s'", argv[i]);
      a->mean_set = 1;
    } else if (!strcmp(o, "--std")) {
      NEED_VALUE();
      if (parse_float(argv[++i], &a->std) || !(a->std > 0))
        return cli_error("run: --std must be a positive number, not '%s'", argv[i]);
      a->std_set = 1;
    } else if (!strcmp(o, "--threads")) {
      NEED_VALUE();
      long t = 0;
      if (cli_parse_int(argv[++i], 1, 64, &t))
        return cli_error("run: --threads takes a whole number from 1 to 64, not '%s'", argv[i]);
      a->opts.threads = (int)t;
    } else if (!strcmp(o, "--json")) {
      a->json = 1;
    } else if (!strcmp(o, "--ref")) {
      a->opts.kernels = OCT_KERNELS_REF;
    } else if (o[0] == '-') {
      return cli_error("run: unknown option '%s'", o);
    } else if (!a->model) {
      a->model = o;
    } else {
      return cli_error("run: more than one model given ('%s')", o);
    }
#undef NEED_VALUE
  }
  if (!a->model) return cli_error("run: no model given (see octet --help)");
  if (a->image && a->n_inputs)
    return cli_error("run: give either --image or --input, not both");
  if (!a->image && !a->n_inputs)
    return cli_error("run: no input: give --input IN.npy (one per model input) or --image FILE");
  if (a->n_outputs && a->output_dir)
    return cli_error("run: give either --output files or --output-dir, not both");
  return 0;
}

/* Copies an .npy file into model input `i` after checking dtype and shape. */
static int load_npy_input(oct_interp *it, int i, const char *path) {
  oct_npy_array arr;
  oct_error err;
  if (oct_npy_read_file(path, &arr, &err) != OCT_OK) return cli_error("%s", err.message);
  oct_tensor_info ti;
  oct_interp_tensor_info(it, oct_interp_input_index(it, i), &ti);
  oct_dtype dt;
  int ok = oct_npy_to_dtype(arr.dtype, &dt) && dt == ti.dtype && arr.rank == ti.rank;
  for (int k = 0; ok && k < ti.rank; k++) ok = arr.dims[k] == ti.dims[k];
  if (!ok) {
    char want[96], have[96] = "[";
    cli_shape_str(want, sizeof want, ti.rank, ti.dims);
    size_t n = 1;
    for (int k = 0; k < arr.rank && n < sizeof have; k++)
      n += (size_t)snprintf(have + n, sizeof have - n, k ? ",%lld" : "%lld",
                            (long long)arr.dims[k]);
    if (n < sizeof have) snprintf(have + n, sizeof have - n, "]");
    cli_error("%s: array is %s %s, but model input %d '%s' is %s %s", path,
              oct_npy_dtype_name(arr.dtype), have, i, ti.name,
              oct_dtype_name(ti.dtype), want);
    oct_npy_free(&arr);
    return 1;
  }
  memcpy(oct_interp_input_data(it, i), arr.data, ti.bytes);
  oct_npy_free(&arr);
  return 0;
}

static int write_output(const oct_interp *it, int i, const char *path) {
  oct_tensor_info ti;
  oct_interp_tensor_info(it, oct_interp_output_index(it, i), &ti);
  oct_npy_dtype nd;
  if (!oct_npy_from_dtype(ti.dtype, &nd))
    return cli_error("output %d '%s': %s cannot be saved as .npy", i, ti.name,
                     oct_dtype_name(ti.dtype));
  int64_t dims[OCT_MAX_RANK];
  for (int k = 0; k < ti.rank; k++) dims[k] = ti.dims[k];
  oct_error err;
  if (oct_npy_write_file(path, nd, ti.rank, dims, oct_interp_output_data(it, i), &err))
    return cli_error("%s", err.message);
  return 0;
}

/* Element k of a tensor as a real number (dequantized when quantized). */
static double value_at(const oct_tensor_info *ti, const void *data, size_t k) {
  double v;
  switch (ti->dtype) {
    case OCT_FLOAT32: v = ((const float *)data)[k]; break;
    case OCT_INT8: v = ((const int8_t *)data)[k]; break;
    case OCT_UINT8: v = ((const uint8_t *)data)[k]; break;
    case OCT_INT16: v = ((const int16_t *)data)[k]; break;
    case OCT_INT32: v = ((const int32_t *)data)[k]; break;
    case OCT_INT64: v = (double)((const int64_t *)data)[k]; break;
    case OCT_BOOL: v = ((const uint8_t *)data)[k] != 0; break;
    default: return 0.0;
  }
  if (ti->quant_count == 1 && ti->dtype != OCT_FLOAT32)
    v = (v - (double)ti->zero_point) * ti->scale;
  return v;
}

static size_t elem_count(const oct_tensor_info *ti) {
  size_t n = 1;
  for (int k = 0; k < ti->rank; k++) n *= (size_t)ti->dims[k];
  return n;
}

/* Prints the top-N classes of output 0 (image mode). */
static void print_top(const oct_interp *it, const run_args *a, const oct_labels *labels,
                      cli_json *j) {
  oct_tensor_info ti;
  oct_interp_tensor_info(it, oct_interp_output_index(it, 0), &ti);
  const void *data = oct_interp_output_data(it, 0);
  const size_t n = elem_count(&ti);
  const size_t top = (size_t)a->top < n ? (size_t)a->top : n;
  size_t *best = calloc(top ? top : 1, sizeof *best);
  size_t nb = 0;
  for (size_t k = 0; k < n; k++) {
    const double v = value_at(&ti, data, k);
    size_t pos = nb;
    /* Ties keep the lower index first, as argmax does. */
    while (pos > 0 && value_at(&ti, data, best[pos - 1]) < v) pos--;
    if (pos >= top) continue;
    if (nb < top) nb++;
    memmove(best + pos + 1, best + pos, (nb - 1 - pos) * sizeof *best);
    best[pos] = k;
  }
  if (j) json_begin_array(j, "top");
  for (size_t r = 0; r < nb; r++) {
    const char *label = labels && best[r] < labels->count ? labels->items[best[r]] : "";
    const double score = value_at(&ti, data, best[r]);
    if (j) {
      json_begin_object(j, NULL);
      json_int(j, "index", (long long)best[r]);
      json_string(j, "label", label);
      json_double(j, "score", score);
      json_end_object(j);
    } else {
      printf("%5zu  %-28s %.6f\n", best[r], label, score);
    }
  }
  if (j) json_end_array(j);
  free(best);
}

static void summarize_output(const oct_interp *it, int i, cli_json *j) {
  oct_tensor_info ti;
  oct_interp_tensor_info(it, oct_interp_output_index(it, i), &ti);
  const void *data = oct_interp_output_data(it, i);
  const size_t n = elem_count(&ti);
  double lo = 0, hi = 0;
  size_t arg = 0;
  for (size_t k = 0; k < n; k++) {
    const double v = value_at(&ti, data, k);
    if (k == 0 || v < lo) lo = v;
    if (k == 0 || v > hi) {
      hi = v;
      arg = k;
    }
  }
  char shape[96];
  cli_shape_str(shape, sizeof shape, ti.rank, ti.dims);
  if (j) {
    json_begin_object(j, NULL);
    json_string(j, "name", ti.name);
    json_string(j, "dtype", oct_dtype_name(ti.dtype));
    json_begin_array(j, "shape");
    for (int k = 0; k < ti.rank; k++) json_int(j, NULL, ti.dims[k]);
    json_end_array(j);
    json_double(j, "min", lo);
    json_double(j, "max", hi);
    json_int(j, "argmax", (long long)arg);
    json_end_object(j);
    return;
  }
  printf("output %d '%s' %s %s: min %.6g max %.6g argmax %zu; first:", i, ti.name,
         oct_dtype_name(ti.dtype), shape, lo, hi, arg);
  for (size_t k = 0; k < n && k < 8; k++) printf(" %.6g", value_at(&ti, data, k));
  printf("%s\n", n > 8 ? " ..." : "");
}

int cmd_run(int argc, char **argv) {
  run_args a;
  if (parse_args(argc, argv, &a)) return 1;
  /* The pool lives as long as the interpreter: threads start here, once,
   * not per invoke. */
  oct_threadpool *pool = NULL;
  if (a.opts.threads > 1) {
    if (oct_threadpool_create(a.opts.threads, &pool))
      return cli_error("run: cannot start %d threads", a.opts.threads);
    oct_threadpool_options(pool, &a.opts);
  }
  cli_model m;
  if (cli_model_open(&m, a.model, &a.opts)) {
    oct_threadpool_destroy(pool);
    return 1;
  }
  oct_interp *it = m.it;
  int rc = 0;
  oct_labels labels = {0};
  int have_labels = 0;

  if (a.image) {
    image_norm norm = {a.mean, a.std};
    rc = run_image_fill_input(it, a.image, &norm);
  } else if (a.n_inputs != oct_interp_input_count(it)) {
    rc = cli_error("run: the model has %d input(s), %d --input given",
                   oct_interp_input_count(it), a.n_inputs);
  } else {
    for (int i = 0; i < a.n_inputs && !rc; i++) rc = load_npy_input(it, i, a.inputs[i]);
  }
  if (!rc && a.n_outputs && a.n_outputs != oct_interp_output_count(it))
    rc = cli_error("run: the model has %d output(s), %d --output given",
                   oct_interp_output_count(it), a.n_outputs);
  if (!rc && a.labels) {
    oct_error err;
    if (oct_labels_read(a.labels, &labels, &err)) rc = cli_error("%s", err.message);
    else have_labels = 1;
  }
  double t0 = 0, t1 = 0;
  if (!rc) {
    t0 = now_us();
    oct_status st = oct_interp_invoke(it);
    t1 = now_us();
    if (st) rc = cli_error("%s: %s", a.model, oct_interp_error(it));
  }
  for (int i = 0; !rc && i < a.n_outputs; i++) rc = write_output(it, i, a.outputs[i]);
  for (int i = 0; !rc && a.output_dir && i < oct_interp_output_count(it); i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/output_%d.npy", a.output_dir, i);
    rc = write_output(it, i, path);
  }
  if (!rc) {
    cli_json j = {stdout, 0, {0}};
    cli_json *jp = a.json ? &j : NULL;
    if (jp) {
      json_begin_object(jp, NULL);
      json_string(jp, "model", a.model);
      json_double(jp, "invoke_us", t1 - t0);
      json_int(jp, "arena_bytes", (long long)oct_interp_arena_used(it));
    }
    if (a.image) print_top(it, &a, have_labels ? &labels : NULL, jp);
    if (jp) json_begin_array(jp, "outputs");
    for (int i = 0; i < oct_interp_output_count(it); i++)
      if (!a.image || jp) summarize_output(it, i, jp);
    if (jp) {
      json_end_array(jp);
      json_end_object(jp);
    } else {
      printf("invoke: %.3f ms, arena %zu bytes\n", (t1 - t0) / 1000.0,
             oct_interp_arena_used(it));
    }
    if (fflush(stdout) != 0 || ferror(stdout)) rc = cli_error("run: cannot write output");
  }
  if (have_labels) oct_labels_free(&labels);
  cli_model_close(&m);
  oct_threadpool_destroy(pool);
  return rc;
}
