/* Keeps the io library non-empty in every configuration. */
#include "octet/octet.h"

const char *oct_io_version(void);
const char *oct_io_version(void) { return "octet-io 0.1"; }
