/*
 * octet runtime: load a TensorFlow Lite flatbuffer and run it in one
 * caller-owned arena.
 *
 * The runtime never allocates. The caller asks how large the arena must be,
 * provides it, and the interpreter places everything (its own bookkeeping,
 * per-op state, activations and scratch) inside it. The model bytes are
 * borrowed, not copied: they must outlive the interpreter, and constant
 * tensors point straight into them.
 *
 *   size_t need;
 *   oct_error err;
 *   if (oct_arena_size(model, model_len, NULL, &need, &err) != OCT_OK) ...
 *   void *arena = my_aligned_alloc(64, need);
 *   oct_interp *it;
 *   if (oct_interp_init(&it, model, model_len, arena, need, NULL, &err)) ...
 *   memcpy(oct_interp_input_data(it, 0), pixels, bytes);
 *   if (oct_interp_invoke(it) != OCT_OK) puts(oct_interp_error(it));
 *   const float *scores = oct_interp_output_data(it, 0);
 *
 * Threading: one interpreter must not be used by two threads at once;
 * separate interpreters on the same model bytes are independent.
 */
#ifndef OCTET_OCTET_H
#define OCTET_OCTET_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define OCT_VERSION_MAJOR 0
#define OCT_VERSION_MINOR 1
#define OCT_VERSION_PATCH 0

/* Largest tensor rank the runtime handles (TFLite's own kernels stop at 6). */
#define OCT_MAX_RANK 8
/* Required alignment of the arena, and of every buffer planned inside it. */
#define OCT_ARENA_ALIGN 64

/* Stable status codes: values never change once released. */
typedef enum oct_status {
  OCT_OK = 0,
  OCT_ERR_INVALID_ARG = 1,   /* caller passed a bad argument */
  OCT_ERR_MODEL = 2,         /* model file is malformed or inconsistent */
  OCT_ERR_UNSUPPORTED = 3,   /* valid model, but an op/type octet lacks */
  OCT_ERR_ARENA_TOO_SMALL = 4,
  OCT_ERR_SHAPE = 5,         /* shapes that do not fit the op */
  OCT_ERR_TYPE = 6,          /* tensor types that do not fit the op */
  OCT_ERR_LIMIT = 7,         /* a size or count over octet's limits */
  OCT_ERR_IO = 8,            /* file or stream error (tools only) */
  OCT_ERR_NO_MEMORY = 9,     /* heap exhausted (tools/converter only) */
  OCT_ERR_EVAL = 10,         /* an op failed while running */
  OCT_ERR_INTERNAL = 11
} oct_status;

/* A short, static, English name of a status ("model is malformed"). */
const char *oct_status_str(oct_status s);

/* Tensor element types, numbered as TFLite's TensorType enum. */
typedef enum oct_dtype {
  OCT_FLOAT32 = 0,
  OCT_FLOAT16 = 1,
  OCT_INT32 = 2,
  OCT_UINT8 = 3,
  OCT_INT64 = 4,
  OCT_STRING = 5,
  OCT_BOOL = 6,
  OCT_INT16 = 7,
  OCT_COMPLEX64 = 8,
  OCT_INT8 = 9,
  OCT_FLOAT64 = 10
} oct_dtype;

/* "float32", "int8", ...; "unknown" for anything else. */
const char *oct_dtype_name(oct_dtype t);
/* Bytes per element; 0 for types without a fixed size. */
size_t oct_dtype_size(oct_dtype t);

/* Caller-owned error text, filled when a call fails. */
typedef struct oct_error {
  char message[256];
  /* With OCT_ERR_ARENA_TOO_SMALL: the arena size that would have worked,
   * or 0 when init stopped before it could tell. */
  size_t needed_bytes;
} oct_error;

/* Kernel families the interpreter may pick from. */
typedef enum oct_kernel_pref {
  OCT_KERNELS_BEST = 0, /* fastest variant this CPU supports */
  OCT_KERNELS_REF = 1   /* portable reference kernels only */
} oct_kernel_pref;

