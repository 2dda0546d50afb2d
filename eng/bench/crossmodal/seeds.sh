#!/usr/bin/env bash
# Seed spread of the default model against larger steps by gradient accumulation (negatives shared across the step's
# micro-batches): trains each variant with each seed on emoji-captions pairs-train.tsv (validation held out by emoji),
# one after the other, and evaluates retrieval on pairs-test.tsv.
# Usage: eng/bench/crossmodal/seeds.sh [DATA_DIR] [OUT_DIR]   (RUNS overrides the variant:seed list, THREADS the threads)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
data="${1:-/tmp/mlx-data/emoji-captions}"
out="${2:-$root/build/bench/crossmodal-accum}"
export MLEXT_NUM_THREADS="${THREADS:-1}" OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
mkdir -p "$out"
mlext() { if [ -n "${MLEXT_DLL:-}" ]; then dotnet "$MLEXT_DLL" "$@"; else "$root/eng/mlext" "$@"; fi; }
# base: the CLI's defaults (batch 64); acc4: batch 64 x accumulation 4 (256 pairs per step, 4x fewer steps).
# acc4min: acc4 with early stopping allowed only from epoch 18 (its patience of 6 epochs is 4x fewer steps than the default's).
for run in ${RUNS:-base:42 acc4:42 base:43 base:44 acc4:43 acc4:44}; do
  v=${run%%:*}; s=${run##*:}
  case "$v" in base) extra=() ;; acc4) extra=(--accumulation 4) ;; acc4min) extra=(--accumulation 4 --min-epochs 18) ;; acc4local) extra=(--accumulation 4 --local-negatives) ;; *) echo "unknown variant $v" >&2; exit 1 ;; esac
  load="$(cut -d' ' -f1-3 /proc/loadavg)"; t0=$SECONDS
  echo "== $v seed $s start $(date -u +%T) load $load"
  mlext crossmodal train --pairs "$data/pairs-train.tsv" --out "$out/cm-$v-$s.zip" --epochs 24 --seed "$s" --valid-group '^[^:(]+' "${extra[@]}" \
    2>&1 | grep -v '^\[crossmodal train\] epoch' > "$out/train-$v-$s.log"
  t1=$SECONDS
  mlext crossmodal evaluate --model "$out/cm-$v-$s.zip" --pairs "$data/pairs-test.tsv" --metrics-out "$out/eval-$v-$s.json" --latency-items 0 > "$out/eval-$v-$s.log" 2>&1
  echo "== $v seed $s train $((t1 - t0)) s, end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
done
python3 "$root/eng/bench/crossmodal/seeds.py" "$out"
