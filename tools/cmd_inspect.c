/*
 * `octet inspect MODEL [--json] [--kernels] [--ref]`: what a model holds and
 * what running it costs: inputs, outputs, every op with its tensors, weight
 * bytes and the planned arena.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void print_tensor(const oct_interp *it, int t) {
  oct_tensor_info ti;
  if (t < 0 || oct_interp_tensor_info(it, t, &ti) != OCT_OK) {
    printf("(none)");
    return;
  }
  char shape[96];
  cli_shape_str(shape, sizeof shape, ti.rank, ti.dims);
  printf("#%d '%s' %s %s", t, ti.name, oct_dtype_name(ti.dtype), shape);
  if (ti.quant_count == 1)
    printf(" q(%.9g, %lld)", ti.scale, (long long)ti.zero_point);
  else if (ti.quant_count > 1)
    printf(" per-axis(%d scales, axis %d)", ti.quant_count, ti.quant_dim);
  if (ti.is_constant) printf(" const");
}

static void inspect_text(const cli_model *m, int kernels_only) {
  const oct_interp *it = m->it;
  oct_memory_info mi;
  oct_interp_memory_info(it, &mi);
  if (kernels_only) {
    const uint32_t f = oct_cpu_features();
    printf("cpu:%s%s%s%s%s%s\n", f & OCT_CPU_AVX2 ? " avx2" : "",
           f & OCT_CPU_FMA ? " fma" : "", f & OCT_CPU_AVX512 ? " avx512" : "",
           f & OCT_CPU_AVX512VNNI ? " avx512vnni" : "",
           f & OCT_CPU_AVXVNNI ? " avxvnni" : "", f ? "" : " (portable C only)");
    for (int i = 0; i < oct_interp_op_count(it); i++) {
      oct_op_info op;
      oct_interp_op_info(it, i, &op);
      printf("%4d  %-26s %s\n", i, op.type, op.kernel);
    }
    return;
  }
  printf("model: %s (%zu bytes)\n", m->path, m->size);
  printf("inputs:\n");
  for (int i = 0; i < oct_interp_input_count(it); i++) {
    printf("  %d: ", i);
    print_tensor(it, oct_interp_input_index(it, i));
    printf("\n");
  }
  printf("outputs:\n");
  for (int i = 0; i < oct_interp_output_count(it); i++) {
    printf("  %d: ", i);
    print_tensor(it, oct_interp_output_index(it, i));
    printf("\n");
  }
  printf("ops (%d):\n", oct_interp_op_count(it));
  for (int i = 0; i < oct_interp_op_count(it); i++) {
    oct_op_info op;
    oct_interp_op_info(it, i, &op);
    printf("  %3d %s (kernel %s)\n", i, op.type, op.kernel);
    for (int k = 0; k < op.input_count; k++) {
      printf("        in%d:  ", k);
      print_tensor(it, op.inputs[k]);
      printf("\n");
    }
    for (int k = 0; k < op.output_count; k++) {
      printf("        out%d: ", k);
      print_tensor(it, op.outputs[k]);
      printf("\n");
    }
  }
  printf("weights: %zu bytes\n", mi.weight_bytes);
  printf("arena: %zu bytes (records %zu, op state %zu, activations %zu; "
         "activations without reuse %zu)\n",
         mi.arena_bytes, mi.metadata_bytes, mi.persistent_bytes,
         mi.planned_bytes, mi.unplanned_bytes);
}

static void inspect_json(const cli_model *m) {
  const oct_interp *it = m->it;
  oct_memory_info mi;
  oct_interp_memory_info(it, &mi);
  cli_json j = {stdout, 0, {0}};
  json_begin_object(&j, NULL);
  json_string(&j, "model", m->path);
  json_int(&j, "model_bytes", (long long)m->size);
  json_int(&j, "arena_bytes", (long long)mi.arena_bytes);
  json_begin_object(&j, "memory");
  json_int(&j, "records_bytes", (long long)mi.metadata_bytes);
  json_int(&j, "op_state_bytes", (long long)mi.persistent_bytes);
  json_int(&j, "activation_bytes", (long long)mi.planned_bytes);
  json_int(&j, "activation_bytes_without_reuse", (long long)mi.unplanned_bytes);
  json_end_object(&j);
  json_int(&j, "weight_bytes", (long long)mi.weight_bytes);
  json_begin_array(&j, "inputs");
  for (int i = 0; i < oct_interp_input_count(it); i++)
    json_tensor(&j, NULL, it, oct_interp_input_index(it, i));
  json_end_array(&j);
  json_begin_array(&j, "outputs");
  for (int i = 0; i < oct_interp_output_count(it); i++)
    json_tensor(&j, NULL, it, oct_interp_output_index(it, i));
  json_end_array(&j);
  json_begin_array(&j, "ops");
  for (int i = 0; i < oct_interp_op_count(it); i++) {
    oct_op_info op;
    oct_interp_op_info(it, i, &op);
    json_begin_object(&j, NULL);
    json_int(&j, "index", i);
    json_string(&j, "type", op.type);
    json_int(&j, "version", op.version);
    json_string(&j, "kernel", op.kernel);
    json_begin_array(&j, "inputs");
    for (int k = 0; k < op.input_count; k++) {
      if (op.inputs[k] < 0) json_null(&j, NULL);
      else json_tensor(&j, NULL, it, op.inputs[k]);
    }
    json_end_array(&j);
    json_begin_array(&j, "outputs");
    for (int k = 0; k < op.output_count; k++) json_tensor(&j, NULL, it, op.outputs[k]);
    json_end_array(&j);
    json_end_object(&j);
  }
  json_end_array(&j);
  json_end_object(&j);
}

int cmd_inspect(int argc, char **argv) {
  const char *path = NULL;
  int json = 0, kernels = 0;
  oct_options opts = {OCT_KERNELS_BEST, 1, 0, 0};
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--json")) json = 1;
    else if (!strcmp(argv[i], "--kernels")) kernels = 1;
    else if (!strcmp(argv[i], "--ref")) opts.kernels = OCT_KERNELS_REF;
    else if (argv[i][0] == '-') return cli_error("inspect: unknown option '%s'", argv[i]);
    else if (!path) path = argv[i];
    else return cli_error("inspect: more than one model given ('%s')", argv[i]);
  }
  if (!path) return cli_error("inspect: no model given (octet inspect MODEL [--json] [--kernels])");
  cli_model m;
  if (cli_model_open(&m, path, &opts)) return 1;
  if (json) inspect_json(&m);
  else inspect_text(&m, kernels);
  cli_model_close(&m);
  if (fflush(stdout) != 0 || ferror(stdout)) return cli_error("inspect: cannot write output");
  return 0;
}
