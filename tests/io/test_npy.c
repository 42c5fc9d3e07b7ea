/*
 * .npy reader and writer: round trips of every dtype and rank, headers
 * byte-identical to np.save, hand-written headers in the three format
 * versions and the layouts other writers use, and malformed files, each of
 * which must fail with a message and never crash.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/file.h"
#include "io/npy.h"
#include "test_util.h"

static char g_dir[64];

static const oct_npy_dtype k_all[] = {
    OCT_NPY_FLOAT32, OCT_NPY_FLOAT16, OCT_NPY_FLOAT64, OCT_NPY_INT8,
    OCT_NPY_UINT8,   OCT_NPY_INT16,   OCT_NPY_UINT16,  OCT_NPY_INT32,
    OCT_NPY_UINT32,  OCT_NPY_INT64,   OCT_NPY_UINT64,  OCT_NPY_BOOL};
#define N_ALL (sizeof k_all / sizeof k_all[0])

static void test_dtypes(void) {
  for (size_t i = 0; i < N_ALL; i++) {
    oct_npy_dtype t = k_all[i], back;
    oct_dtype d;
    CHECK(oct_npy_dtype_size(t) > 0);
    CHECK(strcmp(oct_npy_dtype_name(t), "unknown") != 0);
    CHECK(oct_npy_dtype_descr(t) != NULL);
    if (oct_npy_to_dtype(t, &d)) {
      CHECK(oct_npy_from_dtype(d, &back) && back == t);
      CHECK(oct_dtype_size(d) == oct_npy_dtype_size(t));
      CHECK(strcmp(oct_dtype_name(d), oct_npy_dtype_name(t)) == 0);
    } else {
      CHECK(t == OCT_NPY_UINT16 || t == OCT_NPY_UINT32 || t == OCT_NPY_UINT64);
    }
  }
  oct_npy_dtype t;
  CHECK(!oct_npy_from_dtype(OCT_STRING, &t));
  CHECK(!oct_npy_from_dtype(OCT_COMPLEX64, &t));
  CHECK(oct_npy_dtype_size((oct_npy_dtype)99) == 0);
  CHECK(strcmp(oct_npy_dtype_name((oct_npy_dtype)99), "unknown") == 0);
}

static void test_round_trip(void) {
  static uint8_t data[4096];
  for (size_t i = 0; i < sizeof data; i++) data[i] = (uint8_t)(i * 7 + 3);
  char path[128];
  snprintf(path, sizeof path, "%s/rt.npy", g_dir);
  for (size_t ti = 0; ti < N_ALL; ti++) {
    for (int rank = 0; rank <= OCT_NPY_MAX_RANK; rank++) {
      int64_t dims[OCT_NPY_MAX_RANK];
      size_t count = 1;
      for (int k = 0; k < rank; k++) {
        dims[k] = k < 3 ? 3 - k : 1 + (k == 5); /* (3, 2, 1, 1, 1, 2, 1, 1) */
        count *= (size_t)dims[k];
      }
      oct_npy_dtype t = k_all[ti];
      if (t == OCT_NPY_BOOL)
        for (size_t k = 0; k < count; k++) data[k] = (uint8_t)(k % 3 == 0);
      oct_error err;
      oct_status s = oct_npy_write_file(path, t, rank, dims, data, &err);
      CHECK_MSG(s == OCT_OK, "%s", err.message);
      oct_npy_array a;
      s = oct_npy_read_file(path, &a, &err);
      CHECK_MSG(s == OCT_OK, "%s rank %d: %s", oct_npy_dtype_name(t), rank,
                err.message);
      if (s != OCT_OK) continue;
      CHECK(a.dtype == t && a.rank == rank);
      CHECK(a.bytes == count * oct_npy_dtype_size(t));
      CHECK(((uintptr_t)a.data & 63) == 0);
      CHECK(memcmp(a.dims, dims, (size_t)rank * sizeof *dims) == 0);
      CHECK(memcmp(a.data, data, a.bytes) == 0);
      CHECK(oct_npy_count(&a) == count);
      oct_npy_free(&a);
      CHECK(a.data == NULL);
      /* Same through the memory reader, and the header is 64-aligned. */
      void *buf;
      size_t n;
      CHECK(oct_file_read(path, 0, &buf, &n, &err) == OCT_OK);
      oct_npy_header h;
      CHECK(oct_npy_parse(buf, n, "m", &h, &err) == OCT_OK);
      CHECK(h.version == 1 && h.data_offset % 64 == 0);
      CHECK(((char *)buf)[h.data_offset - 1] == '\n');
      CHECK(oct_npy_read_memory(buf, n, "m", &a, &err) == OCT_OK);
      CHECK(a.bytes == count * oct_npy_dtype_size(t) &&
            memcmp(a.data, data, a.bytes) == 0);
      oct_npy_free(&a);
      oct_file_free(buf);
    }
  }
  /* Empty arrays: data is never NULL after a read. */
  int64_t dims[2] = {0, 5};
  oct_error err;
  CHECK(oct_npy_write_file(path, OCT_NPY_FLOAT32, 2, dims, NULL, &err) ==
        OCT_OK);
  oct_npy_array a;
  CHECK(oct_npy_read_file(path, &a, &err) == OCT_OK);
  CHECK(a.bytes == 0 && a.data != NULL && a.rank == 2 && a.dims[1] == 5);
  CHECK(oct_npy_write_array(path, &a, &err) == OCT_OK);
  oct_npy_free(&a);
  oct_npy_free(NULL);
  unlink(path);
}

