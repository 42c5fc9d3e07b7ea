/*
 * Shape and data-movement ops: Reshape, Flatten, Squeeze, Unsqueeze,
 * Transpose, Concat, Pad, Slice, Split, Gather, DepthToSpace, SpaceToDepth.
 *
 * Reshape-like ops need ONNX order (their meaning depends on the flat
 * element order), so they read t_onnx; a channels-last input with only unit
 * axes out of place costs just a RESHAPE. Axis-taking ops keep the input's
 * layout and map their axes (oct_onnx_ir_axis) instead.
 */
#include <stdlib.h>
#include <string.h>

#include "onnx_internal.h"

static oct_onnx_value *input(const oct_onnx_node *n, int i) {
  return i < n->n_in ? n->in[i] : NULL;
}

static oct_status need_input(oct_onnx_ctx *c, const oct_onnx_node *n, int i) {
  return input(n, i) ? OCT_OK
                     : oct_onnx_fail(c, OCT_ERR_MODEL, "input %d is missing", i);
}

/* Squeeze/Unsqueeze axes: an attribute before opset 13, an input since. */
static oct_status read_axes(oct_onnx_ctx *c, const oct_onnx_node *n, int64_t *axes, int *count) {
  if (c->opset >= 13 || !oct_onnx_attr(n, "axes")) {
    *count = -1;
    if (oct_onnx_attr(n, "axes"))
      return oct_onnx_fail(c, OCT_ERR_MODEL, "axes is an input since opset 13");
    if (!input(n, 1)) return OCT_OK;
    return oct_onnx_const_ints(c, input(n, 1), "axes", axes, OCT_MAX_RANK, count);
  }
  return oct_onnx_attr_ints(c, n, "axes", axes, OCT_MAX_RANK, count);
}

oct_status oct_onnx_reshape_shape(oct_onnx_ctx *c, const oct_onnx_node *n, int *rank,
                                  int32_t *dims) {
  oct_status st = need_input(c, n, 0);
  if (st) return st;
  const oct_onnx_value *x = n->in[0];
  const int r = x->rank;
  const int64_t total = oct_onnx_elems(r, x->dims);
  int64_t v[OCT_MAX_RANK + 1];
  int cnt = 0;
  if (!strcmp(n->op, "Reshape")) {
    int64_t allowzero = 0;
    if ((st = need_input(c, n, 1)) || (st = oct_onnx_attr_int(c, n, "allowzero", 0, &allowzero)) ||
        (st = oct_onnx_const_ints(c, n->in[1], "shape", v, OCT_MAX_RANK, &cnt)))
      return st;
    int infer = -1;
    int64_t known = 1;
    for (int k = 0; k < cnt; k++) {
      if (v[k] == 0 && !allowzero) {
        if (k >= r) return oct_onnx_fail(c, OCT_ERR_MODEL, "shape copies missing axis %d", k);
        v[k] = x->dims[k];
      }
      if (v[k] == -1) {
        if (infer >= 0) return oct_onnx_fail(c, OCT_ERR_MODEL, "shape has two -1 entries");
        infer = k;
        continue;
      }
      if (v[k] < 0 || v[k] > INT32_MAX)
        return oct_onnx_fail(c, OCT_ERR_MODEL, "bad shape value %lld", (long long)v[k]);
      known *= v[k];
      if (known > INT32_MAX) return oct_onnx_fail(c, OCT_ERR_SHAPE, "shape is too large");
    }
    if (infer >= 0) {
      if (known == 0 || total % known)
        return oct_onnx_fail(c, OCT_ERR_SHAPE, "cannot infer the -1 dimension");
      v[infer] = total / known;
      known = total;
    }
    if (known != total)
      return oct_onnx_fail(c, OCT_ERR_SHAPE, "shape has %lld elements, input '%s' %lld",
                           (long long)known, x->name, (long long)total);
  } else if (!strcmp(n->op, "Flatten")) {
    int64_t a;
    if ((st = oct_onnx_attr_int(c, n, "axis", 1, &a))) return st;
    if (a < -r || a > r) return oct_onnx_fail(c, OCT_ERR_MODEL, "axis %lld is out of range", (long long)a);
    if (a < 0) a += r;
    v[0] = oct_onnx_elems((int)a, x->dims);
    v[1] = oct_onnx_elems(r - (int)a, x->dims + a);
    cnt = 2;
  } else {
    int64_t axes[OCT_MAX_RANK];
    int na;
    if ((st = read_axes(c, n, axes, &na))) return st;
    const int squeeze = !strcmp(n->op, "Squeeze");
    const int out_r = squeeze ? r : r + na;
    if (!squeeze && na < 0) return oct_onnx_fail(c, OCT_ERR_MODEL, "needs axes");
    if (out_r > OCT_MAX_RANK) return oct_onnx_fail(c, OCT_ERR_LIMIT, "rank %d is too large", out_r);
    int mark[OCT_MAX_RANK] = {0};
    for (int i = 0; i < na; i++) {
      const int a = oct_onnx_norm_axis(axes[i], out_r);
      if (a < 0 || mark[a])
        return oct_onnx_fail(c, OCT_ERR_MODEL, "axis %lld is out of range or repeated",
                             (long long)axes[i]);
      if (squeeze && x->dims[a] != 1)
        return oct_onnx_fail(c, OCT_ERR_SHAPE, "axis %d has size %d, not 1", a, (int)x->dims[a]);
      mark[a] = 1;
    }
    for (int k = 0, j = 0; k < out_r; k++) {
      if (squeeze) {
        if (na < 0 ? x->dims[k] != 1 : !mark[k]) v[cnt++] = x->dims[k];
      } else {
        v[cnt++] = mark[k] ? 1 : x->dims[j++];
      }
    }
  }
  for (int k = 0; k < cnt; k++) {
    if (v[k] > INT32_MAX) return oct_onnx_fail(c, OCT_ERR_LIMIT, "dimension is too large");
    dims[k] = (int32_t)v[k];
  }
  *rank = cnt;
  return OCT_OK;
}

