/*
 * Interpreter lifecycle: init (read the model, prepare every op, plan
 * memory, all inside the caller's arena) and invoke (run every op's eval in
 * order). Also the read-only accessors of the public API.
 */
#include "interp.h"

oct_status oct_plan_aliases(struct oct_interp *it);

oct_status oct_set_error(struct oct_interp *it, oct_status code,
                         const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  oct_vfmt(it->error, sizeof it->error, fmt, ap);
  va_end(ap);
  return code;
}

oct_status oct_arena_take(struct oct_interp *it, size_t bytes, void **out) {
  const size_t start = oct_align_up(it->front, OCT_ARENA_ALIGN);
  if (bytes > it->arena_size || start > it->arena_size - bytes) {
    *out = 0;
    return oct_set_error(it, OCT_ERR_ARENA_TOO_SMALL,
                         "arena of %zu bytes too small for the model's records",
                         it->arena_size);
  }
  *out = it->arena + start;
  oct_memset(*out, 0, bytes);
  it->front = start + bytes;
  return OCT_OK;
}

static void copy_error(oct_error *err, const char *msg, size_t needed) {
  if (!err) return;
  size_t i = 0;
  for (; msg[i] && i + 1 < sizeof err->message; i++) err->message[i] = msg[i];
  err->message[i] = '\0';
  err->needed_bytes = needed;
}

static void fail_arg(oct_error *err, const char *msg) { copy_error(err, msg, 0); }

static oct_status prepare_all(struct oct_interp *it) {
  struct oct_ctx ctx = {it};
  it->preparing = 1;
  for (int32_t i = 0; i < it->n_nodes; i++) {
    oct_node *n = &it->nodes[i];
    oct_status st = it->ops[i]->prepare(&ctx, n);
    if (st) {
      it->preparing = 0;
      return st;
    }
  }
  it->preparing = 0;
  return OCT_OK;
}

/* Variables start as their buffer's data, or zeros (TFLite resets them). */
static void init_variables(struct oct_interp *it) {
  for (int32_t t = 0; t < it->n_tensors; t++) {
    oct_tensor *x = &it->tensors[t];
    if (!x->is_variable || !x->data) continue;
    oct_memset(x->data, 0, x->bytes);
  }
}

/* plan: 0 stops after prepare (oct_interp_init_records). */
static oct_status init_impl(oct_interp **out, const void *model, size_t model_size,
                            void *arena, size_t arena_size, const oct_options *opts,
                            oct_error *err, int plan) {
  if (err) {
    err->message[0] = '\0';
    err->needed_bytes = 0;
  }
  if (!out || !model || !arena) {
    fail_arg(err, "oct_interp_init: NULL argument");
    return OCT_ERR_INVALID_ARG;
  }
  *out = 0;
  const uintptr_t base = (uintptr_t)arena;
  const uintptr_t aligned = (base + OCT_ARENA_ALIGN - 1) & ~(uintptr_t)(OCT_ARENA_ALIGN - 1);
  if (aligned - base + sizeof(struct oct_interp) > arena_size) {
    copy_error(err, "arena too small for the interpreter record", 0);
    return OCT_ERR_ARENA_TOO_SMALL;
  }
  struct oct_interp *it = (struct oct_interp *)aligned;
  oct_memset(it, 0, sizeof *it);
  it->magic = OCT_INTERP_MAGIC;
  it->model = model;
  it->model_size = model_size;
  it->arena = (uint8_t *)aligned;
  it->arena_size = arena_size - (aligned - base);
  it->front = sizeof *it;
  it->kernels = opts ? opts->kernels : OCT_KERNELS_BEST;
  it->threads = opts && opts->threads > 1 && opts->parallel_for ? opts->threads : 1;
  if (it->threads > 1) {
    it->parallel_for = opts->parallel_for;
    it->pool = opts->pool;
  }

  size_t needed = 0;
  oct_status st = oct_model_load(it);
  if (!st) {
    it->metadata_bytes = it->front;
    st = oct_plan_aliases(it);
  }
  if (!st) st = prepare_all(it);
  if (!st) {
    it->persistent_bytes = it->front - it->metadata_bytes;
    if (plan) {
      st = oct_plan_memory(it, &needed);
      if (needed) needed += aligned - base;
    } else {
      it->required = it->front + (aligned - base);
    }
  }
  if (st) {
    copy_error(err, it->error, st == OCT_ERR_ARENA_TOO_SMALL ? needed : 0);
    it->magic = 0;
    return st;
  }
  if (plan) init_variables(it);
  it->error[0] = '\0';
  *out = it;
  return OCT_OK;
}

oct_status oct_interp_init(oct_interp **out, const void *model,
                           size_t model_size, void *arena, size_t arena_size,
                           const oct_options *opts, oct_error *err) {
  return init_impl(out, model, model_size, arena, arena_size, opts, err, 1);
}

oct_status oct_interp_init_records(oct_interp **out, const void *model, size_t model_size,
                                   void *arena, size_t arena_size, const oct_options *opts,
                                   oct_error *err) {
  return init_impl(out, model, model_size, arena, arena_size, opts, err, 0);
}

