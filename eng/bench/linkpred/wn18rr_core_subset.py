#!/usr/bin/env python3
"""A smaller WN18RR graph for CPU experiments on training dynamics, built from the training split only.

Keeps the training triples whose head and tail are both among the K entities of highest training degree, shuffles
them with a fixed seed and holds out the first HELD_OUT as validation triples (those whose entities still occur in the
rest). The test split is not read.

Usage: wn18rr_core_subset.py WN18RR_DIR OUT_DIR [K=12000] [HELD_OUT=1500] [SEED=1]
"""
import collections
import os
import random
import sys


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    src, out = argv[1], argv[2]
    k = int(argv[3]) if len(argv) > 3 else 12000
    held_out = int(argv[4]) if len(argv) > 4 else 1500
    seed = int(argv[5]) if len(argv) > 5 else 1
    with open(os.path.join(src, "train.txt"), encoding="utf-8") as f:
        triples = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    degree = collections.Counter()
    for h, _, t in triples:
        degree[h] += 1
        degree[t] += 1
    keep = {e for e, _ in degree.most_common(k)}
    core = [x for x in triples if x[0] in keep and x[2] in keep]
    random.Random(seed).shuffle(core)
    valid, train = core[:held_out], core[held_out:]
    seen = {x[0] for x in train} | {x[2] for x in train}
    valid = [x for x in valid if x[0] in seen and x[2] in seen]
    os.makedirs(out, exist_ok=True)
    for name, rows in (("train.txt", train), ("valid.txt", valid)):
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.writelines("\t".join(x) + "\n" for x in rows)
    print(f"{len(train)} training and {len(valid)} validation triples over {len(seen)} entities -> {out}")


if __name__ == "__main__":
    main(sys.argv)
