#!/usr/bin/env bash
# Negative sampling with one corrupted side per batch (BENCHMARKS.md, "Negative sampling: one corrupted side per
# batch") against the build before it (each negative corrupting head or tail at random), both CLIs built here:
#   1. RotatE at its published size (dim 500, 1,024 self-adversarial negatives, α 0.5, γ 6), one epoch over the first
#      3,000 WN18RR training triples at batch 128, before/after alternated twice: wall time and peak memory; then
#      after alone at batch 512 (the published batch; before needs ~30 GB there);
#   2. RotatE as in the CPU row of the WN18RR table (dim 100, 32 negatives, batch 1,024, AdamW 0.002) for 20 epochs on the
#      training-split core of flat-start.sh, validation MRR every 2 epochs, the two builds side by side.
# Usage: eng/bench/linkpred/ns-one-side.sh [WN18RR_DIR]   (1 thread per run)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
data="${1:-$root/../shared/data/wn18rr}"
out="$root/build/linkpred/ns-one-side"
mkdir -p "$out"
export MLEXT_NUM_THREADS=1
"$root/eng/setup.sh" >/dev/null
before="$out/before-src"
[ -d "$before" ] || git -C "$root" worktree add --detach "$before" d2c58c3~1 >/dev/null
for side in before after; do
  src="$root"; [ $side = before ] && src="$before"
  dotnet build "$src/src/MLExtensions.Cli/MLExtensions.Cli.csproj" -c Release -o "$out/cli-$side" --nologo -v quiet >/dev/null
  cp "$root/build/native/libmlext_native.so" "$out/cli-$side/"
done
head -3000 "$data/train.txt" >"$out/train3k.txt"
rot=(--model rotate --loss ns --negatives 1024 --adversarial-temperature 0.5 --margin 6 --dim 500 --lr 0.0005 --epochs 1 --seed 1)
run() { /usr/bin/time -f "$1 batch $2: %e s wall, %M KB peak" dotnet "$out/cli-$1/mlext.dll" linkpred train \
          --train "$out/train3k.txt" --out "$out/$1.zip" "${rot[@]}" --batch-size "$2" 2>&1 | tr '\r' '\n' | grep -E "wall|trained" ; }
for round in 1 2; do for side in before after; do run $side 128; done; done
run after 512
python3 "$root/eng/bench/linkpred/wn18rr_core_subset.py" "$data" "$out/core"
for side in before after; do
  /usr/bin/time -f "$side: %e s wall, %M KB peak" dotnet "$out/cli-$side/mlext.dll" linkpred train --train "$out/core/train.txt" \
    --valid "$out/core/valid.txt" --out "$out/q-$side.zip" --model rotate --loss ns --negatives 32 --margin 6 --dim 100 \
    --batch-size 1024 --lr 0.002 --epochs 20 --validate-every 2 --patience 100 --seed 1 >"$out/q-$side.log" 2>&1 &
done
wait
for side in before after; do
  echo "--- $side: loss and validation MRR at the end of each validated epoch"
  tr '\r' '\n' <"$out/q-$side.log" | grep -o "epoch [0-9]*/[0-9]* step [0-9]*/[0-9]* loss [0-9.]* val_mrr [0-9.]*" \
    | awk '{last[$2] = $0; if (!($2 in seen)) { seen[$2] = 1; order[n++] = $2 } } END { for (i = 0; i < n; i++) print last[order[i]] }'
  grep -E "wall|trained" "$out/q-$side.log"
done
