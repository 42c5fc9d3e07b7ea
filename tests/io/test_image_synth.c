/*
 * Image decoders on files made here: every BMP variant we accept (and the
 * ones we refuse), every PNG colour type and bit depth written with libpng,
 * and JPEGs written with libjpeg. Needs no shared data. The real files and
 * the PIL references are in test_image.c.
 */
#include <png.h>
#include <stdio.h>
#include <jpeglib.h>

#include "io/image.h"
#include "io/image_resize.h"
#include "test_util.h"

static uint32_t g_seed = 12345;
static uint32_t rnd(void) {
  g_seed = g_seed * 1664525u + 1013904223u;
  return g_seed >> 8;
}

static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}
static void put16(uint8_t *p, unsigned v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}

/* ---- BMP ---- */

/* Writes a BMP of w x |h| (h < 0: top-down). `idx` (bpp <= 8) or `rgb`
 * (24/32) are top row first. Returns the file size. */
static size_t make_bmp(uint8_t *buf, int w, int h, int bpp, uint32_t comp,
                       uint32_t hsize, const uint8_t (*pal)[3], int npal,
                       const uint8_t *idx, const uint8_t *rgb) {
  int ah = h < 0 ? -h : h;
  size_t stride = ((size_t)w * (size_t)bpp + 31) / 32 * 4;
  size_t masks = (comp == 3 && hsize == 40) ? 12 : 0;
  size_t off = 14 + hsize + masks + 4 * (size_t)npal;
  size_t total = off + stride * (size_t)ah;
  memset(buf, 0, total);
  buf[0] = 'B';
  buf[1] = 'M';
  put32(buf + 2, (uint32_t)total);
  put32(buf + 10, (uint32_t)off);
  uint8_t *hd = buf + 14;
  put32(hd, hsize);
  put32(hd + 4, (uint32_t)w);
  put32(hd + 8, (uint32_t)h);
  put16(hd + 12, 1);
  put16(hd + 14, (unsigned)bpp);
  put32(hd + 16, comp);
  put32(hd + 32, (uint32_t)npal);
  if (comp == 3) {
    put32(hd + 40, 0x00FF0000u);
    put32(hd + 44, 0x0000FF00u);
    put32(hd + 48, 0x000000FFu);
  }
  for (int i = 0; i < npal; i++) {
    uint8_t *e = hd + hsize + 4 * i;
    e[0] = pal[i][2];
    e[1] = pal[i][1];
    e[2] = pal[i][0];
  }
  for (int r = 0; r < ah; r++) {
    int y = h < 0 ? r : ah - 1 - r;
    uint8_t *row = buf + off + stride * (size_t)r;
    for (int x = 0; x < w; x++) {
      size_t p = (size_t)y * (size_t)w + (size_t)x;
      if (bpp <= 8) {
        int per = 8 / bpp;
        row[x / per] |= (uint8_t)(idx[p] << (8 - bpp * (x % per + 1)));
      } else {
        uint8_t *d = row + (size_t)x * (size_t)(bpp / 8);
        d[0] = rgb[3 * p + 2];
        d[1] = rgb[3 * p + 1];
        d[2] = rgb[3 * p];
        if (bpp == 32) d[3] = 0x5A; /* must be ignored */
      }
    }
  }
  return total;
}

static uint8_t g_buf[1 << 20];

