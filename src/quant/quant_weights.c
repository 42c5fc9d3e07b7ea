/*
 * Weight-only quantization modes (quantize.h):
 *
 *   float16       every constant float32 tensor an op reads becomes FLOAT16
 *                 with a DEQUANTIZE to float32 in front of its readers, as
 *                 TFLite's float16 post-training quantization writes it.
 *   weights-int8  the weights of CONV_2D / DEPTHWISE_CONV_2D /
 *                 FULLY_CONNECTED / TRANSPOSE_CONV with at least
 *                 OCT_QW_MIN_ELEMS elements become int8 symmetric (per
 *                 output channel for convolutions) behind a DEQUANTIZE, as
 *                 TFLite's quantize_weights does without hybrid evaluation.
 *                 Biases stay float32, as there (bias-corrected when
 *                 calibration data is given, bias_corr.h).
 *   dynamic       see quant_dynamic.c (uses the helpers below).
 *
 * The runtime folds a DEQUANTIZE of a constant once at prepare
 * (src/ops/dequantize.c), so both files run at float speed.
 */
#include "quant/quantize.h"
#include "quant/bias_corr.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* float32 -> IEEE half, round to nearest even, with overflow to inf. */
uint16_t oct_qw_f32_to_f16(float f) {
  uint32_t x;
  memcpy(&x, &f, 4);
  const uint32_t sign = (x >> 16) & 0x8000u;
  const uint32_t absx = x & 0x7fffffffu;
  if (absx >= 0x7f800000u) /* inf or nan */
    return (uint16_t)(sign | 0x7c00u | (absx > 0x7f800000u ? 0x200u : 0));
  if (absx >= 0x477ff000u) return (uint16_t)(sign | 0x7c00u); /* rounds to inf */
  if (absx < 0x38800000u) { /* subnormal half (or zero) */
    if (absx < 0x33000000u) return (uint16_t)sign;
    const uint32_t mant = (absx & 0x7fffffu) | 0x800000u;
    const int shift = 126 - (int)(absx >> 23); /* 14..24 */
    uint32_t h = mant >> shift;
    const uint32_t rem = mant & ((1u << shift) - 1), halfway = 1u << (shift - 1);
    if (rem > halfway || (rem == halfway && (h & 1))) h++;
    return (uint16_t)(sign | h);
  }
  uint32_t h = ((absx >> 13) - (112u << 10));
  const uint32_t rem = absx & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1))) h++;
  return (uint16_t)(sign | h);
}

/* Which input of op `o` is a weight for weights-int8, and its channel axis
 * (-1: per tensor). */
static int weight_axis(const oct_ir_op *o, int k, const oct_convert_options *opts) {
  if (k != 1) return -2;
  switch (o->code) {
    case OCT_OP_CONV_2D:
    case OCT_OP_TRANSPOSE_CONV: return opts->per_tensor ? -1 : 0;
    case OCT_OP_DEPTHWISE_CONV_2D: return opts->per_tensor ? -1 : 3;
    case OCT_OP_FULLY_CONNECTED:
      return (opts->per_channel_fc && !opts->per_tensor) ? 0 : -1;
    default: return -2;
  }
}

/* Squared error of channel c (elements (o * ch + c) * inner + i) on the
 * symmetric int8 grid of step s. */
static double grid_error(const float *w, size_t outer, size_t ch, size_t c, size_t inner,
                         float s) {
  double e = 0;
  for (size_t o = 0; o < outer; o++) {
    const float *p = w + (o * ch + c) * inner;
    for (size_t i = 0; i < inner; i++) {
      float r = roundf(p[i] / s);
      r = r > 127.0f ? 127.0f : r < -127.0f ? -127.0f : r;
      const double d = (double)p[i] - (double)s * (double)r;
      e += d * d;
    }
  }
  return e;
}

/* The step for one channel: of max|w| / 127 and the steps that clip the
 * largest 1..30% of that range, the one with the least squared error.
 * Clipping a few outliers buys a finer grid for the rest; on the fixtures
 * this gains 0.2-1.7 dB of output SQNR over TFLite's max / 127 (which the
 * search includes, so it is never worse by this measure). */
