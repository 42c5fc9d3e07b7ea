#!/usr/bin/env bash
# `octet convert` on a float .tflite, checked in the real TensorFlow Lite:
# mobilenet_v1_0.25_224_float from ../shared/models goes through
# `octet convert` (optimized and --no-optimize), and the written files
#  - give octet the original model's outputs (bit for bit without
#    optimization, within 1e-5 with it),
#  - open and run in TFLite 2.9 native (built-in kernels and XNNPACK) and in
#    TFLite's WASM build, with the same outputs as octet within 1e-4.
# Also: the same input gives the same bytes, --json reports the file, and
# errors (missing input, missing output directory, not a model) print one
# line and write nothing.
# Usage: test_convert_tflite.sh OCTET SHARED_DIR
# Skips (exit 77) without ../shared, node, numpy or the peers from
# ../shared/tools/setup.sh.
set -u
octet=$1
shared=${2:-../shared}
model="$shared/models/tflite-support/mobilenet_v1_0.25_224_float.tflite"
ref="$shared/tools/tflite_ref.js"
peers=${OCTET_PEERS_DIR:-${HOME:-/tmp}/.cache/octet-peers}
py=/usr/bin/python3

skip() { echo "SKIP: $*"; exit 77; }
[ -f "$model" ] || skip "$model not found (../shared is absent)"
[ -f "$ref" ] || skip "$ref not found"
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

# max |a - b| over two .npy files, printed; exit 1 when above the bound.
close() {
  "$py" - "$1" "$2" "$3" <<'PY'
import sys, numpy as np
a, b, tol = np.load(sys.argv[1]), np.load(sys.argv[2]), float(sys.argv[3])
d = float(np.abs(a.astype(np.float64) - b.astype(np.float64)).max()) if a.shape == b.shape else float("inf")
print(f"max |diff| {d:.3g} (bound {tol:g}), argmax {int(a.argmax())} vs {int(b.argmax())}")
sys.exit(0 if d <= tol and a.argmax() == b.argmax() else 1)
PY
}

# Conversion, optimized (the default) and not; twice gives the same bytes.
if "$octet" convert "$model" -o "$tmp/opt.tflite" >"$tmp/convert.txt" 2>&1; then
  cat "$tmp/convert.txt"; ok
else
  bad "octet convert: $(cat "$tmp/convert.txt")"
fi
"$octet" convert "$model" -o "$tmp/opt2.tflite" >/dev/null 2>&1 &&
  cmp -s "$tmp/opt.tflite" "$tmp/opt2.tflite" && ok || bad "two conversions differ"
if "$octet" convert "$model" -o "$tmp/plain.tflite" --no-optimize --json >"$tmp/c.json" 2>&1 &&
   "$py" - "$tmp/c.json" "$tmp/plain.tflite" <<'PY'
import json, os, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "tflite" and d["optimized"] is False, d
assert d["ops_before"] == d["ops_after"] == {"AVERAGE_POOL_2D": 1, "CONV_2D": 15,
    "DEPTHWISE_CONV_2D": 13, "SOFTMAX": 1, "SQUEEZE": 1}, d
assert d["file_bytes"] == os.path.getsize(sys.argv[2]), d
assert 1_800_000 < d["param_bytes"] < d["file_bytes"], d
PY
then ok; else bad "convert --no-optimize --json: $(cat "$tmp/c.json")"; fi

# One deterministic input; octet on the original and both copies.
"$py" -c "
import numpy as np
np.save('$tmp/x.npy', np.random.RandomState(0).uniform(-1, 1, (1, 224, 224, 3)).astype(np.float32))"
for m in orig opt plain; do
  f="$tmp/$m.tflite"; [ $m = orig ] && f=$model
  "$octet" run "$f" --input "$tmp/x.npy" --output "$tmp/octet_$m.npy" >/dev/null 2>&1 ||
    bad "octet run $m"
done
cmp -s "$tmp/octet_orig.npy" "$tmp/octet_plain.npy" && ok ||
  bad "--no-optimize copy: octet outputs differ from the original's"
close "$tmp/octet_opt.npy" "$tmp/octet_orig.npy" 1e-5 && ok ||
  bad "optimized copy: octet outputs differ from the original's"

# The real TFLite: native 2.9 (XNNPACK on and off) and WASM.
for m in opt plain; do
  for eng in "native --xnnpack on" "native --xnnpack off" "wasm"; do
    tag=$(echo "$m $eng" | tr -c 'a-z0-9\n' '_')
    # shellcheck disable=SC2086
    if node "$ref" "$tmp/$m.tflite" --in "$tmp/x.npy" --out-dir "$tmp/$tag" --engine $eng \
         >"$tmp/$tag.log" 2>&1; then
      echo -n "$m, TFLite $eng: "
      close "$tmp/$tag/output_0.npy" "$tmp/octet_$m.npy" 1e-4 && ok ||
        bad "$m: TFLite $eng outputs differ from octet's"
    else
      bad "$m: TFLite $eng refuses the file: $(tail -3 "$tmp/$tag.log")"
    fi
  done
done

# Errors: one 'octet:' line, non-zero status, nothing written.
expect_fail() {
  local name=$1 out=$2; shift 2
  if "$@" >"$tmp/out" 2>"$tmp/err"; then bad "$name: exit status 0"; return; fi
  if [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -q '^octet: ' "$tmp/err"; then
    bad "$name: stderr is not one 'octet:' line: $(cat "$tmp/err")"; return
  fi
  [ -e "$out" ] && { bad "$name: $out was written"; return; }
  ok
}
expect_fail "missing input" "$tmp/e1.tflite" "$octet" convert "$tmp/nope.onnx" -o "$tmp/e1.tflite"
expect_fail "missing output dir" "$tmp/no/dir/e2.tflite" \
  "$octet" convert "$model" -o "$tmp/no/dir/e2.tflite"
printf 'hello, not a model\n' >"$tmp/text.bin"
expect_fail "not a model" "$tmp/e3.tflite" "$octet" convert "$tmp/text.bin" -o "$tmp/e3.tflite"
expect_fail "no -o" "$tmp/e4.tflite" "$octet" convert "$model"
# No temporary file (".NAME.PID.N.tmp" beside the target) is left anywhere.
left=$(find "$tmp" -name '*.tmp' | wc -l)
if [ "$left" -eq 0 ]; then ok; else bad "temporary files left behind: $(find "$tmp" -name '*.tmp')"; fi

echo "test_convert_tflite: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
