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

/* Post-training quantization modes (`octet convert --quantize MODE`). */
typedef enum oct_quant_mode {
  OCT_QUANT_NONE = 0,
  OCT_QUANT_FLOAT16,      /* "float16": float16 weights, expanded at prepare */
  OCT_QUANT_WEIGHTS_INT8, /* "weights-int8": int8 weights dequantized at load */
  OCT_QUANT_DYNAMIC,      /* "dynamic": int8 weights, hybrid kernels */
  OCT_QUANT_INT8,         /* "int8": full integer, needs calibration */
  OCT_QUANT_INT16X8       /* "int16x8": int16 activations, int8 weights */
} oct_quant_mode;

/* How calibration turns observed activations into a range. */
typedef enum oct_calibrator {
  OCT_CALIB_MINMAX = 0, /* TFLite's default */
  OCT_CALIB_PERCENTILE, /* clip at `percentile` of |values| histogram */
  OCT_CALIB_MSE,        /* range minimizing quantization mean squared error */
  OCT_CALIB_ENTROPY     /* KL divergence (TensorRT-style) */
} oct_calibrator;

/* How int8 / int16x8 weights are rounded onto their grid. GPTQ spreads
 * each weight's rounding error over the weights of its row still to be
 * rounded, by how the calibration inputs correlate; it changes which
 * integers are stored, not the scales. */
typedef enum oct_weight_rounding {
  OCT_WROUND_DEFAULT = 0, /* int16x8: GPTQ; int8: nearest (GPTQ costs about
                             0.9x a float run more calibration time) */
  OCT_WROUND_NEAREST,     /* nearest, as TFLite's converter */
  OCT_WROUND_GPTQ
} oct_weight_rounding;

/* "float16", ... for a mode; NULL for an unknown value. */
const char *oct_quant_mode_name(oct_quant_mode m);
/* Parses a mode name ("int8", ...); returns 0 and sets *m, or -1. */
int oct_quant_mode_parse(const char *s, oct_quant_mode *m);

#define OCT_CONVERT_MAX_CALIB_FILES 16

typedef struct oct_convert_options {
  int optimize; /* run the graph optimizer (default 1); when 0, only
                   importer-only ops (BatchNorm, Identity, Dropout) are
                   lowered to TFLite ops, as the file needs */
  int nhwc_io;  /* ONNX only: NHWC model inputs and outputs (default 0:
                   keep ONNX's layout, one transpose at each edge) */
  int batch;    /* ONNX only: size of dynamic batch dimensions (0: 1) */

  /* ---- quantization (all zero: none) ---- */
  oct_quant_mode quantize;
  oct_dtype io_type;    /* int8 / int16x8: model input and output type,
                           OCT_FLOAT32 (default, QUANTIZE/DEQUANTIZE at the
                           edges), OCT_INT8 or OCT_UINT8 */
  int per_channel_fc;   /* per-channel FULLY_CONNECTED weights (default
                           per-tensor, as the TFLite spec and TFLM expect) */
  int per_tensor;       /* every weight per-tensor */
  int no_bias_correction; /* every mode given calibration data:
                             keep the float bias as it is (default:
                             subtract the mean output shift the weight
                             rounding causes on the calibration data) */
  oct_weight_rounding rounding; /* int8 / int16x8 weights (calibration data) */
  const char *keep_float; /* comma-separated op or tensor names left float */
  /* Calibration data: one .npy per model input (N samples each, in the
   * model's input layout), or a folder of images. */
  const char *calibration_files[OCT_CONVERT_MAX_CALIB_FILES];
  int n_calibration_files;
  const char *calibration_dir;
  int image_mean_std_set; /* images: use image_mean/image_std (else the
                             `octet run --image` defaults per input type) */
  float image_mean, image_std;
  int calibration_samples; /* at most this many (0: all) */
  oct_calibrator calibrator;
  float percentile;     /* OCT_CALIB_PERCENTILE (default 99.99) */
  int progress;         /* draw a progress bar on stderr (CLI: on a tty) */
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
  /* quantization */
  const char *quantize; /* "none", "float16", "weights-int8", "dynamic",
                           "int8", "int16x8" */
  int calibration_samples_used;
  int float_ops;        /* ops left computing in float (kept float, or
                           outside the quantized part) */
  char warning[512];    /* empty, or why a quantization-aware model is not
                           all integer (the ops left float, by name) */
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
