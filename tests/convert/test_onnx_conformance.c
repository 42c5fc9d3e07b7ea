/*
 * ONNX conformance: ONNX's backend node tests (Debian's libonnx-testdata),
 * converted and run end to end. For every test whose ops the importer
 * knows and every test_data_set_N: import (weights frozen when the test
 * passes them as inputs, see onnx_node_util.h), infer shapes, optimize,
 * write the .tflite, load it in octet's runtime, run it on input_K.pb and
 * compare with output_K.pb at ONNX's own runner tolerances (rtol 1e-3,
 * atol 1e-7).
 *
 * Prints passed / failed / skipped per op type, the reason for every skip
 * and failure. Skips are tests octet refuses on purpose (an attribute value
 * or a type TFLite cannot express, reported at import) or ops the runtime
 * does not implement yet; failures are wrong numbers or a converted model
 * that does not load. ONNX_TEST_FILTER=substring runs a subset.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/onnx/onnx_import.h"
#include "convert/onnx_node_util.h"
#include "convert/passes.h"
#include "convert/shape_infer.h"
#include "convert/tflite_writer.h"
#include "test_util.h"

#define RTOL 1e-3
#define ATOL 1e-7

enum { R_PASS, R_FAIL, R_SKIP };

typedef struct op_tally {
  char key[96];
  int n[3];
} op_tally;

static op_tally tallies[512];
static int n_tallies;

static void tally(const char *key_in, int r) {
  char key[96];
  snprintf(key, sizeof key, "%.95s", key_in);
  for (int i = 0; i < n_tallies; i++)
    if (!strcmp(tallies[i].key, key)) {
      tallies[i].n[r]++;
      return;
    }
  if (n_tallies == 512) return;
  memset(&tallies[n_tallies], 0, sizeof tallies[n_tallies]);
  memcpy(tallies[n_tallies].key, key, sizeof key);
  tallies[n_tallies++].n[r] = 1;
}

static int onnx_to_oct(int32_t t, oct_dtype *out) {
  switch (t) {
    case 1: *out = OCT_FLOAT32; return 1;
    case 2: *out = OCT_UINT8; return 1;
    case 3: *out = OCT_INT8; return 1;
    case 5: *out = OCT_INT16; return 1;
    case 6: *out = OCT_INT32; return 1;
    case 7: *out = OCT_INT64; return 1;
    case 9: *out = OCT_BOOL; return 1;
    case 10: *out = OCT_FLOAT16; return 1;
    case 11: *out = OCT_FLOAT64; return 1;
    default: return 0;
  }
}

static double elem(const void *d, oct_dtype t, size_t i) {
  switch (t) {
    case OCT_FLOAT32: return ((const float *)d)[i];
    case OCT_FLOAT64: return ((const double *)d)[i];
    case OCT_INT32: return ((const int32_t *)d)[i];
    case OCT_INT64: return (double)((const int64_t *)d)[i];
    case OCT_INT16: return ((const int16_t *)d)[i];
    case OCT_INT8: return ((const int8_t *)d)[i];
    case OCT_UINT8: case OCT_BOOL: return ((const uint8_t *)d)[i];
    default: return NAN;
  }
}

/* Converts the graph to .tflite bytes in `b`; the message on failure. */
static oct_status to_tflite(oct_ir_graph *g, oct_fbb *b, char *why, size_t cap) {
  const char *stage = "infer shapes";
  oct_status st = oct_ir_infer_shapes(g);
  if (!st) {
    stage = "optimize";
    st = oct_optimize(g, NULL);
  }
  if (!st) {
    stage = "infer shapes after optimizing";
    st = oct_ir_infer_shapes(g);
  }
  if (!st) st = oct_ir_compact(g);
  if (!st) {
    stage = "verify";
    st = oct_ir_verify(g);
  }
  if (!st) {
    stage = "write";
    st = oct_tflite_serialize(g, b);
  }
  if (st) snprintf(why, cap, "%s: %s", stage, g->err.message);
  return st;
}

/* Converts and runs one model on the data set in `path`; returns R_*, with
 * the reason in why. *again is set when a frozen variant may do better: the
 * importer asked for constant operands, or (if runtime_retry) the runtime
 * lacks an op the frozen model may not need (BATCH_MATMUL for a Gemm with
 * constant B becomes FULLY_CONNECTED). */
