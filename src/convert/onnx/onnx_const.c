/*
 * Evaluation at import of ops whose inputs are all constant.
 *
 * Exporters compute shapes inside the graph (Shape -> Gather -> Unsqueeze ->
 * Concat -> Reshape, ConstantOfShape, Range, small arithmetic); evaluating
 * those chains here leaves the IR with plain constant shapes and no int64
 * shape arithmetic. The evaluators work element by element through double
 * (float types) or int64 (integer types): simple, exact for the small
 * integer tensors they are meant for, and bounded by OCT_ONNX_FOLD_MAX_ELEMS
 * (larger results are left to the IR's constant folding pass).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "onnx_internal.h"

static void *alloc_elems(oct_onnx_ctx *c, int64_t n, oct_dtype type) {
  if (oct_onnx_charge(c, (size_t)(n > 0 ? n : 0) * oct_dtype_size(type), "a constant evaluated at import"))
    return NULL;
  void *d = calloc((size_t)(n ? n : 1), oct_dtype_size(type));
  if (!d) oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory evaluating a constant");
  return d;
}

static oct_status define_out(oct_onnx_ctx *c, const oct_onnx_node *n, oct_dtype type,
                             int rank, const int32_t *dims, void *data) {
  if (!n->n_out || !n->out[0]) {
    free(data);
    return OCT_OK;
  }
  return oct_onnx_define_const(c, n->out[0], type, rank, dims, data);
}

static oct_status check_dims64(oct_onnx_ctx *c, oct_dtype type, int rank, const int64_t *d,
                               int32_t *out) {
  oct_status st = oct_onnx_check_shape(c, "the result", type, rank, d, 1);
  for (int k = 0; !st && k < rank; k++) out[k] = (int32_t)d[k];
  return st;
}

/* ---- Constant, ConstantOfShape, Range, Shape, Size ---- */
static OCT_ONNX_HANDLER(fold_constant) {
  if (n->p->n_attribute != 1)
    return oct_onnx_fail(c, OCT_ERR_MODEL, "needs exactly one value attribute");
  const Onnx__AttributeProto *a = n->p->attribute[0];
  oct_onnx_value *v = n->n_out ? n->out[0] : NULL;
  if (!v) return OCT_OK;
  const char *an = a->name;
  if (!strcmp(an, "value")) {
    if (!a->t) return oct_onnx_fail(c, OCT_ERR_MODEL, "attribute 'value' holds no tensor");
    oct_onnx_value tmp;
    memset(&tmp, 0, sizeof tmp);
    oct_status st = oct_onnx_parse_tensor(c, a->t, "attribute 'value'", &tmp);
    if (st) return st;
    return oct_onnx_define_const(c, v, tmp.type, tmp.rank, tmp.dims, tmp.data);
  }
  const int is_list = !strcmp(an, "value_floats") || !strcmp(an, "value_ints");
  const int is_float = !strcmp(an, "value_float") || !strcmp(an, "value_floats");
  const size_t count = is_list ? (is_float ? a->n_floats : a->n_ints) : 1;
  if (count > (size_t)OCT_ONNX_FOLD_MAX_ELEMS)
    return oct_onnx_fail(c, OCT_ERR_LIMIT, "attribute '%s' is too long", an);
  const oct_dtype type = is_float ? OCT_FLOAT32 : OCT_INT64;
  void *d = alloc_elems(c, (int64_t)count, type);
  if (!d) return c->last;
  for (size_t i = 0; i < count; i++) {
    if (is_float) ((float *)d)[i] = is_list ? a->floats[i] : a->f;
    else ((int64_t *)d)[i] = is_list ? a->ints[i] : a->i;
  }
  const int32_t dims[1] = {(int32_t)count};
  return oct_onnx_define_const(c, v, type, is_list ? 1 : 0, dims, d);
}

