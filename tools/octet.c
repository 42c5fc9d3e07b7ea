/* The octet command line tool: dispatches to one command per file. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f) {
  fprintf(f,
          "octet %d.%d.%d: run TensorFlow Lite models in C\n"
          "\n"
          "usage:\n"
          "  octet run MODEL --input IN.npy [--input ...] (--output OUT.npy ... | --output-dir DIR)\n"
          "  octet run MODEL --image FILE [--labels FILE] [--top N] [--mean M --std S]\n"
          "  octet inspect MODEL [--json] [--kernels]\n"
          "  octet convert IN.{onnx,tflite} -o OUT.tflite [--no-optimize] [--nhwc-io]\n"
          "                [--batch N] [--json] [--quantize MODE [--calibration X.npy]]\n"
          "  octet eval MODEL [MODEL ...] --data X.npy [--labels Y.npy] [--limit N] [--json]\n"
          "  octet bench MODEL [--threads N] [--warmup N] [--runs N] [--json] [--verbose] [--profile]\n"
          "\n"
          "common options: --ref (reference kernels only), --json,\n"
          "  --threads N (run: split conv/depthwise/fully connected over N threads)\n",
          OCT_VERSION_MAJOR, OCT_VERSION_MINOR, OCT_VERSION_PATCH);
}

int main(int argc, char **argv) {
  /* Past a file-size limit (ulimit -f) a write must fail with EFBIG and
   * the atomic writer clean up, not the process die with a temp file. */
  signal(SIGXFSZ, SIG_IGN);
  if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
      !strcmp(argv[1], "help")) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (!strcmp(argv[1], "--version")) {
    printf("octet %d.%d.%d\n", OCT_VERSION_MAJOR, OCT_VERSION_MINOR, OCT_VERSION_PATCH);
    return 0;
  }
  if (!strcmp(argv[1], "inspect")) return cmd_inspect(argc - 2, argv + 2);
  if (!strcmp(argv[1], "run")) return cmd_run(argc - 2, argv + 2);
  if (!strcmp(argv[1], "convert")) return cmd_convert(argc - 2, argv + 2);
  if (!strcmp(argv[1], "eval")) return cmd_eval(argc - 2, argv + 2);
  if (!strcmp(argv[1], "bench")) return cmd_bench(argc - 2, argv + 2);
  fprintf(stderr, "octet: unknown command '%s'\n\n", argv[1]);
  usage(stderr);
  return 2;
}
