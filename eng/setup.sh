#!/usr/bin/env bash
# Idempotent set-up used by every entry point (eng/mlext, eng/test.sh, eng/bench):
#   1. installs the Debian packages the native layer needs (skipped when already present),
#   2. makes sure libblas.so.3 resolves to OpenBLAS (the reference BLAS is ~30x slower),
#   3. builds src/Native with CMake into build/native (incremental).
# Another libtorch (e.g. a PyTorch install with CUDA): MLEXT_TORCH_DIR=/path/with/TorchConfig.cmake-prefix
# or CMAKE_PREFIX_PATH=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)').
# MLEXT_SKIP_APT=1 skips the package step (machines without apt or root).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MLEXT_NATIVE_BUILD:-$root/build/native}"
say() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

custom_torch="${MLEXT_TORCH_DIR:-${CMAKE_PREFIX_PATH:-}}"
packages=(cmake g++ make libopencv-dev libopenblas0-pthread)
[ -z "$custom_torch" ] && packages+=(libtorch-dev)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})) && [ "${MLEXT_SKIP_APT:-0}" != 1 ]; then
  command -v apt-get >/dev/null || die "missing packages: ${missing[*]} and no apt-get to install them"
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || die "missing packages: ${missing[*]}; run as root: apt-get install -y ${missing[*]}"
    sudo="sudo"
  fi
  say "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q >/dev/null || die "apt-get update failed"
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
    die "apt-get install ${missing[*]} failed"
fi

# BLAS: libtorch-dev's matmuls go through libblas.so.3; OpenBLAS must be the provider.
arch="$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)"
blas_link="/usr/lib/$arch/libblas.so.3"
if [ -z "$custom_torch" ] && [ -e "$blas_link" ]; then
  target="$(readlink -f "$blas_link")"
  if [[ "$target" != *openblas* ]]; then
    candidate="$(ls /usr/lib/"$arch"/openblas-pthread/libblas.so.3 2>/dev/null || true)"
    [ -n "$candidate" ] || die "libblas.so.3 is $target (reference BLAS, ~30x slower); install libopenblas0-pthread"
    say "switching libblas.so.3 to OpenBLAS ($candidate)"
    update-alternatives --set "libblas.so.3-$arch" "$candidate" >/dev/null ||
      die "could not select OpenBLAS: update-alternatives --set libblas.so.3-$arch $candidate"
    target="$(readlink -f "$blas_link")"
    [[ "$target" == *openblas* ]] || die "libblas.so.3 still resolves to $target, not OpenBLAS"
  fi
fi

command -v cmake >/dev/null || die "cmake not found: apt-get install cmake"
cmake_args=(-S "$root/src/Native" -B "$build" -DCMAKE_BUILD_TYPE=Release)
[ -n "${MLEXT_TORCH_DIR:-}" ] && cmake_args+=("-DCMAKE_PREFIX_PATH=$MLEXT_TORCH_DIR")
mkdir -p "$build"
if [ ! -f "$build/CMakeCache.txt" ]; then
  say "configuring native build in $build"
  cmake "${cmake_args[@]}" >"$build/configure.log" 2>&1 || { cat "$build/configure.log" >&2; die "CMake could not configure src/Native (is libtorch-dev installed, or MLEXT_TORCH_DIR set?)"; }
fi
cmake --build "$build" -j "$(nproc)" >"$build/build.log" 2>&1 || { cat "$build/build.log" >&2; die "native build failed (log above)"; }
lib="$build/libmlext_native.so"
[ -f "$lib" ] || die "build finished but $lib is missing"
say "native library ready: $lib"
