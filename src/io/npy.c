/* .npy reading and writing. See npy.h; format reference:
 * numpy/lib/format.py (NEP 1). */
#include "io/npy.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/file.h"
#include "io/io_internal.h"

static const struct {
  oct_npy_dtype type;
  const char *code; /* descr without the byte-order character */
  const char *name;
  size_t size;
} k_types[] = {
    {OCT_NPY_FLOAT32, "f4", "float32", 4},
    {OCT_NPY_FLOAT16, "f2", "float16", 2},
    {OCT_NPY_FLOAT64, "f8", "float64", 8},
    {OCT_NPY_INT8, "i1", "int8", 1},
    {OCT_NPY_UINT8, "u1", "uint8", 1},
    {OCT_NPY_INT16, "i2", "int16", 2},
    {OCT_NPY_UINT16, "u2", "uint16", 2},
    {OCT_NPY_INT32, "i4", "int32", 4},
    {OCT_NPY_UINT32, "u4", "uint32", 4},
    {OCT_NPY_INT64, "i8", "int64", 8},
    {OCT_NPY_UINT64, "u8", "uint64", 8},
    {OCT_NPY_BOOL, "b1", "bool", 1},
};
#define N_TYPES (sizeof k_types / sizeof k_types[0])

static int type_index(oct_npy_dtype t) {
  for (size_t i = 0; i < N_TYPES; i++)
    if (k_types[i].type == t) return (int)i;
  return -1;
}

const char *oct_npy_dtype_name(oct_npy_dtype t) {
  int i = type_index(t);
  return i < 0 ? "unknown" : k_types[i].name;
}

size_t oct_npy_dtype_size(oct_npy_dtype t) {
  int i = type_index(t);
  return i < 0 ? 0 : k_types[i].size;
}

const char *oct_npy_dtype_descr(oct_npy_dtype t) {
  static const char *const k_descr[] = {"<f4", "<f2", "<f8", "|i1",
                                        "|u1", "<i2", "<u2", "<i4",
                                        "<u4", "<i8", "<u8", "|b1"};
  int i = type_index(t);
  return i < 0 ? NULL : k_descr[i];
}

int oct_npy_to_dtype(oct_npy_dtype t, oct_dtype *out) {
  if (type_index(t) < 0 || t == OCT_NPY_UINT16 || t == OCT_NPY_UINT32 ||
      t == OCT_NPY_UINT64)
    return 0;
  *out = (oct_dtype)t; /* the shared values are equal by construction */
  return 1;
}

int oct_npy_from_dtype(oct_dtype t, oct_npy_dtype *out) {
  if (t == OCT_STRING || t == OCT_COMPLEX64 || type_index((oct_npy_dtype)t) < 0)
    return 0;
  *out = (oct_npy_dtype)t;
  return 1;
}

/* "(3, 4)" as Python prints a tuple; for messages. */
static const char *shape_str(char *buf, size_t cap, int rank,
                             const int64_t *dims) {
  size_t n = (size_t)snprintf(buf, cap, "(");
  for (int i = 0; i < rank && n < cap; i++)
    n += (size_t)snprintf(buf + n, cap - n, "%s%" PRId64, i ? ", " : "",
                          dims[i]);
  if (n < cap) snprintf(buf + n, cap - n, rank == 1 ? ",)" : ")");
  return buf;
}

/* Element count and byte size of a shape, or 0 when they do not fit size_t. */
static int shape_bytes(int rank, const int64_t *dims, size_t item,
                       size_t *count, size_t *bytes) {
  size_t c = 1;
  for (int i = 0; i < rank; i++)
    if (dims[i] == 0) c = 0;
  for (int i = 0; c && i < rank; i++) {
    if ((uint64_t)dims[i] > SIZE_MAX || c > SIZE_MAX / (size_t)dims[i])
      return 0;
    c *= (size_t)dims[i];
  }
  if (!item || c > SIZE_MAX / item) return 0;
  *count = c;
  *bytes = c * item;
  return 1;
}

/* ---- header dict parser ----
 * The dict is a Python literal. np.save writes one fixed layout, but files
 * also come from other writers (older NumPy wrote "3L"), so any key order,
 * whitespace, either quote style and a trailing comma are accepted. Anything
 * the three known keys cannot hold is an error. */

typedef struct parser {
  const char *p, *end;
  const char *name;
  oct_error *err;
} parser;

