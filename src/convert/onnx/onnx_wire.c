/*
 * A pre-scan of the protobuf wire format before protobuf-c unpacks it.
 *
 * protobuf-c unpacks nested messages recursively, with no depth limit, and
 * ONNX's schema is recursive (a node attribute holds a graph of nodes, a
 * TypeProto holds TypeProtos). A hostile file of a few megabytes could nest
 * deeply enough to overflow the stack. This walker follows the schema's
 * message fields with an explicit, bounded stack and rejects files nested
 * deeper than any real model, or whose framing is broken (a length that runs
 * past its enclosing message, a truncated varint, groups).
 */
#include "onnx_internal.h"

#define WIRE_MAX_DEPTH 48
/* Each message becomes a heap struct of up to ~200 bytes: cap the count so
 * a file of empty sub-messages cannot make protobuf-c allocate gigabytes. */
#define WIRE_MAX_MESSAGES (16 * 1024 * 1024)

static int read_varint(const uint8_t **p, const uint8_t *end, uint64_t *out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (*p >= end) return 0;
    const uint8_t b = *(*p)++;
    if (shift == 63 && b > 1) return 0;
    v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *out = v;
      return 1;
    }
  }
  return 0;
}

oct_status oct_onnx_wire_check(const void *bytes, size_t size, oct_ir_graph *g) {
  struct {
    const uint8_t *end;
    const ProtobufCMessageDescriptor *desc;
  } stack[WIRE_MAX_DEPTH];
  const uint8_t *p = bytes;
  int depth = 0;
  long messages = 1;
  stack[0].end = p + size;
  stack[0].desc = &onnx__model_proto__descriptor;
  for (;;) {
    while (p == stack[depth].end) {
      if (depth == 0) return OCT_OK;
      depth--;
    }
    const uint8_t *const end = stack[depth].end;
    uint64_t tag, len;
    if (!read_varint(&p, end, &tag))
      return oct_ir_fail(g, OCT_ERR_MODEL, "not an ONNX model: bad protobuf tag at byte %zu",
                         (size_t)(p - (const uint8_t *)bytes));
    const uint32_t field = (uint32_t)(tag >> 3);
    if (field == 0 || tag >> 32)
      return oct_ir_fail(g, OCT_ERR_MODEL, "not an ONNX model: bad protobuf field number");
    switch (tag & 7) {
      case 0:
        if (!read_varint(&p, end, &len)) goto truncated;
        break;
      case 1:
        if (end - p < 8) goto truncated;
        p += 8;
        break;
      case 5:
        if (end - p < 4) goto truncated;
        p += 4;
        break;
      case 2: {
        if (!read_varint(&p, end, &len) || len > (uint64_t)(end - p)) goto truncated;
        const ProtobufCFieldDescriptor *f =
            protobuf_c_message_descriptor_get_field(stack[depth].desc, field);
        if (f && f->type == PROTOBUF_C_TYPE_MESSAGE) {
          if (depth + 1 >= WIRE_MAX_DEPTH)
            return oct_ir_fail(g, OCT_ERR_LIMIT,
                               "ONNX model nests messages deeper than %d levels",
                               WIRE_MAX_DEPTH);
          if (++messages > WIRE_MAX_MESSAGES)
            return oct_ir_fail(g, OCT_ERR_LIMIT, "ONNX model has more than %d messages",
                               WIRE_MAX_MESSAGES);
          depth++;
          stack[depth].end = p + len;
          stack[depth].desc = f->descriptor;
        } else {
          p += len;
        }
        break;
      }
      default:
        return oct_ir_fail(g, OCT_ERR_MODEL,
                           "not an ONNX model: protobuf wire type %u at byte %zu",
                           (unsigned)(tag & 7), (size_t)(p - (const uint8_t *)bytes));
    }
  }
truncated:
  return oct_ir_fail(g, OCT_ERR_MODEL, "ONNX model is truncated or corrupt near byte %zu",
                     (size_t)(p - (const uint8_t *)bytes));
}
