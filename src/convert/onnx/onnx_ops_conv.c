/*
 * Convolutions and pooling: Conv (plain, depthwise, grouped), ConvTranspose,
 * MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool.
 *
 * All run channels-last. 1-D ops ([N,C,W]) run as 2-D ops on [N,1,W,C]
 * between two RESHAPEs. ONNX gives explicit pads; TFLite knows only SAME
 * (its own split of the total padding) and VALID, so explicit pads that are
 * neither become a PAD (PADV2 with the lowest value for max pooling) before
 * a VALID op. Weights are permuted once here: Conv [O,I,kh,kw] ->
 * [O,kh,kw,I], depthwise [O,1,kh,kw] -> [1,kh,kw,O], ConvTranspose
 * [I,O,kh,kw] -> [O,kh,kw,I].
 */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx_internal.h"

typedef struct spatial {
  int nsp;                      /* 1 or 2 spatial axes */
  int64_t in[2], k[2], s[2], d[2], pb[2], pe[2], out[2];
  int64_t extra[2];             /* of pe: added by ceil_mode */
} spatial;

static oct_status read_pair(oct_onnx_ctx *c, const oct_onnx_node *n, const char *name, int nsp,
                            int64_t def, int64_t lo, int64_t *out) {
  int64_t v[4];
  int cnt;
  oct_status st = oct_onnx_attr_ints(c, n, name, v, 4, &cnt);
  if (st) return st;
  if (cnt >= 0 && cnt != nsp)
    return oct_onnx_fail(c, OCT_ERR_MODEL, "'%s' has %d values for %d spatial axes", name, cnt, nsp);
  for (int i = 0; i < nsp; i++) {
    out[i] = cnt < 0 ? def : v[i];
    if (out[i] < lo || out[i] > 65536)
      return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "'%s' value %lld is out of range", name,
                           (long long)out[i]);
  }
  if (nsp == 1) { /* 1-D runs as [1, W]: the H axis takes the neutral default */
    out[1] = out[0];
    out[0] = def;
  }
  return OCT_OK;
}

/* Reads kernel, strides, dilations and pads (from auto_pad or pads) and
 * computes the output size. `kernel` is from the weights, or NULL. */
static oct_status read_spatial(oct_onnx_ctx *c, const oct_onnx_node *n, const oct_onnx_value *x,
                               const int32_t *kernel, int ceil_mode, spatial *sp) {
  if (x->rank != 3 && x->rank != 4)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "input '%s' has rank %d; only 1-D and 2-D "
                         "(rank 3 and 4) are supported", x->name, x->rank);
  const int nsp = sp->nsp = x->rank - 2;
  sp->in[0] = nsp == 1 ? 1 : x->dims[2];
  sp->in[1] = x->dims[x->rank - 1];
  oct_status st;
  if (kernel) {
    sp->k[0] = nsp == 1 ? 1 : kernel[0];
    sp->k[1] = kernel[nsp - 1];
    int64_t ks[2];
    if (oct_onnx_attr(n, "kernel_shape")) {
      if ((st = read_pair(c, n, "kernel_shape", nsp, 1, 1, ks))) return st;
      if (ks[0] != sp->k[0] || ks[1] != sp->k[1])
        return oct_onnx_fail(c, OCT_ERR_MODEL, "kernel_shape does not match the weights");
    }
  } else {
    if (!oct_onnx_attr(n, "kernel_shape"))
      return oct_onnx_fail(c, OCT_ERR_MODEL, "kernel_shape is missing");
    if ((st = read_pair(c, n, "kernel_shape", nsp, 1, 1, sp->k))) return st;
  }
  if ((st = read_pair(c, n, "strides", nsp, 1, 1, sp->s)) ||
      (st = read_pair(c, n, "dilations", nsp, 1, 1, sp->d)))
    return st;
  char ap[16];
  if ((st = oct_onnx_attr_str(c, n, "auto_pad", "NOTSET", ap, sizeof ap))) return st;
  int64_t pads[4] = {0, 0, 0, 0};
  int cnt = -1;
  if ((st = oct_onnx_attr_ints(c, n, "pads", pads, 4, &cnt))) return st;
  if (cnt >= 0 && cnt != 2 * nsp)
    return oct_onnx_fail(c, OCT_ERR_MODEL, "pads has %d values for %d spatial axes", cnt, nsp);
  for (int i = 0; i < 2; i++) {
    const int j = nsp == 1 ? 0 : i; /* index into pads */
    const int64_t ek = (sp->k[i] - 1) * sp->d[i] + 1;
    if (nsp == 1 && i == 0) {
      sp->pb[0] = sp->pe[0] = 0;
    } else if (!strcmp(ap, "SAME_UPPER") || !strcmp(ap, "SAME_LOWER")) {
      const int64_t o = (sp->in[i] + sp->s[i] - 1) / sp->s[i];
      int64_t total = (o - 1) * sp->s[i] + ek - sp->in[i];
      if (total < 0) total = 0;
      const int upper = !strcmp(ap, "SAME_UPPER");
      sp->pb[i] = upper ? total / 2 : total - total / 2;
      sp->pe[i] = total - sp->pb[i];
    } else if (!strcmp(ap, "VALID")) {
      sp->pb[i] = sp->pe[i] = 0;
    } else if (!strcmp(ap, "NOTSET")) {
      sp->pb[i] = pads[j];
      sp->pe[i] = pads[j + nsp];
      if (sp->pb[i] < 0 || sp->pe[i] < 0 || sp->pb[i] > 65536 || sp->pe[i] > 65536)
        return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "pads must be in [0, 65536]");
    } else {
      return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "auto_pad '%s' is not supported", ap);
    }
    const int64_t span = sp->in[i] + sp->pb[i] + sp->pe[i] - ek;
    if (span < 0)
      return oct_onnx_fail(c, OCT_ERR_SHAPE, "kernel is larger than the padded input");
    sp->out[i] = (ceil_mode ? span + sp->s[i] - 1 : span) / sp->s[i] + 1;
    /* ceil_mode: the last window runs past the end padding; pad for it */
    const int64_t over = (sp->out[i] - 1) * sp->s[i] + ek - (sp->in[i] + sp->pb[i] + sp->pe[i]);
    sp->extra[i] = over > 0 ? over : 0;
    sp->pe[i] += sp->extra[i];
  }
  return OCT_OK;
}