static OCT_ONNX_HANDLER(fold_constant_of_shape) {
  int64_t shape[OCT_MAX_RANK];
  int rank;
  if (n->n_in < 1 || !n->in[0]) return oct_onnx_fail(c, OCT_ERR_MODEL, "needs a shape input");
  oct_status st = oct_onnx_const_ints(c, n->in[0], "shape", shape, OCT_MAX_RANK, &rank);
  if (st) return st;
  oct_dtype type = OCT_FLOAT32;
  double x = 0;
  const Onnx__AttributeProto *a = oct_onnx_attr(n, "value");
  if (a) {
    oct_onnx_value tmp;
    memset(&tmp, 0, sizeof tmp);
    if (!a->t) return oct_onnx_fail(c, OCT_ERR_MODEL, "attribute 'value' holds no tensor");
    if ((st = oct_onnx_parse_tensor(c, a->t, "attribute 'value'", &tmp))) return st;
    const int ok = oct_onnx_elems(tmp.rank, tmp.dims) == 1;
    type = tmp.type;
    if (ok) x = oct_onnx_is_float(type) ? oct_onnx_get_f(&tmp, 0) : (double)oct_onnx_get_i(&tmp, 0);
    const int64_t xi = ok && !oct_onnx_is_float(type) ? oct_onnx_get_i(&tmp, 0) : 0;
    free(tmp.data);
    if (!ok) return oct_onnx_fail(c, OCT_ERR_MODEL, "attribute 'value' must hold one element");
    int32_t dims[OCT_MAX_RANK];
    if ((st = check_dims64(c, type, rank, shape, dims))) return st;
    const int64_t cnt = oct_onnx_elems(rank, dims);
    void *d = alloc_elems(c, cnt, type);
    if (!d) return c->last;
    for (int64_t i = 0; i < cnt; i++) {
      if (oct_onnx_is_float(type)) oct_onnx_set_f(type, d, i, x);
      else oct_onnx_set_i(type, d, i, xi);
    }
    return define_out(c, n, type, rank, dims, d);
  }
  int32_t dims[OCT_MAX_RANK];
  if ((st = check_dims64(c, type, rank, shape, dims))) return st;
  void *d = alloc_elems(c, oct_onnx_elems(rank, dims), type); /* zeros */
  if (!d) return c->last;
  return define_out(c, n, type, rank, dims, d);
}

static OCT_ONNX_HANDLER(fold_range) {
  if (n->n_in != 3 || !n->in[0] || !n->in[1] || !n->in[2])
    return oct_onnx_fail(c, OCT_ERR_MODEL, "needs start, limit and delta");
  for (int i = 0; i < 3; i++)
    if (oct_onnx_elems(n->in[i]->rank, n->in[i]->dims) != 1)
      return oct_onnx_fail(c, OCT_ERR_MODEL, "'%s' must be a scalar", n->in[i]->name);
  const oct_dtype type = n->in[0]->type;
  const double s = oct_onnx_get_f(n->in[0], 0), l = oct_onnx_get_f(n->in[1], 0),
               d = oct_onnx_get_f(n->in[2], 0);
  if (d == 0 || !isfinite(s) || !isfinite(l) || !isfinite(d))
    return oct_onnx_fail(c, OCT_ERR_MODEL, "bad range %g to %g step %g", s, l, d);
  double cnt = ceil((l - s) / d);
  if (cnt < 0) cnt = 0;
  if (cnt > OCT_ONNX_FOLD_MAX_ELEMS)
    return oct_onnx_fail(c, OCT_ERR_LIMIT, "range of %.0f elements is too long", cnt);
  const int32_t dims[1] = {(int32_t)cnt};
  void *out = alloc_elems(c, dims[0], type);
  if (!out) return c->last;
  const int64_t si = oct_onnx_get_i(n->in[0], 0), di = oct_onnx_get_i(n->in[2], 0);
  for (int64_t i = 0; i < dims[0]; i++) {
    if (oct_onnx_is_float(type)) oct_onnx_set_f(type, out, i, s + (double)i * d);
    else oct_onnx_set_i(type, out, i, si + i * di);
  }
  return define_out(c, n, type, 1, dims, out);
}

