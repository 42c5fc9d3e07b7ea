/*
 * CAST between float32, int32, int64, int16, int8, uint8 and bool, as
 * TFLite's: a C conversion (float to integer truncates toward zero; a
 * float outside the target range saturates here, where C would be
 * undefined; a wider integer keeps its low bits), anything to bool is "!= 0", bool to a number is 0 or 1.
 */
#include "shape_util.h"

typedef struct cast_data {
  oct_dtype from, to;
  int64_t n;
} cast_data;

static int castable(oct_dtype t) {
  return t == OCT_FLOAT32 || t == OCT_INT32 || t == OCT_INT64 || t == OCT_INT16 ||
         t == OCT_INT8 || t == OCT_UINT8 || t == OCT_BOOL;
}

static oct_status cast_prepare(oct_ctx *ctx, oct_node *node) {
  oct_status st = oct_shape_check_io(ctx, node, 1, 1, 1);
  if (st) return st;
  const oct_tensor *in = oct_input(ctx, node, 0);
  const oct_tensor *out = oct_output(ctx, node, 0);
  if (!castable(in->type) || !castable(out->type))
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED, "cast from %s to %s is not supported",
                    oct_dtype_name(in->type), oct_dtype_name(out->type));
  if ((st = oct_check_output_shape(ctx, node, out, in->rank, in->dims))) return st;
  cast_data *d;
  if ((st = oct_op_data_alloc(ctx, node, sizeof *d, (void **)&d))) return st;
  d->from = in->type;
  d->to = out->type;
  d->n = oct_tensor_elems(in);
  node->kernel = "ref";
  return OCT_OK;
}

/* Element i of `p` as a double (exact for every castable type but int64
 * beyond 2^53, which is read separately). */
static double get_f(oct_dtype t, const void *p, int64_t i) {
  switch (t) {
    case OCT_FLOAT32: return ((const float *)p)[i];
    case OCT_INT32: return ((const int32_t *)p)[i];
    case OCT_INT64: return (double)((const int64_t *)p)[i];
    case OCT_INT16: return ((const int16_t *)p)[i];
    case OCT_INT8: return ((const int8_t *)p)[i];
    default: return ((const uint8_t *)p)[i]; /* uint8, bool */
  }
}

static int64_t get_i(oct_dtype t, const void *p, int64_t i) {
  if (t == OCT_INT64) return ((const int64_t *)p)[i];
  if (t == OCT_FLOAT32) {
    const float f = ((const float *)p)[i];
    if (!(f == f)) return 0; /* NaN */
    if (f >= 9.2233720368547758e18f) return INT64_MAX;
    if (f <= -9.2233720368547758e18f) return INT64_MIN;
    return (int64_t)f; /* truncates */
  }
  return (int64_t)get_f(t, p, i);
}

static int64_t sat(int64_t v, int64_t lo, int64_t hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

/* Integer to a narrower integer: TFLite's static_cast keeps the low bits
 * (two's complement); floats saturate instead (their cast is undefined in
 * C outside the range). */
static int64_t narrow(const cast_data *d, int64_t v, int bits, int is_signed) {
  const int64_t span = (int64_t)1 << bits;
  if (d->from == OCT_FLOAT32)
    return is_signed ? sat(v, -span / 2, span / 2 - 1) : sat(v, 0, span - 1);
  int64_t w = (int64_t)((uint64_t)v & (uint64_t)(span - 1));
  if (is_signed && w >= span / 2) w -= span;
  return w;
}

static oct_status cast_eval(oct_ctx *ctx, oct_node *node) {
  const cast_data *d = node->data;
  const void *in = oct_input(ctx, node, 0)->data;
  void *out = oct_output(ctx, node, 0)->data;
  for (int64_t i = 0; i < d->n; i++) {
    switch (d->to) {
      case OCT_FLOAT32:
        ((float *)out)[i] =
            d->from == OCT_INT64 ? (float)((const int64_t *)in)[i] : (float)get_f(d->from, in, i);
        break;
      case OCT_BOOL: ((uint8_t *)out)[i] = get_f(d->from, in, i) != 0.0 ||
                                           (d->from == OCT_INT64 && ((const int64_t *)in)[i]);
        break;
      case OCT_INT64: ((int64_t *)out)[i] = get_i(d->from, in, i); break;
      case OCT_INT32:
        ((int32_t *)out)[i] = (int32_t)narrow(d, get_i(d->from, in, i), 32, 1);
        break;
      case OCT_INT16:
        ((int16_t *)out)[i] = (int16_t)narrow(d, get_i(d->from, in, i), 16, 1);
        break;
      case OCT_INT8:
        ((int8_t *)out)[i] = (int8_t)narrow(d, get_i(d->from, in, i), 8, 1);
        break;
      default:
        ((uint8_t *)out)[i] = (uint8_t)narrow(d, get_i(d->from, in, i), 8, 0);
        break;
    }
  }
  (void)ctx;
  return OCT_OK;
}

const oct_op oct_op_cast = {OCT_OP_CAST, cast_prepare, cast_eval};
