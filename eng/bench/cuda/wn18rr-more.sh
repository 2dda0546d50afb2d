#!/usr/bin/env bash
# More WN18RR models on one CUDA GPU, side by side under a time budget each, settings fixed before the run:
#   RotatE and TransE (negative sampling, 32 self-adversarial negatives, γ 6, dim 100, batch 1024, AdamW 0.002 — the
#   learning rate RotatE's 5-epoch pilot chose on valid on the CPU), CompGCN and R-GCN with the DistMult decoder (the
#   trainer's defaults: 1-N BCE, dim 200), early stopping on the full validation split; then the filtered test evaluation
#   (filters: train, valid, test) of each on the GPU.
# Usage: eng/bench/cuda/wn18rr-more.sh WN18RR_DIR OUT_DIR   (MLEXT_CLI, MINUTES, MLEXT_NATIVE_BUILD as in run.sh)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
data="${1:?usage: wn18rr-more.sh WN18RR_DIR OUT_DIR}"
out="${2:?usage: wn18rr-more.sh WN18RR_DIR OUT_DIR}"
cli="${MLEXT_CLI:-$root/build/cli/mlext.dll}"
minutes="${MINUTES:-4}"
mkdir -p "$out"
echo "== $(date -u +%H:%M:%S) native build"
source "$root/eng/bench/cuda/build-native.sh" "${MLEXT_NATIVE_BUILD:-/tmp/mlext-native}" "$out/native-build.log" || exit 1
echo "== $(date -u +%H:%M:%S) training, $minutes min each, side by side"
nvidia-smi --query-gpu=timestamp,utilization.gpu,memory.used --format=csv -l 20 >"$out/gpu-use.csv" 2>&1 &
smi=$!
ns="--loss ns --negatives 32 --margin 6 --dim 100 --batch-size 1024 --lr 0.002 --patience 3"
pids=()
for run in "rotate:--model rotate $ns" "transe:--model transe $ns" "compgcn:--model compgcn --patience 5" "rgcn-distmult:--model rgcn-distmult --patience 5"; do
  name="wn18rr-${run%%:*}"
  # shellcheck disable=SC2086
  MLEXT_NUM_THREADS=3 dotnet "$cli" linkpred train --gpu 0 --train "$data/train.txt" --valid "$data/valid.txt" \
    --out "$out/$name.zip" ${run#*:} --epochs 500 --validate-every 1 --max-minutes "$minutes" --seed 1 >"$out/$name.log" 2>&1 &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
kill "$smi" 2>/dev/null
for f in "$out"/wn18rr-*.log; do echo "--- $(basename "$f")"; tr '\r' '\n' <"$f" | grep -i -E "epoch|valid|best|stopp|saved|error|exception" | tail -4; done
echo "== $(date -u +%H:%M:%S) filtered test evaluation"
for z in "$out"/wn18rr-*.zip; do
  name="$(basename "$z" .zip)"
  echo "$name"
  dotnet "$cli" linkpred evaluate --gpu 0 --model "$z" --test "$data/test.txt" \
    --filter "$data/train.txt,$data/valid.txt,$data/test.txt" --metrics-out "$out/$name-test-gpu.json" 2>&1 | tail -2
done
rm -f "$out"/wn18rr-*.zip
echo "== $(date -u +%H:%M:%S) done"
