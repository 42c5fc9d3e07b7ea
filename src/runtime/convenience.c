/*
 * Hosted convenience layer: sizing the arena needs a work buffer, which
 * only a hosted build can take from the heap. Left out of freestanding
 * builds (see CMakeLists.txt).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>

#include "interp.h"

static oct_status size_arena(const void *model, size_t model_size, const oct_options *opts,
                             size_t *arena_bytes, oct_error *err, int records_only) {
  if (!model || !arena_bytes) return OCT_ERR_INVALID_ARG;
  *arena_bytes = 0;
  /* Records and per-op state are small next to activations; start near the
   * model's size and grow until init can tell the exact total. */
  size_t work = model_size / 4 + (64u << 10);
  for (int attempt = 0; attempt < 40; attempt++) {
    void *buf = NULL;
    if (posix_memalign(&buf, OCT_ARENA_ALIGN, work) != 0) {
      if (err) oct_fmt(err->message, sizeof err->message,
                       "cannot allocate %zu bytes to size the arena", work);
      return OCT_ERR_NO_MEMORY;
    }
    oct_interp *it = NULL;
    oct_error e;
    oct_status st = records_only
                        ? oct_interp_init_records(&it, model, model_size, buf, work, opts, &e)
                        : oct_interp_init(&it, model, model_size, buf, work, opts, &e);
    if (st == OCT_OK) *arena_bytes = oct_interp_arena_used(it);
    free(buf);
    if (st == OCT_OK) return OCT_OK;
    if (st != OCT_ERR_ARENA_TOO_SMALL) {
      if (err) *err = e;
      return st;
    }
    if (e.needed_bytes) {
      /* Planning finished: the exact answer is known. */
      *arena_bytes = e.needed_bytes;
      return OCT_OK;
    }
    if (work > SIZE_MAX / 2) break;
    work *= 2;
  }
  if (err) oct_fmt(err->message, sizeof err->message, "cannot size the arena");
  return OCT_ERR_LIMIT;
}

oct_status oct_arena_size(const void *model, size_t model_size, const oct_options *opts,
                          size_t *arena_bytes, oct_error *err) {
  return size_arena(model, model_size, opts, arena_bytes, err, 0);
}

oct_status oct_arena_size_records(const void *model, size_t model_size,
                                  const oct_options *opts, size_t *arena_bytes,
                                  oct_error *err) {
  return size_arena(model, model_size, opts, arena_bytes, err, 1);
}