/* np.save's exact bytes (numpy 1.24): dict, then spaces, then '\n', total a
 * multiple of 64, with room for the first dimension to grow to 21 digits. */
static void test_numpy_headers(void) {
  static const struct {
    oct_npy_dtype t;
    int rank;
    int64_t dims[8];
    const char *dict;
    size_t total;
  } cases[] = {
      {OCT_NPY_FLOAT32,
       0,
       {0},
       "{'descr': '<f4', 'fortran_order': False, "
       "'shape': (), }",
       128},
      {OCT_NPY_UINT8,
       1,
       {3},
       "{'descr': '|u1', 'fortran_order': False, "
       "'shape': (3,), }",
       128},
      {OCT_NPY_FLOAT16,
       2,
       {2, 3},
       "{'descr': '<f2', 'fortran_order': False, "
       "'shape': (2, 3), }",
       128},
      {OCT_NPY_BOOL,
       2,
       {0, 5},
       "{'descr': '|b1', 'fortran_order': False, "
       "'shape': (0, 5), }",
       128},
      {OCT_NPY_UINT64,
       8,
       {1, 1, 1, 1, 1, 1, 1, 1},
       "{'descr': '<u8', "
       "'fortran_order': False, 'shape': (1, 1, 1, 1, 1, 1, 1, 1), }",
       128},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char want[512], got[OCT_NPY_HEADER_MAX];
    size_t total = cases[i].total, dl = strlen(cases[i].dict), len = 0;
    memcpy(want, "\x93NUMPY\x01\x00", 8);
    want[8] = (char)(total - 10);
    want[9] = 0;
    memcpy(want + 10, cases[i].dict, dl);
    memset(want + 10 + dl, ' ', total - 11 - dl);
    want[total - 1] = '\n';
    oct_error err;
    CHECK(oct_npy_format_header(cases[i].t, cases[i].rank, cases[i].dims, got,
                                sizeof got, &len, &err) == OCT_OK);
    CHECK_MSG(len == total && memcmp(got, want, total) == 0,
              "header %zu differs from np.save", i);
  }
  /* The biggest header fits OCT_NPY_HEADER_MAX. */
  int64_t big[8];
  for (int k = 0; k < 8; k++) big[k] = k ? 1 : INT64_MAX / 2;
  char buf[OCT_NPY_HEADER_MAX];
  size_t len;
  oct_error err;
  CHECK(oct_npy_format_header(OCT_NPY_UINT8, 8, big, buf, sizeof buf, &len,
                              &err) == OCT_OK);
  CHECK(oct_npy_format_header(OCT_NPY_UINT8, 1, big, buf, 100, &len, &err) ==
        OCT_ERR_INVALID_ARG);

  /* A file np.save wrote, written back, is the same file. */
  const char *shared = test_shared_dir();
  char src[1024], dst[128];
  snprintf(src, sizeof src, "%s/models/refs/images_128/cat.npy",
           shared ? shared : "/nonexistent");
  snprintf(dst, sizeof dst, "%s/cat.npy", g_dir);
  oct_npy_array a;
  if (access(src, R_OK) != 0) {
    printf("note: %s absent; numpy file comparison skipped\n", src);
    return;
  }
  void *x, *y;
  size_t nx, ny;
  CHECK(oct_npy_read_file(src, &a, &err) == OCT_OK);
  CHECK(oct_npy_write_array(dst, &a, &err) == OCT_OK);
  CHECK(oct_file_read(src, 0, &x, &nx, &err) == OCT_OK);
  CHECK(oct_file_read(dst, 0, &y, &ny, &err) == OCT_OK);
  CHECK_MSG(nx == ny && memcmp(x, y, nx) == 0,
            "rewritten %s differs from numpy's", src);
  oct_file_free(x);
  oct_file_free(y);
  oct_npy_free(&a);
  unlink(dst);
}

