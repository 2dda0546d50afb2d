#!/usr/bin/python3
"""Markdown tables from build/bench/distill/results.jsonl (see run.sh)."""
import json
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
for ds in dict.fromkeys(r["dataset"] for r in rows):
    print(f"\n#### {ds}\n")
    print("| model | test accuracy | macro F1 | size | eval rows/s |")
    print("|---|---:|---:|---:|---:|")
    for r in rows:
        if r["dataset"] != ds or r["model"].startswith("report"):
            continue
        size = f'{r["weights"]:,} weights' if r.get("weights") is not None else f'{r["tree_nodes"]:,} tree nodes' if r.get("tree_nodes") is not None else "?"
        f1 = f'{r["macro_f1"]:.4f}' if "macro_f1" in r else ""
        print(f'| {r["model"]} | {r["accuracy"]:.4f} | {f1} | {size} | {r["rows_per_second"]:,.0f} |')
    print("\n| distillation report (test set) | teacher acc | student acc | retention | agreement | params ratio | teacher rows/s | student rows/s | speed-up |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        if r["dataset"] == ds and r["model"].startswith("report"):
            print(f'| {r["model"][7:]} | {r["teacher_accuracy"]:.4f} | {r["student_accuracy"]:.4f} | {r["accuracy_retention"]:.3f} | '
                  f'{r["agreement"]:.4f} | 1/{1 / r["parameter_ratio"]:.0f} | {r["teacher_rows_per_second"]:,.0f} | '
                  f'{r["student_rows_per_second"]:,.0f} | {r["speedup"]:.1f}x |')
