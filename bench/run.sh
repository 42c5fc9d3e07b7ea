#!/usr/bin/env bash
# octet against its peers, on the same models, in one run:
#   - octet (`octet bench --json`) on .tflite files octet converted from ONNX,
#     float32 and full int8 (`--quantize int8`, calibrated);
#   - TensorFlow Lite 2.9 native with XNNPACK (../shared/tools/tflite_ref.js
#     --engine native) on the very same .tflite files;
#   - ONNX Runtime (../shared/tools/ort_ref.js, one intra-op thread) on the
#     float ONNX file octet converted and on a QDQ int8 ONNX of the same
#     network made by PyTorch's post-training quantization (qnnpack);
#   - octet int8 with 2 threads;
#   - XNNPACK's qs8 / f32 fully-connected operators against octet on
#     MobileNetV2's 1x1-conv GEMM shapes (bench/gemm_xnnpack.c), in GOPS.
# Models: MobileNetV2 1.0 224 (scripts/make_bench_models.py) and the four
# Fashion-MNIST fixtures (tests/data/fixtures). Prints one table; the raw
# JSON of every measurement stays in $OUT/results/.
#
#   bash bench/run.sh [--runs N] [--warmup N] [--quick] [--no-gemm] [--clean]
#                     [--reconvert]
#
#   --runs N     timed runs per model and engine (default 30; 10 with --quick)
#   --quick      MobileNetV2 only, fewer runs
#   --no-gemm    skip the XNNPACK GEMM comparison
#   --reconvert  convert again even when the .tflite files exist (after the
#                converter or quantizer changed)
#   --clean      wrap every timing in ../shared/tools/run_clean.sh (waits for
#                an idle machine; retries when other jobs interfered)
# Environment: OCTET_BUILD (default build), OUT (default build/bench-models),
# SHARED (default ../shared), OCTET_PEERS_DIR (peers' npm cache).
#
# Not a CI test (minutes of CPU). Timings on a shared machine are noisy:
# compare the numbers of one run with each other, not across runs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${OCTET_BUILD:-build}
out=${OUT:-$build/bench-models}
shared=${SHARED:-$root/../shared}
py=/usr/bin/python3
runs=30 warmup=5 quick=0 gemm=1 clean=0 reconvert=0
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    --quick) quick=1; runs=10; warmup=2 ;;
    --no-gemm) gemm=0 ;;
    --reconvert) reconvert=1 ;;
    --clean) clean=1 ;;
    -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
