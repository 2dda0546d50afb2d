#!/usr/bin/python3
"""Scoring throughput of scikit-learn's MLPClassifier (Debian python3-sklearn) on a CSV, for a side-by-side with
`mlext evaluate`: an MLP of the given hidden widths behind a StandardScaler (the same arithmetic as the pack's
classifier: standardise, Linear+ReLU per hidden layer, Linear, softmax), fitted briefly on the first 2000 rows of TRAIN
(scoring cost does not depend on the weights' values), then predict_proba over SCORE in batches of BATCH rows (the batch size of the CLI's
streaming verbs), after a warm-up pass, repeated for at least 0.5 s; and over the whole array in one call.
Prints one JSON line. Usage: scoring_peer.py TRAIN SCORE HIDDEN [BATCH=4096]"""
import csv
import json
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def load(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    li = rows[0].index("label")
    y = np.array([r[li] for r in rows[1:]])
    x = np.array([[float(v) for i, v in enumerate(r) if i != li] for r in rows[1:]], dtype=np.float32)
    return x, y


def rows_per_second(score, x, batch):
    def one_pass():
        for s in range(0, len(x), batch):
            score(x[s:s + batch])
    one_pass()
    n, start = 0, time.perf_counter()
    while True:
        one_pass()
        n += len(x)
        if time.perf_counter() - start >= 0.5:
            return n / (time.perf_counter() - start)


train, score_csv, hidden = sys.argv[1], sys.argv[2], tuple(int(v) for v in sys.argv[3].split(","))
batch = int(sys.argv[4]) if len(sys.argv) > 4 else 4096
xtr, ytr = load(train)
x, _ = load(score_csv)
warnings.simplefilter("ignore", ConvergenceWarning)
model = make_pipeline(StandardScaler(), MLPClassifier(hidden, max_iter=3, random_state=0)).fit(xtr[:2000], ytr[:2000])
mlp = model[-1]
weights = int(sum(w.size for w in mlp.coefs_) + sum(b.size for b in mlp.intercepts_))
print(json.dumps({"impl": "sklearn MLPClassifier.predict_proba", "hidden": list(hidden), "weights": weights, "rows": len(x),
                  "batch": batch, "rows_per_second": rows_per_second(model.predict_proba, x, batch),
                  "rows_per_second_one_call": rows_per_second(model.predict_proba, x, len(x))}))
