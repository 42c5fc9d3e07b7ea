/* Names of status codes and data types. */
#include "octet/octet.h"

const char *oct_status_str(oct_status s) {
  switch (s) {
    case OCT_OK: return "ok";
    case OCT_ERR_INVALID_ARG: return "invalid argument";
    case OCT_ERR_MODEL: return "model is malformed";
    case OCT_ERR_UNSUPPORTED: return "unsupported";
    case OCT_ERR_ARENA_TOO_SMALL: return "arena too small";
    case OCT_ERR_SHAPE: return "shape mismatch";
    case OCT_ERR_TYPE: return "type mismatch";
    case OCT_ERR_LIMIT: return "over a size limit";
    case OCT_ERR_IO: return "input/output error";
    case OCT_ERR_NO_MEMORY: return "out of memory";
    case OCT_ERR_EVAL: return "evaluation failed";
    case OCT_ERR_INTERNAL: return "internal error";
  }
  return "unknown status";
}

const char *oct_dtype_name(oct_dtype t) {
  switch (t) {
    case OCT_FLOAT32: return "float32";
    case OCT_FLOAT16: return "float16";
    case OCT_INT32: return "int32";
    case OCT_UINT8: return "uint8";
    case OCT_INT64: return "int64";
    case OCT_STRING: return "string";
    case OCT_BOOL: return "bool";
    case OCT_INT16: return "int16";
    case OCT_COMPLEX64: return "complex64";
    case OCT_INT8: return "int8";
    case OCT_FLOAT64: return "float64";
  }
  return "unknown";
}

size_t oct_dtype_size(oct_dtype t) {
  switch (t) {
    case OCT_FLOAT32: return 4;
    case OCT_FLOAT16: return 2;
    case OCT_INT32: return 4;
    case OCT_UINT8: return 1;
    case OCT_INT64: return 8;
    case OCT_BOOL: return 1;
    case OCT_INT16: return 2;
    case OCT_COMPLEX64: return 8;
    case OCT_INT8: return 1;
    case OCT_FLOAT64: return 8;
    case OCT_STRING: return 0;
  }
  return 0;
}