res=$out/results
mkdir -p "$res"
# No stale numbers from an earlier run in this run's table.
rm -f "$res"/*.json "$res"/*.txt
log() { echo "== $*" >&2; }
timed() { if [ "$clean" = 1 ]; then bash "$shared/tools/run_clean.sh" "$@"; else "$@"; fi; }

# ---- octet
# Always (re)build: incremental, so a run measures the code checked out.
[ -f "$build/CMakeCache.txt" ] || cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
log "building octet in $build"
cmake --build "$build" -j2 --target octet octet_io octet_runtime >/dev/null
octet=$build/octet

# ---- models
if [ ! -f "$out/mobilenet_v2_qdq.onnx" ] || [ ! -f "$out/mobilenet_v2_calib.npy" ]; then
  log "making MobileNetV2 models (scripts/make_bench_models.py, ~2 min)"
  $py scripts/make_bench_models.py --out "$out" --skip-fixtures >&2
fi
models=(mobilenet_v2)
if [ "$quick" = 0 ]; then
  if [ ! -f "$out/resnet_tiny_qdq.onnx" ]; then
    log "making Fashion-MNIST QDQ models"
    $py scripts/make_bench_models.py --out "$out" --skip-mobilenet >&2
  fi
  models+=(mlp cnn_bn mobilenet_v2_tiny resnet_tiny)
fi

for m in "${models[@]}"; do
  calib=$out/${m}_calib.npy
  [ -f "$calib" ] || calib=tests/data/fixtures/fmnist_calib_512_x.npy
  if [ "$reconvert" = 1 ] || [ ! -f "$out/$m.f32.tflite" ] ||
     [ "$out/$m.onnx" -nt "$out/$m.f32.tflite" ]; then
    log "convert $m float32"
    "$octet" convert "$out/$m.onnx" -o "$out/$m.f32.tflite" >"$res/$m.convert_f32.txt"
  fi
  if [ "$reconvert" = 1 ] || [ ! -f "$out/$m.int8.tflite" ] ||
     [ "$out/$m.onnx" -nt "$out/$m.int8.tflite" ]; then
    log "convert $m int8 (calibration: $calib)"
    "$octet" convert "$out/$m.onnx" -o "$out/$m.int8.tflite" --quantize int8 \
      --calibration "$calib" >"$res/$m.convert_int8.txt"
  fi
done

# ---- peers
peers=1
if ! command -v node >/dev/null || [ ! -f "$shared/tools/tflite_ref.js" ]; then
  log "node or $shared/tools missing: measuring octet only"; peers=0
else
  OCTET_PEERS_DIR=$(sh "$shared/tools/setup.sh") || { log "peer setup failed: octet only"; peers=0; }
  export OCTET_PEERS_DIR
fi

# ---- measure: all engines on one model back to back, model after model
for m in "${models[@]}"; do
  for q in f32 int8; do
    log "$m $q: octet"
    timed "$octet" bench "$out/$m.$q.tflite" --json --verbose --runs "$runs" --warmup "$warmup" \
      --threads 1 >"$res/$m.$q.octet.txt" || log "octet failed on $m $q"
    if [ "$q" = int8 ]; then
      log "$m int8: octet, 2 threads"
      timed "$octet" bench "$out/$m.int8.tflite" --json --runs "$runs" --warmup "$warmup" \
        --threads 2 >"$res/$m.int8.octet_t2.txt" || log "octet failed on $m int8, 2 threads"
    fi
    [ "$peers" = 1 ] || continue
    log "$m $q: TFLite 2.9 native + XNNPACK"
    timed node "$shared/tools/tflite_ref.js" "$out/$m.$q.tflite" --engine native --threads 1 \
      --fill random --out-dir "$res/tmp" --iters "$runs" --warmup "$warmup" \
      --json "$res/$m.$q.tflite.json" >"$res/$m.$q.tflite.txt" 2>&1 || log "TFLite failed on $m $q"
    onnx=$out/$m.onnx
    [ "$q" = int8 ] && onnx=$out/${m}_qdq.onnx
    log "$m $q: ONNX Runtime ($(basename "$onnx"))"
    timed node "$shared/tools/ort_ref.js" "$onnx" --in "$out/${m}_input.npy" --threads 1 \
      --out-dir "$res/tmp" --iters "$runs" --warmup "$warmup" \
      --json "$res/$m.$q.ort.json" >"$res/$m.$q.ort.txt" 2>&1 || log "ORT failed on $m $q"
  done
done

# ---- XNNPACK GEMM
gemm_json=
if [ "$gemm" = 1 ]; then
  if [ ! -f /usr/include/xnnpack.h ] || [ ! -f /usr/include/pthreadpool.h ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      log "installing libxnnpack-dev libpthreadpool-dev"
      DEBIAN_FRONTEND=noninteractive apt-get install -y libxnnpack-dev libpthreadpool-dev >&2 || true
    fi
  fi
  if [ -f /usr/include/xnnpack.h ] && [ -f /usr/include/pthreadpool.h ]; then
    cc -O2 -std=c11 -Iinclude -Isrc -Itests bench/gemm_xnnpack.c "$build/liboctet_io.a" \
      "$build/liboctet_runtime.a" -lXNNPACK -lpthreadpool -lm -lpthread -o "$build/gemm_xnnpack"
    log "GEMM: XNNPACK vs octet on MobileNetV2's 1x1 shapes"
    if timed "$build/gemm_xnnpack" --runs "$(( runs < 20 ? runs : 20 ))" --json >"$res/gemm.txt"; then
      gemm_json=$res/gemm.txt
    else
      log "gemm_xnnpack failed"
    fi
  else
    log "XNNPACK headers missing (apt-get install libxnnpack-dev libpthreadpool-dev): no GEMM table"
  fi
fi

# ---- table
$py - "$res" "$gemm_json" "${models[@]}" <<'PY'
import json, os, sys
res, gemm = sys.argv[1], sys.argv[2]
models = sys.argv[3:]

def load(path):
    """The JSON object in a tool's output (run_clean.sh adds lines around it)."""
    if not os.path.exists(path):
        return None
    text = open(path).read()
    if path.endswith(".json"):
        return json.loads(text)
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    return None

STAT = "median"


def ms(d, kind):
    if d is None:
        return None
    if kind == "octet":
        return d[STAT + "_us"] / 1e3
    return d["latency_us"][STAT] / 1e3

def fmt(v, w=8, p=3):
    return f"{v:{w}.{p}f}" if v is not None else f"{'-':>{w}}"

def ratio(a, b):
    return a / b if a is not None and b else None

def latency_table(title):
    print()
    print(f"{STAT} latency in ms, {title}")
    hdr = (f"{'model':18} {'type':5} {'octet':>8} {'TFLite':>8} {'ORT':>8} "
           f"{'oct/TFL':>8} {'oct/ORT':>8} {'octet 2t':>8} {'1t/2t':>6}")
    print(hdr)
    print("-" * len(hdr))
    rows = {}
    for m in models:
        for q in ("f32", "int8"):
            o = ms(load(f"{res}/{m}.{q}.octet.txt"), "octet")
            t = ms(load(f"{res}/{m}.{q}.tflite.json"), "peer")
            r = ms(load(f"{res}/{m}.{q}.ort.json"), "peer")
            o2 = ms(load(f"{res}/{m}.int8.octet_t2.txt"), "octet") if q == "int8" else None
            rows[(m, q)] = (o, t, r)
            print(f"{m:18} {q:5} {fmt(o)} {fmt(t)} {fmt(r)} {fmt(ratio(o, t), 8, 2)} "
                  f"{fmt(ratio(o, r), 8, 2)} {fmt(o2)} {fmt(ratio(o, o2), 6, 2)}")
    return rows


rows = latency_table("1 thread unless stated (ratios < 1: octet faster)")
STAT = "min"
latency_table("the same runs (less sensitive to other jobs on a shared machine)")
STAT = "median"
print()
print("int8 / float32 latency ratio (< 1: int8 faster)")
print(f"{'model':18} {'octet':>8} {'TFLite':>8} {'ORT':>8} {'oct i8/ORT f32':>15}")
for m in models:
    f, i = rows[(m, "f32")], rows[(m, "int8")]
    print(f"{m:18} {fmt(ratio(i[0], f[0]), 8, 2)} {fmt(ratio(i[1], f[1]), 8, 2)} "
          f"{fmt(ratio(i[2], f[2]), 8, 2)} {fmt(ratio(i[0], f[2]), 15, 2)}")
print()
print(f"{'model':18} {'type':5} {'init ms':>8} {'first ms':>8} {'p90 ms':>8} {'min ms':>8} "
      f"{'arena KiB':>10} {'RSS MiB':>8} {'file KiB':>9}")
for m in models:
    for q in ("f32", "int8"):
        d = load(f"{res}/{m}.{q}.octet.txt")
        if d:
            print(f"{m:18} {q:5} {d['init_us']/1e3:8.2f} {d['first_us']/1e3:8.2f} "
                  f"{d['p90_us']/1e3:8.3f} {d['min_us']/1e3:8.3f} {d['arena_bytes']/1024:10.0f} "
                  f"{d['peak_rss_bytes']/2**20:8.1f} {d['model_bytes']/1024:9.0f}")
print()
print("octet kernels (op kernel x count)")
for m in models:
    for q in ("f32", "int8"):
        d = load(f"{res}/{m}.{q}.octet.txt")
        if d and "kernels_used" in d:
            ks = ", ".join(f"{k['op']} {k['kernel']} x{k['count']}" for k in d["kernels_used"])
            print(f"  {m} {q}: {ks}")
g = load(gemm) if gemm else None
if g:
    print()
    print("GEMM on MobileNetV2-224's 34 pointwise convs (GOPS = 2*M*K*N / time; "
          "ratio = octet / XNNPACK, > 1: octet faster)")
    print(f"{'M x K x N':16} {'count':>5} {'XNN qs8':>8} {'octet i8':>8} {'ratio':>6} "
          f"{'XNN f32':>8} {'octet f32':>9} {'ratio':>6}  octet kernel i8/f32")
    for s in g["shapes"]:
        name = f"{s['m']}x{s['k']}x{s['n']}"
        print(f"{name:16} {s['count']:5} {s['xnn_qs8_gops']:8.1f} {s['octet_int8_gops']:8.1f} "
              f"{s['octet_int8_gops']/s['xnn_qs8_gops']:6.2f} {s['xnn_f32_gops']:8.1f} "
              f"{s['octet_f32_gops']:9.1f} {s['octet_f32_gops']/s['xnn_f32_gops']:6.2f}  "
              f"{s['octet_int8_kernel']}/{s['octet_f32_kernel']}")
    t = g["total"]
    print(f"{'all (weighted)':16} {'':5} {t['xnn_qs8_gops']:8.1f} {t['octet_int8_gops']:8.1f} "
          f"{t['int8_ratio']:6.2f} {t['xnn_f32_gops']:8.1f} {t['octet_f32_gops']:9.1f} "
          f"{t['f32_ratio']:6.2f}")
PY
