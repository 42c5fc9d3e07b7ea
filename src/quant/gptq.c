/* GPTQ weight rounding (gptq.h): input second moments from calibration,
 * then per output row a rounding that compensates each error in the
 * weights still to be rounded. */
#include "quant/gptq.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "quant/bias_corr.h"

/* Patches wanted per op: enough for a well-conditioned estimate of a k x k
 * moment (a few k), bounded so that the rank-1 updates (k^2 / 2 each) cost
 * well under the calibration runs themselves. */
static long patch_cap(size_t k, int depthwise) {
  if (depthwise) return 1024;
  const long c = 4 * (long)k + 256;
  return c < 4096 ? c : 4096;
}

int oct_gq_wanted(const oct_convert_options *o) {
  if (!o->calibration_dir && !o->n_calibration_files) return 0;
  if (o->quantize != OCT_QUANT_INT8 && o->quantize != OCT_QUANT_INT16X8) return 0;
  if (o->rounding == OCT_WROUND_DEFAULT) return o->quantize == OCT_QUANT_INT16X8;
  return o->rounding == OCT_WROUND_GPTQ;
}

oct_status oct_gq_init(oct_ir_graph *g, oct_gq_stats *s) {
  memset(s, 0, sizeof *s);
  s->n_ops = g->n_ops;
  const size_t n = (size_t)g->n_ops + 1;
  s->h = calloc(n, sizeof *s->h);
  s->k = calloc(n, sizeof *s->k);
  s->groups = calloc(n, sizeof *s->groups);
  s->seen = calloc(n, sizeof *s->seen);
  s->cap = calloc(n, sizeof *s->cap);
  if (!s->h || !s->k || !s->groups || !s->seen || !s->cap) goto oom;
  size_t scratch = 1;
  for (int i = 0; i < g->n_ops; i++) {
    const oct_ir_op *o = &g->ops[i];
    const size_t len = oct_bc_patch_len(g, o);
    if (!len) continue;
    size_t k = len, groups = 1;
    const int dw = o->code == OCT_OP_DEPTHWISE_CONV_2D;
    if (dw) {
      const oct_ir_tensor *wt = &g->tensors[o->inputs[1]];
      k = (size_t)wt->dims[1] * (size_t)wt->dims[2];
      groups = len / k;
    }
    if (k > OCT_GQ_MAX_K || k < 2) continue;
    s->h[i] = calloc(groups * k * k, sizeof *s->h[i]);
    if (!s->h[i]) goto oom;
    s->k[i] = k;
    s->groups[i] = groups;
    s->cap[i] = patch_cap(k, dw);
    if (groups * k > scratch) scratch = groups * k;
  }
  s->patch = malloc(scratch * sizeof *s->patch);
  if (!s->patch) goto oom;
  return OCT_OK;
oom:
  oct_gq_free(s);
  return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory for GPTQ statistics");
}

void oct_gq_free(oct_gq_stats *s) {
  for (int i = 0; s->h && i < s->n_ops; i++) free(s->h[i]);
  free(s->h);
  free(s->k);
  free(s->groups);
  free(s->seen);
  free(s->cap);
  free(s->patch);
  memset(s, 0, sizeof *s);
}

/* h += x x^T on the upper triangle; zero inputs (ReLU outputs, padding)
 * add nothing, so they are skipped. Float sums of at most a few thousand
 * patches are far more exact than the 1% damping needs, and twice as many
 * fit a vector. */
static void rank1(float *restrict h, const float *restrict x, size_t k) {
  for (size_t i = 0; i < k; i++) {
    const float xi = x[i];
    if (xi == 0) continue;
    float *restrict r = h + i * k;
    for (size_t j = i; j < k; j++) r[j] += xi * x[j];
  }
}

/* Input patch of a convolution at output position p (image, row, column),
 * in the filter's (ky, kx, c) order, zeros in the padding. Depthwise
 * patches are stored channel-major: patch[c * taps + tap]. */
static void conv_patch(const oct_bc_geom *q, const float *x, long p, int depthwise, float *out) {
  const long per = (long)q->oh * q->ow;
  const int b = (int)(p / per), oy = (int)(p % per / q->ow), ox = (int)(p % q->ow);
  const int taps = q->kh * q->kw;
  for (int ky = 0; ky < q->kh; ky++)
    for (int kx = 0; kx < q->kw; kx++) {
      const int iy = oy * q->sh - q->pt + ky * q->dh, ix = ox * q->sw - q->pl + kx * q->dw;
      const int t = ky * q->kw + kx;
      const int in = iy >= 0 && iy < q->h && ix >= 0 && ix < q->w;
      const float *src = in ? x + (((size_t)b * q->h + iy) * q->w + ix) * q->c : NULL;
      if (depthwise) {
        for (int c = 0; c < q->c; c++) out[(size_t)c * taps + t] = in ? src[c] : 0.0f;
      } else {
        float *d = out + (size_t)t * q->c;
        if (in) memcpy(d, src, (size_t)q->c * sizeof *d);
        else memset(d, 0, (size_t)q->c * sizeof *d);
      }
    }
}

