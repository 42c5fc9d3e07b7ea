/* Bias correction (bias_corr.h): mean input patches from calibration, and
 * the bias update. */
#include "quant/bias_corr.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "convert/passes/pass_util.h"
#include "kernels/ref/quantize.h"
#include "quant/quantize.h"

int oct_bc_wanted(const oct_convert_options *o) {
  if (o->no_bias_correction) return 0;
  if (!o->calibration_dir && !o->n_calibration_files) return 0;
  switch (o->quantize) {
    case OCT_QUANT_INT8: case OCT_QUANT_INT16X8: case OCT_QUANT_DYNAMIC:
    case OCT_QUANT_WEIGHTS_INT8: case OCT_QUANT_FLOAT16:
      return 1;
    default: return 0;
  }
}

size_t oct_bc_patch_len(const oct_ir_graph *g, const oct_ir_op *o) {
  if (o->dead || o->n_inputs < 2 || o->n_outputs < 1) return 0;
  if (o->code != OCT_OP_CONV_2D && o->code != OCT_OP_DEPTHWISE_CONV_2D &&
      o->code != OCT_OP_FULLY_CONNECTED)
    return 0;
  const int x = o->inputs[0], w = o->inputs[1], y = o->outputs[0];
  if (x < 0 || w < 0 || y < 0) return 0;
  const oct_ir_tensor *xt = &g->tensors[x], *wt = &g->tensors[w], *yt = &g->tensors[y];
  if (xt->type != OCT_FLOAT32 || xt->data || wt->type != OCT_FLOAT32 || !wt->data ||
      yt->type != OCT_FLOAT32)
    return 0;
  if (o->code == OCT_OP_FULLY_CONNECTED) {
    if (wt->rank != 2 || wt->dims[1] <= 0 || xt->rank < 1) return 0;
    const int64_t n = oct_ir_elems(xt);
    return n > 0 && n % wt->dims[1] == 0 ? (size_t)wt->dims[1] : 0;
  }
  if (xt->rank != 4 || wt->rank != 4 || yt->rank != 4) return 0;
  const int32_t ic = xt->dims[3];
  if (o->code == OCT_OP_CONV_2D) {
    /* Grouped convolutions (filter depth below the input's) are left alone. */
    if (wt->dims[3] != ic || wt->dims[0] != yt->dims[3]) return 0;
  } else if (wt->dims[3] != yt->dims[3] || ic <= 0 || yt->dims[3] % ic) {
    return 0;
  }
  return (size_t)wt->dims[1] * (size_t)wt->dims[2] * (size_t)ic;
}

oct_status oct_bc_init(oct_ir_graph *g, oct_bc_means *m) {
  memset(m, 0, sizeof *m);
  m->n_ops = g->n_ops;
  m->sum = calloc((size_t)g->n_ops + 1, sizeof *m->sum);
  m->len = calloc((size_t)g->n_ops + 1, sizeof *m->len);
  m->count = calloc((size_t)g->n_ops + 1, sizeof *m->count);
  if (!m->sum || !m->len || !m->count) goto oom;
  size_t rows = 0;
  for (int i = 0; i < g->n_ops; i++) {
    const size_t n = oct_bc_patch_len(g, &g->ops[i]);
    if (!n) continue;
    m->sum[i] = calloc(n, sizeof *m->sum[i]);
    if (!m->sum[i]) goto oom;
    m->len[i] = n;
    const oct_ir_tensor *x = &g->tensors[g->ops[i].inputs[0]];
    if (g->ops[i].code != OCT_OP_FULLY_CONNECTED && (size_t)x->dims[1] * x->dims[3] > rows)
      rows = (size_t)x->dims[1] * (size_t)x->dims[3];
  }
  m->rows = malloc((rows ? rows : 1) * sizeof *m->rows);
  if (!m->rows) goto oom;
  return OCT_OK;
oom:
  oct_bc_free(m);
  return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory for bias correction");
}

void oct_bc_free(oct_bc_means *m) {
  for (int i = 0; m->sum && i < m->n_ops; i++) free(m->sum[i]);
  free(m->sum);
  free(m->len);
  free(m->count);
  free(m->rows);
  memset(m, 0, sizeof *m);
}

void oct_bc_geom_of(const oct_ir_graph *g, const oct_ir_op *o, oct_bc_geom *q) {
  const oct_ir_tensor *xt = &g->tensors[o->inputs[0]], *wt = &g->tensors[o->inputs[1]],
                      *yt = &g->tensors[o->outputs[0]];
  q->n = xt->dims[0], q->h = xt->dims[1], q->w = xt->dims[2], q->c = xt->dims[3];
  q->kh = wt->dims[1], q->kw = wt->dims[2], q->oh = yt->dims[1], q->ow = yt->dims[2];
  const oct_conv_options *co = &o->opts.conv;
  q->sh = co->stride_h > 0 ? co->stride_h : 1, q->sw = co->stride_w > 0 ? co->stride_w : 1;
  q->dh = co->dilation_h > 0 ? co->dilation_h : 1, q->dw = co->dilation_w > 0 ? co->dilation_w : 1;
  /* TFLite's leading padding (ComputePaddingWithOffset); 0 for VALID. */
  const long tot_h = (long)(q->oh - 1) * q->sh + (long)(q->kh - 1) * q->dh + 1 - q->h,
             tot_w = (long)(q->ow - 1) * q->sw + (long)(q->kw - 1) * q->dw + 1 - q->w;
  q->pt = tot_h > 0 ? (int)(tot_h / 2) : 0, q->pl = tot_w > 0 ? (int)(tot_w / 2) : 0;
}

