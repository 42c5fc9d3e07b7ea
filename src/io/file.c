/* Whole-file reads, atomic replacement, labels files. See file.h. */
#define _POSIX_C_SOURCE 200809L

#include "io/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "io/io_internal.h"

oct_status oct_io_fail(oct_error *err, oct_status s, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    err->needed_bytes = 0;
  }
  return s;
}

void oct_io_ok(oct_error *err) {
  if (err) {
    err->message[0] = '\0';
    err->needed_bytes = 0;
  }
}

void *oct_io_aligned_alloc(size_t size) {
  void *p = NULL;
  if (posix_memalign(&p, OCT_FILE_ALIGN, size ? size : 1) != 0) return NULL;
  return p;
}

void oct_file_free(void *data) {
  free(data);
}

/* ---- reading ---- */

static oct_status read_fail(int fd, char *buf, void **data, size_t *size,
                            oct_status s) {
  if (fd >= 0) close(fd);
  free(buf);
  *data = NULL;
  *size = 0;
  return s;
}

/* Moves `len` bytes into a new aligned block of cap + 1 bytes (the +1 holds
 * the terminating NUL). posix_memalign has no realloc, hence the copy. */
static char *grow(char *old, size_t len, size_t cap) {
  char *p = oct_io_aligned_alloc(cap + 1);
  if (p && len) memcpy(p, old, len);
  free(old);
  return p;
}

oct_status oct_file_read(const char *path, size_t max_bytes, void **data,
                         size_t *size, oct_error *err) {
  if (!path || !data || !size)
    return oct_io_fail(err, OCT_ERR_INVALID_ARG,
                       "oct_file_read: NULL argument");
  *data = NULL;
  *size = 0;
  size_t max = max_bytes ? max_bytes : OCT_FILE_DEFAULT_MAX;
  if (max == SIZE_MAX) max--; /* room for the terminating NUL */

  int fd;
  do fd = open(path, O_RDONLY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0)
    return oct_io_fail(err, OCT_ERR_IO, "%s: cannot open: %s", path,
                       strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0) {
    oct_io_fail(err, OCT_ERR_IO, "%s: cannot stat: %s", path, strerror(errno));
    return read_fail(fd, NULL, data, size, OCT_ERR_IO);
  }
  if (S_ISDIR(st.st_mode)) {
    oct_io_fail(err, OCT_ERR_IO, "%s: is a directory, not a file", path);
    return read_fail(fd, NULL, data, size, OCT_ERR_IO);
  }
  /* A regular file's size is known up front, so an oversized one is refused
   * before allocating; pipes and devices are read until EOF under the same
   * limit. The size is a hint only: the file may change while we read. */
  size_t cap = 65536;
  if (S_ISREG(st.st_mode)) {
    if ((uintmax_t)st.st_size > max) {
      oct_io_fail(err, OCT_ERR_LIMIT,
                  "%s: file is %jd bytes, over the %zu-byte limit", path,
                  (intmax_t)st.st_size, max);
      return read_fail(fd, NULL, data, size, OCT_ERR_LIMIT);
    }
    cap = (size_t)st.st_size;
  }
  if (cap > max) cap = max;
  char *buf = grow(NULL, 0, cap);
  if (!buf) {
    oct_io_fail(err, OCT_ERR_NO_MEMORY, "%s: out of memory for %zu bytes", path,
                cap);
    return read_fail(fd, NULL, data, size, OCT_ERR_NO_MEMORY);
  }
  size_t len = 0;
  for (;;) {
    if (len == cap) {
      /* Full: a one-byte probe tells EOF from "there is more". */
      char probe;
      ssize_t r = read(fd, &probe, 1);
      if (r < 0 && errno == EINTR) continue;
      if (r == 0) break;
      if (r < 0) {
        oct_io_fail(err, OCT_ERR_IO, "%s: read failed: %s", path,
                    strerror(errno));
        return read_fail(fd, buf, data, size, OCT_ERR_IO);
      }
      if (cap == max) {
        oct_io_fail(err, OCT_ERR_LIMIT, "%s: file is over the %zu-byte limit",
                    path, max);
        return read_fail(fd, buf, data, size, OCT_ERR_LIMIT);
      }
      size_t ncap = cap < 4096 ? 4096 : (cap <= max / 2 ? cap * 2 : max);
      if (ncap > max) ncap = max;
      buf = grow(buf, len, ncap);
      if (!buf) {
        oct_io_fail(err, OCT_ERR_NO_MEMORY, "%s: out of memory for %zu bytes",
                    path, ncap);
        return read_fail(fd, NULL, data, size, OCT_ERR_NO_MEMORY);
      }
      cap = ncap;
      buf[len++] = probe;
      continue;
    }
    ssize_t r = read(fd, buf + len, cap - len);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      oct_io_fail(err, OCT_ERR_IO, "%s: read failed: %s", path,
                  strerror(errno));
      return read_fail(fd, buf, data, size, OCT_ERR_IO);
    }
    if (r == 0) break;
    len += (size_t)r;
  }
  close(fd); /* read-only: a close error cannot lose data */
  buf[len] = '\0';
  *data = buf;
  *size = len;
  oct_io_ok(err);
  return OCT_OK;
}

