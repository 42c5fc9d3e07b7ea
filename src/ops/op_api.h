/*
 * What an op implementation sees of the interpreter.
 *
 * Every op file in src/ops/ defines one `const oct_op oct_op_<name>` with a
 * prepare and an eval step, and is listed in src/ops/op_list.h.
 *
 * prepare (once, at init): the model is untrusted, so prepare checks
 *   everything eval relies on: input/output counts, types, ranks, shapes,
 *   quantization parameters, options. It computes what eval needs
 *   (requantization multipliers, output shapes, padding) into op data from
 *   oct_op_data_alloc, may allocate further persistent memory (tables,
 *   packed weights) and may request scratch buffers. Constant tensors'
 *   `data` is valid in prepare; activations' `data` is NULL until planning.
 *   Output shapes: prepare computes them and calls oct_check_output_shape,
 *   which insists on the shape the model declares (TFLite files are static).
 * eval (every invoke): only the math. It must not fail on anything prepare
 *   could have checked; it never allocates.
 */
#ifndef OCT_OP_API_H
#define OCT_OP_API_H

#include <stddef.h>
#include <stdint.h>
#include "octet/octet.h"
#include "../runtime/builtin.h"
#include "../runtime/oct_libc.h"

typedef struct oct_tensor {
  void *data;       /* NULL for activations until the plan is made */
  size_t bytes;
  oct_dtype type;
  int32_t rank;
  int32_t dims[OCT_MAX_RANK];
  uint8_t is_const;
  uint8_t is_variable;
  uint8_t is_io;    /* a model input or output */
  /* Quantization (q_count 0: none). Scales/zero points beyond the first are
   * read with oct_tensor_scale / oct_tensor_zero_point: they live in the
   * model file, possibly unaligned. */
  int32_t q_count;
  int32_t q_dim;
  float scale;
  int32_t zero_point;
  const uint8_t *q_scales; /* q_count little-endian float32 */
  const uint8_t *q_zps;    /* q_zp_count little-endian int64, may be NULL */
  int32_t q_zp_count;
  const char *name;
} oct_tensor;

typedef struct oct_ctx oct_ctx;

typedef struct oct_node {
  int32_t index;     /* position in execution order */
  int32_t builtin;   /* OCT_OP_* */
  int32_t version;
  int32_t n_in, n_out;
  const int32_t *in;  /* tensor indices, -1 = omitted optional input */
  const int32_t *out;
  const oct_builtin_options *opts;
  const uint8_t *custom_options;
  size_t custom_options_size;
  void *data;          /* op data from oct_op_data_alloc */
  const char *kernel;  /* variant name for `octet inspect --kernels` */
  int32_t scratch_first;
  int32_t scratch_count;
  uint8_t folded;      /* prepare computed the outputs once into persistent
                          memory and marked them constant; eval does nothing
                          (DEQUANTIZE of constant weights) */
} oct_node;

typedef struct oct_op {
  int32_t builtin;
  oct_status (*prepare)(oct_ctx *ctx, oct_node *node);
  oct_status (*eval)(oct_ctx *ctx, oct_node *node);
} oct_op;

/* Input/output tensor i of the node, or NULL if absent (-1 or i too large). */
oct_tensor *oct_input(oct_ctx *ctx, const oct_node *node, int i);
oct_tensor *oct_output(oct_ctx *ctx, const oct_node *node, int i);

/* Op data: zeroed persistent memory owned by the node (node->data). */
oct_status oct_op_data_alloc(oct_ctx *ctx, oct_node *node, size_t bytes,
                             void **out);
/* More persistent memory (zeroed, OCT_ARENA_ALIGN aligned), e.g. per-channel
 * multipliers or lookup tables. Only in prepare. */
oct_status oct_persistent_alloc(oct_ctx *ctx, size_t bytes, void **out);
/* Scratch: planned memory that lives only while this node runs. Request in
 * prepare (index returned), get the pointer in eval. */
oct_status oct_scratch_request(oct_ctx *ctx, oct_node *node, size_t bytes,
                               int *index);
void *oct_scratch(oct_ctx *ctx, const oct_node *node, int index);
/* Raises scratch buffer `index` of node to at least `bytes` (prepare
 * only): a faster kernel chosen after the checks that requested it. */
oct_status oct_scratch_grow(oct_ctx *ctx, oct_node *node, int index,
                            size_t bytes);

/* Checks that tensor t has exactly this shape (the model's declared shape is
 * authoritative); fails with a message naming the tensor otherwise. */
oct_status oct_check_output_shape(oct_ctx *ctx, const oct_node *node,
                                  const oct_tensor *t, int rank,
                                  const int32_t *dims);

/* Records "op <index> (<NAME>): <message>" and returns `code`. */
oct_status oct_fail(oct_ctx *ctx, const oct_node *node, oct_status code,
                    const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Kernel family requested by the caller (OCT_KERNELS_BEST/REF). */
oct_kernel_pref oct_ctx_kernels(const oct_ctx *ctx);

/* Pieces an op may split its work into (>= 1). */
int oct_ctx_threads(const oct_ctx *ctx);

/* Runs fn(arg, i) for i in [0, n): on the caller's parallel loop when
 * there is one, else in order on this thread. */
void oct_parallel_for(oct_ctx *ctx, int32_t n, oct_task_fn fn, void *arg);

/* ---- small tensor helpers ---- */

/* Element count; shapes were checked at load, so this cannot overflow. */
static inline int64_t oct_tensor_elems(const oct_tensor *t) {
  int64_t n = 1;
  for (int i = 0; i < t->rank; i++) n *= t->dims[i];
  return n;
}
/* Dimension i, counting from the end when negative; 1 if out of range. */
static inline int32_t oct_dim(const oct_tensor *t, int i) {
  if (i < 0) i += t->rank;
  return (i >= 0 && i < t->rank) ? t->dims[i] : 1;
}
static inline float oct_tensor_scale(const oct_tensor *t, int i) {
  if (i <= 0 || i >= t->q_count) return t->scale;
  return oct_load_f32(t->q_scales + 4 * (size_t)i);
}
static inline int32_t oct_tensor_zero_point(const oct_tensor *t, int i) {
  if (i <= 0 || !t->q_zps || i >= t->q_zp_count) return t->zero_point;
  return (int32_t)oct_load_u64(t->q_zps + 8 * (size_t)i);
}
static inline int oct_same_shape(const oct_tensor *a, const oct_tensor *b) {
  if (a->rank != b->rank) return 0;
  for (int i = 0; i < a->rank; i++)
    if (a->dims[i] != b->dims[i]) return 0;
  return 1;
}

#endif /* OCT_OP_API_H */