void oct_gq_add(oct_gq_stats *s, const oct_ir_graph *g, const float *const *vals, long run,
                long runs) {
  for (int i = 0; i < s->n_ops && i < g->n_ops; i++) {
    if (!s->h[i] || s->seen[i] >= s->cap[i]) continue;
    const oct_ir_op *o = &g->ops[i];
    const float *x = vals[o->inputs[0]];
    if (!x) continue;
    const size_t k = s->k[i];
    const int dw = o->code == OCT_OP_DEPTHWISE_CONV_2D, fc = o->code == OCT_OP_FULLY_CONNECTED;
    oct_bc_geom q;
    long total;
    if (fc) {
      total = (long)((size_t)oct_ir_elems(&g->tensors[o->inputs[0]]) / k);
    } else {
      oct_bc_geom_of(g, o, &q);
      total = (long)q.n * q.oh * q.ow;
    }
    if (total <= 0) continue;
    /* This run's share of what is still wanted, spread evenly over its
     * positions with an offset that moves from run to run. */
    const long left = runs > run ? runs - run : 1;
    long want = (s->cap[i] - s->seen[i] + left - 1) / left;
    if (want > total) want = total;
    if (want < 1) want = 1;
    const double step = (double)total / (double)want;
    const double off = fmod((double)run * 0.6180339887, 1.0) * step;
    for (long j = 0; j < want; j++) {
      long p = (long)(off + (double)j * step);
      if (p >= total) p = total - 1;
      if (fc) {
        rank1(s->h[i], x + (size_t)p * k, k);
      } else {
        conv_patch(&q, x, p, dw, s->patch);
        for (size_t gi = 0; gi < s->groups[i]; gi++)
          rank1(s->h[i] + gi * k * k, s->patch + gi * k, k);
      }
    }
    s->seen[i] += want;
  }
}

/* In-place lower Cholesky factor of the symmetric positive definite a
 * (n x n, lower triangle read and written). Returns 0, or -1 when a is
 * not positive definite. */
static int cholesky(double *a, size_t n) {
  for (size_t j = 0; j < n; j++) {
    double d = a[j * n + j];
    for (size_t k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0)) return -1;
    d = sqrt(d);
    a[j * n + j] = d;
    for (size_t i = j + 1; i < n; i++) {
      double v = a[i * n + j];
      const double *ri = a + i * n, *rj = a + j * n;
      for (size_t k = 0; k < j; k++) v -= ri[k] * rj[k];
      a[i * n + j] = v / d;
    }
  }
  return 0;
}

/* u = the upper Cholesky factor of a^-1 (a symmetric positive definite,
 * full): a = L L^T, a^-1 = L^-T L^-1, whose upper factor U (a^-1 = U^T U)
 * is what GPTQ's error propagation reads. `t` is n x n scratch. */
static int inverse_upper(const double *a, size_t n, double *u, double *t) {
  memcpy(t, a, n * n * sizeof *t);
  if (cholesky(t, n)) return -1;
  /* Linv (lower) into u's lower triangle. */
  memset(u, 0, n * n * sizeof *u);
  for (size_t j = 0; j < n; j++) {
    u[j * n + j] = 1.0 / t[j * n + j];
    for (size_t i = j + 1; i < n; i++) {
      double v = 0;
      for (size_t k = j; k < i; k++) v -= t[i * n + k] * u[k * n + j];
      u[i * n + j] = v / t[i * n + i];
    }
  }
  /* a^-1 = Linv^T Linv into t (full). */
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j <= i; j++) {
      double v = 0;
      for (size_t k = i; k < n; k++) v += u[k * n + i] * u[k * n + j];
      t[i * n + j] = t[j * n + i] = v;
    }
  if (cholesky(t, n)) return -1;
  /* U = (lower factor)^T. */
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++) u[i * n + j] = j >= i ? t[j * n + i] : 0.0;
  return 0;
}

typedef struct gq_order {
  const float *d;
  size_t i;
} gq_order;

static int by_diag_desc(const void *a, const void *b) {
  const gq_order *x = a, *y = b;
  if (x->d[x->i] != y->d[y->i]) return x->d[x->i] < y->d[y->i] ? 1 : -1;
  return x->i < y->i ? -1 : x->i > y->i;
}

