#!/usr/bin/env bash
# Digits settings chosen on held-out BASE classes only (never on 5-9): five folds over classes 0-4, each trains on
# three classes and evaluates 2-way 1-shot and 5-shot on the other two (300 episodes, seed 1); prints the mean over folds.
# Usage: [WAYS=3] [SHOTS=1] eng/bench/fewshot/digits_select.sh NAME [fewshot train options...]   (NAME raw: nearest neighbour on raw
# features; WAYS/SHOTS: the training episodes; PRETRAIN="options": each fold first trains a model with these options
# on its classes and starts from it, --from)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"
D=${DIGITS:-/tmp/mlx-data/digits/all.csv}
out=${OUT:-/tmp/fs}/digits-select
mkdir -p "$out"
name=$1; shift
r1=(); r5=()
for f in 0,1,2:3,4 2,3,4:0,1 3,4,0:1,2 4,0,1:2,3 1,2,3:4,0; do
  tr=${f%%:*}; te=${f##*:}
  from=()
  if [ -n "${PRETRAIN:-}" ]; then
    # shellcheck disable=SC2086
    eng/mlext fewshot train --train "$D" --label-column label --classes "$tr" --ways "${WAYS:-3}" --validate-every 0 --seed 1 \
      --out "$out/$name-pre.zip" $PRETRAIN >/dev/null
    from=(--from "$out/$name-pre.zip")
  fi
  [ "$name" = raw ] || eng/mlext fewshot train --train "$D" --label-column label --classes "$tr" --ways "${WAYS:-3}" --shots "${SHOTS:-1}" --queries 10 \
    --validate-every 0 --seed 1 --out "$out/$name.zip" "${from[@]}" "$@" >/dev/null
  for k in 1 5; do
    if [ "$name" = raw ]; then
      a=$(/usr/bin/python3 eng/bench/fewshot/raw_nn.py --csv "$D" --classes "$te" --ways 2 --shots $k --episodes 300)
    else
      a=$(eng/mlext fewshot evaluate --model "$out/$name.zip" --data "$D" --classes "$te" --ways 2 --shots $k --queries 15 --episodes 300)
    fi
    a=$(grep -oE '"accuracy": [0-9.]+' <<<"$a" | grep -oE '[0-9.]+$')
    if [ $k = 1 ]; then r1+=("$a"); else r5+=("$a"); fi
  done
done
mean() { printf '%s\n' "$@" | awk '{s+=$1} END {printf "%.1f", 100*s/NR}'; }
echo "$name: 2-way 1-shot $(mean "${r1[@]}"), 2-way 5-shot $(mean "${r5[@]}") (mean of 5 folds; options: $*)"
