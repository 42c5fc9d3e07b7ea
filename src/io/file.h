/*
 * Hosted file helpers for the CLI, the tests and the converter: read a whole
 * file into memory, replace a file atomically, read a labels file.
 *
 * Models are read with oct_file_read, so the buffer is aligned for the
 * runtime (constant tensors point straight into it). Every writer in octet
 * goes through oct_file_write_atomic(v): a crash, a full disk or a bad path
 * never leaves a half-written output or clobbers the previous version.
 *
 *   void *model; size_t n; oct_error err;
 *   if (oct_file_read("m.tflite", 0, &model, &n, &err) != OCT_OK)
 *     fprintf(stderr, "%s\n", err.message);
 *   ...
 *   oct_file_free(model);
 *
 * Not part of the runtime: uses POSIX I/O and malloc.
 */
#ifndef OCT_IO_FILE_H
#define OCT_IO_FILE_H

#include <stddef.h>

#include "octet/octet.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Alignment of buffers returned by oct_file_read (OCT_ARENA_ALIGN). */
#define OCT_FILE_ALIGN 64
/* Size limit used when a caller passes max_bytes = 0. FlatBuffers cannot
 * address more than 2 GiB, so no model or image we read is larger. */
#define OCT_FILE_DEFAULT_MAX ((size_t)1 << 31)

/*
 * Reads all of `path` into a new buffer aligned to OCT_FILE_ALIGN.
 * One byte past the end is set to 0 so text can be parsed in place (the
 * size reported does not include it). Files over `max_bytes` (0: the
 * default limit) fail with OCT_ERR_LIMIT before anything large is allocated.
 * The caller owns *data and releases it with oct_file_free.
 * On failure *data is NULL and *size is 0.
 */
oct_status oct_file_read(const char *path, size_t max_bytes, void **data,
                         size_t *size, oct_error *err);

/* Releases a buffer from oct_file_read (NULL is fine). */
void oct_file_free(void *data);

/* One piece of a gathered write. */
typedef struct oct_file_chunk {
  const void *data;
  size_t size;
} oct_file_chunk;

/*
 * Replaces `path` with the concatenation of `chunks`, atomically: the bytes
 * go to a temporary file in the same directory, which is fsync'd and renamed
 * over `path`. On any failure (including ENOSPC/EFBIG/EIO reported by write,
 * fsync or close) the temporary file is removed and an existing `path` is
 * left untouched. A new file gets mode 0666 less the umask; a replaced file
 * keeps its mode. A symlink at `path` is replaced, not followed.
 */
oct_status oct_file_write_atomicv(const char *path,
                                  const oct_file_chunk *chunks, size_t count,
                                  oct_error *err);

/* oct_file_write_atomicv with one chunk. */
oct_status oct_file_write_atomic(const char *path, const void *data,
                                 size_t size, oct_error *err);

/* A labels file: one label per line, index = line number from 0. */
typedef struct oct_labels {
  char **items; /* items[i] is NUL-terminated; owned by the struct */
  size_t count;
  char *storage; /* backing text; internal */
} oct_labels;

/*
 * Reads a labels file. Lines end in "\n" or "\r\n"; a final line without a
 * newline counts, a newline at the end of the file does not start another.
 * A UTF-8 byte-order mark is skipped. Empty lines are kept as "" so indices
 * stay aligned with the model's classes. Fails on NUL bytes in the text.
 * Release with oct_labels_free.
 */
oct_status oct_labels_read(const char *path, oct_labels *out, oct_error *err);
void oct_labels_free(oct_labels *labels);

#ifdef __cplusplus
}
#endif

#endif /* OCT_IO_FILE_H */
