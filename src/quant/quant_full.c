/*
 * Full-integer quantization (modes int8 and int16x8), per the TFLite
 * quantization spec:
 *  - activations: int8 asymmetric per tensor (int16x8: int16 symmetric,
 *    zero point 0), from calibrated ranges widened to contain 0;
 *  - CONV_2D / DEPTHWISE_CONV_2D / TRANSPOSE_CONV weights: int8 symmetric
 *    per output channel (range [-127, 127]); FULLY_CONNECTED per tensor
 *    unless --per-channel-fc; --per-tensor makes all per tensor;
 *  - bias: int32 (int16x8: int64), scale input_scale * weight_scale, zero
 *    point 0; a channel whose bias would overflow int32 gets a larger
 *    weight scale, as TFLite's quantizer does;
 *  - ops whose int8 kernels do not rescale (pooling, reshape-like and
 *    data-movement ops, concatenation, min/max, pad) share one scale
 *    between inputs and outputs; SOFTMAX / LOGISTIC / TANH outputs take the
 *    fixed scales TFLite's kernels require.
 * Ops octet cannot run in integer, and ops named in --keep-float, stay in
 * float with DEQUANTIZE / QUANTIZE around them. Model inputs and outputs
 * stay float32 (QUANTIZE / DEQUANTIZE at the edges) unless io_type says
 * int8 or uint8 (int16 for int16x8).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/passes/pass_util.h"
#include "quant/bias_corr.h"
#include "quant/gptq.h"
#include "quant/calib.h"
#include "quant/quantize.h"

/* Where a tensor's values live: float, the quantized type, or uint8 (the
 * model edge of a --io uint8 int8 model). */
enum { DOM_FLOAT = 0, DOM_Q = 1, DOM_U8 = 2 };

typedef struct qstate {
  oct_ir_graph *g;
  const oct_convert_options *o;
  int int16;              /* int16x8 mode */
  oct_calib_ranges r;
  oct_bc_means bc;        /* bias correction's input means (sum NULL: off) */
  oct_gq_stats gq;        /* GPTQ's input moments (h NULL: nearest rounding) */
  double *sm_low;         /* per SOFTMAX op: the lowest row maximum of its
                             input over calibration (NULL: none) */
  int n;                  /* tensor count before any insertion */
  int *quant_op;          /* per op: runs quantized */
  int *parent;            /* union-find over tensors: shared scale */
  float *scale;           /* per tensor, after solve */
  int64_t *zp;
  int *fixed;             /* per tensor: fixed output params */
  int *dom;               /* per tensor (grows) */
  int *twin[3];           /* per tensor: converted copy per domain, or -1 */
  int cap;
  int conflicts;          /* same-scale groups joining two fixed params */
  unsigned *requant;      /* per op: input slots requantized to its output */
  int regridded;          /* per-tensor weights that lost a per-row grid */
} qstate;

/* Ops with integer kernels in octet's runtime, for int8 and int16x8. */
static int runs_int8(int code) {
  switch (code) {
    case OCT_OP_CONV_2D: case OCT_OP_DEPTHWISE_CONV_2D: case OCT_OP_FULLY_CONNECTED:
    case OCT_OP_TRANSPOSE_CONV: case OCT_OP_ADD: case OCT_OP_SUB: case OCT_OP_MUL:
    case OCT_OP_AVERAGE_POOL_2D: case OCT_OP_MAX_POOL_2D: case OCT_OP_MEAN:
    case OCT_OP_RESHAPE: case OCT_OP_SQUEEZE: case OCT_OP_EXPAND_DIMS:
    case OCT_OP_SOFTMAX: case OCT_OP_LOGISTIC: case OCT_OP_TANH: case OCT_OP_RELU:
    case OCT_OP_RELU6: case OCT_OP_LEAKY_RELU: case OCT_OP_HARD_SWISH:
    case OCT_OP_CONCATENATION: case OCT_OP_PAD: case OCT_OP_PADV2: case OCT_OP_MINIMUM:
    case OCT_OP_MAXIMUM: case OCT_OP_TRANSPOSE: case OCT_OP_STRIDED_SLICE: case OCT_OP_SLICE:
    case OCT_OP_SPLIT: case OCT_OP_RESIZE_BILINEAR: case OCT_OP_RESIZE_NEAREST_NEIGHBOR:
    case OCT_OP_DEPTH_TO_SPACE:
      return 1;
    default:
      return 0;
  }
}

static int runs_int16(int code) {
  switch (code) {
    case OCT_OP_FULLY_CONNECTED: case OCT_OP_TRANSPOSE_CONV: case OCT_OP_RELU:
    case OCT_OP_RELU6: case OCT_OP_TRANSPOSE: case OCT_OP_SLICE: case OCT_OP_STRIDED_SLICE:
    case OCT_OP_SPLIT: case OCT_OP_RESIZE_BILINEAR: case OCT_OP_RESIZE_NEAREST_NEIGHBOR:
    case OCT_OP_CONV_2D: case OCT_OP_DEPTHWISE_CONV_2D: case OCT_OP_ADD: case OCT_OP_SUB:
    case OCT_OP_MUL: case OCT_OP_AVERAGE_POOL_2D: case OCT_OP_MAX_POOL_2D: case OCT_OP_MEAN:
    case OCT_OP_RESHAPE: case OCT_OP_SQUEEZE: case OCT_OP_EXPAND_DIMS: case OCT_OP_SOFTMAX:
    case OCT_OP_LOGISTIC: case OCT_OP_TANH: case OCT_OP_CONCATENATION: case OCT_OP_PAD:
    case OCT_OP_MINIMUM: case OCT_OP_MAXIMUM: case OCT_OP_LEAKY_RELU:
      return 1;
    default:
      return 0;
  }
}

