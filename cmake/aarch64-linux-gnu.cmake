# Cross-compiles octet for 64-bit Arm Linux with Debian's cross toolchain
# (gcc-aarch64-linux-gnu, libc6-dev-arm64-cross) and runs the tests under
# qemu-user, so ctest works unchanged on an x86 host:
#   cmake -S . -B build-aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake \
#         -DOCT_RUNTIME_ONLY=ON
# (scripts/test_arm.sh does this). The libraries png/jpeg/protobuf-c of the
# host are x86 only, hence OCT_RUNTIME_ONLY: runtime, kernels and the
# tests that need nothing else.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(OCT_AARCH64_PREFIX aarch64-linux-gnu CACHE STRING "cross toolchain prefix")
set(CMAKE_C_COMPILER ${OCT_AARCH64_PREFIX}-gcc)
set(OCT_AARCH64_SYSROOT /usr/${OCT_AARCH64_PREFIX} CACHE PATH "target libc root")

set(CMAKE_FIND_ROOT_PATH ${OCT_AARCH64_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# ctest (and try_run) start target binaries through qemu-user; -L points
# its ELF loader at the cross libc. qemu's default CPU ("max") has the
# dot-product extension, so both NEON kernel paths are exercised.
set(CMAKE_CROSSCOMPILING_EMULATOR "qemu-aarch64;-L;${OCT_AARCH64_SYSROOT}")
