#!/usr/bin/python3
"""Writes a homogeneous graph derived from data/digits.csv.gz for `mlext linkpred --model graphsage|gcn`.

Nodes: "d<row>" for each of the 1,797 digit images, with their 64 pixel intensities as features. Edges: each image
to its 5 nearest neighbours (Euclidean on the pixels), symmetrised. Every fifth image is unseen at training; of its
edges to training images, the even-numbered ones are revealed at scoring time and the odd-numbered ones are the
inductive test. The training graph's edges are split 85 / 5 / 10 (train / valid / test) with a fixed seed.

Usage: digits_graph.py OUT_DIR
"""
import csv
import gzip
import os
import sys

import numpy as np

root = os.path.dirname(os.path.abspath(__file__))
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
with gzip.open(os.path.join(root, "..", "..", "..", "data", "digits.csv.gz"), "rt") as f:
    rows = list(csv.reader(f))
header, data = rows[0], np.array(rows[1:], dtype=np.float32)
x = data[:, 1:]
n = len(x)
d = ((x[:, None, :] - x[None, :, :]) ** 2).sum(-1)
np.fill_diagonal(d, np.inf)
edges = set()
for i in range(n):
    for j in np.lexsort((np.arange(n), d[i]))[:5]:
        edges.add((min(i, int(j)), max(i, int(j))))
edges = sorted(edges)
unseen = lambda r: r % 5 == 0
seen_edges = [e for e in edges if not unseen(e[0]) and not unseen(e[1])]
cross = [e for e in edges if unseen(e[0]) != unseen(e[1])]
rng = np.random.default_rng(3)
u = rng.random(len(seen_edges))


def write_edges(name, es):
    with open(os.path.join(out, name), "w") as f:
        for a, b in es:
            f.write(f"d{a}\td{b}\n")


def write_features(name, keep):
    with open(os.path.join(out, name), "w") as f:
        f.write("id," + ",".join(header[1:]) + "\n")
        for r in range(n):
            if keep(r):
                f.write(f"d{r}," + ",".join(str(int(v)) for v in x[r]) + "\n")


write_edges("train.tsv", [e for e, v in zip(seen_edges, u) if v >= 0.15])
write_edges("valid.tsv", [e for e, v in zip(seen_edges, u) if 0.10 <= v < 0.15])
write_edges("test.tsv", [e for e, v in zip(seen_edges, u) if v < 0.10])
write_edges("unseen-revealed.tsv", cross[0::2])
write_edges("unseen-test.tsv", cross[1::2])
write_features("features.csv", lambda r: not unseen(r))
write_features("unseen-features.csv", unseen)
with open(os.path.join(out, "queries.txt"), "w") as f:
    f.write("d1\nd2\nd3\n")
print(f"{n} nodes, {len(edges)} edges ({len(seen_edges)} among training nodes, {len(cross)} touching unseen nodes) -> {out}")