static void skip_ws(parser *ps) {
  while (ps->p < ps->end &&
         (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
    ps->p++;
}

static int peek(parser *ps) {
  skip_ws(ps);
  return ps->p < ps->end ? (unsigned char)*ps->p : -1;
}

static oct_status malformed(parser *ps, const char *what) {
  return oct_io_fail(ps->err, OCT_ERR_INVALID_ARG,
                     "%s: malformed .npy header: %s", ps->name, what);
}

/* A quoted string without escapes (no key or descr we accept has any). */
static oct_status parse_str(parser *ps, char *out, size_t cap) {
  int q = peek(ps);
  if (q != '\'' && q != '"') return malformed(ps, "expected a quoted string");
  ps->p++;
  size_t n = 0;
  while (ps->p < ps->end && *ps->p != q) {
    if (*ps->p == '\\' || *ps->p == '\n')
      return malformed(ps, "unexpected character in a string");
    if (n + 1 < cap) out[n] = *ps->p;
    n++;
    ps->p++;
  }
  if (ps->p == ps->end) return malformed(ps, "unterminated string");
  ps->p++;
  if (n + 1 > cap) n = cap - 1; /* over-long: kept cut, fails to match */
  out[n] = '\0';
  return OCT_OK;
}

static int match_word(parser *ps, const char *w) {
  size_t n = strlen(w);
  if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, w, n) != 0) return 0;
  const char *after = ps->p + n;
  if (after < ps->end &&
      (*after == '_' || (*after >= 'a' && *after <= 'z') ||
       (*after >= 'A' && *after <= 'Z') || (*after >= '0' && *after <= '9')))
    return 0;
  ps->p = after;
  return 1;
}

static oct_status parse_bool(parser *ps, int *out) {
  peek(ps);
  if (match_word(ps, "True"))
    *out = 1;
  else if (match_word(ps, "False"))
    *out = 0;
  else
    return malformed(ps, "'fortran_order' must be True or False");
  return OCT_OK;
}

static oct_status parse_shape(parser *ps, int *rank, int64_t *dims) {
  if (peek(ps) != '(')
    return malformed(ps, "'shape' must be a tuple such as (2, 3)");
  ps->p++;
  int n = 0, commas = 0;
  for (;;) {
    int c = peek(ps);
    if (c == ')') break;
    if (c == '-')
      return oct_io_fail(ps->err, OCT_ERR_INVALID_ARG,
                         "%s: .npy shape has a negative dimension", ps->name);
    if (c < '0' || c > '9')
      return malformed(ps, "expected a dimension in 'shape'");
    if (n == OCT_NPY_MAX_RANK)
      return oct_io_fail(ps->err, OCT_ERR_LIMIT,
                         "%s: .npy shape has more than %d dimensions", ps->name,
                         OCT_NPY_MAX_RANK);
    int64_t v = 0;
    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
      int d = *ps->p++ - '0';
      if (v > (INT64_MAX - d) / 10)
        return oct_io_fail(ps->err, OCT_ERR_LIMIT,
                           "%s: .npy shape has a dimension over 2^63",
                           ps->name);
      v = v * 10 + d;
    }
    if (ps->p < ps->end && (*ps->p == 'L' || *ps->p == 'l')) ps->p++;
    dims[n++] = v;
    c = peek(ps);
    if (c == ',') {
      ps->p++;
      commas++;
    } else if (c != ')') {
      return malformed(ps, "expected ',' or ')' in 'shape'");
    }
  }
  ps->p++;
  if (n == 1 && commas == 0)
    return malformed(ps, "'shape' (n) is a number, not a tuple; write (n,)");
  *rank = n;
  return OCT_OK;
}

/* Maps a descr to a type, or explains why not. */
static oct_status parse_descr(const char *name, const char *d,
                              oct_npy_dtype *out, oct_error *err) {
  char order = d[0];
  const char *code =
      d + (order == '<' || order == '>' || order == '|' || order == '=');
  if (strcmp(code, "?") == 0) code = "b1";
  int idx = -1;
  for (size_t i = 0; i < N_TYPES; i++)
    if (strcmp(code, k_types[i].code) == 0) idx = (int)i;
  if (idx < 0)
    return oct_io_fail(err, OCT_ERR_UNSUPPORTED,
                       "%s: unsupported dtype '%s' (octet reads float16/32/64,"
                       " int8/16/32/64, uint8/16/32/64 and bool)",
                       name, d);
  size_t size = k_types[idx].size;
  if (size > 1) {
    if (order == '>')
      return oct_io_fail(err, OCT_ERR_UNSUPPORTED,
                         "%s: dtype '%s' is big-endian; re-save with "
                         ".astype('<%s')",
                         name, d, code);
    if (order != '<')
      return oct_io_fail(err, OCT_ERR_UNSUPPORTED,
                         "%s: dtype '%s' does not say its byte order; re-save "
                         "with .astype('<%s')",
                         name, d, code);
  }
  *out = k_types[idx].type;
  return OCT_OK;
}