static OCT_ONNX_HANDLER(reshape_like) {
  int rank;
  int32_t dims[OCT_MAX_RANK];
  oct_status st = oct_onnx_reshape_shape(c, n, &rank, dims);
  if (st) return st;
  const int in = oct_onnx_tensor(c, n->in[0], 0);
  if (in < 0) return c->last;
  if (!n->out[0]) return OCT_OK;
  const int out = oct_onnx_define(c, n->out[0], n->in[0]->type, rank, dims, 0);
  if (out < 0) return c->last;
  return oct_onnx_emit_reshape(c, in, out);
}

OCT_ONNX_HANDLER(oct_onnx_reshape) { return reshape_like(c, n); }
OCT_ONNX_HANDLER(oct_onnx_flatten) { return reshape_like(c, n); }
OCT_ONNX_HANDLER(oct_onnx_squeeze) { return reshape_like(c, n); }

/* ---- Transpose ---- */
oct_status oct_onnx_transpose_perm(oct_onnx_ctx *c, const oct_onnx_node *n, int *perm) {
  oct_status st = need_input(c, n, 0);
  if (st) return st;
  const int r = n->in[0]->rank;
  int64_t p[OCT_MAX_RANK];
  int cnt;
  if ((st = oct_onnx_attr_ints(c, n, "perm", p, OCT_MAX_RANK, &cnt))) return st;
  if (cnt < 0) {
    for (int k = 0; k < r; k++) perm[k] = r - 1 - k;
    return OCT_OK;
  }
  if (cnt != r) return oct_onnx_fail(c, OCT_ERR_MODEL, "perm has %d entries for rank %d", cnt, r);
  int seen[OCT_MAX_RANK] = {0};
  for (int k = 0; k < r; k++) {
    if (p[k] < 0 || p[k] >= r || seen[p[k]])
      return oct_onnx_fail(c, OCT_ERR_MODEL, "perm is not a permutation");
    seen[p[k]] = 1;
    perm[k] = (int)p[k];
  }
  return OCT_OK;
}