static int run_model(const void *model, size_t len, const char *path, char *why, size_t cap,
                     int runtime_retry, int *again) {
  *again = 0;
  oct_ir_graph g;
  oct_ir_init(&g);
  oct_status st = oct_onnx_import(model, len, NULL, &g);
  if (st) {
    snprintf(why, cap, "import: %s", g.err.message);
    *again = strstr(g.err.message, "constant") || strstr(g.err.message, "empty");
    oct_ir_free(&g);
    return st == OCT_ERR_UNSUPPORTED || st == OCT_ERR_LIMIT ? R_SKIP : R_FAIL;
  }
  oct_fbb b;
  oct_fbb_init(&b);
  st = to_tflite(&g, &b, why, cap);
  const int n_graph_outputs = g.n_outputs;
  oct_ir_free(&g);
  if (st) {
    oct_fbb_free(&b);
    return st == OCT_ERR_UNSUPPORTED ? R_SKIP : R_FAIL;
  }
  /* load and run */
  const void *tfl = oct_fbb_data(&b);
  const size_t tfl_len = oct_fbb_size(&b);
  size_t need = 0;
  oct_error err;
  int result = R_PASS;
  void *arena = NULL;
  oct_interp *it = NULL;
  st = oct_arena_size(tfl, tfl_len, NULL, &need, &err);
  if (!st) {
    arena = aligned_alloc(OCT_ARENA_ALIGN, (need + OCT_ARENA_ALIGN - 1) / OCT_ARENA_ALIGN * OCT_ARENA_ALIGN);
    st = arena ? oct_interp_init(&it, tfl, tfl_len, arena, need, NULL, &err) : OCT_ERR_NO_MEMORY;
  }
  if (st) {
    snprintf(why, cap, "runtime: %s", err.message);
    result = st == OCT_ERR_UNSUPPORTED ? R_SKIP : R_FAIL;
    *again = runtime_retry && st == OCT_ERR_UNSUPPORTED;
  }
  for (int i = 0; result == R_PASS && i < oct_interp_input_count(it); i++) {
    char ip[1500];
    snprintf(ip, sizeof ip, "%s/input_%d.pb", path, i);
    ont_tensor t;
    oct_tensor_info info;
    oct_dtype dt;
    if (!ont_read_tensor(ip, &t) || !onnx_to_oct(t.type, &dt)) {
      snprintf(why, cap, "cannot read input %d", i);
      result = R_SKIP;
      free(t.data);
      break;
    }
    oct_interp_tensor_info(it, oct_interp_input_index(it, i), &info);
    if (info.dtype != dt || info.bytes != t.count * t.elem_size) {
      snprintf(why, cap, "input %d: model has %s of %zu bytes, data %s of %zu", i,
               oct_dtype_name(info.dtype), info.bytes, oct_dtype_name(dt), t.count * t.elem_size);
      result = R_FAIL;
    } else if (t.count) {
      memcpy(oct_interp_input_data(it, i), t.data, info.bytes);
    }
    free(t.data);
  }
  if (result == R_PASS && (st = oct_interp_invoke(it))) {
    snprintf(why, cap, "invoke: %s", oct_interp_error(it));
    result = R_FAIL;
  }
  if (result == R_PASS && oct_interp_output_count(it) != n_graph_outputs) {
    snprintf(why, cap, "%d outputs, expected %d", oct_interp_output_count(it), n_graph_outputs);
    result = R_FAIL;
  }
  for (int o = 0; result == R_PASS && o < n_graph_outputs; o++) {
    char op_[1500];
    snprintf(op_, sizeof op_, "%s/output_%d.pb", path, o);
    ont_tensor t;
    oct_dtype dt;
    if (!ont_read_tensor(op_, &t) || !onnx_to_oct(t.type, &dt)) {
      snprintf(why, cap, "cannot read output %d", o);
      result = R_SKIP;
      free(t.data);
      break;
    }
    oct_tensor_info info;
    oct_interp_tensor_info(it, oct_interp_output_index(it, o), &info);
    const size_t count = info.bytes / (oct_dtype_size(info.dtype) ? oct_dtype_size(info.dtype) : 1);
    if (info.dtype != dt || count != t.count) {
      snprintf(why, cap, "output %d: %s x %zu, expected %s x %zu", o, oct_dtype_name(info.dtype),
               count, oct_dtype_name(dt), t.count);
      result = R_FAIL;
    }
    const void *got = oct_interp_output_data(it, o);
    double worst = 0;
    size_t at = 0;
    for (size_t i = 0; result == R_PASS && i < count; i++) {
      const double a = elem(got, dt, i), e = elem(t.data, dt, i);
      if (isnan(a) && isnan(e)) continue;
      const double err_i = fabs(a - e) - (ATOL + RTOL * fabs(e));
      if (!(err_i <= 0) && (err_i > worst || isnan(err_i) || worst == 0)) {
        worst = isnan(err_i) ? INFINITY : err_i;
        at = i;
      }
    }
    if (result == R_PASS && worst > 0) {
      snprintf(why, cap, "output %d differs: element %zu is %.7g, expected %.7g", o, at,
               elem(got, dt, at), elem(t.data, dt, at));
      result = R_FAIL;
    }
    free(t.data);
  }
  free(arena);
  oct_fbb_free(&b);
  return result;
}

/* A data set: the model as it is, then with weights frozen, then (only
 * for ops evaluated at import) with every input frozen. */
