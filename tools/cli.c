/* Shared CLI helpers; see cli.h. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "io/file.h"

int cli_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("octet: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return 1;
}

int cli_parse_int(const char *s, long lo, long hi, long *out) {
  char *end = NULL;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < lo || v > hi) return 1;
  *out = v;
  return 0;
}

int cli_model_open(cli_model *m, const char *path, const oct_options *opts) {
  oct_error err = {0};
  memset(m, 0, sizeof *m);
  m->path = path;
  if (oct_file_read(path, 0, &m->bytes, &m->size, &err) != OCT_OK)
    return cli_error("%s", err.message);
  oct_status st = oct_arena_size(m->bytes, m->size, opts, &m->arena_size, &err);
  if (st == OCT_OK) {
    if (posix_memalign(&m->arena, OCT_ARENA_ALIGN, m->arena_size ? m->arena_size : 1)) {
      cli_model_close(m);
      return cli_error("%s: cannot allocate a %zu-byte arena", path, m->arena_size);
    }
    st = oct_interp_init(&m->it, m->bytes, m->size, m->arena, m->arena_size, opts, &err);
  }
  if (st != OCT_OK) {
    cli_model_close(m);
    return cli_error("%s: %s", path, err.message[0] ? err.message : oct_status_str(st));
  }
  return 0;
}

void cli_model_close(cli_model *m) {
  free(m->arena);
  oct_file_free(m->bytes);
  m->arena = NULL;
  m->bytes = NULL;
  m->it = NULL;
}

void cli_shape_str(char *buf, size_t cap, int rank, const int32_t *dims) {
  size_t n = (size_t)snprintf(buf, cap, "[");
  for (int i = 0; i < rank && n < cap; i++)
    n += (size_t)snprintf(buf + n, cap - n, i ? ",%d" : "%d", (int)dims[i]);
  if (n < cap) snprintf(buf + n, cap - n, "]");
}

/* ---- JSON ---- */

static void json_sep(cli_json *j, const char *key) {
  if (j->depth > 0) {
    if (j->need_comma[j->depth]) fputc(',', j->f);
    j->need_comma[j->depth] = 1;
  }
  if (key) {
    fputc('"', j->f);
    fputs(key, j->f);
    fputs("\":", j->f);
  }
}

static void json_raw_string(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') {
      fputc('\\', f);
      fputc(*p, f);
    } else if (*p < 0x20) {
      fprintf(f, "\\u%04x", *p);
    } else {
      fputc(*p, f);
    }
  }
  fputc('"', f);
}

static void json_open(cli_json *j, const char *key, char c) {
  json_sep(j, key);
  fputc(c, j->f);
  if (j->depth < 31) j->depth++;
  j->need_comma[j->depth] = 0;
}

void json_begin_object(cli_json *j, const char *key) { json_open(j, key, '{'); }
void json_begin_array(cli_json *j, const char *key) { json_open(j, key, '['); }
void json_end_object(cli_json *j) {
  fputc('}', j->f);
  if (j->depth > 0) j->depth--;
  if (j->depth == 0) fputc('\n', j->f);
}
void json_end_array(cli_json *j) {
  fputc(']', j->f);
  if (j->depth > 0) j->depth--;
}
void json_string(cli_json *j, const char *key, const char *v) {
  json_sep(j, key);
  json_raw_string(j->f, v ? v : "");
}
void json_int(cli_json *j, const char *key, long long v) {
  json_sep(j, key);
  fprintf(j->f, "%lld", v);
}
void json_double(cli_json *j, const char *key, double v) {
  json_sep(j, key);
  if (isfinite(v)) fprintf(j->f, "%.9g", v);
  else fputs("null", j->f);
}
void json_bool(cli_json *j, const char *key, int v) {
  json_sep(j, key);
  fputs(v ? "true" : "false", j->f);
}
void json_null(cli_json *j, const char *key) {
  json_sep(j, key);
  fputs("null", j->f);
}

void json_tensor(cli_json *j, const char *key, const oct_interp *it, int t) {
  oct_tensor_info ti;
  if (oct_interp_tensor_info(it, t, &ti) != OCT_OK) {
    json_null(j, key);
    return;
  }
  json_begin_object(j, key);
  json_int(j, "index", t);
  json_string(j, "name", ti.name);
  json_string(j, "dtype", oct_dtype_name(ti.dtype));
  json_begin_array(j, "shape");
  for (int i = 0; i < ti.rank; i++) json_int(j, NULL, ti.dims[i]);
  json_end_array(j);
  json_bool(j, "constant", ti.is_constant);
  json_int(j, "bytes", (long long)ti.bytes);
  if (ti.quant_count == 0) {
    json_null(j, "quantization");
  } else {
    json_begin_object(j, "quantization");
    if (ti.quant_count == 1) {
      json_double(j, "scale", ti.scale);
      json_int(j, "zero_point", ti.zero_point);
    } else {
      json_int(j, "axis", ti.quant_dim);
      json_begin_array(j, "scales");
      for (int k = 0; k < ti.quant_count; k++) {
        float s;
        oct_interp_tensor_quant(it, t, k, &s, NULL);
        json_double(j, NULL, s);
      }
      json_end_array(j);
      json_begin_array(j, "zero_points");
      for (int k = 0; k < ti.quant_count; k++) {
        int64_t z;
        oct_interp_tensor_quant(it, t, k, NULL, &z);
        json_int(j, NULL, z);
      }
      json_end_array(j);
    }
    json_end_object(j);
  }
  json_end_object(j);
}
