#!/usr/bin/env bash
# octet's main job on the bundled example: take the float Fashion-MNIST CNN
# (tests/data/fixtures/cnn_bn.onnx, exported by PyTorch), convert it to an
# optimized float .tflite, quantize it in each post-training mode (full int8
# with the bundled calibration images), and print float vs quantized side
# by side: size, RAM, accuracy on 1000 test images, agreement, latency.
#   bash scripts/demo.sh            (sets up and builds first)
#   OCT_DEMO_MODEL=mobilenet_v2_tiny bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2
fx=tests/data/fixtures
model=${OCT_DEMO_MODEL:-cnn_bn}
out=${OCT_DEMO_DIR:-build/demo}
mkdir -p "$out"
octet=build/octet
echo "== convert $fx/$model.onnx"
"$octet" convert "$fx/$model.onnx" -o "$out/${model}_float32.tflite"
models=("$out/${model}_float32.tflite")
for mode in ${OCT_DEMO_MODES:-float16 weights-int8 dynamic int8 int16x8}; do
  args=()
  case $mode in int8 | int16x8) args=(--calibration "$fx/fmnist_calib_512_x.npy") ;; esac
  echo "== quantize: $mode ${args[*]}"
  "$octet" convert "$fx/$model.onnx" -o "$out/${model}_$mode.tflite" --quantize "$mode" "${args[@]}" |
    grep -E "^(file|quantized):"
  models+=("$out/${model}_$mode.tflite")
done
echo
"$octet" eval "${models[@]}" --data "$fx/fmnist_test_1000_x.npy" --labels "$fx/fmnist_test_1000_y.npy"