/* Ops whose integer kernels need input and output to share parameters. */
static int same_scale_op(int code) {
  switch (code) {
    case OCT_OP_AVERAGE_POOL_2D: case OCT_OP_MAX_POOL_2D: case OCT_OP_RESHAPE:
    case OCT_OP_SQUEEZE: case OCT_OP_EXPAND_DIMS: case OCT_OP_CONCATENATION:
    case OCT_OP_PAD: case OCT_OP_PADV2: case OCT_OP_MINIMUM: case OCT_OP_MAXIMUM:
    case OCT_OP_TRANSPOSE: case OCT_OP_STRIDED_SLICE: case OCT_OP_SLICE: case OCT_OP_SPLIT:
    case OCT_OP_RESIZE_BILINEAR: case OCT_OP_RESIZE_NEAREST_NEIGHBOR:
    case OCT_OP_DEPTH_TO_SPACE:
      return 1;
    default:
      return 0;
  }
}

/* Input slots that hold weights (quantized symmetric) and bias. */
static void weight_slots(int code, int *w, int *b, int *x) {
  *w = *b = -1;
  *x = 0;
  if (code == OCT_OP_CONV_2D || code == OCT_OP_DEPTHWISE_CONV_2D ||
      code == OCT_OP_FULLY_CONNECTED) {
    *w = 1;
    *b = 2;
  } else if (code == OCT_OP_TRANSPOSE_CONV) {
    *w = 1;
    *b = 3;
    *x = 2;
  }
}

/* Whether `name` is in the comma-separated list. */
static int find(qstate *s, int t) {
  while (s->parent[t] != t) t = s->parent[t] = s->parent[s->parent[t]];
  return t;
}


static int is_float_act(const oct_ir_graph *g, int t) {
  return t >= 0 && g->tensors[t].type == OCT_FLOAT32 && !g->tensors[t].data;
}

static int is_float_const(const oct_ir_graph *g, int t) {
  return t >= 0 && g->tensors[t].type == OCT_FLOAT32 && g->tensors[t].data;
}

/* Range of a float constant's data. */
static void const_range(const oct_ir_tensor *t, float *mn, float *mx) {
  const float *d = t->data;
  const size_t n = t->bytes / sizeof(float);
  *mn = INFINITY;
  *mx = -INFINITY;
  for (size_t i = 0; i < n; i++) {
    if (d[i] < *mn) *mn = d[i];
    if (d[i] > *mx) *mx = d[i];
  }
  if (!n) *mn = *mx = 0;
}

/* Activation parameters for a range (widened to contain 0). */
/*
 * The smallest activation scale written. TFLite's kernels quantize a fused
 * activation's bounds (RELU6's 6.0) to int32 at prepare and refuse the
 * model when that overflows, which a vanishing activation (a randomly
 * initialized network's late layers: ranges of 1e-7) would make happen:
 * 6 / 1e-8 still fits. Only tensors whose whole range is below 2.6e-6
 * (int8) or 3.3e-4 (int16) are affected.
 */
#define OCT_MIN_ACT_SCALE 1e-8f

static void act_params(int int16, float mn, float mx, float *scale, int64_t *zp) {
  if (mn > 0) mn = 0;
  if (mx < 0) mx = 0;
  if (int16) {
    const float m = fmaxf(-mn, mx);
    *scale = m > 0 ? fmaxf(m / 32767.0f, OCT_MIN_ACT_SCALE) : 1.0f;
    *zp = 0;
    return;
  }
  if (!(mx > mn)) {
    *scale = 1.0f;
    *zp = -128;
    return;
  }
  *scale = fmaxf((mx - mn) / 255.0f, OCT_MIN_ACT_SCALE);
  double z = round(-128.0 - (double)mn / *scale);
  *zp = (int64_t)(z < -128 ? -128 : z > 127 ? 127 : z);
}

static oct_status grow(qstate *s) {
  const int need = s->g->n_tensors + 4;
  if (need <= s->cap) return OCT_OK;
  int cap = s->cap * 2 > need ? s->cap * 2 : need;
  int *d = realloc(s->dom, (size_t)cap * sizeof *d);
  if (!d) return oct_ir_fail(s->g, OCT_ERR_NO_MEMORY, "no memory");
  s->dom = d;
  for (int k = 0; k < 3; k++) {
    int *t = realloc(s->twin[k], (size_t)cap * sizeof *t);
    if (!t) return oct_ir_fail(s->g, OCT_ERR_NO_MEMORY, "no memory");
    s->twin[k] = t;
    for (int i = s->cap; i < cap; i++) t[i] = -1;
  }
  for (int i = s->cap; i < cap; i++) s->dom[i] = DOM_FLOAT;
  s->cap = cap;
  return OCT_OK;
}

/* Sets tensor t to the quantized type with its solved parameters. */
static oct_status set_q(qstate *s, int t, int dom) {
  oct_ir_tensor *x = &s->g->tensors[t];
  const float scale = s->scale[t];
  int64_t zp = s->zp[t];
  if (dom == DOM_U8) {
    x->type = OCT_UINT8;
    zp += 128;
  } else {
    x->type = s->int16 ? OCT_INT16 : OCT_INT8;
  }
  return oct_ir_set_quant(s->g, t, 1, &scale, &zp, 0);
}

/* Quantizes a float constant per tensor with parameters (scale, zp). */
static oct_status quantize_const_act(qstate *s, int t, float scale, int64_t zp) {
  oct_ir_graph *g = s->g;
  const oct_ir_tensor *x = &g->tensors[t];
  const size_t n = x->bytes / sizeof(float);
  const int esz = s->int16 ? 2 : 1;
  void *q = malloc(n ? n * esz : 1);
  if (!q) return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory");
  const float *d = x->data;
  const double lo = s->int16 ? -32768 : -128, hi = s->int16 ? 32767 : 127;
  for (size_t i = 0; i < n; i++) {
    double v = round((double)d[i] / scale) + (double)zp;
    v = v < lo ? lo : v > hi ? hi : v;
    if (s->int16) ((int16_t *)q)[i] = (int16_t)v;
    else ((int8_t *)q)[i] = (int8_t)v;
  }
  oct_status st = oct_ir_set_data(g, t, q, n * esz, 1);
  if (st) return st;
  g->tensors[t].type = s->int16 ? OCT_INT16 : OCT_INT8;
  return oct_ir_set_quant(g, t, 1, &scale, &zp, 0);
}

