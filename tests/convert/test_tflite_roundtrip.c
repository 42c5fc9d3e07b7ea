/*
 * .tflite -> IR -> .tflite on real models, and atomic writes.
 *
 * (a) Every model below that octet's runtime loads (the others are listed
 *     as skipped, with the runtime's reason) is imported, its shapes are
 *     re-inferred (they must agree with the file; then the activations'
 *     shapes are cleared and inferred again), and it is serialized without
 *     optimization. Serializing twice gives the same bytes. The new file
 *     loads in octet's runtime with the same ops, tensors, quantization and
 *     constant bytes, and on a deterministic input gives bit-identical
 *     outputs (the same kernels run the same math).
 * (d) oct_tflite_write_file: a missing directory, a path that is a
 *     directory or a graph that cannot be written leave nothing behind and
 *     an existing file untouched; a good write replaces it with no
 *     temporary file left.
 * The writer's fields and versions are in test_tflite_writer.c, shape
 * inference per op in test_shape_infer.c, and the check in the real
 * TensorFlow Lite in tests/cli/test_convert_tflite.sh.
 */
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "convert/shape_infer.h"
#include "convert/tflite_import.h"
#include "convert/tflite_writer.h"
#include "model_util.h"
#include "runtime/interp.h"

static const char *const k_models[] = {
    "tflm/hello_world_float.tflite",
    "tflm/hello_world_int8.tflite",
    "tflm/person_detect.tflite",
    "tflite-support/mobilenet_v1_0.25_224_float.tflite",
    "tflite-support/mobilenet_v1_0.25_224_quant.tflite",
    "tflite-support/deeplabv3.tflite",
    "coral/mobilenet_v1_0.25_128_quant.tflite",
    "coral/mobilenet_v2_1.0_224_quant.tflite",
    "coral/tf2_mobilenet_v2_1.0_224_ptq.tflite",
    "litert-testdata/misc/add.bin",
    "litert-testdata/misc/add_quantized.bin",
    "litert-testdata/misc/add_quantized_int8.bin",
    "litert-testdata/misc/multi_add.bin",
    "litert-testdata/misc/sub.bin",
    "litert-testdata/misc/pc_conv.bin",
};

/* Single-layer 16x8 models (many op kinds and option values): one or two of
 * each kind. */
static const char *const k_seanet[] = {
    "add/add0", "add/add11", "conv/conv0", "conv/conv13", "leaky_relu/leaky_relu0",
    "pad/pad0", "pad/pad9", "quantize/quantize0", "quantize/quantize1",
    "strided_slice/strided_slice0", "strided_slice/strided_slice21", "sub/sub0",
    "transpose_conv/transpose_conv0", "transpose_conv/transpose_conv4",
};

static int n_passed, n_skipped;

/* A loaded model: interpreter plus its arena. */
typedef struct loaded {
  const void *bytes;
  void *arena;
  oct_interp *it;
} loaded;

static oct_status load(const void *bytes, size_t n, loaded *l, oct_error *err) {
  memset(l, 0, sizeof *l);
  l->bytes = bytes;
  size_t need = 0;
  const oct_options opts = {OCT_KERNELS_BEST, 1, 0, 0};
  oct_status st = oct_arena_size(bytes, n, &opts, &need, err);
  if (st) return st;
  if (posix_memalign(&l->arena, OCT_ARENA_ALIGN, need)) abort();
  return oct_interp_init(&l->it, bytes, n, l->arena, need, &opts, err);
}

/* Deterministic input bytes: floats in [-1, 1), integers over their range. */
static void fill_inputs(loaded *l) {
  uint32_t s = 12345;
  for (int i = 0; i < oct_interp_input_count(l->it); i++) {
    oct_tensor_info ti;
    oct_interp_tensor_info(l->it, oct_interp_input_index(l->it, i), &ti);
    uint8_t *p = oct_interp_input_data(l->it, i);
    if (ti.dtype == OCT_FLOAT32) {
      for (size_t k = 0; k < ti.bytes / 4; k++) {
        s = s * 1664525u + 1013904223u;
        const float v = (float)(s >> 8) / (float)(1u << 23) - 1.0f;
        memcpy(p + 4 * k, &v, 4);
      }
    } else {
      for (size_t k = 0; k < ti.bytes; k++) {
        s = s * 1664525u + 1013904223u;
        p[k] = (uint8_t)(s >> 24);
      }
    }
  }
  /* A TRANSPOSE_CONV output_shape fed as a model input (seanet) gets the
   * declared output shape. */
  for (int i = 0; i < oct_interp_op_count(l->it); i++) {
    oct_op_info op;
    oct_interp_op_info(l->it, i, &op);
    if (op.builtin_code != OCT_OP_TRANSPOSE_CONV) continue;
    for (int k = 0; k < oct_interp_input_count(l->it); k++) {
      if (oct_interp_input_index(l->it, k) != op.inputs[0]) continue;
      oct_tensor_info out;
      oct_interp_tensor_info(l->it, op.outputs[0], &out);
      memcpy(oct_interp_input_data(l->it, k), out.dims, 4 * sizeof(int32_t));
    }
  }
}

