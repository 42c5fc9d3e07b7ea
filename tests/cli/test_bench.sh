#!/usr/bin/env bash
# `octet bench`: the JSON keys bench/run.sh and users rely on, their values
# sane (positive, ordered min <= median <= p90, sizes matching the file),
# the text report, and bad arguments / missing files giving one error line
# and a non-zero exit.
# Usage: test_bench.sh OCTET [SHARED_DIR]
set -u
octet=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

expect_fail() {
  local name=$1; shift
  if "$@" >"$tmp/out" 2>"$tmp/err"; then bad "$name: exit status 0"; return; fi
  if [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -q '^octet: ' "$tmp/err"; then
    bad "$name: stderr is not one 'octet:' line:"; cat "$tmp/err"; return
  fi
  [ -s "$tmp/out" ] && { bad "$name: wrote to stdout"; return; }
  ok
}

models=("$root/tests/data/models/hello_world_int8.tflite"
        "$root/examples/mobilenet_v1_0.25_224_quant.tflite")
runs=(20 3)
for i in 0 1; do
  m=${models[$i]}
  [ -f "$m" ] || { bad "missing test model $m"; continue; }
  if ! "$octet" bench "$m" --json --runs "${runs[$i]}" --warmup 1 --threads 2 >"$tmp/b.json" 2>"$tmp/err"; then
    bad "bench --json $m failed: $(cat "$tmp/err")"; continue
  fi
  if /usr/bin/python3 - "$tmp/b.json" "$m" "${runs[$i]}" <<'PY'
import json, os, sys
d = json.load(open(sys.argv[1]))
for k in ("median_us", "p90_us", "min_us", "init_us", "first_us", "arena_bytes",
          "peak_rss_bytes", "model_bytes", "runs", "threads"):
    assert k in d, "missing key " + k
for k in ("median_us", "p90_us", "min_us", "init_us", "first_us"):
    assert isinstance(d[k], (int, float)) and d[k] > 0, (k, d[k])
assert d["min_us"] <= d["median_us"] <= d["p90_us"] <= d["max_us"], d
assert d["model_bytes"] == os.path.getsize(sys.argv[2]), d["model_bytes"]
assert d["runs"] == int(sys.argv[3]) and d["threads"] == 2, d
assert d["arena_bytes"] > 0 and d["arena_bytes"] % 1 == 0
# The whole process, arena and model included, fits in the peak RSS.
assert d["peak_rss_bytes"] > d["arena_bytes"] + d["model_bytes"], d
assert d["peak_rss_bytes"] < 1 << 31, d
PY
  then ok; else bad "bench --json content for $m: $(cat "$tmp/b.json")"; fi
done

# The arena reported is the one `inspect` plans.
m=${models[1]}
want=$("$octet" inspect --json "$m" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["arena_bytes"])')
got=$("$octet" bench "$m" --json --runs 1 --warmup 0 | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["arena_bytes"])')
[ -n "$want" ] && [ "$want" = "$got" ] && ok || bad "arena_bytes $got != inspect's $want"

# --profile: one row per (op type, kernel), counts adding up to the op
# count `inspect` reports, times positive and about one invoke in all.
if "$octet" bench "$m" --json --runs 5 --warmup 1 --profile >"$tmp/p.json" 2>"$tmp/err" &&
   "$octet" inspect --json "$m" >"$tmp/i.json" 2>>"$tmp/err" &&
   /usr/bin/python3 - "$tmp/p.json" "$tmp/i.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); ins = json.load(open(sys.argv[2]))
rows = d["profile"]
ops = ins["ops"] if isinstance(ins.get("ops"), list) else None
n = len(ops) if ops is not None else ins["op_count"]
assert sum(r["count"] for r in rows) == n, (rows, n)
assert all(r["us"] >= 0 for r in rows) and sum(r["us"] for r in rows) > 0, rows
assert [r["us"] for r in rows] == sorted((r["us"] for r in rows), reverse=True), rows
assert sum(r["us"] for r in rows) < 20 * d["max_us"], (rows, d["max_us"])
PY
then ok; else bad "bench --profile: $(cat "$tmp/err") $(head -c 400 "$tmp/p.json")"; fi

# Text report.
out=$("$octet" bench "${models[0]}" --runs 5) || bad "bench text exit status"
for k in "init:" "first:" "median" "p90" "arena:" "peak RSS:"; do
  grep -qF "$k" <<<"$out" && ok || bad "text report lacks '$k': $out"
done
# --ref runs and says so.
"$octet" bench "${models[0]}" --runs 2 --ref --json | grep -qF '"kernels":"ref"' && ok || bad "--ref"

# --verbose: which kernel each op runs, one entry per (op, kernel), counts
# summing to the model's op count.
"$octet" bench "$m" --runs 1 --warmup 0 --verbose | grep -qE "^  CONV_2D +[^ ].* x[0-9]+$" &&
  ok || bad "--verbose lists no CONV_2D kernel"
if "$octet" bench "$m" --runs 1 --warmup 0 --verbose --json >"$tmp/v.json" &&
   "$octet" inspect --json "$m" >"$tmp/i.json" &&
   /usr/bin/python3 - "$tmp/v.json" "$tmp/i.json" <<'PY'
import json, sys
v, i = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
ku = v["kernels_used"]
assert sum(k["count"] for k in ku) == len(i["ops"]), (ku, len(i["ops"]))
assert {k["op"] for k in ku} == {o["type"] for o in i["ops"]}, ku
assert all(k["kernel"] for k in ku), ku
PY
then ok; else bad "--verbose --json kernels_used"; fi

hw=${models[0]}
expect_fail "no model" "$octet" bench
expect_fail "missing file" "$octet" bench "$tmp/nope.tflite"
expect_fail "runs 0" "$octet" bench "$hw" --runs 0
expect_fail "runs not a number" "$octet" bench "$hw" --runs ten
expect_fail "threads 0" "$octet" bench "$hw" --threads 0
expect_fail "negative warmup" "$octet" bench "$hw" --warmup -1
expect_fail "runs without value" "$octet" bench "$hw" --runs
expect_fail "unknown option" "$octet" bench "$hw" --fast
expect_fail "two models" "$octet" bench "$hw" "$hw"
printf 'not a model' >"$tmp/bad.tflite"
expect_fail "not a model" "$octet" bench "$tmp/bad.tflite"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
