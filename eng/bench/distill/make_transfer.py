#!/usr/bin/python3
"""Writes an unlabelled transfer set from a training CSV, label column left out:
NOISE perturbed copies of every training row (Gaussian noise of SCALE times each feature's standard deviation)
and MIX interpolated rows per training row (x = l * a + (1 - l) * b for a random pair of training rows a, b and
l ~ Uniform(0, 1), mixup-style, then the same noise).
With a 7th argument "keep-labels", the noisy copies keep their row's label (an augmented labelled set; MIX must be 0).
Usage: make_transfer.py TRAIN OUT [NOISE=2] [SCALE=0.15] [SEED=0] [MIX=0] [keep-labels]"""
import csv
import random
import statistics
import sys

train, out = sys.argv[1], sys.argv[2]
copies = int(sys.argv[3]) if len(sys.argv) > 3 else 2
scale = float(sys.argv[4]) if len(sys.argv) > 4 else 0.15
rng = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 0)
mixes = int(sys.argv[6]) if len(sys.argv) > 6 else 0
keep = len(sys.argv) > 7 and sys.argv[7] == "keep-labels"
if keep and mixes:
    sys.exit("keep-labels needs MIX = 0: an interpolated row has no single label")
with open(train, newline="") as f:
    rows = list(csv.reader(f))
header, body = rows[0], rows[1:]
features = [i for i, name in enumerate(header) if name != "label"]
label = header.index("label")
x = [[float(r[i]) for i in features] for r in body]
sd = [statistics.pstdev(row[j] for row in x) for j in range(len(features))]


def noisy(values):
    return [f"{v + rng.gauss(0.0, scale * s):.4f}" for v, s in zip(values, sd)]


with open(out, "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow((["label"] if keep else []) + [header[i] for i in features])
    for _ in range(copies):
        for r, row in zip(body, x):
            w.writerow(([r[label]] if keep else []) + noisy(row))
    for _ in range(mixes):
        for a in x:
            b = x[rng.randrange(len(x))]
            lam = rng.random()
            w.writerow(noisy([lam * u + (1.0 - lam) * v for u, v in zip(a, b)]))
