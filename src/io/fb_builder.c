/* FlatBuffers builder; see fb_builder.h. */
#include "fb_builder.h"

#include <stdlib.h>
#include <string.h>

void oct_fbb_init(oct_fbb *b) {
  memset(b, 0, sizeof *b);
  b->minalign = 1;
}

void oct_fbb_free(oct_fbb *b) {
  free(b->buf);
  memset(b, 0, sizeof *b);
}

/* Makes room for `n` more bytes at the front. */
static int reserve(oct_fbb *b, size_t n) {
  if (b->failed) return 0;
  if (b->cap - b->size >= n) return 1;
  size_t cap = b->cap ? b->cap : 1024;
  while (cap - b->size < n) {
    if (cap > ((size_t)1 << 40)) {
      b->failed = 1;
      return 0;
    }
    cap *= 2;
  }
  uint8_t *nb = malloc(cap);
  if (!nb) {
    b->failed = 1;
    return 0;
  }
  if (b->size) memcpy(nb + cap - b->size, b->buf + b->cap - b->size, b->size);
  free(b->buf);
  b->buf = nb;
  b->cap = cap;
  return 1;
}

static void push(oct_fbb *b, const void *p, size_t n) {
  if (!reserve(b, n)) return;
  b->size += n;
  memcpy(b->buf + b->cap - b->size, p, n);
}

static void pad(oct_fbb *b, size_t n) {
  static const uint8_t zeros[16] = {0};
  while (n) {
    size_t k = n < 16 ? n : 16;
    push(b, zeros, k);
    n -= k;
  }
}

/* Aligns so that after `extra` more bytes the size is a multiple of
 * `align` (FlatBuffers' Prep). */
static void prep(oct_fbb *b, size_t align, size_t extra) {
  if (align > b->minalign) b->minalign = align;
  const size_t p = (~(b->size + extra) + 1) & (align - 1);
  pad(b, p);
}

static void push_u32(oct_fbb *b, uint32_t v) {
  uint8_t le[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
  push(b, le, 4);
}

static uint32_t refer_to(oct_fbb *b, uint32_t off) {
  prep(b, 4, 0);
  return (uint32_t)(b->size - off + 4);
}

uint32_t oct_fbb_vector(oct_fbb *b, const void *data, size_t elem_size,
                        size_t count, size_t align) {
  const size_t bytes = elem_size * count;
  prep(b, 4, bytes);
  prep(b, align < elem_size ? elem_size : align, bytes);
  push(b, data, bytes);
  push_u32(b, (uint32_t)count);
  return (uint32_t)b->size;
}

uint32_t oct_fbb_offset_vector(oct_fbb *b, const uint32_t *offsets,
                               size_t count) {
  prep(b, 4, 4 * count);
  for (size_t i = count; i-- > 0;) push_u32(b, refer_to(b, offsets[i]));
  push_u32(b, (uint32_t)count);
  return (uint32_t)b->size;
}

uint32_t oct_fbb_string(oct_fbb *b, const char *s) {
  const size_t n = strlen(s);
  prep(b, 4, n + 1);
  const uint8_t nul = 0;
  push(b, &nul, 1);
  push(b, s, n);
  push_u32(b, (uint32_t)n);
  return (uint32_t)b->size;
}

void oct_fbb_start(oct_fbb *b) {
  b->in_table = 1;
  b->n_fields = 0;
  b->table_start = b->size;
}

static void track(oct_fbb *b, int field) {
  if (b->n_fields >= OCT_FBB_MAX_FIELDS || field < 0 || field > 1000) {
    b->failed = 1;
    return;
  }
  b->fields[b->n_fields].id = (uint16_t)field;
  b->fields[b->n_fields].off = (uint32_t)b->size;
  b->n_fields++;
}

static void add_scalar(oct_fbb *b, int field, const void *le, size_t n) {
  prep(b, n, 0);
  push(b, le, n);
  track(b, field);
}

void oct_fbb_add_u8(oct_fbb *b, int field, uint8_t v, uint8_t def) {
  if (v != def) add_scalar(b, field, &v, 1);
}
void oct_fbb_add_i8(oct_fbb *b, int field, int8_t v, int8_t def) {
  if (v != def) add_scalar(b, field, &v, 1);
}
void oct_fbb_add_i32(oct_fbb *b, int field, int32_t v, int32_t def) {
  if (v != def) add_scalar(b, field, &v, 4);
}
void oct_fbb_add_u32(oct_fbb *b, int field, uint32_t v, uint32_t def) {
  if (v != def) add_scalar(b, field, &v, 4);
}
void oct_fbb_add_i64(oct_fbb *b, int field, int64_t v, int64_t def) {
  if (v != def) add_scalar(b, field, &v, 8);
}
void oct_fbb_add_u64(oct_fbb *b, int field, uint64_t v, uint64_t def) {
  if (v != def) add_scalar(b, field, &v, 8);
}
void oct_fbb_add_f32(oct_fbb *b, int field, float v, float def) {
  if (memcmp(&v, &def, 4) != 0) add_scalar(b, field, &v, 4);
}

void oct_fbb_add_offset(oct_fbb *b, int field, uint32_t off) {
  if (!off) return;
  push_u32(b, refer_to(b, off));
  track(b, field);
}

uint32_t oct_fbb_end(oct_fbb *b) {
  /* soffset placeholder to the vtable */
  prep(b, 4, 0);
  push_u32(b, 0);
  const uint32_t object = (uint32_t)b->size;
  int max_id = -1;
  for (int i = 0; i < b->n_fields; i++)
    if (b->fields[i].id > max_id) max_id = b->fields[i].id;
  const int slots = max_id + 1;
  uint16_t vt[OCT_FBB_MAX_FIELDS * 16 + 2];
  if (slots > (int)(sizeof vt / sizeof vt[0]) - 2) {
    b->failed = 1;
    return 0;
  }
  memset(vt, 0, sizeof vt);
  vt[0] = (uint16_t)(4 + 2 * slots);
  vt[1] = (uint16_t)(object - b->table_start);
  for (int i = 0; i < b->n_fields; i++)
    vt[2 + b->fields[i].id] = (uint16_t)(object - b->fields[i].off);
  for (int i = slots + 1; i >= 0; i--) {
    uint8_t le[2] = {(uint8_t)vt[i], (uint8_t)(vt[i] >> 8)};
    push(b, le, 2);
  }
  const uint32_t vtable = (uint32_t)b->size;
  if (!b->failed) {
    const int32_t soff = (int32_t)(vtable - object);
    uint8_t *at = b->buf + b->cap - object;
    at[0] = (uint8_t)soff;
    at[1] = (uint8_t)(soff >> 8);
    at[2] = (uint8_t)(soff >> 16);
    at[3] = (uint8_t)(soff >> 24);
  }
  b->in_table = 0;
  return object;
}

oct_status oct_fbb_finish(oct_fbb *b, uint32_t root, const char *ident) {
  prep(b, b->minalign, ident ? 8 : 4);
  if (ident) push(b, ident, 4);
  push_u32(b, refer_to(b, root));
  return b->failed ? OCT_ERR_NO_MEMORY : OCT_OK;
}
