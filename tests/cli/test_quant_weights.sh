#!/usr/bin/env bash
# `octet convert --quantize float16|weights-int8` end to end on the
# Fashion-MNIST fixtures (tests/data/fixtures/*.onnx, 1000 test images):
#  - file size: float16 at most 0.60x the float file, weights-int8 at most
#    0.45x (measured 0.50-0.56x and 0.25-0.43x: flatbuffer overhead, and
#    biases and tensors under 1024 elements stay float, as in TFLite),
#  - top-1 accuracy within 0.5 point of the float model's (octet),
#  - the files run in the real TensorFlow Lite 2.9 (native engine, XNNPACK
#    off) with octet's outputs within 1e-4.
# Usage: test_quant_weights.sh OCTET SHARED_DIR
# The TFLite part skips without ../shared, node, numpy or the peers; the
# octet part needs /usr/bin/python3 with numpy (else the whole test skips).
set -u
octet=$1
shared=${2:-../shared}
ref="$shared/tools/tflite_ref.js"
peers=${OCTET_PEERS_DIR:-${HOME:-/tmp}/.cache/octet-peers}
py=/usr/bin/python3
fx=tests/data/fixtures

skip() { echo "SKIP: $*"; exit 77; }
"$py" -c 'import numpy' 2>/dev/null || skip "$py with numpy is not available"
[ -f "$fx/fmnist_test_1000_x.npy" ] || skip "fixtures not found"
have_tflite=1
{ [ -f "$ref" ] && command -v node >/dev/null 2>&1 &&
  [ -f "$peers/node_modules/tfjs-tflite-node/cc_deps/linux_amd64/libtensorflowlite_c.so" ]; } ||
  { have_tflite=0; echo "note: TFLite peers or ../shared absent, TFLite comparison skipped"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# top-1 (percent) of an output .npy against the labels
top1() {
  "$py" -c "
import numpy as np
o, y = np.load('$1'), np.load('$fx/fmnist_test_1000_y.npy')
print('%.1f' % (100.0 * float((o.reshape(len(y), -1).argmax(1) == y).mean())))"
}
close() {
  "$py" - "$1" "$2" "$3" <<'PY'
import sys, numpy as np
a, b, tol = np.load(sys.argv[1]), np.load(sys.argv[2]), float(sys.argv[3])
d = float(np.abs(a.astype(np.float64) - b.astype(np.float64)).max()) if a.shape == b.shape else float("inf")
print(f"max |diff| {d:.3g} (bound {tol:g})")
sys.exit(0 if d <= tol else 1)
PY
}

for m in "$fx"/*.onnx; do
  b=$(basename "$m" .onnx)
  for q in none float16 weights-int8; do
    f="$tmp/${b}_$q.tflite"
    if ! "$octet" convert "$m" -o "$f" --batch 1000 --quantize $q >"$tmp/c.log" 2>&1; then
      bad "$b $q: convert: $(cat "$tmp/c.log")"; continue
    fi
    "$octet" run "$f" --input "$fx/fmnist_test_1000_x.npy" --output "$tmp/${b}_$q.npy" \
      >/dev/null 2>&1 || { bad "$b $q: octet run"; continue; }
    size=$(stat -c %s "$f")
    acc=$(top1 "$tmp/${b}_$q.npy")
    line="$b $q: $size bytes, top-1 $acc"
    if [ $q = none ]; then
      fsize=$size; facc=$acc
    else
      lim=0.60; [ $q = weights-int8 ] && lim=0.45
      "$py" -c "import sys; sys.exit(0 if $size <= $lim * $fsize else 1)" && ok ||
        bad "$b $q: $size bytes is over ${lim}x the float file ($fsize)"
      "$py" -c "import sys; sys.exit(0 if abs($acc - $facc) <= 0.5 else 1)" && ok ||
        bad "$b $q: top-1 $acc vs float $facc"
      line="$line (float: $fsize bytes, $facc)"
    fi
    if [ $have_tflite = 1 ]; then
      if node "$ref" "$f" --in "$fx/fmnist_test_1000_x.npy" --out-dir "$tmp/t_${b}_$q" \
           --engine native --xnnpack off >"$tmp/t.log" 2>&1; then
        line="$line, TFLite: $(close "$tmp/t_${b}_$q/output_0.npy" "$tmp/${b}_$q.npy" 1e-4)" && ok ||
          bad "$b $q: TFLite outputs differ from octet's: $(close "$tmp/t_${b}_$q/output_0.npy" "$tmp/${b}_$q.npy" 1e-4)"
      else
        bad "$b $q: TFLite refuses the file: $(tail -3 "$tmp/t.log")"
      fi
    fi
    echo "$line"
  done
done

# dynamic (tested in depth by test_quant_dynamic_tflite.sh) writes a file
# and says so.
if "$octet" convert "$fx/mlp.onnx" -o "$tmp/dyn.tflite" --quantize dynamic >"$tmp/d.log" 2>&1; then
  [ -s "$tmp/dyn.tflite" ] && grep -q "quantized: dynamic" "$tmp/d.log" && ok ||
    bad "dynamic: $(cat "$tmp/d.log")"
else
  bad "--quantize dynamic failed: $(cat "$tmp/d.log")"
fi

echo "passed $pass, failed $fail"
[ $fail -eq 0 ]
