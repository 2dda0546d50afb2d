#!/usr/bin/env bash
# The 1-N flat start and the entity bias (BENCHMARKS.md, "1-N training: the flat start and the entity bias"), on a
# CPU-sized WN18RR graph built from the training split only (eng/bench/linkpred/wn18rr_core_subset.py: triples among
# the 12,000 highest-degree entities, 1,500 of them held out for validation). Each model with the bias (now the 1-N
# default) and without it (`--entity-bias false`, the former behaviour), validation MRR after every epoch.
# Usage: eng/bench/linkpred/flat-start.sh [WN18RR_DIR]   (MLEXT_NUM_THREADS, default 1)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
data="${1:-$root/../shared/data/wn18rr}"
out="$root/build/linkpred/flat-start"
export MLEXT_NUM_THREADS="${MLEXT_NUM_THREADS:-1}"
python3 "$root/eng/bench/linkpred/wn18rr_core_subset.py" "$data" "$out/core"
for run in "distmult-nobias:--model distmult --entity-bias false --epochs 6" "distmult:--model distmult --epochs 6" \
           "rgcn-distmult-nobias:--model rgcn-distmult --entity-bias false --epochs 4" "rgcn-distmult:--model rgcn-distmult --epochs 6" \
           "compgcn-nobias:--model compgcn --entity-bias false --epochs 2" "compgcn:--model compgcn --epochs 2"; do
  name="${run%%:*}"
  # shellcheck disable=SC2086
  "$root/eng/mlext" linkpred train --train "$out/core/train.txt" --valid "$out/core/valid.txt" --out "$out/$name.zip" \
    ${run#*:} --validate-every 1 --patience 100 --seed 1 >"$out/$name.log" 2>&1
  echo "--- $name: loss and validation MRR at the end of each epoch"
  tr '\r' '\n' <"$out/$name.log" | grep -o "epoch [0-9]*/[0-9]* step [0-9]*/[0-9]* loss [0-9.]* val_mrr [0-9.]*" \
    | awk '{last[$2] = $0; if (!($2 in seen)) { seen[$2] = 1; order[n++] = $2 } } END { for (i = 0; i < n; i++) print last[order[i]] }'
  grep "epoch(s) in" "$out/$name.log"
done
