/* Shape inference of data movement, reductions and resizing ops (RESHAPE,
 * SQUEEZE, EXPAND_DIMS, CONCATENATION, PAD, TRANSPOSE, STRIDED_SLICE,
 * SLICE, SPLIT(_V), MEAN/SUM/REDUCE_MAX, ARG_MAX/MIN, RESIZE_*,
 * DEPTH_TO_SPACE, SPACE_TO_DEPTH, GATHER, PACK, UNPACK, BATCH_MATMUL,
 * SHAPE, SPACE_TO_BATCH_ND, BATCH_TO_SPACE_ND), with the rules of the
 * runtime's prepare steps (src/ops/) and TFLite's kernels. */
#include <string.h>

#include "shape_infer_internal.h"

#define MAXV (OCT_MAX_RANK * 4)

/* Reads constant operand k; *ok 0 when it is computed at run time. */
static oct_status const_operand(oct_si_ctx *c, int k, const char *what, int64_t *v,
                                int max, int *n, int *ok) {
  const oct_ir_tensor *t;
  oct_status st = oct_si_need(c, k, &t);
  if (st) return st;
  const int r = oct_si_const_ints(t, v, max, n);
  if (r < 0)
    return oct_si_fail(c, OCT_ERR_SHAPE, "%s '%.60s' has more than %d values", what, t->name,
                       max);
  if (r == 0 && t->data)
    return oct_si_fail(c, OCT_ERR_TYPE, "%s '%.60s' is %s, expected int32 or int64", what,
                       t->name, oct_dtype_name(t->type));
  *ok = r == 1;
  return OCT_OK;
}

static oct_status set_dims64(oct_si_ctx *c, int k, int rank, const int64_t *d) {
  int32_t d32[OCT_MAX_RANK];
  if (rank > OCT_MAX_RANK)
    return oct_si_fail(c, OCT_ERR_LIMIT, "output rank %d exceeds %d", rank, OCT_MAX_RANK);
  for (int i = 0; i < rank; i++) {
    if (d[i] < 1 || d[i] > INT32_MAX)
      return oct_si_fail(c, OCT_ERR_SHAPE, "output %d would have dimension %d = %lld", k, i,
                         (long long)d[i]);
    d32[i] = (int32_t)d[i];
  }
  return oct_si_set(c, k, rank, d32);
}

static oct_status infer_reshape(oct_si_ctx *c, const oct_ir_tensor *in) {
  const oct_ir_tensor *shape = oct_si_in(c, 1);
  const oct_reshape_options *o = &c->op->opts.reshape;
  int64_t v[MAXV];
  int n = 0;
  if (shape && shape->rank == 1) {
    const int r = oct_si_const_ints(shape, v, MAXV, &n);
    if (r < 0) return oct_si_fail(c, OCT_ERR_LIMIT, "shape '%.60s' is too long", shape->name);
    if (r == 0) return OCT_OK; /* run-time shape: keep the declared one */
  } else if (o->count >= 0) {
    n = o->count;
    for (int i = 0; i < n; i++) v[i] = o->new_shape[i];
    if (n == 1 && v[0] == 0) n = 0; /* legacy models write [0] for a scalar */
  } else {
    return OCT_OK;
  }
  if (n > OCT_MAX_RANK)
    return oct_si_fail(c, OCT_ERR_LIMIT, "new shape has %d dimensions", n);
  int64_t known = 1;
  int wild = -1;
  for (int i = 0; i < n; i++) {
    if (v[i] == -1 && wild < 0) {
      wild = i;
    } else if (v[i] < 1) {
      return oct_si_fail(c, OCT_ERR_SHAPE, "new shape has dimension %d = %lld", i,
                         (long long)v[i]);
    } else {
      known *= v[i];
      if (known > INT32_MAX) return oct_si_fail(c, OCT_ERR_LIMIT, "new shape is too large");
    }
  }
  const int64_t elems = oct_ir_elems(in);
  if (wild >= 0) {
    if (elems % known != 0)
      return oct_si_fail(c, OCT_ERR_SHAPE, "%lld elements do not fill a -1 dimension",
                         (long long)elems);
    v[wild] = elems / known;
    known = elems;
  }
  if (known != elems)
    return oct_si_fail(c, OCT_ERR_SHAPE, "input '%.60s' has %lld elements, the new shape %lld",
                       in->name, (long long)elems, (long long)known);
  return set_dims64(c, 0, n, v);
}