static oct_status parse_dict(parser *ps, oct_npy_header *hdr) {
  enum { K_DESCR = 1, K_FORTRAN = 2, K_SHAPE = 4 };
  unsigned seen = 0;
  char descr[64] = "";
  int fortran = 0;
  oct_status s;
  if (peek(ps) != '{') return malformed(ps, "does not start with '{'");
  ps->p++;
  for (;;) {
    if (peek(ps) == '}') break;
    char key[32];
    if ((s = parse_str(ps, key, sizeof key)) != OCT_OK) return s;
    if (peek(ps) != ':') return malformed(ps, "expected ':' after a key");
    ps->p++;
    unsigned bit = strcmp(key, "descr") == 0           ? K_DESCR
                   : strcmp(key, "fortran_order") == 0 ? K_FORTRAN
                   : strcmp(key, "shape") == 0         ? K_SHAPE
                                                       : 0;
    if (!bit)
      return oct_io_fail(ps->err, OCT_ERR_INVALID_ARG,
                         "%s: malformed .npy header: unknown key '%s'",
                         ps->name, key);
    if (seen & bit)
      return oct_io_fail(ps->err, OCT_ERR_INVALID_ARG,
                         "%s: malformed .npy header: key '%s' appears twice",
                         ps->name, key);
    seen |= bit;
    if (bit == K_DESCR) {
      int c = peek(ps);
      if (c == '[' || c == '(' || c == '{')
        return oct_io_fail(ps->err, OCT_ERR_UNSUPPORTED,
                           "%s: structured dtypes are not supported; save "
                           "each field as its own array",
                           ps->name);
      if ((s = parse_str(ps, descr, sizeof descr)) != OCT_OK) return s;
    } else if (bit == K_FORTRAN) {
      if ((s = parse_bool(ps, &fortran)) != OCT_OK) return s;
    } else {
      if ((s = parse_shape(ps, &hdr->rank, hdr->dims)) != OCT_OK) return s;
    }
    int c = peek(ps);
    if (c == ',') {
      ps->p++;
    } else if (c != '}') {
      return malformed(ps, "expected ',' or '}' after a value");
    }
  }
  ps->p++;
  if (peek(ps) != -1)
    return malformed(ps, "unexpected text after the closing '}'");
  if (seen != (K_DESCR | K_FORTRAN | K_SHAPE))
    return oct_io_fail(ps->err, OCT_ERR_INVALID_ARG,
                       "%s: malformed .npy header: missing key '%s'", ps->name,
                       !(seen & K_DESCR)     ? "descr"
                       : !(seen & K_FORTRAN) ? "fortran_order"
                                             : "shape");
  if ((s = parse_descr(ps->name, descr, &hdr->dtype, ps->err)) != OCT_OK)
    return s;
  if (fortran)
    return oct_io_fail(ps->err, OCT_ERR_UNSUPPORTED,
                       "%s: array is in Fortran order; re-save with "
                       "np.save(path, np.ascontiguousarray(a))",
                       ps->name);
  return OCT_OK;
}