OCT_ONNX_HANDLER(oct_onnx_transpose) {
  int perm[OCT_MAX_RANK], ir_perm[OCT_MAX_RANK];
  oct_status st = oct_onnx_transpose_perm(c, n, perm);
  if (st) return st;
  oct_onnx_value *x = n->in[0];
  const int r = x->rank, nhwc = oct_onnx_prefers_nhwc(x);
  const int in = oct_onnx_tensor(c, x, nhwc);
  if (in < 0) return c->last;
  /* out axis i is ONNX input axis perm[i], held by IR axis ir_axis(perm[i]) */
  int32_t dims[OCT_MAX_RANK];
  for (int k = 0; k < r; k++) {
    ir_perm[k] = oct_onnx_ir_axis(r, perm[k], nhwc);
    dims[k] = x->dims[perm[k]];
  }
  if (!n->out[0]) return OCT_OK;
  const int out = oct_onnx_define(c, n->out[0], x->type, r, dims, 0);
  if (out < 0) return c->last;
  return oct_onnx_emit_transpose(c, in, ir_perm, out);
}

/* ---- Concat ---- */
OCT_ONNX_HANDLER(oct_onnx_concat) {
  int64_t axis64;
  oct_status st = oct_onnx_attr_int(c, n, "axis", 0, &axis64);
  if (st) return st;
  const oct_onnx_value *x0 = NULL;
  int nhwc = 0;
  for (int i = 0; i < n->n_in; i++) {
    if (!n->in[i]) continue;
    if (!x0) x0 = n->in[i];
    if (!n->in[i]->is_const && oct_onnx_prefers_nhwc(n->in[i])) nhwc = 1;
  }
  if (!x0) return oct_onnx_fail(c, OCT_ERR_MODEL, "has no inputs");
  const int r = x0->rank, axis = oct_onnx_norm_axis(axis64, r);
  if (axis < 0) return oct_onnx_fail(c, OCT_ERR_MODEL, "axis %lld is out of range", (long long)axis64);
  int32_t dims[OCT_MAX_RANK];
  memcpy(dims, x0->dims, sizeof dims);
  dims[axis] = 0;
  int *ins = malloc((size_t)n->n_in * sizeof *ins), k = 0;
  if (!ins) return oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
  for (int i = 0; i < n->n_in && !st; i++) {
    oct_onnx_value *x = n->in[i];
    if (!x) continue;
    if (x->rank != r || x->type != x0->type) {
      st = oct_onnx_fail(c, OCT_ERR_SHAPE, "inputs differ in rank or type");
      break;
    }
    for (int a = 0; a < r && !st; a++)
      if (a != axis && x->dims[a] != x0->dims[a])
        st = oct_onnx_fail(c, OCT_ERR_SHAPE, "'%s' does not match along axis %d", x->name, a);
    if (st || !x->dims[axis]) continue; /* empty inputs add nothing */
    dims[axis] += x->dims[axis];
    if ((ins[k++] = oct_onnx_tensor(c, x, nhwc)) < 0) st = c->last;
  }
  int out = -1;
  if (!st && n->out[0] && (out = oct_onnx_define(c, n->out[0], x0->type, r, dims, nhwc)) < 0)
    st = c->last;
  if (!st && out >= 0) {
    oct_ir_op *op = oct_onnx_op(c, OCT_OP_CONCATENATION, k, ins, 1, &out);
    if (!op) st = c->last;
    else op->opts.concat.axis = oct_onnx_ir_axis(r, axis, nhwc);
  }
  free(ins);
  return st;
}