static oct_status infer_squeeze(oct_si_ctx *c, const oct_ir_tensor *in) {
  const oct_squeeze_options *o = &c->op->opts.squeeze;
  unsigned drop = 0;
  for (int i = 0; i < o->count; i++) {
    int a = 0;
    oct_status st = oct_si_axis(c, o->dims[i], in->rank, "squeeze axis", &a);
    if (st) return st;
    if (in->dims[a] != 1)
      return oct_si_fail(c, OCT_ERR_SHAPE, "squeeze axis %d has size %d, not 1", a,
                         (int)in->dims[a]);
    drop |= 1u << a;
  }
  if (o->count <= 0)
    for (int a = 0; a < in->rank; a++)
      if (in->dims[a] == 1) drop |= 1u << a;
  int32_t d[OCT_MAX_RANK];
  int r = 0;
  for (int a = 0; a < in->rank; a++)
    if (!(drop & (1u << a))) d[r++] = in->dims[a];
  return oct_si_set(c, 0, r, d);
}

/* Axis of an op that inserts one (EXPAND_DIMS, PACK): [-(rank+1), rank]. */
static oct_status insert_axis(oct_si_ctx *c, int64_t axis, int rank, int *out) {
  return oct_si_axis(c, axis, rank + 1, "axis", out);
}

static oct_status infer_expand_dims(oct_si_ctx *c, const oct_ir_tensor *in) {
  int64_t v[1];
  int n = 0, ok = 0, a = 0;
  oct_status st = const_operand(c, 1, "axis", v, 1, &n, &ok);
  if (st || !ok) return st;
  if (n != 1) return oct_si_fail(c, OCT_ERR_SHAPE, "axis must be one value");
  if ((st = insert_axis(c, v[0], in->rank, &a))) return st;
  int32_t d[OCT_MAX_RANK + 1];
  for (int i = 0, j = 0; i <= in->rank; i++) d[i] = i == a ? 1 : in->dims[j++];
  return oct_si_set(c, 0, in->rank + 1, d);
}

static oct_status infer_concat(oct_si_ctx *c, const oct_ir_tensor *in) {
  int axis = 0;
  oct_status st = oct_si_axis(c, c->op->opts.concat.axis, in->rank, "axis", &axis);
  if (st) return st;
  int32_t d[OCT_MAX_RANK];
  memcpy(d, in->dims, sizeof d);
  int64_t sum = 0;
  for (int k = 0; k < c->op->n_inputs; k++) {
    const oct_ir_tensor *t;
    if ((st = oct_si_need(c, k, &t))) return st;
    if (t->rank != in->rank)
      return oct_si_fail(c, OCT_ERR_SHAPE, "input %d '%.60s' has rank %d, input 0 %d", k,
                         t->name, t->rank, in->rank);
    for (int a = 0; a < in->rank; a++)
      if (a != axis && t->dims[a] != in->dims[a])
        return oct_si_fail(c, OCT_ERR_SHAPE, "input %d '%.60s' has %d in dimension %d, not %d",
                           k, t->name, (int)t->dims[a], a, (int)in->dims[a]);
    sum += t->dims[axis];
  }
  if (sum > INT32_MAX) return oct_si_fail(c, OCT_ERR_LIMIT, "concatenation too large");
  d[axis] = (int32_t)sum;
  return oct_si_set(c, 0, in->rank, d);
}

