/*
 * Real int8 models end to end with the optimized kernels against the
 * reference kernels: every output byte equal, on several inputs. On AArch64
 * (scripts/test_arm.sh runs this under qemu) it also requires that the
 * NEON variants actually ran: the int8 CONV_2D, DEPTHWISE_CONV_2D and
 * FULLY_CONNECTED nodes must name a "neon" kernel. person_detect (TFLite
 * Micro's int8 example) always runs; the int8 MobileNetV2 is left out in
 * the quick mode (OCT_TEST_QUICK).
 */
#include "model_util.h"

static int is_arm_op(const char *type) {
  return !strcmp(type, "CONV_2D") || !strcmp(type, "DEPTHWISE_CONV_2D") ||
         !strcmp(type, "FULLY_CONNECTED");
}

static void run_model(const char *rel, int inputs) {
  test_model best, ref;
  if (tm_open_opts(&best, rel, OCT_KERNELS_BEST)) return;
  if (tm_open_opts(&ref, rel, OCT_KERNELS_REF)) {
    tm_close(&best);
    return;
  }
  int neon = 0, int8_ops = 0;
  for (int i = 0; i < oct_interp_op_count(best.it); i++) {
    oct_op_info info;
    if (oct_interp_op_info(best.it, i, &info) || !is_arm_op(info.type))
      continue;
    int8_ops++;
    if (!strncmp(info.kernel, "neon", 4)) {
      neon++;
      continue;
    }
#if defined(__aarch64__)
    printf("%s: op %d (%s) runs %s\n", rel, i, info.type, info.kernel);
#endif
  }
  printf("%s: %d of %d conv/fc ops on NEON kernels\n", rel, neon, int8_ops);
#if defined(__aarch64__)
  CHECK_MSG(neon == int8_ops && neon > 0,
            "%s: only %d of %d conv/fc ops run a NEON kernel", rel, neon,
            int8_ops);
#endif
  const size_t in_bytes = tm_input_bytes(&best, 0);
  uint8_t *in = malloc(in_bytes);
  if (!in) abort();
  uint32_t s = 12345;
  for (int k = 0; k < inputs; k++) {
    for (size_t i = 0; i < in_bytes; i++) {
      s = s * 1664525u + 1013904223u;
      /* Input 0 is smooth (image-like), the others are noise. */
      in[i] = k == 0 ? (uint8_t)(i * 7 / 5) : (uint8_t)(s >> 24);
    }
    memcpy(oct_interp_input_data(best.it, 0), in, in_bytes);
    memcpy(oct_interp_input_data(ref.it, 0), in, in_bytes);
    if (tm_invoke(&best) || tm_invoke(&ref)) break;
    for (int o = 0; o < oct_interp_output_count(best.it); o++) {
      const size_t bytes = tm_output_bytes(&ref, o);
      const size_t bad = tm_output_diff_bytes(
          &best, o, oct_interp_output_data(ref.it, o), bytes);
      CHECK_MSG(bad == 0,
                "%s input %d output %d: %zu of %zu bytes differ from "
                "the reference kernels",
                rel, k, o, bad, bytes);
    }
  }
  free(in);
  tm_close(&ref);
  tm_close(&best);
}

int main(void) {
  TM_REQUIRE_SHARED();
  run_model("tflm/person_detect.tflite", 3);
  if (!getenv("OCT_TEST_QUICK"))
    run_model("coral/tf2_mobilenet_v2_1.0_224_ptq.tflite", 2);
  return test_finish("test_neon_models");
}