/* Whether each of `rows` rows of w (n values) lies on an integer grid of
 * its own (max / k, k in [64, 128]). */
static int rows_on_grid(const float *w, size_t n, size_t rows) {
  if (!rows || n % rows) return 0;
  const size_t len = n / rows;
  if (len < 2) return 0;
  for (size_t r = 0; r < rows; r++) {
    const float *x = w + r * len;
    double mx = 0;
    for (size_t i = 0; i < len; i++) mx = fmax(mx, fabs((double)x[i]));
    if (!(mx > 0)) continue;
    int found = 0;
    for (int k = 128; k >= 64 && !found; k--) {
      int ok = 1;
      for (size_t i = 0; ok && i < len; i++) {
        const double v = (double)x[i] * k / mx;
        ok = fabs(v - nearbyint(v)) <= 1e-3;
      }
      found = ok;
    }
    if (!found) return 0;
  }
  return 1;
}

/* Weights (int8 symmetric, per channel along `axis` or per tensor when
 * axis < 0) and the bias of one op, which was op `orig` when calibrated. */
static oct_status quantize_weights(qstate *s, int op_i, int orig, int wslot, int bslot,
                                   int xslot) {
  oct_ir_graph *g = s->g;
  int w = oct_pu_private_const(g, op_i, wslot);
  if (w < 0) return g->err.message[0] ? OCT_ERR_NO_MEMORY : OCT_ERR_INTERNAL;
  const int code = g->ops[op_i].code;
  const int x = g->ops[op_i].inputs[xslot];
  const float in_scale = s->scale[x];
  oct_ir_tensor *wt = &g->tensors[w];
  int axis = code == OCT_OP_DEPTHWISE_CONV_2D ? 3 : 0;
  if (s->o->per_tensor || (code == OCT_OP_FULLY_CONNECTED && !s->o->per_channel_fc)) axis = -1;
  const int channels = axis < 0 ? 1 : wt->dims[axis];
  const size_t n = wt->bytes / sizeof(float);
  if (channels <= 0 || n % (size_t)channels)
    return oct_ir_fail(g, OCT_ERR_SHAPE, "op '%s': weights '%s' do not split into %d channels",
                       g->ops[op_i].name ? g->ops[op_i].name : "", wt->name, channels);
  /* Element e belongs to channel (e / inner) % channels. */
  size_t inner = 1;
  for (int k = axis + 1; axis >= 0 && k < wt->rank; k++) inner *= (size_t)wt->dims[k];
  int *grid = NULL;
  float *sc = calloc((size_t)channels, sizeof *sc);
  int64_t *zps = calloc((size_t)channels, sizeof *zps);
  int8_t *q = malloc(n ? n : 1);
  const float *wd = wt->data;
  int b = bslot < g->ops[op_i].n_inputs ? g->ops[op_i].inputs[bslot] : -1;
  oct_status st = OCT_OK;
  if (!sc || !zps || !q) {
    st = oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory");
    goto done;
  }
  for (size_t e = 0; e < n; e++) {
    const int c = axis < 0 ? 0 : (int)((e / inner) % (size_t)channels);
    const float a = fabsf(wd[e]);
    if (a > sc[c]) sc[c] = a;
  }
  const float *bd = NULL;
  if (b >= 0 && is_float_const(g, b)) {
    b = oct_pu_private_const(g, op_i, bslot);
    if (b < 0) {
      st = OCT_ERR_NO_MEMORY;
      goto done;
    }
    bd = g->tensors[b].data;
    if (g->tensors[b].bytes / sizeof(float) != (size_t)(axis < 0 ? g->tensors[b].dims[0] : channels) &&
        axis >= 0) {
      st = oct_ir_fail(g, OCT_ERR_SHAPE, "op '%s': bias '%s' does not match %d channels",
                       g->ops[op_i].name ? g->ops[op_i].name : "", g->tensors[b].name, channels);
      goto done;
    }
  }
  /* A channel that is already on an integer grid (fake-quantized QAT
   * weights, or integer weights through DequantizeLinear) keeps it: its
   * scale is max / k for the largest k in [1, 128] that puts every value
   * on an integer in [-128, 127] (k = 128 only when the extreme is
   * negative, PyTorch's symmetric [-128, 127]), so the trainer's integers
   * and scales come back exactly. Other channels get TFLite's max / 127.
   * Float weights fail the test at their first few values. */
  grid = calloc((size_t)channels, sizeof *grid);
  if (!grid) {
    st = oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory");
    goto done;
  }
  {
    unsigned char *neg = calloc((size_t)channels, 1);
    if (!neg) {
      st = oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory");
      goto done;
    }
    for (size_t e = 0; e < n; e++) {
      const int c = axis < 0 ? 0 : (int)((e / inner) % (size_t)channels);
      if (sc[c] > 0 && wd[e] == -sc[c]) neg[c] = 1;
    }
    for (int c = 0; c < channels; c++) {
      if (!(sc[c] > 0)) continue;
      for (int k = neg[c] ? 128 : 127; k >= 1 && !grid[c]; k--) {
        int ok = 1;
        /* the channel's elements: e = (j * channels + c) * inner + i */
        const size_t outer = axis < 0 ? 1 : n / ((size_t)channels * inner);
        for (size_t j = 0; ok && j < outer; j++)
          for (size_t i = 0; ok && i < (axis < 0 ? n : inner); i++) {
            const size_t e = axis < 0 ? i : (j * (size_t)channels + (size_t)c) * inner + i;
            const double v = (double)wd[e] * k / (double)sc[c];
            ok = fabs(v - nearbyint(v)) <= 1e-3;
          }
        if (ok) grid[c] = k;
      }
    }
    free(neg);
  }
  /* Per-tensor weights off a common grid whose rows each lie on one (a
   * BatchNorm or per-channel factor folded into fake-quantized per-tensor
   * weights): per tensor they can only be requantized; say so. */
  if (axis < 0 && !grid[0] && wt->rank >= 2 && rows_on_grid(wd, n, (size_t)wt->dims[0]))
    s->regridded++;
  for (int c = 0; c < channels; c++)
    sc[c] = sc[c] > 0 ? sc[c] / (float)(grid[c] ? grid[c] : 127) : 1.0f;
  /* Bias overflow: the bias scale in_scale * w_scale must leave every bias
   * value inside the bias type. */
  if (bd && !s->int16) {
    const size_t nb = g->tensors[b].bytes / sizeof(float);
    for (size_t k = 0; k < nb; k++) {
      const int c = axis < 0 ? 0 : (int)k;
      const double lim = 2147483647.0 * 0.99;
      const double need = fabs((double)bd[k]) / ((double)in_scale * lim);
      if (need > sc[c]) sc[c] = (float)need;
    }
  }
  int on_grid = 0;
  for (size_t e = 0; e < n; e++) {
    const int c = axis < 0 ? 0 : (int)((e / inner) % (size_t)channels);
    double v = round((double)wd[e] / sc[c]);
    const double lo = grid[c] ? -128 : -127;
    q[e] = (int8_t)(v < lo ? lo : v > 127 ? 127 : v);
    on_grid |= grid[c];
  }
  /* GPTQ re-rounds float weights where it has statistics; weights already
   * on a grid keep it exactly. */
  if (s->gq.h && !on_grid && oct_gq_round(&s->gq, g, op_i, orig, wd, sc, axis, -127, q) < 0) {
    st = oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory for GPTQ");
    goto done;
  }
  if (s->bc.sum && bslot == 2) {
    /* Before the bias is quantized: it absorbs the weights' rounding. */
    float *wq = malloc((n ? n : 1) * sizeof *wq);
    if (!wq) {
      st = oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory");
      goto done;
    }
    for (size_t e = 0; e < n; e++)
      wq[e] = (float)q[e] * sc[axis < 0 ? 0 : (int)((e / inner) % (size_t)channels)];
    st = oct_bc_apply(g, op_i, &s->bc, orig, wq);
    free(wq);
    if (st) goto done;
    b = g->ops[op_i].n_inputs > bslot ? g->ops[op_i].inputs[bslot] : -1;
    bd = b >= 0 && is_float_const(g, b) ? g->tensors[b].data : NULL;
  }
  wt = &g->tensors[w];
  if ((st = oct_ir_set_data(g, w, q, n, 1))) goto done;
  q = NULL;
  g->tensors[w].type = OCT_INT8;
  if ((st = oct_ir_set_quant(g, w, channels, sc, zps, axis < 0 ? 0 : axis))) goto done;
  if (bd) {
    const size_t nb = g->tensors[b].bytes / sizeof(float);
    const int esz = s->int16 ? 8 : 4;
    void *bq = malloc(nb ? nb * esz : 1);
    float *bs = malloc((nb ? nb : 1) * sizeof *bs);
    int64_t *bz = calloc(nb ? nb : 1, sizeof *bz);
    if (!bq || !bs || !bz) {
      free(bq);
      free(bs);
      free(bz);
      st = oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory");
      goto done;
    }
    for (size_t k = 0; k < nb; k++) {
      bs[k] = in_scale * sc[axis < 0 ? 0 : k];
      const double v = round((double)bd[k] / (double)bs[k]);
      if (s->int16) ((int64_t *)bq)[k] = (int64_t)v;
      else ((int32_t *)bq)[k] = (int32_t)(v < -2147483647.0 ? -2147483647.0 : v > 2147483647.0 ? 2147483647.0 : v);
    }
    st = oct_ir_set_data(g, b, bq, nb * esz, 1);
    if (!st) {
      g->tensors[b].type = s->int16 ? OCT_INT64 : OCT_INT32;
      st = oct_ir_set_quant(g, b, axis < 0 ? 1 : (int)nb, bs, bz, 0);
    }
    free(bs);
    free(bz);
  }
done:
  free(grid);
  free(sc);
  free(zps);
  free(q);
  return st;
}