/* TFLite's padding for these pads, or -1 when explicit padding is needed. */
static int tflite_padding(const spatial *sp) {
  int valid = 1, same = 1;
  for (int i = 0; i < 2; i++) {
    const int64_t ek = (sp->k[i] - 1) * sp->d[i] + 1;
    valid &= sp->pb[i] == 0 && sp->pe[i] == 0;
    const int64_t o = (sp->in[i] + sp->s[i] - 1) / sp->s[i];
    int64_t total = (o - 1) * sp->s[i] + ek - sp->in[i];
    if (total < 0) total = 0;
    same &= o == sp->out[i] && sp->pb[i] == total / 2 && sp->pe[i] == total - total / 2;
  }
  return valid ? OCT_PAD_VALID : same ? OCT_PAD_SAME : -1;
}

/* The input as a 4-D channels-last tensor (1-D inputs reshaped). */
static int input_4d(oct_onnx_ctx *c, oct_onnx_value *x) {
  const int t = oct_onnx_tensor(c, x, 1);
  if (t < 0 || x->rank == 4) return t;
  const int32_t d[4] = {x->dims[0], 1, x->dims[2], x->dims[1]};
  const int r = oct_onnx_tmp(c, x->type, 4, d, "as_2d");
  if (r < 0 || oct_onnx_emit_reshape(c, t, r)) return -1;
  return r;
}

/* Defines the output; *t4 gets the 4-D tensor the op writes. Call
 * finish_output after the op. */
static int define_output(oct_onnx_ctx *c, oct_onnx_value *y, oct_dtype type, int rank,
                         int32_t n, int32_t ch, const spatial *sp, int *t4) {
  int32_t dims[4] = {n, ch, (int32_t)sp->out[0], (int32_t)sp->out[1]};
  if (rank == 3) dims[2] = (int32_t)sp->out[1];
  const int t = oct_onnx_define(c, y, type, rank, dims, 1);
  if (t < 0 || rank == 4) return *t4 = t;
  const int32_t d4[4] = {n, 1, (int32_t)sp->out[1], ch};
  *t4 = oct_onnx_tmp(c, type, 4, d4, "out_2d");
  return *t4 < 0 ? -1 : t;
}

static oct_status finish_output(oct_onnx_ctx *c, int t, int t4) {
  return t == t4 ? OCT_OK : oct_onnx_emit_reshape(c, t4, t);
}

