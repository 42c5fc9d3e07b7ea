/*
 * PAD folded into the following window op.
 *
 * A PAD (or PADV2) of a rank-4 NHWC tensor x that pads only H and W, read
 * by one CONV_2D / DEPTHWISE_CONV_2D / MAX_POOL_2D with VALID padding as
 * its data input, goes away when its amounts are exactly TFLite's SAME
 * padding for that op on x (total = max((ceil(in/s) - 1) * s + (k - 1) * d
 * + 1 - in, 0) per axis, top/left = total / 2, the rest bottom/right): the
 * op reads x with padding SAME. The padded value must be what SAME uses:
 *   - conv and depthwise conv treat the border as 0 (for quantized
 *     tensors, the zero point, which is what PAD writes), so PAD, or PADV2
 *     with value 0;
 *   - TFLite's SAME max pool ignores the border (as -inf), so PADV2 with
 *     value -inf (or <= -FLT_MAX), or a zero PAD when x cannot be negative
 *     (x comes from RELU / RELU6, as an op or a fused activation).
 * AVERAGE_POOL_2D never: TFLite's SAME average divides by the count of
 * real elements under the window, pad-then-VALID by the whole window, so
 * the border windows differ.
 *
 * A PAD of all-zero amounts is removed whatever reads it.
 */
#include <float.h>

#include "convert/passes.h"
#include "pass_util.h"

typedef struct pad_info {
  int x, z;       /* input, output */
  int64_t p[8];   /* [before, after] per axis */
  int zero_value; /* pads with (real) zero */
  int neg_inf;    /* pads with -inf or lower than any float */
} pad_info;

static int read_pad(const oct_ir_graph *g, int i, pad_info *pi) {
  const oct_ir_op *o = &g->ops[i];
  if (o->dead || (o->code != OCT_OP_PAD && o->code != OCT_OP_PADV2) ||
      o->n_inputs < 2 || o->n_outputs != 1 || o->inputs[0] < 0)
    return 0;
  pi->x = o->inputs[0];
  pi->z = o->outputs[0];
  const int rank = g->tensors[pi->x].rank;
  if (rank < 1 || rank > 4 ||
      oct_pu_const_ints(g, o->inputs[1], pi->p, 8) != 2 * rank)
    return 0;
  pi->zero_value = 1;
  pi->neg_inf = 0;
  if (o->code == OCT_OP_PADV2 && o->n_inputs > 2 && o->inputs[2] >= 0) {
    float v;
    if (g->tensors[pi->x].type != OCT_FLOAT32 ||
        !oct_pu_const_uniform_f32(g, o->inputs[2], &v))
      return 0;
    pi->zero_value = v == 0.0f;
    pi->neg_inf = v <= -FLT_MAX;
  }
  return 1;
}

static int all_zero_amounts(const pad_info *pi, int rank) {
  for (int k = 0; k < 2 * rank; k++)
    if (pi->p[k] != 0) return 0;
  return 1;
}

/* Whether x is never negative: written by RELU/RELU6 or with one fused. */
static int non_negative(oct_ir_graph *g, int x) {
  const int p = oct_ir_producer(g, x);
  if (p < 0) return 0;
  oct_ir_op *o = &g->ops[p];
  if (o->code == OCT_OP_RELU || o->code == OCT_OP_RELU6) return 1;
  const oct_act *act = oct_pu_act_field(o);
  return act && (*act == OCT_ACT_RELU || *act == OCT_ACT_RELU6);
}

static int matches_same(int in, int stride, int filter, int dilation,
                        int64_t before, int64_t after) {
  const int total = oct_pu_same_pad_total(in, stride, filter, dilation);
  return before == total / 2 && after == total - total / 2;
}

static int fold_into_consumer(oct_ir_graph *g, const pad_info *pi) {
  const oct_ir_tensor *x = &g->tensors[pi->x];
  if (x->rank != 4 || pi->p[0] || pi->p[1] || pi->p[6] || pi->p[7]) return 0;
  const int c = oct_pu_single_consumer(g, pi->z);
  if (c < 0) return 0;
  oct_ir_op *o = &g->ops[c];
  if (o->n_outputs != 1 || o->inputs[0] != pi->z) return 0;
  for (int k = 1; k < o->n_inputs; k++)
    if (o->inputs[k] == pi->z) return 0;
  int fh, fw, sh, sw, dh = 1, dw = 1;
  oct_padding *padding;
  if (o->code == OCT_OP_CONV_2D || o->code == OCT_OP_DEPTHWISE_CONV_2D) {
    if (!pi->zero_value || o->n_inputs < 2 || o->inputs[1] < 0) return 0;
    const oct_ir_tensor *w = &g->tensors[o->inputs[1]];
    if (w->rank != 4) return 0;
    fh = w->dims[1];
    fw = w->dims[2];
    sh = o->opts.conv.stride_h;
    sw = o->opts.conv.stride_w;
    dh = o->opts.conv.dilation_h;
    dw = o->opts.conv.dilation_w;
    padding = &o->opts.conv.padding;
  } else if (o->code == OCT_OP_MAX_POOL_2D) {
    if (!pi->neg_inf && !(pi->zero_value && non_negative(g, pi->x))) return 0;
    fh = o->opts.pool.filter_h;
    fw = o->opts.pool.filter_w;
    sh = o->opts.pool.stride_h;
    sw = o->opts.pool.stride_w;
    padding = &o->opts.pool.padding;
  } else {
    return 0; /* AVERAGE_POOL_2D included: see the header */
  }
  if (*padding != OCT_PAD_VALID ||
      !matches_same(x->dims[1], sh, fh, dh, pi->p[2], pi->p[3]) ||
      !matches_same(x->dims[2], sw, fw, dw, pi->p[4], pi->p[5]))
    return 0;
  /* SAME's output is ceil(in / stride): it must be what readers expect. */
  const oct_ir_tensor *y = &g->tensors[o->outputs[0]];
  if (y->rank != 4 ||
      y->dims[1] != (x->dims[1] + (sh < 1 ? 1 : sh) - 1) / (sh < 1 ? 1 : sh) ||
      y->dims[2] != (x->dims[2] + (sw < 1 ? 1 : sw) - 1) / (sw < 1 ? 1 : sw))
    return 0;
  *padding = OCT_PAD_SAME;
  o->inputs[0] = pi->x;
  return 1;
}

oct_status oct_pass_fold_pad(oct_ir_graph *g, int *changed) {
  for (int i = 0; i < g->n_ops; i++) {
    pad_info pi;
    if (!read_pad(g, i, &pi)) continue;
    if (all_zero_amounts(&pi, g->tensors[pi.x].rank)) {
      if (oct_pu_bypass(g, i, pi.x, pi.z)) *changed = 1;
      continue;
    }
    if (fold_into_consumer(g, &pi)) {
      g->ops[i].dead = 1;
      *changed = 1;
    }
  }
  return OCT_OK;
}