/* Instruction sets the CPU and OS support, probed once at first use
 * (cpuid/xgetbv on x86-64; 0 elsewhere). The interpreter picks kernel
 * variants from these at init unless OCT_KERNELS_REF is asked for. */
enum {
  OCT_CPU_AVX2 = 1u << 0,
  OCT_CPU_FMA = 1u << 1,
  OCT_CPU_AVX512 = 1u << 2,     /* AVX-512 F, BW, VL and DQ together */
  OCT_CPU_AVX512VNNI = 1u << 3, /* vpdpbusd on zmm (implies OCT_CPU_AVX512) */
  OCT_CPU_AVXVNNI = 1u << 4     /* vpdpbusd on ymm, VEX encoded */
};
uint32_t oct_cpu_features(void);

/* One piece of work of a parallel loop: task `i` of the loop's n. */
typedef void (*oct_task_fn)(void *arg, int32_t i);

/*
 * A parallel loop supplied by the caller: runs fn(arg, i) once for every i
 * in [0, n), on any threads, and returns when all have finished. The
 * runtime itself creates no threads; hosted builds get one from
 * oct_threadpool_create (below), others may wrap their own scheduler.
 */
typedef void (*oct_parallel_for_fn)(void *pool, int32_t n, oct_task_fn fn,
                                    void *arg);

typedef struct oct_options {
  oct_kernel_pref kernels;
  /* Pieces the heavy ops (conv, depthwise, fully connected) split their
   * output into; 0 or 1, or no parallel_for: run on the calling thread.
   * Results are bit-identical for every value. */
  int threads;
  oct_parallel_for_fn parallel_for; /* NULL: serial */
  void *pool;                       /* first argument of parallel_for */
} oct_options;

/*
 * Hosted builds only (pthreads): a pool of `threads` - 1 workers plus the
 * calling thread. Create it once, before oct_interp_init, and destroy it
 * after the last invoke. Usage:
 *
 *   oct_threadpool *tp;
 *   oct_threadpool_create(4, &tp);
 *   oct_options o = {OCT_KERNELS_BEST, 0, 0, 0};
 *   oct_threadpool_options(tp, &o);   // sets threads, parallel_for, pool
 *   ... oct_interp_init(..., &o, ...); oct_interp_invoke(it); ...
 *   oct_threadpool_destroy(tp);
 */
typedef struct oct_threadpool oct_threadpool;
oct_status oct_threadpool_create(int threads, oct_threadpool **out);
void oct_threadpool_destroy(oct_threadpool *tp);
void oct_threadpool_options(oct_threadpool *tp, oct_options *opts);
/* An oct_parallel_for_fn; `pool` is an oct_threadpool. */
void oct_threadpool_parallel_for(void *pool, int32_t n, oct_task_fn fn,
                                 void *arg);

typedef struct oct_interp oct_interp;

/*
 * Exact number of bytes oct_interp_init needs for this model, for an arena
 * aligned to OCT_ARENA_ALIGN (add OCT_ARENA_ALIGN for an unaligned one).
 * Validates the whole model and prepares every op, so a model that passes
 * here will initialize with the same options. `opts` and `err` may be NULL.
 *
 * Part of the hosted convenience layer: it uses malloc for a temporary work
 * buffer (never for the interpreter). Freestanding builds leave it out and
 * learn the size from oct_interp_init's OCT_ERR_ARENA_TOO_SMALL (which sets
 * err->needed_bytes) or offline from `octet inspect`.
 */
oct_status oct_arena_size(const void *model, size_t model_size,
                          const oct_options *opts, size_t *arena_bytes,
                          oct_error *err);

/*
 * Builds an interpreter inside `arena`. The interpreter handle itself lives
 * in the arena: there is nothing to free; drop the arena when done. `model`
 * is borrowed for the interpreter's lifetime.
 */