static void test_bmp_variants(void) {
  static const int widths[] = {1, 2, 3, 5, 8, 13};
  static const int bpps[] = {1, 4, 8, 24, 32};
  uint8_t pal[256][3], idx[13 * 7], rgb[13 * 7 * 3];
  for (size_t wi = 0; wi < sizeof widths / sizeof *widths; wi++) {
    for (size_t bi = 0; bi < sizeof bpps / sizeof *bpps; bi++) {
      for (int grey = 0; grey < 2; grey++) {
        for (int flip = 0; flip < 2; flip++) {
          int w = widths[wi], h = 7, bpp = bpps[bi];
          int npal = bpp <= 8 ? 1 << bpp : 0;
          for (int i = 0; i < npal; i++)
            for (int k = 0; k < 3; k++)
              pal[i][k] = grey ? (uint8_t)(i * 37) : (uint8_t)rnd();
          for (int p = 0; p < w * h; p++) {
            idx[p] = npal ? (uint8_t)(rnd() % (unsigned)npal) : 0;
            for (int k = 0; k < 3; k++)
              rgb[3 * p + k] = npal ? pal[idx[p]][k] : (uint8_t)rnd();
            if (grey && !npal) rgb[3 * p + 1] = rgb[3 * p + 2] = rgb[3 * p];
          }
          uint32_t comp = (bpp == 32 && grey) ? 3 : 0;
          uint32_t hsize = flip ? 124 : 40;
          size_t n = make_bmp(g_buf, w, flip ? -h : h, bpp, comp, hsize,
                              (const uint8_t(*)[3])pal, npal, idx, rgb);
          oct_image img;
          oct_error err;
          oct_status s =
              oct_image_decode_memory(g_buf, n, "t.bmp", 3, &img, &err);
          CHECK_MSG(s == OCT_OK, "w=%d bpp=%d: %s", w, bpp, err.message);
          if (s != OCT_OK) continue;
          CHECK_EQ_INT(img.width, w);
          CHECK_EQ_INT(img.height, h);
          CHECK_MSG(memcmp(img.pixels, rgb, (size_t)(w * h * 3)) == 0,
                    "w=%d bpp=%d grey=%d flip=%d pixels differ", w, bpp, grey,
                    flip);
          oct_image_free(&img);
          if (grey) { /* 1 channel: the grey value itself */
            s = oct_image_decode_memory(g_buf, n, "t.bmp", 1, &img, &err);
            CHECK(s == OCT_OK);
            int same = s == OCT_OK;
            for (int p = 0; same && p < w * h; p++)
              same = img.pixels[p] == rgb[3 * p];
            CHECK_MSG(same, "grey w=%d bpp=%d", w, bpp);
            oct_image_free(&img);
          }
        }
      }
    }
  }
}

static void expect_fail(const uint8_t *buf, size_t n, oct_status want,
                        const char *needle, const char *what) {
  oct_image img = {1, 1, 1, (uint8_t *)1};
  oct_error err;
  err.message[0] = 0;
  oct_status s = oct_image_decode_memory(buf, n, "bad.img", 3, &img, &err);
  CHECK_MSG(s != OCT_OK, "%s: accepted", what);
  if (want != OCT_OK)
    CHECK_MSG(s == want, "%s: status %d: %s", what, s, err.message);
  CHECK_MSG(img.pixels == NULL && img.width == 0, "%s: out not cleared", what);
  CHECK_MSG(strstr(err.message, "bad.img") != NULL, "%s: no name in '%s'", what,
            err.message);
  if (needle)
    CHECK_MSG(strstr(err.message, needle) != NULL, "%s: '%s' lacks '%s'", what,
              err.message, needle);
}

/* Random damage, mostly to the first `head` bytes and with random cuts:
 * must never crash or read out of bounds (the sanitizer build checks). */
static void fuzz(const uint8_t *file, size_t n, size_t head, int iters) {
  uint8_t *d = malloc(n);
  for (int t = 0; t < iters; t++) {
    memcpy(d, file, n);
    size_t len = t % 4 == 0 ? rnd() % (n + 1) : n;
    for (int f = 0; f < 1 + t % 3; f++)
      d[rnd() % (t % 2 ? head : n)] = (uint8_t)rnd();
    oct_image img;
    oct_error err;
    if (oct_image_decode_memory(d, len, "fuzz", 3, &img, &err) == OCT_OK)
      oct_image_free(&img);
  }
  free(d);
}