float oct_qw_channel_scale(const float *w, size_t outer, size_t ch, size_t c, size_t inner,
                           float maxabs) {
  if (!(maxabs > 0)) return 1.0f;
  const float s0 = maxabs / 127.0f;
  float best_s = s0;
  double best = grid_error(w, outer, ch, c, inner, s0);
  for (int k = 1; k <= 30; k++) {
    const float s = s0 * (1.0f - 0.01f * (float)k);
    const double e = grid_error(w, outer, ch, c, inner, s);
    if (e < best) {
      best = e;
      best_s = s;
    }
  }
  return best_s;
}

/* Symmetric int8 of `n` floats: scale from oct_qw_channel_scale per channel (axis of a
 * tensor with `outer` x `ch` x `inner` layout). */
oct_status oct_qw_to_int8(oct_ir_graph *g, const oct_ir_tensor *src, int axis,
                          int8_t *q, float *scales) {
  const float *w = src->data;
  size_t outer = 1, inner = 1, ch = 1;
  if (axis >= 0) {
    ch = (size_t)src->dims[axis];
    for (int i = 0; i < axis; i++) outer *= (size_t)src->dims[i];
    for (int i = axis + 1; i < src->rank; i++) inner *= (size_t)src->dims[i];
  } else {
    inner = (size_t)oct_ir_elems(src);
  }
  for (size_t c = 0; c < ch; c++) {
    float m = 0;
    for (size_t o = 0; o < outer; o++)
      for (size_t i = 0; i < inner; i++) {
        const float v = w[(o * ch + c) * inner + i];
        if (!isfinite(v))
          return oct_ir_fail(g, OCT_ERR_MODEL, "weights '%s' hold %g", src->name, (double)v);
        if (fabsf(v) > m) m = fabsf(v);
      }
    const float s = oct_qw_channel_scale(w, outer, ch, c, inner, m);
    scales[c] = s;
    for (size_t o = 0; o < outer; o++)
      for (size_t i = 0; i < inner; i++) {
        const size_t j = (o * ch + c) * inner + i;
        long r = lroundf(w[j] / s);
        q[j] = (int8_t)(r > 127 ? 127 : r < -127 ? -127 : r);
      }
  }
  return OCT_OK;
}

/* Makes a quantized copy of constant tensor t and a DEQUANTIZE op (at the
 * front, so the order stays valid) writing a float tensor; returns the
 * float tensor's index, or -1 with g->err set. */
int oct_qw_add_dequantized(oct_ir_graph *g, int t, int mode, int axis) {
  char name[512];
  oct_ir_tensor *src = &g->tensors[t];
  const int64_t n = oct_ir_elems(src);
  const int rank = src->rank;
  int32_t dims[OCT_MAX_RANK];
  memcpy(dims, src->dims, sizeof dims);
  snprintf(name, sizeof name, "%s_%s", src->name, mode == OCT_QUANT_FLOAT16 ? "fp16" : "int8");
  int qt;
  if (mode == OCT_QUANT_FLOAT16) {
    uint16_t *h = malloc((size_t)n * 2 + 2);
    if (!h) return (void)oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory for '%s'", name), -1;
    const float *w = src->data;
    for (int64_t i = 0; i < n; i++) h[i] = oct_qw_f32_to_f16(w[i]);
    qt = oct_ir_add_const(g, name, OCT_FLOAT16, rank, dims, h);
    free(h);
    if (qt < 0) return -1;
  } else {
    const size_t nc = axis >= 0 ? (size_t)dims[axis] : 1;
    int8_t *q = malloc((size_t)n + 1);
    float *sc = malloc(nc * sizeof *sc);
    int64_t *zp = calloc(nc, sizeof *zp);
    oct_status st = (!q || !sc || !zp)
                        ? oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory for '%s'", name)
                        : oct_qw_to_int8(g, src, axis, q, sc);
    qt = st ? -1 : oct_ir_add_const(g, name, OCT_INT8, rank, dims, q);
    if (qt >= 0 && oct_ir_set_quant(g, qt, (int)nc, sc, zp, axis < 0 ? 0 : axis)) qt = -1;
    free(q);
    free(sc);
    free(zp);
    if (qt < 0) return -1;
  }
  src = &g->tensors[t]; /* the tensor array may have moved */
  snprintf(name, sizeof name, "%s", src->name);
  const int ft = oct_ir_add_tensor(g, name, OCT_FLOAT32, rank, dims);
  if (ft < 0) return -1;
  if (oct_ir_insert_op(g, 0, OCT_OP_DEQUANTIZE, 1, &qt, 1, &ft, name) < 0) return -1;
  return ft;
}

