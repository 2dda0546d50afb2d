#!/usr/bin/env bash
# Distillation report: for each data set, a large-MLP teacher, the student architecture trained alone, the distilled
# student without and with a transfer set, and scikit-learn peers, all on the same train/test CSVs.
# Data: /tmp/mlx-data/{digits,letters} built by ../shared/datasets/prep-all.sh (not part of this repository).
# Usage: eng/bench/distill/run.sh [DATASET...]   (default: digits letters)
# REUSE=1 keeps a teacher.zip / alone.zip already trained by an earlier run of this script.
# Output: build/bench/distill/results.jsonl and a markdown table on stdout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
data="${MLX_DATA:-/tmp/mlx-data}"
out="$root/build/bench/distill"; mkdir -p "$out"
results="$out/results.jsonl"; [ -n "${REUSE:-}" ] || : >"$results"
mlext="$root/eng/mlext"
here="$root/eng/bench/distill"
datasets=("$@"); [ ${#datasets[@]} -gt 0 ] || datasets=(digits letters)

for ds in "${datasets[@]}"; do
  case "$ds" in
    digits)  teacher_hidden=1024,1024; student_hidden=32;  teacher_epochs=40; student_epochs=150; distill_epochs=150; transfer_epochs=150 ;;
    letters) teacher_hidden=512,512;   student_hidden=128; teacher_epochs=40; student_epochs=150; distill_epochs=60;  transfer_epochs=25 ;;
    *) echo "unknown data set $ds" >&2; exit 2 ;;
  esac
  train="$data/$ds/train.csv"; test="$data/$ds/test.csv"; d="$out/$ds"; mkdir -p "$d"
  [ -f "$train" ] || { echo "missing $train: run ../shared/datasets/prep-all.sh $ds" >&2; exit 1; }
  /usr/bin/python3 "$here/make_transfer.py" "$train" "$d/transfer.csv" 2 0.15 0

  echo "[$ds] teacher MLP [$teacher_hidden]" >&2
  [ -n "${REUSE:-}" ] && [ -f "$d/teacher.zip" ] || CI=1 "$mlext" classifier train --train "$train" --out "$d/teacher.zip" --hidden "$teacher_hidden" --dropout 0.3 \
    --epochs "$teacher_epochs" --patience 8 --seed 1 >"$d/teacher.log" 2>&1
  echo "[$ds] student [$student_hidden] alone" >&2
  [ -n "${REUSE:-}" ] && [ -f "$d/alone.zip" ] || CI=1 "$mlext" classifier train --train "$train" --out "$d/alone.zip" --hidden "$student_hidden" --dropout 0 \
    --epochs "$student_epochs" --patience 15 --lr 3e-3 --seed 1 >"$d/alone.log" 2>&1
  echo "[$ds] distilled student [$student_hidden]" >&2
  CI=1 "$mlext" distill --teacher "$d/teacher.zip" --train "$train" --out "$d/distilled.zip" --hidden "$student_hidden" \
    --temperature 4 --alpha 0.9 --epochs "$distill_epochs" --seed 1 --test "$test" --report-out "$d/distilled-report.json" >"$d/distilled.log" 2>&1
  echo "[$ds] distilled student [$student_hidden] + transfer set" >&2
  CI=1 "$mlext" distill --teacher "$d/teacher.zip" --train "$train" --transfer "$d/transfer.csv" --out "$d/distilled-transfer.zip" \
    --hidden "$student_hidden" --temperature 4 --alpha 0.9 --epochs "$transfer_epochs" --seed 1 --test "$test" \
    --report-out "$d/distilled-transfer-report.json" >"$d/distilled-transfer.log" 2>&1
  for m in teacher alone distilled distilled-transfer; do
    "$mlext" evaluate --model "$d/$m.zip" --test "$test" --metrics-out "$d/$m-metrics.json" >/dev/null
    params=$("$mlext" info "$d/$m.zip" | /usr/bin/python3 -c 'import json,sys; j=json.load(sys.stdin); print(j.get("parameterCount", j.get("parameter_count", "null")))' 2>/dev/null || echo null)
    /usr/bin/python3 - "$ds" "$m" "$d/$m-metrics.json" "$params" >>"$results" <<'PY'
import json, sys
ds, m, path, params = sys.argv[1:5]
j = json.load(open(path))
print(json.dumps({"dataset": ds, "model": "mlext " + m, "accuracy": j["accuracy"], "macro_f1": j["macro_f1"],
                  "weights": None if params == "null" else int(params), "rows_per_second": j["rows_per_second"]}))
PY
  done
  for r in distilled distilled-transfer; do
    /usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[3])); j.update(dataset=sys.argv[1], model="report "+sys.argv[2]); print(json.dumps(j))' \
      "$ds" "$r" "$d/$r-report.json" >>"$results"
  done
  echo "[$ds] scikit-learn peers" >&2
  /usr/bin/python3 "$here/sklearn_peers.py" "$ds" "$train" "$test" "$student_hidden" "$teacher_hidden" >>"$results"
done
/usr/bin/python3 "$here/summarize.py" "$results"
