/* .tflite into the graph IR through the runtime's loader; see
 * tflite_import.h. */
#include "tflite_import.h"

#include <stdlib.h>
#include <string.h>

#include "runtime/interp.h"

static oct_status copy_quant(oct_ir_graph *g, int index, const oct_tensor *t) {
  if (t->q_count <= 0) return OCT_OK;
  const size_t n = (size_t)t->q_count;
  float *scale = malloc(n * sizeof *scale);
  int64_t *zp = malloc(n * sizeof *zp);
  oct_status st = OCT_OK;
  if (!scale || !zp) {
    st = oct_ir_fail(g, OCT_ERR_NO_MEMORY, "out of memory importing tensor '%s'", t->name);
  } else {
    /* Scales and zero points live unaligned in the file; zero points may
     * be absent or one for all. */
    for (int32_t i = 0; i < t->q_count; i++) {
      scale[i] = oct_tensor_scale(t, i);
      zp[i] = oct_tensor_zero_point(t, i);
    }
    st = oct_ir_set_quant(g, index, t->q_count, scale, zp, t->q_count > 1 ? t->q_dim : 0);
  }
  free(scale);
  free(zp);
  return st;
}

/* written[t]: bit 1 an op writes t, bit 2 t is a model input. */
static oct_status copy_tensors(oct_ir_graph *g, const struct oct_interp *ip,
                               const unsigned char *written) {
  for (int32_t i = 0; i < ip->n_tensors; i++) {
    const oct_tensor *t = &ip->tensors[i];
    /* A variable the caller fills (a model input) is just an input; state
     * carried from one invoke to the next has no place in the graph. */
    if (t->is_variable && !(written[i] & 2))
      return oct_ir_fail(g, OCT_ERR_UNSUPPORTED,
                         "tensor %d '%s' is a variable; the converter does not "
                         "support stateful models",
                         (int)i, t->name);
    const int idx = oct_ir_add_tensor(g, t->name, t->type, t->rank, t->dims);
    if (idx < 0) return OCT_ERR_NO_MEMORY;
    /* The planner makes a reshaped constant a constant too (sharing the
     * bytes); in the graph it stays the op's output. */
    if (t->is_const && t->data && !(written[i] & 1)) {
      oct_status st = oct_ir_set_data(g, idx, t->data, t->bytes, 0);
      if (st) return st;
    }
    oct_status st = copy_quant(g, idx, t);
    if (st) return st;
  }
  return OCT_OK;
}

static oct_status copy_ops(oct_ir_graph *g, const struct oct_interp *ip) {
  int buf[OCT_MAX_OP_IO];
  for (int32_t i = 0; i < ip->n_nodes; i++) {
    const oct_node *n = &ip->nodes[i];
    int out[OCT_MAX_OP_IO];
    for (int32_t k = 0; k < n->n_in; k++) buf[k] = n->in[k];
    for (int32_t k = 0; k < n->n_out; k++) out[k] = n->out[k];
    /* Ops have no names in .tflite; the first output's name says which. */
    const char *name = n->n_out > 0 ? ip->tensors[n->out[0]].name : "";
    const int o = oct_ir_add_op(g, n->builtin, n->n_in, buf, n->n_out, out, name);
    if (o < 0) return OCT_ERR_NO_MEMORY;
    g->ops[o].opts = *n->opts;
    g->ops[o].version = 0;
  }
  return OCT_OK;
}

static oct_status copy_model(oct_ir_graph *g, const struct oct_interp *ip) {
  unsigned char *written = calloc((size_t)(ip->n_tensors ? ip->n_tensors : 1), 1);
  if (!written) return oct_ir_fail(g, OCT_ERR_NO_MEMORY, "out of memory importing the model");
  for (int32_t i = 0; i < ip->n_nodes; i++)
    for (int32_t k = 0; k < ip->nodes[i].n_out; k++) written[ip->nodes[i].out[k]] |= 1;
  for (int32_t i = 0; i < ip->n_inputs; i++) written[ip->inputs[i]] |= 2;
  oct_status st = copy_tensors(g, ip, written);
  free(written);
  for (int32_t i = 0; !st && i < ip->n_inputs; i++) st = oct_ir_add_input(g, ip->inputs[i]);
  for (int32_t i = 0; !st && i < ip->n_outputs; i++) st = oct_ir_add_output(g, ip->outputs[i]);
  if (!st) st = copy_ops(g, ip);
  return st;
}

oct_status oct_tflite_import(const void *bytes, size_t size, oct_ir_graph *g) {
  if (!g) return OCT_ERR_INVALID_ARG;
  if (!bytes) return oct_ir_fail(g, OCT_ERR_INVALID_ARG, "no model bytes");
  if (g->n_tensors || g->n_ops)
    return oct_ir_fail(g, OCT_ERR_INVALID_ARG, "oct_tflite_import needs an empty graph");
  /* Reference kernels: nothing is packed for a faster variant we never
   * run; and no memory plan: the tables are all we copy, so a 1 KB file
   * declaring gigabytes of activations costs nothing. */
  const oct_options opts = {OCT_KERNELS_REF, 1, 0, 0};
  oct_error err;
  size_t need = 0;
  oct_status st = oct_arena_size_records(bytes, size, &opts, &need, &err);
  if (st) return oct_ir_fail(g, st, "%s", err.message);
  void *arena = NULL;
  if (posix_memalign(&arena, OCT_ARENA_ALIGN, need ? need : OCT_ARENA_ALIGN) != 0)
    return oct_ir_fail(g, OCT_ERR_NO_MEMORY,
                       "cannot allocate %zu bytes to read the model", need);
  oct_interp *it = NULL;
  st = oct_interp_init_records(&it, bytes, size, arena, need, &opts, &err);
  if (st)
    oct_ir_fail(g, st, "%s", err.message);
  else
    st = copy_model(g, (const struct oct_interp *)it);
  free(arena);
  return st;
}