/* Whether input k of op o becomes int8 in weights-int8 mode; *axis gets
 * the channel axis. */
static int int8_weight(const oct_ir_graph *g, const oct_ir_op *o, int k,
                       const oct_convert_options *opts, int *axis) {
  const int t = o->inputs[k];
  if (t < 0 || t >= g->n_tensors) return 0;
  const oct_ir_tensor *x = &g->tensors[t];
  if (!x->data || x->type != OCT_FLOAT32 || x->rank < 0 || x->is_output) return 0;
  *axis = weight_axis(o, k, opts);
  return *axis != -2 && oct_ir_elems(x) >= OCT_QW_MIN_ELEMS;
}

/* Bias correction (bias_corr.h) for the weights the main loop will round,
 * done first, while op indices are still those calibration saw. */
static oct_status correct_biases(oct_ir_graph *g, const oct_convert_options *opts) {
  oct_bc_means m;
  oct_status st = oct_bc_collect(g, opts, &m);
  for (int i = 0; i < g->n_ops && !st; i++) {
    const oct_ir_op *o = &g->ops[i];
    int axis;
    if (o->dead || oct_quant_kept_float(g, o, opts->keep_float)) continue;
    /* float16 rounds every constant, int8 only the larger weights. */
    if (opts->quantize == OCT_QUANT_FLOAT16)
      st = oct_bc_apply_qw(g, i, &m, i, OCT_QUANT_FLOAT16, -1);
    else if (o->n_inputs > 1 && int8_weight(g, o, 1, opts, &axis))
      st = oct_bc_apply_qw(g, i, &m, i, OCT_QUANT_WEIGHTS_INT8, axis);
  }
  oct_bc_free(&m);
  return st;
}

oct_status oct_quant_weights(oct_ir_graph *g, const oct_convert_options *opts,
                             oct_convert_report *rep) {
  const int mode = (int)opts->quantize;
  if (oct_bc_wanted(opts)) {
    const oct_status st = correct_biases(g, opts);
    if (st) return st;
  }
  const int n_tensors = g->n_tensors;
  int *repl = malloc(((size_t)n_tensors + 1) * sizeof *repl);
  if (!repl) return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory");
  for (int t = 0; t < n_tensors; t++) repl[t] = -1;
  oct_status st = OCT_OK;
  /* DEQUANTIZE ops go to the front, shifting later ops by one each. */
  const int n0 = g->n_ops;
  int off = 0;
  for (int i0 = 0; i0 < n0 && !st; i0++) {
    if (g->ops[i0 + off].dead || g->ops[i0 + off].code == OCT_OP_DEQUANTIZE) continue;
    if (oct_quant_kept_float(g, &g->ops[i0 + off], opts->keep_float)) continue;
    for (int k = 0; k < g->ops[i0 + off].n_inputs; k++) {
      const oct_ir_op *o = &g->ops[i0 + off];
      const int t = o->inputs[k];
      if (t < 0 || t >= n_tensors) continue;
      const oct_ir_tensor *x = &g->tensors[t];
      if (!x->data || x->type != OCT_FLOAT32 || x->rank < 0 || x->is_output) continue;
      int axis = -1;
      if (mode == OCT_QUANT_WEIGHTS_INT8 && !int8_weight(g, o, k, opts, &axis)) continue;
      if (repl[t] < 0) {
        repl[t] = oct_qw_add_dequantized(g, t, mode, axis);
        if (repl[t] < 0) {
          st = OCT_ERR_MODEL;
          break;
        }
        off++;
      }
      g->ops[i0 + off].inputs[k] = repl[t];
    }
  }
  free(repl);
  if (!st) st = oct_ir_compact(g);
  if (!st) st = oct_ir_verify(g);
  if (!st && rep) rep->float_ops = 0;
  return st;
}