static oct_status infer_pad(oct_si_ctx *c, const oct_ir_tensor *in) {
  int64_t v[2 * OCT_MAX_RANK], d[OCT_MAX_RANK];
  int n = 0, ok = 0;
  oct_status st = const_operand(c, 1, "paddings", v, 2 * OCT_MAX_RANK, &n, &ok);
  if (st || !ok) return st;
  if (n != 2 * in->rank)
    return oct_si_fail(c, OCT_ERR_SHAPE, "paddings have %d values, expected [%d, 2]", n,
                       in->rank);
  for (int a = 0; a < in->rank; a++) {
    if (v[2 * a] < 0 || v[2 * a + 1] < 0)
      return oct_si_fail(c, OCT_ERR_SHAPE, "axis %d: negative padding", a);
    d[a] = in->dims[a] + v[2 * a] + v[2 * a + 1];
  }
  return set_dims64(c, 0, in->rank, d);
}

static oct_status infer_transpose(oct_si_ctx *c, const oct_ir_tensor *in) {
  int64_t v[OCT_MAX_RANK];
  int n = 0, ok = 0;
  oct_status st = const_operand(c, 1, "perm", v, OCT_MAX_RANK, &n, &ok);
  if (st || !ok) return st;
  if (n != in->rank)
    return oct_si_fail(c, OCT_ERR_SHAPE, "perm has %d entries for rank %d", n, in->rank);
  unsigned seen = 0;
  int32_t d[OCT_MAX_RANK];
  for (int i = 0; i < n; i++) {
    int a = 0;
    if ((st = oct_si_axis(c, v[i], in->rank, "perm entry", &a))) return st;
    if (seen & (1u << a)) return oct_si_fail(c, OCT_ERR_SHAPE, "perm repeats axis %d", a);
    seen |= 1u << a;
    d[i] = in->dims[a];
  }
  return oct_si_set(c, 0, n, d);
}

/* Size along one axis of a strided slice, with TensorFlow's rules (the
 * runtime's strided_slice.c resolves the same way). */
static oct_status slice_count(oct_si_ctx *c, int axis, int64_t begin, int64_t end,
                              int64_t s, int bmask, int emask, int shrink, int offset,
                              int64_t size, int64_t *count) {
  if (s == 0) return oct_si_fail(c, OCT_ERR_MODEL, "axis %d: stride is 0", axis);
  const int64_t lo = s > 0 ? 0 : -1, hi = s > 0 ? size : size - 1;
  int64_t b;
  if (bmask) {
    b = s > 0 ? 0 : size - 1;
  } else {
    b = begin < 0 ? begin + size : begin;
    if (shrink && (b < 0 || b >= size))
      return oct_si_fail(c, OCT_ERR_SHAPE, "axis %d: index %lld is out of range", axis,
                         (long long)begin);
    b = b < lo ? lo : (b > hi ? hi : b);
  }
  if (shrink) {
    *count = 1;
    return OCT_OK;
  }
  int64_t e;
  if (emask) {
    e = s > 0 ? size : -1;
  } else {
    e = end + (offset ? b : 0);
    if (e < 0) e += size;
    e = e < lo ? lo : (e > hi ? hi : e);
  }
  const int64_t span = s > 0 ? e - b : b - e, step = s > 0 ? s : -s;
  *count = span <= 0 ? 0 : (span + step - 1) / step;
  if (*count == 0) return oct_si_fail(c, OCT_ERR_SHAPE, "axis %d: the slice is empty", axis);
  return OCT_OK;
}

