/*
 * Dynamic range quantization (`--quantize dynamic`, quantize.h): int8
 * weights, float activations, integer arithmetic inside the ops that have
 * hybrid kernels. What is written mirrors TensorFlow Lite's converter
 * (tools/optimize/quantize_weights.cc with its default "updated hybrid
 * scheme"), so that TFLite 2.9 runs the files with its hybrid kernels:
 *
 *   FULLY_CONNECTED    weights int8 symmetric per tensor (TFLite 2.9's
 *                      hybrid FC reads one scale; --per-channel-fc opts
 *                      in for octet and newer TFLite), read directly by
 *                      the op, asymmetric_quantize_inputs = true
 *   CONV_2D            weights int8 per output channel (axis 0), read
 *                      directly; TFLite and octet then quantize each
 *                      input image with a zero point
 *   DEPTHWISE_CONV_2D  weights int8 per channel (axis 3), read directly
 *                      (TFLite's hybrid depthwise needs per-channel)
 *   TRANSPOSE_CONV,    int8 weights behind a DEQUANTIZE (no hybrid kernel
 *   BATCH_MATMUL       in TFLite 2.9 / octet), as weights-int8 does
 *
 * Biases and every other constant stay float32, and so do weight tensors
 * with fewer than OCT_QW_MIN_ELEMS (1024) elements, TFLite's default.
 * `--per-tensor` mirrors TFLite's converter with per-channel disabled:
 * per-tensor conv weights, symmetric input quantization, and depthwise
 * weights dequantized. No calibration data is needed: the ops quantize
 * their inputs at run time (src/kernels/ref/hybrid.h). Given some, it is
 * used for bias correction (bias_corr.h) only.
 */
#include "quant/quantize.h"
#include "quant/bias_corr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { DQ_NONE = 0, DQ_HYBRID = 1, DQ_DEQUANTIZE = 2 };

/* How op o's input k is handled, and the int8 channel axis (-1: per
 * tensor). */
static int plan_input(const oct_ir_op *o, int k, const oct_convert_options *opts,
                      int *axis) {
  const int pc = !opts->per_tensor;
  *axis = -1;
  if (k != 1) return DQ_NONE;
  switch (o->code) {
    case OCT_OP_FULLY_CONNECTED:
      *axis = (opts->per_channel_fc && pc) ? 0 : -1;
      return DQ_HYBRID;
    case OCT_OP_CONV_2D:
      *axis = pc ? 0 : -1;
      return DQ_HYBRID;
    case OCT_OP_DEPTHWISE_CONV_2D:
      *axis = pc ? 3 : -1;
      return pc ? DQ_HYBRID : DQ_DEQUANTIZE;
    case OCT_OP_TRANSPOSE_CONV:
      *axis = pc ? 0 : -1;
      return DQ_DEQUANTIZE;
    case OCT_OP_BATCH_MATMUL: return DQ_DEQUANTIZE;
    default: return DQ_NONE;
  }
}

/* Adds an int8 copy of constant tensor t, quantized along `axis`; returns
 * its index or -1 with g->err set. */
static int add_int8(oct_ir_graph *g, int t, int axis) {
  const oct_ir_tensor *src = &g->tensors[t];
  const int64_t n = oct_ir_elems(src);
  const size_t nc = axis >= 0 ? (size_t)src->dims[axis] : 1;
  char name[512];
  snprintf(name, sizeof name, "%s_int8", src->name);
  int8_t *q = malloc((size_t)n + 1);
  float *sc = malloc(nc * sizeof *sc);
  int64_t *zp = calloc(nc, sizeof *zp);
  int qt = -1;
  oct_status st = (!q || !sc || !zp)
                      ? oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory for '%s'", name)
                      : oct_qw_to_int8(g, src, axis, q, sc);
  if (!st) {
    int32_t dims[OCT_MAX_RANK];
    memcpy(dims, src->dims, sizeof dims);
    qt = oct_ir_add_const(g, name, OCT_INT8, src->rank, dims, q);
  }
  if (qt >= 0 && oct_ir_set_quant(g, qt, (int)nc, sc, zp, axis < 0 ? 0 : axis)) qt = -1;
  free(q);
  free(sc);
  free(zp);
  return qt;
}

/* Bias correction (bias_corr.h) for the weights the main loop will round,
 * done first, while op indices are still those calibration saw. */