/* PAD (or PADV2 with `value`) of a 4-D NHWC tensor on H and W. */
static int pad_4d(oct_onnx_ctx *c, int in, const spatial *sp, int use_value, double value) {
  const oct_ir_tensor *t = &c->g->tensors[in];
  const oct_dtype type = t->type;
  int32_t d[4] = {t->dims[0], t->dims[1], t->dims[2], t->dims[3]};
  const int32_t pv[8] = {0, 0, (int32_t)sp->pb[0], (int32_t)sp->pe[0],
                         (int32_t)sp->pb[1], (int32_t)sp->pe[1], 0, 0};
  d[1] += pv[2] + pv[3];
  d[2] += pv[4] + pv[5];
  const int32_t pd[2] = {4, 2};
  int ins[3] = {in, oct_onnx_const(c, OCT_INT32, 2, pd, pv, "pads"), -1};
  const int out = oct_onnx_tmp(c, type, 4, d, "padded");
  if (ins[1] < 0 || out < 0) return -1;
  if (use_value && (ins[2] = oct_onnx_scalar(c, type, value, "pad_value")) < 0) return -1;
  if (!oct_onnx_op(c, use_value ? OCT_OP_PADV2 : OCT_OP_PAD, use_value ? 3 : 2, ins, 1, &out))
    return -1;
  return out;
}

static int tmp_like4(oct_onnx_ctx *c, int t) {
  const oct_ir_tensor *x = &c->g->tensors[t];
  const int32_t d[4] = {x->dims[0], x->dims[1], x->dims[2], x->dims[3]};
  return oct_onnx_tmp(c, x->type, 4, d, "pooled");
}

static int is_float32_input(oct_onnx_ctx *c, const oct_onnx_value *x) {
  if (x->type == OCT_FLOAT32) return 1;
  oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "input '%s' is %s; only float32 is supported", x->name,
                oct_dtype_name(x->type));
  return 0;
}

/* ---- Conv ---- */
static int conv_group(oct_onnx_ctx *c, int code, int in, const float *w, const int32_t *wdims,
                      const float *bias, int32_t o, const spatial *sp, int pad, int out,
                      const char *tag) {
  char t[32];
  snprintf(t, sizeof t, "%s_weights", tag);
  const int wt = oct_onnx_const(c, OCT_FLOAT32, 4, wdims, w, t);
  snprintf(t, sizeof t, "%s_bias", tag);
  const int bt = oct_onnx_const(c, OCT_FLOAT32, 1, &o, bias, t);
  if (wt < 0 || bt < 0) return -1;
  const int ins[3] = {in, wt, bt};
  oct_ir_op *op = oct_onnx_op(c, code, 3, ins, 1, &out);
  if (!op) return -1;
  oct_conv_options *co = &op->opts.conv;
  co->padding = (oct_padding)pad;
  co->stride_h = (int32_t)sp->s[0];
  co->stride_w = (int32_t)sp->s[1];
  co->dilation_h = (int32_t)sp->d[0];
  co->dilation_w = (int32_t)sp->d[1];
  co->act = OCT_ACT_NONE;
  co->depth_multiplier = code == OCT_OP_DEPTHWISE_CONV_2D ? wdims[3] / c->g->tensors[in].dims[3] : 0;
  return 0;
}