/* ---- Pad ---- */
OCT_ONNX_HANDLER(oct_onnx_pad) {
  oct_status st = need_input(c, n, 0);
  if (st) return st;
  oct_onnx_value *x = n->in[0];
  const int r = x->rank;
  char mode[16];
  if ((st = oct_onnx_attr_str(c, n, "mode", "constant", mode, sizeof mode))) return st;
  if (strcmp(mode, "constant"))
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "mode '%s' is not supported (octet's runtime "
                         "has no MIRROR_PAD; only constant padding)", mode);
  int64_t pads[2 * OCT_MAX_RANK];
  int cnt;
  double value = 0;
  if (c->opset < 11) {
    float f;
    if ((st = oct_onnx_attr_ints(c, n, "pads", pads, 2 * OCT_MAX_RANK, &cnt)) ||
        (st = oct_onnx_attr_float(c, n, "value", 0, &f)))
      return st;
    value = f;
  } else {
    if ((st = need_input(c, n, 1)) ||
        (st = oct_onnx_const_ints(c, n->in[1], "pads", pads, 2 * OCT_MAX_RANK, &cnt)))
      return st;
    const oct_onnx_value *cv = input(n, 2);
    if (cv) {
      if (!cv->is_const || oct_onnx_elems(cv->rank, cv->dims) != 1)
        return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "constant_value must be a constant scalar");
      value = oct_onnx_get_f(cv, 0);
    }
  }
  if (cnt != 2 * r) return oct_onnx_fail(c, OCT_ERR_MODEL, "pads has %d values for rank %d", cnt, r);
  const int nhwc = oct_onnx_prefers_nhwc(x);
  int32_t pv[2 * OCT_MAX_RANK], dims[OCT_MAX_RANK];
  int any = 0;
  for (int a = 0; a < r; a++) {
    const int64_t b = pads[a], e = pads[a + r];
    if (b < 0 || e < 0)
      return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "negative pads (cropping) are not supported");
    /* Each term below INT32_MAX first, so the sum cannot overflow int64. */
    if (b > INT32_MAX || e > INT32_MAX || x->dims[a] + b + e > INT32_MAX)
      return oct_onnx_fail(c, OCT_ERR_LIMIT, "pads too large");
    dims[a] = (int32_t)(x->dims[a] + b + e);
    const int ia = oct_onnx_ir_axis(r, a, nhwc);
    pv[2 * ia] = (int32_t)b;
    pv[2 * ia + 1] = (int32_t)e;
    any |= b || e;
  }
  if (!n->out[0]) return OCT_OK;
  if (!any) return oct_onnx_define_alias(c, n->out[0], x);
  const int in = oct_onnx_tensor(c, x, nhwc);
  if (in < 0) return c->last;
  const int32_t pd[2] = {r, 2};
  int ins[3] = {in, oct_onnx_const(c, OCT_INT32, 2, pd, pv, "paddings"), -1};
  if (ins[1] < 0) return c->last;
  if (value != 0 && (ins[2] = oct_onnx_scalar(c, x->type, value, "pad_value")) < 0) return c->last;
  const int out = oct_onnx_define(c, n->out[0], x->type, r, dims, nhwc);
  if (out < 0) return c->last;
  return oct_onnx_op(c, value != 0 ? OCT_OP_PADV2 : OCT_OP_PAD, value != 0 ? 3 : 2, ins, 1, &out)
             ? OCT_OK : c->last;
}