static OCT_ONNX_HANDLER(fold_shape) {
  const oct_onnx_value *x = n->n_in ? n->in[0] : NULL;
  if (!x) return oct_onnx_fail(c, OCT_ERR_MODEL, "needs an input");
  const int r = x->rank;
  int64_t start = 0, end = r;
  oct_status st = oct_onnx_attr_int(c, n, "start", 0, &start);
  if (!st) st = oct_onnx_attr_int(c, n, "end", r, &end);
  if (st) return st;
  if (start < 0) start += r;
  if (end < 0) end += r;
  start = start < 0 ? 0 : start > r ? r : start;
  end = end < 0 ? 0 : end > r ? r : end;
  const int cnt = end > start ? (int)(end - start) : 0;
  int64_t *d = alloc_elems(c, cnt, OCT_INT64);
  if (!d) return c->last;
  if (!strcmp(n->op, "Size")) {
    d[0] = oct_onnx_elems(r, x->dims);
    return define_out(c, n, OCT_INT64, 0, NULL, d);
  }
  for (int i = 0; i < cnt; i++) d[i] = x->dims[start + i];
  const int32_t dims[1] = {cnt};
  return define_out(c, n, OCT_INT64, 1, dims, d);
}

/* ---- data movement ---- */
static OCT_ONNX_HANDLER(fold_reshape) {
  int rank;
  int32_t dims[OCT_MAX_RANK];
  oct_status st = oct_onnx_reshape_shape(c, n, &rank, dims);
  if (st) return st;
  const oct_onnx_value *x = n->in[0];
  void *d = alloc_elems(c, oct_onnx_elems(x->rank, x->dims), x->type);
  if (!d) return c->last;
  if (x->bytes) memcpy(d, x->data, x->bytes);
  return define_out(c, n, x->type, rank, dims, d);
}

static OCT_ONNX_HANDLER(fold_identity) {
  if (!n->n_in || !n->in[0]) return oct_onnx_fail(c, OCT_ERR_MODEL, "needs an input");
  if (!n->n_out || !n->out[0]) return OCT_OK;
  return oct_onnx_define_alias(c, n->out[0], n->in[0]);
}

static OCT_ONNX_HANDLER(fold_transpose) {
  int perm[OCT_MAX_RANK];
  oct_status st = oct_onnx_transpose_perm(c, n, perm);
  if (st) return st;
  const oct_onnx_value *x = n->in[0];
  void *d = alloc_elems(c, oct_onnx_elems(x->rank, x->dims), x->type);
  if (!d) return c->last;
  oct_onnx_permute(x->data, oct_dtype_size(x->type), x->rank, x->dims, perm, d);
  int32_t dims[OCT_MAX_RANK];
  for (int k = 0; k < x->rank; k++) dims[k] = x->dims[perm[k]];
  return define_out(c, n, x->type, x->rank, dims, d);
}

