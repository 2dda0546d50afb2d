#!/usr/bin/env bash
# The validation-split sweep that chose the letters settings of run.sh (student widths, T, alpha, lr, transfer set).
# Needs the letters teacher of run.sh (build/bench/distill/letters/teacher.zip). Without --test, `distill` reports
# on its validation rows (10 % of train.csv); `classifier train` prints its validation accuracy. One thread.
# Usage: eng/bench/distill/sweep.sh   (logs and a summary in build/bench/distill/sweep/)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
export MLEXT_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 CI=1
mlext="$root/eng/mlext"; here="$root/eng/bench/distill"
train="${MLX_DATA:-/tmp/mlx-data}/letters/train.csv"
teacher="$root/build/bench/distill/letters/teacher.zip"
s="$root/build/bench/distill/sweep"; mkdir -p "$s"; : >"$s/summary.txt"
[ -f "$teacher" ] || { echo "train the letters teacher first: eng/bench/distill/run.sh letters" >&2; exit 1; }
/usr/bin/python3 "$here/make_transfer.py" "$train" "$s/noise2.csv" 2 0.15 0 0
/usr/bin/python3 "$here/make_transfer.py" "$train" "$s/noise4.csv" 4 0.15 0 0
/usr/bin/python3 "$here/make_transfer.py" "$train" "$s/noise2s3.csv" 2 0.3 0 0
/usr/bin/python3 "$here/make_transfer.py" "$train" "$s/mix2.csv" 0 0.15 0 2
/usr/bin/python3 "$here/make_transfer.py" "$train" "$s/noise2mix2.csv" 2 0.15 0 2
run() { name=$1; shift; echo "== $name $(uptime)" >>"$s/summary.txt"; "$@" >"$s/$name.log" 2>&1
        grep -E "validation accuracy|student_accuracy" "$s/$name.log" >>"$s/summary.txt" || true; }
alone() { name=$1; shift; run "$name" "$mlext" classifier train --train "$train" --out "$s/$name.zip" --dropout 0 --epochs 150 --patience 15 --seed 1 "$@"; }
kd() { name=$1; shift; run "$name" "$mlext" distill --teacher "$teacher" --train "$train" --out "$s/$name.zip" --epochs 150 --patience 15 --seed 1 "$@"; }
alone alone64 --hidden 64 --lr 3e-3
alone alone128 --hidden 128 --lr 3e-3
alone alone128lr1 --hidden 128 --lr 1e-3
alone alone256 --hidden 256 --lr 3e-3
kd kd64mix --hidden 64 --temperature 4 --alpha 0.9 --transfer "$s/mix2.csv"
kd kd128 --hidden 128 --temperature 4 --alpha 0.9
kd kd128T2 --hidden 128 --temperature 2 --alpha 0.9
kd kd128T8 --hidden 128 --temperature 8 --alpha 0.9
kd kd128a5 --hidden 128 --temperature 4 --alpha 0.5
kd kd128a10 --hidden 128 --temperature 4 --alpha 1.0
kd kd128lr1 --hidden 128 --temperature 4 --alpha 0.9 --lr 1e-3
kd kd128mix --hidden 128 --temperature 4 --alpha 0.9 --transfer "$s/mix2.csv"
kd kd128noise --hidden 128 --temperature 4 --alpha 0.9 --transfer "$s/noise2.csv"
kd kd128noiseT2 --hidden 128 --temperature 2 --alpha 0.9 --transfer "$s/noise2.csv"
kd kd128noise4 --hidden 128 --temperature 4 --alpha 0.9 --transfer "$s/noise4.csv"
kd kd128noise2s3 --hidden 128 --temperature 4 --alpha 0.9 --transfer "$s/noise2s3.csv"
kd kd128noisemix --hidden 128 --temperature 4 --alpha 0.9 --transfer "$s/noise2mix2.csv"
kd kd256 --hidden 256 --temperature 4 --alpha 0.9
kd kd256noise --hidden 256 --temperature 4 --alpha 0.9 --transfer "$s/noise2.csv"
kd kd256mix --hidden 256 --temperature 4 --alpha 0.9 --transfer "$s/mix2.csv"
cat "$s/summary.txt"
