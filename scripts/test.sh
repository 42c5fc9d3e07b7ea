#!/usr/bin/env bash
# octet's whole test run, as CI runs it:
#   1. installs dependencies and builds (scripts/setup.sh)
#   2. unit, kernel and real-model tests on the release build
#   3. the same suite under AddressSanitizer + UndefinedBehaviorSanitizer
#      (+ LeakSanitizer), minus the slowest real-model tests
#   4. the runtime and its tests cross-built for aarch64, run under qemu
#   5. each libFuzzer harness for ~40 s (scripts/fuzz.sh; the corpora are
#      also replayed by tests/fuzz in both builds above)
#   6. compile checks: clang -Werror, the freestanding runtime
# Ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=$(nproc)

bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
summary=()

# Runs ctest in build dir $1 with extra args; adds its counts to the totals.
run_ctest() {
  local dir=$1; shift
  local log
  log=$(mktemp)
  ctest --test-dir "$dir" -j"$jobs" --output-on-failure "$@" 2>&1 | tee "$log"
  local line total nfail
  line=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "$log" | tail -1)
  if [ -z "$line" ]; then
    echo "test.sh: ctest in $dir printed no summary"
    failed=$((failed + 1))
  else
    total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
    nfail=$(sed -E 's/.*passed, ([0-9]+) tests? failed.*/\1/' <<<"$line")
    passed=$((passed + total - nfail))
    failed=$((failed + nfail))
  fi
  summary+=("$dir: ${line:-no summary}")
  rm -f "$log"
}

# Runs one named check command; counts it as a test.
run_check() {
  local name=$1; shift
  if "$@" >/tmp/octet-check.log 2>&1; then
    passed=$((passed + 1)); summary+=("check $name: ok")
  else
    cat /tmp/octet-check.log
    failed=$((failed + 1)); summary+=("check $name: FAILED")
  fi
}

echo "== release build: all tests"
run_ctest build

echo "== sanitizer build (ASan + UBSan + LSan)"
san=build-sanitize
if cmake -S . -B "$san" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
     -DOCT_SANITIZE=ON >/dev/null && cmake --build "$san" -j"$jobs" >/dev/null; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
    OCT_TEST_QUICK=1 run_ctest "$san" -LE slow
else
  echo "test.sh: sanitizer build failed"; failed=$((failed + 1)); summary+=("sanitizer build: FAILED")
fi

echo "== aarch64 cross build under qemu (NEON kernels; scripts/test_arm.sh)"
if bash scripts/test_arm.sh --build-only; then
  # Same selection as test_arm.sh: quick real-model runs, no parser sweep.
  OCT_TEST_QUICK=1 run_ctest build-aarch64 -LE slow -E '^test_bad_models$'
else
  echo "test.sh: aarch64 build failed"; failed=$((failed + 1)); summary+=("aarch64 build: FAILED")
fi

echo "== fuzz: libFuzzer harnesses, ~40 s each on their corpus + known-bad (scripts/fuzz.sh)"
run_check "fuzz harnesses" env OCT_FUZZ_JOBS="$jobs" bash scripts/fuzz.sh "${OCT_FUZZ_SECONDS:-40}"

echo "== compile checks"
run_check "clang -Werror" bash -c "cmake -S . -B build-clang -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build build-clang -j$jobs"
run_check "freestanding runtime" cmake --build build --target octet_runtime_freestanding

echo
for s in "${summary[@]}"; do echo "  $s"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