/* The copy of tensor t in domain `dom`, made by a QUANTIZE or DEQUANTIZE
 * inserted at op position *pos (which then moves past it). */
static int twin(qstate *s, int t, int dom, int *pos) {
  if (s->twin[dom][t] >= 0) return s->twin[dom][t];
  oct_ir_graph *g = s->g;
  static const char *const suffix[] = {"dequant", "quant", "uint8"};
  const int nt = oct_pu_add_tensor_like(g, t, suffix[dom]);
  if (nt < 0 || grow(s)) return -1;
  s->scale = realloc(s->scale, (size_t)s->cap * sizeof *s->scale);
  s->zp = realloc(s->zp, (size_t)s->cap * sizeof *s->zp);
  if (!s->scale || !s->zp) return -1;
  s->scale[nt] = s->scale[t];
  s->zp[nt] = s->zp[t];
  s->dom[nt] = dom;
  if (dom == DOM_FLOAT) {
    g->tensors[nt].type = OCT_FLOAT32;
    oct_ir_set_quant(g, nt, 0, NULL, NULL, 0);
  } else if (set_q(s, nt, dom)) {
    return -1;
  }
  const int code = dom == DOM_FLOAT ? OCT_OP_DEQUANTIZE : OCT_OP_QUANTIZE;
  const int op = oct_ir_insert_op(g, *pos, code, 1, &t, 1, &nt, g->tensors[t].name);
  if (op < 0) return -1;
  (*pos)++;
  s->twin[dom][t] = nt;
  return nt;
}

/* Fixed parameters on a float tensor: a fake-quantized (QAT / QDQ) tensor
 * as the ONNX importer records it (count 1, int8 zero point). */
