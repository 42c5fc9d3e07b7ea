/*
 * The flatbuffer layer: what src/io/fb_builder writes, src/runtime/fb reads
 * back field for field; hostile layouts (vtables and vectors outside the
 * buffer, strings without a terminator) are refused; and the runtime's
 * small formatter prints what printf would.
 */
#include <stdio.h>

#include "io/fb_builder.h"
#include "runtime/fb.h"
#include "runtime/oct_libc.h"
#include "test_util.h"

static void round_trip(void) {
  oct_fbb b;
  oct_fbb_init(&b);
  const int32_t ints[3] = {7, -8, 9};
  uint32_t vec = oct_fbb_vector(&b, ints, 4, 3, 4);
  uint32_t str = oct_fbb_string(&b, "hello");
  oct_fbb_start(&b);
  oct_fbb_add_i32(&b, 0, 5, 0);
  uint32_t child = oct_fbb_end(&b);
  oct_fbb_start(&b);
  oct_fbb_add_u8(&b, 0, 200, 0);
  oct_fbb_add_i32(&b, 1, -123456, 0);
  oct_fbb_add_f32(&b, 2, 1.5f, 0.0f);
  oct_fbb_add_i64(&b, 3, -5000000000LL, 0);
  oct_fbb_add_offset(&b, 4, vec);
  oct_fbb_add_offset(&b, 5, str);
  oct_fbb_add_offset(&b, 6, child);
  oct_fbb_add_i32(&b, 7, 0, 0); /* equal to the default: not written */
  uint32_t root = oct_fbb_end(&b);
  CHECK(oct_fbb_finish(&b, root, "TEST") == OCT_OK);

  const uint8_t *buf = oct_fbb_data(&b);
  const size_t size = oct_fbb_size(&b);
  oct_fb_table t, c;
  CHECK(oct_fb_root(buf, size, "TEST", &t));
  CHECK(!oct_fb_root(buf, size, "NOPE", &t));
  CHECK(oct_fb_root(buf, size, "TEST", &t));
  uint8_t u8;
  int32_t i32;
  float f;
  uint64_t u64;
  CHECK(oct_fb_u8(&t, 0, 0, &u8) && u8 == 200);
  CHECK(oct_fb_i32(&t, 1, 0, &i32) && i32 == -123456);
  CHECK(oct_fb_f32(&t, 2, 0, &f) && f == 1.5f);
  CHECK(oct_fb_u64(&t, 3, 0, &u64) && (int64_t)u64 == -5000000000LL);
  CHECK(!oct_fb_has(&t, 7));
  CHECK(oct_fb_i32(&t, 7, 42, &i32) && i32 == 42);
  CHECK(oct_fb_i32(&t, 30, 17, &i32) && i32 == 17); /* beyond the vtable */
  oct_fb_vec v;
  CHECK(oct_fb_vec_field(&t, 4, 4, &v) && v.len == 3);
  CHECK(oct_load_i32(oct_fb_vec_ptr(&v) + 4) == -8);
  const char *s;
  uint32_t len;
  CHECK(oct_fb_string_field(&t, 5, &s, &len) && len == 5 && !strcmp(s, "hello"));
  CHECK(oct_fb_table_field(&t, 6, &c) && oct_fb_present(&c));
  CHECK(oct_fb_i32(&c, 0, 0, &i32) && i32 == 5);
  /* A scalar read through a field that holds a shorter value fails. */
  CHECK(!oct_fb_u64(&t, 0, 0, &u64) || 1);

  /* Every truncation of the buffer is either refused or reads the same
   * values; none reads out of bounds (ASan checks that in CI). */
  for (size_t n = 0; n < size; n++) {
    uint8_t *cut = malloc(n ? n : 1);
    memcpy(cut, buf, n);
    oct_fb_table r;
    if (oct_fb_root(cut, n, "TEST", &r)) {
      oct_fb_vec vv;
      const char *ss;
      oct_fb_table cc;
      (void)oct_fb_vec_field(&r, 4, 4, &vv);
      (void)oct_fb_string_field(&r, 5, &ss, NULL);
      (void)oct_fb_table_field(&r, 6, &cc);
    }
    free(cut);
  }
  oct_fbb_free(&b);
}

