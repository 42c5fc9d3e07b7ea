/*
 * PAD and PADV2: constant padding. paddings is a constant [rank, 2] int32 or
 * int64 tensor (before, after per axis). The pad value is 0, or for
 * quantized tensors the output's zero point (a real 0.0), as TFLite does;
 * PADV2 takes it from a one-element input 2 of the tensor's type, which for
 * quantized types must share the output's quantization (TFLite checks the
 * same), so its stored value is copied as is.
 */
#include "op_util.h"
#include "shape_util.h"

#include "../kernels/ref/transform.h"

typedef struct pad_data {
  oct_pad_params p;
  int value_from_input; /* PADV2 with a non-constant value: read in eval */
} pad_data;

static int is_quantized_int(const oct_tensor *t) {
  return (t->type == OCT_INT8 || t->type == OCT_UINT8 ||
          t->type == OCT_INT16) &&
         t->q_count > 0;
}

/* The default pad element: 0, or the output zero point. */
static oct_status default_value(oct_ctx *ctx, const oct_node *node,
                                const oct_tensor *out, uint8_t *value) {
  oct_memset(value, 0, 8);
  if (!is_quantized_int(out)) return OCT_OK;
  int32_t lo = 0, hi = 0;
  oct_type_range(out->type, &lo, &hi);
  const int32_t zp = out->zero_point;
  if (zp < lo || zp > hi)
    return oct_fail(ctx, node, OCT_ERR_MODEL,
                    "zero point %d out of range for %s", (int)zp,
                    oct_dtype_name(out->type));
  if (out->type == OCT_INT16) {
    const int16_t v = (int16_t)zp;
    oct_memcpy(value, &v, 2);
  } else {
    value[0] =
        (uint8_t)(out->type == OCT_INT8 ? (uint8_t)(int8_t)zp : (uint8_t)zp);
  }
  return OCT_OK;
}

static oct_status check_value_input(oct_ctx *ctx, const oct_node *node,
                                    const oct_tensor *v,
                                    const oct_tensor *out) {
  if (v->type != out->type)
    return oct_fail(ctx, node, OCT_ERR_TYPE,
                    "constant_values is %s, output is %s",
                    oct_dtype_name(v->type), oct_dtype_name(out->type));
  if (oct_tensor_elems(v) != 1)
    return oct_fail(ctx, node, OCT_ERR_SHAPE,
                    "constant_values has %lld elements, expected 1",
                    (long long)oct_tensor_elems(v));
  if (is_quantized_int(out)) return oct_shape_same_quant(ctx, node, v, out);
  return OCT_OK;
}

static oct_status pad_prepare(oct_ctx *ctx, oct_node *node) {
  const int v2 = node->builtin == OCT_OP_PADV2;
  oct_status st = oct_shape_check_io(ctx, node, v2 ? 3 : 2, v2 ? 3 : 2, 1);
  if (st) return st;
  const oct_tensor *in = oct_input(ctx, node, 0);
  const oct_tensor *out = oct_output(ctx, node, 0);
  int32_t es = 0;
  st = oct_shape_same_type(ctx, node, in, out, &es);
  if (st) return st;
  int64_t pads[2 * OCT_MAX_RANK];
  int32_t n = 0;
  const oct_tensor *pt = oct_input(ctx, node, 1);
  st = oct_shape_read_ints(ctx, node, pt, "paddings", 1, pads, 2 * OCT_MAX_RANK,
                           &n);
  if (st) return st;
  if (n != 2 * in->rank ||
      (in->rank > 0 && (pt->rank != 2 || pt->dims[1] != 2)))
    return oct_fail(ctx, node, OCT_ERR_SHAPE, "paddings must be [%d, 2]",
                    (int)in->rank);

  pad_data *d;
  st = oct_op_data_alloc(ctx, node, sizeof *d, (void **)&d);
  if (st) return st;
  oct_pad_params *p = &d->p;
  p->elem_size = es;
  /* A scalar is padded as a one-element vector with no padding. */
  p->rank = in->rank > 0 ? in->rank : 1;
  p->in_dims[0] = 1;
  p->before[0] = p->after[0] = 0;
  int32_t dims[OCT_MAX_RANK];
  for (int32_t a = 0; a < in->rank; a++) {
    const int64_t b = pads[2 * a], e = pads[2 * a + 1];
    if (b < 0 || e < 0 || b > INT32_MAX || e > INT32_MAX ||
        in->dims[a] + b + e > INT32_MAX)
      return oct_fail(ctx, node, OCT_ERR_SHAPE,
                      "axis %d: invalid padding %lld, %lld", (int)a,
                      (long long)b, (long long)e);
    p->in_dims[a] = in->dims[a];
    p->before[a] = (int32_t)b;
    p->after[a] = (int32_t)e;
    dims[a] = (int32_t)(in->dims[a] + b + e);
  }
  st = oct_check_output_shape(ctx, node, out, in->rank, dims);
  if (st) return st;

  const oct_tensor *v = v2 ? oct_input(ctx, node, 2) : 0;
  if (!v) return default_value(ctx, node, out, p->value);
  st = check_value_input(ctx, node, v, out);
  if (st) return st;
  if (v->is_const && v->data)
    oct_memcpy(p->value, v->data, (size_t)es);
  else
    d->value_from_input = 1;
  node->kernel = "ref";
  return OCT_OK;
}

static oct_status pad_eval(oct_ctx *ctx, oct_node *node) {
  pad_data *d = (pad_data *)node->data;
  const oct_tensor *in = oct_input(ctx, node, 0);
  oct_tensor *out = oct_output(ctx, node, 0);
  if (d->value_from_input)
    oct_memcpy(d->p.value, oct_input(ctx, node, 2)->data,
               (size_t)d->p.elem_size);
  oct_pad_ref(&d->p, in->data, out->data);
  return OCT_OK;
}

const oct_op oct_op_pad = {OCT_OP_PAD, pad_prepare, pad_eval};
const oct_op oct_op_padv2 = {OCT_OP_PADV2, pad_prepare, pad_eval};
