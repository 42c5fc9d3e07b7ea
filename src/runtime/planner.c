/*
 * Static memory plan: every activation, variable and scratch buffer gets an
 * offset in one planned region, reused by buffers whose lifetimes do not
 * overlap.
 *
 * Lifetimes are op-index intervals: a tensor lives from the op that writes
 * it (0 for model inputs and variables) to the last op that reads it (the
 * end for model outputs); a scratch buffer lives during its own op.
 * Placement is greedy, as TFLite Micro's GreedyMemoryPlanner: largest
 * buffer first, each at the lowest offset that does not collide with an
 * already placed buffer alive at the same time.
 *
 * Reshape-like ops (RESHAPE, SQUEEZE, EXPAND_DIMS) do not get a buffer of
 * their own: their output shares the input's bytes, and the shared buffer
 * lives as long as either tensor does.
 */
#include "interp.h"

typedef struct plan_buf {
  size_t size;
  int32_t first, last;
  int32_t id;     /* tensor index, or n_tensors + scratch slot */
  int64_t offset;
} plan_buf;

static int32_t alias_root(const struct oct_interp *it, int32_t t) {
  /* Chains are short and acyclic: an alias always points to an earlier
   * op's tensor, bounded by the number of tensors. */
  for (int32_t guard = 0; it->alias_of[t] >= 0 && guard < it->n_tensors; guard++)
    t = it->alias_of[t];
  return t;
}

static int is_reshape_like(int32_t code) {
  return code == OCT_OP_RESHAPE || code == OCT_OP_SQUEEZE ||
         code == OCT_OP_EXPAND_DIMS;
}

oct_status oct_plan_aliases(struct oct_interp *it);
oct_status oct_plan_aliases(struct oct_interp *it) {
  for (int32_t i = 0; i < it->n_nodes; i++) {
    oct_node *n = &it->nodes[i];
    if (!is_reshape_like(n->builtin) || n->n_in < 1 || n->n_out != 1) continue;
    const int32_t a = n->in[0], b = n->out[0];
    if (a < 0 || a == b) continue;
    oct_tensor *in = &it->tensors[a], *out = &it->tensors[b];
    if (in->bytes != out->bytes || out->is_const || out->is_variable ||
        in->is_variable || it->alias_of[b] >= 0)
      continue;
    if (in->is_const) {
      /* A reshaped constant is the same constant: later ops (a conv's
       * reshaped weights, say) can read it in prepare. */
      out->data = in->data;
      out->is_const = 1;
      n->folded = 1; /* nothing to write: a model output can be constant */
      continue;
    }
    /* A model input returned as a model output keeps its own buffer, so
     * the caller can refill the input without changing the result. */
    const int32_t root = alias_root(it, a);
    if (it->tensors[root].is_io && out->is_io) continue;
    it->alias_of[b] = root;
  }
  return OCT_OK;
}

/* Heap sort of buffer pointers (no recursion, no allocation): largest first,
 * then earliest first use, then id, so plans are deterministic. */
static int buf_before(const plan_buf *a, const plan_buf *b) {
  if (a->size != b->size) return a->size > b->size;
  if (a->first != b->first) return a->first < b->first;
  return a->id < b->id;
}

static void sift(plan_buf **h, size_t n, size_t i) {
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= n) return;
    /* Max-heap on "comes later", so the sorted array comes out in order. */
    if (c + 1 < n && buf_before(h[c], h[c + 1])) c++;
    if (!buf_before(h[i], h[c])) return;
    plan_buf *tmp = h[i];
    h[i] = h[c];
    h[c] = tmp;
    i = c;
  }
}

static void sort_bufs(plan_buf **h, size_t n) {
  for (size_t i = n / 2; i-- > 0;) sift(h, n, i);
  for (size_t end = n; end > 1; end--) {
    plan_buf *tmp = h[0];
    h[0] = h[end - 1];
    h[end - 1] = tmp;
    sift(h, end - 1, 0);
  }
}

static const char *op_name(const struct oct_interp *it, int32_t i) {
  const char *n = oct_builtin_name(it->nodes[i].builtin);
  return n ? n : "?";
}

