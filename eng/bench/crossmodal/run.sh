#!/usr/bin/env bash
# Short-run report of the cross-modal encoder on emoji-captions (built by ../shared/datasets/prep-all.sh):
# train on pairs-train.tsv (see the variants below), evaluate retrieval on pairs-test.tsv, zero-shot classify the test images into the emoji groups and subgroups of emoji.tsv.
# Usage: eng/bench/crossmodal/run.sh [DATA_DIR] [OUT_DIR]   (EPOCHS, THREADS override the defaults)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
data="${1:-/tmp/mlx-data/emoji-captions}"
out="${2:-$root/build/bench/crossmodal}"
epochs="${EPOCHS:-6}"
export MLEXT_NUM_THREADS="${THREADS:-2}"
mkdir -p "$out"
# MLEXT_DLL: run a fixed build of the CLI (dotnet mlext.dll) instead of eng/mlext.
mlext() { if [ -n "${MLEXT_DLL:-}" ]; then dotnet "$MLEXT_DLL" "$@"; else "$root/eng/mlext" "$@"; fi; }

# Small architecture: short CPU runs, not a tuned model.
common=(--image-size 32 --width 16 --dim 64 --text-width 64 --text-layers 1 --batch-size 64 --epochs "$epochs"
        --max-tokens 48 --lr 2e-3 --patience 3 --seed 42)

# Zero-shot sets: test-split images labelled by group and by subgroup.
awk -F'\t' -v d="$data" 'NR==1{print "image_path\tlabel"; next} $11=="test"{print d"/"$1"\t"$7}' "$data/emoji.tsv" > "$out/zs-group.tsv"
awk -F'\t' -v d="$data" 'NR==1{print "image_path\tlabel"; next} $11=="test"{print d"/"$1"\t"$8}' "$data/emoji.tsv" > "$out/zs-subgroup.tsv"

# Variants: transformer (CNN + transformer text encoder), bow (bag-of-subwords text baseline), fusion (transformer
# plus the fusion re-ranker; evaluated with and without re-ranking the top 10). VARIANTS picks a subset.
for variant in ${VARIANTS:-transformer bow fusion}; do
  case "$variant" in
    transformer) extra=(--text-encoder transformer); evalExtra=() ;;
    bow) extra=(--text-encoder bow); evalExtra=() ;;
    fusion) extra=(--text-encoder transformer --fusion); evalExtra=(--rerank 10) ;;
    *) echo "unknown variant $variant" >&2; exit 1 ;;
  esac
  start=$SECONDS
  mlext crossmodal train --pairs "$data/pairs-train.tsv" --out "$out/cm-$variant.zip" "${extra[@]}" "${common[@]}" \
    2>&1 | grep -v '^\[crossmodal train\] epoch' | tee "$out/train-$variant.log"
  echo "$((SECONDS - start)) s wall" > "$out/train-$variant.time"
  mlext crossmodal evaluate --model "$out/cm-$variant.zip" --pairs "$data/pairs-test.tsv" --metrics-out "$out/eval-$variant.json" "${evalExtra[@]}" > /dev/null
  for level in group subgroup; do
    mlext crossmodal zeroshot --model "$out/cm-$variant.zip" --in "$out/zs-$level.tsv" \
      --template "{0}" --template "an emoji of {0}" --template "{0} emoji" --metrics-out "$out/zs-$level-$variant.json" > /dev/null
  done
done
python3 "$root/eng/bench/crossmodal/summarize.py" "$out"