oct_status oct_npy_parse(const void *buf, size_t size, const char *name,
                         oct_npy_header *hdr, oct_error *err) {
  name = OCT_IO_NAME(name);
  if (!hdr || (!buf && size))
    return oct_io_fail(err, OCT_ERR_INVALID_ARG, "%s: NULL argument", name);
  memset(hdr, 0, sizeof *hdr);
  const unsigned char *b = buf;
  if (size < 10 || memcmp(b, "\x93NUMPY", 6) != 0)
    return oct_io_fail(err, OCT_ERR_INVALID_ARG,
                       "%s: not a .npy file (no \\x93NUMPY magic)", name);
  int major = b[6], minor = b[7];
  if (major < 1 || major > 3 || minor != 0)
    return oct_io_fail(err, OCT_ERR_UNSUPPORTED,
                       "%s: .npy format version %d.%d is not supported "
                       "(1.0, 2.0 and 3.0 are)",
                       name, major, minor);
  size_t start, hlen;
  if (major == 1) {
    start = 10;
    hlen = (size_t)b[8] | (size_t)b[9] << 8;
  } else {
    if (size < 12)
      return oct_io_fail(err, OCT_ERR_INVALID_ARG,
                         "%s: .npy file ends inside its header", name);
    start = 12;
    hlen = (size_t)b[8] | (size_t)b[9] << 8 | (size_t)b[10] << 16 |
           (size_t)b[11] << 24;
  }
  if (hlen > size - start)
    return oct_io_fail(err, OCT_ERR_INVALID_ARG,
                       "%s: .npy header says %zu bytes but only %zu follow",
                       name, hlen, size - start);
  parser ps = {(const char *)b + start, (const char *)b + start + hlen, name,
               err};
  oct_status s = parse_dict(&ps, hdr);
  if (s != OCT_OK) {
    memset(hdr, 0, sizeof *hdr);
    return s;
  }
  hdr->version = major;
  hdr->data_offset = start + hlen;
  size_t item = oct_npy_dtype_size(hdr->dtype), count, bytes;
  char sh[200];
  if (!shape_bytes(hdr->rank, hdr->dims, item, &count, &bytes)) {
    oct_io_fail(err, OCT_ERR_LIMIT, "%s: shape %s of %s is too large", name,
                shape_str(sh, sizeof sh, hdr->rank, hdr->dims),
                oct_npy_dtype_name(hdr->dtype));
    memset(hdr, 0, sizeof *hdr);
    return OCT_ERR_LIMIT;
  }
  size_t have = size - hdr->data_offset;
  if (have != bytes) {
    shape_str(sh, sizeof sh, hdr->rank, hdr->dims);
    if (have < bytes)
      oct_io_fail(err, OCT_ERR_INVALID_ARG,
                  "%s: truncated: shape %s of %s needs %zu data bytes, the "
                  "file has %zu",
                  name, sh, oct_npy_dtype_name(hdr->dtype), bytes, have);
    else
      oct_io_fail(err, OCT_ERR_INVALID_ARG,
                  "%s: %zu unexpected bytes after the data of shape %s of %s",
                  name, have - bytes, sh, oct_npy_dtype_name(hdr->dtype));
    memset(hdr, 0, sizeof *hdr);
    return OCT_ERR_INVALID_ARG;
  }
  hdr->data_bytes = bytes;
  oct_io_ok(err);
  return OCT_OK;
}

static void fill_array(oct_npy_array *out, const oct_npy_header *h,
                       void *data) {
  out->dtype = h->dtype;
  out->rank = h->rank;
  memcpy(out->dims, h->dims, sizeof out->dims);
  out->data = data;
  out->bytes = h->data_bytes;
}

oct_status oct_npy_read_memory(const void *buf, size_t size, const char *name,
                               oct_npy_array *out, oct_error *err) {
  name = OCT_IO_NAME(name);
  if (!out) return oct_io_fail(err, OCT_ERR_INVALID_ARG, "%s: NULL out", name);
  memset(out, 0, sizeof *out);
  oct_npy_header h;
  oct_status s = oct_npy_parse(buf, size, name, &h, err);
  if (s != OCT_OK) return s;
  void *data = oct_io_aligned_alloc(h.data_bytes);
  if (!data)
    return oct_io_fail(err, OCT_ERR_NO_MEMORY,
                       "%s: out of memory for %zu bytes", name, h.data_bytes);
  if (h.data_bytes)
    memcpy(data, (const char *)buf + h.data_offset, h.data_bytes);
  fill_array(out, &h, data);
  return OCT_OK;
}

oct_status oct_npy_read_file(const char *path, oct_npy_array *out,
                             oct_error *err) {
  if (!path || !out)
    return oct_io_fail(err, OCT_ERR_INVALID_ARG,
                       "oct_npy_read_file: NULL argument");
  memset(out, 0, sizeof *out);
  void *buf;
  size_t size;
  /* No limit beyond memory: calibration sets can exceed the 2 GiB default. */
  oct_status s = oct_file_read(path, SIZE_MAX, &buf, &size, err);
  if (s != OCT_OK) return s;
  oct_npy_header h;
  s = oct_npy_parse(buf, size, path, &h, err);
  if (s != OCT_OK) {
    oct_file_free(buf);
    return s;
  }
  /* Sliding the data to the start of the aligned block gives aligned data
   * without a second copy of a possibly large array. */
  memmove(buf, (char *)buf + h.data_offset, h.data_bytes);
  fill_array(out, &h, buf);
  return OCT_OK;
}