static int has_fixed(const oct_ir_tensor *x) {
  return x->type == OCT_FLOAT32 && !x->data && x->q.count == 1 && x->q.scale && x->q.zero_point;
}

/* Per union-find root: the group's range and its fixed member (or -1). */
typedef struct groups {
  float *mn, *mx;
  int *fix;
  int conflicts;
} groups;

static int same_fixed(const oct_ir_graph *g, int a, int b) {
  const oct_ir_quant *qa = &g->tensors[a].q, *qb = &g->tensors[b].q;
  return qa->scale[0] == qb->scale[0] && qa->zero_point[0] == qb->zero_point[0];
}

static int known(qstate *s, groups *gr, int t) {
  const int r = find(s, t);
  return gr->fix[r] >= 0 || (isfinite(gr->mn[r]) && isfinite(gr->mx[r]));
}

/* Unites two groups, merging ranges; two different fixed parameters cannot
 * share a tensor: the first group's are kept and the clash is counted. */
static void unite_groups(qstate *s, groups *gr, int a, int b) {
  a = find(s, a);
  b = find(s, b);
  if (a == b) return;
  const oct_ir_graph *g = s->g;
  if (gr->fix[a] >= 0 && gr->fix[b] >= 0) {
    const oct_ir_quant *qa = &g->tensors[gr->fix[a]].q, *qb = &g->tensors[gr->fix[b]].q;
    if (qa->scale[0] != qb->scale[0] || qa->zero_point[0] != qb->zero_point[0]) gr->conflicts++;
  }
  s->parent[b] = a;
  if (gr->fix[a] < 0) gr->fix[a] = gr->fix[b];
  if (gr->mn[b] < gr->mn[a]) gr->mn[a] = gr->mn[b];
  if (gr->mx[b] > gr->mx[a]) gr->mx[a] = gr->mx[b];
}

/* Whether op i's integer kernel can take any output parameters, so that a
 * QAT graph without a fake-quant after it still gets some: the output then
 * inherits its input's (MEAN, as PyTorch's quantized mean does) or, for
 * the clamping activations, the input range clipped to theirs. */
static int inherit_kind(int code) {
  switch (code) {
    case OCT_OP_MEAN: case OCT_OP_LEAKY_RELU: case OCT_OP_HARD_SWISH: return 1;
    case OCT_OP_RELU: case OCT_OP_RELU6: return 2;
    default: return 0;
  }
}