static int same_info(const oct_interp *a, int ta, const oct_interp *b, int tb) {
  oct_tensor_info x, y;
  if (ta < 0 || tb < 0) return ta == tb;
  oct_interp_tensor_info(a, ta, &x);
  oct_interp_tensor_info(b, tb, &y);
  if (strcmp(x.name, y.name) || x.dtype != y.dtype || x.rank != y.rank ||
      x.is_constant != y.is_constant || x.quant_count != y.quant_count)
    return 0;
  for (int i = 0; i < x.rank; i++)
    if (x.dims[i] != y.dims[i]) return 0;
  if (x.quant_count > 1 && x.rank > 1 && x.quant_dim != y.quant_dim) return 0;
  for (int k = 0; k < x.quant_count; k++) {
    float sa, sb;
    int64_t za, zb;
    oct_interp_tensor_quant(a, ta, k, &sa, &za);
    oct_interp_tensor_quant(b, tb, k, &sb, &zb);
    if (sa != sb || za != zb) return 0;
  }
  if (x.is_constant) {
    const oct_tensor *ca = &a->tensors[ta], *cb = &b->tensors[tb];
    if (ca->bytes != cb->bytes || memcmp(ca->data, cb->data, ca->bytes)) return 0;
  }
  return 1;
}

/* Same ops, in order, with the same tensors (compared by content: the
 * writer may renumber when it drops unreferenced tensors). */
static void compare_structure(const char *name, const loaded *a, const loaded *b) {
  CHECK_MSG(oct_interp_op_count(a->it) == oct_interp_op_count(b->it), "%s: op count", name);
  for (int i = 0; i < oct_interp_op_count(a->it) && i < oct_interp_op_count(b->it); i++) {
    oct_op_info x, y;
    oct_interp_op_info(a->it, i, &x);
    oct_interp_op_info(b->it, i, &y);
    int ok = x.builtin_code == y.builtin_code && x.input_count == y.input_count &&
             x.output_count == y.output_count;
    for (int k = 0; ok && k < x.input_count; k++)
      ok = same_info(a->it, x.inputs[k], b->it, y.inputs[k]);
    for (int k = 0; ok && k < x.output_count; k++)
      ok = same_info(a->it, x.outputs[k], b->it, y.outputs[k]);
    CHECK_MSG(ok, "%s: op %d (%s) differs", name, i, x.type);
  }
  const int ni = oct_interp_input_count(a->it), no = oct_interp_output_count(a->it);
  CHECK(ni == oct_interp_input_count(b->it) && no == oct_interp_output_count(b->it));
  for (int i = 0; i < ni; i++)
    CHECK(same_info(a->it, oct_interp_input_index(a->it, i), b->it,
                    oct_interp_input_index(b->it, i)));
  for (int i = 0; i < no; i++)
    CHECK(same_info(a->it, oct_interp_output_index(a->it, i), b->it,
                    oct_interp_output_index(b->it, i)));
}

