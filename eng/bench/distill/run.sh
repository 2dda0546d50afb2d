#!/usr/bin/env bash
# Distillation report: for each data set, a large-MLP teacher; then, for each seed, the student architecture trained
# alone, the same student trained alone on the training rows plus the transfer rows with their true labels (an
# augmentation control), the distilled student without and with an unlabelled transfer set, and the distilled student
# on the augmented (labelled) rows, to compare with that control; scikit-learn peers;
# and the scoring side-by-side of the student with scikit-learn's MLP of the same widths (scoring.sh).
# Every student run has the same epoch cap and early-stopping patience; hyper-parameters (student widths, T, alpha,
# transfer set) were chosen on the validation split (10 % of train.csv), never on test.csv (the noisy copies include
# copies of the validation rows, which favours transfer-set runs on validation; see BENCHMARKS.md).
# Data: /tmp/mlx-data/{digits,letters} built by ../shared/datasets/prep-all.sh (not part of this repository).
# Usage: eng/bench/distill/run.sh [DATASET...]   (default: digits letters)
# REUSE=1 keeps a teacher.zip already trained by an earlier run of this script (same command).
# KINDS="..." runs only those student kinds (alone alone-augmented distilled distilled-transfer distilled-augmented)
# and PEERS=0 skips scikit-learn and the scoring side by side; APPEND=1 appends to the result files.
# ENSEMBLE=N distils from N teachers (the teacher command with seeds 1..N, soft targets averaged); the distilled kinds
# are then recorded as "ensemble<N>-<kind>".
# Output: build/bench/distill/results.jsonl, build/bench/distill/scoring.jsonl and markdown tables on stdout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
data="${MLX_DATA:-/tmp/mlx-data}"
out="$root/build/bench/distill"; mkdir -p "$out"
results="$out/results.jsonl"; scoring="$out/scoring.jsonl"
[ -n "${APPEND:-}" ] || { : >"$results"; : >"$scoring"; }
kinds=" ${KINDS:-alone alone-augmented distilled distilled-transfer distilled-augmented} "
mlext="$root/eng/mlext"
here="$root/eng/bench/distill"
datasets=("$@"); [ ${#datasets[@]} -gt 0 ] || datasets=(digits letters)
# One thread everywhere, on both sides (libtorch intra-op, OpenBLAS, scikit-learn's OpenMP).
export MLEXT_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 CI=1
seeds=(1 2 3)
epochs=150; patience=15; lr=3e-3

record() { # DATASET MODEL SEED ZIP: evaluate on the test set, append a JSON line
  "$mlext" evaluate --model "$4" --test "$test" --metrics-out "${4%.zip}-metrics.json" >/dev/null
  params=$("$mlext" info "$4" | /usr/bin/python3 -c 'import json,sys; j=json.load(sys.stdin); print(j.get("parameterCount", j.get("parameter_count", "null")))' 2>/dev/null || echo null)
  /usr/bin/python3 - "$1" "$2" "$3" "${4%.zip}-metrics.json" "$params" "${4%.zip}.log" >>"$results" <<'PY'
import json, re, sys
ds, m, seed, path, params, log = sys.argv[1:7]
j = json.load(open(path))
epochs = re.findall(r"(\d+) epochs in", open(log).read())
print(json.dumps({"dataset": ds, "model": "mlext " + m, "seed": None if seed == "-" else int(seed), "accuracy": j["accuracy"],
                  "macro_f1": j["macro_f1"], "weights": None if params == "null" else int(params),
                  "rows_per_second": j["rows_per_second"], "epochs": int(epochs[-1]) if epochs else None}))
PY
}

for ds in "${datasets[@]}"; do
  case "$ds" in
    digits)  teacher_hidden=1024,1024; student_hidden=32;  temperature=4; alpha=0.9 ;;
    letters) teacher_hidden=1024,1024; student_hidden=128; temperature=2; alpha=0.9 ;;
    *) echo "unknown data set $ds" >&2; exit 2 ;;
  esac
  train="$data/$ds/train.csv"; test="$data/$ds/test.csv"; d="$out/$ds"; mkdir -p "$d"
  [ -f "$train" ] || { echo "missing $train: run ../shared/datasets/prep-all.sh $ds" >&2; exit 1; }
  # Transfer set: 2 noisy copies of every training row (0.15 x each feature's standard deviation), unlabelled; the
  # control keeps the true labels of the same rows.
  /usr/bin/python3 "$here/make_transfer.py" "$train" "$d/transfer.csv" 2 0.15 0 0
  /usr/bin/python3 "$here/make_transfer.py" "$train" "$d/augmented.csv" 2 0.15 0 0 keep-labels
  /usr/bin/python3 -c 'import sys; a=open(sys.argv[1]).read().splitlines(); b=open(sys.argv[2]).read().splitlines()[1:]; open(sys.argv[3],"w").write("\n".join(a+b)+"\n")' \
    "$train" "$d/augmented.csv" "$d/train-augmented.csv"

  echo "[$ds] $(uptime)" >&2
  echo "[$ds] teacher MLP [$teacher_hidden]" >&2
  [ -n "${REUSE:-}" ] && [ -f "$d/teacher.zip" ] || "$mlext" classifier train --train "$train" --out "$d/teacher.zip" --hidden "$teacher_hidden" \
    --dropout 0.3 --epochs 60 --patience 8 --seed 1 >"$d/teacher.log" 2>&1
  [ -n "${APPEND:-}" ] || record "$ds" teacher - "$d/teacher.zip"
  teachers="$d/teacher.zip"; prefix=""
  for t in $(seq 2 "${ENSEMBLE:-1}"); do
    [ -n "${REUSE:-}" ] && [ -f "$d/teacher-$t.zip" ] || "$mlext" classifier train --train "$train" --out "$d/teacher-$t.zip" \
      --hidden "$teacher_hidden" --dropout 0.3 --epochs 60 --patience 8 --seed "$t" >"$d/teacher-$t.log" 2>&1
    teachers="$teachers,$d/teacher-$t.zip"; prefix="ensemble${ENSEMBLE}-"
  done
  for seed in "${seeds[@]}"; do
    echo "[$ds] seed $seed: student [$student_hidden]:$kinds" >&2
    for kind in alone alone-augmented; do
      [[ "$kinds" == *" $kind "* ]] || continue
      rows="$train"; [ "$kind" = alone-augmented ] && rows="$d/train-augmented.csv"
      "$mlext" classifier train --train "$rows" --out "$d/$kind-$seed.zip" --hidden "$student_hidden" --dropout 0 \
        --epochs $epochs --patience $patience --lr $lr --seed "$seed" >"$d/$kind-$seed.log" 2>&1
      record "$ds" "$kind" "$seed" "$d/$kind-$seed.zip"
    done
    for kind in distilled distilled-transfer distilled-augmented; do
      [[ "$kinds" == *" $kind "* ]] || continue
      rows="$train"; extra=()
      [ "$kind" = distilled-transfer ] && extra=(--transfer "$d/transfer.csv")
      [ "$kind" = distilled-augmented ] && rows="$d/train-augmented.csv"
      name="$prefix$kind"
      "$mlext" distill --teacher "$teachers" --train "$rows" "${extra[@]}" --out "$d/$name-$seed.zip" --hidden "$student_hidden" \
        --temperature $temperature --alpha $alpha --epochs $epochs --patience $patience --lr $lr --seed "$seed" \
        --test "$test" --report-out "$d/$name-$seed-report.json" >"$d/$name-$seed.log" 2>&1
      record "$ds" "$name" "$seed" "$d/$name-$seed.zip"
      /usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[4])); j.update(dataset=sys.argv[1], model="report "+sys.argv[2], seed=int(sys.argv[3])); print(json.dumps(j))' \
        "$ds" "$name" "$seed" "$d/$name-$seed-report.json" >>"$results"
    done
  done
  [ "${PEERS:-1}" = 0 ] && continue
  echo "[$ds] scikit-learn peers" >&2
  /usr/bin/python3 "$here/sklearn_peers.py" "$ds" "$train" "$test" "$student_hidden" "$teacher_hidden" >>"$results"
  echo "[$ds] scoring side by side: student vs scikit-learn's MLP [$student_hidden]" >&2
  "$here/scoring.sh" "$train" "$test" 3 "$d/distilled-transfer-1.zip:$student_hidden" 2>>"$out/scoring-load.txt" |
    /usr/bin/python3 -c 'import json,sys; [print(json.dumps(dict(json.loads(l), dataset=sys.argv[1]))) for l in sys.stdin if l.strip()]' "$ds" >>"$scoring"
  echo "[$ds] $(uptime)" >&2
done
/usr/bin/python3 "$here/summarize.py" "$results" "$scoring"
