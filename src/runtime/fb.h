/*
 * Bounds-checked reading of FlatBuffers, the container of .tflite files.
 *
 * The file is untrusted: every table, vtable, vector and string is checked
 * to lie inside the buffer before anything is read from it, with 64-bit
 * arithmetic so offsets cannot wrap. A failed check makes the accessor
 * report failure (return 0); it never reads out of bounds. Scalars are read
 * byte-wise, so misaligned files are safe too.
 */
#ifndef OCT_FB_H
#define OCT_FB_H

#include <stddef.h>
#include <stdint.h>

typedef struct oct_fb_table {
  const uint8_t *buf;
  size_t size;
  uint32_t pos;      /* table start; 0 with buf == NULL: absent */
  uint32_t vt;       /* vtable start */
  uint16_t vt_size;  /* vtable bytes */
  uint16_t tbl_size; /* inline table bytes */
} oct_fb_table;

typedef struct oct_fb_vec {
  const uint8_t *buf;
  size_t size;
  uint32_t data;  /* position of element 0 */
  uint32_t len;   /* element count */
} oct_fb_vec;

/* Root table of a buffer; checks the 4-byte file identifier when `ident` is
 * non-NULL. Returns 0 when the buffer is not a well-formed FlatBuffer. */
int oct_fb_root(const uint8_t *buf, size_t size, const char *ident,
                oct_fb_table *out);

/* 1 if the table is present (a non-null sub-table). */
static inline int oct_fb_present(const oct_fb_table *t) { return t->buf != 0; }

/* Field presence and scalar fields; absent fields give `def`. Each returns 0
 * only when the field is present but does not fit in the table. */
int oct_fb_has(const oct_fb_table *t, int field);
int oct_fb_u8(const oct_fb_table *t, int field, uint8_t def, uint8_t *out);
int oct_fb_i8(const oct_fb_table *t, int field, int8_t def, int8_t *out);
int oct_fb_i32(const oct_fb_table *t, int field, int32_t def, int32_t *out);
int oct_fb_u32(const oct_fb_table *t, int field, uint32_t def, uint32_t *out);
int oct_fb_u64(const oct_fb_table *t, int field, uint64_t def, uint64_t *out);
int oct_fb_f32(const oct_fb_table *t, int field, float def, float *out);
static inline int oct_fb_bool(const oct_fb_table *t, int field, int def,
                              int *out) {
  uint8_t v = 0;
  if (!oct_fb_u8(t, field, (uint8_t)(def != 0), &v)) return 0;
  *out = v != 0;
  return 1;
}

/* Sub-table field: absent gives an absent table (buf NULL) and success. */
int oct_fb_table_field(const oct_fb_table *t, int field, oct_fb_table *out);
/* Vector field with elements of `elem_size` bytes: absent gives len 0. */
int oct_fb_vec_field(const oct_fb_table *t, int field, size_t elem_size,
                     oct_fb_vec *out);
/* String field: NUL-terminated in the buffer (checked); absent gives NULL. */
int oct_fb_string_field(const oct_fb_table *t, int field, const char **out,
                        uint32_t *len);
/* Element i of a vector of tables. */
int oct_fb_vec_table(const oct_fb_vec *v, uint32_t i, oct_fb_table *out);

static inline const uint8_t *oct_fb_vec_ptr(const oct_fb_vec *v) {
  return v->buf + v->data;
}

#endif /* OCT_FB_H */