oct_status oct_interp_invoke(oct_interp *it) {
  if (!it || it->magic != OCT_INTERP_MAGIC) return OCT_ERR_INVALID_ARG;
  return oct_interp_invoke_ops(it, 0, it->n_nodes);
}

oct_status oct_interp_invoke_ops(oct_interp *it, int first, int count) {
  if (!it || it->magic != OCT_INTERP_MAGIC || first < 0 || count < 0 ||
      first > it->n_nodes || count > it->n_nodes - first)
    return OCT_ERR_INVALID_ARG;
  struct oct_ctx ctx = {it};
  for (int32_t i = first; i < first + count; i++) {
    oct_status st = it->ops[i]->eval(&ctx, &it->nodes[i]);
    if (st) {
      if (!it->error[0])
        oct_set_error(it, st, "op %d (%s): %s", (int)i,
                      oct_builtin_name(it->nodes[i].builtin), oct_status_str(st));
      return st;
    }
  }
  return OCT_OK;
}

const char *oct_interp_error(const oct_interp *it) {
  return it ? it->error : "no interpreter";
}

size_t oct_interp_arena_used(const oct_interp *it) {
  return it ? it->required : 0;
}

int oct_interp_input_count(const oct_interp *it) { return it ? it->n_inputs : 0; }
int oct_interp_output_count(const oct_interp *it) { return it ? it->n_outputs : 0; }

int oct_interp_input_index(const oct_interp *it, int i) {
  return it && i >= 0 && i < it->n_inputs ? it->inputs[i] : -1;
}
int oct_interp_output_index(const oct_interp *it, int i) {
  return it && i >= 0 && i < it->n_outputs ? it->outputs[i] : -1;
}

void *oct_interp_input_data(oct_interp *it, int i) {
  const int t = oct_interp_input_index(it, i);
  return t < 0 ? 0 : it->tensors[t].data;
}

const void *oct_interp_output_data(const oct_interp *it, int i) {
  const int t = oct_interp_output_index(it, i);
  return t < 0 ? 0 : it->tensors[t].data;
}

int oct_interp_tensor_count(const oct_interp *it) { return it ? it->n_tensors : 0; }

oct_status oct_interp_tensor_info(const oct_interp *it, int tensor,
                                  oct_tensor_info *info) {
  if (!it || !info || tensor < 0 || tensor >= it->n_tensors)
    return OCT_ERR_INVALID_ARG;
  const oct_tensor *t = &it->tensors[tensor];
  oct_memset(info, 0, sizeof *info);
  info->name = t->name;
  info->dtype = t->type;
  info->rank = t->rank;
  for (int i = 0; i < t->rank; i++) info->dims[i] = t->dims[i];
  info->bytes = t->bytes;
  info->is_constant = t->is_const;
  info->quant_count = t->q_count;
  info->quant_dim = t->q_dim;
  info->scale = t->scale;
  info->zero_point = t->zero_point;
  return OCT_OK;
}

oct_status oct_interp_tensor_quant(const oct_interp *it, int tensor, int k,
                                   float *scale, int64_t *zero_point) {
  if (!it || tensor < 0 || tensor >= it->n_tensors) return OCT_ERR_INVALID_ARG;
  const oct_tensor *t = &it->tensors[tensor];
  if (k < 0 || k >= t->q_count) return OCT_ERR_INVALID_ARG;
  if (scale) *scale = oct_tensor_scale(t, k);
  if (zero_point) *zero_point = oct_tensor_zero_point(t, k);
  return OCT_OK;
}

int64_t oct_interp_tensor_offset(const oct_interp *it, int tensor) {
  if (!it || tensor < 0 || tensor >= it->n_tensors) return -1;
  return it->tensor_offset[tensor];
}

int oct_interp_op_count(const oct_interp *it) { return it ? it->n_nodes : 0; }

oct_status oct_interp_op_info(const oct_interp *it, int op, oct_op_info *info) {
  if (!it || !info || op < 0 || op >= it->n_nodes) return OCT_ERR_INVALID_ARG;
  const oct_node *n = &it->nodes[op];
  info->type = oct_builtin_name(n->builtin);
  if (!info->type) info->type = "?";
  info->kernel = n->kernel ? n->kernel : "ref";
  info->builtin_code = n->builtin;
  info->version = n->version;
  info->input_count = n->n_in;
  info->output_count = n->n_out;
  info->inputs = n->in;
  info->outputs = n->out;
  return OCT_OK;
}

oct_status oct_interp_memory_info(const oct_interp *it, oct_memory_info *info) {
  if (!it || !info) return OCT_ERR_INVALID_ARG;
  info->arena_bytes = oct_interp_arena_used(it);
  info->metadata_bytes = it->metadata_bytes;
  info->persistent_bytes = it->persistent_bytes;
  info->planned_bytes = it->planned_bytes;
  info->unplanned_bytes = it->unplanned_bytes;
  info->weight_bytes = it->weight_bytes;
  return OCT_OK;
}
