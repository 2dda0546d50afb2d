#!/usr/bin/env bash
# Report of the cross-modal encoder on emoji-captions (built by ../shared/datasets/prep-all.sh):
# train on pairs-train.tsv (see the variants below), evaluate retrieval on pairs-test.tsv, zero-shot classify the test images into the emoji groups and subgroups of emoji.tsv (zeroshot.py).
# Usage: eng/bench/crossmodal/run.sh [DATA_DIR] [OUT_DIR]   (EPOCHS, THREADS override the defaults; REUSE=1 keeps models
# already trained in OUT_DIR and only evaluates them)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
data="${1:-/tmp/mlx-data/emoji-captions}"
out="${2:-$root/build/bench/crossmodal}"
epochs="${EPOCHS:-24}"
# One torch thread: on the shared 2-core machine two threads per process slowed training ~20x under load.
export MLEXT_NUM_THREADS="${THREADS:-1}"
mkdir -p "$out"
# MLEXT_DLL: run a fixed build of the CLI (dotnet mlext.dll) instead of eng/mlext.
mlext() { if [ -n "${MLEXT_DLL:-}" ]; then dotnet "$MLEXT_DLL" "$@"; else "$root/eng/mlext" "$@"; fi; }

# The CLI's defaults (chosen on the validation pairs, see BENCHMARKS.md) and a fixed seed. The validation pairs are
# held out by emoji (the name before ':' or '('), with all their skin-tone variants, as the test split is.
common=(--epochs "$epochs" --seed 42 --valid-group '^[^:(]+')

# Variants: transformer (CNN + transformer text encoder), bow (bag-of-subwords text baseline), fusion (the transformer
# model plus the fusion re-ranker trained on its frozen encoders: `--from` the transformer model gives exactly the model
# that `train --fusion` gives, without training the encoders again; evaluated with and without re-ranking the top 10),
# vit (ViT image encoder). VARIANTS picks a subset; fusion needs transformer first.
for variant in ${VARIANTS:-transformer bow fusion}; do
  case "$variant" in
    transformer) extra=(--text-encoder transformer); evalExtra=() ;;
    bow) extra=(--text-encoder bow); evalExtra=() ;;
    fusion) extra=(--text-encoder transformer --fusion --from "$out/cm-transformer.zip" ${FUSION_ARGS:-}); evalExtra=(--rerank 10) ;;  # the match weight chosen at training
    vit) extra=(--image-encoder vit); evalExtra=() ;;
    *) echo "unknown variant $variant" >&2; exit 1 ;;
  esac
  if [ -n "${REUSE:-}" ] && [ -f "$out/cm-$variant.zip" ] && [ -f "$out/train-$variant.log" ]; then
    echo "reusing $out/cm-$variant.zip (REUSE is set)"
  else
    load="$(cut -d' ' -f1-3 /proc/loadavg)"
    start=$SECONDS
    mlext crossmodal train --pairs "$data/pairs-train.tsv" --out "$out/cm-$variant.zip" "${extra[@]}" "${common[@]}" \
      2>&1 | grep -v '^\[crossmodal train\] epoch' | tee "$out/train-$variant.log"
    echo "$((SECONDS - start)) s wall; load average before: $load" > "$out/train-$variant.time"
  fi
  mlext crossmodal evaluate --model "$out/cm-$variant.zip" --pairs "$data/pairs-test.tsv" --metrics-out "$out/eval-$variant.json" "${evalExtra[@]}" > /dev/null
  if [ "$variant" = fusion ]; then  # the head alone decides the order of the top 10 (weight 1000 dwarfs the cosine term)
    mlext crossmodal evaluate --model "$out/cm-$variant.zip" --pairs "$data/pairs-test.tsv" --metrics-out "$out/eval-$variant-head.json" \
      --rerank 10 --match-weight 1000 --latency-items 0 > /dev/null
  fi
  # Zero-shot groups and subgroups: the settings chosen on the validation pairs (`zeroshot.py valid`, see
  # BENCHMARKS.md), beside the previous report's (group names; subgroup names; classes = the test images' labels).
  CONFIGS="${ZS_CONFIGS:-g-prev g-sub-max-cap g-sub-sum-cap g-train-sum s-prev s-names-cap s-train-sum}" VARIANTS="$variant" \
    python3 "$root/eng/bench/crossmodal/zeroshot.py" test "$data" "$out" > "$out/zs-test-$variant.md"
done
python3 "$root/eng/bench/crossmodal/summarize.py" "$out"
