#!/usr/bin/env bash
# Builds the libFuzzer harnesses (build-fuzz/, clang, ASan+UBSan) and runs
# each for a bounded time on its seeds, the known-bad inputs and the corpus
# grown by earlier runs.
#   scripts/fuzz.sh [SECONDS_PER_HARNESS=60] [HARNESS...]   (tflite onnx npy image)
# Environment: OCT_FUZZ_DIR (build dir, default build-fuzz), OCT_FUZZ_JOBS
# (build parallelism, default 2), OCT_SHARED_DIR (default ../shared).
# Exits non-zero if a harness crashed, hung, leaked or hit a sanitizer; the
# input is left in $OCT_FUZZ_DIR/fuzz-artifacts/<harness>/: copy it to
# fuzz/known-bad/<harness>/ once fixed, so tests/fuzz replays it forever.
# Prints one "fuzz <harness>: ..." line per harness with execs and coverage.
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(tflite onnx npy image)
bdir=${OCT_FUZZ_DIR:-build-fuzz}
export OCT_SHARED_DIR=${OCT_SHARED_DIR:-../shared}

cmake -S . -B "$bdir" -DCMAKE_C_COMPILER=clang -DOCT_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || exit 1
cmake --build "$bdir" -j"${OCT_FUZZ_JOBS:-2}" \
  --target fuzz_tflite fuzz_onnx fuzz_npy fuzz_image >/dev/null || exit 1

# Big seeds come from ../shared at run time only (not committed).
seeds=$bdir/fuzz-seeds
rm -rf "$seeds"
bash scripts/make_fuzz_corpus.sh "$seeds" 524288 >/dev/null

status=0
for h in "${harnesses[@]}"; do
  work=$bdir/fuzz-work/$h art=$bdir/fuzz-artifacts/$h
  mkdir -p "$work" "$art"
  dirs=("$work" fuzz/corpus/"$h")
  [ -d "$seeds/$h" ] && dirs+=("$seeds/$h")
  [ -d fuzz/known-bad/"$h" ] && dirs+=(fuzz/known-bad/"$h")
  [ "$h" = tflite ] && dirs+=(tests/data/bad)
  log=$bdir/fuzz-$h.log
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
    nice -n 19 "$bdir/fuzz_$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -max_len=262144 -print_final_stats=1 -artifact_prefix="$art/" "${dirs[@]}" >"$log" 2>&1
  rc=$?
  execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
  last=$(grep -E '#[0-9]+.*(cov|ft):' "$log" | tail -1)
  cov=$(sed -nE 's/.*cov: ([0-9]+).*/\1/p' <<<"$last")
  ft=$(sed -nE 's/.*ft: ([0-9]+).*/\1/p' <<<"$last")
  echo "fuzz $h: ${secs}s, ${execs:-?} execs, cov ${cov:-?}, ft ${ft:-?}, corpus $(find "$work" -type f | wc -l) files, rc $rc"
  if [ $rc -ne 0 ]; then
    status=1
    grep -E "ERROR|SUMMARY|runtime error|fuzz contract|Test unit written" "$log" | head -5
  fi
done
exit $status
