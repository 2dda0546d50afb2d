#!/usr/bin/python3
"""Writes an unlabelled transfer set: NCOPIES perturbed copies of every training row (Gaussian noise of
SCALE times each feature's standard deviation), label column left out. Usage: make_transfer.py TRAIN OUT [NCOPIES] [SCALE] [SEED]"""
import csv
import random
import statistics
import sys

train, out = sys.argv[1], sys.argv[2]
copies = int(sys.argv[3]) if len(sys.argv) > 3 else 2
scale = float(sys.argv[4]) if len(sys.argv) > 4 else 0.15
rng = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 0)
with open(train, newline="") as f:
    rows = list(csv.reader(f))
header, body = rows[0], rows[1:]
features = [i for i, name in enumerate(header) if name != "label"]
sd = [statistics.pstdev(float(r[i]) for r in body) for i in features]
with open(out, "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow([header[i] for i in features])
    for _ in range(copies):
        for r in body:
            w.writerow([f"{float(r[i]) + rng.gauss(0.0, scale * s):.4f}" for i, s in zip(features, sd)])