/* Adds the im2col columns of one convolution run: for each filter tap
 * (ky, kx), the input pixels it meets over all output positions; taps that
 * fall into padding add zeros, so they only count. Separable: first, per
 * kx, each input row's sum over the columns that tap meets (`rows`, H x C
 * float scratch: at most OW terms, vectorizes), then per ky the sum of the rows it meets; about KW + KH*KW/OW
 * passes over the input instead of KH*KW. */
static void add_conv(const oct_ir_graph *g, const oct_ir_op *o, const float *x, double *sum,
                     double *count, float *rows) {
  oct_bc_geom q;
  oct_bc_geom_of(g, o, &q);
  const int n = q.n, h = q.h, w = q.w, c = q.c, kh = q.kh, kw = q.kw, oh = q.oh, ow = q.ow;
  const int sh = q.sh, sw = q.sw, dh = q.dh, dw = q.dw, pt = q.pt, pl = q.pl;
  for (int b = 0; b < n; b++)
    for (int kx = 0; kx < kw; kx++) {
      memset(rows, 0, (size_t)h * (size_t)c * sizeof *rows);
      for (int iy = 0; iy < h; iy++) {
        float *r = rows + (size_t)iy * c;
        for (int ox = 0; ox < ow; ox++) {
          const int ix = ox * sw - pl + kx * dw;
          if (ix < 0 || ix >= w) continue;
          const float *p = x + (((size_t)b * h + iy) * w + ix) * c;
          for (int k = 0; k < c; k++) r[k] += p[k];
        }
      }
      for (int ky = 0; ky < kh; ky++) {
        double *s = sum + ((size_t)ky * kw + kx) * c;
        for (int oy = 0; oy < oh; oy++) {
          const int iy = oy * sh - pt + ky * dh;
          if (iy < 0 || iy >= h) continue;
          const float *r = rows + (size_t)iy * c;
          for (int k = 0; k < c; k++) s[k] += r[k];
        }
      }
    }
  *count += (double)n * oh * ow;
}

static oct_status visit(void *ctx, oct_ir_graph *g, const float *const *vals, long run,
                        long runs) {
  (void)run;
  (void)runs;
  oct_bc_means *m = ctx;
  for (int i = 0; i < m->n_ops && i < g->n_ops; i++) {
    if (!m->sum[i]) continue;
    const oct_ir_op *o = &g->ops[i];
    const float *x = vals[o->inputs[0]];
    if (!x) continue;
    if (o->code == OCT_OP_FULLY_CONNECTED) {
      const size_t in = m->len[i], rows = (size_t)oct_ir_elems(&g->tensors[o->inputs[0]]) / in;
      for (size_t r = 0; r < rows; r++)
        for (size_t k = 0; k < in; k++) m->sum[i][k] += x[r * in + k];
      m->count[i] += (double)rows;
    } else {
      add_conv(g, o, x, m->sum[i], &m->count[i], m->rows);
    }
  }
  return OCT_OK;
}

oct_calib_visitor oct_bc_visitor(oct_bc_means *m) {
  oct_calib_visitor v = {visit, m};
  return v;
}

oct_status oct_bc_collect(oct_ir_graph *g, const oct_convert_options *o, oct_bc_means *m) {
  oct_status st = oct_bc_init(g, m);
  if (st) return st;
  oct_convert_options one = *o;
  one.calibrator = OCT_CALIB_MINMAX; /* no histogram pass: the ranges are unused */
  oct_calib_ranges r;
  const oct_calib_visitor v = oct_bc_visitor(m);
  st = oct_calib_run_visit(g, &one, &r, &v);
  if (!st) oct_calib_free(&r);
  else oct_bc_free(m);
  return st;
}

