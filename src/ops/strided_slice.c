/*
 * STRIDED_SLICE with TensorFlow's full semantics: begin/end/strides
 * (constant), negative indices, begin/end masks, shrink_axis, new_axis and
 * ellipsis masks, and the `offset` option (end counted from begin).
 *
 * The sparse spec (one entry per begin element) is first expanded to one
 * entry per input axis as TensorFlow's BuildDenseSpec does: an ellipsis
 * stands for every axis not otherwise named, and when there is none, one is
 * implied after the last entry. new_axis entries add size-1 output axes and
 * consume no input axis; shrink entries take one element and drop the axis.
 * Then each axis is resolved (masks, negative indices, clamping) into a
 * start, count and step for the strided copy.
 */
#include "shape_util.h"

#include "../kernels/ref/transform.h"

/* TFLite's kernel stops at 5-d inputs. */
#define OCT_SSLICE_MAX_RANK 5

typedef struct dense_axis {
  int64_t begin, end, stride;
  int begin_mask, end_mask, shrink;
} dense_axis;

typedef struct sslice_spec {
  int32_t n; /* sparse entries */
  int64_t begin[OCT_MAX_RANK], end[OCT_MAX_RANK], stride[OCT_MAX_RANK];
} sslice_spec;

/* Start, count and step along one input axis of size `size`. */
static oct_status resolve_axis(oct_ctx *ctx, const oct_node *node, int32_t axis,
                               const dense_axis *d, int64_t size, int offset,
                               int32_t *start, int32_t *count) {
  const int64_t s = d->stride;
  if (s == 0)
    return oct_fail(ctx, node, OCT_ERR_MODEL, "axis %d: stride is 0",
                    (int)axis);
  const int64_t lo = s > 0 ? 0 : -1, hi = s > 0 ? size : size - 1;
  int64_t b;
  if (d->begin_mask) {
    b = s > 0 ? 0 : size - 1;
  } else {
    b = d->begin < 0 ? d->begin + size : d->begin;
    if (d->shrink && (b < 0 || b >= size))
      return oct_fail(ctx, node, OCT_ERR_SHAPE,
                      "axis %d: index %lld is out of range for size %lld",
                      (int)axis, (long long)d->begin, (long long)size);
    b = b < lo ? lo : (b > hi ? hi : b);
  }
  if (d->shrink) {
    *start = (int32_t)b;
    *count = 1;
    return OCT_OK;
  }
  int64_t e;
  if (d->end_mask) {
    e = s > 0 ? size : -1;
  } else {
    e = d->end;
    if (offset) e += b;
    if (e < 0) e += size;
    e = e < lo ? lo : (e > hi ? hi : e);
  }
  const int64_t span = s > 0 ? e - b : b - e;
  const int64_t step = s > 0 ? s : -s;
  const int64_t n = span <= 0 ? 0 : (span + step - 1) / step;
  /* An empty slice cannot match a declared shape (zero dims are refused at
   * load); report it with the axis, which says more than a shape mismatch. */
  if (n == 0)
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                    "axis %d: the slice is empty", (int)axis);
  *start = (int32_t)b;
  *count = (int32_t)n;
  return OCT_OK;
}

static int64_t clamp_i32(int64_t v) {
  return v < -INT32_MAX ? -INT32_MAX : (v > INT32_MAX ? INT32_MAX : v);
}

static oct_status read_spec(oct_ctx *ctx, const oct_node *node,
                            sslice_spec *sp) {
  int32_t nb = 0, ne = 0, ns = 0;
  oct_status st = oct_shape_read_ints(ctx, node, oct_input(ctx, node, 1),
                                      "begin", 1, sp->begin, OCT_MAX_RANK, &nb);
  if (!st)
    st = oct_shape_read_ints(ctx, node, oct_input(ctx, node, 2), "end", 1,
                             sp->end, OCT_MAX_RANK, &ne);
  if (!st)
    st = oct_shape_read_ints(ctx, node, oct_input(ctx, node, 3), "strides", 1,
                             sp->stride, OCT_MAX_RANK, &ns);
  if (st) return st;
  if (nb != ne || nb != ns)
    return oct_fail(ctx, node, OCT_ERR_SHAPE,
                    "begin, end and strides have %d, %d and %d entries",
                    (int)nb, (int)ne, (int)ns);
  sp->n = nb;
  /* Indices beyond int32 behave like the int32 extremes (they clamp to the
   * axis anyway); clamping here keeps the int64 arithmetic below exact. */
  for (int32_t i = 0; i < nb; i++) {
    sp->begin[i] = clamp_i32(sp->begin[i]);
    sp->end[i] = clamp_i32(sp->end[i]);
    sp->stride[i] = clamp_i32(sp->stride[i]);
  }
  return OCT_OK;
}

