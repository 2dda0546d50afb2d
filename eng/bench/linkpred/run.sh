#!/usr/bin/env bash
# Short-run link-prediction figures on WN18RR (../shared/data/wn18rr; not part of a user's clone):
#   1. the DistMult 1-N training step, MLExtensions trainer vs python3-torch (same data, batch, loss, optimizer);
#   2. a short DistMult training run (negative sampling) through the CLI, then filtered evaluation on the test split;
#   3. the negative-sampling step with row-wise vs dense entity updates, alternated;
#   4. the longer DistMult (13 epochs at most) and ComplEx (8 at most) runs, early stopping on validation MRR, then the test split;
#   5. the 1-N step again, ours and the peer alternated (three pairs), and the peer with our glibc allocator settings;
#   6. 1vsAll cross-entropy with reciprocal relations (ComplEx; time-budgeted, stopped after one epoch in BENCHMARKS.md);
#   7. ComplEx with negative sampling and reciprocal relations, RotatE with negative sampling (time-budgeted), then the test split;
#   8. RotatE's (and TransE's) all-entity scoring: `linkpred evaluate` of the first 200 validation triples (1-epoch models).
# The homogeneous-graph figures (GraphSAGE/GCN on the digits k-NN graph) come from eng/bench/linkpred/graph.sh.
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
bench="$root/eng/bench/linkpred/LinkPredBench/bin/Release/net10.0/linkpred-bench.dll"
for pair in 1 2; do
  for mode in ns-dense ns; do dotnet "$bench" "$data" --mode "$mode" --steps 16; done
  for mode in ns ns-dense; do dotnet "$bench" "$data" --mode "$mode" --steps 16; done
done
"$root/eng/mlext" linkpred train --train "$data/train.txt" --valid "$data/valid.txt" --out "$out/wn18rr-distmult-long.zip" \
  --model distmult --loss ns --negatives 32 --dim 200 --batch-size 1024 --lr 0.02 --epochs 13 --validate-every 1 --patience 3 \
  --valid-max 1000 --seed 1
"$root/eng/mlext" linkpred evaluate --model "$out/wn18rr-distmult-long.zip" --test "$data/test.txt" \
  --filter "$data/train.txt,$data/valid.txt" --metrics-out "$out/wn18rr-distmult-long-test.json"
"$root/eng/mlext" linkpred train --train "$data/train.txt" --valid "$data/valid.txt" --out "$out/wn18rr-complex-long.zip" \
  --model complex --loss ns --negatives 32 --dim 100 --batch-size 1024 --lr 0.02 --epochs 8 --validate-every 1 --patience 3 \
  --valid-max 1000 --seed 1
"$root/eng/mlext" linkpred evaluate --model "$out/wn18rr-complex-long.zip" --test "$data/test.txt" \
  --filter "$data/train.txt,$data/valid.txt" --metrics-out "$out/wn18rr-complex-long-test.json"
# Same ComplEx with a 24-epoch cap (early stopping ends it; BENCHMARKS: "a 24-epoch cap instead of 8").
OPENBLAS_NUM_THREADS=1 "$root/eng/mlext" linkpred train --train "$data/train.txt" --valid "$data/valid.txt" --out "$out/wn18rr-complex-24.zip" \
  --model complex --loss ns --negatives 32 --dim 100 --batch-size 1024 --lr 0.02 --epochs 24 --validate-every 1 --patience 3 \
  --valid-max 1000 --seed 1
OPENBLAS_NUM_THREADS=1 "$root/eng/mlext" linkpred evaluate --model "$out/wn18rr-complex-24.zip" --test "$data/test.txt" \
  --filter "$data/train.txt,$data/valid.txt" --metrics-out "$out/wn18rr-complex-24-test.json"
# 5. 1-N step pairs, alternated; then the peer with the allocator settings our native layer applies.
peer="$root/eng/bench/linkpred/torch_distmult_peer.py"
for pair in 1 2 3; do
  if [ $((pair % 2)) = 1 ]; then order="ours peer"; else order="peer ours"; fi
  for who in $order; do
    echo "pair $pair $who, load $(cut -d' ' -f1-3 /proc/loadavg)"
    if [ "$who" = ours ]; then dotnet "$bench" "$data" --steps 10; else OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$peer" "$data" --steps 10; fi
  done
