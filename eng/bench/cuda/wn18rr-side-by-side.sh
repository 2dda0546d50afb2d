#!/usr/bin/env bash
# Sourced by the WN18RR GPU scripts: builds the native layer, trains the given runs side by side on GPU 0, each under
# one time budget, prints each run's last progress lines, then evaluates every model on the test split (filters: train,
# valid, test) on the GPU and deletes the zips (160 MB each at rank 500).
#   wn18rr_side_by_side DATA_DIR OUT_DIR MINUTES "name:linkpred train options" ...
# Uses MLEXT_CLI (default build/cli/mlext.dll), MLEXT_NATIVE_BUILD, and ONLY=REGEX to run only the matching names.
wn18rr_side_by_side() {
  local data="$1" out="$2" minutes="$3"; shift 3
  local root; root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
  local cli="${MLEXT_CLI:-$root/build/cli/mlext.dll}"
  mkdir -p "$out"
  echo "== $(date -u +%H:%M:%S) native build"
  source "$root/eng/bench/cuda/build-native.sh" "${MLEXT_NATIVE_BUILD:-/tmp/mlext-native}" "$out/native-build.log" || return 1
  echo "== $(date -u +%H:%M:%S) training, $minutes min each, side by side"
  nvidia-smi --query-gpu=timestamp,utilization.gpu,memory.used --format=csv -l 20 >"$out/gpu-use.csv" 2>&1 &
  local smi=$! pids=() run name
  for run in "$@"; do
    name="wn18rr-${run%%:*}"
    [[ "$name" =~ ${ONLY:-.} ]] || continue
    # shellcheck disable=SC2086
    MLEXT_NUM_THREADS=3 dotnet "$cli" linkpred train --gpu 0 --train "$data/train.txt" --valid "$data/valid.txt" \
      --out "$out/$name.zip" ${run#*:} --epochs 500 --validate-every 1 --max-minutes "$minutes" >"$out/$name.log" 2>&1 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  kill "$smi" 2>/dev/null
  for f in "$out"/wn18rr-*.log; do echo "--- $(basename "$f")"; tr '\r' '\n' <"$f" | grep -i -E "epoch|valid|best|stopp|saved|error|exception" | tail -4; done
  echo "== $(date -u +%H:%M:%S) filtered test evaluation"
  local z
  for z in "$out"/wn18rr-*.zip; do
    [ -e "$z" ] || continue
    name="$(basename "$z" .zip)"
    echo "$name"
    dotnet "$cli" linkpred evaluate --gpu 0 --model "$z" --test "$data/test.txt" \
      --filter "$data/train.txt,$data/valid.txt,$data/test.txt" --metrics-out "$out/$name-test-gpu.json" 2>&1 | tail -2
  done
  rm -f "$out"/wn18rr-*.zip
  echo "== $(date -u +%H:%M:%S) done"
}
