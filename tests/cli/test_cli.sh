#!/usr/bin/env bash
# The octet CLI end to end: the README example, .npy in/out, JSON output,
# and errors (one line, non-zero status, no partial output files).
# Usage: test_cli.sh OCTET SHARED_DIR
set -u
octet=$1
shared=${2:-../shared}
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect_fail NAME CMD...: must exit non-zero with one "octet: " line on stderr.
expect_fail() {
  local name=$1; shift
  if "$@" >"$tmp/out" 2>"$tmp/err"; then
    bad "$name: exit status 0"; return
  fi
  if [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -q '^octet: ' "$tmp/err"; then
    bad "$name: stderr is not one 'octet:' line:"; cat "$tmp/err"; return
  fi
  ok
}

ex="$root/examples/mobilenet_v1_0.25_224_quant.tflite"

# README's main job.
if out=$("$octet" run "$ex" --image "$root/examples/burger.jpg" \
         --labels "$root/examples/labels.txt" --top 3 2>&1); then
  echo "$out"
  if echo "$out" | head -1 | grep -q "934  cheeseburger"; then ok; else bad "burger is not top-1 cheeseburger"; fi
else
  bad "README example failed: $out"
fi

# inspect, text and JSON.
if "$octet" inspect "$ex" >"$tmp/inspect.txt"; then ok; else bad "inspect"; fi
grep -q "arena:" "$tmp/inspect.txt" && ok || bad "inspect prints no arena line"
if "$octet" inspect --json "$ex" >"$tmp/inspect.json" &&
   /usr/bin/python3 - "$tmp/inspect.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["arena_bytes"] > 0
assert d["ops"][0]["type"] == "CONV_2D", d["ops"][0]["type"]
t = d["inputs"][0]
assert t["dtype"] == "uint8" and t["shape"] == [1, 224, 224, 3], t
assert abs(t["quantization"]["scale"] - 0.0078125) < 1e-9 and t["quantization"]["zero_point"] == 128
assert len(d["ops"]) == 31 and all("inputs" in o and "outputs" in o for o in d["ops"])
PY
then ok; else bad "inspect --json content"; fi
"$octet" inspect --kernels "$ex" | grep -q "CONV_2D" && ok || bad "inspect --kernels"

# .npy in and out: hello_world int8, x = 1.57 -> q -63 -> 125 (TFLite).
hw="$root/tests/data/models/hello_world_int8.tflite"
/usr/bin/python3 -c "
import numpy as np
np.save('$tmp/x.npy', np.array([[-63]], dtype=np.int8))
np.save('$tmp/xf.npy', np.array([[1.57]], dtype=np.float32))
np.save('$tmp/x3.npy', np.array([[-63, 1]], dtype=np.int8))
"
if "$octet" run "$hw" --input "$tmp/x.npy" --output "$tmp/y.npy" >/dev/null &&
   /usr/bin/python3 -c "
import numpy as np
y = np.load('$tmp/y.npy'); assert y.dtype == np.int8 and y.shape == (1, 1) and y[0, 0] == 125, y"
then ok; else bad "run --input/--output on hello_world_int8"; fi
mkdir -p "$tmp/outdir"
"$octet" run "$hw" --input "$tmp/x.npy" --output-dir "$tmp/outdir" >/dev/null &&
  [ -f "$tmp/outdir/output_0.npy" ] && ok || bad "run --output-dir"
"$octet" run "$hw" --input "$tmp/x.npy" --json | /usr/bin/python3 -c "
import json, sys; d = json.load(sys.stdin); assert d['outputs'][0]['dtype'] == 'int8'" && ok || bad "run --json"

# Errors.
expect_fail "missing model" "$octet" run "$tmp/nope.tflite" --input "$tmp/x.npy"
expect_fail "wrong dtype" "$octet" run "$hw" --input "$tmp/xf.npy"
expect_fail "wrong shape" "$octet" run "$hw" --input "$tmp/x3.npy"
expect_fail "too many inputs" "$octet" run "$hw" --input "$tmp/x.npy" --input "$tmp/x.npy"
expect_fail "no input" "$octet" run "$hw"
expect_fail "unknown option" "$octet" run "$hw" --bogus
expect_fail "bad --top" "$octet" run "$ex" --image "$root/examples/burger.jpg" --top x
expect_fail "image on non-image model" "$octet" run "$hw" --image "$root/examples/burger.jpg"
echo "not an image" >"$tmp/fake.jpg"
expect_fail "bad image" "$octet" run "$ex" --image "$tmp/fake.jpg"
expect_fail "not an npy" "$octet" run "$hw" --input "$tmp/fake.jpg"
for f in "$root"/tests/data/bad/*.tflite; do
  case $(basename "$f") in flip_*) continue ;; esac
  expect_fail "bad model $(basename "$f")" "$octet" inspect "$f"
done
# A failed write leaves no file behind and never clobbers a good one.
echo keep >"$tmp/good.npy"
expect_fail "output to a missing dir" "$octet" run "$hw" --input "$tmp/x.npy" --output "$tmp/no/such/dir/y.npy"
[ "$(cat "$tmp/good.npy")" = keep ] && ok || bad "good file was changed"
leftovers=$(find "$tmp" -name '*.tmp*' | wc -l)
[ "$leftovers" -eq 0 ] && ok || bad "temporary files left behind"

echo "test_cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