oct_status oct_interp_init(oct_interp **out, const void *model,
                           size_t model_size, void *arena, size_t arena_size,
                           const oct_options *opts, oct_error *err);

/* Runs the graph once. Never allocates. The memory plan may reuse a model
 * input's bytes once the last op reading it has run (as TFLite Micro's
 * planner does): write the inputs before every invoke. */
oct_status oct_interp_invoke(oct_interp *it);

/* Runs ops [first, first + count) only, in graph order: calling it over
 * consecutive ranges that cover every op is one invoke (a profiler times
 * ops one by one this way). OCT_ERR_INVALID_ARG for a range outside the
 * graph. */
oct_status oct_interp_invoke_ops(oct_interp *it, int first, int count);

/* The message of the last failed call on this interpreter ("" if none). */
const char *oct_interp_error(const oct_interp *it);

/* Bytes of arena this model needs with these options (<= the arena given
 * to init): an arena of this size, aligned, initializes. */
size_t oct_interp_arena_used(const oct_interp *it);

/* A tensor as the caller sees it. Pointers stay valid while `it` lives. */
typedef struct oct_tensor_info {
  const char *name;      /* never NULL ("" when the model gives none) */
  oct_dtype dtype;
  int rank;
  int32_t dims[OCT_MAX_RANK];
  size_t bytes;
  int is_constant;       /* data comes from the model file */
  /* Quantization: count 0 = not quantized; 1 = per-tensor; >1 = per-axis. */
  int quant_count;
  int quant_dim;
  float scale;           /* first scale (per-tensor value when count == 1) */
  int64_t zero_point;    /* first zero point */
} oct_tensor_info;

int oct_interp_input_count(const oct_interp *it);
int oct_interp_output_count(const oct_interp *it);
/* Subgraph tensor index of model input/output i, or -1. */
int oct_interp_input_index(const oct_interp *it, int i);
int oct_interp_output_index(const oct_interp *it, int i);
void *oct_interp_input_data(oct_interp *it, int i);
const void *oct_interp_output_data(const oct_interp *it, int i);

int oct_interp_tensor_count(const oct_interp *it);
oct_status oct_interp_tensor_info(const oct_interp *it, int tensor,
                                  oct_tensor_info *info);
/* Quantization parameter k (0 <= k < quant_count) of a tensor. */
oct_status oct_interp_tensor_quant(const oct_interp *it, int tensor, int k,
                                   float *scale, int64_t *zero_point);
/* Offset of a non-constant tensor in the arena's planned region, or -1. */
int64_t oct_interp_tensor_offset(const oct_interp *it, int tensor);

typedef struct oct_op_info {
  const char *type;      /* TFLite builtin name, e.g. "CONV_2D" */
  const char *kernel;    /* kernel variant the op runs, e.g. "ref" */
  int builtin_code;
  int version;
  int input_count;
  int output_count;
  const int32_t *inputs;  /* tensor indices; -1 marks an omitted input */
  const int32_t *outputs;
} oct_op_info;

int oct_interp_op_count(const oct_interp *it);
oct_status oct_interp_op_info(const oct_interp *it, int op, oct_op_info *info);

/* Memory breakdown of an initialized interpreter. */
typedef struct oct_memory_info {
  size_t arena_bytes;      /* total used */
  size_t metadata_bytes;   /* interpreter, tensor and op records */
  size_t persistent_bytes; /* per-op state (multipliers, tables, packing) */
  size_t planned_bytes;    /* activations and scratch, after reuse */
  size_t unplanned_bytes;  /* what the same buffers would take without reuse */
  size_t weight_bytes;     /* constant tensor bytes in the model */
} oct_memory_info;

oct_status oct_interp_memory_info(const oct_interp *it, oct_memory_info *info);

/* Name of a TFLite builtin operator code, or NULL if octet does not know it. */
const char *oct_builtin_name(int builtin_code);

#ifdef __cplusplus
}
#endif

#endif /* OCTET_OCTET_H */
