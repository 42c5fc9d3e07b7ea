/*
 * Interpreter internals shared by the loader, the planner and the op API.
 *
 * Arena layout after init (all offsets OCT_ARENA_ALIGN-aligned):
 *
 *   [ oct_interp | tensors | nodes | options | index arrays | scratch table ]
 *   [ persistent: op data, multipliers, tables, misaligned-constant copies  ]
 *   [ planned: activations and scratch, reused across lifetimes            ]
 *
 * The first two parts grow from the front while the model is read and the
 * ops are prepared. The planner's temporary arrays are taken from the back
 * of the arena and released once offsets are known, so a too-small arena
 * still learns the exact size it would need.
 */
#ifndef OCT_INTERP_H
#define OCT_INTERP_H

#include "../ops/op_api.h"
#include "builtin.h"
#include "fb.h"

#define OCT_SCRATCH_PER_NODE 4
#define OCT_MAX_TENSORS (1 << 16)
#define OCT_MAX_OPS (1 << 16)
#define OCT_MAX_OP_IO 4096
/* Largest single tensor we accept (bytes), against hostile shapes. */
#define OCT_MAX_TENSOR_BYTES ((size_t)1 << 32)

typedef struct oct_scratch_slot {
  size_t bytes;
  int64_t offset; /* in the planned region; -1 until planned */
} oct_scratch_slot;

struct oct_interp {
  uint32_t magic;
  const uint8_t *model;
  size_t model_size;

  oct_tensor *tensors;
  int32_t n_tensors;
  oct_node *nodes;
  int32_t n_nodes;
  const oct_op **ops;          /* registration of each node */
  oct_builtin_options *options; /* parsed options of each node */
  int32_t *inputs;
  int32_t n_inputs;
  int32_t *outputs;
  int32_t n_outputs;
  int32_t *alias_of;           /* tensor whose buffer a tensor shares, or -1 */
  int64_t *tensor_offset;      /* planned offset, -1 if none */
  oct_scratch_slot *scratch;   /* n_nodes * OCT_SCRATCH_PER_NODE */

  uint8_t *arena;
  size_t arena_size;
  size_t front;                /* bytes used from the arena start */
  size_t metadata_bytes;
  size_t persistent_bytes;
  uint8_t *planned;
  size_t planned_bytes;
  size_t unplanned_bytes;
  size_t required;             /* arena bytes init needs (incl. planner temp) */
  size_t weight_bytes;

  oct_kernel_pref kernels;
  int threads;                 /* pieces ops split into (1: serial) */
  oct_parallel_for_fn parallel_for;
  void *pool;
  int preparing;               /* allocation of persistent memory allowed */
  char error[256];
};

struct oct_ctx {
  struct oct_interp *it;
};

#define OCT_INTERP_MAGIC 0x4f435431u /* "OCT1" */

/* Arena bump allocation from the front (zeroed, aligned). Fails with
 * OCT_ERR_ARENA_TOO_SMALL, recording a message. */
oct_status oct_arena_take(struct oct_interp *it, size_t bytes, void **out);

/* Records a formatted message in it->error and returns `code`. */
oct_status oct_set_error(struct oct_interp *it, oct_status code,
                         const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Reads and validates the model into tensors and nodes (model.c). */
oct_status oct_model_load(struct oct_interp *it);

/* Decides buffer sharing for reshape-like ops and plans offsets
 * (planner.c). On OCT_ERR_ARENA_TOO_SMALL *needed holds the total size. */
oct_status oct_plan_memory(struct oct_interp *it, size_t *needed);

/* oct_interp_init without the memory plan: the model is read, checked and
 * prepared (records, constants, persistent op state), but activations get
 * no memory and the interpreter must not be invoked. For the converter's
 * .tflite importer, which needs the tables only: a small file can declare
 * gigabytes of activations. oct_interp_arena_used tells the bytes taken. */
oct_status oct_interp_init_records(oct_interp **out, const void *model, size_t model_size,
                                   void *arena, size_t arena_size, const oct_options *opts,
                                   oct_error *err);
/* oct_arena_size for oct_interp_init_records (hosted builds only). */
oct_status oct_arena_size_records(const void *model, size_t model_size,
                                  const oct_options *opts, size_t *arena_bytes,
                                  oct_error *err);

/* The op registration for a builtin code, or NULL (registry.c). */
const oct_op *oct_find_op(int32_t builtin);

static inline size_t oct_align_up(size_t v, size_t a) {
  return (v + a - 1) & ~(a - 1);
}

#endif /* OCT_INTERP_H */
