/*
 * CONCATENATION along any axis (negative counts from the end), for every
 * fixed-size type.
 *
 * Quantized (uint8/int8/int16) inputs whose scale or zero point differ from
 * the output's are requantized to it the way TFLite's uint8
 * ConcatenationWithScaling does (in float, rounding half away from zero);
 * inputs that already match are copied unchanged. Other types are copied.
 *
 * A superset of TFLite 2.9, which rejects fused activations and int8 inputs
 * of another scale, and copies int16 inputs of another scale unchanged
 * (reinterpreting them): octet applies the activation and requantizes.
 */
#include "op_util.h"
#include "shape_util.h"

#include "../kernels/ref/transform.h"

typedef enum concat_kind {
  CONCAT_COPY,
  CONCAT_F32_ACT,
  CONCAT_U8_REQUANT,
  CONCAT_S8_REQUANT,
  CONCAT_S16_REQUANT
} concat_kind;

typedef struct concat_data {
  concat_kind kind;
  oct_concat_params p;
  oct_concat_requant *rq;
  const void **in; /* filled at eval: the inputs' current buffers */
  float act_min_f, act_max_f;
  int32_t act_min, act_max, out_zp;
} concat_data;

static oct_status check_inputs(oct_ctx *ctx, const oct_node *node,
                               const oct_tensor *out, int32_t axis,
                               int32_t *axis_sum) {
  int64_t sum = 0;
  for (int i = 0; i < node->n_in; i++) {
    const oct_tensor *t = oct_input(ctx, node, i);
    if (!t) return oct_fail(ctx, node, OCT_ERR_MODEL, "input %d is missing", i);
    if (t->type != out->type)
      return oct_fail(ctx, node, OCT_ERR_TYPE, "input %d is %s, output is %s",
                      i, oct_dtype_name(t->type), oct_dtype_name(out->type));
    if (t->rank != out->rank)
      return oct_fail(ctx, node, OCT_ERR_SHAPE,
                      "input %d has rank %d, output %d", i, (int)t->rank,
                      (int)out->rank);
    for (int32_t a = 0; a < t->rank; a++)
      if (a != axis && t->dims[a] != out->dims[a])
        return oct_fail(ctx, node, OCT_ERR_SHAPE,
                        "input %d: dimension %d is %d, output has %d", i,
                        (int)a, (int)t->dims[a], (int)out->dims[a]);
    sum += t->dims[axis];
  }
  if (sum > INT32_MAX)
    return oct_fail(ctx, node, OCT_ERR_LIMIT, "output too large");
  *axis_sum = (int32_t)sum;
  return OCT_OK;
}

/* Chooses the kernel and fills the per-input requantization. */
static oct_status plan_quant(oct_ctx *ctx, const oct_node *node,
                             const oct_tensor *out, oct_act act,
                             concat_data *d) {
  int all_copy = 1;
  for (int i = 0; i < node->n_in; i++) {
    const oct_tensor *t = oct_input(ctx, node, i);
    oct_status st = oct_shape_per_tensor(ctx, node, t);
    if (st) return st;
    const int same = t->scale == out->scale && t->zero_point == out->zero_point;
    d->rq[i].copy = same;
    all_copy &= same;
    if (same) continue;
    if (!(out->scale > 0.0f) || !(t->scale > 0.0f))
      return oct_fail(ctx, node, OCT_ERR_MODEL, "input %d: invalid scale", i);
    /* TFLite: scale = in_scale * (1 / out_scale), bias = -in_zp * scale. */
    const float inv_out = 1.0f / out->scale;
    d->rq[i].scale = t->scale * inv_out;
    d->rq[i].bias = -(float)t->zero_point * d->rq[i].scale;
  }
  oct_act_range_quant(act, out, &d->act_min, &d->act_max);
  d->out_zp = out->zero_point;
  if (all_copy && act == OCT_ACT_NONE) return OCT_OK;
  d->kind = out->type == OCT_UINT8  ? CONCAT_U8_REQUANT
            : out->type == OCT_INT8 ? CONCAT_S8_REQUANT
                                    : CONCAT_S16_REQUANT;
  return OCT_OK;
}

