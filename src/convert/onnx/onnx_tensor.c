/*
 * Decoding of ONNX TensorProtos and node attributes, and typed access to
 * constant values. Everything read from the file is checked here: element
 * counts against dims (with overflow checks), data lengths against counts,
 * attribute types against what the op expects.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx_internal.h"

/* TensorProto.DataType values. */
enum {
  ONNX_FLOAT = 1, ONNX_UINT8 = 2, ONNX_INT8 = 3, ONNX_UINT16 = 4, ONNX_INT16 = 5,
  ONNX_INT32 = 6, ONNX_INT64 = 7, ONNX_STRING = 8, ONNX_BOOL = 9, ONNX_FLOAT16 = 10,
  ONNX_DOUBLE = 11, ONNX_UINT32 = 12, ONNX_UINT64 = 13, ONNX_COMPLEX64 = 14,
  ONNX_COMPLEX128 = 15, ONNX_BFLOAT16 = 16
};

int oct_onnx_dtype(int32_t onnx_type, oct_dtype *out) {
  switch (onnx_type) {
    case ONNX_FLOAT: *out = OCT_FLOAT32; return 1;
    case ONNX_UINT8: *out = OCT_UINT8; return 1;
    case ONNX_INT8: *out = OCT_INT8; return 1;
    case ONNX_INT16: *out = OCT_INT16; return 1;
    case ONNX_INT32: *out = OCT_INT32; return 1;
    case ONNX_INT64: *out = OCT_INT64; return 1;
    case ONNX_BOOL: *out = OCT_BOOL; return 1;
    case ONNX_FLOAT16: *out = OCT_FLOAT16; return 1;
    case ONNX_DOUBLE: *out = OCT_FLOAT64; return 1;
    default: return 0;
  }
}

const char *oct_onnx_dtype_name(int32_t t) {
  static const char *const names[] = {"undefined", "float",  "uint8",     "int8",      "uint16",
                                      "int16",     "int32",  "int64",     "string",    "bool",
                                      "float16",   "double", "uint32",    "uint64",    "complex64",
                                      "complex128", "bfloat16"};
  return t >= 0 && t <= 16 ? names[t] : "unknown";
}

int oct_onnx_is_float(oct_dtype t) {
  return t == OCT_FLOAT32 || t == OCT_FLOAT16 || t == OCT_FLOAT64;
}

int64_t oct_onnx_elems(int rank, const int32_t *dims) {
  int64_t n = 1;
  for (int i = 0; i < rank; i++) n *= dims[i];
  return n;
}

oct_status oct_onnx_check_shape(oct_onnx_ctx *c, const char *what, oct_dtype type, int rank,
                                const int64_t *dims, int allow_zero) {
  if (rank < 0 || rank > OCT_MAX_RANK)
    return oct_onnx_fail(c, OCT_ERR_LIMIT, "%s has rank %d; octet handles up to %d", what,
                         rank, OCT_MAX_RANK);
  int64_t n = (int64_t)oct_dtype_size(type);
  for (int i = 0; i < rank; i++) {
    if (dims[i] < 0 || (dims[i] == 0 && !allow_zero))
      return oct_onnx_fail(c, dims[i] ? OCT_ERR_MODEL : OCT_ERR_UNSUPPORTED,
                           "%s has dimension %d of size %lld", what, i, (long long)dims[i]);
    if (dims[i] > INT32_MAX || (dims[i] && n > OCT_ONNX_MAX_BYTES / dims[i]))
      return oct_onnx_fail(c, OCT_ERR_LIMIT, "%s is larger than %lld bytes", what,
                           (long long)OCT_ONNX_MAX_BYTES);
    n *= dims[i];
  }
  return OCT_OK;
}

/* ---- float16 ---- */
float oct_onnx_half_to_float(uint16_t h) {
  const int e = (h >> 10) & 0x1f, m = h & 0x3ff;
  float v;
  if (e == 0) v = ldexpf((float)m, -24);
  else if (e == 31) v = m ? NAN : INFINITY;
  else v = ldexpf((float)(m | 0x400), e - 25);
  return (h & 0x8000) ? -v : v;
}