OCT_ONNX_HANDLER(oct_onnx_conv) {
  oct_onnx_value *x = n->n_in > 0 ? n->in[0] : NULL, *wv = n->n_in > 1 ? n->in[1] : NULL;
  const oct_onnx_value *bv = n->n_in > 2 ? n->in[2] : NULL;
  if (!x || !wv) return oct_onnx_fail(c, OCT_ERR_MODEL, "needs input and weights");
  if (!is_float32_input(c, x)) return c->last;
  if (!wv->is_const)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "weights '%s' must be constant", wv->name);
  if (wv->rank != x->rank)
    return oct_onnx_fail(c, OCT_ERR_MODEL, "weights rank %d does not match input rank %d",
                         wv->rank, x->rank);
  int64_t group;
  oct_status st = oct_onnx_attr_int(c, n, "group", 1, &group);
  if (st) return st;
  spatial sp;
  if ((st = read_spatial(c, n, x, wv->dims + 2, 0, &sp))) return st;
  const int32_t C = x->dims[1], O = wv->dims[0], kh = (int32_t)sp.k[0], kw = (int32_t)sp.k[1];
  if (group < 1 || C % group || O % group || wv->dims[1] != C / group)
    return oct_onnx_fail(c, OCT_ERR_MODEL, "weights [%d,%d,...] do not fit %d input channels "
                         "in %lld groups", (int)O, (int)wv->dims[1], (int)C, (long long)group);
  if (bv && (!bv->is_const || oct_onnx_elems(bv->rank, bv->dims) != O))
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "bias must be a constant of %d values", (int)O);
  const int G = (int)group, Cg = C / G, Og = O / G;
  float *w = NULL, *b = NULL, *wp = NULL;
  if ((st = oct_onnx_const_floats(c, wv, "weights", &w))) return st;
  if (bv) st = oct_onnx_const_floats(c, bv, "bias", &b);
  else if (!(b = calloc((size_t)O, sizeof *b))) st = oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
  const size_t wn = (size_t)O * (size_t)Cg * (size_t)kh * (size_t)kw;
  if (!st && !(wp = malloc(wn * sizeof *wp))) st = oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
  int pad = tflite_padding(&sp), in = -1, y = -1, t4 = -1;
  if (!st && (in = input_4d(c, x)) < 0) st = c->last;
  if (!st && pad < 0) {
    if ((in = pad_4d(c, in, &sp, 0, 0)) < 0) st = c->last;
    pad = OCT_PAD_VALID;
  }
  if (!st && n->out[0] &&
      (y = define_output(c, n->out[0], x->type, x->rank, x->dims[0], O, &sp, &t4)) < 0)
    st = c->last;
  const int32_t w4[4] = {O, Cg, kh, kw};
  if (st || y < 0) {
  } else if (G == 1 || (Cg == 1 && G == C)) {
    /* plain: [O,I,kh,kw] -> [O,kh,kw,I]; depthwise: [O,1,kh,kw] -> [1,kh,kw,O] */
    static const int p_conv[4] = {0, 2, 3, 1}, p_dw[4] = {1, 2, 3, 0};
    const int dw = G != 1;
    oct_onnx_permute(w, sizeof *w, 4, w4, dw ? p_dw : p_conv, wp);
    const int32_t wd[4] = {dw ? 1 : O, kh, kw, dw ? O : Cg};
    if (conv_group(c, dw ? OCT_OP_DEPTHWISE_CONV_2D : OCT_OP_CONV_2D, in, wp, wd, b, O, &sp, pad,
                   t4, "conv"))
      st = c->last;
  } else {
    /* groups: SPLIT the channels, one CONV_2D per group, CONCATENATION */
    const oct_ir_tensor *ti = &c->g->tensors[in];
    const int32_t id[4] = {ti->dims[0], ti->dims[1], ti->dims[2], Cg};
    const oct_ir_tensor *to = &c->g->tensors[t4];
    const int32_t od[4] = {to->dims[0], to->dims[1], to->dims[2], Og};
    int *parts = malloc((size_t)G * 2 * sizeof *parts);
    if (!parts) st = oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
    for (int gi = 0; !st && gi < G; gi++) {
      char tag[24];
      snprintf(tag, sizeof tag, "group%d", gi);
      if ((parts[gi] = oct_onnx_tmp(c, x->type, 4, id, tag)) < 0) st = c->last;
      snprintf(tag, sizeof tag, "group%d_out", gi);
      if (!st && (parts[G + gi] = oct_onnx_tmp(c, x->type, 4, od, tag)) < 0) st = c->last;
    }
    const int32_t three = 3;
    int ax = st ? -1 : oct_onnx_const(c, OCT_INT32, 0, NULL, &three, "split_axis");
    if (!st && ax < 0) st = c->last;
    const int sin[2] = {ax, in};
    oct_ir_op *op = st ? NULL : oct_onnx_op(c, OCT_OP_SPLIT, 2, sin, G, parts);
    if (!st && !op) st = c->last;
    if (!st) op->opts.split.num_splits = G;
    const int32_t wgd[4] = {Og, Cg, kh, kw}, wd[4] = {Og, kh, kw, Cg};
    static const int p_conv[4] = {0, 2, 3, 1};
    for (int gi = 0; !st && gi < G; gi++) {
      char tag[24];
      snprintf(tag, sizeof tag, "group%d", gi);
      oct_onnx_permute(w + (size_t)gi * (wn / G), sizeof *w, 4, wgd, p_conv, wp);
      if (conv_group(c, OCT_OP_CONV_2D, parts[gi], wp, wd, b + (size_t)gi * Og, Og, &sp, pad,
                     parts[G + gi], tag))
        st = c->last;
    }
    if (!st && !(op = oct_onnx_op(c, OCT_OP_CONCATENATION, G, parts + G, 1, &t4))) st = c->last;
    if (!st) op->opts.concat.axis = 3;
    free(parts);
  }
  free(w);
  free(b);
  free(wp);
  if (!st && y >= 0) st = finish_output(c, y, t4);
  return st;
}