static oct_status infer_strided_slice(oct_si_ctx *c, const oct_ir_tensor *in) {
  const oct_strided_slice_options *o = &c->op->opts.strided_slice;
  int64_t begin[MAXV], end[MAXV], stride[MAXV];
  int nb = 0, ne = 0, ns = 0, ok1 = 0, ok2 = 0, ok3 = 0;
  oct_status st;
  if ((st = const_operand(c, 1, "begin", begin, MAXV, &nb, &ok1)) ||
      (st = const_operand(c, 2, "end", end, MAXV, &ne, &ok2)) ||
      (st = const_operand(c, 3, "strides", stride, MAXV, &ns, &ok3)))
    return st;
  if (!ok1 || !ok2 || !ok3) return OCT_OK;
  if (nb != ne || nb != ns || nb > 31)
    return oct_si_fail(c, OCT_ERR_SHAPE, "begin, end and strides have %d, %d and %d values",
                       nb, ne, ns);
  const uint32_t valid = (1u << nb) - 1;
  const uint32_t ellipsis = (uint32_t)o->ellipsis_mask & valid;
  const uint32_t new_axis = (uint32_t)o->new_axis_mask & valid;
  if (ellipsis & (ellipsis - 1)) return oct_si_fail(c, OCT_ERR_MODEL, "more than one ellipsis");
  const int n_eff = ellipsis ? nb : nb + 1;
  int ell_at = nb, new_after = 0;
  for (int i = 0; i < nb; i++)
    if (ellipsis & (1u << i)) ell_at = i;
  for (int i = ell_at + 1; i < nb; i++) new_after += (new_axis >> i) & 1;
  int64_t d[2 * OCT_MAX_RANK];
  int n_out = 0, full = 0;
  for (int i = 0; i < n_eff; i++) {
    if (i == ell_at) {
      int next = in->rank - (n_eff - i) + 1 + new_after;
      if (next > in->rank) next = in->rank;
      for (; full < next; full++) d[n_out++] = in->dims[full];
    } else if (new_axis & (1u << i)) {
      d[n_out++] = 1;
    } else {
      if (full >= in->rank)
        return oct_si_fail(c, OCT_ERR_SHAPE, "slice spec names more axes than rank %d",
                           in->rank);
      const int bit = 1 << i, shrink = (o->shrink_axis_mask & bit) != 0;
      int64_t count = 0;
      if ((st = slice_count(c, full, begin[i], end[i], stride[i], (o->begin_mask & bit) != 0,
                            (o->end_mask & bit) != 0, shrink, o->offset, in->dims[full],
                            &count)))
        return st;
      if (!shrink) d[n_out++] = count;
      full++;
    }
  }
  if (full != in->rank)
    return oct_si_fail(c, OCT_ERR_SHAPE, "slice spec covers %d of %d axes", full, in->rank);
  return set_dims64(c, 0, n_out, d);
}

static oct_status infer_slice(oct_si_ctx *c, const oct_ir_tensor *in) {
  int64_t begin[OCT_MAX_RANK], size[OCT_MAX_RANK];
  int nb = 0, ns = 0, ok1 = 0, ok2 = 0;
  oct_status st;
  if ((st = const_operand(c, 1, "begin", begin, OCT_MAX_RANK, &nb, &ok1)) ||
      (st = const_operand(c, 2, "size", size, OCT_MAX_RANK, &ns, &ok2)))
    return st;
  if (!ok1 || !ok2) return OCT_OK;
  if (nb != in->rank || ns != in->rank)
    return oct_si_fail(c, OCT_ERR_SHAPE, "begin and size have %d and %d values for rank %d",
                       nb, ns, in->rank);
  for (int a = 0; a < in->rank; a++) {
    const int64_t count = size[a] == -1 ? in->dims[a] - begin[a] : size[a];
    if (begin[a] < 0 || begin[a] >= in->dims[a] || count < 1 ||
        count > in->dims[a] - begin[a])
      return oct_si_fail(c, OCT_ERR_SHAPE, "axis %d: begin %lld size %lld do not fit %d", a,
                         (long long)begin[a], (long long)size[a], (int)in->dims[a]);
    size[a] = count;
  }
  return set_dims64(c, 0, in->rank, size);
}

