/* Bounds-checked FlatBuffer access; see fb.h. */
#include "fb.h"

#include "oct_libc.h"

/* Builds a table view at `pos`, validating the table's vtable. */
static int table_at(const uint8_t *buf, size_t size, uint64_t pos,
                    oct_fb_table *out) {
  if (pos + 4 > size) return 0;
  const int32_t soff = oct_load_i32(buf + pos);
  const int64_t vt = (int64_t)pos - (int64_t)soff;
  if (vt < 0 || (uint64_t)vt + 4 > size) return 0;
  const uint16_t vt_size = oct_load_u16(buf + vt);
  const uint16_t tbl_size = oct_load_u16(buf + vt + 2);
  if (vt_size < 4 || (vt_size & 1) || (uint64_t)vt + vt_size > size) return 0;
  if (tbl_size < 4 || pos + tbl_size > size) return 0;
  out->buf = buf;
  out->size = size;
  out->pos = (uint32_t)pos;
  out->vt = (uint32_t)vt;
  out->vt_size = vt_size;
  out->tbl_size = tbl_size;
  return 1;
}

int oct_fb_root(const uint8_t *buf, size_t size, const char *ident,
                oct_fb_table *out) {
  if (!buf || size < 8 || size > 0x7fffffffu) return 0;
  if (ident && oct_memcmp(buf + 4, ident, 4) != 0) return 0;
  return table_at(buf, size, oct_load_u32(buf), out);
}

/* Offset of `field` inside the table (0 = absent); checks `width` fits. */
static int field_off(const oct_fb_table *t, int field, size_t width,
                     uint32_t *off) {
  *off = 0;
  if (!t->buf) return 1;
  const uint32_t entry = 4u + 2u * (uint32_t)field;
  if (field < 0 || entry + 2 > t->vt_size) return 1;
  const uint16_t o = oct_load_u16(t->buf + t->vt + entry);
  if (o == 0) return 1;
  if ((uint64_t)o + width > t->tbl_size) return 0;
  *off = o;
  return 1;
}

int oct_fb_has(const oct_fb_table *t, int field) {
  uint32_t off;
  return field_off(t, field, 1, &off) && off != 0;
}

#define FB_SCALAR(NAME, TYPE, WIDTH, LOAD)                                  \
  int NAME(const oct_fb_table *t, int field, TYPE def, TYPE *out) {         \
    uint32_t off;                                                           \
    if (!field_off(t, field, WIDTH, &off)) return 0;                        \
    *out = off ? (TYPE)(LOAD) : def;                                        \
    return 1;                                                               \
  }

FB_SCALAR(oct_fb_u8, uint8_t, 1, t->buf[t->pos + off])
FB_SCALAR(oct_fb_i8, int8_t, 1, (int8_t)t->buf[t->pos + off])
FB_SCALAR(oct_fb_i32, int32_t, 4, oct_load_i32(t->buf + t->pos + off))
FB_SCALAR(oct_fb_u32, uint32_t, 4, oct_load_u32(t->buf + t->pos + off))
FB_SCALAR(oct_fb_u64, uint64_t, 8, oct_load_u64(t->buf + t->pos + off))
FB_SCALAR(oct_fb_f32, float, 4, oct_load_f32(t->buf + t->pos + off))

/* Follows the uoffset stored in `field`; *target 0 when absent. */
static int follow(const oct_fb_table *t, int field, uint64_t *target) {
  uint32_t off;
  *target = 0;
  if (!field_off(t, field, 4, &off)) return 0;
  if (!off) return 1;
  const uint64_t at = (uint64_t)t->pos + off;
  const uint32_t rel = oct_load_u32(t->buf + at);
  if (rel == 0) return 0;
  const uint64_t dst = at + rel;
  if (dst >= t->size) return 0;
  *target = dst;
  return 1;
}

int oct_fb_table_field(const oct_fb_table *t, int field, oct_fb_table *out) {
  uint64_t dst;
  oct_memset(out, 0, sizeof *out);
  if (!follow(t, field, &dst)) return 0;
  if (!dst) return 1;
  return table_at(t->buf, t->size, dst, out);
}

static int vec_at(const uint8_t *buf, size_t size, uint64_t pos,
                  size_t elem_size, oct_fb_vec *out) {
  if (pos + 4 > size) return 0;
  const uint32_t len = oct_load_u32(buf + pos);
  if (pos + 4 + (uint64_t)len * elem_size > size) return 0;
  out->buf = buf;
  out->size = size;
  out->data = (uint32_t)(pos + 4);
  out->len = len;
  return 1;
}

int oct_fb_vec_field(const oct_fb_table *t, int field, size_t elem_size,
                     oct_fb_vec *out) {
  uint64_t dst;
  oct_memset(out, 0, sizeof *out);
  if (!follow(t, field, &dst)) return 0;
  if (!dst) return 1;
  return vec_at(t->buf, t->size, dst, elem_size, out);
}

int oct_fb_string_field(const oct_fb_table *t, int field, const char **out,
                        uint32_t *len) {
  oct_fb_vec v;
  *out = 0;
  if (len) *len = 0;
  if (!oct_fb_vec_field(t, field, 1, &v)) return 0;
  if (!v.buf) return 1;
  /* The terminating NUL must be inside the buffer too. */
  if ((uint64_t)v.data + v.len >= v.size || v.buf[v.data + v.len] != 0)
    return 0;
  /* octet hands names out as C strings; an interior NUL would silently
   * shorten one (and means the length field is wrong), so it is an error. */
  for (uint32_t i = 0; i < v.len; i++)
    if (v.buf[v.data + i] == 0) return 0;
  *out = (const char *)(v.buf + v.data);
  if (len) *len = v.len;
  return 1;
}

int oct_fb_vec_table(const oct_fb_vec *v, uint32_t i, oct_fb_table *out) {
  if (i >= v->len) return 0;
  const uint64_t at = (uint64_t)v->data + 4ull * i;
  const uint32_t rel = oct_load_u32(v->buf + at);
  if (rel == 0) return 0;
  return table_at(v->buf, v->size, at + rel, out);
}
