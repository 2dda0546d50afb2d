#!/usr/bin/env bash
# Short-run link-prediction figures on WN18RR (../shared/data/wn18rr; not part of a user's clone):
#   1. the DistMult 1-N training step, MLExtensions trainer vs python3-torch (same data, batch, loss, optimizer);
#   2. a short DistMult training run (negative sampling) through the CLI, then filtered evaluation on the test split.
# Usage: eng/bench/linkpred/run.sh [DATA_DIR]   (threads: MLEXT_NUM_THREADS, default 1 here)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
data="${1:-$root/../shared/data/wn18rr}"
out="$root/build/linkpred"
export MLEXT_NUM_THREADS="${MLEXT_NUM_THREADS:-1}"
mkdir -p "$out"
dotnet build "$root/eng/bench/linkpred/LinkPredBench/LinkPredBench.csproj" -c Release -v quiet --nologo >/dev/null
dotnet "$root/eng/bench/linkpred/LinkPredBench/bin/Release/net10.0/linkpred-bench.dll" "$data" --steps 10
/usr/bin/python3 "$root/eng/bench/linkpred/torch_distmult_peer.py" "$data" --steps 10
"$root/eng/mlext" linkpred train --train "$data/train.txt" --valid "$data/valid.txt" --out "$out/wn18rr-distmult.zip" \
  --model distmult --loss ns --negatives 16 --dim 64 --batch-size 1024 --lr 0.05 --epochs 2 --valid-max 300 --seed 1
"$root/eng/mlext" linkpred evaluate --model "$out/wn18rr-distmult.zip" --test "$data/test.txt" \
  --filter "$data/train.txt,$data/valid.txt" --metrics-out "$out/wn18rr-distmult-test.json"
