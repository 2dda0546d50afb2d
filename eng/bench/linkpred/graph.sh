#!/usr/bin/env bash
# Homogeneous-graph link prediction on the digits k-NN graph (eng/bench/linkpred/digits_graph.py, from data/digits.csv.gz):
# GraphSAGE and GCN trained on the training nodes, then filtered ranking of
#   1. held-out edges between training nodes (transductive),
#   2. edges of nodes unseen at training, embedded from their features and their other (revealed) edges,
#   3. the same edges with the unseen nodes embedded from their features alone.
# Usage: eng/bench/linkpred/graph.sh   (threads: MLEXT_NUM_THREADS, default 1 here)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
g="$root/build/linkpred/digits-graph"
out="$root/build/linkpred"
export MLEXT_NUM_THREADS="${MLEXT_NUM_THREADS:-1}"
mkdir -p "$out"
/usr/bin/python3 "$root/eng/bench/linkpred/digits_graph.py" "$g"
for model in graphsage gcn; do
  echo "== $model (load $(cut -d' ' -f1-3 /proc/loadavg))"
  "$root/eng/mlext" linkpred train --model "$model" --edges "$g/train.tsv" --node-features "$g/features.csv" --valid "$g/valid.tsv" \
    --out "$out/digits-$model.zip" --epochs 60 --seed 1 | grep -v ' step '
  "$root/eng/mlext" linkpred evaluate --model "$out/digits-$model.zip" --test "$g/test.tsv" --filter "$g/valid.tsv" \
    --metrics-out "$out/digits-$model-test.json"
  "$root/eng/mlext" linkpred evaluate --model "$out/digits-$model.zip" --test "$g/unseen-test.tsv" --filter "$g/valid.tsv,$g/test.tsv" \
    --node-features "$g/unseen-features.csv" --edges "$g/unseen-revealed.tsv" --metrics-out "$out/digits-$model-unseen.json"
  "$root/eng/mlext" linkpred evaluate --model "$out/digits-$model.zip" --test "$g/unseen-test.tsv" --filter "$g/valid.tsv,$g/test.tsv" \
    --node-features "$g/unseen-features.csv" --metrics-out "$out/digits-$model-unseen-features-only.json"
done
"$root/eng/mlext" linkpred predict --model "$out/digits-graphsage.zip" --query "$g/queries.txt" --k 5 --out "$out/digits-graphsage-top5.csv"
