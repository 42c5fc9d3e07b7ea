/*
 * `octet eval MODEL [MODEL ...] --data X.npy [--labels Y.npy]
 *             [--reference FLOAT_MODEL] [--top K] [--limit N] [--json]
 *             [--ref-kernels]`:
 * the trade-off table. Runs every model on the same samples and prints,
 * side by side, what a user weighs when choosing between a float model and
 * its quantized versions: file size, arena (RAM), top-1 and top-K accuracy,
 * agreement with the reference model (top-1 agreement, output SQNR and the
 * largest output difference) and the latency of one invoke (median and p90
 * over all samples). The reference is --reference when given (it is listed
 * first), else the first model.
 *
 * X.npy holds float32 samples [N, ...] in the first model input's layout
 * (its batch dimension must be 1); quantized inputs are quantized from it
 * with the input tensor's scale and zero point, as an application would.
 * Quantized outputs are dequantized before they are compared.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "io/npy.h"

#define EVAL_MAX_MODELS 8

typedef struct eval_args {
  const char *models[EVAL_MAX_MODELS];
  int n_models;
  const char *data, *labels, *reference;
  long limit, top_k;
  int json, progress;
  oct_options opts;
} eval_args;

typedef struct eval_result {
  const char *kind;
  size_t file_bytes, arena_bytes, weight_bytes;
  long samples, correct, correct_k, agree;
  double max_diff, sig2, noise2;
  double median_us, p90_us;
} eval_result;

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int parse_args(int argc, char **argv, eval_args *a) {
  memset(a, 0, sizeof *a);
  for (int i = 0; i < argc; i++) {
    const char *o = argv[i];
    if (!strcmp(o, "--data") || !strcmp(o, "--labels")) {
      if (i + 1 >= argc) return cli_error("eval: %s needs a .npy file", o);
      if (!strcmp(o, "--data")) a->data = argv[++i];
      else a->labels = argv[++i];
    } else if (!strcmp(o, "--limit")) {
      if (i + 1 >= argc || cli_parse_int(argv[++i], 1, 1L << 30, &a->limit))
        return cli_error("eval: --limit needs a positive number");
    } else if (!strcmp(o, "--top")) {
      if (i + 1 >= argc || cli_parse_int(argv[++i], 1, 1000, &a->top_k))
        return cli_error("eval: --top needs a number from 1 to 1000");
    } else if (!strcmp(o, "--reference")) {
      if (i + 1 >= argc) return cli_error("eval: --reference needs a model file");
      a->reference = argv[++i];
    } else if (!strcmp(o, "--json")) {
      a->json = 1;
    } else if (!strcmp(o, "--ref-kernels") || !strcmp(o, "--ref")) {
      a->opts.kernels = OCT_KERNELS_REF;
    } else if (o[0] == '-' && o[1]) {
      return cli_error("eval: unknown option '%s'", o);
    } else if (a->n_models == EVAL_MAX_MODELS - 1) {
      return cli_error("eval: at most %d models", EVAL_MAX_MODELS - 1);
    } else {
      a->models[a->n_models++] = o;
    }
  }
  if (!a->n_models || !a->data)
    return cli_error("eval: usage: octet eval MODEL [MODEL ...] --data X.npy "
                     "[--labels Y.npy] [--reference FLOAT_MODEL] [--top K] [--limit N] "
                     "[--json] [--ref-kernels]");
  if (a->reference) {
    memmove(a->models + 1, a->models, (size_t)a->n_models * sizeof a->models[0]);
    a->models[0] = a->reference;
    a->n_models++;
  }
  if (!a->top_k) a->top_k = 5;
  a->progress = !a->json && isatty(2);
  return 0;
}

/* What kind of model this is, from its tensor types: the label users know
 * the quantization modes by. */