static oct_status sslice_prepare(oct_ctx *ctx, oct_node *node) {
  oct_status st = oct_shape_check_io(ctx, node, 4, 4, 1);
  if (st) return st;
  const oct_tensor *in = oct_input(ctx, node, 0);
  const oct_tensor *out = oct_output(ctx, node, 0);
  int32_t es = 0;
  st = oct_shape_same_type(ctx, node, in, out, &es);
  if (st) return st;
  if (in->rank > OCT_SSLICE_MAX_RANK)
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED, "rank %d exceeds %d",
                    (int)in->rank, OCT_SSLICE_MAX_RANK);
  sslice_spec sp;
  st = read_spec(ctx, node, &sp);
  if (st) return st;
  const oct_strided_slice_options *o = &node->opts->strided_slice;
  const uint32_t valid = sp.n >= 32 ? 0xffffffffu : (1u << sp.n) - 1;
  const uint32_t ellipsis = (uint32_t)o->ellipsis_mask & valid;
  const uint32_t new_axis = (uint32_t)o->new_axis_mask & valid;
  if (ellipsis & (ellipsis - 1))
    return oct_fail(ctx, node, OCT_ERR_MODEL, "more than one ellipsis");

  /* Sparse entries, plus the implied trailing ellipsis. */
  const int32_t n_eff = ellipsis ? sp.n : sp.n + 1;
  int32_t ell_at = sp.n;
  for (int32_t i = 0; i < sp.n; i++)
    if (ellipsis & (1u << i)) ell_at = i;
  int32_t new_after = 0;
  for (int32_t i = ell_at + 1; i < sp.n; i++) new_after += (new_axis >> i) & 1;

  const int32_t rank = in->rank;
  dense_axis dense[OCT_MAX_RANK];
  int32_t out_dims[OCT_MAX_RANK * 2];
  int8_t out_src[OCT_MAX_RANK * 2]; /* dense axis of an output dim, -1 new */
  int32_t n_out = 0, full = 0;
  for (int32_t i = 0; i < n_eff; i++) {
    if (i == ell_at) {
      int32_t next = rank - (n_eff - i) + 1 + new_after;
      if (next > rank) next = rank;
      for (; full < next; full++) {
        dense[full] = (dense_axis){0, 0, 1, 1, 1, 0};
        out_src[n_out++] = (int8_t)full;
      }
    } else if (new_axis & (1u << i)) {
      out_src[n_out++] = -1;
    } else {
      if (full >= rank)
        return oct_fail(ctx, node, OCT_ERR_SHAPE,
                        "slice spec names more axes than the input's %d",
                        (int)rank);
      const uint32_t bit = 1u << i;
      dense[full] = (dense_axis){sp.begin[i],
                                 sp.end[i],
                                 sp.stride[i],
                                 (o->begin_mask & (int32_t)bit) != 0,
                                 (o->end_mask & (int32_t)bit) != 0,
                                 (o->shrink_axis_mask & (int32_t)bit) != 0};
      if (!dense[full].shrink) out_src[n_out++] = (int8_t)full;
      full++;
    }
  }
  /* An ellipsis that came first leaves nothing uncovered; without one, the
   * implied ellipsis already took the rest. */
  if (full != rank)
    return oct_fail(ctx, node, OCT_ERR_SHAPE, "slice spec covers %d of %d axes",
                    (int)full, (int)rank);

  int32_t starts[OCT_MAX_RANK], counts[OCT_MAX_RANK], steps[OCT_MAX_RANK];
  for (int32_t a = 0; a < rank; a++) {
    st = resolve_axis(ctx, node, a, &dense[a], in->dims[a], o->offset,
                      &starts[a], &counts[a]);
    if (st) return st;
    steps[a] = dense[a].shrink ? 1 : (int32_t)dense[a].stride;
  }
  if (n_out > OCT_MAX_RANK)
    return oct_fail(ctx, node, OCT_ERR_LIMIT, "output rank %d exceeds %d",
                    (int)n_out, OCT_MAX_RANK);
  for (int32_t k = 0; k < n_out; k++)
    out_dims[k] = out_src[k] < 0 ? 1 : counts[out_src[k]];
  st = oct_check_output_shape(ctx, node, out, n_out, out_dims);
  if (st) return st;
  oct_strided_copy_params p;
  oct_shape_slice_params(in, starts, counts, steps, es, &p);
  return oct_shape_set_strided(ctx, node, &p);
}

const oct_op oct_op_strided_slice = {OCT_OP_STRIDED_SLICE, sslice_prepare,
                                     oct_shape_eval_strided};
