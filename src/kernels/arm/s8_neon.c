/* Plain-NEON int8 FULLY_CONNECTED and CONV_2D (see s8_dot_impl.h). */
#if defined(__aarch64__)
#define OCT_NEON_SUFFIX(name) name##_neon
#define OCT_NEON_USE_DOT 0
#include "s8_dot_impl.h"
#endif