done
OPENBLAS_NUM_THREADS=1 MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=67108864 /usr/bin/python3 "$peer" "$data" --steps 10
# 6. 1vsAll, reciprocal relations (the Adagrad variant: --optimizer adagrad --dim 100 --batch-size 100 --lr 0.1 --reg-weight 0.1).
OPENBLAS_NUM_THREADS=1 "$root/eng/mlext" linkpred train --train "$data/train.txt" --valid "$data/valid.txt" --out "$out/wn18rr-complex-1vsall.zip" \
  --model complex --loss 1vsall --reciprocal --optimizer adamw --dim 50 --batch-size 250 --lr 0.01 \
  --regularizer n3 --reg-weight 0.05 --epochs 100 --validate-every 1 --patience 2 --max-minutes 68 --seed 1
# 7. Negative sampling: ComplEx with reciprocal relations, RotatE (γ 6; its all-entity scoring without autograd is
#    the fused kernel since 2026-12-04, before which its first validation did not finish); each under a time budget,
#    then the test split.
for m in "complex-ns-reciprocal:--model complex --reciprocal --max-minutes 30" "rotate-ns:--model rotate --margin 6 --max-minutes 70"; do
  name="${m%%:*}"; args="${m#*:}"
  # shellcheck disable=SC2086
  OPENBLAS_NUM_THREADS=1 "$root/eng/mlext" linkpred train --train "$data/train.txt" --valid "$data/valid.txt" --out "$out/wn18rr-$name.zip" \
    $args --loss ns --negatives 32 --dim 100 --batch-size 1024 --lr 0.02 --epochs 24 --validate-every 1 --patience 3 --valid-max 1000 --seed 1
  OPENBLAS_NUM_THREADS=1 "$root/eng/mlext" linkpred evaluate --model "$out/wn18rr-$name.zip" --test "$data/test.txt" \
    --filter "$data/train.txt,$data/valid.txt" --metrics-out "$out/wn18rr-$name-test.json"
done
# 8. RotatE scoring against all entities: a 1-epoch model, then the first 200 validation triples ranked (both
#    directions). BENCHMARKS.md compares this with the same command run by the CLI built at commit a3f22e7 (tensor form).
"$root/eng/mlext" linkpred train --train "$data/train.txt" --out "$out/wn18rr-rotate-e1.zip" \
  --model rotate --loss ns --negatives 32 --dim 100 --batch-size 1024 --lr 0.02 --epochs 1 --seed 1
head -200 "$data/valid.txt" > "$out/valid200.txt"
"$root/eng/mlext" linkpred evaluate --model "$out/wn18rr-rotate-e1.zip" --test "$out/valid200.txt" \
  --filter "$data/train.txt,$data/valid.txt" --metrics-out "$out/wn18rr-rotate-e1-valid200.json"
# The same for TransE (all entities through cdist), for comparison.
"$root/eng/mlext" linkpred train --train "$data/train.txt" --out "$out/wn18rr-transe-e1.zip" \
  --model transe --loss ns --negatives 32 --dim 100 --batch-size 1024 --lr 0.02 --epochs 1 --seed 1
"$root/eng/mlext" linkpred evaluate --model "$out/wn18rr-transe-e1.zip" --test "$out/valid200.txt" \
  --filter "$data/train.txt,$data/valid.txt" --metrics-out "$out/wn18rr-transe-e1-valid200.json"
# 9. RotatE with a learning rate chosen on valid: 5-epoch pilot at 0.002 (validation MRR by epoch compared with the
#    0.02 run of part 7), then the same settings for up to 40 epochs under a 35-minute budget; the test split read once,
#    filtered by train, valid and test.
OPENBLAS_NUM_THREADS=1 "$root/eng/mlext" linkpred train --train "$data/train.txt" --valid "$data/valid.txt" --out "$out/wn18rr-rotate-lr002-pilot.zip" \
  --model rotate --margin 6 --loss ns --negatives 32 --dim 100 --batch-size 1024 --lr 0.002 --epochs 5 --validate-every 1 --patience 3 --valid-max 1000 --seed 1
OPENBLAS_NUM_THREADS=1 "$root/eng/mlext" linkpred train --train "$data/train.txt" --valid "$data/valid.txt" --out "$out/wn18rr-rotate-lr002.zip" \
  --model rotate --margin 6 --loss ns --negatives 32 --dim 100 --batch-size 1024 --lr 0.002 --epochs 40 --validate-every 1 --patience 3 --valid-max 1000 --max-minutes 35 --seed 1
OPENBLAS_NUM_THREADS=1 "$root/eng/mlext" linkpred evaluate --model "$out/wn18rr-rotate-lr002.zip" --test "$data/test.txt" \
  --filter "$data/train.txt,$data/valid.txt,$data/test.txt" --metrics-out "$out/wn18rr-rotate-lr002-test.json"