/* ---- Slice ---- */
oct_status oct_onnx_slice_params(oct_onnx_ctx *c, const oct_onnx_node *n, oct_onnx_slice_p *s) {
  oct_status st = need_input(c, n, 0);
  if (st) return st;
  const oct_onnx_value *x = n->in[0];
  const int r = x->rank;
  int64_t starts[OCT_MAX_RANK], ends[OCT_MAX_RANK], axes[OCT_MAX_RANK], steps[OCT_MAX_RANK];
  int ns, ne, na = -1, nst = -1;
  if (c->opset < 10) {
    if ((st = oct_onnx_attr_ints(c, n, "starts", starts, OCT_MAX_RANK, &ns)) ||
        (st = oct_onnx_attr_ints(c, n, "ends", ends, OCT_MAX_RANK, &ne)) ||
        (st = oct_onnx_attr_ints(c, n, "axes", axes, OCT_MAX_RANK, &na)))
      return st;
  } else {
    if ((st = need_input(c, n, 1)) || (st = need_input(c, n, 2)) ||
        (st = oct_onnx_const_ints(c, n->in[1], "starts", starts, OCT_MAX_RANK, &ns)) ||
        (st = oct_onnx_const_ints(c, n->in[2], "ends", ends, OCT_MAX_RANK, &ne)))
      return st;
    if (input(n, 3) && (st = oct_onnx_const_ints(c, n->in[3], "axes", axes, OCT_MAX_RANK, &na)))
      return st;
    if (input(n, 4) && (st = oct_onnx_const_ints(c, n->in[4], "steps", steps, OCT_MAX_RANK, &nst)))
      return st;
  }
  if (ns < 0 || ns != ne || (na >= 0 && na != ns) || (nst >= 0 && nst != ns))
    return oct_onnx_fail(c, OCT_ERR_MODEL, "starts, ends, axes and steps differ in length");
  s->rank = r;
  for (int a = 0; a < r; a++) {
    s->begin[a] = 0;
    s->stride[a] = 1;
    s->size[a] = x->dims[a];
  }
  int seen[OCT_MAX_RANK] = {0};
  for (int i = 0; i < ns; i++) {
    const int a = oct_onnx_norm_axis(na >= 0 ? axes[i] : i, r);
    if (a < 0 || seen[a]) return oct_onnx_fail(c, OCT_ERR_MODEL, "bad or repeated axis");
    seen[a] = 1;
    const int64_t d = x->dims[a];
    int64_t step = nst >= 0 ? steps[i] : 1;
    if (step == 0) return oct_onnx_fail(c, OCT_ERR_MODEL, "step is 0");
    /* A step longer than the axis takes one element: any such step will
     * do. Clamped first, so the size arithmetic cannot overflow on
     * INT64_MAX / INT64_MIN steps from the file. */
    if (step > d) step = d > 0 ? d : 1;
    else if (step < -d) step = d > 0 ? -d : -1;
    int64_t b = starts[i], e = ends[i];
    if (b < 0) b += d;
    if (e < 0) e += d;
    int64_t size;
    if (step > 0) {
      b = b < 0 ? 0 : b > d ? d : b;
      e = e < 0 ? 0 : e > d ? d : e;
      size = e > b ? (e - b + step - 1) / step : 0;
    } else {
      b = b < 0 ? 0 : b > d - 1 ? d - 1 : b;
      e = e < -1 ? -1 : e > d - 1 ? d - 1 : e;
      size = b > e ? (b - e + (-step) - 1) / (-step) : 0;
    }
    s->begin[a] = (int32_t)b;
    s->stride[a] = (int32_t)step;
    s->size[a] = (int32_t)size;
  }
  return OCT_OK;
}

OCT_ONNX_HANDLER(oct_onnx_slice) {
  oct_onnx_slice_p s;
  oct_status st = oct_onnx_slice_params(c, n, &s);
  if (st) return st;
  oct_onnx_value *x = n->in[0];
  const int r = x->rank, nhwc = oct_onnx_prefers_nhwc(x);
  int32_t begin[OCT_MAX_RANK], end[OCT_MAX_RANK], stride[OCT_MAX_RANK], size[OCT_MAX_RANK];
  int unit = 1, end_mask = 0;
  for (int a = 0; a < r; a++) {
    const int ia = oct_onnx_ir_axis(r, a, nhwc);
    begin[ia] = s.begin[a];
    stride[ia] = s.stride[a];
    size[ia] = s.size[a];
    const int64_t e = (int64_t)s.begin[a] + (int64_t)(s.size[a] - 1) * s.stride[a] +
                      (s.stride[a] > 0 ? 1 : -1);
    end[ia] = (int32_t)e;
    if (e < 0) end_mask |= 1 << ia; /* through index 0 going backwards */
    unit &= s.stride[a] == 1;
  }
  if (!n->out[0]) return OCT_OK;
  const int in = oct_onnx_tensor(c, x, nhwc);
  if (in < 0) return c->last;
  const int out = oct_onnx_define(c, n->out[0], x->type, r, s.size, nhwc);
  if (out < 0) return c->last;
  if (unit) {
    const int ins[3] = {in, oct_onnx_const_i32(c, r, begin, "begin"),
                        oct_onnx_const_i32(c, r, size, "size")};
    if (ins[1] < 0 || ins[2] < 0) return c->last;
    return oct_onnx_op(c, OCT_OP_SLICE, 3, ins, 1, &out) ? OCT_OK : c->last;
  }
  const int ins[4] = {in, oct_onnx_const_i32(c, r, begin, "begin"),
                      oct_onnx_const_i32(c, r, end, "end"),
                      oct_onnx_const_i32(c, r, stride, "strides")};
  if (ins[1] < 0 || ins[2] < 0 || ins[3] < 0) return c->last;
  oct_ir_op *op = oct_onnx_op(c, OCT_OP_STRIDED_SLICE, 4, ins, 1, &out);
  if (!op) return c->last;
  op->opts.strided_slice.end_mask = end_mask;
  return OCT_OK;
}