/* ---- ConvTranspose ---- */
/* TFLite's leading padding of a TRANSPOSE_CONV axis (see src/ops/transpose_conv.c). */
static int64_t tconv_pad(int pad, int64_t out, int64_t k, int64_t s) {
  const int64_t conv_out = pad == OCT_PAD_SAME ? (out + s - 1) / s : (out - k + s) / s;
  int64_t total = (conv_out - 1) * s + k - out;
  return total < 0 ? 0 : total / 2;
}

OCT_ONNX_HANDLER(oct_onnx_conv_transpose) {
  oct_onnx_value *x = n->n_in > 0 ? n->in[0] : NULL, *wv = n->n_in > 1 ? n->in[1] : NULL;
  const oct_onnx_value *bv = n->n_in > 2 ? n->in[2] : NULL;
  if (!x || !wv) return oct_onnx_fail(c, OCT_ERR_MODEL, "needs input and weights");
  if (!is_float32_input(c, x)) return c->last;
  if (!wv->is_const)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "weights '%s' must be constant", wv->name);
  if (x->rank != 3 && x->rank != 4)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "only 1-D and 2-D transposed convolutions "
                         "are supported (input rank %d)", x->rank);
  int64_t group, op_pad[2], outsh[4], pads[4];
  int n_os, n_p;
  oct_status st = oct_onnx_attr_int(c, n, "group", 1, &group);
  if (st) return st;
  const int nsp = x->rank - 2;
  spatial sp;
  memset(&sp, 0, sizeof sp);
  sp.nsp = nsp;
  if (wv->rank != x->rank || wv->dims[0] != x->dims[1])
    return oct_onnx_fail(c, OCT_ERR_MODEL, "weights do not fit the input channels");
  if (group != 1)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "group=%lld is not supported (TFLite's "
                         "TRANSPOSE_CONV has no groups)", (long long)group);
  char ap[16];
  if ((st = read_pair(c, n, "strides", nsp, 1, 1, sp.s)) ||
      (st = read_pair(c, n, "dilations", nsp, 1, 1, sp.d)) ||
      (st = read_pair(c, n, "output_padding", nsp, 0, 0, op_pad)) ||
      (st = oct_onnx_attr_ints(c, n, "output_shape", outsh, 4, &n_os)) ||
      (st = oct_onnx_attr_ints(c, n, "pads", pads, 4, &n_p)) ||
      (st = oct_onnx_attr_str(c, n, "auto_pad", "NOTSET", ap, sizeof ap)))
    return st;
  if (oct_onnx_attr(n, "kernel_shape")) {
    int64_t ks[2];
    if ((st = read_pair(c, n, "kernel_shape", nsp, 1, 1, ks))) return st;
    if (ks[1] != wv->dims[x->rank - 1] || (nsp == 2 && ks[0] != wv->dims[2]))
      return oct_onnx_fail(c, OCT_ERR_MODEL, "kernel_shape does not match the weights");
  }
  if ((n_os >= 0 && n_os != nsp && n_os != nsp + 2) || (n_p >= 0 && n_p != 2 * nsp))
    return oct_onnx_fail(c, OCT_ERR_MODEL, "output_shape or pads has the wrong length");
  const int32_t O = wv->dims[1];
  for (int i = 0; i < 2; i++) {
    const int j = i - (2 - nsp); /* index among the real spatial axes, or < 0 */
    /* TRANSPOSE_CONV has no dilation: a dilated kernel is the kernel
     * spread out with zeros in between (expanded below) */
    sp.k[i] = j < 0 ? 1 : (int64_t)(wv->dims[2 + j] - 1) * sp.d[i] + 1;
    sp.in[i] = j < 0 ? 1 : x->dims[2 + j];
    if (j < 0) continue;
    if (op_pad[i] >= sp.s[i])
      return oct_onnx_fail(c, OCT_ERR_MODEL, "output_padding must be smaller than the stride");
    const int64_t full = sp.s[i] * (sp.in[i] - 1) + op_pad[i] + sp.k[i];
    const int upper = !strcmp(ap, "SAME_UPPER"), same = upper || !strcmp(ap, "SAME_LOWER");
    if (n_os >= 0 || same) {
      /* the output size is given (or in * stride): split the padding */
      const int64_t want = n_os >= 0 ? outsh[n_os - nsp + j] : sp.in[i] * sp.s[i];
      if (want < 1 || want > 65536 * 16)
        return oct_onnx_fail(c, OCT_ERR_MODEL, "output_shape %lld is invalid", (long long)want);
      /* floor division, as ONNX's reference: a larger output than the
       * full result gets a negative end pad (rows holding only the bias) */
      const int64_t total = full - want;
      const int64_t half = total >= 0 ? total / 2 : -((-total + 1) / 2);
      sp.pb[i] = upper ? half : total - half;
      sp.pe[i] = total - sp.pb[i];
    } else if (!strcmp(ap, "NOTSET") || !strcmp(ap, "VALID")) {
      sp.pb[i] = n_p >= 0 && ap[0] == 'N' ? pads[j] : 0;
      sp.pe[i] = n_p >= 0 && ap[0] == 'N' ? pads[j + nsp] : 0;
    } else {
      return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "auto_pad '%s' is not supported", ap);
    }
    sp.out[i] = full - sp.pb[i] - sp.pe[i];
    if (sp.pb[i] < 0 || sp.out[i] < 1 || sp.out[i] > 65536 * 16)
      return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "pads give an output size of %lld",
                           (long long)sp.out[i]);
  }
  sp.out[0] = nsp == 1 ? 1 : sp.out[0];
  if (bv && (!bv->is_const || oct_onnx_elems(bv->rank, bv->dims) != O))
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "bias must be a constant of %d values", (int)O);
  /* The padding whose leading pad TFLite computes equal to ONNX's, or
   * VALID on a larger output followed by a SLICE. */
  int pad = -1;
  for (int cand = OCT_PAD_SAME; cand <= OCT_PAD_VALID && pad < 0; cand++)
    if (tconv_pad(cand, sp.out[0], sp.k[0], sp.s[0]) == sp.pb[0] &&
        tconv_pad(cand, sp.out[1], sp.k[1], sp.s[1]) == sp.pb[1])
      pad = cand;
  int64_t big[2] = {sp.out[0], sp.out[1]};
  if (pad < 0) {
    pad = OCT_PAD_VALID;
    for (int i = 0; i < 2; i++) {
      const int64_t full = sp.s[i] * (sp.in[i] - 1) + sp.k[i];
      big[i] = sp.pb[i] + sp.out[i] > full ? sp.pb[i] + sp.out[i] : full;
    }
  }
  float *w = NULL, *wp = NULL, *b = NULL;
  if ((st = oct_onnx_const_floats(c, wv, "weights", &w))) return st;
  if (bv) st = oct_onnx_const_floats(c, bv, "bias", &b);
  const int32_t kh = (int32_t)sp.k[0], kw = (int32_t)sp.k[1], C = x->dims[1];
  if (!st && (sp.d[0] != 1 || sp.d[1] != 1)) {
    const int32_t kh0 = nsp == 2 ? wv->dims[2] : 1, kw0 = wv->dims[x->rank - 1];
    float *wd = calloc((size_t)C * (size_t)O * (size_t)kh * (size_t)kw, sizeof *wd);
    if (!wd) st = oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
    for (size_t co = 0; wd && co < (size_t)C * (size_t)O; co++)
      for (int32_t h = 0; h < kh0; h++)
        for (int32_t x0 = 0; x0 < kw0; x0++)
          wd[(co * (size_t)kh + (size_t)(h * sp.d[0])) * (size_t)kw + (size_t)(x0 * sp.d[1])] =
              w[(co * (size_t)kh0 + (size_t)h) * (size_t)kw0 + (size_t)x0];
    free(w);
    w = wd;
  }
  if (!st && !(wp = malloc((size_t)C * (size_t)O * (size_t)kh * (size_t)kw * sizeof *wp)))
    st = oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
  int in = -1, y = -1, t4 = -1;
  if (!st && (in = input_4d(c, x)) < 0) st = c->last;
  if (!st && n->out[0] &&
      (y = define_output(c, n->out[0], x->type, x->rank, x->dims[0], O, &sp, &t4)) < 0)
    st = c->last;
  if (!st && y >= 0) {
    static const int perm[4] = {1, 2, 3, 0}; /* [I,O,kh,kw] -> [O,kh,kw,I] */
    const int32_t wd4[4] = {C, O, kh, kw}, wd[4] = {O, kh, kw, C};
    oct_onnx_permute(w, sizeof *w, 4, wd4, perm, wp);
    const int32_t osh[4] = {x->dims[0], (int32_t)big[0], (int32_t)big[1], O};
    const int sliced = big[0] != sp.out[0] || big[1] != sp.out[1];
    const int full = sliced ? oct_onnx_tmp(c, x->type, 4, osh, "full") : t4;
    int ins[4] = {oct_onnx_const_i32(c, 4, osh, "output_shape"),
                  oct_onnx_const(c, OCT_FLOAT32, 4, wd, wp, "weights"), in, -1};
    if (b) ins[3] = oct_onnx_const(c, OCT_FLOAT32, 1, &O, b, "bias");
    oct_ir_op *op = NULL;
    if (full < 0 || ins[0] < 0 || ins[1] < 0 || (b && ins[3] < 0) ||
        !(op = oct_onnx_op(c, OCT_OP_TRANSPOSE_CONV, b ? 4 : 3, ins, 1, &full)))
      st = c->last;
    if (op) {
      op->opts.transpose_conv.padding = (oct_padding)pad;
      op->opts.transpose_conv.stride_h = (int32_t)sp.s[0];
      op->opts.transpose_conv.stride_w = (int32_t)sp.s[1];
    }
    if (!st && sliced) {
      const int32_t beg[4] = {0, (int32_t)sp.pb[0], (int32_t)sp.pb[1], 0};
      const int32_t size[4] = {x->dims[0], (int32_t)sp.out[0], (int32_t)sp.out[1], O};
      const int sin[3] = {full, oct_onnx_const_i32(c, 4, beg, "begin"),
                          oct_onnx_const_i32(c, 4, size, "size")};
      if (sin[1] < 0 || sin[2] < 0 || !oct_onnx_op(c, OCT_OP_SLICE, 3, sin, 1, &t4)) st = c->last;
    }
  }
  free(w);
  free(wp);
  free(b);
  if (!st && y >= 0) st = finish_output(c, y, t4);
  return st;
}