static const char *model_kind(const oct_interp *it) {
  int act_i8 = 0, act_u8 = 0, act_i16 = 0, w_f16 = 0, w_i8 = 0, dequant = 0, hybrid = 0;
  for (int t = 0; t < oct_interp_tensor_count(it); t++) {
    oct_tensor_info ti;
    if (oct_interp_tensor_info(it, t, &ti)) continue;
    if (ti.is_constant) {
      w_f16 |= ti.dtype == OCT_FLOAT16;
      w_i8 |= ti.dtype == OCT_INT8 || ti.dtype == OCT_UINT8;
    } else {
      act_i8 |= ti.dtype == OCT_INT8;
      act_u8 |= ti.dtype == OCT_UINT8;
      act_i16 |= ti.dtype == OCT_INT16;
    }
  }
  for (int k = 0; k < oct_interp_op_count(it); k++) {
    oct_op_info oi;
    if (oct_interp_op_info(it, k, &oi)) continue;
    hybrid |= oi.kernel && strstr(oi.kernel, "hybrid") != NULL;
    if (!strcmp(oi.type, "DEQUANTIZE")) {
      oct_tensor_info ti;
      if (oi.input_count > 0 && oi.inputs[0] >= 0 &&
          !oct_interp_tensor_info(it, oi.inputs[0], &ti) && ti.is_constant)
        dequant = 1;
    }
  }
  if (act_i16) return "int16x8";
  if (act_i8) return "int8";
  if (act_u8) return "uint8";
  if (w_f16) return "float16";
  if (w_i8) return hybrid || !dequant ? "dynamic" : "weights-int8";
  return "float32";
}

/* Writes float sample `x` into input tensor data of type `ti`. */
static int set_input(void *dst, const oct_tensor_info *ti, const float *x, size_t n) {
  const float s = ti->scale > 0 ? ti->scale : 1.0f;
  const double zp = (double)ti->zero_point;
  for (size_t i = 0; i < n; i++) {
    const double q = round((double)x[i] / s) + zp;
    switch (ti->dtype) {
      case OCT_FLOAT32: ((float *)dst)[i] = x[i]; break;
      case OCT_INT8: ((int8_t *)dst)[i] = (int8_t)fmin(127, fmax(-128, q)); break;
      case OCT_UINT8: ((uint8_t *)dst)[i] = (uint8_t)fmin(255, fmax(0, q)); break;
      case OCT_INT16: ((int16_t *)dst)[i] = (int16_t)fmin(32767, fmax(-32768, q)); break;
      default: return -1;
    }
  }
  return 0;
}

/* Reads output data of type `ti` as float (dequantized). */
static int get_output(const void *src, const oct_tensor_info *ti, float *y, size_t n) {
  const float s = ti->scale;
  const float zp = (float)ti->zero_point;
  for (size_t i = 0; i < n; i++) {
    switch (ti->dtype) {
      case OCT_FLOAT32: y[i] = ((const float *)src)[i]; break;
      case OCT_INT8: y[i] = s * ((float)((const int8_t *)src)[i] - zp); break;
      case OCT_UINT8: y[i] = s * ((float)((const uint8_t *)src)[i] - zp); break;
      case OCT_INT16: y[i] = s * ((float)((const int16_t *)src)[i] - zp); break;
      default: return -1;
    }
  }
  return 0;
}

static size_t argmax(const float *y, size_t n) {
  size_t best = 0;
  for (size_t i = 1; i < n; i++)
    if (y[i] > y[best]) best = i;
  return best;
}

/* Whether class `label` is among the k highest scores (ties count against
 * it only when a higher-scoring class comes first, as argmax does). */
static int in_top_k(const float *y, size_t n, long label, long k) {
  if (label < 0 || (size_t)label >= n) return 0;
  long above = 0;
  for (size_t i = 0; i < n; i++)
    if (y[i] > y[label] || (y[i] == y[label] && (long)i < label)) above++;
  return above < k;
}

static void show_progress(const eval_args *a, int model, long done, long n) {
  if (!a->progress) return;
  const int width = 30, fill = (int)(width * done / (n ? n : 1));
  fprintf(stderr, "\reval: model %d/%d [%.*s%*s] %ld/%ld", model + 1, a->n_models, fill,
          "##############################", width - fill, "", done, n);
  if (done == n && model + 1 == a->n_models) fputs("\r\033[K", stderr);
  fflush(stderr);
}

static double sqnr_db(const eval_result *e) {
  return 10.0 * log10(e->sig2 / e->noise2);
}