static int run_set(const char *dir, const char *set, char *why, size_t cap) {
  char path[1400];
  snprintf(path, sizeof path, "%s/model.onnx", dir);
  size_t len;
  void *model = ont_read(path, &len);
  if (!model) {
    snprintf(why, cap, "cannot read model");
    return R_FAIL;
  }
  snprintf(path, sizeof path, "%s/%s", dir, set);
  int r = R_FAIL, again = 1;
  static const int keeps[3] = {-1, 1, 0};
  for (int a = 0; a < 3 && again; a++) {
    if (keeps[a] == 0 && strncmp(why, "import:", 7)) break;
    size_t flen = len;
    uint8_t *fz = keeps[a] < 0 ? NULL : ont_freeze(model, len, path, keeps[a], &flen);
    if (keeps[a] >= 0 && !fz) continue;
    char w[512];
    const int rr = run_model(fz ? fz : model, flen, path, w, sizeof w, a == 0, &again);
    free(fz);
    /* a frozen variant that fails to import does not replace the reason */
    if (a == 0 || strncmp(w, "import:", 7) || !strncmp(why, "import:", 7)) {
      r = rr;
      snprintf(why, cap, "%s", w);
    }
  }
  free(model);
  return r;
}

/* Runs every test directory under `root`; returns the failures. */
static int run_dir(const char *root, int *total) {
  int n;
  char **names = ont_list(root, "test_", &n);
  if (!names) return -1;
  const char *filter = getenv("ONNX_TEST_FILTER");
  int unknown_ops = 0, failed = 0;
  for (int i = 0; i < n; i++) {
    if (filter && !strstr(names[i], filter)) continue;
    char dir[800], path[1000], ops[2048], tmp[2048];
    snprintf(dir, sizeof dir, "%s/%s", root, names[i]);
    snprintf(path, sizeof path, "%s/model.onnx", dir);
    size_t len;
    void *bytes = ont_read(path, &len);
    if (!bytes) continue;
    ont_op_types(bytes, len, ops, sizeof ops);
    free(bytes);
    snprintf(tmp, sizeof tmp, "%s", ops);
    const char *missing = NULL;
    for (char *tok = strtok(tmp, ","); tok && !missing; tok = strtok(NULL, ","))
      if (!oct_onnx_op_supported(tok)) missing = tok;
    if (missing || !ops[0]) {
      unknown_ops++; /* ops octet does not import: not counted */
      continue;
    }
    int ns;
    char **sets = ont_list(dir, "test_data_set_", &ns);
    for (int s = 0; s < ns; s++) {
      char why[512] = "";
      const int r = run_set(dir, sets[s], why, sizeof why);
      total[r]++;
      failed += r == R_FAIL;
      tally(strlen(ops) < 40 ? ops : names[i], r);
      if (r != R_PASS)
        printf("%-6s %s/%s [%s]: %s\n", r == R_FAIL ? "FAIL" : "skip", names[i], sets[s], ops, why);
    }
    ont_free_list(sets, ns);
  }
  ont_free_list(names, n);
  if (unknown_ops) printf("(%d tests under %s use ops the importer does not know)\n", unknown_ops, root);
  return failed;
}

static void print_tallies(void) {
  printf("\n%-44s %6s %6s %7s\n", "op type(s)", "passed", "failed", "skipped");
  for (int i = 0; i < n_tallies; i++)
    printf("%-44s %6d %6d %7d\n", tallies[i].key, tallies[i].n[R_PASS], tallies[i].n[R_FAIL],
           tallies[i].n[R_SKIP]);
  n_tallies = 0;
}

int main(void) {
  int total[3] = {0, 0, 0};
  /* 1. ONNX's backend node tests */
  if (run_dir(ONNX_NODE_DIR, total) < 0)
    printf("libonnx-testdata is not installed (%s): node tests skipped\n", ONNX_NODE_DIR);
  print_tallies();
  printf("\nnode tests: %d passed, %d failed, %d skipped (data sets)\n\n", total[R_PASS],
         total[R_FAIL], total[R_SKIP]);
  /* 2. octet's layout models (scripts/make_onnx_layout_tests.py): all must
   * pass, or be skipped only for ops the runtime lacks */
  int lt[3] = {0, 0, 0};
  const int lfail = run_dir(OCT_SOURCE_DIR "/tests/data/onnx_layout", lt);
  print_tallies();
  printf("\nlayout models: %d passed, %d failed, %d skipped\n", lt[R_PASS], lt[R_FAIL], lt[R_SKIP]);
  CHECK(lfail == 0);
  /* Every node test of a supported op passes; what octet does not support
   * is skipped with its reason (listed in docs/CONFORMANCE.md). */
  CHECK(total[R_FAIL] == 0);
  CHECK(total[R_PASS] + lt[R_PASS] > 0);
  return test_finish("test_onnx_conformance");
}
