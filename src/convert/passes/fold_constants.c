/*
 * Constant folding: an op whose inputs are all constant is evaluated once
 * and its outputs become constants.
 *
 * Builtin ops run in octet's own runtime, so folding computes exactly what
 * the model would at run time: the op alone goes into a one-op graph (its
 * constant inputs, the op with its options, its outputs as graph outputs),
 * the .tflite writer serializes it, and an interpreter on a heap arena
 * (oct_arena_size, oct_interp_init, oct_interp_invoke) runs it. An op the
 * runtime or writer cannot handle (unsupported op or type) is left as it
 * is: folding is an optimization, never a reason to fail.
 *
 * BatchNorm (IR-only) of a constant is computed here in double. Identity
 * and Dropout are left to remove_identity.
 *
 * Not folded:
 *   - outputs over 16 MiB (folding would bloat the file; TFLite's converter
 *     draws a similar line);
 *   - outputs that are graph outputs (the model would have a constant
 *     output and no op computing it; TFLite readers disagree on that);
 *   - QUANTIZE and DEQUANTIZE: they keep float16/int8 weights compressed
 *     in the file (TFLite's converter keeps them too) and belong to the
 *     quantizer;
 *   - CUSTOM ops and other IR-only ops.
 */
#include <stdlib.h>
#include <string.h>

#include "convert/passes.h"
#include "convert/tflite_writer.h"
#include "io/fb_builder.h"
#include "pass_util.h"

static int is_foldable(const oct_ir_graph *g, const oct_ir_op *o) {
  if (o->dead || o->n_inputs < 1 || o->n_outputs < 1) return 0;
  switch (o->code) {
    case OCT_OP_QUANTIZE:
    case OCT_OP_DEQUANTIZE:
    case OCT_OP_CUSTOM:
    case OCT_IR_IDENTITY:
    case OCT_IR_DROPOUT:
      return 0;
    default:
      break;
  }
  if (o->code >= OCT_IR_FIRST && o->code != OCT_IR_BATCH_NORM) return 0;
  int any = 0;
  for (int k = 0; k < o->n_inputs; k++) {
    if (o->inputs[k] < 0) continue;
    if (!oct_pu_is_const(g, o->inputs[k])) return 0;
    any = 1;
  }
  if (!any) return 0;
  for (int k = 0; k < o->n_outputs; k++) {
    const int t = o->outputs[k];
    if (t < 0 || oct_pu_is_const(g, t) || oct_pu_is_graph_output(g, t))
      return 0;
    const oct_ir_tensor *x = &g->tensors[t];
    if (x->rank < 0 || (x->rank > 0 && oct_ir_elems(x) <= 0)) return 0;
    if (oct_ir_bytes(x) > OCT_PU_MAX_FOLD_BYTES) return 0;
  }
  return 1;
}

/* y = x * a[c] + b[c] in double. Returns OCT_ERR_UNSUPPORTED to skip. */
static oct_status fold_batch_norm(oct_ir_graph *g, int i) {
  const oct_ir_op *o = &g->ops[i];
  const float *x = oct_pu_const_f32(g, o->inputs[0]);
  const int y = o->outputs[0];
  if (!x || g->tensors[y].type != OCT_FLOAT32 ||
      !oct_pu_same_shape(&g->tensors[o->inputs[0]], &g->tensors[y]))
    return OCT_ERR_UNSUPPORTED;
  double *a, *b;
  int c;
  oct_status st = oct_pu_bn_coeffs(g, o, &a, &b, &c);
  if (st == OCT_ERR_NO_MEMORY) return oct_ir_fail(g, st, "out of memory");
  if (st) return st;
  const int64_t n = oct_ir_elems(&g->tensors[y]);
  float *out = malloc((size_t)(n ? n : 1) * sizeof *out);
  if (!out) {
    free(a);
    free(b);
    return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "out of memory");
  }
  for (int64_t e = 0; e < n; e++)
    out[e] = (float)((double)x[e] * a[e % c] + b[e % c]);
  free(a);
  free(b);
  return oct_ir_set_data(g, y, out, (size_t)n * sizeof *out, 1);
}