/* SPLIT (axis, input) into equal parts; SPLIT_V (input, sizes, axis). */
static oct_status infer_split(oct_si_ctx *c, int v) {
  const oct_ir_tensor *in;
  oct_status st = oct_si_need(c, v ? 0 : 1, &in);
  if (st) return st;
  int64_t axis_v[1], sizes[4096];
  int n = 0, ok = 0, axis = 0;
  const int parts = c->op->n_outputs;
  if ((st = const_operand(c, v ? 2 : 0, "axis", axis_v, 1, &n, &ok)) || !ok) return st;
  if ((st = oct_si_axis(c, axis_v[0], in->rank, "axis", &axis))) return st;
  if (parts < 1 || parts > 4096)
    return oct_si_fail(c, OCT_ERR_MODEL, "has %d outputs", parts);
  if (!v) {
    if (c->op->opts.split.num_splits != parts)
      return oct_si_fail(c, OCT_ERR_MODEL, "num_splits %d but %d outputs",
                         (int)c->op->opts.split.num_splits, parts);
    if (in->dims[axis] % parts != 0)
      return oct_si_fail(c, OCT_ERR_SHAPE, "dimension %d (%d) does not split into %d parts",
                         axis, (int)in->dims[axis], parts);
    for (int k = 0; k < parts; k++) sizes[k] = in->dims[axis] / parts;
  } else {
    if ((st = const_operand(c, 1, "size_splits", sizes, 4096, &n, &ok)) || !ok) return st;
    if (n != parts)
      return oct_si_fail(c, OCT_ERR_MODEL, "%d split sizes for %d outputs", n, parts);
    int64_t sum = 0;
    int wild = -1;
    for (int k = 0; k < parts; k++) {
      if (sizes[k] == -1 && wild < 0) wild = k;
      else sum += sizes[k];
    }
    if (wild >= 0) sizes[wild] = in->dims[axis] - sum;
    else if (sum != in->dims[axis])
      return oct_si_fail(c, OCT_ERR_SHAPE, "split sizes add up to %lld, dimension %d is %d",
                         (long long)sum, axis, (int)in->dims[axis]);
  }
  for (int k = 0; k < parts; k++) {
    int64_t d[OCT_MAX_RANK];
    for (int a = 0; a < in->rank; a++) d[a] = a == axis ? sizes[k] : in->dims[a];
    if ((st = set_dims64(c, k, in->rank, d))) return st;
  }
  return OCT_OK;
}

/* MEAN, SUM, REDUCE_MAX (axes, keep_dims) and ARG_MAX/MIN (one axis). */
static oct_status infer_reduce(oct_si_ctx *c, const oct_ir_tensor *in, int arg) {
  int64_t axes[MAXV];
  int n = 0, ok = 0;
  oct_status st = const_operand(c, 1, "axis", axes, MAXV, &n, &ok);
  if (st || !ok) return st;
  if (arg && n != 1) return oct_si_fail(c, OCT_ERR_SHAPE, "axis must be one value");
  unsigned mask = 0;
  for (int i = 0; i < n; i++) {
    int a = 0;
    if ((st = oct_si_axis(c, axes[i], in->rank, "axis", &a))) return st;
    mask |= 1u << a;
  }
  const int keep = !arg && c->op->opts.reducer.keep_dims;
  int32_t d[OCT_MAX_RANK];
  int r = 0;
  for (int a = 0; a < in->rank; a++) {
    if (!(mask & (1u << a))) d[r++] = in->dims[a];
    else if (keep) d[r++] = 1;
  }
  return oct_si_set(c, 0, r, d);
}

static oct_status infer_resize(oct_si_ctx *c, const oct_ir_tensor *in) {
  int64_t v[2];
  int n = 0, ok = 0;
  oct_status st = const_operand(c, 1, "size", v, 2, &n, &ok);
  if (st || !ok) return st;
  if (in->rank != 4 || n != 2)
    return oct_si_fail(c, OCT_ERR_SHAPE, "needs a rank-4 input and two sizes");
  const int64_t d[4] = {in->dims[0], v[0], v[1], in->dims[3]};
  return set_dims64(c, 0, 4, d);
}