uint16_t oct_onnx_float_to_half(float f) {
  uint32_t x;
  memcpy(&x, &f, 4);
  const uint16_t sign = (uint16_t)((x >> 16) & 0x8000);
  if (isnan(f)) return (uint16_t)(sign | 0x7e00);
  float a = fabsf(f);
  if (a >= 65520.0f) return (uint16_t)(sign | 0x7c00);
  if (a < 6.103515625e-05f) /* subnormal: units of 2^-24, round half even */
    return (uint16_t)(sign | (uint16_t)nearbyintf(a * 16777216.0f));
  int e;
  float m = frexpf(a, &e); /* a = m * 2^e, m in [0.5, 1) */
  uint32_t mant = (uint32_t)nearbyintf(m * 2048.0f); /* 11 bits with the implicit one */
  if (mant == 2048) {
    mant = 1024;
    e++;
  }
  return (uint16_t)(sign | (uint16_t)((e + 14) << 10) | (mant & 0x3ff));
}

/* ---- typed element access ---- */
double oct_onnx_get_f(const oct_onnx_value *v, int64_t i) {
  const void *d = v->data;
  switch (v->type) {
    case OCT_FLOAT32: return ((const float *)d)[i];
    case OCT_FLOAT64: return ((const double *)d)[i];
    case OCT_FLOAT16: return oct_onnx_half_to_float(((const uint16_t *)d)[i]);
    default: return (double)oct_onnx_get_i(v, i);
  }
}

int64_t oct_onnx_get_i(const oct_onnx_value *v, int64_t i) {
  const void *d = v->data;
  switch (v->type) {
    case OCT_UINT8: return ((const uint8_t *)d)[i];
    case OCT_BOOL: return ((const uint8_t *)d)[i] != 0;
    case OCT_INT8: return ((const int8_t *)d)[i];
    case OCT_INT16: return ((const int16_t *)d)[i];
    case OCT_INT32: return ((const int32_t *)d)[i];
    case OCT_INT64: return ((const int64_t *)d)[i];
    default: {
      const double x = oct_onnx_get_f(v, i);
      if (!(x == x)) return 0;
      if (x >= 9.2e18) return INT64_MAX;
      if (x <= -9.2e18) return INT64_MIN;
      return (int64_t)x;
    }
  }
}

void oct_onnx_set_f(oct_dtype type, void *d, int64_t i, double x) {
  switch (type) {
    case OCT_FLOAT32: ((float *)d)[i] = (float)x; return;
    case OCT_FLOAT64: ((double *)d)[i] = x; return;
    case OCT_FLOAT16: ((uint16_t *)d)[i] = oct_onnx_float_to_half((float)x); return;
    default: {
      /* Casting float to int truncates toward zero; saturate first so an
       * out-of-range value is not undefined behaviour. */
      int64_t v = 0;
      if (x == x) v = x >= 9.2e18 ? INT64_MAX : x <= -9.2e18 ? INT64_MIN : (int64_t)x;
      oct_onnx_set_i(type, d, i, v);
    }
  }
}

void oct_onnx_set_i(oct_dtype type, void *d, int64_t i, int64_t x) {
  switch (type) {
    case OCT_UINT8: ((uint8_t *)d)[i] = (uint8_t)x; return;
    case OCT_BOOL: ((uint8_t *)d)[i] = x != 0; return;
    case OCT_INT8: ((int8_t *)d)[i] = (int8_t)x; return;
    case OCT_INT16: ((int16_t *)d)[i] = (int16_t)x; return;
    case OCT_INT32: ((int32_t *)d)[i] = (int32_t)x; return;
    case OCT_INT64: ((int64_t *)d)[i] = x; return;
    default: oct_onnx_set_f(type, d, i, (double)x); return;
  }
}