static OCT_ONNX_HANDLER(fold_concat) {
  int64_t axis64;
  oct_status st = oct_onnx_attr_int(c, n, "axis", 0, &axis64);
  if (st) return st;
  const oct_onnx_value *x0 = NULL;
  for (int i = 0; i < n->n_in && !x0; i++) x0 = n->in[i];
  if (!x0) return oct_onnx_fail(c, OCT_ERR_MODEL, "has no inputs");
  const int r = x0->rank, axis = oct_onnx_norm_axis(axis64, r);
  if (axis < 0) return oct_onnx_fail(c, OCT_ERR_MODEL, "axis %lld is out of range", (long long)axis64);
  int32_t dims[OCT_MAX_RANK];
  memcpy(dims, x0->dims, sizeof dims);
  int64_t total = 0;
  for (int i = 0; i < n->n_in; i++) {
    const oct_onnx_value *x = n->in[i];
    if (!x) continue;
    if (x->rank != r || x->type != x0->type)
      return oct_onnx_fail(c, OCT_ERR_SHAPE, "inputs differ in rank or type");
    for (int k = 0; k < r; k++)
      if (k != axis && x->dims[k] != dims[k])
        return oct_onnx_fail(c, OCT_ERR_SHAPE, "'%s' does not match along axis %d", x->name, k);
    total += x->dims[axis];
  }
  if (total > OCT_ONNX_FOLD_MAX_ELEMS) return OCT_OK;
  dims[axis] = (int32_t)total;
  const int64_t cnt = oct_onnx_elems(r, dims);
  if (cnt > OCT_ONNX_FOLD_MAX_ELEMS) return OCT_OK;
  const size_t esz = oct_dtype_size(x0->type);
  char *d = alloc_elems(c, cnt, x0->type);
  if (!d) return c->last;
  const int64_t outer = oct_onnx_elems(axis, dims);
  const int64_t inner = oct_onnx_elems(r - axis - 1, dims + axis + 1);
  int64_t off = 0;
  for (int i = 0; i < n->n_in; i++) {
    const oct_onnx_value *x = n->in[i];
    if (!x) continue;
    const size_t chunk = (size_t)(x->dims[axis] * inner) * esz;
    for (int64_t o = 0; o < outer; o++)
      if (chunk)
        memcpy(d + ((size_t)(o * total * inner) * esz) + (size_t)off,
               (const char *)x->data + (size_t)o * chunk, chunk);
    off += (int64_t)chunk;
  }
  return define_out(c, n, x0->type, r, dims, d);
}

static OCT_ONNX_HANDLER(fold_gather) {
  int axis;
  int64_t *idx, cnt;
  oct_status st = oct_onnx_gather_indices(c, n, &axis, &idx, &cnt);
  if (st) return st;
  const oct_onnx_value *x = n->in[0], *ind = n->in[1];
  const int r = x->rank - 1 + ind->rank;
  int32_t dims[OCT_MAX_RANK];
  int k = 0;
  for (int i = 0; i < axis; i++) dims[k++] = x->dims[i];
  for (int i = 0; i < ind->rank; i++) dims[k++] = ind->dims[i];
  for (int i = axis + 1; i < x->rank; i++) dims[k++] = x->dims[i];
  const int64_t total = oct_onnx_elems(r, dims);
  if (r > OCT_MAX_RANK || total > OCT_ONNX_FOLD_MAX_ELEMS) {
    free(idx);
    return OCT_OK;
  }
  const size_t esz = oct_dtype_size(x->type);
  const int64_t outer = oct_onnx_elems(axis, x->dims);
  const int64_t inner = oct_onnx_elems(x->rank - axis - 1, x->dims + axis + 1);
  char *d = alloc_elems(c, total, x->type);
  if (!d) {
    free(idx);
    return c->last;
  }
  const size_t row = (size_t)inner * esz;
  for (int64_t o = 0; o < outer; o++)
    for (int64_t i = 0; i < cnt; i++)
      if (row)
        memcpy(d + (size_t)(o * cnt + i) * row,
               (const char *)x->data + (size_t)(o * x->dims[axis] + idx[i]) * row, row);
  free(idx);
  return define_out(c, n, x->type, r, dims, d);
}