/* Picks each op's domain and solves the shared and fixed parameters. */
static oct_status plan(qstate *s) {
  oct_ir_graph *g = s->g;
  for (int t = 0; t < s->n; t++) s->parent[t] = t;
  int (*runs)(int) = s->int16 ? runs_int16 : runs_int8;
  int *cand = calloc((size_t)g->n_ops + 1, sizeof *cand);
  groups gr;
  memset(&gr, 0, sizeof gr);
  gr.mn = malloc((size_t)s->n * sizeof *gr.mn);
  gr.mx = malloc((size_t)s->n * sizeof *gr.mx);
  gr.fix = malloc((size_t)s->n * sizeof *gr.fix);
  if (!cand || !gr.mn || !gr.mx || !gr.fix) {
    free(cand);
    free(gr.mn);
    free(gr.mx);
    free(gr.fix);
    return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory");
  }
  for (int i = 0; i < g->n_ops; i++) {
    const oct_ir_op *op = &g->ops[i];
    int q = !op->dead && runs(op->code) && !oct_quant_listed(s->o->keep_float, op->name);
    for (int k = 0; q && k < op->n_outputs; k++) {
      const int t = op->outputs[k];
      if (t < 0 || oct_quant_listed(s->o->keep_float, g->tensors[t].name)) q = 0;
      else if (g->tensors[t].type != OCT_FLOAT32) q = 0;
    }
    int w, b, x;
    weight_slots(op->code, &w, &b, &x);
    for (int k = 0; q && k < op->n_inputs; k++)
      if (k == w && !is_float_const(g, op->inputs[k])) q = 0; /* weights must be constant */
    cand[i] = q;
  }
  /* Ranges per tensor: fixed (QAT), known, constant data, calibrated. */
  for (int t = 0; t < s->n; t++) {
    const oct_ir_tensor *x = &g->tensors[t];
    gr.mn[t] = INFINITY;
    gr.mx[t] = -INFINITY;
    gr.fix[t] = !s->int16 && has_fixed(x) ? t : -1;
    if (x->type != OCT_FLOAT32) continue;
    if (x->q.has_range) {
      gr.mn[t] = x->q.min;
      gr.mx[t] = x->q.max;
    } else if (x->data) {
      const_range(x, &gr.mn[t], &gr.mx[t]);
    } else if (s->r.has && s->r.has[t]) {
      gr.mn[t] = s->r.min[t];
      gr.mx[t] = s->r.max[t];
    }
  }
  for (int i = 0; i < g->n_ops; i++) {
    const oct_ir_op *op = &g->ops[i];
    if (!cand[i] || !same_scale_op(op->code)) continue;
    const int y = op->outputs[0];
    for (int k = 0; k < op->n_inputs; k++) {
      const int t = op->inputs[k];
      if (t >= 0 && g->tensors[t].type == OCT_FLOAT32 && (k == 0 || op->code == OCT_OP_CONCATENATION ||
                                                         op->code == OCT_OP_MINIMUM ||
                                                         op->code == OCT_OP_MAXIMUM ||
                                                         op->code == OCT_OP_PADV2)) {
        const int ry = find(s, y), rt = find(s, t);
        if (k < 32 && !s->int16 && !g->tensors[t].data && ry != rt && gr.fix[ry] >= 0 &&
            gr.fix[rt] >= 0 && !same_fixed(g, gr.fix[ry], gr.fix[rt])) {
          s->requant[i] |= 1u << k; /* both fixed and different: requantize */
          continue;
        }
        unite_groups(s, &gr, y, t);
      }
    }
    for (int k = 1; k < op->n_outputs; k++) unite_groups(s, &gr, y, op->outputs[k]);
  }
  /* Outputs nothing says anything about, in execution order so that a
   * chain of them resolves in one sweep. */
  for (int i = 0; i < g->n_ops; i++) {
    const oct_ir_op *op = &g->ops[i];
    const int kind = cand[i] ? inherit_kind(op->code) : 0;
    if (!kind || op->n_outputs != 1 || op->n_inputs < 1) continue;
    const int x = op->inputs[0], y = op->outputs[0];
    if (!is_float_act(g, x) || known(s, &gr, y) || !known(s, &gr, x)) continue;
    if (kind == 1) {
      unite_groups(s, &gr, x, y);
      continue;
    }
    const int rx = find(s, x), ry = find(s, y);
    float mn = gr.mn[rx], mx = gr.mx[rx];
    if (gr.fix[rx] >= 0) {
      const oct_ir_quant *fq = &g->tensors[gr.fix[rx]].q;
      mn = (float)((-128.0 - (double)fq->zero_point[0]) * fq->scale[0]);
      mx = (float)((127.0 - (double)fq->zero_point[0]) * fq->scale[0]);
    }
    if (mn < 0) mn = 0;
    if (op->code == OCT_OP_RELU6 && mx > 6) mx = 6;
    if (!(mx > mn)) mx = mn + 1e-6f;
    gr.mn[ry] = mn;
    gr.mx[ry] = mx;
  }
  for (int i = 0; i < g->n_ops; i++) {
    const oct_ir_op *op = &g->ops[i];
    int q = cand[i];
    const int fixed_out = op->code == OCT_OP_SOFTMAX || op->code == OCT_OP_LOGISTIC ||
                          op->code == OCT_OP_TANH;
    for (int k = 0; q && k < op->n_outputs; k++)
      if (!fixed_out && !known(s, &gr, op->outputs[k])) q = 0;
    for (int k = 0; q && k < op->n_inputs; k++) {
      const int t = op->inputs[k];
      if (is_float_act(g, t) && !known(s, &gr, t)) q = 0;
    }
    s->quant_op[i] = q;
  }
  free(cand);
  for (int t = 0; t < s->n; t++) {
    const int r = find(s, t);
    if (gr.fix[r] >= 0) {
      const oct_ir_quant *fq = &g->tensors[gr.fix[r]].q;
      s->scale[t] = fq->scale[0];
      s->zp[t] = fq->zero_point[0];
      continue;
    }
    act_params(s->int16, isfinite(gr.mn[r]) ? gr.mn[r] : 0, isfinite(gr.mx[r]) ? gr.mx[r] : 0,
               &s->scale[t], &s->zp[t]);
  }
  s->conflicts = gr.conflicts;
  free(gr.mn);
  free(gr.mx);
  free(gr.fix);
  /* Fixed output parameters of the integer SOFTMAX, LOGISTIC and TANH. */
  for (int i = 0; i < g->n_ops; i++) {
    const oct_ir_op *op = &g->ops[i];
    if (!s->quant_op[i]) continue;
    float sc = 0;
    int64_t zp = 0;
    if (op->code == OCT_OP_SOFTMAX || op->code == OCT_OP_LOGISTIC) {
      sc = s->int16 ? 1.0f / 32768 : 1.0f / 256;
      zp = s->int16 ? 0 : -128;
    } else if (op->code == OCT_OP_TANH) {
      sc = s->int16 ? 1.0f / 32768 : 1.0f / 128;
      zp = 0;
    } else {
      continue;
    }
    const int y = op->outputs[0], r = find(s, y);
    for (int t = 0; t < s->n; t++)
      if (find(s, t) == r) {
        s->scale[t] = sc;
        s->zp[t] = zp;
      }
  }
  return OCT_OK;
}

/* Input k of the op at *pos takes the op's output parameters through an
 * int8 -> int8 QUANTIZE (TFLite's int8 pooling, concatenation and the like
 * need one set of parameters; a QDQ model may give their input and output
 * different ones). */
static oct_status requantize_input(qstate *s, int *pos, int k) {
  oct_ir_graph *g = s->g;
  const int t = g->ops[*pos].inputs[k], y = g->ops[*pos].outputs[0];
  const int nt = oct_pu_add_tensor_like(g, t, "requant");
  if (nt < 0 || grow(s)) return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory");
  float *sc = realloc(s->scale, (size_t)s->cap * sizeof *s->scale);
  if (sc) s->scale = sc;
  int64_t *zp = realloc(s->zp, (size_t)s->cap * sizeof *s->zp);
  if (zp) s->zp = zp;
  if (!sc || !zp) return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory");
  s->scale[nt] = s->scale[y];
  s->zp[nt] = s->zp[y];
  s->dom[nt] = DOM_Q;
  oct_status st = set_q(s, nt, DOM_Q);
  if (st) return st;
  const int op = oct_ir_insert_op(g, *pos, OCT_OP_QUANTIZE, 1, &t, 1, &nt, g->tensors[t].name);
  if (op < 0) return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory");
  (*pos)++;
  g->ops[*pos].inputs[k] = nt;
  return OCT_OK;
}

