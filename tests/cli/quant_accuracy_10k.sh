#!/usr/bin/env bash
# Issue 4's accuracy bar on the full Fashion-MNIST test set, for one fixture
# (the test_quant_accuracy_10k_<fixture>.sh wrappers call this, one fixture
# each, so that each CI test stays short): the 10,000 test images are
# written at test time from Debian's dataset-fashion-mnist
# (scripts/make_fixtures.py --export-test-set), the fixture is converted to
# float32 and quantized (int8 and int16x8 calibrated on the bundled 512
# calibration images), and `octet eval --json` measures top-1. Allowed loss
# against float, in points: int8 0.5, dynamic 0.2, float16 and
# weights-int8 0.05 (int16x8 is reported, with int8's bar).
# Known shortfalls are listed in `known` below with the measured loss: they
# print KNOWN instead of failing, and fail again if they get worse than
# listed; see docs/QUANTIZATION.md.
# Usage: quant_accuracy_10k.sh OCTET FIXTURE [MODE ...]   (default: all five;
# the bigger fixtures split their modes over two tests to stay short)
# Skips (exit 77) without /usr/bin/python3 + numpy or the Debian dataset.
set -u
octet=$1
m=$2
shift 2
modes=${*:-float16 weights-int8 dynamic int8 int16x8}
py=/usr/bin/python3
fx=tests/data/fixtures
skip() { echo "SKIP: $*"; exit 77; }
"$py" -c 'import numpy' 2>/dev/null || skip "$py with numpy is not available"
[ -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ] ||
  skip "dataset-fashion-mnist is not installed (apt-get install dataset-fashion-mnist)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$py" scripts/make_fixtures.py --export-test-set "$tmp" >/dev/null || { echo "FAIL: export"; exit 1; }

models=("$tmp/float32.tflite")
"$octet" convert "$fx/$m.onnx" -o "$tmp/float32.tflite" >/dev/null || { echo "FAIL: convert"; exit 1; }
for q in $modes; do
  if ! "$octet" convert "$fx/$m.onnx" -o "$tmp/$q.tflite" --quantize $q \
       --calibration "$fx/fmnist_calib_512_x.npy" >"$tmp/c.log" 2>&1; then
    echo "FAIL: $m $q: convert: $(tail -2 "$tmp/c.log")"; exit 1
  fi
  models+=("$tmp/$q.tflite")
done
"$octet" eval "${models[@]}" --data "$tmp/fmnist_test_x.npy" --labels "$tmp/fmnist_test_y.npy" \
  --json >"$tmp/eval.json" 2>/dev/null || { echo "FAIL: $m: octet eval"; exit 1; }
"$py" - "$tmp/eval.json" "$m" <<'PY'
import json, sys, os
r = json.load(open(sys.argv[1]))
m = sys.argv[2]
assert r["samples"] == 10000, r["samples"]
res = {os.path.basename(e["path"])[:-7]: e for e in r["models"]}
base = 100 * res["float32"]["top1"]
bar = {"float16": 0.05, "weights-int8": 0.05, "dynamic": 0.2, "int8": 0.5, "int16x8": 0.5}
# fixture:mode -> largest loss seen (points), for shortfalls being worked
# on. None now: cnn_bn weights-int8 lost 0.06 with max|w| / 127 steps and
# 0.04 since the step search of oct_qw_channel_scale.
known = {}
bad = 0
print(f"{m}: float32 {base:.2f}% ({res['float32']['file_bytes']} B)")
for q, lim in bar.items():
    if q not in res:
        continue
    e = res[q]
    t = 100 * e["top1"]
    loss = base - t
    ok = loss <= lim + 1e-9
    k = known.get(f"{m}:{q}")
    verdict = "ok" if ok else ("KNOWN" if k is not None and loss <= k + 1e-9 else "FAIL")
    bad += verdict == "FAIL"
    print(f"{m}: {q:12s} {t:.2f}% loss {loss:+.2f} (max {lim}) agree {100 * e['agreement']:.2f}% "
          f"{e['file_bytes']} B {verdict}")
sys.exit(1 if bad else 0)
PY