oct_status oct_plan_memory(struct oct_interp *it, size_t *needed) {
  const int32_t nt = it->n_tensors, nn = it->n_nodes;
  const int32_t ns = nn * OCT_SCRATCH_PER_NODE;
  *needed = 0;

  /* Temporary arrays from the back of the arena. */
  const size_t nbuf_max = (size_t)nt + (size_t)ns;
  const size_t temp = nbuf_max * (sizeof(plan_buf) + 2 * sizeof(plan_buf *)) +
                      (size_t)nt * 2 * sizeof(int32_t) + 64;
  if (it->front + temp > it->arena_size)
    return oct_set_error(it, OCT_ERR_ARENA_TOO_SMALL,
                         "arena of %zu bytes too small to plan memory",
                         it->arena_size);
  uint8_t *back = it->arena + oct_align_up(it->arena_size - temp, 16);
  int32_t *first = (int32_t *)back;
  int32_t *last = first + nt;
  plan_buf *bufs = (plan_buf *)oct_align_up((uintptr_t)(last + nt), 16);
  plan_buf **order = (plan_buf **)(bufs + nbuf_max);
  plan_buf **placed = order + nbuf_max;

  enum { UNDEF = -2 };
  for (int32_t t = 0; t < nt; t++) {
    const oct_tensor *x = &it->tensors[t];
    first[t] = (x->is_const || x->is_variable) ? -1 : UNDEF;
    last[t] = x->is_variable ? nn - 1 : -1;
  }
  for (int32_t i = 0; i < it->n_inputs; i++) {
    first[it->inputs[i]] = 0;
  }
  for (int32_t i = 0; i < nn; i++) {
    const oct_node *n = &it->nodes[i];
    for (int32_t k = 0; k < n->n_in; k++) {
      const int32_t t = n->in[k];
      if (t < 0) continue;
      if (first[t] == UNDEF)
        return oct_set_error(it, OCT_ERR_MODEL,
                             "op %d (%s) reads tensor %d '%s' before any op writes it",
                             (int)i, op_name(it, i), (int)t, it->tensors[t].name);
      if (i > last[t]) last[t] = i;
    }
    for (int32_t k = 0; k < n->n_out; k++) {
      const int32_t t = n->out[k];
      /* folded at prepare: its outputs are constants now, not written */
      if (n->folded && it->tensors[t].is_const) continue;
      if (first[t] != UNDEF && !it->tensors[t].is_variable)
        return oct_set_error(it, OCT_ERR_MODEL,
                             "op %d (%s) writes tensor %d '%s', which is %s",
                             (int)i, op_name(it, i), (int)t, it->tensors[t].name,
                             it->tensors[t].is_const ? "constant"
                                                     : "already written");
      if (first[t] == UNDEF) first[t] = i;
      if (i > last[t]) last[t] = i;
    }
  }
  for (int32_t i = 0; i < it->n_outputs; i++) {
    const int32_t t = it->outputs[i];
    if (first[t] == UNDEF)
      return oct_set_error(it, OCT_ERR_MODEL,
                           "model output %d (tensor '%s') is never computed",
                           (int)i, it->tensors[t].name);
    last[t] = nn - 1;
  }
  /* Shared buffers live as long as any tensor that uses them. */
  for (int32_t t = 0; t < nt; t++) {
    if (it->alias_of[t] < 0 || first[t] == UNDEF) continue;
    const int32_t r = alias_root(it, t);
    if (first[t] < first[r]) first[r] = first[t];
    if (last[t] > last[r]) last[r] = last[t];
  }

  size_t nb = 0, total = 0;
  for (int32_t t = 0; t < nt; t++) {
    const oct_tensor *x = &it->tensors[t];
    if (x->is_const || it->alias_of[t] >= 0 || first[t] == UNDEF || !x->bytes)
      continue;
    plan_buf *b = &bufs[nb++];
    b->size = oct_align_up(x->bytes, OCT_ARENA_ALIGN);
    b->first = first[t] < 0 ? 0 : first[t];
    b->last = last[t] < b->first ? b->first : last[t];
    b->id = t;
    b->offset = -1;
    total += b->size;
  }
  for (int32_t s = 0; s < ns; s++) {
    if (!it->scratch[s].bytes) continue;
    plan_buf *b = &bufs[nb++];
    b->size = oct_align_up(it->scratch[s].bytes, OCT_ARENA_ALIGN);
    b->first = b->last = s / OCT_SCRATCH_PER_NODE;
    b->id = nt + s;
    b->offset = -1;
    total += b->size;
  }
  for (size_t i = 0; i < nb; i++) order[i] = &bufs[i];
  sort_bufs(order, nb);

  /* `placed` stays sorted by offset, so each new buffer scans the gaps
   * between time-overlapping buffers from the bottom up. */
  size_t np = 0, high = 0;
  for (size_t i = 0; i < nb; i++) {
    plan_buf *b = order[i];
    size_t cand = 0, pos = np;
    for (size_t k = 0; k < np; k++) {
      const plan_buf *p = placed[k];
      if (p->last < b->first || p->first > b->last) continue;
      if (cand + b->size <= (size_t)p->offset) break;
      const size_t end = (size_t)p->offset + p->size;
      if (end > cand) cand = end;
    }
    b->offset = (int64_t)cand;
    if (cand + b->size > high) high = cand + b->size;
    while (pos > 0 && (size_t)placed[pos - 1]->offset > cand) pos--;
    oct_memmove(placed + pos + 1, placed + pos, (np - pos) * sizeof *placed);
    placed[pos] = b;
    np++;
  }

  for (size_t i = 0; i < nb; i++) {
    const plan_buf *b = &bufs[i];
    if (b->id < nt) it->tensor_offset[b->id] = b->offset;
    else it->scratch[b->id - nt].offset = b->offset;
  }
  it->planned_bytes = high;
  it->unplanned_bytes = total;
  const size_t base = oct_align_up(it->front, OCT_ARENA_ALIGN);
  /* init with exactly this arena must also fit the temporary arrays. */
  *needed = base + high;
  if (it->front + temp > *needed) *needed = it->front + temp;
  it->required = *needed;
  if (*needed > it->arena_size)
    return oct_set_error(it, OCT_ERR_ARENA_TOO_SMALL,
                         "arena of %zu bytes too small: the model needs %zu",
                         it->arena_size, *needed);
  it->planned = it->arena + base;
  for (int32_t t = 0; t < nt; t++) {
    oct_tensor *x = &it->tensors[t];
    if (x->is_const) continue;
    const int32_t r = alias_root(it, t);
    x->data = it->tensor_offset[r] >= 0 ? it->planned + it->tensor_offset[r] : 0;
    if (r != t) it->tensor_offset[t] = it->tensor_offset[r];
  }
  return OCT_OK;
}
