#!/usr/bin/env bash
# A quantization-aware-trained model in the real TensorFlow Lite, bit for
# bit: tests/data/fixtures/cnn_bn_qat.onnx (PyTorch eager-mode QAT, exported
# as QuantizeLinear/DequantizeLinear pairs) converted by
# `octet convert --quantize int8` with NO calibration data (the learned
# scales and zero points only), at batch 1000, with float, int8 and uint8
# model edges. TFLite 2.9's built-in kernels (tflite_ref.js --engine native
# --xnnpack off) and octet run the 1000 evaluation images; every output byte
# must agree, and the file must hold no float op.
# Usage: test_qat_tflite.sh OCTET SHARED_DIR
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

check() {
  local name=$1; shift
  local m="$tmp/$name.tflite"
  if ! "$octet" convert $fx/cnn_bn_qat.onnx --quantize int8 --batch 1000 -o "$m" "$@" \
       >"$tmp/$name.log" 2>&1; then
    echo "FAIL: $name: convert"; cat "$tmp/$name.log"; fail=$((fail + 1)); return
  fi
  if ! grep -q "0 ops left in float" "$tmp/$name.log"; then
    echo "FAIL: $name: float ops left"; cat "$tmp/$name.log"; fail=$((fail + 1)); return
  fi
  local info
  info=$(node "$ref" "$m" --info --engine native 2>&1 | grep "^input 0:")
  "$py" - "$fx" "$tmp" "$name" "$info" <<'PY'
import sys, re, numpy as np
fx, d, name, info = sys.argv[1:]
x = np.load(fx + "/fmnist_test_1000_x.npy")
m = re.search(r"(float32|int8|uint8) \[[^\]]*\](?: scale=([0-9.e+-]+) zero_point=(-?\d+))?", info)
t = m.group(1)
if t != "float32":
    s, z = float(m.group(2)), int(m.group(3))
    lim = {"int8": (-128, 127), "uint8": (0, 255)}[t]
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
  if "$py" - "$tmp/${name}_tfl/output_0.npy" "$tmp/${name}_oct.npy" "$name" "$fx" <<'PY'
import sys, numpy as np
a, b, name, fx = np.load(sys.argv[1]), np.load(sys.argv[2]), sys.argv[3], sys.argv[4]
y = np.load(fx + "/fmnist_test_1000_y.npy")
same = a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
acc = float((a.reshape(len(y), -1).argmax(1) == y).mean()) if a.size == 10 * len(y) else -1
print(f"{name}: {a.dtype} {list(a.shape)} bit-exact={same} top-1 (first 1000)={acc:.4f}")
sys.exit(0 if same else 1)
PY
  then pass=$((pass + 1)); else echo "FAIL: $name: outputs differ from TFLite"; fail=$((fail + 1)); fi
}

check qat_f32
check qat_io_int8 --io int8
check qat_io_uint8 --io uint8
echo "passed $pass, failed $fail"
[ "$fail" -eq 0 ]
