#!/usr/bin/env bash
# WN18RR on one CUDA GPU, five runs side by side under one time budget each, settings fixed before the run:
#   rotate-500-lr*   RotatE at its published size (dim 500, 1,024 self-adversarial negatives, α 0.5, γ 6, batch 512),
#                    AdamW at three learning rates (0.002, the rate the dim-100 CPU pilot chose on valid; 0.001; 0.0005);
#                    the one to report is chosen on validation MRR;
#   compgcn-min30    CompGCN + DistMult (trainer defaults) with early stopping held off for 30 epochs (its ~13-epoch
#                    flat start ended the earlier run);
#   complex-seed2 / distmult-seed2   the 1vsAll + N3 settings of run.sh part 4 (N3 0.1 / 0.05, chosen there on valid)
#                    with a second seed.
# Then the filtered test evaluation (filters: train, valid, test) of each on the GPU.
# Usage: eng/bench/cuda/wn18rr-published-size.sh WN18RR_DIR OUT_DIR   (MLEXT_CLI, MINUTES, MLEXT_NATIVE_BUILD as in run.sh;
#        ONLY=REGEX runs only the runs whose name matches)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
data="${1:?usage: wn18rr-published-size.sh WN18RR_DIR OUT_DIR}"
out="${2:?usage: wn18rr-published-size.sh WN18RR_DIR OUT_DIR}"
source "$root/eng/bench/cuda/wn18rr-side-by-side.sh"
rot="--model rotate --loss ns --negatives 1024 --adversarial-temperature 0.5 --margin 6 --dim 500 --batch-size 512 --patience 3"
kge="--loss 1vsall --reciprocal --optimizer adagrad --dim 500 --batch-size 100 --lr 0.1 --regularizer n3 --patience 5 --seed 2"
wn18rr_side_by_side "$data" "$out" "${MINUTES:-7}" \
  "rotate-500-lr0.002:$rot --lr 0.002 --seed 1" "rotate-500-lr0.001:$rot --lr 0.001 --seed 1" "rotate-500-lr0.0005:$rot --lr 0.0005 --seed 1" \
  "compgcn-min30:--model compgcn --patience 5 --min-epochs 30 --seed 1" \
  "complex-seed2:--model complex $kge --reg-weight 0.1" "distmult-seed2:--model distmult $kge --reg-weight 0.05"