static void test_bmp_bad(void) {
  uint8_t rgb[5 * 3 * 3] = {0}, idx[5 * 3] = {0};
  uint8_t pal[256][3] = {{0}};
  size_t n = make_bmp(g_buf, 4, 3, 24, 0, 40, NULL, 0, idx, rgb);
  static uint8_t b[4096];
  /* Every strict prefix misses pixel bytes (width 4 * 3 = 12: no padding). */
  for (size_t k = 0; k < n; k++) {
    memcpy(b, g_buf, k);
    expect_fail(b, k, OCT_OK, NULL, "bmp prefix");
  }
#define MUTATE(off, val32, status, needle, what) \
  do {                                           \
    memcpy(b, g_buf, n);                         \
    put32(b + (off), (val32));                   \
    expect_fail(b, n, status, needle, what);     \
  } while (0)
  MUTATE(30, 1, OCT_ERR_UNSUPPORTED, "RLE", "rle8");
  MUTATE(30, 2, OCT_ERR_UNSUPPORTED, "RLE", "rle4");
  MUTATE(30, 4, OCT_ERR_UNSUPPORTED, "JPEG", "jpeg in bmp");
  MUTATE(30, 3, OCT_ERR_UNSUPPORTED, "BI_BITFIELDS", "24-bit bitfields");
  MUTATE(30, 99, OCT_ERR_UNSUPPORTED, "compression", "unknown compression");
  MUTATE(28, 16, OCT_ERR_UNSUPPORTED, "16-bit", "16 bpp");
  MUTATE(18, 0, OCT_ERR_INVALID_ARG, "size", "width 0");
  MUTATE(22, 0, OCT_ERR_INVALID_ARG, "size", "height 0");
  MUTATE(18, 0x80000000u, OCT_ERR_INVALID_ARG, "size", "negative width");
  MUTATE(22, 0x80000000u, OCT_ERR_LIMIT, "limit", "height INT32_MIN");
  MUTATE(18, 16385, OCT_ERR_LIMIT, "limit", "width over limit");
  MUTATE(18, 16384, OCT_ERR_INVALID_ARG, "truncated", "big width, no data");
  MUTATE(14, 12, OCT_ERR_UNSUPPORTED, "OS/2", "core header");
  MUTATE(14, 20, OCT_ERR_INVALID_ARG, "header size", "header size 20");
  MUTATE(14, 0xFFFFFFF0u, OCT_ERR_INVALID_ARG, "truncated", "huge header");
  MUTATE(10, 0xFFFFFFF0u, OCT_ERR_INVALID_ARG, "truncated", "huge offset");
  MUTATE(10, 20, OCT_ERR_INVALID_ARG, "overlaps", "offset inside header");
  memcpy(b, g_buf, n);
  put16(b + 26, 2);
  expect_fail(b, n, OCT_ERR_INVALID_ARG, "planes", "2 planes");
  /* 16384 x 16384 declared in a tiny file: refused before allocating. */
  memcpy(b, g_buf, n);
  put32(b + 18, 16384);
  put32(b + 22, 16384);
  expect_fail(b, n, OCT_ERR_INVALID_ARG, "truncated", "16384^2, no data");

  /* Palettes: too many entries, or running into the pixels. */
  n = make_bmp(g_buf, 4, 3, 4, 0, 40, (const uint8_t(*)[3])pal, 16, idx, rgb);
  MUTATE(46, 17, OCT_ERR_INVALID_ARG, "palette", "17 colours at 4 bpp");
  MUTATE(10, 14 + 40 + 8, OCT_ERR_INVALID_ARG, "palette", "palette overlap");
  /* A short palette is fine; indices past it read black. */
  n = make_bmp(g_buf, 4, 3, 8, 0, 40, (const uint8_t(*)[3])pal, 2, idx, rgb);
  g_buf[n - 1] = 200; /* index 200 of a 2-entry palette */
  oct_image img;
  oct_error err;
  CHECK(oct_image_decode_memory(g_buf, n, "short.bmp", 1, &img, &err) ==
        OCT_OK);
  CHECK(img.pixels && img.pixels[3] == 0);
  oct_image_free(&img);
  /* Bitfields with other masks. */
  n = make_bmp(g_buf, 4, 3, 32, 3, 124, NULL, 0, idx, rgb);
  MUTATE(14 + 40, 0xFF000000u, OCT_ERR_UNSUPPORTED, "masks", "RGBA masks");
  /* Header sizes between the known ones, with masks and palettes. */
  n = make_bmp(g_buf, 4, 3, 32, 3, 40, NULL, 0, idx, rgb);
  memcpy(b, g_buf, n);
  put32(b + 14, 44); /* masks now straddle the header's end: still read */
  CHECK(oct_image_decode_memory(b, n, "h44.bmp", 3, &img, &err) == OCT_OK);
  CHECK(img.pixels && memcmp(img.pixels, rgb, 36) == 0);
  oct_image_free(&img);
  expect_fail(g_buf, 14 + 40 + 4, OCT_ERR_INVALID_ARG, "masks", "cut masks");
#undef MUTATE
  fuzz(g_buf, n, 70, 20000);
  n = make_bmp(g_buf, 5, 3, 8, 0, 40, (const uint8_t(*)[3])pal, 256, idx, rgb);
  fuzz(g_buf, n, 60, 20000);
  n = make_bmp(g_buf, 5, -3, 4, 0, 124, (const uint8_t(*)[3])pal, 16, idx, rgb);
  fuzz(g_buf, n, 140, 20000);
}