/* ---- MaxPool, AveragePool ---- */
/* How many of the window's taps along one axis a divisor counts: those in
 * [lo, hi) of the unpadded input's coordinates. */
static int64_t taps_in(int64_t o, const spatial *sp, int i, int64_t lo, int64_t hi) {
  int64_t n = 0;
  for (int64_t k = 0; k < sp->k[i]; k++) {
    const int64_t pos = o * sp->s[i] + k - sp->pb[i];
    n += pos >= lo && pos < hi;
  }
  return n;
}

/* An average pool over explicitly padded input divides by the whole window;
 * ONNX divides by the taps it counts (inside the input, or inside the
 * padded input with count_include_pad). Scale by the ratio, per position. */
static oct_status avg_correction(oct_onnx_ctx *c, const spatial *sp, int cip, int in, int out) {
  const int32_t oh = (int32_t)sp->out[0], ow = (int32_t)sp->out[1];
  float *f = malloc((size_t)oh * (size_t)ow * sizeof *f);
  if (!f) return oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
  for (int32_t y = 0; y < oh; y++)
    for (int32_t x = 0; x < ow; x++) {
      int64_t cnt = 1;
      for (int i = 0; i < 2; i++) {
        const int64_t lo = cip ? -sp->pb[i] : 0;
        const int64_t hi = sp->in[i] + (cip ? sp->pe[i] - sp->extra[i] : 0);
        cnt *= taps_in(i ? x : y, sp, i, lo, hi);
      }
      if (!cnt) {
        free(f);
        return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "a pooling window covers only padding");
      }
      f[(size_t)y * ow + x] = (float)((double)(sp->k[0] * sp->k[1]) / (double)cnt);
    }
  const int32_t d[4] = {1, oh, ow, 1};
  const int ins[2] = {in, oct_onnx_const(c, OCT_FLOAT32, 4, d, f, "divisor_fix")};
  free(f);
  if (ins[1] < 0 || !oct_onnx_op(c, OCT_OP_MUL, 2, ins, 1, &out)) return c->last;
  return OCT_OK;
}

