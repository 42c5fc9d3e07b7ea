#!/usr/bin/env bash
# File sizes of the quantization modes on a full-size network: torchvision's
# MobileNetV2 1.0 at 224x224 (random weights, written at test time by
# scripts/make_mobilenet_v2.py; TFLite's own numbers: 14 MB float, 3.6 MB
# quantized). Bars, as fractions of the float file (issue 4's):
#   int8, dynamic, weights-int8 (per-channel, the default, and --per-tensor)
#                                              <= 0.27
#   float16                                    <= 0.51
# Per-channel files carry a float32 scale and an int64 zero point per output
# channel (~17,000 channels; int8 also for each bias). The writer shares one
# all-zero zero-point vector among the tensors of each channel count, which
# brings per-channel int8 from 0.286 to 0.268 (TFLite 2.x's own per-channel
# PTQ MobileNetV2, coral tf2_mobilenet_v2_1.0_224_ptq, is 0.29).
# int8 is calibrated on 4 random samples: only the size matters here.
# Usage: test_quant_sizes_mobilenet_v2.sh OCTET SHARED_DIR
# Skips (exit 77) without /usr/bin/python3 with torch, torchvision and onnx.
set -u
octet=$1
py=/usr/bin/python3
"$py" -c 'import torch, torchvision, onnx, numpy' 2>/dev/null ||
  { echo "SKIP: $py with torch, torchvision, onnx and numpy is not available"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$py" scripts/make_mobilenet_v2.py "$tmp/mv2.onnx" >"$tmp/gen.log" 2>&1 ||
  { echo "FAIL: make_mobilenet_v2.py: $(tail -3 "$tmp/gen.log")"; exit 1; }
"$py" -c "import numpy as np; np.save('$tmp/cal.npy', np.random.default_rng(0).normal(0, 1, (4, 3, 224, 224)).astype(np.float32))"
"$octet" convert "$tmp/mv2.onnx" -o "$tmp/float.tflite" >/dev/null || { echo "FAIL: convert"; exit 1; }
fsize=$(stat -c %s "$tmp/float.tflite")
pass=0 fail=0
check() { # NAME MAX_RATIO CONVERT_ARGS...
  local name=$1 max=$2; shift 2
  if ! "$octet" convert "$tmp/mv2.onnx" -o "$tmp/$name.tflite" "$@" --calibration "$tmp/cal.npy" \
       >"$tmp/c.log" 2>&1; then
    echo "FAIL: $name: convert: $(tail -2 "$tmp/c.log")"; fail=$((fail + 1)); return
  fi
  local s r
  s=$(stat -c %s "$tmp/$name.tflite")
  r=$(awk -v s="$s" -v f="$fsize" 'BEGIN { printf "%.4f", s / f }')
  if awk -v r="$r" -v m="$max" 'BEGIN { exit !(r <= m) }'; then
    echo "$name: $s B = ${r}x float ($fsize B), max $max"; pass=$((pass + 1))
  else
    echo "FAIL: $name: $s B = ${r}x float ($fsize B), max $max"; fail=$((fail + 1))
  fi
}
check float16 0.51 --quantize float16
for q in int8 dynamic weights-int8; do
  check "$q-per-tensor" 0.27 --quantize $q --per-tensor
  check "$q" 0.27 --quantize $q
done
echo "passed $pass, failed $fail"
[ $fail -eq 0 ]
