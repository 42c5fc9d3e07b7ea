#!/usr/bin/env bash
# Seeds the fuzz corpora from the repo's fixtures and ../shared/models.
#   scripts/make_fuzz_corpus.sh [OUT_DIR] [MAX_BYTES]
# Default: fuzz/corpus/<harness>/ with files up to 16 KiB (what is
# committed). scripts/fuzz.sh calls it again at run time with a scratch
# OUT_DIR and a larger MAX_BYTES, to add the big models from ../shared.
# Files are named by content hash, as libFuzzer names its own finds.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-fuzz/corpus}
max=${2:-16384}
shared=${OCT_SHARED_DIR:-../shared}

add() { # harness file
  local h=$1 f=$2 size
  size=$(stat -c %s "$f")
  [ "$size" -le "$max" ] || return 0
  mkdir -p "$out/$h"
  cp "$f" "$out/$h/$(sha1sum "$f" | cut -c1-16)"
}

find_seeds() { # dir pattern...
  local dir=$1; shift
  [ -d "$dir" ] || return 0
  local args=() p
  for p in "$@"; do args+=(-o -name "$p"); done
  find -L "$dir" -type f \( -false "${args[@]}" \) | sort
}

while read -r f; do add tflite "$f"; done < <(find_seeds tests/data '*.tflite'; find_seeds "$shared/models" '*.tflite')
while read -r f; do add onnx "$f"; done < <(find_seeds tests/data '*.onnx'; find_seeds "$shared/models" '*.onnx')
while read -r f; do add npy "$f"; done < <(find_seeds tests/data '*.npy'; find_seeds "$shared/models" '*.npy')
while read -r f; do add image "$f"; done < <(find_seeds tests/data '*.png' '*.jpg' '*.jpeg' '*.bmp'
                                               find_seeds "$shared/models" '*.png' '*.jpg' '*.jpeg' '*.bmp')
for h in tflite onnx npy image; do
  printf '%s: %s files\n' "$h" "$(find "$out/$h" -type f 2>/dev/null | wc -l)"
done