/* A graph holding op i of g alone, its inputs constant. */
static oct_status build_one_op(const oct_ir_graph *g, int i,
                               oct_ir_graph *sub) {
  const oct_ir_op *o = &g->ops[i];
  int ins[16], outs[16];
  if (o->n_inputs > 16 || o->n_outputs > 16) return OCT_ERR_UNSUPPORTED;
  for (int k = 0; k < o->n_inputs; k++) {
    ins[k] = -1;
    const int t = o->inputs[k];
    if (t < 0) continue;
    for (int j = 0; j < k; j++) /* the same tensor read twice stays one */
      if (o->inputs[j] == t) ins[k] = ins[j];
    if (ins[k] >= 0) continue;
    const oct_ir_tensor *x = &g->tensors[t];
    ins[k] = oct_ir_add_tensor(sub, x->name, x->type, x->rank, x->dims);
    if (ins[k] < 0 || oct_ir_set_data(sub, ins[k], x->data, x->bytes, 0))
      return OCT_ERR_NO_MEMORY;
    if (x->q.count && oct_ir_set_quant(sub, ins[k], x->q.count, x->q.scale,
                                       x->q.zero_point, x->q.axis))
      return OCT_ERR_NO_MEMORY;
  }
  for (int k = 0; k < o->n_outputs; k++) {
    const oct_ir_tensor *x = &g->tensors[o->outputs[k]];
    outs[k] = oct_ir_add_tensor(sub, x->name, x->type, x->rank, x->dims);
    if (outs[k] < 0) return OCT_ERR_NO_MEMORY;
    if (x->q.count && oct_ir_set_quant(sub, outs[k], x->q.count, x->q.scale,
                                       x->q.zero_point, x->q.axis))
      return OCT_ERR_NO_MEMORY;
    if (oct_ir_add_output(sub, outs[k])) return OCT_ERR_NO_MEMORY;
  }
  const int j = oct_ir_add_op(sub, o->code, o->n_inputs, ins, o->n_outputs,
                              outs, o->name);
  if (j < 0) return OCT_ERR_NO_MEMORY;
  sub->ops[j].version = o->version;
  sub->ops[j].opts = o->opts;
  sub->ops[j].attrs = o->attrs;
  return OCT_OK;
}

/* Runs a serialized one-op model; on success outs[k] are malloc'ed copies
 * of its outputs. OCT_ERR_NO_MEMORY is the only status worth failing on. */
static oct_status run_model(const oct_ir_graph *g, const oct_ir_op *o,
                            const void *model, size_t size, void **outs) {
  size_t need = 0;
  oct_error err;
  oct_status st = oct_arena_size(model, size, NULL, &need, &err);
  if (st) return st;
  need = (need + OCT_ARENA_ALIGN - 1) / OCT_ARENA_ALIGN * OCT_ARENA_ALIGN;
  void *arena = aligned_alloc(OCT_ARENA_ALIGN, need ? need : OCT_ARENA_ALIGN);
  if (!arena) return OCT_ERR_NO_MEMORY;
  oct_interp *it = NULL;
  st = oct_interp_init(&it, model, size, arena, need, NULL, &err);
  if (!st) st = oct_interp_invoke(it);
  if (!st && oct_interp_output_count(it) != o->n_outputs) st = OCT_ERR_INTERNAL;
  for (int k = 0; !st && k < o->n_outputs; k++) {
    const oct_ir_tensor *want = &g->tensors[o->outputs[k]];
    oct_tensor_info info;
    st = oct_interp_tensor_info(it, oct_interp_output_index(it, k), &info);
    if (st) break;
    /* The runtime's shape must be the one the graph promised its readers. */
    if (info.dtype != want->type || info.rank != want->rank ||
        info.bytes != oct_ir_bytes(want) ||
        memcmp(info.dims, want->dims, (size_t)want->rank * sizeof *info.dims) !=
            0) {
      st = OCT_ERR_SHAPE;
      break;
    }
    outs[k] = malloc(info.bytes ? info.bytes : 1);
    if (!outs[k]) {
      st = OCT_ERR_NO_MEMORY;
      break;
    }
    memcpy(outs[k], oct_interp_output_data(it, k), info.bytes);
  }
  free(arena);
  return st;
}

/* Evaluates op i in the runtime. OCT_ERR_UNSUPPORTED (or any runtime
 * failure) means "leave it". */
static oct_status fold_builtin(oct_ir_graph *g, int i) {
  oct_ir_graph sub;
  oct_ir_init(&sub);
  oct_fbb b;
  oct_fbb_init(&b);
  void *outs[16] = {0};
  oct_status st = build_one_op(g, i, &sub);
  if (!st) st = oct_tflite_serialize(&sub, &b);
  if (!st)
    st = run_model(g, &g->ops[i], oct_fbb_data(&b), oct_fbb_size(&b), outs);
  oct_fbb_free(&b);
  oct_ir_free(&sub);
  const oct_ir_op *o = &g->ops[i];
  if (!st) {
    for (int k = 0; k < o->n_outputs; k++) {
      const int t = o->outputs[k];
      if (oct_ir_set_data(g, t, outs[k], oct_ir_bytes(&g->tensors[t]), 1)) {
        st = OCT_ERR_NO_MEMORY;
        break;
      }
      outs[k] = NULL;
    }
  }
  for (int k = 0; k < o->n_outputs && k < 16; k++) free(outs[k]);
  if (st == OCT_ERR_NO_MEMORY)
    return oct_ir_fail(g, st, "out of memory folding op %d (%s '%s')", i,
                       oct_ir_op_name(o->code), o->name);
  return st ? OCT_ERR_UNSUPPORTED : OCT_OK;
}

oct_status oct_pass_fold_constants(oct_ir_graph *g, int *changed) {
  /* In execution order, so a chain of constant ops folds in one sweep. */
  for (int i = 0; i < g->n_ops; i++) {
    if (!is_foldable(g, &g->ops[i])) continue;
    oct_status st = g->ops[i].code == OCT_IR_BATCH_NORM ? fold_batch_norm(g, i)
                                                        : fold_builtin(g, i);
    if (st == OCT_ERR_UNSUPPORTED) continue;
    if (st) return st;
    g->ops[i].dead = 1;
    *changed = 1;
  }
  return OCT_OK;
}
