#!/usr/bin/python3
"""scikit-learn peers (Debian python3-sklearn) on the same CSV split: MLPClassifier (student-sized and
teacher-sized), HistGradientBoostingClassifier, RandomForestClassifier. Prints one JSON line per model:
accuracy on the test set, a size figure (weights for MLPs, tree nodes for forests), scoring rows/s
(predict_proba over the whole test set, repeated for at least 0.5 s after a warm-up), fit seconds.
Usage: sklearn_peers.py DATASET TRAIN TEST STUDENT_HIDDEN TEACHER_HIDDEN (comma-separated widths)"""
import csv
import json
import sys
import time

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def load(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    li = header.index("label")
    y = np.array([r[li] for r in rows[1:]])
    x = np.array([[float(v) for i, v in enumerate(r) if i != li] for r in rows[1:]], dtype=np.float32)
    return x, y


def rows_per_second(model, x):
    model.predict_proba(x)
    n, start = 0, time.perf_counter()
    while True:
        model.predict_proba(x)
        n += len(x)
        if time.perf_counter() - start >= 0.5:
            return n / (time.perf_counter() - start)


def size_of(model):
    last = model[-1] if hasattr(model, "steps") else model
    if isinstance(last, MLPClassifier):
        return "weights", int(sum(w.size for w in last.coefs_) + sum(b.size for b in last.intercepts_))
    if isinstance(last, RandomForestClassifier):
        return "tree_nodes", int(sum(t.tree_.node_count for t in last.estimators_))
    if isinstance(last, HistGradientBoostingClassifier):
        return "tree_nodes", int(sum(p.nodes.shape[0] for it in last._predictors for p in it))
    return "size", None


dataset, train, test = sys.argv[1], sys.argv[2], sys.argv[3]
student = tuple(int(v) for v in sys.argv[4].split(","))
teacher = tuple(int(v) for v in sys.argv[5].split(","))
xtr, ytr = load(train)
xte, yte = load(test)
models = {
    f"sklearn MLPClassifier {list(student)}": make_pipeline(StandardScaler(), MLPClassifier(student, max_iter=300, early_stopping=True, random_state=0)),
    f"sklearn MLPClassifier {list(teacher)}": make_pipeline(StandardScaler(), MLPClassifier(teacher, max_iter=100, early_stopping=True, random_state=0)),
    "sklearn HistGradientBoosting": HistGradientBoostingClassifier(random_state=0),
    "sklearn RandomForest (100 trees)": RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1),
}
for name, model in models.items():
    t0 = time.perf_counter()
    model.fit(xtr, ytr)
    fit_s = time.perf_counter() - t0
    acc = float((model.predict(xte) == yte).mean())
    kind, size = size_of(model)
    print(json.dumps({"dataset": dataset, "model": name, "accuracy": acc, kind: size,
                      "rows_per_second": rows_per_second(model, xte), "fit_seconds": round(fit_s, 1)}), flush=True)
