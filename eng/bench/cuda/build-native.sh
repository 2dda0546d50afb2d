#!/usr/bin/env bash
# Builds src/Native against the libtorch of the machine's python3 PyTorch (CUDA where it has it), OpenCV optional.
# Usage: source eng/bench/cuda/build-native.sh BUILD_DIR LOG_FILE   (exports MLEXT_NATIVE_LIB on success)
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
_build="${1:?build dir}"; _log="${2:?log file}"
_prefix="$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')"
if ! { cmake -S "$_root/src/Native" -B "$_build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$_prefix" \
         -DMLEXT_REQUIRE_OPENCV=OFF -DTORCH_CUDA_ARCH_LIST=9.0 && cmake --build "$_build" -j "$(nproc)"; } >"$_log" 2>&1; then
  tail -40 "$_log"; echo "native build failed"; return 1 2>/dev/null || exit 1
fi
export MLEXT_NATIVE_LIB="$_build/libmlext_native.so"