/* Builds a file: magic, version, header text (as given), then `data_len`
 * bytes. Returns the size. */
static size_t build(uint8_t *out, int major, int minor, const char *hdr,
                    size_t data_len) {
  size_t hl = strlen(hdr), pre = major == 1 ? 10 : 12;
  memcpy(out, "\x93NUMPY", 6);
  out[6] = (uint8_t)major;
  out[7] = (uint8_t)minor;
  out[8] = (uint8_t)hl;
  out[9] = (uint8_t)(hl >> 8);
  if (major != 1) out[10] = out[11] = 0;
  memcpy(out + pre, hdr, hl);
  for (size_t i = 0; i < data_len; i++) out[pre + hl + i] = (uint8_t)i;
  return pre + hl + data_len;
}

static uint8_t g_file[1 << 16];

static void test_handwritten(void) {
  static const struct {
    int major;
    const char *hdr;
    int rank;
    int64_t d0, d1;
    oct_npy_dtype t;
  } ok[] = {
      {1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n", 2, 2,
       3, OCT_NPY_FLOAT32},
      {2, "{'shape': (2, 3), 'descr': '<i8', 'fortran_order': False}", 2, 2, 3,
       OCT_NPY_INT64},
      {3, "{\"fortran_order\":False,\"shape\":(4,),\"descr\":\"|u1\"}  \n", 1,
       4, 0, OCT_NPY_UINT8},
      {1,
       "  {  'descr' : '<u2' ,\n 'fortran_order' : False ,\t'shape' : ( 3 "
       ", 1 , ) , }  ",
       2, 3, 1, OCT_NPY_UINT16},
      {1, "{'descr': '|b1', 'fortran_order': False, 'shape': (), }", 0, 0, 0,
       OCT_NPY_BOOL},
      {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2L, 1L), }", 2, 2,
       1, OCT_NPY_FLOAT64},
      {2, "{'descr': '<f2', 'fortran_order': False, 'shape': (5,)}", 1, 5, 0,
       OCT_NPY_FLOAT16},
      {1, "{'descr': '<u4', 'fortran_order': False, 'shape': (1,), }", 1, 1, 0,
       OCT_NPY_UINT32},
      {1, "{'descr': '<u8', 'fortran_order': False, 'shape': (1,), }", 1, 1, 0,
       OCT_NPY_UINT64},
      {1, "{'descr': '>i1', 'fortran_order': False, 'shape': (2,), }", 1, 2, 0,
       OCT_NPY_INT8}, /* byte order of a byte does not matter */
      {1, "{'descr': '|?', 'fortran_order': False, 'shape': (2,), }", 1, 2, 0,
       OCT_NPY_BOOL},
      {1,
       "{'descr': '<i2', 'fortran_order': False, 'shape': (0, 4611686018427"
       "387904, 4611686018427387904), }",
       3, 0, 4611686018427387904LL,
       OCT_NPY_INT16}, /* zero elements, however large the rest */
  };
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
    size_t count = 1;
    int64_t dd[2] = {ok[i].d0, ok[i].d1};
    for (int k = 0; k < ok[i].rank && k < 2; k++) count *= (size_t)dd[k];
    if (ok[i].rank == 3) count = 0;
    size_t bytes = count * oct_npy_dtype_size(ok[i].t);
    size_t n = build(g_file, ok[i].major, 0, ok[i].hdr, bytes);
    oct_npy_header h;
    oct_error err;
    oct_status s = oct_npy_parse(g_file, n, "hand.npy", &h, &err);
    CHECK_MSG(s == OCT_OK, "case %zu: %s", i, err.message);
    if (s != OCT_OK) continue;
    CHECK(h.version == ok[i].major && h.dtype == ok[i].t);
    CHECK(h.rank == ok[i].rank && h.data_bytes == bytes);
    if (h.rank > 0) CHECK(h.dims[0] == ok[i].d0);
    if (h.rank > 1) CHECK(h.dims[1] == ok[i].d1);
    oct_npy_array a;
    CHECK(oct_npy_read_memory(g_file, n, "hand.npy", &a, &err) == OCT_OK);
    CHECK(a.bytes == bytes && (bytes < 2 || ((uint8_t *)a.data)[1] == 1));
    oct_npy_free(&a);
  }
  /* v2 with a header length over 64 KiB. */
  static char big[70000];
  size_t k = (size_t)snprintf(big, sizeof big,
                              "{'descr': '<f4', 'fortran_order': False, "
                              "'shape': (1,), }");
  memset(big + k, ' ', sizeof big - k - 2);
  big[sizeof big - 2] = '\n';
  static uint8_t bigfile[70100];
  size_t hl = strlen(big);
  memcpy(bigfile, "\x93NUMPY\x02\x00", 8);
  bigfile[8] = (uint8_t)hl;
  bigfile[9] = (uint8_t)(hl >> 8);
  bigfile[10] = (uint8_t)(hl >> 16);
  bigfile[11] = 0;
  memcpy(bigfile + 12, big, hl);
  oct_npy_header h;
  oct_error err;
  CHECK(oct_npy_parse(bigfile, 12 + hl + 4, "big.npy", &h, &err) == OCT_OK);
  CHECK(h.data_offset == 12 + hl && h.data_bytes == 4);
}

