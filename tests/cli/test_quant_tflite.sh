#!/usr/bin/env bash
# Quantized files in the real TensorFlow Lite, bit for bit: each Fashion-MNIST
# fixture converted with `octet convert --quantize int8` (and cnn_bn also
# with --io int8, --io uint8 and int16x8), at batch 100 so one run covers
# 100 images, is run by TFLite 2.9's built-in kernels (tflite_ref.js
# --engine native --xnnpack off) and by octet on the same 100 evaluation
# images; every output byte must agree.
# --per-channel-fc is not checked here: TFLite 2.9's int8 FULLY_CONNECTED
# reads only the first weight scale (per-channel FC came in later releases),
# which is why per-tensor is the default.
# Usage: test_quant_tflite.sh OCTET SHARED_DIR
# Skips (exit 77) without ../shared, node or the TFLite peer.
set -u
octet=$1
shared=${2:-../shared}
ref="$shared/tools/tflite_ref.js"
peers=${OCTET_PEERS_DIR:-${HOME:-/tmp}/.cache/octet-peers}
py=/usr/bin/python3
fx=tests/data/fixtures
skip() { echo "SKIP: $*"; exit 77; }
[ -f "$ref" ] || skip "$ref not found (../shared is absent)"
command -v node >/dev/null 2>&1 || skip "node is not installed"
[ -f "$peers/node_modules/tfjs-tflite-node/cc_deps/linux_amd64/libtensorflowlite_c.so" ] ||
  skip "native TFLite not installed in $peers (run: sh $shared/tools/setup.sh)"
"$py" -c 'import numpy' 2>/dev/null || skip "$py with numpy is not available"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
"$py" - "$tmp" "$fx" <<'PY'
import sys, numpy as np
d, fx = sys.argv[1:]
x = np.load(fx + "/fmnist_test_1000_x.npy")[:100]
np.save(d + "/x_f32.npy", x)
PY

# check NAME TOLERANCE CONVERT_ARGS...   (TOLERANCE 0: bit for bit)
check() {
  local name=$1 tol=$2; shift 2
  local m="$tmp/$name.tflite"
  if ! "$octet" convert "$@" --batch 100 -o "$m" --calibration $fx/fmnist_calib_512_x.npy >/dev/null; then
    echo "FAIL: $name: convert"; fail=$((fail + 1)); return
  fi
  # Input in the model's own type (quantized with its parameters).
  local info
  info=$(node "$ref" "$m" --info --engine native 2>&1 | grep "^input 0:")
  "$py" - "$tmp" "$name" "$info" <<'PY'
import sys, re, numpy as np
d, name, info = sys.argv[1:]
x = np.load(d + "/x_f32.npy")
m = re.search(r"(float32|int8|uint8|int16) \[[^\]]*\](?: scale=([0-9.e+-]+) zero_point=(-?\d+))?", info)
t = m.group(1)
if t != "float32":
    s, z = float(m.group(2)), int(m.group(3))
    lim = {"int8": (-128, 127), "uint8": (0, 255), "int16": (-32768, 32767)}[t]
    x = np.clip(np.round(x / np.float32(s)) + z, *lim).astype(t)
np.save(d + "/" + name + "_in.npy", x)
PY
  if ! node "$ref" "$m" --engine native --xnnpack off --in "$tmp/${name}_in.npy" \
       --out-dir "$tmp/${name}_tfl" >"$tmp/${name}_tfl.log" 2>&1; then
    echo "FAIL: $name: TFLite rejected the file:"; tail -5 "$tmp/${name}_tfl.log"
    fail=$((fail + 1)); return
  fi
  if ! "$octet" run "$m" --input "$tmp/${name}_in.npy" --output "$tmp/${name}_oct.npy" >/dev/null; then
    echo "FAIL: $name: octet run"; fail=$((fail + 1)); return
  fi
  if "$py" - "$tmp/${name}_tfl/output_0.npy" "$tmp/${name}_oct.npy" "$name" "$tol" <<'PY'
import sys, numpy as np
a, b, name, tol = np.load(sys.argv[1]), np.load(sys.argv[2]), sys.argv[3], float(sys.argv[4])
same = a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
diff = np.abs(a.astype(np.float64) - b.astype(np.float64)).max() if a.shape == b.shape else np.inf
print(f"{name}: {a.dtype} {list(a.shape)} bit-exact={same} max|diff|={diff:g}")
sys.exit(0 if same or (tol > 0 and a.dtype == b.dtype and diff <= tol) else 1)
PY
  then pass=$((pass + 1)); else echo "FAIL: $name: outputs differ from TFLite"; fail=$((fail + 1)); fi
}

for m in mlp cnn_bn mobilenet_v2_tiny resnet_tiny; do
  check "${m}_int8" 0 $fx/$m.onnx --quantize int8
done
check cnn_bn_io_int8 0 $fx/cnn_bn.onnx --quantize int8 --io int8
check cnn_bn_io_uint8 0 $fx/cnn_bn.onnx --quantize int8 --io uint8
check cnn_bn_mse 0 $fx/cnn_bn.onnx --quantize int8 --calibrator mse
check cnn_bn_int16x8 0 $fx/cnn_bn.onnx --quantize int16x8
check mobilenet_v2_tiny_int16x8 0 $fx/mobilenet_v2_tiny.onnx --quantize int16x8

echo "test_quant_tflite: $pass passed, $fail failed"
[ $fail -eq 0 ]
