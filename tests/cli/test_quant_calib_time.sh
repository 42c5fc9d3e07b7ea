#!/usr/bin/env bash
# Calibration cost: quantizing the mobilenet_v2_tiny fixture to int8 with
# the 512 bundled calibration samples (the default minmax calibrator; the
# whole `octet convert`, import and writing included) must take less than
# 3x the time of running those 512 samples through the float model
# (`octet eval`). Times are CPU seconds (user + sys, median of 3 runs), which
# other jobs on a shared machine disturb less than wall time; both numbers
# are printed. The histogram calibrator (mse: two passes) is printed too.
# Usage: test_quant_calib_time.sh OCTET SHARED_DIR
set -u
octet=$1
fx=tests/data/fixtures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$octet" convert "$fx/mobilenet_v2_tiny.onnx" -o "$tmp/f.tflite" >/dev/null || { echo "FAIL: convert"; exit 1; }

# cpu_time CMD... : prints the CPU seconds of one run
cpu_time() {
  local TIMEFORMAT='%U %S'
  { time "$@" >/dev/null 2>&1; } 2>&1 | awk '{ printf "%.3f\n", $1 + $2 }'
}
median3() { printf '%s\n' "$@" | sort -g | sed -n 2p; }

runs=() cal=() mse=()
for i in 1 2 3; do
  runs+=("$(cpu_time "$octet" eval "$tmp/f.tflite" --data "$fx/fmnist_calib_512_x.npy")")
  cal+=("$(cpu_time "$octet" convert "$fx/mobilenet_v2_tiny.onnx" -o "$tmp/q.tflite" --quantize int8 \
           --calibration "$fx/fmnist_calib_512_x.npy")")
done
mse=$(cpu_time "$octet" convert "$fx/mobilenet_v2_tiny.onnx" -o "$tmp/q.tflite" --quantize int8 \
        --calibrator mse --calibration "$fx/fmnist_calib_512_x.npy")
[ -s "$tmp/q.tflite" ] || { echo "FAIL: int8 conversion wrote nothing"; exit 1; }
r=$(median3 "${runs[@]}") c=$(median3 "${cal[@]}")
awk -v r="$r" -v c="$c" -v m="$mse" 'BEGIN {
  printf "float run of 512 samples: %.3f s CPU; int8 calibration (minmax) of 512: %.3f s (%.2fx); mse: %.3f s (%.2fx)\n",
         r, c, c / r, m, m / r
  exit !(c < 3 * r) }' || { echo "FAIL: calibration takes 3x the float run or more"; exit 1; }