static oct_status correct_biases(oct_ir_graph *g, const oct_convert_options *opts) {
  oct_bc_means m;
  oct_status st = oct_bc_collect(g, opts, &m);
  for (int i = 0; i < g->n_ops && !st; i++) {
    const oct_ir_op *o = &g->ops[i];
    if (o->dead || o->n_inputs < 2 || oct_quant_kept_float(g, o, opts->keep_float)) continue;
    const int t = o->inputs[1];
    if (t < 0) continue;
    const oct_ir_tensor *x = &g->tensors[t];
    if (!x->data || x->type != OCT_FLOAT32 || x->rank < 0 || x->is_output) continue;
    int axis;
    if (plan_input(o, 1, opts, &axis) == DQ_NONE || oct_ir_elems(x) < OCT_QW_MIN_ELEMS ||
        axis >= x->rank)
      continue;
    st = oct_bc_apply_qw(g, i, &m, i, OCT_QUANT_WEIGHTS_INT8, axis);
  }
  oct_bc_free(&m);
  return st;
}

typedef struct repl {
  int hybrid, hybrid_axis; /* int8 tensor read directly */
  int dq, dq_axis;         /* float tensor from a DEQUANTIZE */
} repl;

oct_status oct_quant_dynamic(oct_ir_graph *g, const oct_convert_options *opts,
                             oct_convert_report *rep) {
  if (oct_bc_wanted(opts)) {
    const oct_status st = correct_biases(g, opts);
    if (st) return st;
  }
  const int n_tensors = g->n_tensors;
  repl *r = malloc(((size_t)n_tensors + 1) * sizeof *r);
  if (!r) return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory");
  for (int t = 0; t < n_tensors; t++) r[t] = (repl){-1, -2, -1, -2};
  oct_status st = OCT_OK;
  int hybrid_ops = 0;
  /* DEQUANTIZE ops go to the front, shifting later ops by one each. */
  const int n0 = g->n_ops;
  int off = 0;
  for (int i0 = 0; i0 < n0 && !st; i0++) {
    if (g->ops[i0 + off].dead || g->ops[i0 + off].code == OCT_OP_DEQUANTIZE) continue;
    if (oct_quant_kept_float(g, &g->ops[i0 + off], opts->keep_float)) continue;
    int made_hybrid = 0;
    for (int k = 0; k < g->ops[i0 + off].n_inputs && !st; k++) {
      oct_ir_op *o = &g->ops[i0 + off];
      const int t = o->inputs[k];
      if (t < 0 || t >= n_tensors) continue;
      const oct_ir_tensor *x = &g->tensors[t];
      if (!x->data || x->type != OCT_FLOAT32 || x->rank < 0 || x->is_output) continue;
      int axis;
      const int how = plan_input(o, k, opts, &axis);
      if (how == DQ_NONE || oct_ir_elems(x) < OCT_QW_MIN_ELEMS) continue;
      if (axis >= x->rank) continue;
      int nt;
      if (how == DQ_HYBRID) {
        if (r[t].hybrid < 0 || r[t].hybrid_axis != axis) {
          r[t].hybrid = add_int8(g, t, axis);
          r[t].hybrid_axis = axis;
        }
        nt = r[t].hybrid;
      } else {
        if (r[t].dq < 0 || r[t].dq_axis != axis) {
          r[t].dq = oct_qw_add_dequantized(g, t, OCT_QUANT_WEIGHTS_INT8, axis);
          r[t].dq_axis = axis;
          if (r[t].dq >= 0) off++;
        }
        nt = r[t].dq;
      }
      if (nt < 0) {
        st = OCT_ERR_MODEL;
        break;
      }
      o = &g->ops[i0 + off];
      o->inputs[k] = nt;
      if (how == DQ_HYBRID) made_hybrid = 1;
    }
    if (made_hybrid) {
      oct_ir_op *o = &g->ops[i0 + off];
      hybrid_ops++;
      o->version = 0;
      if (o->code == OCT_OP_FULLY_CONNECTED)
        o->opts.fc.asymmetric_quantize_inputs = !opts->per_tensor;
    }
  }
  free(r);
  if (!st) st = oct_ir_compact(g);
  if (!st) st = oct_ir_verify(g);
  if (!st && rep) rep->float_ops = 0;
  (void)hybrid_ops;
  return st;
}