/* ---- atomic writing ---- */

static _Atomic unsigned g_tmp_counter;

static int write_all(int fd, const void *data, size_t size) {
  const char *p = data;
  while (size) {
    /* Some kernels cap one write at ~2 GiB; ask for no more. */
    size_t n = size < ((size_t)1 << 30) ? size : ((size_t)1 << 30);
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return -1;
    if (w == 0) {
      errno = EIO;
      return -1;
    }
    p += w;
    size -= (size_t)w;
  }
  return 0;
}

/* The directory entry for the rename must reach the disk too, or a crash
 * can bring back the old file after we reported success. Best effort:
 * some filesystems refuse fsync on directories, and by now the new file is
 * already in place, so there is nothing to undo. */
static void sync_dir(const char *dir) {
  int fd = open(dir, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  (void)fsync(fd);
  close(fd);
}

/* Writes straight into an existing device, FIFO or socket (/dev/stdout,
 * /dev/null, /dev/full): those cannot be replaced by a rename, and trying
 * would, for root, swap the device node itself for a regular file. */
static oct_status write_special(const char *path, const oct_file_chunk *chunks,
                                size_t count, oct_error *err) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return oct_io_fail(err, OCT_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
  const char *what = NULL;
  for (size_t i = 0; !what && i < count; i++)
    if (chunks[i].size && write_all(fd, chunks[i].data, chunks[i].size) != 0)
      what = "write failed";
  int saved = errno;
  if (close(fd) != 0 && !what) {
    what = "close failed";
    saved = errno;
  }
  if (what) return oct_io_fail(err, OCT_ERR_IO, "%s: %s: %s", path, what, strerror(saved));
  oct_io_ok(err);
  return OCT_OK;
}

oct_status oct_file_write_atomicv(const char *path,
                                  const oct_file_chunk *chunks, size_t count,
                                  oct_error *err) {
  if (!path || !*path || (count && !chunks))
    return oct_io_fail(err, OCT_ERR_INVALID_ARG,
                       "oct_file_write_atomic: bad path or data");
  size_t plen = strlen(path);
  if (path[plen - 1] == '/')
    return oct_io_fail(err, OCT_ERR_INVALID_ARG,
                       "%s: names a directory, not a file", path);
  for (size_t i = 0; i < count; i++)
    if (chunks[i].size && !chunks[i].data)
      return oct_io_fail(err, OCT_ERR_INVALID_ARG, "%s: chunk %zu has no data",
                         path, i);

  struct stat target;
  /* (A directory target takes the normal path: the rename fails.) */
  if (stat(path, &target) == 0 && !S_ISREG(target.st_mode) && !S_ISDIR(target.st_mode))
    return write_special(path, chunks, count, err);

  /* The temporary file must be in the target's directory: rename(2) is
   * only atomic within one filesystem. */
  const char *slash = strrchr(path, '/');
  size_t dir_len = slash ? (size_t)(slash - path) : 0;
  const char *base = slash ? slash + 1 : path;
  char dir[4096];
  if (dir_len >= sizeof dir)
    return oct_io_fail(err, OCT_ERR_INVALID_ARG, "%s: path is too long", path);
  if (slash) {
    memcpy(dir, path, dir_len ? dir_len : 1); /* "/x" lives in "/" */
    dir[dir_len ? dir_len : 1] = '\0';
  } else {
    strcpy(dir, ".");
  }

  char tmp[4096 + 64];
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
    unsigned n = atomic_fetch_add(&g_tmp_counter, 1u);
    /* A leftover after a crash is recognisable by name: hidden, names the
     * target and ends in .tmp. The base is cut to stay under NAME_MAX. */
    int k = snprintf(tmp, sizeof tmp, "%s/.%.200s.%ld.%u.tmp", dir, base,
                     (long)getpid(), n);
    if (k < 0 || (size_t)k >= sizeof tmp)
      return oct_io_fail(err, OCT_ERR_INVALID_ARG, "%s: path is too long",
                         path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST && errno != EINTR)
      return oct_io_fail(err, OCT_ERR_IO,
                         "%s: cannot create a temporary file in '%s': %s", path,
                         dir, strerror(errno));
  }
  if (fd < 0)
    return oct_io_fail(err, OCT_ERR_IO,
                       "%s: cannot create a unique temporary file in '%s'",
                       path, dir);

  const char *what = NULL;
  struct stat st;
  if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
      fchmod(fd, st.st_mode & 07777) != 0)
    what = "cannot copy the file mode";
  for (size_t i = 0; !what && i < count; i++)
    if (chunks[i].size && write_all(fd, chunks[i].data, chunks[i].size) != 0)
      what = "write failed";
  /* Delayed-allocation filesystems (and NFS) may report a full disk only
   * at fsync or close, so both are checked. */
  if (!what && fsync(fd) != 0) what = "fsync failed";
  int saved = errno;
  if (close(fd) != 0 && !what) {
    what = "close failed";
    saved = errno;
  }
  if (!what && rename(tmp, path) != 0) {
    what = "cannot replace the file";
    saved = errno;
  }
  if (what) {
    unlink(tmp);
    return oct_io_fail(err, OCT_ERR_IO, "%s: %s: %s", path, what,
                       strerror(saved));
  }
  sync_dir(dir);
  oct_io_ok(err);
  return OCT_OK;
}