/* ---- PNG ---- */

typedef struct membuf {
  uint8_t *p;
  size_t n, cap;
} membuf;

static void mem_write(png_structp png, png_bytep d, size_t n) {
  membuf *m = png_get_io_ptr(png);
  if (m->n + n > m->cap) {
    m->cap = (m->n + n) * 2;
    m->p = realloc(m->p, m->cap);
  }
  memcpy(m->p + m->n, d, n);
  m->n += n;
}
static void mem_flush(png_structp png) {
  (void)png;
}

/* Samples are given unpacked (one uint16 each, 0..2^depth-1), rows first. */
static void make_png(membuf *m, int w, int h, int depth, int type,
                     int interlace, const uint16_t *samples, int nsamp,
                     const png_color *pal, int npal, const uint8_t *trns,
                     int ntrns) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, 0, 0, 0);
  png_infop info = png_create_info_struct(png);
  m->n = 0;
  if (setjmp(png_jmpbuf(png))) {
    CHECK_MSG(0, "libpng write failed");
    png_destroy_write_struct(&png, &info);
    return;
  }
  png_set_write_fn(png, m, mem_write, mem_flush);
  png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, depth, type,
               interlace, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  if (pal) png_set_PLTE(png, info, pal, npal);
  if (trns) png_set_tRNS(png, info, trns, ntrns, NULL);
  png_write_info(png, info);
  size_t rowbytes = ((size_t)w * (size_t)nsamp * (size_t)depth + 7) / 8;
  uint8_t *rows = calloc((size_t)h, rowbytes);
  png_bytep *rp = malloc((size_t)h * sizeof *rp);
  for (int y = 0; y < h; y++) {
    uint8_t *r = rows + (size_t)y * rowbytes;
    rp[y] = r;
    for (int i = 0; i < w * nsamp; i++) {
      unsigned v = samples[(size_t)y * (size_t)(w * nsamp) + (size_t)i];
      if (depth == 16) {
        r[2 * i] = (uint8_t)(v >> 8);
        r[2 * i + 1] = (uint8_t)v;
      } else {
        int per = 8 / depth;
        r[i / per] |= (uint8_t)(v << (8 - depth * (i % per + 1)));
      }
    }
  }
  png_write_image(png, rp);
  png_write_end(png, NULL);
  png_destroy_write_struct(&png, &info);
  free(rows);
  free(rp);
}