/* Shapes: the file's must agree with inference; cleared, they come back. */
static void check_shapes(const char *name, oct_ir_graph *g) {
  oct_status st = oct_ir_infer_shapes(g);
  CHECK_MSG(st == OCT_OK, "%s: shapes disagree with the file: %s", name, g->err.message);
  int32_t(*saved)[OCT_MAX_RANK + 1] = calloc((size_t)g->n_tensors + 1, sizeof *saved);
  char *cleared = calloc((size_t)g->n_tensors + 1, 1);
  for (int i = 0; i < g->n_ops; i++)
    for (int k = 0; k < g->ops[i].n_outputs; k++) {
      oct_ir_tensor *t = &g->tensors[g->ops[i].outputs[k]];
      const int idx = g->ops[i].outputs[k];
      saved[idx][0] = t->rank;
      memcpy(&saved[idx][1], t->dims, sizeof t->dims);
      t->rank = -1;
      cleared[idx] = 1;
    }
  st = oct_ir_infer_shapes(g);
  if (st && strstr(g->err.message, "run-time values")) {
    /* A shape operand the model computes (seanet's TRANSPOSE_CONV reads
     * output_shape from a model input): only the declared shape says. */
    printf("  %s: shapes from run-time values are not inferred (%s)\n", name, g->err.message);
  } else {
    CHECK_MSG(st == OCT_OK, "%s: re-inference: %s", name, g->err.message);
    for (int t = 0; !st && t < g->n_tensors; t++)
      if (cleared[t])
        CHECK_MSG(g->tensors[t].rank == saved[t][0] &&
                      !memcmp(g->tensors[t].dims, &saved[t][1],
                              (size_t)saved[t][0] * sizeof(int32_t)),
                  "%s: tensor '%s' re-inferred differently", name, g->tensors[t].name);
  }
  for (int t = 0; t < g->n_tensors; t++)
    if (cleared[t]) {
      g->tensors[t].rank = saved[t][0];
      memcpy(g->tensors[t].dims, &saved[t][1], sizeof g->tensors[t].dims);
    }
  free(saved);
  free(cleared);
}

static void round_trip(const char *rel) {
  char path[1024];
  snprintf(path, sizeof path, "%s/models/%s", test_shared_dir(), rel);
  void *bytes = NULL;
  size_t n = 0;
  oct_error err;
  if (oct_file_read(path, 0, &bytes, &n, &err)) {
    CHECK_MSG(0, "%s", err.message);
    return;
  }
  loaded a, b;
  memset(&b, 0, sizeof b);
  if (load(bytes, n, &a, &err)) {
    printf("  skip %s: the runtime does not load it: %s\n", rel, err.message);
    n_skipped++;
    free(a.arena);
    oct_file_free(bytes);
    return;
  }
  oct_ir_graph g;
  oct_ir_init(&g);
  oct_fbb w1, w2;
  oct_fbb_init(&w1);
  oct_fbb_init(&w2);
  void *copy = NULL;
  oct_status st = oct_tflite_import(bytes, n, &g);
  CHECK_MSG(st == OCT_OK, "%s: import: %s", rel, g.err.message);
  if (st) goto done;
  check_shapes(rel, &g);
  st = oct_tflite_serialize(&g, &w1);
  if (!st) st = oct_tflite_serialize(&g, &w2);
  CHECK_MSG(st == OCT_OK, "%s: serialize: %s", rel, g.err.message);
  if (st) goto done;
  CHECK_MSG(oct_fbb_size(&w1) == oct_fbb_size(&w2) &&
                !memcmp(oct_fbb_data(&w1), oct_fbb_data(&w2), oct_fbb_size(&w1)),
            "%s: two serializations differ", rel);
  if (posix_memalign(&copy, OCT_ARENA_ALIGN, oct_fbb_size(&w1))) abort();
  memcpy(copy, oct_fbb_data(&w1), oct_fbb_size(&w1));
  st = load(copy, oct_fbb_size(&w1), &b, &err);
  CHECK_MSG(st == OCT_OK, "%s: the written file does not load: %s", rel, err.message);
  if (st) goto done;
  compare_structure(rel, &a, &b);
  fill_inputs(&a);
  fill_inputs(&b);
  const oct_status sa = oct_interp_invoke(a.it), sb = oct_interp_invoke(b.it);
  if (sa) {
    /* The random input is not valid for the model (a shape operand fed as
     * a model input); the copy must refuse it the same way. */
    CHECK_MSG(sb == sa && !strcmp(oct_interp_error(a.it), oct_interp_error(b.it)),
              "%s: invoke results differ: '%s' vs '%s'", rel, oct_interp_error(a.it),
              oct_interp_error(b.it));
    printf("  %s: structure only (invoke refuses the random input: %s)\n", rel,
           oct_interp_error(a.it));
  } else {
    CHECK_MSG(sb == OCT_OK, "%s: invoke of the copy: %s", rel, oct_interp_error(b.it));
    for (int i = 0; !sb && i < oct_interp_output_count(a.it); i++) {
      oct_tensor_info ti;
      oct_interp_tensor_info(a.it, oct_interp_output_index(a.it, i), &ti);
      CHECK_MSG(!memcmp(oct_interp_output_data(a.it, i), oct_interp_output_data(b.it, i),
                        ti.bytes),
                "%s: output %d differs", rel, i);
    }
  }
  n_passed++;
  printf("  ok %s: %d ops, %d tensors, %zu -> %zu bytes\n", rel, oct_interp_op_count(a.it),
         oct_interp_tensor_count(b.it), n, oct_fbb_size(&w1));
done:
  free(a.arena);
  free(b.arena);
  free(copy);
  oct_fbb_free(&w1);
  oct_fbb_free(&w2);
  oct_ir_free(&g);
  oct_file_free(bytes);
}

