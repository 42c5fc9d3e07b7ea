/*
 * The .tflite importer: a float (or already quantized) TFLite model into
 * the converter's graph IR (src/convert/ir.h), so the passes, the quantizer
 * and the writer treat .tflite and ONNX inputs alike.
 *
 * There is no second .tflite parser: the model goes through the runtime's
 * own validated loader (oct_arena_size, then oct_interp_init on a heap
 * arena, which reads, bounds-checks and prepares every op), and the
 * interpreter's tensor and node tables are copied into the graph. So the
 * importer accepts exactly the models octet can run, and a model with ops
 * octet lacks fails with the runtime's message ("octet does not support
 * RESIZE_BILINEAR (3 ops, first op 63)").
 *
 * What is copied: every tensor (index for index; names, types, shapes),
 * constant data (copied: the graph does not borrow `bytes`), quantization
 * (per tensor and per axis; a rank-1 per-axis tensor gets axis 0, as the
 * runtime reads it), the model's inputs and outputs, and every op with its
 * parsed options. Op versions are not kept (0: the writer picks the
 * version the op's types need). Not copied: quantization min/max (the
 * runtime does not read them), signatures and metadata.
 *
 *   oct_ir_graph g;
 *   oct_ir_init(&g);
 *   if (oct_tflite_import(bytes, size, &g) != OCT_OK) puts(g.err.message);
 *   ...
 *   oct_ir_free(&g);
 */
#ifndef OCT_CONVERT_TFLITE_IMPORT_H
#define OCT_CONVERT_TFLITE_IMPORT_H

#include <stddef.h>

#include "convert/ir.h"

/* Imports `bytes` into `g` (empty, from oct_ir_init). On failure g->err
 * holds the message; `g` may hold part of the model and must still be
 * released with oct_ir_free. */
oct_status oct_tflite_import(const void *bytes, size_t size, oct_ir_graph *g);

#endif /* OCT_CONVERT_TFLITE_IMPORT_H */