oct_status oct_file_write_atomic(const char *path, const void *data,
                                 size_t size, oct_error *err) {
  oct_file_chunk c = {data, size};
  return oct_file_write_atomicv(path, &c, 1, err);
}

/* ---- labels ---- */

oct_status oct_labels_read(const char *path, oct_labels *out, oct_error *err) {
  if (!path || !out)
    return oct_io_fail(err, OCT_ERR_INVALID_ARG,
                       "oct_labels_read: NULL argument");
  memset(out, 0, sizeof *out);
  void *data;
  size_t size;
  oct_status s = oct_file_read(path, 0, &data, &size, err);
  if (s != OCT_OK) return s;
  char *text = data;
  const char *nul = memchr(text, '\0', size);
  if (nul) {
    size_t line = 1;
    for (const char *p = text; p < nul; p++) line += *p == '\n';
    oct_file_free(data);
    return oct_io_fail(err, OCT_ERR_INVALID_ARG,
                       "%s: line %zu contains a NUL byte; not a text file",
                       path, line);
  }
  char *p = text, *end = text + size;
  if (size >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
  size_t count = 0;
  for (char *q = p; q < end; q++) count += *q == '\n';
  if (end > p && end[-1] != '\n') count++;
  char **items = NULL;
  if (count) {
    items = malloc(count * sizeof *items);
    if (!items) {
      oct_file_free(data);
      return oct_io_fail(err, OCT_ERR_NO_MEMORY,
                         "%s: out of memory for %zu labels", path, count);
    }
  }
  for (size_t i = 0; i < count; i++) {
    char *nl = memchr(p, '\n', (size_t)(end - p));
    char *stop = nl ? nl : end; /* end is the oct_file_read NUL */
    *stop = '\0';
    for (char *t = stop; t > p && t[-1] == '\r'; t--) t[-1] = '\0';
    items[i] = p;
    p = stop + 1;
  }
  out->items = items;
  out->count = count;
  out->storage = text;
  oct_io_ok(err);
  return OCT_OK;
}

void oct_labels_free(oct_labels *labels) {
  if (!labels) return;
  free(labels->items);
  oct_file_free(labels->storage);
  memset(labels, 0, sizeof *labels);
}
