/* Dispatches a quantization mode to its implementation (quantize.h). */
#include "quant/quantize.h"

#include <string.h>

static const char *const k_mode_names[] = {
    [OCT_QUANT_NONE] = "none",           [OCT_QUANT_FLOAT16] = "float16",
    [OCT_QUANT_WEIGHTS_INT8] = "weights-int8", [OCT_QUANT_DYNAMIC] = "dynamic",
    [OCT_QUANT_INT8] = "int8",           [OCT_QUANT_INT16X8] = "int16x8",
};
#define N_MODES ((int)(sizeof k_mode_names / sizeof k_mode_names[0]))

const char *oct_quant_mode_name(oct_quant_mode m) {
  return (int)m >= 0 && (int)m < N_MODES ? k_mode_names[m] : NULL;
}

int oct_quant_mode_parse(const char *s, oct_quant_mode *m) {
  for (int i = 0; i < N_MODES; i++)
    if (s && !strcmp(s, k_mode_names[i])) {
      *m = (oct_quant_mode)i;
      return 0;
    }
  return -1;
}

oct_status oct_quantize_graph(oct_ir_graph *g, const oct_convert_options *opts,
                              oct_convert_report *rep) {
  const char *name = oct_quant_mode_name(opts->quantize);
  if (!name) return oct_ir_fail(g, OCT_ERR_INVALID_ARG, "unknown quantization mode %d",
                                (int)opts->quantize);
  if (rep) rep->quantize = name;
  if (opts->quantize != OCT_QUANT_INT8 && opts->quantize != OCT_QUANT_INT16X8)
    oct_quant_drop_fixed(g);
  switch (opts->quantize) {
    case OCT_QUANT_NONE: return OCT_OK;
    case OCT_QUANT_FLOAT16:
    case OCT_QUANT_WEIGHTS_INT8: return oct_quant_weights(g, opts, rep);
    case OCT_QUANT_DYNAMIC: return oct_quant_dynamic(g, opts, rep);
    case OCT_QUANT_INT8:
    case OCT_QUANT_INT16X8: return oct_quant_full(g, opts, rep);
  }
  return OCT_ERR_INTERNAL;
}

void oct_quant_drop_fixed(oct_ir_graph *g) {
  for (int t = 0; t < g->n_tensors; t++) {
    oct_ir_tensor *x = &g->tensors[t];
    if (x->type != OCT_FLOAT32 || x->data || !x->q.count) continue;
    const int has = x->q.has_range;
    const float mn = x->q.min, mx = x->q.max;
    oct_ir_set_quant(g, t, 0, NULL, NULL, 0);
    x->q.has_range = has;
    x->q.min = mn;
    x->q.max = mx;
  }
}

int oct_quant_listed(const char *list, const char *name) {
  if (!list || !name || !*name) return 0;
  const size_t n = strlen(name);
  for (const char *p = list; *p;) {
    const char *e = strchr(p, ',');
    const size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len == n && !strncmp(p, name, n)) return 1;
    if (!e) break;
    p = e + 1;
  }
  return 0;
}

int oct_quant_kept_float(const oct_ir_graph *g, const oct_ir_op *op, const char *list) {
  if (!list || !*list) return 0;
  if (oct_quant_listed(list, op->name)) return 1;
  for (int k = 0; k < op->n_outputs; k++) {
    const int t = op->outputs[k];
    if (t >= 0 && t < g->n_tensors && oct_quant_listed(list, g->tensors[t].name)) return 1;
  }
  return 0;
}