static OCT_ONNX_HANDLER(fold_slice) {
  oct_onnx_slice_p s;
  oct_status st = oct_onnx_slice_params(c, n, &s);
  if (st) return st;
  const oct_onnx_value *x = n->in[0];
  const int r = x->rank;
  const int64_t total = oct_onnx_elems(r, s.size);
  const size_t esz = oct_dtype_size(x->type);
  char *d = alloc_elems(c, total, x->type);
  if (!d) return c->last;
  int64_t stride[OCT_MAX_RANK], idx[OCT_MAX_RANK] = {0};
  int64_t acc = 1;
  for (int k = r - 1; k >= 0; k--) {
    stride[k] = acc;
    acc *= x->dims[k];
  }
  for (int64_t i = 0; i < total; i++) {
    int64_t off = 0;
    for (int k = 0; k < r; k++) off += (s.begin[k] + idx[k] * s.stride[k]) * stride[k];
    memcpy(d + (size_t)i * esz, (const char *)x->data + (size_t)off * esz, esz);
    for (int k = r - 1; k >= 0; k--) {
      if (++idx[k] < s.size[k]) break;
      idx[k] = 0;
    }
  }
  return define_out(c, n, x->type, r, s.size, d);
}

static OCT_ONNX_HANDLER(fold_cast) {
  int64_t to;
  oct_status st = oct_onnx_attr_int(c, n, "to", 0, &to);
  if (st) return st;
  oct_dtype type;
  if (!oct_onnx_dtype((int32_t)to, &type))
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "cast to data type %s is not supported",
                         oct_onnx_dtype_name((int32_t)to));
  const oct_onnx_value *x = n->in[0];
  const int64_t cnt = oct_onnx_elems(x->rank, x->dims);
  void *d = alloc_elems(c, cnt, type);
  if (!d) return c->last;
  for (int64_t i = 0; i < cnt; i++) {
    if (type == OCT_BOOL) oct_onnx_set_i(type, d, i, oct_onnx_get_f(x, i) != 0);
    else if (oct_onnx_is_float(x->type)) oct_onnx_set_f(type, d, i, oct_onnx_get_f(x, i));
    else oct_onnx_set_i(type, d, i, oct_onnx_get_i(x, i));
  }
  return define_out(c, n, type, x->rank, x->dims, d);
}

/* ---- elementwise, with numpy broadcasting ---- */
typedef enum { EW_ADD, EW_SUB, EW_MUL, EW_DIV, EW_POW, EW_MAX, EW_MIN, EW_EQUAL, EW_WHERE,
               EW_EXPAND, EW_NEG, EW_SQRT, EW_FLOOR, EW_ABS, EW_RELU } ew_kind;

static const struct { const char *op; ew_kind k; } k_ew[] = {
    {"Add", EW_ADD},     {"Sub", EW_SUB},     {"Mul", EW_MUL},       {"Div", EW_DIV},
    {"Pow", EW_POW},     {"Max", EW_MAX},     {"Min", EW_MIN},       {"Equal", EW_EQUAL},
    {"Where", EW_WHERE}, {"Expand", EW_EXPAND}, {"Neg", EW_NEG},     {"Sqrt", EW_SQRT},
    {"Floor", EW_FLOOR}, {"Abs", EW_ABS},     {"Relu", EW_RELU}};

static double ew_f(ew_kind k, double a, double b) {
  switch (k) {
    case EW_ADD: return a + b;
    case EW_SUB: return a - b;
    case EW_MUL: return a * b;
    case EW_DIV: return a / b;
    case EW_POW: return pow(a, b);
    case EW_MAX: return a > b ? a : b;
    case EW_MIN: return a < b ? a : b;
    case EW_EQUAL: return a == b;
    case EW_NEG: return -a;
    case EW_SQRT: return sqrt(a);
    case EW_FLOOR: return floor(a);
    case EW_ABS: return fabs(a);
    case EW_RELU: return a > 0 ? a : 0;
    default: return a;
  }
}

