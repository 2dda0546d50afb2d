#!/usr/bin/env bash
# Engine benchmarks, side by side in one run with Debian's python3-torch (same libtorch 1.13, same thread count):
# (a) per-op overhead of 10,000 small ops, (b) MLP training step (batch 256, 784-1200-1200-10, SGD momentum),
# (c) 1024x1024 float32 matmul GFLOP/s. Cases alternate between the two implementations, ROUNDS times,
# and the table reports medians and the ratio ours/peer.
# Usage: eng/bench/engine.sh [--threads N] [--rounds 3]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
threads="$(nproc)"; rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
"$root/eng/setup.sh"
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "[bench] installing python3-torch (the peer)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3-torch >/dev/null
fi
out="$root/build/bench"; mkdir -p "$out"
dotnet build "$root/eng/bench/MLExtensions.Bench" -c Release -o "$out/engine" --nologo -v quiet >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
results="$out/engine-results.jsonl"; : >"$results"
for r in $(seq "$rounds"); do
  for c in op mlp matmul; do
    dotnet "$out/engine/mlext-bench.dll" --threads "$threads" --cases "$c" >>"$results"
    /usr/bin/python3 "$root/eng/bench/torch_peer.py" --threads "$threads" --cases "$c" >>"$results"
  done
done
/usr/bin/python3 "$root/eng/bench/summarize.py" "$results"
