/* Calibration runs (calib.h): data loading, the observing runtime, and the
 * range calibrators. */
#include "quant/calib.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "convert/tflite_writer.h"
#include "io/fb_builder.h"
#include "io/image.h"
#include "io/image_resize.h"
#include "io/npy.h"

#define CALIB_BINS 2048
#define CALIB_MAX_IMAGES 100000

/* One source of samples per graph input. */
typedef struct calib_source {
  int tensor;          /* graph input */
  size_t elems;        /* per sample */
  oct_npy_array npy;   /* .npy data, or empty for images */
} calib_source;

typedef struct calib_data {
  calib_source src[OCT_CONVERT_MAX_CALIB_FILES];
  int n_src;
  long samples;
  char **images;       /* image paths (sorted), for --calibration-dir */
  float *image_buf;    /* one preprocessed image */
} calib_data;

static void data_free(calib_data *d) {
  for (int i = 0; i < d->n_src; i++) oct_npy_free(&d->src[i].npy);
  if (d->images)
    for (long i = 0; i < d->samples; i++) free(d->images[i]);
  free(d->images);
  free(d->image_buf);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_image_name(const char *n) {
  const char *e = strrchr(n, '.');
  if (!e) return 0;
  static const char *const k[] = {".png", ".PNG", ".jpg", ".JPG", ".jpeg", ".JPEG",
                                  ".bmp", ".BMP"};
  for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
    if (!strcmp(e, k[i])) return 1;
  return 0;
}

static oct_status load_images(oct_ir_graph *g, const oct_convert_options *o, calib_data *d) {
  if (g->n_inputs != 1)
    return oct_ir_fail(g, OCT_ERR_INVALID_ARG,
                       "--calibration-dir needs a model with one input; this one has %d",
                       g->n_inputs);
  const oct_ir_tensor *t = &g->tensors[g->inputs[0]];
  if (t->rank != 4 || t->dims[0] != 1 || (t->dims[3] != 1 && t->dims[3] != 3))
    return oct_ir_fail(g, OCT_ERR_SHAPE,
                       "--calibration-dir needs an NHWC input [1,H,W,1 or 3]; '%s' is not "
                       "(convert ONNX models with --nhwc-io, or give .npy samples)",
                       t->name);
  DIR *dir = opendir(o->calibration_dir);
  if (!dir)
    return oct_ir_fail(g, OCT_ERR_IO, "%s: cannot open the calibration folder",
                       o->calibration_dir);
  long cap = 0;
  struct dirent *e;
  while ((e = readdir(dir)) && d->samples < CALIB_MAX_IMAGES) {
    if (!is_image_name(e->d_name)) continue;
    if (d->samples == cap) {
      cap = cap ? cap * 2 : 64;
      char **n = realloc(d->images, (size_t)cap * sizeof *n);
      if (!n) break;
      d->images = n;
    }
    const size_t len = strlen(o->calibration_dir) + strlen(e->d_name) + 2;
    char *p = malloc(len);
    if (!p) break;
    snprintf(p, len, "%s/%s", o->calibration_dir, e->d_name);
    d->images[d->samples++] = p;
  }
  closedir(dir);
  if (!d->samples)
    return oct_ir_fail(g, OCT_ERR_INVALID_ARG, "%s: no .png, .jpg or .bmp images",
                       o->calibration_dir);
  qsort(d->images, (size_t)d->samples, sizeof *d->images, cmp_str);
  d->n_src = 1;
  d->src[0].tensor = g->inputs[0];
  d->src[0].elems = (size_t)oct_ir_elems(t);
  d->image_buf = malloc(d->src[0].elems * sizeof(float));
  if (!d->image_buf) return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory for an image");
  return OCT_OK;
}

static oct_status load_npy(oct_ir_graph *g, const oct_convert_options *o, calib_data *d) {
  if (o->n_calibration_files != g->n_inputs)
    return oct_ir_fail(g, OCT_ERR_INVALID_ARG,
                       "the model has %d input(s) but %d --calibration file(s) were given "
                       "(one .npy per input, in order)",
                       g->n_inputs, o->n_calibration_files);
  for (int i = 0; i < o->n_calibration_files; i++) {
    const char *path = o->calibration_files[i];
    calib_source *s = &d->src[d->n_src];
    oct_error err;
    if (oct_npy_read_file(path, &s->npy, &err))
      return oct_ir_fail(g, OCT_ERR_IO, "%s", err.message);
    d->n_src++;
    const oct_ir_tensor *t = &g->tensors[g->inputs[i]];
    s->tensor = g->inputs[i];
    s->elems = (size_t)oct_ir_elems(t);
    if (s->npy.dtype != OCT_NPY_FLOAT32)
      return oct_ir_fail(g, OCT_ERR_TYPE, "%s: calibration samples must be float32, not %s",
                         path, oct_npy_dtype_name(s->npy.dtype));
    /* [N, d1, ..., dk] for an input [B, d1, ..., dk]: B samples per run. */
    int ok = s->npy.rank == t->rank && t->rank >= 1 && t->dims[0] >= 1 &&
             s->npy.dims[0] >= t->dims[0];
    for (int k = 1; ok && k < t->rank; k++) ok = s->npy.dims[k] == t->dims[k];
    if (!ok) {
      char want[128] = "[N", *p = want + 2;
      for (int k = 1; k < t->rank && p < want + sizeof want - 16; k++)
        p += snprintf(p, (size_t)(want + sizeof want - p), ",%d", (int)t->dims[k]);
      snprintf(p, (size_t)(want + sizeof want - p), "]");
      return oct_ir_fail(g, OCT_ERR_SHAPE,
                         "%s: calibration samples for input '%s' must have shape %s "
                         "with N >= %d (rank %d file given)",
                         path, t->name, want, (int)t->dims[0], s->npy.rank);
    }
    const long n = (long)(s->npy.dims[0] / t->dims[0]); /* runs */
    const size_t per_sample = s->elems / (size_t)t->dims[0];
    if (i > 0 && n != d->samples)
      return oct_ir_fail(g, OCT_ERR_SHAPE, "%s: %ld runs of samples, but %s gives %ld", path, n,
                         o->calibration_files[0], d->samples);
    d->samples = n;
    const float *x = s->npy.data;
    for (size_t k = 0; k < (size_t)n * s->elems; k++)
      if (!isfinite(x[k]))
        return oct_ir_fail(g, OCT_ERR_INVALID_ARG,
                           "%s: calibration sample %zu holds NaN or Inf (element %zu)", path,
                           k / per_sample, k % per_sample);
  }
  return OCT_OK;
}

/* Copies sample i of every source into the interpreter's inputs. */
static oct_status fill_sample(oct_ir_graph *g, const oct_convert_options *o, calib_data *d,
                              oct_interp *it, long i) {
  for (int s = 0; s < d->n_src; s++) {
    float *dst = oct_interp_input_data(it, s);
    if (d->images) {
      oct_image img = {0}, sized = {0};
      oct_error err;
      const oct_ir_tensor *t = &g->tensors[d->src[s].tensor];
      if (oct_image_decode_file(d->images[i], t->dims[3], &img, &err))
        return oct_ir_fail(g, OCT_ERR_IO, "calibration image %ld: %s", i, err.message);
      oct_status st = oct_image_resize_bilinear(&img, t->dims[2], t->dims[1], &sized, &err);
      oct_image_free(&img);
      if (st) return oct_ir_fail(g, st, "calibration image %ld (%s): %s", i, d->images[i],
                                 err.message);
      const float mean = o->image_mean_std_set ? o->image_mean : 127.5f;
      const float std = o->image_mean_std_set ? o->image_std : 127.5f;
      for (size_t k = 0; k < d->src[s].elems; k++)
        dst[k] = ((float)sized.pixels[k] - mean) / std;
      oct_image_free(&sized);
    } else {
      memcpy(dst, (const float *)d->src[s].npy.data + (size_t)i * d->src[s].elems,
             d->src[s].elems * sizeof(float));
    }
  }
  return OCT_OK;
}

static void progress(const oct_convert_options *o, const char *what, long k, long n) {
  if (!o->progress) return;
  const int width = 30, done = n ? (int)((double)k * width / (double)n) : width;
  fprintf(stderr, "\r%s [", what);
  for (int i = 0; i < width; i++) fputc(i < done ? '#' : '.', stderr);
  fprintf(stderr, "] %ld/%ld", k, n);
  if (k == n) fputc('\n', stderr);
  fflush(stderr);
}

/* ---- histogram calibrators ---- */

/* Mean squared quantization error of clipping to bins [a, b) with 255
 * steps, from the histogram (values at bin centres). */
static double hist_mse(const double *h, int bins, int a, int b) {
  const double step = (double)(b - a) / 255.0;
  double e = 0;
  for (int i = 0; i < bins; i++) {
    if (!h[i]) continue;
    const double x = i + 0.5;
    double c = x < a ? a : x > b ? b : x;
    const double q = a + round((c - a) / step) * step;
    e += h[i] * (x - q) * (x - q);
  }
  return e;
}

/* KL divergence between the clipped histogram P over [a, b) (outliers
 * folded into the edge bins) and its 255-level quantization Q, as in
 * TensorRT's calibrator: Q is built from the bins inside the window only,
 * without the folded outliers, so clipping a heavy tail (ReLU6's spike at
 * 6) costs what it should. Building Q from P instead made every clip free
 * and cut mobilenet_v1's ReLU6 ranges to 60%, flipping every image. */
static double hist_kl(const double *h, int bins, int a, int b) {
  const int n = b - a;
  double *p = malloc((size_t)n * sizeof *p), *q = malloc((size_t)n * sizeof *q);
  if (!p || !q) {
    free(p);
    free(q);
    return INFINITY;
  }
  for (int i = 0; i < n; i++) p[i] = h[a + i];
  for (int i = 0; i < a; i++) p[0] += h[i];
  for (int i = b; i < bins; i++) p[n - 1] += h[i];
  const int levels = 255;
  for (int l = 0; l < levels; l++) {
    const int s = (int)((long)l * n / levels), e = (int)((long)(l + 1) * n / levels);
    double sum = 0;
    int nz = 0;
    for (int i = s; i < e; i++) {
      sum += h[a + i];
      nz += p[i] > 0;
    }
    for (int i = s; i < e; i++) q[i] = p[i] > 0 ? sum / nz : 0;
  }
  double ps = 0, qs = 0, kl = 0;
  for (int i = 0; i < n; i++) {
    ps += p[i];
    qs += q[i];
  }
  for (int i = 0; i < n; i++)
    if (p[i] > 0) kl += (p[i] / ps) * log((p[i] / ps) / (q[i] > 0 ? q[i] / qs : 1e-12));
  free(p);
  free(q);
  return kl;
}

void oct_calib_hist_range(const double *h, int bins, float lo, float hi, oct_calibrator c,
                          float percentile, int symmetric, float *out_lo, float *out_hi) {
  *out_lo = lo;
  *out_hi = hi;
  double total = 0;
  for (int i = 0; i < bins; i++) total += h[i];
  if (total <= 0 || !(hi > lo)) return;
  const double w = ((double)hi - (double)lo) / bins;
  if (c == OCT_CALIB_PERCENTILE) {
    const double tail = total * (1.0 - (double)percentile / 100.0);
    double acc = 0;
    int a = 0, b = bins;
    if (symmetric) {
      /* Clip |x| at its percentile: count from both ends together. */
      int i = 0, j = bins - 1;
      while (i < j) {
        const double next = h[i] < h[j] ? h[i] : h[j];
        if (acc + 2 * next > tail) break;
        acc += h[i] + h[j];
        i++;
        j--;
      }
      a = i;
      b = j + 1;
    } else {
      for (acc = 0; a < bins - 1 && acc + h[a] <= tail / 2; a++) acc += h[a];
      for (acc = 0; b > a + 1 && acc + h[b - 1] <= tail / 2; b--) acc += h[b - 1];
    }
    *out_lo = (float)(lo + a * w);
    *out_hi = (float)(lo + b * w);
    return;
  }
  if (c != OCT_CALIB_MSE && c != OCT_CALIB_ENTROPY) return;
  /* Shrink the window towards the bin of zero, keeping zero inside. */
  int z = (int)floor(-(double)lo / w);
  if (z < 0) z = 0;
  if (z > bins) z = bins;
  double best = INFINITY;
  int best_a = 0, best_b = bins;
  /* Never clip more than half of the observed range away. */
  for (int k = 128; k >= 64; k--) {
    const int a = z - (int)((long)z * k / 128);
    const int b = z + (int)((long)(bins - z) * k / 128);
    if (b - a < 255) break;
    const double e = c == OCT_CALIB_MSE ? hist_mse(h, bins, a, b) : hist_kl(h, bins, a, b);
    if (e < best) {
      best = e;
      best_a = a;
      best_b = b;
    }
  }
  *out_lo = (float)(lo + best_a * w);
  *out_hi = (float)(lo + best_b * w);
}

/* Tensors that keep their full observed range under every calibrator:
 * model outputs and what SOFTMAX / LOG_SOFTMAX / ARG_MAX / ARG_MIN read,
 * and back through ops that only move values (RESHAPE, SQUEEZE, ...),
 * whose input shares the output's scale. These are class scores: clipping
 * them saturates exactly the largest ones and turns the winner into a tie
 * (the entropy calibrator did that to mobilenet_v1's logits, flipping
 * the top-1 of every image). Returns a flag per tensor, or NULL. */
static unsigned char *scores(const oct_ir_graph *g) {
  unsigned char *f = calloc((size_t)g->n_tensors + 1, 1);
  if (!f) return NULL;
  for (int i = 0; i < g->n_outputs; i++)
    if (g->outputs[i] >= 0 && g->outputs[i] < g->n_tensors) f[g->outputs[i]] = 1;
  for (int i = 0; i < g->n_ops; i++) {
    const oct_ir_op *op = &g->ops[i];
    if (op->dead || op->n_inputs < 1 || op->inputs[0] < 0) continue;
    if (op->code == OCT_OP_SOFTMAX || op->code == OCT_OP_LOG_SOFTMAX ||
        op->code == OCT_OP_ARG_MAX || op->code == OCT_OP_ARG_MIN)
      f[op->inputs[0]] = 1;
  }
  for (int i = g->n_ops - 1; i >= 0; i--) {
    const oct_ir_op *op = &g->ops[i];
    if (op->dead || op->n_inputs < 1 || op->n_outputs < 1) continue;
    const int in = op->inputs[0], out = op->outputs[0];
    if (in < 0 || out < 0 || !f[out]) continue;
    switch (op->code) {
      case OCT_OP_RESHAPE: case OCT_OP_SQUEEZE: case OCT_OP_EXPAND_DIMS:
      case OCT_OP_TRANSPOSE: case OCT_OP_CONCATENATION: case OCT_OP_GATHER:
        f[in] = 1;
        break;
      default: break;
    }
  }
  return f;
}

/* ---- the run ---- */

/* Float tensors produced by live ops: the ones to observe. */
static int collect_observed(const oct_ir_graph *g, int *list) {
  int n = 0;
  char *seen = calloc((size_t)g->n_tensors, 1);
  if (!seen) return -1;
  for (int i = 0; i < g->n_ops; i++) {
    const oct_ir_op *op = &g->ops[i];
    if (op->dead) continue;
    for (int k = 0; k < op->n_outputs; k++) {
      const int t = op->outputs[k];
      if (t < 0 || seen[t] || g->tensors[t].type != OCT_FLOAT32) continue;
      seen[t] = 1;
      list[n++] = t;
    }
  }
  free(seen);
  return n;
}

/* Widens [*mn, *mx] to the values; returns 0 if one is NaN or Inf. */
static int observe_minmax(const float *x, size_t n, float *mn, float *mx) {
  /* Eight independent lanes, branch-free: no loop-carried chain through
   * one register, and the compiler vectorizes the lanes without having to
   * reassociate float operations. v - v is NaN exactly for NaN and Inf. */
  enum { L = 8 };
  float lo[L], hi[L], z[L];
  for (int k = 0; k < L; k++) {
    lo[k] = *mn;
    hi[k] = *mx;
    z[k] = 0;
  }
  size_t i = 0;
  for (; i + L <= n; i += L)
    for (int k = 0; k < L; k++) {
      const float v = x[i + k];
      z[k] += v - v;
      lo[k] = v < lo[k] ? v : lo[k];
      hi[k] = v > hi[k] ? v : hi[k];
    }
  for (; i < n; i++) {
    const float v = x[i];
    z[0] += v - v;
    lo[0] = v < lo[0] ? v : lo[0];
    hi[0] = v > hi[0] ? v : hi[0];
  }
  int finite = 1;
  for (int k = 0; k < L; k++) {
    if (lo[k] < *mn) *mn = lo[k];
    if (hi[k] > *mx) *mx = hi[k];
    finite &= z[k] == 0;
  }
  return finite;
}

oct_status oct_calib_run(oct_ir_graph *g, const oct_convert_options *o,
                         oct_calib_ranges *out) {
  return oct_calib_run_visit(g, o, out, NULL);
}

oct_status oct_calib_run_visit(oct_ir_graph *g, const oct_convert_options *o,
                               oct_calib_ranges *out, const oct_calib_visitor *v) {
  memset(out, 0, sizeof *out);
  calib_data d;
  memset(&d, 0, sizeof d);
  oct_status st;
  if (o->calibration_dir && o->n_calibration_files)
    return oct_ir_fail(g, OCT_ERR_INVALID_ARG,
                       "give --calibration files or --calibration-dir, not both");
  if (o->calibration_dir) st = load_images(g, o, &d);
  else if (o->n_calibration_files) st = load_npy(g, o, &d);
  else
    return oct_ir_fail(g, OCT_ERR_INVALID_ARG,
                       "--quantize %s needs calibration data (--calibration X.npy or "
                       "--calibration-dir DIR)",
                       oct_quant_mode_name(o->quantize));
  for (int i = 0; !st && i < d.n_src; i++)
    if (g->tensors[d.src[i].tensor].type != OCT_FLOAT32)
      st = oct_ir_fail(g, OCT_ERR_TYPE, "input '%s' is not float32; only float models "
                       "are calibrated", g->tensors[d.src[i].tensor].name);
  if (st) {
    data_free(&d);
    return st;
  }
  long n = d.samples; /* runs of `batch` samples each */
  const long batch = g->tensors[d.src[0].tensor].dims[0] > 0 ? g->tensors[d.src[0].tensor].dims[0] : 1;
  if (o->calibration_samples > 0 && o->calibration_samples / batch < n)
    n = o->calibration_samples / batch > 0 ? o->calibration_samples / batch : 1;

  out->n = g->n_tensors;
  out->has = calloc((size_t)g->n_tensors, sizeof *out->has);
  out->min = malloc((size_t)g->n_tensors * sizeof *out->min);
  out->max = malloc((size_t)g->n_tensors * sizeof *out->max);
  int *obs = malloc(((size_t)g->n_tensors + 1) * sizeof *obs);
  const float **vals = v ? calloc((size_t)g->n_tensors + 1, sizeof *vals) : NULL;
  int *saved_outputs = g->outputs;
  const int saved_n = g->n_outputs;
  oct_fbb b;
  oct_fbb_init(&b);
  void *arena = NULL;
  double *hist = NULL;
  if (!out->has || !out->min || !out->max || !obs || (v && !vals)) {
    st = oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory for calibration");
    goto done;
  }
  const int n_obs = collect_observed(g, obs);
  if (n_obs < 0) {
    st = oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory for calibration");
    goto done;
  }
  /* Serialize with every observed tensor as a model output. */
  g->outputs = obs;
  g->n_outputs = n_obs;
  st = oct_tflite_serialize(g, &b);
  g->outputs = saved_outputs;
  g->n_outputs = saved_n;
  if (st) goto done;
  oct_error err;
  size_t need = 0;
  oct_interp *it = NULL;
  if ((st = oct_arena_size(oct_fbb_data(&b), oct_fbb_size(&b), NULL, &need, &err)) ||
      posix_memalign(&arena, OCT_ARENA_ALIGN, need ? need : 64) ||
      (st = oct_interp_init(&it, oct_fbb_data(&b), oct_fbb_size(&b), arena, need, NULL, &err))) {
    if (!st) st = OCT_ERR_NO_MEMORY;
    st = oct_ir_fail(g, st, "calibration model: %s", st == OCT_ERR_NO_MEMORY ? "no memory" : err.message);
    goto done;
  }
  for (int t = 0; t < g->n_tensors; t++) {
    out->min[t] = INFINITY;
    out->max[t] = -INFINITY;
  }
  const int hist_pass = o->calibrator != OCT_CALIB_MINMAX;
  for (int pass = 0; pass < 1 + hist_pass; pass++) {
    if (pass == 1) {
      hist = calloc((size_t)n_obs * CALIB_BINS, sizeof *hist);
      if (!hist) {
        st = oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory for calibration histograms");
        goto done;
      }
    }
    for (long i = 0; i < n; i++) {
      progress(o, pass ? "calibrating (histograms)" : "calibrating", i, n);
      if ((st = fill_sample(g, o, &d, it, i))) goto done;
      if (pass == 0)
        for (int s = 0; s < d.n_src; s++)
          (void)observe_minmax(oct_interp_input_data(it, s), d.src[s].elems,
                               &out->min[d.src[s].tensor], &out->max[d.src[s].tensor]);
      if (oct_interp_invoke(it) != OCT_OK) {
        st = oct_ir_fail(g, OCT_ERR_EVAL, "calibration sample %ld: %s", i,
                         oct_interp_error(it));
        goto done;
      }
      for (int k = 0; k < n_obs; k++) {
        const int t = obs[k];
        const float *x = oct_interp_output_data(it, k);
        const size_t elems = (size_t)oct_ir_elems(&g->tensors[t]);
        if (pass == 0) {
          if (!observe_minmax(x, elems, &out->min[t], &out->max[t])) {
            st = oct_ir_fail(g, OCT_ERR_EVAL,
                             "calibration sample %ld: tensor '%s' became NaN or Inf", i,
                             g->tensors[t].name);
            goto done;
          }
          continue;
        }
        const float lo = out->min[t], hi = out->max[t];
        if (!(hi > lo)) continue;
        double *h = hist + (size_t)k * CALIB_BINS;
        const double scale = CALIB_BINS / ((double)hi - (double)lo);
        for (size_t e = 0; e < elems; e++) {
          int bin = (int)(((double)x[e] - lo) * scale);
          h[bin < 0 ? 0 : bin >= CALIB_BINS ? CALIB_BINS - 1 : bin] += 1;
        }
      }
      if (pass == 0 && v) {
        for (int k = 0; k < n_obs; k++) vals[obs[k]] = oct_interp_output_data(it, k);
        for (int s = 0; s < d.n_src; s++) vals[d.src[s].tensor] = oct_interp_input_data(it, s);
        if ((st = v->visit(v->ctx, g, vals, i, n))) goto done;
      }
    }
    progress(o, pass ? "calibrating (histograms)" : "calibrating", n, n);
  }
  for (int k = 0; k < n_obs; k++) out->has[obs[k]] = 1;
  for (int s = 0; s < d.n_src; s++) out->has[d.src[s].tensor] = 1;
  if (hist) {
    unsigned char *full = scores(g);
    if (!full) {
      st = oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory for calibration");
      goto done;
    }
    for (int k = 0; k < n_obs; k++) {
      const int t = obs[k];
      if (full[t]) continue;
      float lo, hi;
      oct_calib_hist_range(hist + (size_t)k * CALIB_BINS, CALIB_BINS, out->min[t], out->max[t],
                           o->calibrator, o->percentile, 0, &lo, &hi);
      out->min[t] = lo;
      out->max[t] = hi;
    }
    free(full);
  }
  out->samples = (int)(n * batch);
done:
  free(hist);
  free(arena);
  free(obs);
  free(vals);
  oct_fbb_free(&b);
  data_free(&d);
  if (st) oct_calib_free(out);
  return st;
}

void oct_calib_free(oct_calib_ranges *r) {
  free(r->has);
  free(r->min);
  free(r->max);
  memset(r, 0, sizeof *r);
}