/* Rounds `rows` rows of k weights (row r's element j at w[r * rs + j * es],
 * scale sc[r * ss]) with one moment block h. Returns 1, 0 when the moment
 * is unusable, -1 when out of memory. */
static int round_rows(const float *h, size_t k, const float *w, size_t rows, size_t rs,
                      size_t es, const float *sc, size_t ss, int lo, int8_t *q) {
  double *a = malloc(k * k * sizeof *a), *u = malloc(k * k * sizeof *u),
         *t = malloc(k * k * sizeof *t), *row = malloc(k * sizeof *row);
  gq_order *ord = malloc(k * sizeof *ord);
  size_t *perm = malloc(k * sizeof *perm);
  int ret = -1;
  if (!a || !u || !t || !row || !ord || !perm) goto done;
  double diag = 0;
  size_t live = 0;
  for (size_t i = 0; i < k; i++)
    if (h[i * k + i] > 0) {
      diag += h[i * k + i];
      live++;
    }
  ret = 0;
  if (!live) goto done;
  diag /= (double)live;
  /* Largest second moments first ("act order"): their weights matter most
   * and get the most freedom to absorb the others' errors. */
  for (size_t i = 0; i < k; i++) ord[i] = (gq_order){h, i * k + i};
  qsort(ord, k, sizeof *ord, by_diag_desc);
  for (size_t i = 0; i < k; i++) perm[i] = ord[i].i / (k + 1);
  /* Inputs that were always zero get a unit moment: their weights never
   * matter, and the matrix stays invertible. Damping of 1% of the mean
   * diagonal (GPTQ's) keeps the estimate from a few patches stable; more
   * when the factorization still fails. */
  int ok = 0;
  for (double damp = 0.01; damp <= 10.0 && !ok; damp *= 10.0) {
    for (size_t i = 0; i < k; i++)
      for (size_t j = 0; j < k; j++) {
        const size_t pi = perm[i], pj = perm[j];
        double v = pi <= pj ? h[pi * k + pj] : h[pj * k + pi];
        if (i == j) v = (v > 0 ? v : diag) + damp * diag;
        a[i * k + j] = v;
      }
    ok = inverse_upper(a, k, u, t) == 0;
  }
  if (!ok) goto done;
  for (size_t r = 0; r < rows; r++) {
    const double s = sc[r * ss];
    for (size_t i = 0; i < k; i++) row[i] = w[r * rs + perm[i] * es];
    for (size_t i = 0; i < k; i++) {
      double v = nearbyint(row[i] / s);
      v = v < lo ? lo : v > 127 ? 127 : v;
      q[r * rs + perm[i] * es] = (int8_t)v;
      const double e = (row[i] - v * s) / u[i * k + i];
      const double *ur = u + i * k;
      for (size_t j = i + 1; j < k; j++) row[j] -= e * ur[j];
    }
  }
  ret = 1;
done:
  free(a);
  free(u);
  free(t);
  free(row);
  free(ord);
  free(perm);
  return ret;
}

int oct_gq_round(const oct_gq_stats *s, const oct_ir_graph *g, int op, int orig, const float *w,
                 const float *sc, int axis, int lo, int8_t *q) {
  if (orig < 0 || orig >= s->n_ops || !s->h[orig] || s->seen[orig] <= 0) return 0;
  const oct_ir_op *o = &g->ops[op];
  const oct_ir_tensor *wt = &g->tensors[o->inputs[1]];
  const size_t k = s->k[orig];
  if (o->code == OCT_OP_DEPTHWISE_CONV_2D) {
    /* Filter [1, KH, KW, OC]: output channel c reads input channel
     * c / multiplier at tap t, element t * OC + c. */
    const size_t oc = (size_t)wt->dims[3], ic = s->groups[orig];
    if ((size_t)wt->dims[1] * (size_t)wt->dims[2] != k || !ic || oc % ic) return 0;
    const size_t mult = oc / ic;
    for (size_t c = 0; c < oc; c++) {
      const int r = round_rows(s->h[orig] + (c / mult) * k * k, k, w + c, 1, 0, oc,
                               sc + (axis < 0 ? 0 : c), 0, lo, q + c);
      /* an unusable block (a dead channel) keeps the nearest rounding */
      if (r < 0) return -1;
    }
    return 1;
  }
  const size_t oc = (size_t)wt->dims[0];
  if ((size_t)oct_ir_elems(wt) != oc * k) return 0;
  return round_rows(s->h[orig], k, w, oc, k, 1, sc, axis < 0 ? 0 : 1, lo, q);
}
