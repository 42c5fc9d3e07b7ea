/*
 * BATCH_MATMUL on float32: [..., M, K] x [..., K, N] -> [..., M, N], the
 * batch dims broadcasting as NumPy's, adj_x / adj_y transposing the last
 * two axes of an input. The converter emits it for MatMul and Gemm whose
 * right-hand side is not a constant.
 */
#include "ew_util.h"
#include "op_util.h"

#include "../kernels/ref/batch_matmul.h"

static oct_status bmm_prepare(oct_ctx *ctx, oct_node *node) {
  oct_tensor *in[2], *out;
  oct_status st = oct_ew_io(ctx, node, 2, 1, in, &out);
  if (st) return st;
  for (int i = 0; i < 2; i++)
    if (in[i]->type != OCT_FLOAT32)
      return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED, "input %d is %s (float32 only)", i + 1,
                      oct_ew_type(in[i]->type));
  if ((st = oct_ew_check_type(ctx, node, out, OCT_FLOAT32, "output"))) return st;
  const oct_tensor *x = in[0], *y = in[1];
  if (x->rank < 2 || y->rank < 2)
    return oct_fail(ctx, node, OCT_ERR_SHAPE, "inputs of rank %d and %d, need >= 2",
                    (int)x->rank, (int)y->rank);
  oct_batch_matmul_params *p;
  if ((st = oct_op_data_alloc(ctx, node, sizeof *p, (void **)&p))) return st;
  p->adj_x = node->opts ? node->opts->batch_matmul.adj_x : 0;
  p->adj_y = node->opts ? node->opts->batch_matmul.adj_y : 0;
  const int32_t xr = x->dims[x->rank - 2], xc = x->dims[x->rank - 1];
  const int32_t yr = y->dims[y->rank - 2], yc = y->dims[y->rank - 1];
  p->m = p->adj_x ? xc : xr;
  p->k = p->adj_x ? xr : xc;
  const int32_t ky = p->adj_y ? yc : yr;
  p->n = p->adj_y ? yr : yc;
  if (p->k != ky)
    return oct_fail(ctx, node, OCT_ERR_SHAPE, "inner dimensions %d and %d differ",
                    (int)p->k, (int)ky);
  int32_t odims[OCT_MAX_RANK], orank = 0;
  if (oct_bcast_init(&p->batch, x->dims, x->rank - 2, y->dims, y->rank - 2, odims, &orank) ||
      orank + 2 > OCT_MAX_RANK)
    return oct_fail(ctx, node, OCT_ERR_SHAPE, "batch dims of '%s' and '%s' do not broadcast",
                    x->name, y->name);
  odims[orank] = p->m;
  odims[orank + 1] = p->n;
  if ((st = oct_check_output_shape(ctx, node, out, orank + 2, odims))) return st;
  node->kernel = "ref";
  return OCT_OK;
}

static oct_status bmm_eval(oct_ctx *ctx, oct_node *node) {
  oct_batch_matmul_f32_ref(node->data, oct_input(ctx, node, 0)->data,
                           oct_input(ctx, node, 1)->data, oct_output(ctx, node, 0)->data);
  return OCT_OK;
}

const oct_op oct_op_batch_matmul = {OCT_OP_BATCH_MATMUL, bmm_prepare, bmm_eval};