/* ---- Split ---- */
OCT_ONNX_HANDLER(oct_onnx_split) {
  oct_status st = need_input(c, n, 0);
  if (st) return st;
  oct_onnx_value *x = n->in[0];
  const int r = x->rank;
  int64_t axis64, split[256];
  int cnt = -1;
  if ((st = oct_onnx_attr_int(c, n, "axis", 0, &axis64))) return st;
  const int axis = oct_onnx_norm_axis(axis64, r);
  if (axis < 0) return oct_onnx_fail(c, OCT_ERR_MODEL, "axis %lld is out of range", (long long)axis64);
  if (n->n_out < 1 || n->n_out > 256)
    return oct_onnx_fail(c, OCT_ERR_LIMIT, "has %d outputs", n->n_out);
  if (c->opset < 13) st = oct_onnx_attr_ints(c, n, "split", split, 256, &cnt);
  else if (input(n, 1)) st = oct_onnx_const_ints(c, n->in[1], "split", split, 256, &cnt);
  if (st) return st;
  const int64_t d = x->dims[axis];
  if (cnt < 0) {
    if (d % n->n_out)
      return oct_onnx_fail(c, OCT_ERR_SHAPE, "axis of size %lld does not split in %d", (long long)d,
                           n->n_out);
    for (int i = 0; i < n->n_out; i++) split[i] = d / n->n_out;
    cnt = n->n_out;
  }
  if (cnt != n->n_out) return oct_onnx_fail(c, OCT_ERR_MODEL, "split has %d sizes for %d outputs",
                                            cnt, n->n_out);
  int64_t sum = 0, equal = 1;
  for (int i = 0; i < cnt; i++) {
    if (split[i] <= 0)
      return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "split size %lld (empty outputs are not "
                           "supported)", (long long)split[i]);
    sum += split[i];
    equal &= split[i] == split[0];
    if (sum > d) break;
  }
  if (sum != d) return oct_onnx_fail(c, OCT_ERR_MODEL, "split sizes do not add up to %lld", (long long)d);
  const int nhwc = oct_onnx_prefers_nhwc(x);
  const int in = oct_onnx_tensor(c, x, nhwc);
  if (in < 0) return c->last;
  int outs[256];
  int32_t sizes[256];
  for (int i = 0; i < cnt; i++) {
    int32_t dims[OCT_MAX_RANK];
    memcpy(dims, x->dims, sizeof dims);
    dims[axis] = sizes[i] = (int32_t)split[i];
    if (n->out[i]) {
      outs[i] = oct_onnx_define(c, n->out[i], x->type, r, dims, nhwc);
    } else {
      int32_t ird[OCT_MAX_RANK], perm[OCT_MAX_RANK];
      int p[OCT_MAX_RANK];
      oct_onnx_nhwc_perm(r, p);
      for (int k = 0; k < r; k++) perm[k] = nhwc ? p[k] : k;
      for (int k = 0; k < r; k++) ird[k] = dims[perm[k]];
      outs[i] = oct_onnx_tmp(c, x->type, r, ird, "unused");
    }
    if (outs[i] < 0) return c->last;
  }
  const int32_t ia = oct_onnx_ir_axis(r, axis, nhwc);
  const int ax = oct_onnx_const(c, OCT_INT32, 0, NULL, &ia, "axis");
  if (ax < 0) return c->last;
  oct_ir_op *op;
  if (equal) {
    const int ins[2] = {ax, in};
    op = oct_onnx_op(c, OCT_OP_SPLIT, 2, ins, cnt, outs);
  } else {
    const int ins[3] = {in, oct_onnx_const_i32(c, cnt, sizes, "size_splits"), ax};
    if (ins[1] < 0) return c->last;
    op = oct_onnx_op(c, OCT_OP_SPLIT_V, 3, ins, cnt, outs);
  }
  if (!op) return c->last;
  op->opts.split.num_splits = cnt;
  return OCT_OK;
}

