#!/usr/bin/env bash
# The Arm tier: cross-compiles the runtime and its tests for aarch64
# (cmake/aarch64-linux-gnu.cmake, OCT_RUNTIME_ONLY) into build-aarch64 and
# runs them under qemu-user, which has the dot-product extension, so both
# NEON paths run. Also compiles the freestanding runtime for aarch64.
#   bash scripts/test_arm.sh [extra ctest args]
# scripts/test.sh calls this with --build-only and then runs ctest itself.
# Needs gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user (setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${OCT_ARM_BUILD_DIR:-build-aarch64}
jobs=$(nproc)

for tool in aarch64-linux-gnu-gcc qemu-aarch64; do
  command -v "$tool" >/dev/null || { echo "test_arm: $tool missing (run scripts/setup.sh)"; exit 1; }
done
cmake -S . -B "$build" -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake \
  -DOCT_RUNTIME_ONLY=ON -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$jobs" >/dev/null
cmake --build "$build" -j"$jobs" --target octet_runtime_freestanding >/dev/null
echo "test_arm: built $build (aarch64, runtime only) and the freestanding runtime"
[ "${1:-}" = "--build-only" ] && exit 0

# Under qemu everything runs ~10x slower: the quick mode of the real-model
# tests (OCT_TEST_QUICK), no *_slow tests, and no test_bad_models (a
# 150-second parser sweep whose code has no architecture-specific path;
# the native and sanitizer tiers run it).
OCT_TEST_QUICK=1 ctest --test-dir "$build" -j"$jobs" --output-on-failure \
  -LE slow -E '^test_bad_models$' "$@"
