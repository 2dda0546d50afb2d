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
source "$root/eng/bench/cuda/wn18rr-side-by-side.sh"
ns="--loss ns --negatives 32 --margin 6 --dim 100 --batch-size 1024 --lr 0.002 --patience 3"
wn18rr_side_by_side "$data" "$out" "${MINUTES:-4}" "rotate:--model rotate $ns --seed 1" "transe:--model transe $ns --seed 1" \
  "compgcn:--model compgcn --patience 5 --seed 1" "rgcn-distmult:--model rgcn-distmult --patience 5 --seed 1"
