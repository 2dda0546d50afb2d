#!/usr/bin/env bash
# The WN18RR runs the link-prediction target still needs, on one CUDA GPU, side by side under one time budget each,
# settings fixed before the run (all chosen earlier on valid):
#   compgcn-bias / rgcn-bias   CompGCN and R-GCN with the DistMult decoder and the trainer's defaults, which now include
#                              the 1-N entity bias (its first CPU epoch: validation MRR 0.059 against 0.006 without);
#                              early stopping held off for 30 epochs;
#   complex-seed3              the chosen ComplEx setting (1vsAll, reciprocal, N3 0.1, Adagrad 0.1, rank 500) with a
#                              third seed (seeds 1 and 2: 0.478 / 0.472 like-for-like);
#   rotate-500                 RotatE at its published size with the learning rate chosen on valid (0.0005), now with
#                              one corrupted side per batch (about a third to half of the old step's time).
# Then the filtered test evaluation (filters: train, valid, test) of each on the GPU.
# Usage: eng/bench/cuda/wn18rr-next.sh WN18RR_DIR OUT_DIR   (MLEXT_CLI, MINUTES, MLEXT_NATIVE_BUILD as in run.sh;
#        ONLY=REGEX runs only the runs whose name matches, e.g. two calls: ONLY='compgcn|rgcn|complex' then ONLY=rotate)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
data="${1:?usage: wn18rr-next.sh WN18RR_DIR OUT_DIR}"
out="${2:?usage: wn18rr-next.sh WN18RR_DIR OUT_DIR}"
source "$root/eng/bench/cuda/wn18rr-side-by-side.sh"
rot="--model rotate --loss ns --negatives 1024 --adversarial-temperature 0.5 --margin 6 --dim 500 --batch-size 512 --patience 3"
kge="--loss 1vsall --reciprocal --optimizer adagrad --dim 500 --batch-size 100 --lr 0.1 --regularizer n3 --patience 5"
wn18rr_side_by_side "$data" "$out" "${MINUTES:-8}" \
  "compgcn-bias:--model compgcn --patience 5 --min-epochs 30 --seed 1" "rgcn-bias:--model rgcn-distmult --patience 5 --min-epochs 30 --seed 1" \
  "complex-seed3:--model complex $kge --reg-weight 0.1 --seed 3" "rotate-500:$rot --lr 0.0005 --seed 1"
