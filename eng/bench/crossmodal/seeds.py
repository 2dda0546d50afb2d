"""Prints the seed table (markdown) of seeds.sh: per run and, per variant, the mean and the sample standard deviation."""
import json
import re
import statistics
import sys
from pathlib import Path

out = Path(sys.argv[1])
names = {"base": "batch 64 (default)", "acc4": "batch 64 x accumulation 4, shared negatives", "acc4local": "batch 64 x accumulation 4, local negatives"}
keys = [("image_to_text", "r1"), ("image_to_text", "r5"), ("text_to_image", "r1"), ("text_to_image", "r5")]
runs = {}
for f in sorted(out.glob("eval-*-*.json")):
    m = re.fullmatch(r"eval-(\w+)-(\d+)\.json", f.name)
    if not m:
        continue
    variant, seed = m.group(1), int(m.group(2))
    ev = json.loads(f.read_text())
    row = [ev[d][k] for d, k in keys]
    log = (out / f"train-{variant}-{seed}.log").read_text()
    trained = re.search(r"trained in ([\d.]+) s \((.*)\); saved", log)
    metrics = dict((kv.rsplit(" ", 1)[0], float(kv.rsplit(" ", 1)[1])) for kv in trained.group(2).split(", ")) if trained else {}
    runs.setdefault(variant, []).append((seed, row, metrics))
print("| variant | seed | i→t R@1 | i→t R@5 | t→i R@1 | t→i R@5 | epochs run | val. mean recall | pairs/s |")
print("|---|---|---|---|---|---|---|---|---|")
for variant, rows in runs.items():
    for seed, row, metrics in sorted(rows):
        cells = " | ".join(f"{v:.3f}" for v in row)
        print(f"| {names.get(variant, variant)} | {seed} | {cells} | {metrics.get('epochs', float('nan')):.0f} | "
              f"{metrics.get('val_mean_recall', float('nan')):.3f} | {metrics.get('train_pairs_per_second', float('nan')):.0f} |")
    if len(rows) > 1:
        cols = list(zip(*[r for _, r, _ in rows]))
        cells = " | ".join(f"{statistics.mean(c):.3f} ± {statistics.stdev(c):.3f}" for c in cols)
        vals = [m.get("val_mean_recall", float("nan")) for _, _, m in rows]
        print(f"| {names.get(variant, variant)} | mean ± sd ({len(rows)} seeds) | {cells} | | {statistics.mean(vals):.3f} ± {statistics.stdev(vals):.3f} | |")