/* Integer arithmetic wraps (through uint64) as the runtime's would. */
static int ew_i(ew_kind k, int64_t a, int64_t b, int64_t *out) {
  const uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
  switch (k) {
    case EW_ADD: *out = (int64_t)(ua + ub); return 1;
    case EW_SUB: *out = (int64_t)(ua - ub); return 1;
    case EW_MUL: *out = (int64_t)(ua * ub); return 1;
    case EW_DIV:
      if (b == 0 || (a == INT64_MIN && b == -1)) return 0;
      *out = a / b;
      return 1;
    case EW_POW: {
      if (b < 0) return 0;
      uint64_t r = 1;
      for (int64_t i = 0; i < b && i < 64; i++) r *= ua;
      *out = (int64_t)r;
      return 1;
    }
    case EW_MAX: *out = a > b ? a : b; return 1;
    case EW_MIN: *out = a < b ? a : b; return 1;
    case EW_EQUAL: *out = a == b; return 1;
    case EW_NEG: *out = (int64_t)(0 - ua); return 1;
    case EW_ABS: *out = a < 0 ? (int64_t)(0 - ua) : a; return 1;
    case EW_RELU: *out = a > 0 ? a : 0; return 1;
    default: *out = a; return 1;
  }
}

static OCT_ONNX_HANDLER(fold_elementwise) {
  ew_kind k = EW_ADD;
  for (size_t i = 0; i < sizeof k_ew / sizeof k_ew[0]; i++)
    if (!strcmp(n->op, k_ew[i].op)) k = k_ew[i].k;
  oct_onnx_value *in[3] = {NULL, NULL, NULL};
  int nin = 0;
  for (int i = 0; i < n->n_in && i < 3; i++)
    if (n->in[i]) in[nin++] = n->in[i];
  const int want = k == EW_WHERE ? 3 : k >= EW_NEG ? 1 : 2;
  if (nin != want || n->n_in != want) {
    if ((k == EW_MAX || k == EW_MIN) && nin != 2) return OCT_OK; /* variadic: translated */
    return oct_onnx_fail(c, OCT_ERR_MODEL, "needs %d inputs", want);
  }
  /* Expand broadcasts against a shape given as data. */
  oct_onnx_value shape_v;
  if (k == EW_EXPAND) {
    int64_t sh[OCT_MAX_RANK];
    int r;
    oct_status st = oct_onnx_const_ints(c, in[1], "shape", sh, OCT_MAX_RANK, &r);
    if (st) return st;
    memset(&shape_v, 0, sizeof shape_v);
    shape_v.name = in[1]->name;
    shape_v.rank = r;
    for (int i = 0; i < r; i++) {
      if (sh[i] < 0 || sh[i] > INT32_MAX)
        return oct_onnx_fail(c, OCT_ERR_MODEL, "bad shape value %lld", (long long)sh[i]);
      shape_v.dims[i] = (int32_t)sh[i];
    }
    in[1] = &shape_v;
  }
  int rank;
  int32_t dims[OCT_MAX_RANK];
  oct_status st = oct_onnx_broadcast(c, nin, in, &rank, dims);
  if (st) return st;
  const int64_t total = oct_onnx_elems(rank, dims);
  if (total > OCT_ONNX_FOLD_MAX_ELEMS) return OCT_OK;
  const oct_onnx_value *src = k == EW_WHERE ? in[1] : in[0];
  const oct_dtype type = k == EW_EQUAL ? OCT_BOOL : src->type;
  if (k == EW_WHERE && in[2]->type != type)
    return oct_onnx_fail(c, OCT_ERR_TYPE, "inputs differ in type");
  if ((k == EW_ADD || k == EW_SUB || k == EW_MUL || k == EW_DIV || k == EW_MAX || k == EW_MIN ||
       k == EW_EQUAL) && in[1]->type != in[0]->type)
    return oct_onnx_fail(c, OCT_ERR_TYPE, "inputs differ in type");
  /* Per-input strides over the output index, 0 along broadcast axes. */
  int64_t str[3][OCT_MAX_RANK];
  const int nsrc = k == EW_EXPAND ? 1 : nin;
  for (int i = 0; i < nsrc; i++) {
    int64_t acc = 1;
    const int off = rank - in[i]->rank;
    for (int a = rank - 1; a >= 0; a--) {
      const int ia = a - off;
      const int32_t d = ia >= 0 ? in[i]->dims[ia] : 1;
      str[i][a] = d == 1 ? 0 : acc;
      acc *= d;
    }
  }
  void *d = alloc_elems(c, total, type);
  if (!d) return c->last;
  const int flt = oct_onnx_is_float(src->type);
  int64_t idx[OCT_MAX_RANK] = {0}, off[3] = {0, 0, 0};
  for (int64_t e = 0; e < total; e++) {
    if (k == EW_WHERE || k == EW_EXPAND) {
      const oct_onnx_value *from = k == EW_EXPAND ? in[0]
                                   : oct_onnx_get_i(in[0], off[0]) ? in[1] : in[2];
      const int64_t o = k == EW_EXPAND ? off[0] : from == in[1] ? off[1] : off[2];
      memcpy((char *)d + (size_t)e * oct_dtype_size(type),
             (const char *)from->data + (size_t)o * oct_dtype_size(type), oct_dtype_size(type));
    } else if (flt) {
      const double a = oct_onnx_get_f(in[0], off[0]);
      const double b = nin > 1 ? oct_onnx_get_f(in[1], off[1]) : 0;
      oct_onnx_set_f(type, d, e, ew_f(k, a, b));
    } else {
      int64_t r = 0;
      const int64_t b = nin > 1 ? (oct_onnx_is_float(in[1]->type)
                                       ? (int64_t)oct_onnx_get_f(in[1], off[1])
                                       : oct_onnx_get_i(in[1], off[1]))
                                : 0;
      if (k == EW_SQRT || k == EW_FLOOR) r = oct_onnx_get_i(in[0], off[0]);
      else if (!ew_i(k, oct_onnx_get_i(in[0], off[0]), b, &r)) {
        free(d);
        return oct_onnx_fail(c, OCT_ERR_MODEL, "integer %s by %lld", n->op, (long long)b);
      }
      oct_onnx_set_i(type, d, e, r);
    }
    for (int a = rank - 1; a >= 0; a--) {
      for (int i = 0; i < nsrc; i++) off[i] += str[i][a];
      if (++idx[a] < dims[a]) break;
      for (int i = 0; i < nsrc; i++) off[i] -= str[i][a] * dims[a];
      idx[a] = 0;
    }
  }
  return define_out(c, n, type, rank, dims, d);
}

