#!/usr/bin/python3
"""Markdown tables from build/bench/distill/results.jsonl and scoring.jsonl (see run.sh).
Usage: summarize.py RESULTS.jsonl [SCORING.jsonl]"""
import json
import statistics
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
scoring = [json.loads(line) for line in open(sys.argv[2]) if line.strip()] if len(sys.argv) > 2 else []


def mean_sd(values):
    values = [v for v in values if v is not None]
    if len(values) < 2:
        return f"{values[0]:.4f}" if values else ""
    return f"{statistics.mean(values):.4f} ± {statistics.stdev(values):.4f}"


def size(r):
    if r.get("weights") is not None:
        return f'{r["weights"]:,} weights'
    if r.get("tree_nodes") is not None:
        return f'{r["tree_nodes"]:,} tree nodes'
    return "?"


for ds in dict.fromkeys(r["dataset"] for r in rows):
    mine = [r for r in rows if r["dataset"] == ds]
    print(f"\n#### {ds}\n")
    print("| model | seeds | test accuracy (per seed) | mean ± sd | macro F1 (mean) | epochs run | size | eval rows/s (median) |")
    print("|---|---:|---|---:|---:|---|---:|---:|")
    for name in dict.fromkeys(r["model"] for r in mine if not r["model"].startswith("report")):
        group = [r for r in mine if r["model"] == name]
        accs = ", ".join(f'{r["accuracy"]:.4f}' for r in group)
        f1 = [r["macro_f1"] for r in group if "macro_f1" in r]
        epochs = ", ".join(str(r["epochs"]) for r in group if r.get("epochs") is not None)
        print(f'| {name} | {len(group)} | {accs} | {mean_sd([r["accuracy"] for r in group])} | '
              f'{statistics.mean(f1):.4f} | {epochs} | {size(group[0])} | {statistics.median(r["rows_per_second"] for r in group):,.0f} |'
              if f1 else
              f'| {name} | {len(group)} | {accs} | {mean_sd([r["accuracy"] for r in group])} |  | {epochs} | {size(group[0])} | '
              f'{statistics.median(r["rows_per_second"] for r in group):,.0f} |')
    print("\n| distillation report (test set) | seed | teacher acc | student acc | retention | agreement | params ratio | "
          "teacher rows/s | student rows/s | speed-up |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in mine:
        if r["model"].startswith("report"):
            print(f'| {r["model"][7:]} | {r.get("seed", "")} | {r["teacher_accuracy"]:.4f} | {r["student_accuracy"]:.4f} | '
                  f'{r["accuracy_retention"]:.3f} | {r["agreement"]:.4f} | 1/{1 / r["parameter_ratio"]:.0f} | '
                  f'{r["teacher_rows_per_second"]:,.0f} | {r["student_rows_per_second"]:,.0f} | {r["speedup"]:.1f}x |')
    mine_scoring = [s for s in scoring if s.get("dataset") == ds]
    if mine_scoring:
        print("\n| scoring side by side (same CSV, ≥100k rows, batches of 4096, 1 thread) | round | rows/s |")
        print("|---|---:|---:|")
        for s in mine_scoring:
            name = s["impl"] + (f' {s["hidden"]}' if "hidden" in s else f' ({s["model"]})')
            print(f'| {name} | {s["round"]} | {s["rows_per_second"]:,.0f} |')
