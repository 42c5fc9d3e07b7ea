/*
 * A FlatBuffers builder in C, for writing .tflite files (the converter) and
 * for tests that need small hand-made models.
 *
 * As in the reference FlatBuffers implementation, the buffer is built back
 * to front: children (vectors, strings, sub-tables) are created first and
 * referred to by the offsets these functions return; a parent table is then
 * started, given its fields, and ended. Output is deterministic: the same
 * sequence of calls gives the same bytes.
 *
 *   oct_fbb b;
 *   oct_fbb_init(&b);
 *   uint32_t name = oct_fbb_string(&b, "x");
 *   oct_fbb_start(&b);
 *   oct_fbb_add_i32(&b, 1, 42, 0);     // field 1 = 42 (omitted if == 0)
 *   oct_fbb_add_offset(&b, 3, name);   // field 3 -> "x"
 *   uint32_t root = oct_fbb_end(&b);
 *   oct_fbb_finish(&b, root, "TFL3");
 *   ... oct_fbb_data(&b), oct_fbb_size(&b) ...
 *   oct_fbb_free(&b);
 *
 * Allocation failures are sticky: every call becomes a no-op and
 * oct_fbb_finish returns OCT_ERR_NO_MEMORY.
 */
#ifndef OCT_IO_FB_BUILDER_H
#define OCT_IO_FB_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "octet/octet.h"

#define OCT_FBB_MAX_FIELDS 64

typedef struct oct_fbb {
  uint8_t *buf;     /* data occupies buf[cap - size, cap) */
  size_t cap, size;
  size_t minalign;
  int failed;
  /* the table being built */
  int in_table;
  size_t table_start;
  int n_fields;
  struct {
    uint16_t id;
    uint32_t off; /* offset from the end of the buffer */
  } fields[OCT_FBB_MAX_FIELDS];
} oct_fbb;

void oct_fbb_init(oct_fbb *b);
void oct_fbb_free(oct_fbb *b);

/* Vectors of scalars (little-endian on the host), `align` >= elem_size. */
uint32_t oct_fbb_vector(oct_fbb *b, const void *data, size_t elem_size,
                        size_t count, size_t align);
/* Vector of offsets to tables or strings created earlier. */
uint32_t oct_fbb_offset_vector(oct_fbb *b, const uint32_t *offsets,
                               size_t count);
uint32_t oct_fbb_string(oct_fbb *b, const char *s);

void oct_fbb_start(oct_fbb *b);
/* Scalar fields are written only when they differ from the schema default,
 * as FlatBuffers does (force: write even when equal, e.g. to test
 * readers). */
void oct_fbb_add_u8(oct_fbb *b, int field, uint8_t v, uint8_t def);
void oct_fbb_add_i8(oct_fbb *b, int field, int8_t v, int8_t def);
void oct_fbb_add_i32(oct_fbb *b, int field, int32_t v, int32_t def);
void oct_fbb_add_u32(oct_fbb *b, int field, uint32_t v, uint32_t def);
void oct_fbb_add_i64(oct_fbb *b, int field, int64_t v, int64_t def);
void oct_fbb_add_u64(oct_fbb *b, int field, uint64_t v, uint64_t def);
void oct_fbb_add_f32(oct_fbb *b, int field, float v, float def);
/* A reference to a vector, string or table (0 = absent: not written). */
void oct_fbb_add_offset(oct_fbb *b, int field, uint32_t off);
uint32_t oct_fbb_end(oct_fbb *b);

/* Writes the root offset and the 4-byte file identifier (may be NULL). */
oct_status oct_fbb_finish(oct_fbb *b, uint32_t root, const char *ident);

static inline const uint8_t *oct_fbb_data(const oct_fbb *b) {
  return b->buf + (b->cap - b->size);
}
static inline size_t oct_fbb_size(const oct_fbb *b) { return b->size; }

#endif /* OCT_IO_FB_BUILDER_H */