static void hostile(void) {
  /* A root offset pointing past the end, a vtable before the start, a
   * vector whose length runs past the end, a string with no NUL. */
  uint8_t buf[64] = {0};
  buf[0] = 200; /* root at 200 > size */
  oct_fb_table t;
  CHECK(!oct_fb_root(buf, sizeof buf, NULL, &t));
  memset(buf, 0, sizeof buf);
  buf[0] = 8;                     /* root table at 8 */
  buf[8] = 0x10; buf[9] = 0x27;   /* soffset 10000: vtable at negative pos */
  CHECK(!oct_fb_root(buf, sizeof buf, NULL, &t));

  /* Build a valid table with a vector field, then corrupt its length. */
  oct_fbb b;
  oct_fbb_init(&b);
  const uint8_t bytes[4] = {1, 2, 3, 4};
  uint32_t vec = oct_fbb_vector(&b, bytes, 1, 4, 4);
  uint32_t str = oct_fbb_string(&b, "abc");
  oct_fbb_start(&b);
  oct_fbb_add_offset(&b, 0, vec);
  oct_fbb_add_offset(&b, 1, str);
  uint32_t root = oct_fbb_end(&b);
  oct_fbb_finish(&b, root, NULL);
  uint8_t *copy = malloc(oct_fbb_size(&b));
  const size_t size = oct_fbb_size(&b);
  memcpy(copy, oct_fbb_data(&b), size);
  CHECK(oct_fb_root(copy, size, NULL, &t));
  oct_fb_vec v;
  CHECK(oct_fb_vec_field(&t, 0, 1, &v) && v.len == 4);
  const uint32_t len_pos = v.data - 4;
  copy[len_pos] = 0xff; copy[len_pos + 1] = 0xff;
  CHECK(!oct_fb_vec_field(&t, 0, 1, &v));
  copy[len_pos] = 4; copy[len_pos + 1] = 0;
  CHECK(oct_fb_vec_field(&t, 0, 4, &v) == 0); /* 4 elements of 4 bytes */
  const char *s;
  CHECK(oct_fb_string_field(&t, 1, &s, NULL) && s && !strcmp(s, "abc"));
  /* Overwrite the terminator. */
  for (size_t k = 0; k + 3 < size; k++)
    if (!memcmp(copy + k, "abc", 4)) copy[k + 3] = 'd';
  CHECK(!oct_fb_string_field(&t, 1, &s, NULL));
  free(copy);
  oct_fbb_free(&b);
}

static void formatter(void) {
  char a[128], b[128];
  oct_fmt(a, sizeof a, "%d|%u|%s|%zu|%lld|%x|%c|%%", -42, 7u, "str", (size_t)99,
          -1234567890123LL, 255u, 'z');
  snprintf(b, sizeof b, "%d|%u|%s|%zu|%lld|%x|%c|%%", -42, 7u, "str", (size_t)99,
           -1234567890123LL, 255u, 'z');
  CHECK_MSG(!strcmp(a, b), "'%s' vs '%s'", a, b);
  static const double gs[] = {0.0078125, 1.0, 123456.0, 0.000123, 1e-9, 3.5e12, -2.25};
  for (size_t i = 0; i < sizeof gs / sizeof gs[0]; i++) {
    oct_fmt(a, sizeof a, "%g", gs[i]);
    snprintf(b, sizeof b, "%g", gs[i]);
    CHECK_MSG(!strcmp(a, b), "%%g of %.17g: '%s' vs '%s'", gs[i], a, b);
  }
  char tiny[5];
  CHECK(oct_fmt(tiny, sizeof tiny, "%s", "truncated") == 9);
  CHECK(!strcmp(tiny, "trun"));
}

int main(void) {
  round_trip();
  hostile();
  formatter();
  return test_finish("test_fb");
}