static oct_status rewrite(qstate *s) {
  oct_ir_graph *g = s->g;
  oct_status st;
  const int io_dom = s->o->io_type == OCT_FLOAT32 ? DOM_FLOAT
                     : s->o->io_type == OCT_UINT8 ? DOM_U8 : DOM_Q;
  /* Domains: graph inputs per io_type, op outputs per their op. */
  for (int i = 0; i < g->n_inputs; i++) {
    const int t = g->inputs[i];
    if (g->tensors[t].type != OCT_FLOAT32) continue;
    s->dom[t] = io_dom;
    if (io_dom != DOM_FLOAT && (st = set_q(s, t, io_dom))) return st;
  }
  int *quant_op = s->quant_op;
  const int n_ops = g->n_ops;
  /* quant_op is indexed by the original op numbering; insertions shift
   * ops, so walk with two counters. */
  int pos = 0;
  for (int orig = 0; orig < n_ops; orig++, pos++) {
    const int q = quant_op[orig];
    const int code = g->ops[pos].code;
    int w, b, x;
    weight_slots(code, &w, &b, &x);
    for (int k = 0; k < g->ops[pos].n_inputs; k++) {
      const int t = g->ops[pos].inputs[k];
      if (t < 0 || g->tensors[t].type == OCT_INT32 || g->tensors[t].type == OCT_INT64 ||
          g->tensors[t].type == OCT_BOOL)
        continue;
      if (g->tensors[t].data) {
        if (!q || !is_float_const(g, t) || k == w || k == b) continue;
        const int c = oct_pu_private_const(g, pos, k);
        if (c < 0 || grow(s)) return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory");
        const float sc = s->scale[t < s->n ? t : c];
        const int64_t zp = s->zp[t < s->n ? t : c];
        if ((st = quantize_const_act(s, c, sc, zp))) return st;
        continue;
      }
      const int want = q ? DOM_Q : DOM_FLOAT;
      if (s->dom[t] != want) {
        const int nt = twin(s, t, want, &pos);
        if (nt < 0) return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory");
        g->ops[pos].inputs[k] = nt;
      }
      if (q && k < 32 && (s->requant[orig] >> k & 1) && (st = requantize_input(s, &pos, k)))
        return st;
    }
    if (!q) continue;
    if (w >= 0 && (st = quantize_weights(s, pos, orig, w, b, x))) return st;
    for (int k = 0; k < g->ops[pos].n_outputs; k++) {
      const int t = g->ops[pos].outputs[k];
      if (t < 0 || g->tensors[t].type != OCT_FLOAT32) continue;
      s->dom[t] = DOM_Q;
      if ((st = set_q(s, t, DOM_Q))) return st;
    }
  }
  /* Graph outputs in the io domain. */
  for (int i = 0; i < g->n_outputs; i++) {
    const int t = g->outputs[i];
    if (t >= s->cap || s->dom[t] == io_dom) continue;
    if (g->tensors[t].type != OCT_FLOAT32 && s->dom[t] == DOM_FLOAT) continue;
    int end = g->n_ops;
    const int nt = twin(s, t, io_dom, &end);
    if (nt < 0) return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory");
    /* The model's output keeps its name; the inner tensor gets the suffix. */
    char *tmp = g->tensors[t].name;
    g->tensors[t].name = g->tensors[nt].name;
    g->tensors[nt].name = tmp;
    g->outputs[i] = nt;
    g->tensors[nt].is_output = 1;
    g->tensors[t].is_output = 0;
  }
  return OCT_OK;
}

/*
 * A softmax's input range only needs to resolve the logits that can show in
 * its output. Its int8 output has steps of 1/256, so a logit far enough
 * below its row's maximum M (every one of the row's N at most
 * M - ln(512 N) / beta adds under half a step to the output's sum) is as
 * good as any lower value: the range's lower end is raised to the lowest
 * row maximum seen in calibration minus that margin. Classifier logits
 * reach much further down (mobilenet_v1: -13 against row maxima of 7.7 to
 * 21), so their steps become finer (0.134 -> 0.104) where the top classes
 * are decided. The tensors of a reshape chain feeding the softmax share the
 * scale and are clipped alike.
 */
static void softmax_floor(qstate *s) {
  oct_ir_graph *g = s->g;
  for (int i = 0; i < g->n_ops; i++) {
    const oct_ir_op *op = &g->ops[i];
    if (op->dead || op->code != OCT_OP_SOFTMAX || op->n_inputs < 1 || !isfinite(s->sm_low[i]))
      continue;
    int t = op->inputs[0];
    const oct_ir_tensor *x = &g->tensors[t];
    const double beta = op->opts.softmax.beta > 0 ? op->opts.softmax.beta : 1.0;
    const double len = x->rank > 0 && x->dims[x->rank - 1] > 0 ? x->dims[x->rank - 1] : 1;
    const double floor = s->sm_low[i] - log(512.0 * len) / beta;
    for (int hops = 0; hops < 8 && t >= 0; hops++) {
      if (oct_ir_use_count(g, t) != 1 || has_fixed(&g->tensors[t]) || !s->r.has || !s->r.has[t])
        break;
      if (s->r.min[t] < floor && floor < s->r.max[t]) s->r.min[t] = (float)floor;
      const int p = oct_ir_producer(g, t);
      if (p < 0 || (g->ops[p].code != OCT_OP_RESHAPE && g->ops[p].code != OCT_OP_SQUEEZE))
        break;
      t = g->ops[p].inputs[0];
    }
  }
}

static oct_status visit_calib(void *ctx, oct_ir_graph *g, const float *const *vals, long run,
                              long runs) {
  qstate *s = ctx;
  if (s->gq.h) oct_gq_add(&s->gq, g, vals, run, runs);
  for (int i = 0; s->sm_low && i < g->n_ops; i++) {
    const oct_ir_op *op = &g->ops[i];
    if (op->dead || op->code != OCT_OP_SOFTMAX || op->n_inputs < 1 || !vals[op->inputs[0]])
      continue;
    const oct_ir_tensor *x = &g->tensors[op->inputs[0]];
    const int64_t n = oct_ir_elems(x), len = x->rank > 0 ? x->dims[x->rank - 1] : 0;
    for (int64_t r = 0; len > 0 && r < n / len; r++) {
      const float *v = vals[op->inputs[0]] + r * len;
      float mx = v[0];
      for (int64_t e = 1; e < len; e++) mx = v[e] > mx ? v[e] : mx;
      if (mx < s->sm_low[i]) s->sm_low[i] = mx;
    }
  }
  if (!s->bc.sum) return OCT_OK;
  const oct_calib_visitor bc = oct_bc_visitor(&s->bc);
  return bc.visit(bc.ctx, g, vals, run, runs);
}