/* ---- Gather ---- */
oct_status oct_onnx_gather_indices(oct_onnx_ctx *c, const oct_onnx_node *n, int *axis,
                                   int64_t **idx, int64_t *count) {
  *idx = NULL;
  oct_status st = need_input(c, n, 0);
  if (!st) st = need_input(c, n, 1);
  int64_t a64;
  if (!st) st = oct_onnx_attr_int(c, n, "axis", 0, &a64);
  if (st) return st;
  const oct_onnx_value *x = n->in[0], *ind = n->in[1];
  if ((*axis = oct_onnx_norm_axis(a64, x->rank)) < 0)
    return oct_onnx_fail(c, OCT_ERR_MODEL, "axis %lld is out of range", (long long)a64);
  if (!ind->is_const)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "indices ('%s') must be constant", ind->name);
  if (ind->type != OCT_INT64 && ind->type != OCT_INT32)
    return oct_onnx_fail(c, OCT_ERR_TYPE, "indices must be int32 or int64");
  const int64_t cnt = oct_onnx_elems(ind->rank, ind->dims), d = x->dims[*axis];
  int64_t *v = malloc((size_t)(cnt ? cnt : 1) * sizeof *v);
  if (!v) return oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
  for (int64_t i = 0; i < cnt; i++) {
    int64_t k = oct_onnx_get_i(ind, i);
    if (k < -d || k >= d) {
      free(v);
      return oct_onnx_fail(c, OCT_ERR_MODEL, "index %lld is out of range for size %lld",
                           (long long)k, (long long)d);
    }
    v[i] = k < 0 ? k + d : k;
  }
  *idx = v;
  *count = cnt;
  return OCT_OK;
}

OCT_ONNX_HANDLER(oct_onnx_gather) {
  int axis;
  int64_t *idx, cnt;
  oct_status st = oct_onnx_gather_indices(c, n, &axis, &idx, &cnt);
  if (st) return st;
  oct_onnx_value *x = n->in[0];
  const oct_onnx_value *ind = n->in[1];
  const int r = x->rank - 1 + ind->rank;
  if (r > OCT_MAX_RANK) st = oct_onnx_fail(c, OCT_ERR_LIMIT, "result rank %d is too large", r);
  int32_t *i32 = st ? NULL : malloc((size_t)(cnt ? cnt : 1) * sizeof *i32);
  if (!st && !i32) st = oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
  for (int64_t i = 0; !st && i < cnt; i++) i32[i] = (int32_t)idx[i];
  free(idx);
  /* One index axis in place of one data axis keeps every axis's position. */
  const int nhwc = ind->rank == 1 && oct_onnx_prefers_nhwc(x);
  int32_t dims[OCT_MAX_RANK];
  int k = 0;
  for (int i = 0; !st && i < axis; i++) dims[k++] = x->dims[i];
  for (int i = 0; !st && i < ind->rank; i++) dims[k++] = ind->dims[i];
  for (int i = axis + 1; !st && i < x->rank; i++) dims[k++] = x->dims[i];
  int ins[2] = {-1, -1}, out = -1;
  if (!st && (ins[0] = oct_onnx_tensor(c, x, nhwc)) < 0) st = c->last;
  if (!st && (ins[1] = oct_onnx_const(c, OCT_INT32, ind->rank, ind->dims, i32, "indices")) < 0)
    st = c->last;
  free(i32);
  if (st || !n->out[0]) return st;
  if ((out = oct_onnx_define(c, n->out[0], x->type, r, dims, nhwc)) < 0) return c->last;
  oct_ir_op *op = oct_onnx_op(c, OCT_OP_GATHER, 2, ins, 1, &out);
  if (!op) return c->last;
  op->opts.gather.axis = oct_onnx_ir_axis(x->rank, axis, nhwc);
  return OCT_OK;
}