static oct_status infer_block(oct_si_ctx *c, const oct_ir_tensor *in, int to_space) {
  const int64_t bs = c->op->opts.block.block_size;
  if (in->rank != 4 || bs < 1)
    return oct_si_fail(c, OCT_ERR_SHAPE, "needs a rank-4 input and block size >= 1 (%lld)",
                       (long long)bs);
  int64_t d[4] = {in->dims[0], 0, 0, 0};
  if (to_space) {
    if (in->dims[3] % (bs * bs) != 0)
      return oct_si_fail(c, OCT_ERR_SHAPE, "%d channels do not fill %lldx%lld blocks",
                         (int)in->dims[3], (long long)bs, (long long)bs);
    d[1] = in->dims[1] * bs;
    d[2] = in->dims[2] * bs;
    d[3] = in->dims[3] / (bs * bs);
  } else {
    if (in->dims[1] % bs != 0 || in->dims[2] % bs != 0)
      return oct_si_fail(c, OCT_ERR_SHAPE, "%dx%d does not split into %lldx%lld blocks",
                         (int)in->dims[1], (int)in->dims[2], (long long)bs, (long long)bs);
    d[1] = in->dims[1] / bs;
    d[2] = in->dims[2] / bs;
    d[3] = in->dims[3] * bs * bs;
  }
  return set_dims64(c, 0, 4, d);
}

static oct_status infer_gather(oct_si_ctx *c, const oct_ir_tensor *in) {
  const oct_ir_tensor *idx;
  oct_status st = oct_si_need(c, 1, &idx);
  int axis = 0, bd = 0;
  if (!st) st = oct_si_axis(c, c->op->opts.gather.axis, in->rank, "axis", &axis);
  if (!st && c->op->opts.gather.batch_dims != 0)
    st = oct_si_axis(c, c->op->opts.gather.batch_dims, idx->rank + 1, "batch_dims", &bd);
  if (st) return st;
  int64_t d[3 * OCT_MAX_RANK];
  int r = 0;
  for (int a = 0; a < axis; a++) d[r++] = in->dims[a];
  for (int a = bd; a < idx->rank; a++) d[r++] = idx->dims[a];
  for (int a = axis + 1; a < in->rank; a++) d[r++] = in->dims[a];
  return set_dims64(c, 0, r, d);
}

static oct_status infer_pack(oct_si_ctx *c, const oct_ir_tensor *in) {
  const oct_pack_options *o = &c->op->opts.pack;
  int a = 0;
  oct_status st = insert_axis(c, o->axis, in->rank, &a);
  if (st) return st;
  if (o->values_count != c->op->n_inputs)
    return oct_si_fail(c, OCT_ERR_MODEL, "values_count %d but %d inputs", (int)o->values_count,
                       c->op->n_inputs);
  for (int k = 1; k < c->op->n_inputs; k++) {
    const oct_ir_tensor *t;
    if ((st = oct_si_need(c, k, &t))) return st;
    int same = t->rank == in->rank;
    for (int i = 0; same && i < in->rank; i++) same = t->dims[i] == in->dims[i];
    if (!same) return oct_si_fail(c, OCT_ERR_SHAPE, "input %d '%.60s' differs in shape", k, t->name);
  }
  int32_t d[OCT_MAX_RANK + 1];
  for (int i = 0, j = 0; i <= in->rank; i++) d[i] = i == a ? c->op->n_inputs : in->dims[j++];
  return oct_si_set(c, 0, in->rank + 1, d);
}

static oct_status infer_unpack(oct_si_ctx *c, const oct_ir_tensor *in) {
  int a = 0;
  oct_status st = oct_si_axis(c, c->op->opts.pack.axis, in->rank, "axis", &a);
  if (st) return st;
  if (in->dims[a] != c->op->n_outputs)
    return oct_si_fail(c, OCT_ERR_SHAPE, "axis %d has %d values but %d outputs", a,
                       (int)in->dims[a], c->op->n_outputs);
  int32_t d[OCT_MAX_RANK];
  int r = 0;
  for (int i = 0; i < in->rank; i++)
    if (i != a) d[r++] = in->dims[i];
  for (int k = 0; k < c->op->n_outputs; k++)
    if ((st = oct_si_set(c, k, r, d))) return st;
  return OCT_OK;
}

