/*
 * NumPy .npy files: how the tests, the CLI (`octet run --in x.npy`) and the
 * converter's calibration data exchange tensors with Python.
 *
 * Reads format versions 1.0, 2.0 and 3.0; writes 1.0 (what np.save writes
 * for every array octet can hold). Only little-endian, C-order arrays of
 * plain numeric types are accepted; everything else fails with a message
 * that says how to re-save the file. The header is untrusted input: every
 * length and the shape's byte count are checked against the file.
 *
 *   oct_npy_array a; oct_error err;
 *   if (oct_npy_read_file("x.npy", &a, &err) != OCT_OK) puts(err.message);
 *   const float *x = a.data;   // a.dtype == OCT_NPY_FLOAT32, a.dims[0..rank)
 *   oct_npy_free(&a);
 */
#ifndef OCT_IO_NPY_H
#define OCT_IO_NPY_H

#include <stddef.h>
#include <stdint.h>

#include "octet/octet.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OCT_NPY_MAX_RANK 8

/*
 * Element types. Values shared with oct_dtype are equal to it, and the
 * three unsigned types oct_dtype lacks use TFLite's TensorType numbers
 * (UINT64 = 12, UINT32 = 16, UINT16 = 17), so a later oct_dtype that adds
 * them will agree with these without a mapping table.
 */
typedef enum oct_npy_dtype {
  OCT_NPY_FLOAT32 = OCT_FLOAT32,
  OCT_NPY_FLOAT16 = OCT_FLOAT16,
  OCT_NPY_INT32 = OCT_INT32,
  OCT_NPY_UINT8 = OCT_UINT8,
  OCT_NPY_INT64 = OCT_INT64,
  OCT_NPY_BOOL = OCT_BOOL,
  OCT_NPY_INT16 = OCT_INT16,
  OCT_NPY_INT8 = OCT_INT8,
  OCT_NPY_FLOAT64 = OCT_FLOAT64,
  OCT_NPY_UINT64 = 12,
  OCT_NPY_UINT32 = 16,
  OCT_NPY_UINT16 = 17
} oct_npy_dtype;

/* "float32", "uint16", ...; "unknown" for values outside the enum. */
const char *oct_npy_dtype_name(oct_npy_dtype t);
/* Bytes per element; 0 for values outside the enum. */
size_t oct_npy_dtype_size(oct_npy_dtype t);
/* The NumPy descr written for a type ("<f4", "|u1"); NULL if unknown. */
const char *oct_npy_dtype_descr(oct_npy_dtype t);
/* The runtime type of an npy type: 1 and *out set, or 0 when the runtime
 * has none (uint16/32/64). */
int oct_npy_to_dtype(oct_npy_dtype t, oct_dtype *out);
/* The npy type of a runtime type: 1 and *out set, or 0 (string, complex). */
int oct_npy_from_dtype(oct_dtype t, oct_npy_dtype *out);

/* What the header says, and where the data is. */
typedef struct oct_npy_header {
  oct_npy_dtype dtype;
  int rank; /* 0 for a scalar */
  int64_t dims[OCT_NPY_MAX_RANK];
  int version;        /* format major version: 1, 2 or 3 */
  size_t data_offset; /* from the start of the file */
  size_t data_bytes;  /* element count * element size */
} oct_npy_header;

/* A whole array. */
typedef struct oct_npy_array {
  oct_npy_dtype dtype;
  int rank;
  int64_t dims[OCT_NPY_MAX_RANK];
  void *data;   /* owned; aligned to 64 bytes; never NULL after a read */
  size_t bytes; /* element count * element size; may be 0 */
} oct_npy_array;

/*
 * Validates a complete .npy image in memory and describes it, without
 * copying: the data is `buf + hdr->data_offset`. The buffer must hold the
 * whole file; its length must be exactly header + data. `name` is used in
 * messages (NULL: "<memory>"). This is the entry point for fuzzing.
 */
oct_status oct_npy_parse(const void *buf, size_t size, const char *name,
                         oct_npy_header *hdr, oct_error *err);

/* Reads a .npy file. On failure *out is zeroed. Bool elements are bytes and
 * are passed through as stored (NumPy writes only 0 and 1). */
oct_status oct_npy_read_file(const char *path, oct_npy_array *out,
                             oct_error *err);

/* As oct_npy_read_file, from a complete file image in memory (copied). */
oct_status oct_npy_read_memory(const void *buf, size_t size, const char *name,
                               oct_npy_array *out, oct_error *err);

/* Releases the data of an array (the struct itself is the caller's). */
void oct_npy_free(oct_npy_array *a);

/* Number of elements (1 for a scalar, 0 if any dim is 0). Valid only for
 * arrays from the readers or shapes already checked by a writer. */
size_t oct_npy_count(const oct_npy_array *a);

/*
 * Formats a version 1.0 header for the given array into buf: magic,
 * version, length, the dict as np.save writes it, spaces and a final '\n'
 * so that the data starts at a multiple of 64. *len receives its length.
 * Fails if cap is too small (OCT_NPY_HEADER_MAX always suffices) or the
 * shape is invalid (negative dims, rank over 8, byte count overflow).
 */
#define OCT_NPY_HEADER_MAX 384
oct_status oct_npy_format_header(oct_npy_dtype dtype, int rank,
                                 const int64_t *dims, char *buf, size_t cap,
                                 size_t *len, oct_error *err);

/*
 * Writes an array as a version 1.0 .npy file, atomically (see
 * oct_file_write_atomic: an existing file is replaced only by a complete
 * new one). `data` holds count(dims) * size(dtype) bytes in C order. `dims`
 * may be NULL when rank is 0.
 */
oct_status oct_npy_write_file(const char *path, oct_npy_dtype dtype, int rank,
                              const int64_t *dims, const void *data,
                              oct_error *err);

/* oct_npy_write_file for an oct_npy_array. */
oct_status oct_npy_write_array(const char *path, const oct_npy_array *a,
                               oct_error *err);

#ifdef __cplusplus
}
#endif

#endif /* OCT_IO_NPY_H */