/* ---- DepthToSpace / SpaceToDepth (channels-last, as TFLite) ---- */
OCT_ONNX_HANDLER(oct_onnx_depth_space) {
  oct_status st = need_input(c, n, 0);
  if (st) return st;
  oct_onnx_value *x = n->in[0];
  int64_t bs;
  char mode[8];
  if ((st = oct_onnx_attr_int(c, n, "blocksize", 0, &bs)) ||
      (st = oct_onnx_attr_str(c, n, "mode", "DCR", mode, sizeof mode)))
    return st;
  const int d2s = !strcmp(n->op, "DepthToSpace");
  if (x->rank != 4) return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "input must be 4-D");
  if (bs < 1 || bs > 4096) return oct_onnx_fail(c, OCT_ERR_MODEL, "bad blocksize %lld", (long long)bs);
  const int32_t b = (int32_t)bs;
  int32_t dims[4] = {x->dims[0], x->dims[1], x->dims[2], x->dims[3]};
  if (d2s) {
    if (dims[1] % (b * b)) return oct_onnx_fail(c, OCT_ERR_SHAPE, "channels not divisible");
    dims[1] /= b * b;
    dims[2] *= b;
    dims[3] *= b;
  } else {
    if (dims[2] % b || dims[3] % b) return oct_onnx_fail(c, OCT_ERR_SHAPE, "size not divisible");
    dims[1] *= b * b;
    dims[2] /= b;
    dims[3] /= b;
  }
  if (!d2s || !strcmp(mode, "DCR")) {
  } else if (strcmp(mode, "CRD")) {
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "mode '%s'", mode);
  }
  int in = oct_onnx_tensor(c, x, 1);
  if (in < 0) return c->last;
  if (d2s && !strcmp(mode, "CRD")) {
    /* TFLite's order is DCR: gather the channels from CRD order first. */
    const int32_t C = x->dims[1], co = C / (b * b);
    int32_t *perm = malloc((size_t)C * sizeof *perm);
    if (!perm) return oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
    for (int32_t q = 0; q < C; q++) {
      const int32_t ij = q / co, ch = q % co;
      perm[q] = ch * b * b + ij;
    }
    const int32_t pd[1] = {C};
    const int ins[2] = {in, oct_onnx_const(c, OCT_INT32, 1, pd, perm, "crd_to_dcr")};
    free(perm);
    const oct_ir_tensor *t = &c->g->tensors[in];
    const int32_t td[4] = {t->dims[0], t->dims[1], t->dims[2], t->dims[3]};
    const int mid = oct_onnx_tmp(c, x->type, 4, td, "dcr");
    if (ins[1] < 0 || mid < 0) return c->last;
    oct_ir_op *op = oct_onnx_op(c, OCT_OP_GATHER, 2, ins, 1, &mid);
    if (!op) return c->last;
    op->opts.gather.axis = 3;
    in = mid;
  }
  if (!n->out[0]) return OCT_OK;
  const int out = oct_onnx_define(c, n->out[0], x->type, 4, dims, 1);
  if (out < 0) return c->last;
  oct_ir_op *op = oct_onnx_op(c, d2s ? OCT_OP_DEPTH_TO_SPACE : OCT_OP_SPACE_TO_DEPTH, 1, &in, 1, &out);
  if (!op) return c->last;
  op->opts.block.block_size = b;
  return OCT_OK;
}
