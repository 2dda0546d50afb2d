"""Does a regulariser help SimpleShot transfer on digits? A python3-torch replica of the fewshot MLP encoder (global
standardisation, He-normal Linear 64-256-ReLU-128, linear head, Adam 1e-3, 200 mini-batches of 64), trained on the
base classes with input dropout, hidden dropout, Gaussian input noise or weight decay, then scored like SimpleShot
(subtract the base-class mean embedding, L2-normalise, nearest class mean). Mean over seeds 1-3 on the five base-class
folds of digits_select.sh (2-way, 300 episodes); with --final also 5-way on classes 5-9 after training on 0-4.
Usage: /usr/bin/python3 eng/bench/fewshot/digits_regularisers.py [--csv /tmp/mlx-data/digits/all.csv] [--final]"""
import argparse
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

FOLDS = [([0, 1, 2], [3, 4]), ([2, 3, 4], [0, 1]), ([3, 4, 0], [1, 2]), ([4, 0, 1], [2, 3]), ([1, 2, 3], [4, 0])]
SETTINGS = [{}, {"in_drop": 0.1}, {"in_drop": 0.2}, {"in_drop": 0.3}, {"hid_drop": 0.3}, {"noise": 0.5}, {"noise": 1.0},
            {"wd": 1e-3}, {"wd": 1e-2}]


def load(path):
    data = np.genfromtxt(path, delimiter=",", names=True)
    labels = data["label"].astype(int)
    feats = np.stack([data[n] for n in data.dtype.names if n != "label"], 1).astype(np.float32)
    return feats, labels


def train(X, Y, classes, seed, in_drop=0.0, hid_drop=0.0, noise=0.0, wd=0.0, steps=200):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    keep = np.isin(Y, classes)
    x = torch.tensor(X[keep])
    y = torch.tensor(np.searchsorted(sorted(classes), Y[keep]))
    mean = x.mean(0)
    scale = (x - mean).pow(2).mean().sqrt()
    net = nn.Sequential(nn.Dropout(in_drop), nn.Linear(64, 256), nn.ReLU(), nn.Dropout(hid_drop), nn.Linear(256, 128))
    for layer in net:
        if isinstance(layer, nn.Linear):
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            nn.init.zeros_(layer.bias)
    head = nn.Linear(128, len(classes))
    opt = torch.optim.Adam(list(net.parameters()) + list(head.parameters()), 1e-3, weight_decay=wd)
    for _ in range(steps):
        idx = torch.tensor(rng.choice(len(x), 64, replace=False))
        xb = (x[idx] - mean) / scale
        if noise:
            xb = xb + noise * torch.randn_like(xb)
        loss = F.cross_entropy(head(net(xb)), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    net.eval()
    with torch.no_grad():
        centre = net((x - mean) / scale).mean(0)

    def embed(a):
        with torch.no_grad():
            return F.normalize(net((torch.tensor(a) - mean) / scale) - centre, dim=1).numpy()
    return embed


def episodes(embed, X, Y, classes, ways, shots, count, queries=15, seed=1):
    rng = np.random.default_rng(seed)
    keep = np.isin(Y, classes)
    E, L = embed(X[keep]), Y[keep]
    accs = []
    for _ in range(count):
        protos, query, truth = [], [], []
        for k, c in enumerate(rng.choice(classes, ways, replace=False)):
            ids = rng.permutation(np.where(L == c)[0])[:shots + queries]
            protos.append(E[ids[:shots]].mean(0))
            query.append(E[ids[shots:]])
            truth += [k] * queries
        d = ((np.concatenate(query)[:, None] - np.stack(protos)[None]) ** 2).sum(-1)
        accs.append((d.argmin(1) == np.array(truth)).mean())
    return 100 * float(np.mean(accs))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--csv", default="/tmp/mlx-data/digits/all.csv")
    ap.add_argument("--final", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(1)
    X, Y = load(a.csv)
    for s in SETTINGS:
        r1, r5 = [], []
        for seed in (1, 2, 3):
            for tr, te in FOLDS:
                emb = train(X, Y, tr, seed, **s)
                r1.append(episodes(emb, X, Y, te, 2, 1, 300))
                r5.append(episodes(emb, X, Y, te, 2, 5, 300))
        line = f"{s or 'none'}: folds 2-way {np.mean(r1):.1f} / {np.mean(r5):.1f}"
        if a.final:
            f1, f5 = [], []
            for seed in (1, 2, 3):
                emb = train(X, Y, [0, 1, 2, 3, 4], seed, **s)
                f1.append(episodes(emb, X, Y, [5, 6, 7, 8, 9], 5, 1, 600))
                f5.append(episodes(emb, X, Y, [5, 6, 7, 8, 9], 5, 5, 600))
            line += f"; classes 5-9, 5-way {np.mean(f1):.1f} / {np.mean(f5):.1f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
