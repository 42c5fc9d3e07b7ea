#!/usr/bin/env bash
# A MobileNetV2 quantized by PyTorch after training, exported as QDQ ONNX
# (scripts/make_qdq_mobilenet.py: random seeded weights, BN statistics and
# observers from random images, qnnpack settings), converted by
# `octet convert --quantize int8` with no calibration data to an
# integer-only .tflite and compared with ONNX Runtime on the same input.
# Budget: within 2 output quantization steps of ONNX Runtime (or, should a
# seed make the random network more sensitive, within 1.5x the disagreement
# between ORT's own optimized (QLinear* kernels) and unoptimized (float
# fake-quant) runs), and correlated (>= 0.99) with ORT's logits. The
# generator keeps residual branches near identity (--res-scale): a fully
# random deep net amplifies each rounding difference into tens of steps,
# even between ORT's two modes.
# Usage: test_qdq_mobilenet.sh OCTET SHARED_DIR
# Skips (exit 77) without ../shared, node, ONNX Runtime, torch/torchvision.
set -u
octet=$1
shared=${2:-../shared}
ort="$shared/tools/ort_ref.js"
peers=${OCTET_PEERS_DIR:-${HOME:-/tmp}/.cache/octet-peers}
py=/usr/bin/python3
skip() { echo "SKIP: $*"; exit 77; }
[ -f "$ort" ] || skip "$ort not found (../shared is absent)"
command -v node >/dev/null 2>&1 || skip "node is not installed"
[ -d "$peers/node_modules/onnxruntime-node" ] || skip "ONNX Runtime not installed in $peers"
"$py" -c 'import torch, torchvision, onnx' 2>/dev/null || skip "torch/torchvision/onnx missing"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
size=${QDQ_SIZE:-96}
nice "$py" scripts/make_qdq_mobilenet.py "$tmp" --size "$size" --calib 2 || { echo "FAIL: generate"; exit 1; }
"$octet" convert "$tmp/mobilenet_v2_qdq.onnx" --quantize int8 -o "$tmp/m.tflite" >"$tmp/c.log" 2>&1 ||
  { echo "FAIL: convert"; cat "$tmp/c.log"; exit 1; }
grep -q "0 ops left in float" "$tmp/c.log" || { echo "FAIL: float ops left"; cat "$tmp/c.log"; exit 1; }
node "$ort" "$tmp/mobilenet_v2_qdq.onnx" --in "$tmp/input.npy" --out-dir "$tmp/ort" >/dev/null 2>&1 ||
  { echo "FAIL: ORT"; exit 1; }
node "$ort" "$tmp/mobilenet_v2_qdq.onnx" --in "$tmp/input.npy" --out-dir "$tmp/ort0" --opt disabled \
  >/dev/null 2>&1 || { echo "FAIL: ORT (disabled)"; exit 1; }
"$octet" run "$tmp/m.tflite" --input "$tmp/input.npy" --output "$tmp/oct.npy" >/dev/null ||
  { echo "FAIL: octet run"; exit 1; }
"$py" - "$tmp" <<'PY'
import sys, onnx, numpy as np
from onnx import numpy_helper as nh
d = sys.argv[1]
m = onnx.load(d + "/mobilenet_v2_qdq.onnx")
init = {t.name: nh.to_array(t) for t in m.graph.initializer}
last = [n for n in m.graph.node if n.op_type == "DequantizeLinear"][-1]
step = float(init[last.input[1]])
a, a0, b = (np.load(d + f) for f in ("/ort/output_0.npy", "/ort0/output_0.npy", "/oct.npy"))
e, e_ort = np.abs(a - b).max() / step, np.abs(a - a0).max() / step
med = np.median(np.abs(a - b)) / step
corr = float(np.corrcoef(a.ravel(), b.ravel())[0, 1])
print(f"octet vs ORT: max {e:.1f} steps, median {med:.1f}, correlation {corr:.4f}; ORT optimized "
      f"vs unoptimized: max {e_ort:.1f} steps; top-1 ORT {a.argmax()} ORT-unopt {a0.argmax()} "
      f"octet {b.argmax()}")
sys.exit(0 if (e <= 2 or e <= 1.5 * e_ort) and corr >= 0.99 else 1)
PY