oct_status oct_quant_full(oct_ir_graph *g, const oct_convert_options *opts,
                          oct_convert_report *rep) {
  qstate s;
  memset(&s, 0, sizeof s);
  s.g = g;
  s.o = opts;
  s.int16 = opts->quantize == OCT_QUANT_INT16X8;
  if (s.int16 && opts->io_type != OCT_FLOAT32 && opts->io_type != OCT_INT16)
    return oct_ir_fail(g, OCT_ERR_INVALID_ARG, "--quantize int16x8 takes --io float32 or int16");
  if (!s.int16 && opts->io_type != OCT_FLOAT32 && opts->io_type != OCT_INT8 &&
      opts->io_type != OCT_UINT8)
    return oct_ir_fail(g, OCT_ERR_INVALID_ARG, "--quantize int8 takes --io float32, int8 or uint8");
  /* A quantization-aware-trained model brings its own parameters; it needs
   * calibration only for the parts without fake quantization. */
  int qat = 0;
  for (int t = 0; t < g->n_tensors; t++) qat |= has_fixed(&g->tensors[t]);
  oct_status st = OCT_OK;
  if (qat && !opts->n_calibration_files && !opts->calibration_dir) {
    memset(&s.r, 0, sizeof s.r);
  } else {
    /* One calibration pass gives the ranges and what bias correction and
     * GPTQ need. */
    if (oct_bc_wanted(opts) && (st = oct_bc_init(g, &s.bc))) return st;
    if (oct_gq_wanted(opts) && (st = oct_gq_init(g, &s.gq))) {
      oct_bc_free(&s.bc);
      return st;
    }
    s.sm_low = malloc(((size_t)g->n_ops + 1) * sizeof *s.sm_low);
    if (!s.sm_low) {
      oct_bc_free(&s.bc);
      oct_gq_free(&s.gq);
      return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory");
    }
    for (int i = 0; i <= g->n_ops; i++) s.sm_low[i] = INFINITY;
    const oct_calib_visitor v = {visit_calib, &s};
    if ((st = oct_calib_run_visit(g, opts, &s.r, &v))) {
      oct_bc_free(&s.bc);
      oct_gq_free(&s.gq);
      free(s.sm_low);
      return st;
    }
    softmax_floor(&s);
  }
  s.n = g->n_tensors;
  s.quant_op = calloc((size_t)g->n_ops + 1, sizeof *s.quant_op);
  s.requant = calloc((size_t)g->n_ops + 1, sizeof *s.requant);
  s.parent = malloc((size_t)s.n * sizeof *s.parent);
  s.fixed = calloc((size_t)s.n + 1, sizeof *s.fixed);
  s.scale = malloc(((size_t)s.n + 4) * sizeof *s.scale);
  s.zp = malloc(((size_t)s.n + 4) * sizeof *s.zp);
  if (!s.quant_op || !s.requant || !s.parent || !s.fixed || !s.scale || !s.zp || grow(&s)) {
    st = oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory");
    goto done;
  }
  s.scale = realloc(s.scale, (size_t)s.cap * sizeof *s.scale);
  s.zp = realloc(s.zp, (size_t)s.cap * sizeof *s.zp);
  if (!s.scale || !s.zp) {
    st = oct_ir_fail(g, OCT_ERR_NO_MEMORY, "no memory");
    goto done;
  }
  if ((st = plan(&s))) goto done;
  if ((st = rewrite(&s))) goto done;
  if (rep) {
    rep->calibration_samples_used = s.r.samples;
    rep->float_ops = 0;
    char list[sizeof rep->warning];
    size_t len = 0;
    list[0] = 0;
    for (int i = 0; i < g->n_ops; i++) {
      const oct_ir_op *op = &g->ops[i];
      if (op->dead || op->code == OCT_OP_QUANTIZE || op->code == OCT_OP_DEQUANTIZE) continue;
      for (int k = 0; k < op->n_outputs; k++)
        if (op->outputs[k] >= 0 && g->tensors[op->outputs[k]].type == OCT_FLOAT32) {
          rep->float_ops++;
          if (len + 4 < sizeof list) {
            const int w = snprintf(list + len, sizeof list - len, "%s%s (%s)", len ? ", " : "",
                                   op->name ? op->name : "?", oct_ir_op_name(op->code));
            len = w < 0 ? len : len + (size_t)w < sizeof list ? len + (size_t)w : sizeof list - 1;
          }
          break;
        }
    }
    rep->warning[0] = 0;
    if (rep->float_ops && qat)
      snprintf(rep->warning, sizeof rep->warning,
               "%d op(s) have no fake quantization%s and stay float between "
               "DEQUANTIZE/QUANTIZE: %s", rep->float_ops,
               s.r.samples ? " or calibration range" : " (give --calibration to quantize them)",
               list);
    if (s.regridded && !rep->warning[0])
      snprintf(rep->warning, sizeof rep->warning,
               "%d per-tensor weight tensor(s) (FULLY_CONNECTED) lie on a per-channel "
               "quantization grid (a BatchNorm folded into fake-quantized weights) and were "
               "requantized per tensor; --per-channel-fc keeps them exact", s.regridded);
    if (s.conflicts && !rep->float_ops && !rep->warning[0])
      snprintf(rep->warning, sizeof rep->warning,
               "%d tensor group(s) that int8 kernels must share had different fake-quant "
               "parameters; the first were used", s.conflicts);
  }
done:
  free(s.quant_op);
  free(s.requant);
  free(s.parent);
  free(s.fixed);
  free(s.scale);
  free(s.zp);
  free(s.dom);
  for (int k = 0; k < 3; k++) free(s.twin[k]);
  oct_calib_free(&s.r);
  oct_bc_free(&s.bc);
  oct_gq_free(&s.gq);
  free(s.sm_low);
  return st;
}
