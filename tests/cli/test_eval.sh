#!/usr/bin/env bash
# `octet eval`: the float-vs-quantized table. Checks the accuracy it reports
# for the converted fixtures against PyTorch's (tests/data/fixtures/README.md:
# cnn_bn 89.5%, mlp 88.7% on the first 1000 images), the JSON keys, and
# that bad data gives one error line and a non-zero exit.
# Usage: test_eval.sh OCTET
set -u
octet=$1
fx=tests/data/fixtures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

"$octet" convert $fx/cnn_bn.onnx -o "$tmp/cnn.tflite" >/dev/null || bad "convert cnn_bn"
"$octet" convert $fx/mlp.onnx -o "$tmp/mlp.tflite" >/dev/null || bad "convert mlp"
out=$("$octet" eval "$tmp/cnn.tflite" "$tmp/mlp.tflite" --data $fx/fmnist_test_1000_x.npy \
      --labels $fx/fmnist_test_1000_y.npy) || bad "eval exit status"
echo "$out"
grep -E "^cnn.tflite +float32 .* 89\.50% +[0-9.]+% +100\.00% +inf +0\.0000" <<<"$out" >/dev/null && ok ||
  bad "cnn_bn row (want 89.50%, agreeing with itself)"
grep -E "^mlp.tflite +float32 .* 88\.70% " <<<"$out" >/dev/null && ok || bad "mlp row (want 88.70%)"

json=$("$octet" eval "$tmp/cnn.tflite" --data $fx/fmnist_test_1000_x.npy \
       --labels $fx/fmnist_test_1000_y.npy --limit 100 --json) || bad "eval --json exit status"
for k in '"samples":100' '"kind":"float32"' '"file_bytes":' '"arena_bytes":' '"top1":' \
         '"topk":' '"agreement":1' '"sqnr_db":null' '"max_abs_diff":0' '"median_us":' \
         '"p90_us":'; do
  grep -qF "$k" <<<"$json" && ok || bad "json lacks $k: $json"
done

# --reference: the float model is listed first and the others are compared
# with it; a quantized model's SQNR is finite and high, its agreement < 1
# only by a little; top-K accuracy is at least top-1.
"$octet" convert $fx/cnn_bn.onnx -o "$tmp/cnn8.tflite" --quantize int8 \
  --calibration $fx/fmnist_calib_512_x.npy >/dev/null || bad "quantize cnn_bn"
json=$("$octet" eval "$tmp/cnn8.tflite" --reference "$tmp/cnn.tflite" --top 3 --json \
       --data $fx/fmnist_test_1000_x.npy --labels $fx/fmnist_test_1000_y.npy --limit 200) ||
  bad "eval --reference exit status"
/usr/bin/python3 - "$json" <<'PY' && ok || bad "eval --reference json: $json"
import json, sys
j = json.loads(sys.argv[1])
ref, q = j["models"]
assert ref["is_reference"] and not q["is_reference"], "reference must come first"
assert ref["path"].endswith("cnn.tflite") and q["kind"] == "int8"
assert ref["sqnr_db"] is None and ref["agreement"] == 1
assert 20 < q["sqnr_db"] < 80, q["sqnr_db"]
assert 0.95 <= q["agreement"] <= 1 and q["max_abs_diff"] > 0
assert q["top_k"] == 3 and q["topk"] >= q["top1"] and q["samples"] == 200
PY

# Bad inputs: one line on stderr, non-zero exit.
/usr/bin/python3 - "$tmp" <<'PY' || { echo "SKIP: numpy missing"; exit 77; }
import sys, numpy as np
d = sys.argv[1]
np.save(d + "/wrong_shape.npy", np.zeros((4, 1, 27, 28), np.float32))
x = np.zeros((4, 1, 28, 28), np.float32); x[2, 0, 3, 3] = np.nan
np.save(d + "/nan.npy", x)
np.save(d + "/int.npy", np.zeros((4, 1, 28, 28), np.int32))
np.save(d + "/labels_short.npy", np.zeros((3,), np.int64))
np.save(d + "/ok.npy", np.zeros((4, 1, 28, 28), np.float32))
PY
expect_error() {
  local what=$1 pattern=$2; shift 2
  local err
  err=$("$octet" "$@" 2>&1 >/dev/null)
  local st=$?
  if [ $st -ne 0 ] && [ "$(wc -l <<<"$err")" -eq 1 ] && grep -q -- "$pattern" <<<"$err"; then ok
  else bad "$what: status $st, stderr: $err"; fi
}
expect_error "wrong shape" "elements" eval "$tmp/cnn.tflite" --data "$tmp/wrong_shape.npy"
expect_error "NaN sample" "sample 2" eval "$tmp/cnn.tflite" --data "$tmp/nan.npy"
expect_error "int samples" "float32" eval "$tmp/cnn.tflite" --data "$tmp/int.npy"
expect_error "short labels" "labels" eval "$tmp/cnn.tflite" --data "$tmp/ok.npy" --labels "$tmp/labels_short.npy"
expect_error "missing data" "usage" eval "$tmp/cnn.tflite"
expect_error "missing model" "nope.tflite" eval "$tmp/nope.tflite" --data "$tmp/ok.npy"

echo "test_eval: $pass passed, $fail failed"
[ $fail -eq 0 ]
