/*
 * The .tflite writer: turns a converter graph (src/convert/ir.h) into a
 * TensorFlow Lite flatbuffer that octet's runtime, TFLite itself (2.9 and
 * later) and other readers of TFLite's schema accept.
 *
 * What is written, and why:
 *   - schema version 3 with the "TFL3" identifier; one subgraph "main";
 *     description "octet" (or the graph's own description when it has one);
 *   - buffer 0 the empty sentinel, then one buffer per constant tensor, its
 *     data 16-byte aligned (TFLite's force_align), so constants can be used
 *     in place from an aligned file buffer;
 *   - operator codes deduplicated by (code, version), each with both
 *     deprecated_builtin_code (min(code, 127)) and builtin_code, so old and
 *     new readers agree; versions from tflite_write_ops.c;
 *   - every op's builtin options table (tflite_write_ops.c);
 *   - quantization: scale, zero_point, quantized_dimension, and min/max
 *     when the graph knows the tensor's range;
 *   - a "min_runtime_version" metadata entry (a 16-byte string, as TFLite's
 *     converter writes), when the ops' versions determine one.
 * Dead ops and tensors nothing live refers to are left out; the rest keep
 * their relative order. The same graph always gives the same bytes.
 *
 * The graph must be final: shapes known (oct_ir_infer_shapes), no IR-only
 * ops (OCT_IR_*; the optimizer removes them) and no custom ops.
 *
 *   oct_fbb b;
 *   oct_fbb_init(&b);
 *   if (oct_tflite_serialize(&g, &b) == OCT_OK)
 *     use(oct_fbb_data(&b), oct_fbb_size(&b));
 *   else
 *     puts(g.err.message);
 *   oct_fbb_free(&b);
 */
#ifndef OCT_CONVERT_TFLITE_WRITER_H
#define OCT_CONVERT_TFLITE_WRITER_H

#include "convert/ir.h"
#include "io/fb_builder.h"
#include "octet/octet.h"

/* Serializes `g` into `out`, a builder fresh from oct_fbb_init (the caller
 * frees it with oct_fbb_free in every case). On failure the message, naming
 * the op or tensor, is in g->err: the one field of `g` this writes. */
oct_status oct_tflite_serialize(const oct_ir_graph *g, oct_fbb *out);

/* Serializes `g` and replaces `path` with the bytes atomically (temporary
 * file in the same directory, then rename): on any failure nothing is left
 * behind and an existing file at `path` is untouched. The message goes to
 * `err` (may be NULL) and, for serialization errors, to g->err. */
oct_status oct_tflite_write_file(const oct_ir_graph *g, const char *path,
                                 oct_error *err);

#endif /* OCT_CONVERT_TFLITE_WRITER_H */
