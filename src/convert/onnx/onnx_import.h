/*
 * The ONNX importer: reads an ONNX ModelProto (opsets 7 to 17 of the default
 * domain) into the converter IR (src/convert/ir.h), translating every node
 * into TFLite builtin ops in TFLite's NHWC conventions.
 *
 * What it does on the way in:
 *   - parses the protobuf with protobuf-c code generated at build time from
 *     Debian's onnx.proto, after an iterative pre-scan that bounds nesting
 *     depth (protobuf-c recurses on nested messages);
 *   - initializers and Constant nodes become constants; ops whose inputs are
 *     all constant and that exporters use to compute shapes (Shape, Gather,
 *     Concat, Unsqueeze, Slice, Cast, Reshape, ConstantOfShape, Range,
 *     arithmetic, ...) are evaluated at import (onnx_const.c);
 *   - layout: every ONNX value may be held by an IR tensor in ONNX order, in
 *     channels-last order (NCHW -> NHWC, any rank >= 3), or both;
 *     layout-sensitive ops read channels-last, shape ops read ONNX order, and
 *     a TRANSPOSE (or a RESHAPE, when only unit dims move) is inserted where
 *     they meet (onnx_layout.c). The optimizer cancels transpose pairs.
 *   - graph inputs and outputs keep their ONNX layout and shape (one
 *     TRANSPOSE at each edge) unless opts->nhwc_io; a dynamic or symbolic
 *     batch dimension (axis 0) becomes opts->batch (1 when 0).
 *
 * Anything octet cannot translate exactly (an op, an attribute value, a data
 * type, a non-constant weight) fails with OCT_ERR_UNSUPPORTED and a message
 * naming the node and its op type; malformed files fail with OCT_ERR_MODEL.
 * The file is untrusted: sizes, ranks, indices and nesting are all checked.
 *
 *   oct_ir_graph g;
 *   oct_ir_init(&g);
 *   oct_onnx_options o = {0};
 *   if (oct_onnx_import(bytes, size, &o, &g) != OCT_OK) puts(g.err.message);
 *   ...
 *   oct_ir_free(&g);
 */
#ifndef OCT_CONVERT_ONNX_IMPORT_H
#define OCT_CONVERT_ONNX_IMPORT_H

#include <stddef.h>

#include "convert/ir.h"

typedef struct oct_onnx_options {
  int nhwc_io; /* 4-D graph inputs/outputs in NHWC (not NCHW) layout */
  int batch;   /* size of a dynamic batch dimension; 0 means 1 */
  /* Cap on the constant bytes the importer may materialize in total
   * (initializers, Constant nodes, values evaluated at import): a 4 KB file
   * can ask for gigabytes of ConstantOfShape. 0: OCT_ONNX_MAX_CONST_BYTES. */
  size_t max_const_bytes;
} oct_onnx_options;

#define OCT_ONNX_MAX_CONST_BYTES ((size_t)16 << 30)

/* Imports the model in `bytes` (borrowed for the call) into `g`, which must
 * be freshly initialized (oct_ir_init). `opts` may be NULL. On failure the
 * message is in g->err and `g` holds a partial graph: free it with
 * oct_ir_free. */
oct_status oct_onnx_import(const void *bytes, size_t size,
                           const oct_onnx_options *opts, oct_ir_graph *g);

/* Whether the importer knows ONNX op type `op` (default domain). Some ops
 * are evaluated at import only (their inputs must be constant: Shape,
 * ConstantOfShape, Range, Equal, Where, Expand), and any op may still be
 * refused for an attribute value TFLite cannot express. */
int oct_onnx_op_supported(const char *op);

#endif /* OCT_CONVERT_ONNX_IMPORT_H */
