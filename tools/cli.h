/*
 * Shared pieces of the octet command line tool: loading a model into an
 * interpreter with a right-sized arena, error reporting, and a small JSON
 * writer. The CLI uses only the public API (include/octet) and the hosted
 * io library (src/io).
 */
#ifndef OCT_CLI_H
#define OCT_CLI_H

#include <stdio.h>

#include "octet/octet.h"

/* A model file loaded into a ready interpreter. */
typedef struct cli_model {
  const char *path;
  void *bytes;
  size_t size;
  void *arena;
  size_t arena_size;
  oct_interp *it;
} cli_model;

/* Reads `path`, sizes the arena and initializes. On failure prints one line
 * "octet: <path>: <message>" to stderr and returns non-zero. */
int cli_model_open(cli_model *m, const char *path, const oct_options *opts);
void cli_model_close(cli_model *m);

/* Prints "octet: " + message to stderr and returns 1 (the exit status). */
int cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Parses a decimal integer in [lo, hi]; returns 0 on success. */
int cli_parse_int(const char *s, long lo, long hi, long *out);

/* Formats "[1,224,224,3]". */
void cli_shape_str(char *buf, size_t cap, int rank, const int32_t *dims);

/* Minimal streaming JSON writer (commas handled by the writer). */
typedef struct cli_json {
  FILE *f;
  int depth;
  int need_comma[32];
} cli_json;

void json_begin_object(cli_json *j, const char *key);
void json_end_object(cli_json *j);
void json_begin_array(cli_json *j, const char *key);
void json_end_array(cli_json *j);
void json_string(cli_json *j, const char *key, const char *v);
void json_int(cli_json *j, const char *key, long long v);
void json_double(cli_json *j, const char *key, double v);
void json_bool(cli_json *j, const char *key, int v);
void json_null(cli_json *j, const char *key);

/* Writes tensor `t` of `it` as a JSON object (index, name, dtype, shape,
 * quantization). */
void json_tensor(cli_json *j, const char *key, const oct_interp *it, int t);

int cmd_inspect(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_bench(int argc, char **argv);

#endif /* OCT_CLI_H */
