#!/usr/bin/env bash
# int16 activations (16x8 quantization) bit for bit against the real
# TensorFlow Lite 2.9 (native, built-in kernels, no XNNPACK): the single-op
# models from make_int16_models.py (pooling, MEAN, QUANTIZE int16 -> int16
# and the data movement ops: PAD, CONCATENATION, RESHAPE, STRIDED_SLICE,
# TRANSPOSE, SLICE, SPLIT, SQUEEZE, EXPAND_DIMS, RESIZE_NEAREST_NEIGHBOR,
# RESIZE_BILINEAR), on random int16 inputs, run in
# both and the output arrays compared exactly. (CONV_2D, DEPTHWISE_CONV_2D,
# FULLY_CONNECTED, TRANSPOSE_CONV 16x8 are in tests/data/conv; the
# elementwise and activation int16 paths in tests/kernels/tflite_cases.h.)
# Usage: test_int16_tflite.sh OCTET SHARED_DIR
# Skips (exit 77) without ../shared, node, python3 or the TFLite peers.
set -u
octet=$1
shared=${2:-../shared}
here=$(cd "$(dirname "$0")" && pwd)
ref="$shared/tools/tflite_ref.js"
peers=${OCTET_PEERS_DIR:-${HOME:-/tmp}/.cache/octet-peers}

skip() { echo "SKIP: $*"; exit 77; }
[ -f "$ref" ] || skip "$ref not found (../shared is absent)"
command -v node >/dev/null 2>&1 || skip "node is not installed"
command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"
[ -f "$peers/node_modules/tfjs-tflite-node/cc_deps/linux_amd64/libtensorflowlite_c.so" ] ||
  skip "native TFLite peer not installed in $peers (run: sh $shared/tools/setup.sh)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

python3 "$here/make_int16_models.py" "$tmp" || { echo "FAIL: model generation"; exit 1; }

# Two .npy files hold the same dtype and the same bytes after the header.
same_npy() {
  python3 - "$1" "$2" <<'PY'
import struct, sys
def load(p):
    b = open(p, 'rb').read()
    n = struct.unpack('<H', b[8:10])[0] if b[6] == 1 else struct.unpack('<I', b[8:12])[0]
    off = (10 if b[6] == 1 else 12) + n
    return b[off - n:off].decode('latin1'), b[off:]
(ha, a), (hb, b) = load(sys.argv[1]), load(sys.argv[2])
da, db = (h.split("'descr':")[1].split(',')[0] for h in (ha, hb))
assert da == db, (ha, hb)
assert len(a) == len(b) and len(a) > 0, (len(a), len(b))
if a != b:
    sys.exit('%d of %d bytes differ' % (sum(x != y for x, y in zip(a, b)), len(a)))
PY
}

# OCT_TEST_QUICK (the sanitizer tier): every third case, to keep the node
# start-ups few.
idx=0
while read -r name n_in n_out; do
  idx=$((idx + 1))
  [ -n "${OCT_TEST_QUICK:-}" ] && [ $((idx % 3)) -ne 1 ] && continue
  tin=() oin=()
  for ((i = 0; i < n_in; i++)); do
    tin+=(--in "$tmp/${name}_in$i.npy")
    oin+=(--input "$tmp/${name}_in$i.npy")
  done
  mkdir -p "$tmp/o_$name"
  if ! node "$ref" "$tmp/$name.tflite" "${tin[@]}" --engine native --xnnpack off \
    --out-dir "$tmp/t_$name" >/dev/null 2>"$tmp/err"; then
    bad "$name: TFLite failed: $(tail -n 3 "$tmp/err")"; continue
  fi
  if ! "$octet" run "$tmp/$name.tflite" "${oin[@]}" --output-dir "$tmp/o_$name" \
    >/dev/null 2>"$tmp/err"; then
    bad "$name: octet failed: $(cat "$tmp/err")"; continue
  fi
  for ((k = 0; k < n_out; k++)); do
    if msg=$(same_npy "$tmp/t_$name/output_$k.npy" "$tmp/o_$name/output_$k.npy" 2>&1); then
      ok
    else
      bad "$name output $k: $msg"
    fi
  done
done <"$tmp/cases.txt"

echo "int16 vs TFLite: $pass outputs bit-exact, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