/* Must fail; `needle` (if given) must be in the message, and so must the
 * file name. */
static void bad(int major, int minor, const char *hdr, size_t data_len,
                oct_status want, const char *needle) {
  size_t n = build(g_file, major, minor, hdr, data_len);
  oct_npy_header h;
  oct_npy_array a;
  oct_error err;
  oct_status s = oct_npy_parse(g_file, n, "bad.npy", &h, &err);
  CHECK_MSG(s != OCT_OK, "accepted: %s", hdr);
  if (want != OCT_OK)
    CHECK_MSG(s == want, "status %d (%s) for: %s", s, err.message, hdr);
  CHECK_MSG(strncmp(err.message, "bad.npy: ", 9) == 0, "message '%s'",
            err.message);
  if (needle)
    CHECK_MSG(strstr(err.message, needle) != NULL, "'%s' lacks '%s'",
              err.message, needle);
  CHECK(oct_npy_read_memory(g_file, n, "bad.npy", &a, &err) == s);
  CHECK(a.data == NULL && a.bytes == 0);
}

#define F4(shape) "{'descr': '<f4', 'fortran_order': False, 'shape': " shape "}"

static void test_malformed(void) {
  const oct_status INV = OCT_ERR_INVALID_ARG, UNS = OCT_ERR_UNSUPPORTED,
                   LIM = OCT_ERR_LIMIT;
  /* Versions and the data length. */
  bad(4, 0, F4("(1,)"), 4, UNS, "version 4.0");
  bad(1, 1, F4("(1,)"), 4, UNS, "version 1.1");
  bad(0, 0, F4("(1,)"), 4, UNS, "version");
  bad(1, 0, F4("(2, 3)"), 23, INV, "truncated");
  bad(1, 0, F4("(2, 3)"), 25, INV, "1 unexpected bytes");
  bad(2, 0, F4("()"), 0, INV, "needs 4");
  /* Types. */
  bad(1, 0, "{'descr': '>f4', 'fortran_order': False, 'shape': (1,)}", 4, UNS,
      "dtype '>f4' is big-endian; re-save with .astype('<f4')");
  bad(1, 0, "{'descr': '>i8', 'fortran_order': False, 'shape': (1,)}", 8, UNS,
      ".astype('<i8')");
  bad(1, 0, "{'descr': '<c8', 'fortran_order': False, 'shape': (1,)}", 8, UNS,
      "unsupported dtype '<c8'");
  bad(1, 0, "{'descr': '<U3', 'fortran_order': False, 'shape': (1,)}", 12, UNS,
      "unsupported dtype");
  bad(1, 0, "{'descr': '|O', 'fortran_order': False, 'shape': (1,)}", 8, UNS,
      NULL);
  bad(1, 0, "{'descr': '|f4', 'fortran_order': False, 'shape': (1,)}", 4, UNS,
      "byte order");
  bad(1, 0, "{'descr': 'f4', 'fortran_order': False, 'shape': (1,)}", 4, UNS,
      "byte order");
  bad(1, 0, "{'descr': '', 'fortran_order': False, 'shape': (1,)}", 4, UNS,
      NULL);
  bad(1, 0, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}",
      4, UNS, "structured");
  bad(1, 0, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3)}", 24, UNS,
      "Fortran order");
  /* Shapes. */
  bad(1, 0, F4("(-1,)"), 0, INV, "negative");
  bad(1, 0, F4("(3, -2)"), 0, INV, "negative");
  bad(1, 0, F4("(1099511627776, 1099511627776)"), 0, LIM, "too large");
  bad(1, 0, F4("(4611686018427387904,)"), 0, LIM, "too large");
  bad(1, 0, F4("(99999999999999999999,)"), 0, LIM, "2^63");
  bad(1, 0, F4("(1, 1, 1, 1, 1, 1, 1, 1, 1)"), 4, LIM, "more than 8");
  bad(1, 0, F4("(3)"), 12, INV, "not a tuple");
  bad(1, 0, F4("(3.0,)"), 12, INV, NULL);
  bad(1, 0, F4("[3]"), 12, INV, "tuple");
  bad(1, 0, F4("(3,,)"), 12, INV, NULL);
  bad(1, 0, F4("(3 4)"), 12, INV, NULL);
  bad(1, 0, F4("(3,"), 12, INV, NULL);
  bad(1, 0, F4("(,)"), 0, INV, NULL);
  /* The dict itself. */
  bad(1, 0, "", 0, INV, "does not start");
  bad(1, 0, "  \n", 0, INV, NULL);
  bad(1, 0, "{'descr': '<f4', 'shape': (1,)}", 4, INV, "missing key 'fortran");
  bad(1, 0, "{'fortran_order': False, 'shape': (1,)}", 4, INV, "'descr'");
  bad(1, 0, "{'descr': '<f4', 'fortran_order': False}", 4, INV, "'shape'");
  bad(1, 0,
      "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, "
      "'shape': (1,)}",
      4, INV, "twice");
  bad(1, 0,
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), "
      "'extra': 1}",
      4, INV, "unknown key 'extra'");
  bad(1, 0, "{'descr': '<f4', 'fortran_order': false, 'shape': (1,)}", 4, INV,
      "True or False");
  bad(1, 0, "{'descr': '<f4', 'fortran_order': Falsey, 'shape': (1,)}", 4, INV,
      NULL);
  bad(1, 0, "{'descr': '<f4, 'fortran_order': False, 'shape': (1,)}", 4, INV,
      NULL);
  bad(1, 0, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)", 4, INV,
      NULL);
  bad(1, 0, "{'descr': '<f4' 'fortran_order': False, 'shape': (1,)}", 4, INV,
      NULL);
  bad(1, 0, "{'descr' '<f4', 'fortran_order': False, 'shape': (1,)}", 4, INV,
      "':'");
  bad(1, 0, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} x", 4, INV,
      "after the closing");
  bad(1, 0, "{descr: '<f4', 'fortran_order': False, 'shape': (1,)}", 4, INV,
      "quoted");
  bad(1, 0, "{'de\\scr': '<f4', 'fortran_order': False, 'shape': (1,)}", 4, INV,
      NULL);
  bad(1, 0, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,),,}", 4, INV,
      NULL);

  /* Magic and lengths, by hand. */
  oct_npy_header h;
  oct_error err;
  size_t n = build(g_file, 1, 0, F4("(1,)"), 4);
  g_file[0] = 0x92;
  CHECK(oct_npy_parse(g_file, n, "x.npy", &h, &err) == OCT_ERR_INVALID_ARG);
  CHECK(strstr(err.message, "x.npy: not a .npy file") != NULL);
  n = build(g_file, 1, 0, F4("(1,)"), 4);
  g_file[8] = 0xff; /* header longer than the file */
  CHECK(oct_npy_parse(g_file, n, "x.npy", &h, &err) == OCT_ERR_INVALID_ARG);
  CHECK(strstr(err.message, "header says") != NULL);
  n = build(g_file, 2, 0, F4("(1,)"), 4);
  g_file[11] = 0x80; /* 2 GiB header */
  CHECK(oct_npy_parse(g_file, n, "x.npy", &h, &err) == OCT_ERR_INVALID_ARG);
  CHECK(oct_npy_parse(NULL, 0, NULL, &h, &err) == OCT_ERR_INVALID_ARG);
  CHECK(strstr(err.message, "<memory>") != NULL);
  /* Every prefix of a valid file fails. */
  n = build(g_file, 1, 0, F4("(2, 3)"), 24);
  for (size_t k = 0; k < n; k++)
    CHECK_MSG(oct_npy_parse(g_file, k, "p.npy", &h, &err) != OCT_OK,
              "prefix %zu accepted", k);
  /* Random damage: never a crash, and an accepted file is self-consistent. */
  uint32_t seed = 1;
  static uint8_t copy[sizeof g_file];
  for (int t = 0; t < 20000; t++) {
    memcpy(copy, g_file, n);
    for (int f = 0; f < 1 + t % 3; f++) {
      seed = seed * 1664525u + 1013904223u;
      copy[(seed >> 8) % n] = (uint8_t)(seed >> 24);
    }
    if (oct_npy_parse(copy, n, "fuzz.npy", &h, &err) == OCT_OK)
      CHECK(h.data_offset + h.data_bytes == n);
  }
  /* File errors name the file. */
  oct_npy_array a;
  CHECK(oct_npy_read_file("/nonexistent/dir/x.npy", &a, &err) == OCT_ERR_IO);
  CHECK(strstr(err.message, "/nonexistent/dir/x.npy") != NULL);
}

