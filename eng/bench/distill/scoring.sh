#!/usr/bin/env bash
# Scoring throughput side by side: `mlext evaluate` (model scoring only, batches of 4096 rows) on each MODEL zip and
# scikit-learn's predict_proba on an MLP of the same widths (scoring_peer.py), on the same CSV, interleaved ROUNDS times.
# The test CSV is repeated until it has at least 100,000 rows so that one pass is many batches.
# Both sides run on one thread (MLEXT_NUM_THREADS=1, OPENBLAS_NUM_THREADS=1).
# Usage: eng/bench/distill/scoring.sh TRAIN TEST ROUNDS MODEL.zip:HIDDEN [MODEL.zip:HIDDEN ...]
# MLEXT_DLL=path/to/mlext.dll scores with another build of the CLI (e.g. an older commit) instead of eng/mlext.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
train="$1"; test="$2"; rounds="$3"; shift 3
export MLEXT_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
if [ -n "${MLEXT_DLL:-}" ]; then mlext=(dotnet "$MLEXT_DLL"); else mlext=("$root/eng/mlext"); fi
big="$(mktemp --suffix=.csv)"; trap 'rm -f "$big"' EXIT
/usr/bin/python3 - "$test" "$big" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
header, body = lines[0], [l for l in lines[1:] if l]
copies = -(-100000 // len(body))
with open(sys.argv[2], "w") as f:
    f.write(header + "\n")
    for _ in range(copies):
        f.write("\n".join(body) + "\n")
PY
echo "# $(uptime)" >&2
for r in $(seq "$rounds"); do
  for spec in "$@"; do
    zip="${spec%%:*}"; hidden="${spec##*:}"
    "${mlext[@]}" evaluate --model "$zip" --test "$big" | /usr/bin/python3 -c \
      'import json,sys; j=json.load(sys.stdin); print(json.dumps({"impl": "mlext evaluate", "model": sys.argv[1], "round": int(sys.argv[2]), "rows": j["rows"], "rows_per_second": j["rows_per_second"]}))' \
      "$(basename "$zip")" "$r"
    /usr/bin/python3 "$root/eng/bench/distill/scoring_peer.py" "$train" "$big" "$hidden" | /usr/bin/python3 -c \
      'import json,sys; j=json.load(sys.stdin); j["round"]=int(sys.argv[1]); print(json.dumps(j))' "$r"
  done
done
echo "# $(uptime)" >&2