int oct_bc_shift(const oct_ir_graph *g, int op, const oct_bc_means *m, int orig,
                 const float *wq, double *shift) {
  if (orig < 0 || orig >= m->n_ops || !m->sum[orig] || !(m->count[orig] > 0)) return -1;
  const oct_ir_op *o = &g->ops[op];
  const oct_ir_tensor *wt = &g->tensors[o->inputs[1]];
  const float *w = wt->data;
  const double *sum = m->sum[orig], inv = 1.0 / m->count[orig];
  const size_t len = m->len[orig];
  if (o->code == OCT_OP_DEPTHWISE_CONV_2D) {
    /* Filter [1, KH, KW, OC], output channel oc reads input channel
     * oc / multiplier at every tap. */
    const size_t oc = (size_t)wt->dims[3], taps = (size_t)wt->dims[1] * (size_t)wt->dims[2];
    const size_t ic = len / taps, mult = oc / ic;
    for (size_t c = 0; c < oc; c++) {
      double s = 0;
      for (size_t t = 0; t < taps; t++) {
        const size_t e = t * oc + c;
        s += ((double)wq[e] - (double)w[e]) * sum[t * ic + c / mult];
      }
      shift[c] = s * inv;
    }
    return 0;
  }
  /* CONV_2D [OC, KH, KW, IC] and FULLY_CONNECTED [OC, IN]: one row each. */
  const size_t oc = (size_t)wt->dims[0];
  for (size_t c = 0; c < oc; c++) {
    double s = 0;
    for (size_t k = 0; k < len; k++) {
      const size_t e = c * len + k;
      s += ((double)wq[e] - (double)w[e]) * sum[k];
    }
    shift[c] = s * inv;
  }
  return 0;
}

/* Output channels of op `op` (the bias length). */
static int out_channels(const oct_ir_graph *g, const oct_ir_op *o) {
  const oct_ir_tensor *wt = &g->tensors[o->inputs[1]];
  return o->code == OCT_OP_DEPTHWISE_CONV_2D ? wt->dims[3] : wt->dims[0];
}

oct_status oct_bc_apply(oct_ir_graph *g, int op, const oct_bc_means *m, int orig,
                        const float *wq) {
  if (orig < 0 || orig >= m->n_ops || !m->sum[orig]) return OCT_OK;
  const int oc = out_channels(g, &g->ops[op]);
  double *shift = malloc((size_t)(oc > 0 ? oc : 1) * sizeof *shift);
  if (!shift) return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory for bias correction");
  if (oct_bc_shift(g, op, m, orig, wq, shift)) {
    free(shift);
    return OCT_OK;
  }
  const oct_ir_op *o = &g->ops[op];
  int b = o->n_inputs > 2 ? o->inputs[2] : -1;
  oct_status st = OCT_OK;
  if (b < 0) {
    /* TFLite's bias is optional; a zero one costs 4 bytes a channel. */
    float *z = calloc((size_t)oc, sizeof *z);
    const int32_t dims[1] = {oc};
    b = z ? oct_pu_add_const(g, g->tensors[o->inputs[1]].name, "bias", OCT_FLOAT32, 1, dims, z)
          : -1;
    free(z);
    if (b < 0 || (st = oct_pu_set_input(g, op, 2, b))) {
      free(shift);
      return st ? st : oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory for a bias");
    }
  } else {
    const oct_ir_tensor *bt = &g->tensors[b];
    if (bt->type != OCT_FLOAT32 || !bt->data || oct_ir_elems(bt) != oc) {
      free(shift); /* a bias of another form: left as it is */
      return OCT_OK;
    }
    b = oct_pu_private_const(g, op, 2);
    if (b < 0) {
      free(shift);
      return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory for a bias");
    }
  }
  float *bd = g->tensors[b].data;
  for (int c = 0; c < oc; c++) bd[c] = (float)((double)bd[c] - shift[c]);
  free(shift);
  return OCT_OK;
}

oct_status oct_bc_apply_qw(oct_ir_graph *g, int op, const oct_bc_means *m, int orig,
                           int mode, int axis) {
  if (orig < 0 || orig >= m->n_ops || !m->sum[orig]) return OCT_OK;
  const oct_ir_tensor *wt = &g->tensors[g->ops[op].inputs[1]];
  const size_t n = (size_t)oct_ir_elems(wt);
  const size_t nc = axis >= 0 ? (size_t)wt->dims[axis] : 1;
  float *wq = malloc((n ? n : 1) * sizeof *wq);
  int8_t *q = malloc(n ? n : 1);
  float *sc = malloc(nc * sizeof *sc);
  oct_status st = OCT_OK;
  if (!wq || !q || !sc) {
    st = oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory for bias correction");
    goto done;
  }
  const float *w = wt->data;
  if (mode == OCT_QUANT_FLOAT16) {
    for (size_t e = 0; e < n; e++) wq[e] = oct_f16_to_f32(oct_qw_f32_to_f16(w[e]));
  } else {
    /* The rounding the mode will write: oct_qw_to_int8 is deterministic. */
    if ((st = oct_qw_to_int8(g, wt, axis, q, sc))) goto done;
    size_t inner = 1;
    for (int k = axis + 1; axis >= 0 && k < wt->rank; k++) inner *= (size_t)wt->dims[k];
    for (size_t e = 0; e < n; e++) wq[e] = (float)q[e] * sc[axis < 0 ? 0 : (e / inner) % nc];
  }
  st = oct_bc_apply(g, op, m, orig, wq);
done:
  free(wq);
  free(q);
  free(sc);
  return st;
}