static void test_png_variants(void) {
  static const struct {
    int type, depth, nsamp;
  } kinds[] = {
      {PNG_COLOR_TYPE_GRAY, 1, 1},        {PNG_COLOR_TYPE_GRAY, 2, 1},
      {PNG_COLOR_TYPE_GRAY, 4, 1},        {PNG_COLOR_TYPE_GRAY, 8, 1},
      {PNG_COLOR_TYPE_GRAY, 16, 1},       {PNG_COLOR_TYPE_GRAY_ALPHA, 8, 2},
      {PNG_COLOR_TYPE_GRAY_ALPHA, 16, 2}, {PNG_COLOR_TYPE_RGB, 8, 3},
      {PNG_COLOR_TYPE_RGB, 16, 3},        {PNG_COLOR_TYPE_RGB_ALPHA, 8, 4},
      {PNG_COLOR_TYPE_RGB_ALPHA, 16, 4},  {PNG_COLOR_TYPE_PALETTE, 1, 1},
      {PNG_COLOR_TYPE_PALETTE, 2, 1},     {PNG_COLOR_TYPE_PALETTE, 4, 1},
      {PNG_COLOR_TYPE_PALETTE, 8, 1},
  };
  enum { W = 11, H = 9 };
  static uint16_t samp[W * H * 4];
  static uint8_t want[W * H * 3];
  png_color pal[256];
  uint8_t trns[256];
  membuf m = {0};
  for (size_t ki = 0; ki < sizeof kinds / sizeof *kinds; ki++) {
    for (int lace = 0; lace < 2; lace++) {
      int type = kinds[ki].type, depth = kinds[ki].depth, ns = kinds[ki].nsamp;
      int is_pal = type == PNG_COLOR_TYPE_PALETTE;
      int npal = is_pal ? 1 << depth : 0;
      for (int i = 0; i < npal; i++) {
        pal[i].red = (uint8_t)rnd();
        pal[i].green = (uint8_t)rnd();
        pal[i].blue = (uint8_t)rnd();
        trns[i] = (uint8_t)rnd();
      }
      unsigned maxv = (1u << depth) - 1;
      for (int p = 0; p < W * H; p++) {
        uint16_t *s = samp + p * ns;
        for (int k = 0; k < ns; k++) s[k] = (uint16_t)(rnd() & maxv);
        uint8_t *o = want + 3 * p;
        if (is_pal) {
          o[0] = pal[s[0]].red;
          o[1] = pal[s[0]].green;
          o[2] = pal[s[0]].blue;
        } else {
          int colour = ns >= 3;
          for (int k = 0; k < 3; k++) {
            unsigned v = s[colour ? k : 0];
            o[k] = (uint8_t)(depth == 16  ? v >> 8
                             : depth == 8 ? v
                                          : v * 255 / maxv);
          }
        }
      }
      /* Palette images get a tRNS chunk too: it must not add a channel. */
      make_png(&m, W, H, depth, type,
               lace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, samp, ns,
               is_pal ? pal : NULL, npal, is_pal ? trns : NULL, npal);
      oct_image img;
      oct_error err;
      oct_status s = oct_image_decode_memory(m.p, m.n, "t.png", 3, &img, &err);
      CHECK_MSG(s == OCT_OK, "type %d depth %d: %s", type, depth, err.message);
      if (s == OCT_OK) {
        CHECK(img.width == W && img.height == H && img.channels == 3);
        CHECK_MSG(memcmp(img.pixels, want, sizeof want) == 0,
                  "type %d depth %d interlace %d: pixels differ", type, depth,
                  lace);
        oct_image_free(&img);
      }
      /* Every prefix of the file is an error (the last chunk is IEND). */
      for (size_t k = 0; k < m.n; k += (k < 64 ? 1 : 7)) {
        s = oct_image_decode_memory(m.p, k, "cut.png", 3, &img, &err);
        CHECK_MSG(s != OCT_OK, "prefix %zu of %zu accepted", k, m.n);
        oct_image_free(&img);
      }
      s = oct_image_decode_memory(m.p, m.n - 1, "cut.png", 3, &img, &err);
      CHECK(s != OCT_OK);
      /* A flipped bit in IDAT must fail the CRC, not crash. */
      m.p[m.n - 20] ^= 0x10;
      s = oct_image_decode_memory(m.p, m.n, "crc.png", 3, &img, &err);
      CHECK_MSG(s != OCT_OK, "bad CRC accepted");
      CHECK(strstr(err.message, "crc.png") != NULL);
    }
  }
  fuzz(m.p, m.n, 60, 3000);
  /* Over the size limit, and too large for its bytes. */
  samp[0] = 0;
  make_png(&m, 1, 1, 8, PNG_COLOR_TYPE_GRAY, 0, samp, 1, NULL, 0, NULL, 0);
  put32(m.p + 16, 0x01400000u); /* big-endian 20480 */
  expect_fail(m.p, m.n, OCT_ERR_LIMIT, "limit", "png width 20480");
  put32(m.p + 16, 0x00400000u); /* 16384 */
  put32(m.p + 20, 0x00400000u);
  expect_fail(m.p, m.n, OCT_ERR_INVALID_ARG, "truncated", "png 16384^2");
  free(m.p);
}

/* ---- JPEG ---- */