/* ---- TensorProto ---- */
oct_status oct_onnx_parse_tensor(oct_onnx_ctx *c, const Onnx__TensorProto *tp,
                                 const char *what, oct_onnx_value *v) {
  if (tp->has_data_location && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED,
                         "%s keeps its data in an external file; octet reads only "
                         "self-contained models (save with all tensors inside)", what);
  if (tp->n_external_data)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "%s has external data", what);
  if (tp->segment)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "%s is a segment of a tensor", what);
  oct_dtype type;
  if (!oct_onnx_dtype(tp->data_type, &type))
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "%s has data type %s (%d)", what,
                         oct_onnx_dtype_name(tp->data_type), (int)tp->data_type);
  if (tp->n_dims > OCT_MAX_RANK)
    return oct_onnx_fail(c, OCT_ERR_LIMIT, "%s has rank %zu; octet handles up to %d", what,
                         tp->n_dims, OCT_MAX_RANK);
  const int rank = (int)tp->n_dims;
  oct_status st = oct_onnx_check_shape(c, what, type, rank, tp->dims, 1);
  if (st) return st;
  v->type = type;
  v->rank = rank;
  for (int i = 0; i < rank; i++) v->dims[i] = (int32_t)tp->dims[i];
  const int64_t n = oct_onnx_elems(rank, v->dims);
  const size_t esz = oct_dtype_size(type);
  const size_t bytes = (size_t)n * esz;
  if ((st = oct_onnx_charge(c, bytes, what))) return st;
  void *d = malloc(bytes ? bytes : 1);
  if (!d) return oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory reading %s", what);
  size_t have = 0;
  const char *field = "raw_data";
  if (tp->has_raw_data) {
    have = tp->raw_data.len;
    if (have == bytes && bytes) memcpy(d, tp->raw_data.data, bytes);
  } else if (type == OCT_FLOAT32) {
    field = "float_data";
    have = tp->n_float_data * esz;
    if (have == bytes && bytes) memcpy(d, tp->float_data, bytes);
  } else if (type == OCT_INT64) {
    field = "int64_data";
    have = tp->n_int64_data * esz;
    if (have == bytes && bytes) memcpy(d, tp->int64_data, bytes);
  } else if (type == OCT_FLOAT64) {
    field = "double_data";
    have = tp->n_double_data * esz;
    if (have == bytes && bytes) memcpy(d, tp->double_data, bytes);
  } else {
    /* int32_data carries int32, int16, int8, uint8, bool and float16 bits */
    field = "int32_data";
    have = tp->n_int32_data * esz;
    if (have == bytes)
      for (int64_t i = 0; i < n; i++) {
        const int32_t x = tp->int32_data[i];
        if (type == OCT_FLOAT16) ((uint16_t *)d)[i] = (uint16_t)x;
        else oct_onnx_set_i(type, d, i, x);
      }
  }
  if (have != bytes) {
    free(d);
    return oct_onnx_fail(c, OCT_ERR_MODEL, "%s: %s holds %zu bytes, its shape needs %zu",
                         what, field, have, bytes);
  }
  free(v->data);
  v->data = d;
  v->bytes = bytes;
  v->is_const = 1;
  return OCT_OK;
}

/* ---- attributes ---- */
const Onnx__AttributeProto *oct_onnx_attr(const oct_onnx_node *n, const char *name) {
  for (size_t i = 0; i < n->p->n_attribute; i++) {
    const Onnx__AttributeProto *a = n->p->attribute[i];
    if (a->name && !strcmp(a->name, name)) return a;
  }
  return NULL;
}

/* The attribute's type, from the discriminator or (IR version 1) the field
 * that is set. */
static int attr_type(const Onnx__AttributeProto *a) {
  if (a->has_type) return a->type;
  if (a->has_f) return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT;
  if (a->has_i) return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
  if (a->has_s) return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING;
  if (a->t) return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR;
  if (a->n_ints) return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS;
  if (a->n_floats) return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS;
  return 0;
}

static oct_status bad_attr(oct_onnx_ctx *c, const char *name, const char *want) {
  return oct_onnx_fail(c, OCT_ERR_MODEL, "attribute '%s' must be %s", name, want);
}

oct_status oct_onnx_attr_int(oct_onnx_ctx *c, const oct_onnx_node *n, const char *name,
                             int64_t def, int64_t *out) {
  const Onnx__AttributeProto *a = oct_onnx_attr(n, name);
  *out = def;
  if (!a) return OCT_OK;
  if (attr_type(a) != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT)
    return bad_attr(c, name, "an int");
  *out = a->i;
  return OCT_OK;
}