/* ---- (d) atomic writes ---- */

/* Entries of `dir` other than . and .. */
static int dir_entries(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
  closedir(d);
  return n;
}

static int file_is(const char *path, const void *want, size_t n) {
  void *got = NULL;
  size_t m = 0;
  oct_error err;
  if (oct_file_read(path, 0, &got, &m, &err)) return 0;
  const int same = m == n && !memcmp(got, want, n);
  oct_file_free(got);
  return same;
}

static void atomic_writes(void) {
  char dir[] = "/tmp/octet-writer-XXXXXX";
  if (!mkdtemp(dir)) {
    CHECK_MSG(0, "mkdtemp failed");
    return;
  }
  char missing[256], target[256], sub[256];
  snprintf(missing, sizeof missing, "%s/no/such/dir/m.tflite", dir);
  snprintf(target, sizeof target, "%s/m.tflite", dir);
  snprintf(sub, sizeof sub, "%s/d", dir);
  /* A small valid graph: RELU on [1, 4]. */
  oct_ir_graph g;
  oct_ir_init(&g);
  const int32_t dims[2] = {1, 4};
  const int x = oct_ir_add_tensor(&g, "x", OCT_FLOAT32, 2, dims);
  const int y = oct_ir_add_tensor(&g, "y", OCT_FLOAT32, 2, dims);
  oct_ir_add_input(&g, x);
  oct_ir_add_output(&g, y);
  oct_ir_add_op(&g, OCT_OP_RELU, 1, &x, 1, &y, "relu");
  oct_error err;

  CHECK(oct_tflite_write_file(&g, missing, &err) != OCT_OK);
  CHECK_EQ_INT(dir_entries(dir), 0);

  static const char old[] = "previous contents";
  FILE *f = fopen(target, "wb");
  fwrite(old, 1, sizeof old, f);
  fclose(f);
  mkdir(sub, 0700);
  /* A graph the writer refuses: nothing written, the old file kept. */
  g.ops[0].code = OCT_IR_IDENTITY;
  oct_status st = oct_tflite_write_file(&g, target, &err);
  CHECK(st == OCT_ERR_INTERNAL && strstr(err.message, "IR-only"));
  CHECK(file_is(target, old, sizeof old));
  g.ops[0].code = OCT_OP_RELU;
  /* A path that is a directory: refused, nothing left. */
  CHECK(oct_tflite_write_file(&g, sub, &err) != OCT_OK);
  CHECK_EQ_INT(dir_entries(dir), 2);
  CHECK_EQ_INT(dir_entries(sub), 0);
  /* A good write replaces the file, with no temporary left over. */
  st = oct_tflite_write_file(&g, target, &err);
  CHECK_MSG(st == OCT_OK, "write: %s", err.message);
  oct_fbb b;
  oct_fbb_init(&b);
  if (!oct_tflite_serialize(&g, &b)) CHECK(file_is(target, oct_fbb_data(&b), oct_fbb_size(&b)));
  oct_fbb_free(&b);
  CHECK_EQ_INT(dir_entries(dir), 2);
  unlink(target);
  rmdir(sub);
  rmdir(dir);
  oct_ir_free(&g);
}

static int shared_present(void) {
  char probe[1024];
  if (!test_shared_dir()) return 0;
  snprintf(probe, sizeof probe, "%s/models/README.md", test_shared_dir());
  FILE *f = fopen(probe, "rb");
  if (f) fclose(f);
  return f != NULL;
}

int main(void) {
  atomic_writes();
  if (!shared_present()) {
    printf("SKIP the real models: ../shared is absent\n");
    return test_finish("test_tflite_roundtrip");
  }
  for (size_t i = 0; i < sizeof k_models / sizeof k_models[0]; i++) round_trip(k_models[i]);
  for (size_t i = 0; i < sizeof k_seanet / sizeof k_seanet[0]; i++) {
    char rel[128];
    snprintf(rel, sizeof rel, "tflm/seanet/%s.tflite", k_seanet[i]);
    round_trip(rel);
  }
  printf("round trip: %d models passed, %d skipped (the runtime does not load them)\n", n_passed,
         n_skipped);
  CHECK(n_passed >= 15);
  return test_finish("test_tflite_roundtrip");
}
