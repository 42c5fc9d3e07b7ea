#!/usr/bin/env bash
# The ONNX fixtures (tests/data/fixtures) converted by `octet convert`
# open and run in the real TensorFlow Lite (issue 3, "Done when" #3):
# each model is converted with --batch 50, the first 50 test images run in
# one batch through octet, TFLite 2.9 native (XNNPACK) and TFLite's WASM
# build, and all three agree within 1e-4 with the same top-1 per image;
# octet also matches PyTorch's logits within 1e-4.
# Usage: test_fixtures_tflite.sh OCTET SHARED_DIR
# Skips (exit 77) without ../shared, node, numpy or the peers from
# ../shared/tools/setup.sh.
set -u
octet=$1
shared=${2:-../shared}
fix=tests/data/fixtures
ref="$shared/tools/tflite_ref.js"
peers=${OCTET_PEERS_DIR:-${HOME:-/tmp}/.cache/octet-peers}
py=/usr/bin/python3
n=50

skip() { echo "SKIP: $*"; exit 77; }
[ -f "$fix/fmnist_test_1000_x.npy" ] || skip "$fix not found (run from the source tree)"
[ -f "$ref" ] || skip "$ref not found (../shared is absent)"
command -v node >/dev/null 2>&1 || skip "node is not installed"
[ -f "$peers/node_modules/tfjs-tflite-node/cc_deps/linux_amd64/libtensorflowlite_c.so" ] &&
  [ -d "$peers/node_modules/@tensorflow/tfjs-tflite" ] ||
  skip "TFLite peers not installed in $peers (run: sh $shared/tools/setup.sh)"
"$py" -c 'import numpy' 2>/dev/null || skip "$py with numpy is not available"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# max |a - b| over two [N, classes] .npy files (b may hold more rows: the
# first N count), printed; exit 1 above the bound or on any top-1 mismatch.
close() {
  "$py" - "$1" "$2" "$3" "$4" <<'PY'
import sys, numpy as np
a, b, tol = np.load(sys.argv[1]), np.load(sys.argv[2]), float(sys.argv[3])
b = b[: a.shape[0]]
if a.shape != b.shape:
    print(f"{sys.argv[4]}: shapes {a.shape} vs {b.shape}"); sys.exit(1)
d = float(np.abs(a.astype(np.float64) - b.astype(np.float64)).max())
same = int((a.argmax(1) == b.argmax(1)).sum())
print(f"{sys.argv[4]}: max |diff| {d:.3g} (bound {tol:g}), top-1 identical on {same}/{a.shape[0]}")
sys.exit(0 if d <= tol and same == a.shape[0] else 1)
PY
}

"$py" -c "
import numpy as np
x = np.load('$fix/fmnist_test_1000_x.npy')
np.save('$tmp/x.npy', np.ascontiguousarray(x[:$n]))"

for m in mlp cnn_bn mobilenet_v2_tiny resnet_tiny; do
  if ! "$octet" convert "$fix/$m.onnx" -o "$tmp/$m.tflite" --batch $n >"$tmp/$m.convert" 2>&1; then
    bad "$m: octet convert: $(cat "$tmp/$m.convert")"; continue
  fi
  ok
  if ! "$octet" run "$tmp/$m.tflite" --input "$tmp/x.npy" --output "$tmp/octet_$m.npy" \
       >"$tmp/$m.run" 2>&1; then
    bad "$m: octet run: $(cat "$tmp/$m.run")"; continue
  fi
  close "$tmp/octet_$m.npy" "$fix/${m}_logits_1000.npy" 1e-4 "$m, octet vs PyTorch" && ok ||
    bad "$m: octet differs from PyTorch"
  for eng in wasm native; do
    if node "$ref" "$tmp/$m.tflite" --in "$tmp/x.npy" --out-dir "$tmp/$m.$eng" --engine $eng \
         --quiet >"$tmp/$m.$eng.log" 2>&1; then
      close "$tmp/$m.$eng/output_0.npy" "$tmp/octet_$m.npy" 1e-4 "$m, TFLite $eng vs octet" && ok ||
        bad "$m: TFLite $eng outputs differ from octet's"
    else
      bad "$m: TFLite $eng refuses the file: $(tail -3 "$tmp/$m.$eng.log")"
    fi
  done
done

echo "test_fixtures_tflite: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