static oct_status infer_batch_matmul(oct_si_ctx *c, const oct_ir_tensor *x) {
  const oct_ir_tensor *y;
  oct_status st = oct_si_need(c, 1, &y);
  if (st) return st;
  if (x->rank < 2 || y->rank < 2)
    return oct_si_fail(c, OCT_ERR_SHAPE, "inputs need rank 2 or more");
  const oct_batch_matmul_options *o = &c->op->opts.batch_matmul;
  const int32_t m = x->dims[x->rank - (o->adj_x ? 1 : 2)];
  const int32_t kx = x->dims[x->rank - (o->adj_x ? 2 : 1)];
  const int32_t ky = y->dims[y->rank - (o->adj_y ? 1 : 2)];
  const int32_t n = y->dims[y->rank - (o->adj_y ? 2 : 1)];
  if (kx != ky)
    return oct_si_fail(c, OCT_ERR_SHAPE, "'%.60s' has depth %d, '%.60s' %d", x->name, (int)kx,
                       y->name, (int)ky);
  const int bx = x->rank - 2, by = y->rank - 2, rank = (bx > by ? bx : by) + 2;
  int32_t d[OCT_MAX_RANK];
  for (int i = 0; i < rank - 2; i++) {
    const int a = i - (rank - 2 - bx), b = i - (rank - 2 - by);
    const int32_t p = a >= 0 ? x->dims[a] : 1, q = b >= 0 ? y->dims[b] : 1;
    if (p != q && p != 1 && q != 1)
      return oct_si_fail(c, OCT_ERR_SHAPE, "batch dimensions %d and %d do not broadcast",
                         (int)p, (int)q);
    d[i] = p == 1 ? q : p;
  }
  d[rank - 2] = m;
  d[rank - 1] = n;
  return oct_si_set(c, 0, rank, d);
}

/* SPACE_TO_BATCH_ND (input, block_shape, paddings) and BATCH_TO_SPACE_ND
 * (input, block_shape, crops). */
static oct_status infer_space_batch(oct_si_ctx *c, const oct_ir_tensor *in, int to_batch) {
  int64_t block[OCT_MAX_RANK], pads[2 * OCT_MAX_RANK], d[OCT_MAX_RANK];
  int nb = 0, np = 0, ok1 = 0, ok2 = 0;
  oct_status st;
  if ((st = const_operand(c, 1, "block_shape", block, OCT_MAX_RANK, &nb, &ok1)) ||
      (st = const_operand(c, 2, to_batch ? "paddings" : "crops", pads, 2 * OCT_MAX_RANK, &np,
                          &ok2)))
    return st;
  if (!ok1 || !ok2) return OCT_OK;
  if (nb < 1 || nb + 1 > in->rank || np != 2 * nb)
    return oct_si_fail(c, OCT_ERR_SHAPE, "%d block sizes and %d paddings for rank %d", nb, np,
                       in->rank);
  int64_t prod = 1;
  for (int i = 0; i < in->rank; i++) d[i] = in->dims[i];
  for (int i = 0; i < nb; i++) {
    const int64_t b = block[i], lo = pads[2 * i], hi = pads[2 * i + 1];
    if (b < 1 || lo < 0 || hi < 0)
      return oct_si_fail(c, OCT_ERR_SHAPE, "spatial axis %d: block %lld, padding %lld/%lld", i,
                         (long long)b, (long long)lo, (long long)hi);
    prod *= b;
    if (to_batch) {
      const int64_t padded = in->dims[i + 1] + lo + hi;
      if (padded % b != 0)
        return oct_si_fail(c, OCT_ERR_SHAPE, "spatial axis %d (%lld) is not a multiple of %lld",
                           i, (long long)padded, (long long)b);
      d[i + 1] = padded / b;
    } else {
      d[i + 1] = in->dims[i + 1] * b - lo - hi;
    }
  }
  if (to_batch) {
    d[0] = in->dims[0] * prod;
  } else {
    if (in->dims[0] % prod != 0)
      return oct_si_fail(c, OCT_ERR_SHAPE, "batch %d is not a multiple of %lld",
                         (int)in->dims[0], (long long)prod);
    d[0] = in->dims[0] / prod;
  }
  return set_dims64(c, 0, in->rank, d);
}