static size_t make_jpeg(unsigned char **out, int w, int h, int comps,
                        J_COLOR_SPACE cs, const uint8_t *px) {
  struct jpeg_compress_struct ci;
  struct jpeg_error_mgr je;
  unsigned long n = 0;
  *out = NULL;
  ci.err = jpeg_std_error(&je);
  jpeg_create_compress(&ci);
  jpeg_mem_dest(&ci, out, &n);
  ci.image_width = (JDIMENSION)w;
  ci.image_height = (JDIMENSION)h;
  ci.input_components = comps;
  ci.in_color_space = cs;
  jpeg_set_defaults(&ci);
  jpeg_set_quality(&ci, 95, TRUE);
  jpeg_start_compress(&ci, TRUE);
  while (ci.next_scanline < ci.image_height) {
    JSAMPROW row =
        (JSAMPROW)px + (size_t)ci.next_scanline * (size_t)w * (size_t)comps;
    jpeg_write_scanlines(&ci, &row, 1);
  }
  jpeg_finish_compress(&ci);
  jpeg_destroy_compress(&ci);
  return n;
}

static void test_jpeg(void) {
  enum { W = 40, H = 24 };
  static uint8_t px[W * H * 4];
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      for (int k = 0; k < 4; k++)
        px[(y * W + x) * 4 + k] = (uint8_t)(x * 2 + y * 2 + k * 30);
  for (int comps = 1; comps <= 3; comps += 2) {
    static uint8_t src[W * H * 3];
    for (int i = 0; i < W * H * comps; i++)
      src[i] = px[i / comps * 4 + i % comps];
    unsigned char *j;
    size_t n =
        make_jpeg(&j, W, H, comps, comps == 1 ? JCS_GRAYSCALE : JCS_RGB, src);
    oct_image img;
    oct_error err;
    oct_status s = oct_image_decode_memory(j, n, "t.jpg", comps, &img, &err);
    CHECK_MSG(s == OCT_OK, "%s", err.message);
    if (s == OCT_OK) {
      int maxd = 0;
      for (int i = 0; i < W * H * comps; i++) {
        int d = abs((int)img.pixels[i] - (int)src[i]);
        if (d > maxd) maxd = d;
      }
      CHECK_MSG(maxd <= 12, "jpeg %d comps: max diff %d", comps, maxd);
      oct_image_free(&img);
    }
    /* Truncation anywhere, even of the final EOI marker, is an error. */
    for (size_t k = 0; k < n; k += (k < 700 ? 1 : 13)) {
      s = oct_image_decode_memory(j, k, "cut.jpg", 3, &img, &err);
      CHECK_MSG(s != OCT_OK, "jpeg prefix %zu of %zu accepted", k, n);
      oct_image_free(&img);
    }
    s = oct_image_decode_memory(j, n - 1, "cut.jpg", 3, &img, &err);
    CHECK_MSG(s != OCT_OK && strstr(err.message, "cut.jpg"),
              "jpeg missing last byte: %s", err.message);
    /* Random damage must never crash (ASan checks the rest). */
    for (int t = 0; t < 300; t++) {
      unsigned char *d = malloc(n);
      memcpy(d, j, n);
      for (int f = 0; f < 1 + t % 4; f++) d[rnd() % n] = (uint8_t)rnd();
      if (oct_image_decode_memory(d, n, "junk.jpg", 3, &img, &err) == OCT_OK)
        oct_image_free(&img);
      free(d);
    }
    free(j);
  }
  unsigned char *j;
  size_t n = make_jpeg(&j, W, H, 4, JCS_CMYK, px);
  expect_fail(j, n, OCT_ERR_UNSUPPORTED, "CMYK", "cmyk jpeg");
  free(j);
  static uint8_t wide[16400 * 8];
  memset(wide, 128, sizeof wide);
  n = make_jpeg(&j, 16400, 8, 1, JCS_GRAYSCALE, wide);
  expect_fail(j, n, OCT_ERR_LIMIT, "limit", "jpeg 16400 wide");
  free(j);
}

/* ---- conversion, resize, misc ---- */

