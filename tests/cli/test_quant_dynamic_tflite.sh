#!/usr/bin/env bash
# Every quantized file octet writes runs in the real TensorFlow Lite with the
# same top-1 as in octet: the four Fashion-MNIST fixtures converted with
# --quantize dynamic, float16, int8 and int16x8 at batch 1000 (one run
# covers the 1000 evaluation images), run by TFLite 2.9 native
# (tflite_ref.js --engine native --xnnpack off: the built-in kernels, whose
# hybrid FULLY_CONNECTED / CONV_2D / DEPTHWISE_CONV_2D are what a dynamic
# file exercises) and by octet. Checks: TFLite accepts the file, every
# image's top-1 is the same, and the outputs agree: bit for bit for int8
# and int16x8; for float16, within 1e-4 of the largest |logit|; for
# dynamic, within 1e-4 on at least 95% of the images and 5% on all. (The
# hybrid ops quantize their float input on the fly; when TFLite's float
# ops upstream round an input 1 ulp apart from octet's and it sits on a
# rounding tie, that one input lands 1 step apart, which moves the logits
# by ~1e-3 relative. With no float op in front, as in mlp, the outputs are
# bit-exact.)
# The int8 / int16x8 files are calibrated at batch 1000 on the 512 bundled
# calibration images plus 488 of them again: the same min/max ranges.
# Usage: test_quant_dynamic_tflite.sh OCTET SHARED_DIR
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
modes=${OCT_QUANT_TFLITE_MODES:-dynamic float16 int8 int16x8}
"$py" - "$fx/fmnist_calib_512_x.npy" "$tmp/calib_1000.npy" <<'PY'
import sys, numpy as np
c = np.load(sys.argv[1])
np.save(sys.argv[2], np.concatenate([c, c[:1000 - len(c)]]))
PY

for m in mlp cnn_bn mobilenet_v2_tiny resnet_tiny; do
  for q in $modes; do
    name="${m}_$q"
    f="$tmp/$name.tflite"
    if ! "$octet" convert "$fx/$m.onnx" -o "$f" --quantize "$q" --batch 1000 \
         --calibration "$tmp/calib_1000.npy" >"$tmp/c.log" 2>&1; then
      echo "FAIL: $name: convert: $(tail -2 "$tmp/c.log")"; fail=$((fail + 1)); continue
    fi
    if ! node "$ref" "$f" --engine native --xnnpack off --in "$fx/fmnist_test_1000_x.npy" \
         --out-dir "$tmp/${name}_tfl" >"$tmp/t.log" 2>&1; then
      echo "FAIL: $name: TFLite rejected the file:"; tail -5 "$tmp/t.log"
      fail=$((fail + 1)); continue
    fi
    if ! "$octet" run "$f" --input "$fx/fmnist_test_1000_x.npy" --output "$tmp/${name}_oct.npy" \
         >"$tmp/o.log" 2>&1; then
      echo "FAIL: $name: octet run: $(tail -2 "$tmp/o.log")"; fail=$((fail + 1)); continue
    fi
    rm -f "$f"
    if "$py" - "$tmp/${name}_tfl/output_0.npy" "$tmp/${name}_oct.npy" "$name" "$q" \
         "$fx/fmnist_test_1000_y.npy" <<'PY'
import sys, numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
name, mode, y = sys.argv[3], sys.argv[4], np.load(sys.argv[5])
if a.shape != b.shape or a.dtype != b.dtype:
    print(f"{name}: TFLite {a.dtype}{list(a.shape)} vs octet {b.dtype}{list(b.shape)}")
    sys.exit(1)
a64, b64 = a.astype(np.float64), b.astype(np.float64)
same_top1 = int((a64.argmax(1) == b64.argmax(1)).sum())
diff = np.abs(a64 - b64).max()
rel = diff / max(np.abs(a64).max(), 1e-30)
exact = a.tobytes() == b.tobytes()
scale = max(np.abs(a64).max(), 1e-30)
per_img = np.abs(a64 - b64).max(1) / scale
close = int((per_img <= 1e-4).sum())
acc = 100.0 * (b64.argmax(1) == y).mean()
print(f"{name}: top-1 same {same_top1}/{len(a)}, octet top-1 {acc:.2f}%, "
      f"max|diff| {diff:.3g} (rel {rel:.2g}), within 1e-4: {close}/{len(a)}, bit-exact {exact}")
if mode in ("int8", "int16x8"):
    ok = exact
elif mode == "dynamic":
    ok = close * 100 >= 95 * len(a) and rel <= 0.05
else:
    ok = rel <= 1e-4
ok = ok and same_top1 == len(a)
sys.exit(0 if ok else 1)
PY
    then pass=$((pass + 1)); else echo "FAIL: $name: octet and TFLite disagree"; fail=$((fail + 1)); fi
  done
done
echo "passed $pass, failed $fail"
[ $fail -eq 0 ]
