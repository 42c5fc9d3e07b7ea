#!/usr/bin/env bash
# The error contract (docs/ERRORS.md) end to end: full disks, killed runs and
# bad calibration/evaluation data end in one "octet: " line naming what is
# wrong, a non-zero exit, no partial or temporary file, and an existing good
# output left untouched.
# Usage: test_error_contract.sh OCTET SHARED_DIR
set -u
octet=$1
shared=${2:-../shared}
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
mnt=
cleanup() {
  [ -n "$mnt" ] && umount "$mnt" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect_fail NAME PATTERN CMD...: non-zero exit, stderr one "octet: " line
# matching the extended regex PATTERN.
expect_fail() {
  local name=$1 pat=$2; shift 2
  if "$@" >"$tmp/out" 2>"$tmp/err"; then
    bad "$name: exit status 0"; return
  fi
  if [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -q '^octet: ' "$tmp/err"; then
    bad "$name: stderr is not one 'octet:' line:"; cat "$tmp/err"; return
  fi
  if ! grep -Eq -- "$pat" "$tmp/err"; then
    bad "$name: message does not match /$pat/: $(cat "$tmp/err")"; return
  fi
  echo "ok $name: $(cat "$tmp/err")"
  ok
}

# no_leftovers NAME DIR: no temporary files of the atomic writer in DIR.
no_leftovers() {
  if ls -A "$2" | grep -q '\.tmp$'; then bad "$1: temporary file left: $(ls -A "$2")"; else ok; fi
}

mlp="$root/tests/data/fixtures/mlp.onnx"
calib="$root/tests/data/fixtures/fmnist_calib_512_x.npy"
ex="$root/examples/mobilenet_v1_0.25_224_quant.tflite"

# ---- full disk ----
# A device target is written in place (a rename cannot replace it), and
# /dev/full fails every write.
if [ -c /dev/full ]; then
  expect_fail "convert -o /dev/full" "/dev/full.*(No space|write failed)" \
    "$octet" convert "$mlp" -o /dev/full
  if [ -c /dev/full ]; then ok; else bad "/dev/full is no longer a device"; fi
fi

# A file-size limit: the write fails with EFBIG (the CLI ignores SIGXFSZ).
mkdir -p "$tmp/fsize"
printf 'good' >"$tmp/fsize/out.tflite"
expect_fail "convert under ulimit -f" "out.tflite.*(too large|write failed)" \
  bash -c "ulimit -f 4; exec \"\$0\" convert \"\$1\" -o \"\$2\"" "$octet" "$mlp" "$tmp/fsize/out.tflite"
if [ "$(cat "$tmp/fsize/out.tflite")" = good ]; then ok; else bad "ulimit -f: good output overwritten"; fi
no_leftovers "ulimit -f" "$tmp/fsize"

# A tiny tmpfs, where mounting is allowed (root outside a locked container).
mkdir -p "$tmp/small"
if mount -t tmpfs -o size=16k tmpfs "$tmp/small" 2>/dev/null; then
  mnt="$tmp/small"
  printf 'good' >"$mnt/out.tflite"
  expect_fail "convert to a full tmpfs" "out.tflite.*No space" \
    "$octet" convert "$mlp" -o "$mnt/out.tflite"
  if [ "$(cat "$mnt/out.tflite")" = good ]; then ok; else bad "tmpfs: good output overwritten"; fi
  no_leftovers "tmpfs" "$mnt"
  umount "$mnt" && mnt=
else
  echo "note: cannot mount a tmpfs here; the ulimit -f case stands in for it"
fi

# ---- killed mid-convert ----
# kill -9 gives the writer no chance to clean up: the output must simply
# not have been touched (the temporary file is only renamed when complete).
big="$shared/models/onnx-light/light_vgg19.onnx"
if [ -f "$big" ]; then
  mkdir -p "$tmp/kill"
  printf 'good' >"$tmp/kill/out.tflite"
  killed=0
  for delay in 0.3 1 2; do
    "$octet" convert "$big" -o "$tmp/kill/out.tflite" >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
    wait "$pid" 2>/dev/null
    if [ "$(cat "$tmp/kill/out.tflite")" != good ]; then bad "kill after ${delay}s: good output overwritten"; fi
    # Only a run killed during the write itself can leave its hidden
    # temporary file; it must never be the output's name.
    rm -f "$tmp/kill"/.out.tflite.*.tmp
  done
  if [ "$killed" -gt 0 ]; then ok; else echo "note: every convert ended before the kill"; fi
  if [ "$(cat "$tmp/kill/out.tflite")" = good ]; then ok; fi
else
  echo "note: $big absent, killed-process case skipped"
fi

# ---- bad calibration and evaluation data ----
if /usr/bin/python3 -c "import numpy" 2>/dev/null; then
  /usr/bin/python3 - "$tmp" "$calib" <<'PY'
import sys, numpy as np
d, calib = sys.argv[1], sys.argv[2]
x = np.load(calib)[:8].copy()
a = x.copy(); a[3, 0, 5, 5] = np.nan; np.save(d + "/nan.npy", a)
a = x.copy(); a[5, 0, 1, 2] = np.inf; np.save(d + "/inf.npy", a)
np.save(d + "/shape.npy", x[:, :, :27, :])
np.save(d + "/dtype.npy", x.astype(np.int32))
np.save(d + "/zero_samples.npy", x[:0])
open(d + "/empty.npy", "wb").close()
np.save(d + "/good.npy", x)
PY
  for f in nan inf shape dtype zero_samples empty; do
    rm -f "$tmp/q.tflite"
    case $f in
      nan) pat="nan.npy.*(sample 3|NaN)";;
      inf) pat="inf.npy.*(sample 5|Inf|inf)";;
      *) pat="$f.npy";;
    esac
    expect_fail "calibration $f" "$pat" \
      "$octet" convert "$mlp" -o "$tmp/q.tflite" --quantize int8 --calibration "$tmp/$f.npy"
    [ -e "$tmp/q.tflite" ] && bad "calibration $f: output written"
  done
  expect_fail "calibration: more files than inputs" "(input|calibration)" \
    "$octet" convert "$mlp" -o "$tmp/q.tflite" --quantize int8 \
    --calibration "$tmp/good.npy" --calibration "$tmp/good.npy"
  expect_fail "convert --rounding bogus" "rounding" \
    "$octet" convert "$mlp" -o "$tmp/q.tflite" --quantize int8 \
    --calibration "$tmp/good.npy" --rounding bogus
  [ -e "$tmp/q.tflite" ] && bad "--rounding bogus: output written"
  no_leftovers "calibration" "$tmp"

  if "$octet" convert "$mlp" -o "$tmp/mlp.tflite" >/dev/null 2>&1; then
    for f in nan inf shape dtype zero_samples empty; do
      case $f in
        nan) pat="nan.npy.*(sample 3|NaN)";;
        inf) pat="inf.npy.*(sample 5|Inf|inf)";;
        *) pat="$f.npy";;
      esac
      expect_fail "eval $f" "$pat" "$octet" eval "$tmp/mlp.tflite" --data "$tmp/$f.npy"
    done
  else
    bad "mlp.onnx does not convert"
  fi
else
  echo "note: numpy absent, bad-data cases skipped"
fi

echo "test_error_contract: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