static void test_convert(void) {
  /* PIL 9.4 Image.convert("L") of these colours (not the rounded-down
   * per-mille formula, which gives 149, 1, 140 and 127 for four of them). */
  static const uint8_t rgb[12][3] = {
      {255, 0, 0},  {0, 255, 0},     {0, 0, 255},   {255, 255, 255},
      {1, 2, 3},    {100, 150, 200}, {37, 201, 99}, {250, 3, 128},
      {13, 13, 13}, {200, 100, 50},  {7, 250, 250}, {128, 128, 127}};
  static const uint8_t pil_l[12] = {76,  150, 29, 255, 2,   141,
                                    140, 91,  13, 124, 177, 128};
  oct_image img = {12, 1, 3, malloc(36)};
  memcpy(img.pixels, rgb, 36);
  oct_error err;
  CHECK(oct_image_convert(&img, 1, &err) == OCT_OK);
  CHECK(img.channels == 1 && memcmp(img.pixels, pil_l, 12) == 0);
  CHECK(oct_image_convert(&img, 3, &err) == OCT_OK);
  CHECK(img.pixels[3 * 5] == 141 && img.pixels[3 * 5 + 2] == 141);
  CHECK(oct_image_convert(&img, 2, &err) == OCT_ERR_INVALID_ARG);
  oct_image_free(&img);
  CHECK(img.pixels == NULL);
  oct_image_free(NULL);

  CHECK(oct_image_decode_memory("GIF89a", 6, "x.gif", 3, &img, &err) ==
        OCT_ERR_UNSUPPORTED);
  CHECK(strstr(err.message, "x.gif") != NULL);
  CHECK(oct_image_decode_memory(NULL, 0, NULL, 3, &img, &err) != OCT_OK);
  CHECK(oct_image_decode_memory("BM", 2, "x", 4, &img, &err) ==
        OCT_ERR_INVALID_ARG);
  CHECK(oct_image_decode_file("/nonexistent/x.png", 3, &img, &err) ==
        OCT_ERR_IO);
  CHECK(strstr(err.message, "/nonexistent/x.png") != NULL);
  CHECK(oct_image_sniff("\xFF\xD8\xFF\xE0", 4) == OCT_IMAGE_JPEG);
  CHECK(oct_image_sniff("\x89PNG\r\n\x1a\n", 8) == OCT_IMAGE_PNG);
  CHECK(oct_image_sniff("BM", 2) == OCT_IMAGE_BMP);
  CHECK(oct_image_sniff("B", 1) == OCT_IMAGE_UNKNOWN);
}

static void test_resize(void) {
  /* Identity size is a copy; 2x1 -> 4x1 follows the half-pixel rule:
   * sx = (ox + .5) / 2 - .5 = -0.25, 0.25, 0.75, 1.25 -> clamp 0, .25, .75, 1
   * 10,90 -> 10, 30, 70, 90. */
  uint8_t src[6] = {10, 90, 7, 8, 9, 10}, dst[16];
  oct_error err;
  CHECK(oct_resize_bilinear_u8(src, 2, 1, 1, dst, 4, 1, &err) == OCT_OK);
  CHECK(dst[0] == 10 && dst[1] == 30 && dst[2] == 70 && dst[3] == 90);
  CHECK(oct_resize_bilinear_u8(src, 3, 2, 1, dst, 3, 2, &err) == OCT_OK);
  CHECK(memcmp(src, dst, 6) == 0);
  /* Round half up: 1,2 -> 1x1 at sx = 0.5 gives 1.5 -> 2. */
  uint8_t two[2] = {1, 2};
  CHECK(oct_resize_bilinear_u8(two, 2, 1, 1, dst, 1, 1, &err) == OCT_OK);
  CHECK(dst[0] == 2);
  CHECK(oct_resize_bilinear_u8(src, 0, 1, 1, dst, 1, 1, &err) ==
        OCT_ERR_INVALID_ARG);
  CHECK(oct_resize_bilinear_u8(src, 1, 1, 1, dst, 1, 20000, &err) ==
        OCT_ERR_INVALID_ARG);
  oct_image in = {2, 1, 1, two}, out;
  CHECK(oct_image_resize_bilinear(&in, 3, 2, &out, &err) == OCT_OK);
  CHECK(out.width == 3 && out.height == 2 && out.channels == 1);
  oct_image_free(&out);
}

int main(void) {
  test_bmp_variants();
  test_bmp_bad();
  test_png_variants();
  test_jpeg();
  test_convert();
  test_resize();
  return test_finish("test_image_synth");
}