static void test_write_errors(void) {
  char path[128];
  snprintf(path, sizeof path, "%s/w.npy", g_dir);
  int64_t dims[9] = {2, -1, 1, 1, 1, 1, 1, 1, 1};
  float x[4] = {1, 2, 3, 4};
  oct_error err;
  CHECK(oct_npy_write_file(path, OCT_NPY_FLOAT32, 2, dims, x, &err) ==
        OCT_ERR_INVALID_ARG);
  CHECK(strstr(err.message, "w.npy: dimension 1 is negative") != NULL);
  dims[1] = 1;
  CHECK(oct_npy_write_file(path, OCT_NPY_FLOAT32, 9, dims, x, &err) ==
        OCT_ERR_INVALID_ARG);
  CHECK(oct_npy_write_file(path, (oct_npy_dtype)42, 1, dims, x, &err) ==
        OCT_ERR_INVALID_ARG);
  CHECK(oct_npy_write_file(path, OCT_NPY_FLOAT32, 1, dims, NULL, &err) ==
        OCT_ERR_INVALID_ARG);
  int64_t huge[2] = {INT64_MAX, 4};
  CHECK(oct_npy_write_file(path, OCT_NPY_FLOAT32, 2, huge, x, &err) ==
        OCT_ERR_LIMIT);
  CHECK(access(path, F_OK) != 0); /* nothing was created */
  CHECK(oct_npy_write_file("/nonexistent/dir/y.npy", OCT_NPY_FLOAT32, 1, dims,
                           x, &err) == OCT_ERR_IO);
  CHECK(strstr(err.message, "/nonexistent/dir/y.npy") != NULL);
  /* A failed write leaves the previous file as it was. */
  CHECK(oct_npy_write_file(path, OCT_NPY_FLOAT32, 1, dims, x, &err) == OCT_OK);
  dims[0] = -5;
  CHECK(oct_npy_write_file(path, OCT_NPY_FLOAT32, 1, dims, x, &err) != OCT_OK);
  oct_npy_array a;
  CHECK(oct_npy_read_file(path, &a, &err) == OCT_OK);
  CHECK(a.rank == 1 && a.dims[0] == 2 && ((float *)a.data)[1] == 2.0f);
  oct_npy_free(&a);
  unlink(path);
}

int main(void) {
  snprintf(g_dir, sizeof g_dir, "/tmp/octet_test_npy_XXXXXX");
  if (!mkdtemp(g_dir)) {
    perror("mkdtemp");
    return 1;
  }
  test_dtypes();
  test_round_trip();
  test_numpy_headers();
  test_handwritten();
  test_malformed();
  test_write_errors();
  /* The directory must be empty now: no temporary files were left. */
  DIR *d = opendir(g_dir);
  int left = 0;
  for (struct dirent *e; d && (e = readdir(d));)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
      fprintf(stderr, "left behind: %s\n", e->d_name);
      left++;
    }
  if (d) closedir(d);
  CHECK(left == 0);
  rmdir(g_dir);
  return test_finish("test_npy");
}