void oct_npy_free(oct_npy_array *a) {
  if (!a) return;
  free(a->data);
  memset(a, 0, sizeof *a);
}

size_t oct_npy_count(const oct_npy_array *a) {
  size_t n = 1;
  for (int i = 0; i < a->rank; i++) n *= (size_t)a->dims[i];
  return n;
}

/* ---- writing ---- */

static oct_status format_header(const char *name, oct_npy_dtype dtype, int rank,
                                const int64_t *dims, char *buf, size_t cap,
                                size_t *len, oct_error *err) {
  const char *descr = oct_npy_dtype_descr(dtype);
  if (!descr)
    return oct_io_fail(err, OCT_ERR_INVALID_ARG, "%s: unknown dtype %d", name,
                       (int)dtype);
  if (rank < 0 || rank > OCT_NPY_MAX_RANK || (rank && !dims))
    return oct_io_fail(err, OCT_ERR_INVALID_ARG, "%s: bad rank %d", name, rank);
  for (int i = 0; i < rank; i++)
    if (dims[i] < 0)
      return oct_io_fail(err, OCT_ERR_INVALID_ARG,
                         "%s: dimension %d is negative (%" PRId64 ")", name, i,
                         dims[i]);
  size_t count, bytes;
  if (!shape_bytes(rank, dims, oct_npy_dtype_size(dtype), &count, &bytes))
    return oct_io_fail(err, OCT_ERR_LIMIT, "%s: shape is too large", name);
  char dict[OCT_NPY_HEADER_MAX], sh[200];
  int n = snprintf(dict, sizeof dict,
                   "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
                   descr, shape_str(sh, sizeof sh, rank, dims));
  /* np.save leaves room for the first dimension to grow to 21 digits, so a
   * file can be appended to in place; we copy that so our files are
   * byte-identical to NumPy's. */
  int grow = 0;
  if (rank > 0) {
    char d0[24];
    grow = 21 - snprintf(d0, sizeof d0, "%" PRId64, dims[0]);
  }
  size_t used = 10 + (size_t)n + (size_t)grow + 1;
  size_t total = (used + 63) / 64 * 64;
  if (total > cap || !buf || !len)
    return oct_io_fail(err, OCT_ERR_INVALID_ARG,
                       "%s: header buffer too small (%zu < %zu)", name, cap,
                       total);
  memcpy(buf, "\x93NUMPY\x01\x00", 8);
  buf[8] = (char)((total - 10) & 0xff);
  buf[9] = (char)((total - 10) >> 8);
  memcpy(buf + 10, dict, (size_t)n);
  memset(buf + 10 + n, ' ', total - 11 - (size_t)n);
  buf[total - 1] = '\n';
  *len = total;
  oct_io_ok(err);
  return OCT_OK;
}

oct_status oct_npy_format_header(oct_npy_dtype dtype, int rank,
                                 const int64_t *dims, char *buf, size_t cap,
                                 size_t *len, oct_error *err) {
  return format_header("npy", dtype, rank, dims, buf, cap, len, err);
}

oct_status oct_npy_write_file(const char *path, oct_npy_dtype dtype, int rank,
                              const int64_t *dims, const void *data,
                              oct_error *err) {
  if (!path)
    return oct_io_fail(err, OCT_ERR_INVALID_ARG,
                       "oct_npy_write_file: NULL path");
  char head[OCT_NPY_HEADER_MAX];
  size_t hlen, count = 0, bytes = 0;
  oct_status s =
      format_header(path, dtype, rank, dims, head, sizeof head, &hlen, err);
  if (s != OCT_OK) return s;
  shape_bytes(rank, dims, oct_npy_dtype_size(dtype), &count, &bytes);
  if (bytes && !data)
    return oct_io_fail(err, OCT_ERR_INVALID_ARG, "%s: NULL data", path);
  oct_file_chunk chunks[2] = {{head, hlen}, {data, bytes}};
  return oct_file_write_atomicv(path, chunks, 2, err);
}

oct_status oct_npy_write_array(const char *path, const oct_npy_array *a,
                               oct_error *err) {
  if (!a)
    return oct_io_fail(err, OCT_ERR_INVALID_ARG,
                       "oct_npy_write_array: NULL array");
  return oct_npy_write_file(path, a->dtype, a->rank, a->dims, a->data, err);
}
