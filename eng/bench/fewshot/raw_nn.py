"""Nearest neighbour on raw pixels / raw features (1-NN to the support, Euclidean; K>1: nearest class mean), the
baseline of the few-shot quality report. Its own seeded episode sampler (numpy), same N/K/Q/E as `fewshot evaluate`.

Usage: /usr/bin/python3 raw_nn.py (--folder ROOT --groups A,B | --csv FILE --classes 5,6) --ways N --shots K
       [--queries 15 --episodes 600 --size 28 --invert --within-group]
"""
import argparse
import csv
import json
import os

import numpy as np
from PIL import Image

p = argparse.ArgumentParser()
p.add_argument("--folder"); p.add_argument("--groups"); p.add_argument("--csv"); p.add_argument("--classes")
p.add_argument("--ways", type=int, default=5); p.add_argument("--shots", type=int, default=1)
p.add_argument("--queries", type=int, default=15); p.add_argument("--episodes", type=int, default=600)
p.add_argument("--size", type=int, default=28); p.add_argument("--invert", action="store_true")
p.add_argument("--within-group", action="store_true"); p.add_argument("--seed", type=int, default=1)
a = p.parse_args()

rows, labels = [], []
if a.folder:
    keep = set(a.groups.split(",")) if a.groups else None
    for dirpath, _, files in sorted(os.walk(a.folder)):
        rel = os.path.relpath(dirpath, a.folder)
        if rel == "." or (keep and rel.split(os.sep)[0] not in keep):
            continue
        for f in sorted(files):
            if f.lower().endswith(".png"):
                img = Image.open(os.path.join(dirpath, f)).convert("L").resize((a.size, a.size), Image.BILINEAR)
                v = np.asarray(img, dtype=np.float32).ravel() / 255.0
                rows.append(1.0 - v if a.invert else v)
                labels.append(rel.replace(os.sep, "/"))
else:
    keep = set(a.classes.split(",")) if a.classes else None
    with open(a.csv) as fh:
        r = csv.reader(fh)
        next(r)
        for line in r:
            if keep is None or line[0] in keep:
                labels.append(line[0])
                rows.append(np.array([float(v) for v in line[1:]], dtype=np.float32))
X = np.stack(rows)
classes = sorted(set(labels))
by_class = {c: np.array([i for i, l in enumerate(labels) if l == c]) for c in classes}
eligible = [c for c in classes if len(by_class[c]) >= a.shots + a.queries]
groups = {}
for c in eligible:
    groups.setdefault(c.split("/")[0], []).append(c)
rng = np.random.default_rng(a.seed)
accs = []
for _ in range(a.episodes):
    pool = eligible
    if a.within_group:
        ok = [g for g in groups.values() if len(g) >= a.ways]
        pool = ok[rng.integers(len(ok))]
    chosen = rng.choice(len(pool), a.ways, replace=False)
    s_idx, q_idx, q_lab = [], [], []
    for k, ci in enumerate(chosen):
        picks = rng.choice(by_class[pool[ci]], a.shots + a.queries, replace=False)
        s_idx.append(picks[:a.shots]); q_idx.extend(picks[a.shots:]); q_lab.extend([k] * a.queries)
    centroids = np.stack([X[s].mean(0) for s in s_idx])
    q = X[np.array(q_idx)]
    d = ((q[:, None, :] - centroids[None, :, :]) ** 2).sum(-1)
    accs.append(float((d.argmin(1) == np.array(q_lab)).mean()))
accs = np.array(accs)
print(json.dumps({"method": "raw-nn", "accuracy": float(accs.mean()), "ci95": float(1.96 * accs.std(ddof=1) / np.sqrt(len(accs))),
                  "ways": a.ways, "shots": a.shots, "queries": a.queries, "episodes": a.episodes, "withinGroup": a.within_group}))
