"""Turns engine-results.jsonl (alternating MLExtensions / python3-torch runs) into a markdown table of medians."""
import json
import statistics
import sys

METRICS = {"op": ("us_per_op", "µs per op (x + x, 4 floats)", False),
           "mlp": ("ms_per_step", "ms per MLP train step (256 x 784-1200-1200-10)", False),
           "matmul": ("gflops", "GFLOP/s, 1024² float32 matmul", True)}

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
threads = rows[0]["threads"] if rows else "?"
print(f"| case | MLExtensions | python3-torch | ratio (ours / peer) | target |")
print("|---|---|---|---|---|")
targets = {"op": "≤ 1.5x", "mlp": "≤ 1.1x", "matmul": "≈ 1.0x"}
for case, (key, label, higher_is_better) in METRICS.items():
    ours = [r[key] for r in rows if r["case"] == case and r["impl"].startswith("MLExtensions")]
    peer = [r[key] for r in rows if r["case"] == case and r["impl"].startswith("python3-torch")]
    if not ours or not peer:
        continue
    o, p = statistics.median(ours), statistics.median(peer)
    ratio = p / o if higher_is_better else o / p  # > 1 means we are slower
    print(f"| {label} | {o:.3g} | {p:.3g} | {ratio:.2f}x time | {targets[case]} |")
print(f"\n{len(rows) // 2} paired runs, {threads} threads each; medians.")