OCT_ONNX_HANDLER(oct_onnx_pool) {
  oct_onnx_value *x = n->n_in > 0 ? n->in[0] : NULL;
  if (!x) return oct_onnx_fail(c, OCT_ERR_MODEL, "needs an input");
  const int is_max = !strcmp(n->op, "MaxPool");
  int64_t ceil_mode = 0, cip = 0, so = 0;
  oct_status st = oct_onnx_attr_int(c, n, "ceil_mode", 0, &ceil_mode);
  if (!st) st = oct_onnx_attr_int(c, n, "count_include_pad", 0, &cip);
  if (!st) st = oct_onnx_attr_int(c, n, "storage_order", 0, &so);
  if (st) return st;
  spatial sp;
  if ((st = read_spatial(c, n, x, NULL, (int)ceil_mode, &sp))) return st;
  if (sp.d[0] != 1 || sp.d[1] != 1)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "dilated pooling is not supported");
  if (n->n_out > 1 && n->out[1] && n->out[1]->uses)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "the Indices output is not supported");
  if (!is_max && x->type != OCT_FLOAT32)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "average pooling of %s is not supported",
                         oct_dtype_name(x->type));
  int pad = tflite_padding(&sp);
  const int has_pads = sp.pb[0] || sp.pb[1] || sp.pe[0] || sp.pe[1];
  /* TFLite's SAME average pool divides by the taps inside the input only. */
  if (!is_max && cip && has_pads) pad = -1;
  int in = input_4d(c, x);
  if (in < 0) return c->last;
  const int explicit_pad = pad < 0;
  if (explicit_pad) {
    double lo = 0;
    if (is_max)
      lo = x->type == OCT_INT8 ? -128 : x->type == OCT_UINT8 ? 0 : x->type == OCT_INT16 ? -32768
                                                                   : -(double)FLT_MAX;
    if ((in = pad_4d(c, in, &sp, is_max, lo)) < 0) return c->last;
    pad = OCT_PAD_VALID;
  }
  if (!n->out[0]) return OCT_OK;
  int t4;
  const int y = define_output(c, n->out[0], x->type, x->rank, x->dims[0], x->dims[1], &sp, &t4);
  if (y < 0) return c->last;
  /* explicit pads are counted by the pool: fix the divisor unless ONNX
   * counts exactly the padded window too */
  const int fix = explicit_pad && !is_max && !(cip && !sp.extra[0] && !sp.extra[1]);
  int pooled = t4;
  if (fix && (pooled = tmp_like4(c, t4)) < 0) return c->last;
  oct_ir_op *op = oct_onnx_op(c, is_max ? OCT_OP_MAX_POOL_2D : OCT_OP_AVERAGE_POOL_2D, 1, &in, 1,
                              &pooled);
  if (!op) return c->last;
  oct_pool_options *po = &op->opts.pool;
  po->padding = (oct_padding)pad;
  po->stride_h = (int32_t)sp.s[0];
  po->stride_w = (int32_t)sp.s[1];
  po->filter_h = (int32_t)sp.k[0];
  po->filter_w = (int32_t)sp.k[1];
  po->act = OCT_ACT_NONE;
  if (fix && (st = avg_correction(c, &sp, (int)cip, pooled, t4))) return st;
  return finish_output(c, y, t4);
}