oct_status oct_onnx_attr_float(oct_onnx_ctx *c, const oct_onnx_node *n, const char *name,
                               float def, float *out) {
  const Onnx__AttributeProto *a = oct_onnx_attr(n, name);
  *out = def;
  if (!a) return OCT_OK;
  if (attr_type(a) != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT)
    return bad_attr(c, name, "a float");
  *out = a->f;
  return OCT_OK;
}

oct_status oct_onnx_attr_ints(oct_onnx_ctx *c, const oct_onnx_node *n, const char *name,
                              int64_t *out, int max, int *count) {
  const Onnx__AttributeProto *a = oct_onnx_attr(n, name);
  *count = -1;
  if (!a) return OCT_OK;
  const int t = attr_type(a);
  if (t != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS && !(t == 0 && !a->n_ints))
    return bad_attr(c, name, "a list of ints");
  if (a->n_ints > (size_t)max)
    return oct_onnx_fail(c, OCT_ERR_LIMIT, "attribute '%s' has %zu values; at most %d", name,
                         a->n_ints, max);
  for (size_t i = 0; i < a->n_ints; i++) out[i] = a->ints[i];
  *count = (int)a->n_ints;
  return OCT_OK;
}

oct_status oct_onnx_attr_str(oct_onnx_ctx *c, const oct_onnx_node *n, const char *name,
                             const char *def, char *out, size_t cap) {
  const Onnx__AttributeProto *a = oct_onnx_attr(n, name);
  if (!a) {
    snprintf(out, cap, "%s", def);
    return OCT_OK;
  }
  if (attr_type(a) != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING)
    return bad_attr(c, name, "a string");
  if (a->s.len >= cap || (a->s.len && memchr(a->s.data, 0, a->s.len)))
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "attribute '%s' has an unknown value", name);
  if (a->s.len) memcpy(out, a->s.data, a->s.len);
  out[a->s.len] = 0;
  return OCT_OK;
}

/* ---- constants as arrays ---- */
oct_status oct_onnx_const_ints(oct_onnx_ctx *c, const oct_onnx_value *v, const char *what,
                               int64_t *out, int max, int *count) {
  if (!v->is_const)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "%s ('%s') must be a constant", what, v->name);
  if (v->type != OCT_INT64 && v->type != OCT_INT32)
    return oct_onnx_fail(c, OCT_ERR_MODEL, "%s ('%s') must be int64 or int32", what, v->name);
  if (v->rank > 1)
    return oct_onnx_fail(c, OCT_ERR_MODEL, "%s ('%s') must be 1-D", what, v->name);
  const int64_t n = oct_onnx_elems(v->rank, v->dims);
  if (n > max)
    return oct_onnx_fail(c, OCT_ERR_LIMIT, "%s ('%s') has %lld values; at most %d", what,
                         v->name, (long long)n, max);
  for (int64_t i = 0; i < n; i++) out[i] = oct_onnx_get_i(v, i);
  *count = (int)n;
  return OCT_OK;
}

oct_status oct_onnx_const_floats(oct_onnx_ctx *c, const oct_onnx_value *v, const char *what,
                                 float **out) {
  *out = NULL;
  if (!v->is_const)
    return oct_onnx_fail(c, OCT_ERR_UNSUPPORTED, "%s ('%s') must be a constant", what, v->name);
  if (v->type == OCT_BOOL)
    return oct_onnx_fail(c, OCT_ERR_TYPE, "%s ('%s') must be numeric", what, v->name);
  const int64_t n = oct_onnx_elems(v->rank, v->dims);
  float *f = malloc((size_t)(n ? n : 1) * sizeof *f);
  if (!f) return oct_onnx_fail(c, OCT_ERR_NO_MEMORY, "out of memory");
  for (int64_t i = 0; i < n; i++) f[i] = (float)oct_onnx_get_f(v, i);
  *out = f;
  return OCT_OK;
}