static const struct {
  const char *op;
  oct_onnx_fn fn;
} k_folders[] = {
    {"Abs", fold_elementwise},   {"Add", fold_elementwise},      {"Cast", fold_cast},
    {"Concat", fold_concat},     {"Constant", fold_constant},
    {"ConstantOfShape", fold_constant_of_shape},                 {"Div", fold_elementwise},
    {"Equal", fold_elementwise}, {"Expand", fold_elementwise},   {"Flatten", fold_reshape},
    {"Floor", fold_elementwise}, {"Gather", fold_gather},        {"Identity", fold_identity},
    {"Max", fold_elementwise},   {"Min", fold_elementwise},      {"Mul", fold_elementwise},
    {"Neg", fold_elementwise},   {"Pow", fold_elementwise},      {"Range", fold_range},
    {"Relu", fold_elementwise},  {"Reshape", fold_reshape},      {"Shape", fold_shape},
    {"Size", fold_shape},        {"Slice", fold_slice},          {"Sqrt", fold_elementwise},
    {"Squeeze", fold_reshape},   {"Sub", fold_elementwise},      {"Transpose", fold_transpose},
    {"Unsqueeze", fold_reshape}, {"Where", fold_elementwise},
};

oct_onnx_fn oct_onnx_folder(const char *op) {
  for (size_t i = 0; i < sizeof k_folders / sizeof k_folders[0]; i++)
    if (!strcmp(op, k_folders[i].op)) return k_folders[i].fn;
  return NULL;
}

int oct_onnx_folds_from_shape(const char *op) {
  return !strcmp(op, "Shape") || !strcmp(op, "Size");
}
