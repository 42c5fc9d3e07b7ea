/* Float32 math ops: shared prepare and eval; see math_common.h. */
#include "math_common.h"

#include "ew_util.h"
#include "op_util.h"
#include "unary_common.h"

typedef struct math_unary_data {
  oct_unary_f32_kind kind;
} math_unary_data;

/* Only float32: the converter emits these ops on float graphs, and a
 * quantized model asking for them is refused rather than mis-run. */
static oct_status need_f32(oct_ctx *ctx, const oct_node *node, const oct_tensor *t) {
  if (t->type == OCT_FLOAT32) return OCT_OK;
  return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                  "%s inputs are not supported (float32 only)", oct_ew_type(t->type));
}

oct_status oct_math_unary_prepare(oct_ctx *ctx, oct_node *node,
                                  oct_unary_f32_kind kind) {
  oct_tensor *in, *out;
  oct_status st = oct_ew_io(ctx, node, 1, 1, &in, &out);
  if (st || (st = need_f32(ctx, node, in)) ||
      (st = oct_unary_io(ctx, node, &in, &out)))
    return st;
  math_unary_data *d;
  if ((st = oct_op_data_alloc(ctx, node, sizeof *d, (void **)&d))) return st;
  d->kind = kind;
  if (kind == OCT_UNARY_GELU && node->opts && node->opts->gelu.approximate)
    d->kind = OCT_UNARY_GELU_TANH;
  node->kernel = "ref";
  return OCT_OK;
}

oct_status oct_math_unary_eval(oct_ctx *ctx, oct_node *node) {
  const math_unary_data *d = node->data;
  const oct_tensor *in = oct_input(ctx, node, 0);
  oct_tensor *out = oct_output(ctx, node, 0);
  oct_unary_f32_ref(d->kind, oct_tensor_elems(in), in->data, out->data);
  return OCT_OK;
}

typedef struct math_binary_data {
  oct_math_binary_kind kind;
  oct_arith_f32_params p;
  oct_bcast_shape shape;
} math_binary_data;

oct_status oct_math_binary_prepare(oct_ctx *ctx, oct_node *node,
                                   oct_math_binary_kind kind) {
  oct_tensor *in[2], *out;
  oct_status st = oct_ew_io(ctx, node, 2, 1, in, &out);
  if (st || (st = need_f32(ctx, node, in[0])) ||
      (st = oct_ew_check_type(ctx, node, in[1], OCT_FLOAT32, "input 2")) ||
      (st = oct_ew_check_type(ctx, node, out, OCT_FLOAT32, "output")))
    return st;
  math_binary_data *d;
  if ((st = oct_op_data_alloc(ctx, node, sizeof *d, (void **)&d))) return st;
  d->kind = kind;
  int32_t odims[OCT_MAX_RANK], orank = 0;
  if (oct_bcast_init(&d->shape, in[0]->dims, in[0]->rank, in[1]->dims, in[1]->rank,
                     odims, &orank))
    return oct_fail(ctx, node, OCT_ERR_SHAPE,
                    "input shapes of '%s' and '%s' do not broadcast", in[0]->name,
                    in[1]->name);
  if ((st = oct_check_output_shape(ctx, node, out, orank, odims))) return st;
  /* Only DIV carries a fused activation. */
  const oct_act act =
      kind == OCT_MATH_DIV && node->opts ? node->opts->arith.act : OCT_ACT_NONE;
  if ((st = oct_ew_act_range_f32(ctx, node, act, &d->p.act_min, &d->p.act_max)))
    return st;
  node->kernel = "ref";
  return OCT_OK;
}

oct_status oct_math_binary_eval(oct_ctx *ctx, oct_node *node) {
  const math_binary_data *d = node->data;
  const float *a = oct_input(ctx, node, 0)->data;
  const float *b = oct_input(ctx, node, 1)->data;
  float *o = oct_output(ctx, node, 0)->data;
  switch (d->kind) {
    case OCT_MATH_DIV: oct_div_f32_ref(&d->p, &d->shape, a, b, o); break;
    case OCT_MATH_POW: oct_pow_f32_ref(&d->shape, a, b, o); break;
    default: oct_prelu_f32_ref(&d->shape, a, b, o); break;
  }
  return OCT_OK;
}