static oct_status concat_prepare(oct_ctx *ctx, oct_node *node) {
  if (node->n_in < 1 || node->n_out != 1)
    return oct_fail(ctx, node, OCT_ERR_MODEL, "has %d inputs and %d outputs",
                    (int)node->n_in, (int)node->n_out);
  const oct_tensor *out = oct_output(ctx, node, 0);
  const oct_concat_options *o = &node->opts->concat;
  int32_t es = 0, axis = 0, axis_sum = 0;
  oct_status st = oct_shape_same_type(ctx, node, out, out, &es);
  if (!st) st = oct_shape_axis(ctx, node, o->axis, out->rank, "axis", &axis);
  if (!st) st = check_inputs(ctx, node, out, axis, &axis_sum);
  if (st) return st;
  int32_t dims[OCT_MAX_RANK];
  for (int32_t a = 0; a < out->rank; a++)
    dims[a] = a == axis ? axis_sum : out->dims[a];
  st = oct_check_output_shape(ctx, node, out, out->rank, dims);
  if (st) return st;

  concat_data *d;
  const size_t n = (size_t)node->n_in;
  st = oct_op_data_alloc(ctx, node, sizeof *d, (void **)&d);
  if (!st)
    st = oct_persistent_alloc(ctx, n * sizeof(int64_t), (void **)&d->p.chunk);
  if (!st) st = oct_persistent_alloc(ctx, n * sizeof(void *), (void **)&d->in);
  if (!st) st = oct_persistent_alloc(ctx, n * sizeof(*d->rq), (void **)&d->rq);
  if (st) return st;
  int64_t outer = 1, inner = 1;
  for (int32_t a = 0; a < axis; a++) outer *= out->dims[a];
  for (int32_t a = axis + 1; a < out->rank; a++) inner *= out->dims[a];
  int64_t *chunk = (int64_t *)(void *)d->p.chunk;
  for (int i = 0; i < node->n_in; i++)
    chunk[i] = oct_input(ctx, node, i)->dims[axis] * inner;
  d->p.count = node->n_in;
  d->p.outer = outer;
  d->p.elem_size = es;
  d->kind = CONCAT_COPY;
  node->kernel = "ref";

  const oct_act act = o->act;
  if (act != OCT_ACT_NONE && act != OCT_ACT_RELU && act != OCT_ACT_RELU6 &&
      act != OCT_ACT_RELU_N1_TO_1)
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED, "fused activation %d",
                    (int)act);
  if (out->type == OCT_FLOAT32) {
    oct_act_range_f32(act, &d->act_min_f, &d->act_max_f);
    if (act != OCT_ACT_NONE) d->kind = CONCAT_F32_ACT;
    return OCT_OK;
  }
  if ((out->type == OCT_UINT8 || out->type == OCT_INT8 ||
       out->type == OCT_INT16) &&
      out->q_count > 0)
    return plan_quant(ctx, node, out, act, d);
  if (act != OCT_ACT_NONE)
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED, "fused activation on %s",
                    oct_dtype_name(out->type));
  return OCT_OK;
}

static oct_status concat_eval(oct_ctx *ctx, oct_node *node) {
  concat_data *d = (concat_data *)node->data;
  oct_tensor *out = oct_output(ctx, node, 0);
  for (int i = 0; i < node->n_in; i++) d->in[i] = oct_input(ctx, node, i)->data;
  switch (d->kind) {
    case CONCAT_COPY:
      oct_concat_ref(&d->p, d->in, out->data);
      break;
    case CONCAT_F32_ACT:
      oct_concat_f32_ref(&d->p, (const float *const *)d->in, (float *)out->data,
                         d->act_min_f, d->act_max_f);
      break;
    case CONCAT_U8_REQUANT:
      oct_concat_u8_ref(&d->p, d->rq, (const uint8_t *const *)d->in,
                        (uint8_t *)out->data, d->out_zp, d->act_min,
                        d->act_max);
      break;
    case CONCAT_S8_REQUANT:
      oct_concat_s8_ref(&d->p, d->rq, (const int8_t *const *)d->in,
                        (int8_t *)out->data, d->out_zp, d->act_min, d->act_max);
      break;
    case CONCAT_S16_REQUANT:
      oct_concat_s16_ref(&d->p, d->rq, (const int16_t *const *)d->in,
                         (int16_t *)out->data, d->out_zp, d->act_min,
                         d->act_max);
      break;
  }
  return OCT_OK;
}

const oct_op oct_op_concatenation = {OCT_OP_CONCATENATION, concat_prepare,
                                     concat_eval};
