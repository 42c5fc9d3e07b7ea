/* Helpers shared by the src/io modules; not for use outside src/io. */
#ifndef OCT_IO_INTERNAL_H
#define OCT_IO_INTERNAL_H

#include <stddef.h>

#include "octet/octet.h"

/* Writes a formatted message into `err` (which may be NULL) and returns `s`,
 * so failures read `return oct_io_fail(err, OCT_ERR_IO, "%s: ...", path);`. */
oct_status oct_io_fail(oct_error *err, oct_status s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Clears `err` on success paths so a stale message is never mistaken for a
 * current one. */
void oct_io_ok(oct_error *err);

/* posix_memalign to OCT_FILE_ALIGN; never returns a zero-size block, so a
 * non-NULL result always means success. Release with free(). */
void *oct_io_aligned_alloc(size_t size);

/* Name used in messages for in-memory inputs without a caller-given name. */
#define OCT_IO_NAME(name) ((name) ? (name) : "<memory>")

#endif /* OCT_IO_INTERNAL_H */
