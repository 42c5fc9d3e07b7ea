/* Dot-product (SDOT, Armv8.2) int8 FULLY_CONNECTED and CONV_2D (see
 * s8_dot_impl.h); only called when the CPU reports HWCAP_ASIMDDP.
 *
 * CMakeLists.txt compiles this file alone with -march=armv8.2-a+dotprod:
 * clang's arm_neon.h declares the SDOT intrinsics only under that flag (a
 * per-function target attribute is not enough there), and with the flag
 * on this file only, nothing else in the binary can use the extension. */
#if defined(__aarch64__)
#define OCT_NEON_SUFFIX(name) name##_neon_dot
#define OCT_NEON_USE_DOT 1
#include "s8_dot_impl.h"
#endif