oct_status oct_si_infer_move(oct_si_ctx *c) {
  const oct_ir_tensor *in = oct_si_in(c, 0);
  const int code = c->op->code;
  switch (code) {
    case OCT_OP_SPLIT:
    case OCT_OP_SPLIT_V: return infer_split(c, code == OCT_OP_SPLIT_V);
    case OCT_OP_UNPACK:
      if (!in) return oct_si_fail(c, OCT_ERR_MODEL, "input 0 is missing");
      return infer_unpack(c, in);
    case OCT_OP_RESHAPE: case OCT_OP_SQUEEZE: case OCT_OP_EXPAND_DIMS:
    case OCT_OP_CONCATENATION: case OCT_OP_PAD: case OCT_OP_PADV2:
    case OCT_OP_TRANSPOSE: case OCT_OP_STRIDED_SLICE: case OCT_OP_SLICE:
    case OCT_OP_MEAN: case OCT_OP_SUM: case OCT_OP_REDUCE_MAX:
    case OCT_OP_ARG_MAX: case OCT_OP_ARG_MIN:
    case OCT_OP_RESIZE_BILINEAR: case OCT_OP_RESIZE_NEAREST_NEIGHBOR:
    case OCT_OP_DEPTH_TO_SPACE: case OCT_OP_SPACE_TO_DEPTH:
    case OCT_OP_GATHER: case OCT_OP_PACK: case OCT_OP_BATCH_MATMUL:
    case OCT_OP_SHAPE: case OCT_OP_SPACE_TO_BATCH_ND: case OCT_OP_BATCH_TO_SPACE_ND: {
      oct_status st = oct_si_outputs(c, 1);
      if (!st && !in) st = oct_si_fail(c, OCT_ERR_MODEL, "input 0 is missing");
      if (st) return st;
      break;
    }
    default:
      c->unknown_op = 1;
      return OCT_OK;
  }
  switch (code) {
    case OCT_OP_RESHAPE: return infer_reshape(c, in);
    case OCT_OP_SQUEEZE: return infer_squeeze(c, in);
    case OCT_OP_EXPAND_DIMS: return infer_expand_dims(c, in);
    case OCT_OP_CONCATENATION: return infer_concat(c, in);
    case OCT_OP_PAD:
    case OCT_OP_PADV2: return infer_pad(c, in);
    case OCT_OP_TRANSPOSE: return infer_transpose(c, in);
    case OCT_OP_STRIDED_SLICE: return infer_strided_slice(c, in);
    case OCT_OP_SLICE: return infer_slice(c, in);
    case OCT_OP_MEAN:
    case OCT_OP_SUM:
    case OCT_OP_REDUCE_MAX: return infer_reduce(c, in, 0);
    case OCT_OP_ARG_MAX:
    case OCT_OP_ARG_MIN: return infer_reduce(c, in, 1);
    case OCT_OP_RESIZE_BILINEAR:
    case OCT_OP_RESIZE_NEAREST_NEIGHBOR: return infer_resize(c, in);
    case OCT_OP_DEPTH_TO_SPACE: return infer_block(c, in, 1);
    case OCT_OP_SPACE_TO_DEPTH: return infer_block(c, in, 0);
    case OCT_OP_GATHER: return infer_gather(c, in);
    case OCT_OP_PACK: return infer_pack(c, in);
    case OCT_OP_BATCH_MATMUL: return infer_batch_matmul(c, in);
    case OCT_OP_SPACE_TO_BATCH_ND: return infer_space_batch(c, in, 1);
    case OCT_OP_BATCH_TO_SPACE_ND: return infer_space_batch(c, in, 0);
    case OCT_OP_SHAPE: {
      const int32_t d[1] = {in->rank};
      return oct_si_set(c, 0, 1, d);
    }
    default: return OCT_OK;
  }
}
