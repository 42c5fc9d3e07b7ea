/*
 * octet converter: ONNX or float .tflite in, optimized .tflite out.
 *
 * One call runs the whole pipeline: read the input, detect its format by
 * content (a "TFL3" flatbuffer, else an ONNX protobuf), import it into the
 * converter's graph, optimize it (constant folding, BatchNorm folding,
 * activation fusion, ... unless asked not to), infer and check every shape,
 * verify the graph, and write the .tflite file atomically (a temporary file
 * renamed over `out_path`: on failure nothing is left behind and an
 * existing file is untouched).
 *
 *   oct_convert_options opts;
 *   oct_convert_options_init(&opts);
 *   oct_convert_report rep;
 *   oct_error err;
 *   if (oct_convert_file("model.onnx", "model.tflite", &opts, &rep, &err))
 *     fprintf(stderr, "%s\n", err.message);
 *   else
 *     printf("%d ops -> %d, %zu bytes\n", rep.ops_before, rep.ops_after,
 *            rep.file_bytes);
 *
 * Hosted only (allocates, uses files); not part of the runtime library.
 */
#ifndef OCTET_CONVERT_H
#define OCTET_CONVERT_H

#include <stddef.h>

#include "octet/octet.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct oct_convert_options {
  int optimize; /* run the graph optimizer (default 1); when 0, only
                   importer-only ops (BatchNorm, Identity, Dropout) are
                   lowered to TFLite ops, as the file needs */
  int nhwc_io;  /* ONNX only: NHWC model inputs and outputs (default 0:
                   keep ONNX's layout, one transpose at each edge) */
  int batch;    /* ONNX only: size of dynamic batch dimensions (0: 1) */
} oct_convert_options;

/* Defaults: optimize, ONNX layout at the edges, batch 1. */
void oct_convert_options_init(oct_convert_options *opts);

/* Ops of one type, counted after import and in the written file. */
typedef struct oct_convert_op_count {
  const char *type; /* "CONV_2D", or an importer-only op "BATCH_NORM (IR)" */
  int before, after;
} oct_convert_op_count;

#define OCT_CONVERT_MAX_TYPES 128

typedef struct oct_convert_report {
  const char *format;   /* "onnx" or "tflite" */
  int ops_before;       /* after import */
  int ops_after;        /* in the written file */
  int n_types;          /* entries of `types`, ordered by builtin code */
  oct_convert_op_count types[OCT_CONVERT_MAX_TYPES];
  int tensors;          /* in the written file */
  size_t param_bytes;   /* constant tensor bytes in the written file */
  size_t file_bytes;    /* size of the written file */
} oct_convert_report;

/*
 * Converts `in_path` (.onnx or .tflite, by content) into the .tflite file
 * `out_path`. `opts` may be NULL (defaults); `report` and `err` may be NULL.
 * On failure err->message names the input and the op or tensor at fault,
 * and nothing is written.
 */
oct_status oct_convert_file(const char *in_path, const char *out_path,
                            const oct_convert_options *opts,
                            oct_convert_report *report, oct_error *err);

#ifdef __cplusplus
}
#endif

#endif /* OCTET_CONVERT_H */