static int cmp_double(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static long label_at(const oct_npy_array *l, long i) {
  if (l->dtype == OCT_NPY_INT64) return (long)((const int64_t *)l->data)[i];
  if (l->dtype == OCT_NPY_INT32) return (long)((const int32_t *)l->data)[i];
  return (long)((const uint8_t *)l->data)[i];
}

/* Runs one model over the samples. `ref_top1`/`ref_out` hold the first
 * model's results (filled when `fill` is set). */
static int eval_model(const eval_args *a, int index, const char *path, const oct_npy_array *x,
                      long n, size_t sample_elems, const oct_npy_array *labels,
                      long *ref_top1, float *ref_out, size_t *out_elems, int fill,
                      eval_result *r) {
  cli_model m;
  if (cli_model_open(&m, path, &a->opts)) return 1;
  int rc = 1;
  double *times = NULL;
  float *y = NULL;
  oct_tensor_info in, out;
  if (oct_interp_input_count(m.it) != 1 || oct_interp_output_count(m.it) < 1) {
    cli_error("%s: eval needs a model with one input", path);
    goto done;
  }
  oct_interp_tensor_info(m.it, oct_interp_input_index(m.it, 0), &in);
  oct_interp_tensor_info(m.it, oct_interp_output_index(m.it, 0), &out);
  const size_t in_elems = oct_dtype_size(in.dtype) ? in.bytes / oct_dtype_size(in.dtype) : 0;
  const size_t o_elems = oct_dtype_size(out.dtype) ? out.bytes / oct_dtype_size(out.dtype) : 0;
  if (in_elems != sample_elems) {
    cli_error("%s: input '%s' has %zu elements, the samples in %s have %zu", path,
              in.name, in_elems, a->data, sample_elems);
    goto done;
  }
  if (fill) *out_elems = o_elems;
  if (o_elems != *out_elems || !o_elems) {
    cli_error("%s: output 0 has %zu elements, the first model's has %zu", path, o_elems,
              *out_elems);
    goto done;
  }
  times = malloc((size_t)n * sizeof *times);
  y = malloc(o_elems * sizeof *y);
  if (!times || !y) {
    cli_error("eval: out of memory");
    goto done;
  }
  memset(r, 0, sizeof *r);
  r->kind = model_kind(m.it);
  r->file_bytes = m.size;
  r->arena_bytes = oct_interp_arena_used(m.it);
  oct_memory_info mi;
  if (!oct_interp_memory_info(m.it, &mi)) r->weight_bytes = mi.weight_bytes;
  for (long i = 0; i < n; i++) {
    const float *xs = (const float *)x->data + (size_t)i * sample_elems;
    if (set_input(oct_interp_input_data(m.it, 0), &in, xs, sample_elems)) {
      cli_error("%s: input type %s is not supported by eval", path, oct_dtype_name(in.dtype));
      goto done;
    }
    const double t0 = now_us();
    if (oct_interp_invoke(m.it) != OCT_OK) {
      cli_error("%s: sample %ld: %s", path, i, oct_interp_error(m.it));
      goto done;
    }
    times[i] = now_us() - t0;
    if (get_output(oct_interp_output_data(m.it, 0), &out, y, o_elems)) {
      cli_error("%s: output type %s is not supported by eval", path,
                oct_dtype_name(out.dtype));
      goto done;
    }
    const long top = (long)argmax(y, o_elems);
    if (labels && top == label_at(labels, i)) r->correct++;
    if (labels && in_top_k(y, o_elems, label_at(labels, i), a->top_k)) r->correct_k++;
    float *ref = ref_out + (size_t)i * o_elems;
    if (fill) {
      ref_top1[i] = top;
      memcpy(ref, y, o_elems * sizeof *y);
    }
    if (top == ref_top1[i]) r->agree++;
    for (size_t k = 0; k < o_elems; k++) {
      const double d = fabs((double)y[k] - (double)ref[k]);
      if (d > r->max_diff) r->max_diff = d;
      r->sig2 += (double)ref[k] * (double)ref[k];
      r->noise2 += d * d;
    }
    if ((i & 63) == 0 || i + 1 == n) show_progress(a, index, i + 1, n);
  }
  r->samples = n;
  qsort(times, (size_t)n, sizeof *times, cmp_double);
  r->median_us = times[n / 2];
  r->p90_us = times[(size_t)((double)(n - 1) * 0.9)];
  rc = 0;
done:
  free(times);
  free(y);
  cli_model_close(&m);
  return rc;
}

static void human_bytes(char *buf, size_t cap, size_t b) {
  if (b >= (1u << 20)) snprintf(buf, cap, "%.2f MiB", (double)b / (1 << 20));
  else if (b >= 1024) snprintf(buf, cap, "%.1f KiB", (double)b / 1024);
  else snprintf(buf, cap, "%zu B", b);
}

static const char *base_name(const char *p) {
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

static void print_table(const eval_args *a, const eval_result *r, int has_labels) {
  printf("%ld samples from %s%s\n\n", r[0].samples, a->data,
         a->opts.kernels == OCT_KERNELS_REF ? " (reference kernels)" : "");
  char topk[16];
  snprintf(topk, sizeof topk, "top-%ld", a->top_k);
  printf("%-34s %-12s %10s %6s %10s %8s %8s %8s %7s %9s %10s %10s %6s\n", "model", "kind",
         "size", "vs 1st", "arena", "top-1", topk, "agree", "SQNR", "max|diff|", "median", "p90",
         "speed");
  for (int i = 0; i < a->n_models; i++) {
    const eval_result *e = &r[i];
    char size[32], arena[32], acc[16], acck[16], ratio[16], speed[16], sq[16];
    human_bytes(size, sizeof size, e->file_bytes);
    human_bytes(arena, sizeof arena, e->arena_bytes);
    if (has_labels) {
      snprintf(acc, sizeof acc, "%.2f%%", 100.0 * (double)e->correct / (double)e->samples);
      snprintf(acck, sizeof acck, "%.2f%%", 100.0 * (double)e->correct_k / (double)e->samples);
    } else {
      snprintf(acc, sizeof acc, "-");
      snprintf(acck, sizeof acck, "-");
    }
    if (e->noise2 > 0) snprintf(sq, sizeof sq, "%.1fdB", sqnr_db(e));
    else snprintf(sq, sizeof sq, "inf");
    snprintf(ratio, sizeof ratio, "%.2fx", (double)r[0].file_bytes / (double)e->file_bytes);
    snprintf(speed, sizeof speed, "%.2fx", r[0].median_us / (e->median_us > 0 ? e->median_us : 1));
    printf("%-34.34s %-12s %10s %6s %10s %8s %8s %7.2f%% %7s %9.4f %8.1fus %8.1fus %6s\n",
           base_name(a->models[i]), e->kind, size, ratio, arena, acc, acck,
           100.0 * (double)e->agree / (double)e->samples, sq, e->max_diff, e->median_us,
           e->p90_us, speed);
  }
  printf("\nvs 1st: the reference (first) model's file size over this one's; agree: top-1\n"
         "equal to the reference's; SQNR: reference output power over the power of the\n"
         "difference; max|diff|: largest output difference (after dequantizing);\n"
         "median/p90: one invoke; speed: the reference's median over this one's.\n");
}

static void print_json(const eval_args *a, const eval_result *r, int has_labels) {
  cli_json j = {stdout, 0, {0}};
  json_begin_object(&j, NULL);
  json_string(&j, "data", a->data);
  json_int(&j, "samples", r[0].samples);
  json_begin_array(&j, "models");
  for (int i = 0; i < a->n_models; i++) {
    const eval_result *e = &r[i];
    json_begin_object(&j, NULL);
    json_string(&j, "path", a->models[i]);
    json_string(&j, "kind", e->kind);
    json_int(&j, "file_bytes", (long long)e->file_bytes);
    json_int(&j, "arena_bytes", (long long)e->arena_bytes);
    json_int(&j, "weight_bytes", (long long)e->weight_bytes);
    json_int(&j, "samples", e->samples);
    json_int(&j, "top_k", a->top_k);
    if (has_labels) {
      json_double(&j, "top1", (double)e->correct / (double)e->samples);
      json_double(&j, "topk", (double)e->correct_k / (double)e->samples);
    } else {
      json_null(&j, "top1");
      json_null(&j, "topk");
    }
    json_bool(&j, "is_reference", i == 0);
    json_double(&j, "agreement", (double)e->agree / (double)e->samples);
    if (e->noise2 > 0) json_double(&j, "sqnr_db", sqnr_db(e));
    else json_null(&j, "sqnr_db"); /* identical outputs: infinite */
    json_double(&j, "max_abs_diff", e->max_diff);
    json_double(&j, "median_us", e->median_us);
    json_double(&j, "p90_us", e->p90_us);
    json_end_object(&j);
  }
  json_end_array(&j);
  json_end_object(&j);
  putchar('\n');
}

int cmd_eval(int argc, char **argv) {
  eval_args a;
  if (parse_args(argc, argv, &a)) return 2;
  oct_npy_array x, labels;
  memset(&labels, 0, sizeof labels);
  oct_error err;
  if (oct_npy_read_file(a.data, &x, &err)) return cli_error("%s", err.message);
  int rc = 1;
  long *ref_top1 = NULL;
  float *ref_out = NULL;
  eval_result res[EVAL_MAX_MODELS];
  if (x.dtype != OCT_NPY_FLOAT32 || x.rank < 1 || x.dims[0] < 1) {
    cli_error("%s: samples must be float32 [N, ...] with N >= 1 (got %s, rank %d)", a.data,
              oct_npy_dtype_name(x.dtype), x.rank);
    goto done;
  }
  long n = (long)x.dims[0];
  if (a.limit && a.limit < n) n = a.limit;
  const size_t sample_elems = x.bytes / sizeof(float) / (size_t)x.dims[0];
  for (size_t k = 0; k < x.bytes / sizeof(float); k++)
    if (!isfinite(((const float *)x.data)[k])) {
      cli_error("%s: sample %zu holds NaN or Inf", a.data, k / sample_elems);
      goto done;
    }
  if (a.labels) {
    if (oct_npy_read_file(a.labels, &labels, &err)) {
      cli_error("%s", err.message);
      goto done;
    }
    if ((labels.dtype != OCT_NPY_INT64 && labels.dtype != OCT_NPY_INT32 &&
         labels.dtype != OCT_NPY_UINT8) ||
        labels.rank != 1 || labels.dims[0] != x.dims[0]) {
      cli_error("%s: labels must be int64, int32 or uint8 [%lld] to match %s", a.labels,
                (long long)x.dims[0], a.data);
      goto done;
    }
  }
  size_t out_elems = 0;
  ref_top1 = malloc((size_t)n * sizeof *ref_top1);
  if (!ref_top1) {
    cli_error("eval: out of memory");
    goto done;
  }
  for (int i = 0; i < a.n_models; i++) {
    if (i == 0) {
      /* The output size is known once the first model is open; sized
       * generously here and checked per model in eval_model. */
      cli_model m;
      if (cli_model_open(&m, a.models[0], &a.opts)) goto done;
      oct_tensor_info out;
      oct_interp_tensor_info(m.it, oct_interp_output_index(m.it, 0), &out);
      out_elems = oct_dtype_size(out.dtype) ? out.bytes / oct_dtype_size(out.dtype) : 0;
      cli_model_close(&m);
      if (!out_elems || out_elems > (SIZE_MAX / sizeof(float)) / (size_t)n) {
        cli_error("%s: output 0 is empty or too large to compare", a.models[0]);
        goto done;
      }
      ref_out = malloc((size_t)n * out_elems * sizeof *ref_out);
      if (!ref_out) {
        cli_error("eval: out of memory for %ld outputs", n);
        goto done;
      }
    }
    if (eval_model(&a, i, a.models[i], &x, n, sample_elems, a.labels ? &labels : NULL,
                   ref_top1, ref_out, &out_elems, i == 0, &res[i]))
      goto done;
  }
  if (a.json) print_json(&a, res, a.labels != NULL);
  else print_table(&a, res, a.labels != NULL);
  rc = 0;
done:
  free(ref_top1);
  free(ref_out);
  oct_npy_free(&x);
  oct_npy_free(&labels);
  return rc;
}
