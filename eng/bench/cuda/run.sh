#!/usr/bin/env bash
# GPU figures, on a machine with a CUDA build of PyTorch (its libtorch is what the native layer is built against):
#   1. builds src/Native against `python3 -c 'import torch; print(torch.utils.cmake_prefix_path)'` (OpenCV optional:
#      without it image decoding reports that the build has none, so only the non-image components run here);
#   2. `mlext env` and `mlext quickstart` on cuda:0 (end-to-end train + score on the GPU);
#   3. the DistMult 1-N training step (batch 512, dim 200) on cuda:0: MLExtensions vs the same step in python3-torch,
#      alternated, three pairs;
#   4. WN18RR, ComplEx and DistMult trained over all entities (1vsAll cross-entropy, reciprocal relations, N3,
#      Adagrad 0.1, rank 500, batch 100: the setting Lacroix et al. 2018 report for ComplEx-N3), N3 weight 0.1 and 0.05,
#      the four runs side by side on the one GPU under a time budget, early stopping on the full validation split;
#      then the filtered test evaluation (filters: train, valid, test) of each on the GPU, and of the first also on the
#      CPU (the two must agree).
# Usage: eng/bench/cuda/run.sh WN18RR_DIR OUT_DIR
# Environment: MLEXT_CLI (mlext.dll; default build/cli/mlext.dll), MLEXT_LINKPRED_BENCH (linkpred-bench.dll),
#              MINUTES (training budget of each WN18RR run; default 4), MLEXT_NATIVE_BUILD (default /tmp/mlext-native).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
data="${1:?usage: run.sh WN18RR_DIR OUT_DIR}"
out="${2:?usage: run.sh WN18RR_DIR OUT_DIR}"
cli="${MLEXT_CLI:-$root/build/cli/mlext.dll}"
bench="${MLEXT_LINKPRED_BENCH:-$root/eng/bench/linkpred/LinkPredBench/bin/Release/net10.0/linkpred-bench.dll}"
minutes="${MINUTES:-4}"
build="${MLEXT_NATIVE_BUILD:-/tmp/mlext-native}"
mkdir -p "$out"
stamp() { echo "== $(date -u +%H:%M:%S) $*"; }

stamp "GPU and PyTorch"
nvidia-smi -L
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name(0))'

stamp "1. native build against the PyTorch libtorch"
source "$root/eng/bench/cuda/build-native.sh" "$build" "$out/native-build.log" || exit 1
grep -i "warning\|cuda" "$out/native-build.log" | head -10
ldd "$MLEXT_NATIVE_LIB" | grep -i -E "torch|cuda" | head

stamp "2. env and quickstart on cuda:0"
dotnet "$cli" env
dotnet "$cli" quickstart --gpu 0 2>&1 | tail -15
dotnet "$cli" quickstart 2>&1 | tail -4

stamp "3. DistMult 1-N step, cuda:0, ours vs python3-torch, alternated"
for pair in 1 2 3; do
  if [ $((pair % 2)) = 1 ]; then order="ours peer"; else order="peer ours"; fi
  for who in $order; do
    if [ "$who" = ours ]; then dotnet "$bench" "$data" --steps 40 --gpu 0 2>&1 | tail -2
    else python3 "$root/eng/bench/linkpred/torch_distmult_peer.py" "$data" --steps 40 --device cuda 2>&1 | tail -2; fi
  done
done

stamp "4. WN18RR 1vsAll runs, $minutes min each, side by side"
source "$root/eng/bench/cuda/wn18rr-side-by-side.sh"
kge="--loss 1vsall --reciprocal --optimizer adagrad --dim 500 --batch-size 100 --lr 0.1 --regularizer n3 --patience 5 --seed 1"
MLEXT_CLI="$cli" wn18rr_train_side_by_side "$data" "$out" "$minutes" 100 \
  "complex-n3-0.1:--model complex $kge --reg-weight 0.1" "complex-n3-0.05:--model complex $kge --reg-weight 0.05" \
  "distmult-n3-0.1:--model distmult $kge --reg-weight 0.1" "distmult-n3-0.05:--model distmult $kge --reg-weight 0.05"

stamp "5. filtered test evaluation (train, valid, test filters), GPU then CPU"
MLEXT_CLI="$cli" wn18rr_evaluate_on_gpu "$data" "$out"
first="$(ls "$out"/wn18rr-*.zip | head -1)"
MLEXT_NUM_THREADS=12 dotnet "$cli" linkpred evaluate --model "$first" --test "$data/test.txt" \
  --filter "$data/train.txt,$data/valid.txt,$data/test.txt" --metrics-out "$out/$(basename "$first" .zip)-test-cpu.json" 2>&1 | tail -3
rm -f "$out"/wn18rr-*.zip
stamp "done"