/* ---- GlobalAveragePool, GlobalMaxPool: MEAN / REDUCE_MAX over space ---- */
OCT_ONNX_HANDLER(oct_onnx_global_pool) {
  oct_onnx_value *x = n->n_in > 0 ? n->in[0] : NULL;
  if (!x) return oct_onnx_fail(c, OCT_ERR_MODEL, "needs an input");
  if (x->rank < 3) return oct_onnx_fail(c, OCT_ERR_MODEL, "input must have rank >= 3");
  const int in = oct_onnx_tensor(c, x, 1);
  if (in < 0) return c->last;
  int32_t axes[OCT_MAX_RANK], dims[OCT_MAX_RANK];
  for (int k = 0; k < x->rank - 2; k++) axes[k] = k + 1;
  for (int k = 0; k < x->rank; k++) dims[k] = k < 2 ? x->dims[k] : 1;
  const int ins[2] = {in, oct_onnx_const_i32(c, x->rank - 2, axes, "axes")};
  if (ins[1] < 0) return c->last;
  if (!n->out[0]) return OCT_OK;
  const int out = oct_onnx_define(c, n->out[0], x->type, x->rank, dims, 1);
  if (out < 0) return c->last;
  oct_ir_op *op = oct_onnx_op(c, strcmp(n->op, "GlobalMaxPool") ? OCT_OP_MEAN : OCT_OP_REDUCE_MAX,
                              2, ins, 1, &out);
  if (!op) return c->last;
  op->opts.reducer.keep_dims = 1;
  return OCT_OK;
}
