#!/usr/bin/env bash
# Sourced by the WN18RR GPU scripts (run.sh, wn18rr-more.sh, wn18rr-published-size.sh). MLEXT_CLI (default
# build/cli/mlext.dll) is the CLI; ONLY=REGEX runs only the runs whose names match.
#   wn18rr_train_side_by_side DATA_DIR OUT_DIR MINUTES EPOCHS "name:linkpred train options" ...
#       trains the runs side by side on GPU 0, each under one time budget and epoch cap, validating every epoch on the
#       full validation split (models OUT_DIR/wn18rr-NAME.zip, logs .log, GPU use gpu-use.csv), then prints each run's
#       last progress lines;
#   wn18rr_evaluate_on_gpu DATA_DIR OUT_DIR
#       evaluates every OUT_DIR/wn18rr-*.zip on the test split (filters: train, valid, test) on the GPU;
#   wn18rr_side_by_side DATA_DIR OUT_DIR MINUTES "name:options" ...
#       builds the native layer (MLEXT_NATIVE_BUILD), trains (epoch cap 500), evaluates, deletes the zips (160 MB each
#       at rank 500).
_wn18rr_cli() { echo "${MLEXT_CLI:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)/build/cli/mlext.dll}"; }

wn18rr_train_side_by_side() {
  local data="$1" out="$2" minutes="$3" epochs="$4"; shift 4
  local cli; cli="$(_wn18rr_cli)"
  mkdir -p "$out"
  echo "== $(date -u +%H:%M:%S) training, $minutes min each, side by side"
  nvidia-smi --query-gpu=timestamp,utilization.gpu,memory.used --format=csv -l 20 >"$out/gpu-use.csv" 2>&1 &
  local smi=$! pids=() run name f
  for run in "$@"; do
    name="wn18rr-${run%%:*}"
    [[ "$name" =~ ${ONLY:-.} ]] || continue
    # shellcheck disable=SC2086
    MLEXT_NUM_THREADS=3 dotnet "$cli" linkpred train --gpu 0 --train "$data/train.txt" --valid "$data/valid.txt" \
      --out "$out/$name.zip" ${run#*:} --epochs "$epochs" --validate-every 1 --max-minutes "$minutes" >"$out/$name.log" 2>&1 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  kill "$smi" 2>/dev/null
  for f in "$out"/wn18rr-*.log; do echo "--- $(basename "$f")"; tr '\r' '\n' <"$f" | grep -i -E "epoch|valid|best|stopp|saved|error|exception" | tail -4; done
}

wn18rr_evaluate_on_gpu() {
  local data="$1" out="$2" z name
  local cli; cli="$(_wn18rr_cli)"
  echo "== $(date -u +%H:%M:%S) filtered test evaluation"
  for z in "$out"/wn18rr-*.zip; do
    [ -e "$z" ] || continue
    name="$(basename "$z" .zip)"
    echo "$name"
    dotnet "$cli" linkpred evaluate --gpu 0 --model "$z" --test "$data/test.txt" \
      --filter "$data/train.txt,$data/valid.txt,$data/test.txt" --metrics-out "$out/$name-test-gpu.json" 2>&1 | tail -2
  done
}

wn18rr_side_by_side() {
  local data="$1" out="$2" minutes="$3"; shift 3
  local root; root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
  mkdir -p "$out"
  echo "== $(date -u +%H:%M:%S) native build"
  source "$root/eng/bench/cuda/build-native.sh" "${MLEXT_NATIVE_BUILD:-/tmp/mlext-native}" "$out/native-build.log" || return 1
  wn18rr_train_side_by_side "$data" "$out" "$minutes" 500 "$@"
  wn18rr_evaluate_on_gpu "$data" "$out"
  rm -f "$out"/wn18rr-*.zip
  echo "== $(date -u +%H:%M:%S) done"
}
