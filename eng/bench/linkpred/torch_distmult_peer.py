#!/usr/bin/env python3
"""The same DistMult 1-N training as `mlext linkpred train --model distmult --loss 1-n`, in python3-torch.

Same data (WN18RR train split), same queries ((h, r, ?) and (?, r, t), shuffled), same batch, same loss
(BCE with logits, label smoothing, summed over entities and averaged over queries), same N3 penalty and AdamW.
Prints the mean step time and the epoch-equivalent time. Usage:
  MLEXT_NUM_THREADS=2 python3 torch_distmult_peer.py DATA_DIR [--dim 200] [--batch 512] [--steps 40] [--device cuda]
"""
import argparse, os, random, time
import torch

p = argparse.ArgumentParser()
p.add_argument("data")
p.add_argument("--dim", type=int, default=200)
p.add_argument("--batch", type=int, default=512)
p.add_argument("--steps", type=int, default=40)
p.add_argument("--lr", type=float, default=3e-3)
p.add_argument("--smoothing", type=float, default=0.1)
p.add_argument("--reg", type=float, default=1e-3)
p.add_argument("--device", default="cpu")
a = p.parse_args()
torch.set_num_threads(int(os.environ.get("MLEXT_NUM_THREADS", torch.get_num_threads())))
torch.manual_seed(1)
random.seed(1)

ent, rel, triples = {}, {}, []
with open(os.path.join(a.data, "train.txt"), encoding="utf-8") as f:
    for line in f:
        h, r, t = line.rstrip("\r\n").split("\t")
        triples.append((ent.setdefault(h, len(ent)), rel.setdefault(r, len(rel)), ent.setdefault(t, len(ent))))
E, R = len(ent), len(rel)
tails, heads = {}, {}
for h, r, t in set(triples):
    tails.setdefault((h, r), []).append(t)
    heads.setdefault((t, r), []).append(h)
queries = [(e, r, True) for (e, r) in tails] + [(e, r, False) for (e, r) in heads]
random.shuffle(queries)

dev = torch.device(a.device)
emb_e = torch.nn.Parameter(torch.nn.init.xavier_normal_(torch.empty(E, a.dim)).to(dev))
emb_r = torch.nn.Parameter(torch.nn.init.xavier_normal_(torch.empty(R, a.dim)).to(dev))
opt = torch.optim.AdamW([emb_e, emb_r], lr=a.lr, weight_decay=0.0)

def step(batch):
    n = len(batch)
    total = 0
    for want_tails in (True, False):
        part = [q for q in batch if q[2] == want_tails]
        if not part:
            continue
        e = torch.tensor([q[0] for q in part], device=dev); r = torch.tensor([q[1] for q in part], device=dev)
        he, hr = torch.nn.functional.embedding(e, emb_e), torch.nn.functional.embedding(r, emb_r)
        q = he * hr
        scores = q @ emb_e.t()
        answers = [(tails if want_tails else heads)[(q_[0], q_[1])] for q_ in part]
        rows = torch.tensor([i for i, ans in enumerate(answers) for _ in ans], device=dev)
        cols = torch.tensor([x for ans in answers for x in ans], device=dev)
        y = torch.zeros(len(part), E, device=dev); y.index_put_((rows, cols), torch.ones(len(rows), device=dev))
        y = y * (1 - a.smoothing) + a.smoothing / E
        loss = torch.nn.functional.binary_cross_entropy_with_logits(scores, y, reduction="sum") / len(part) * (len(part) / n)
        loss = loss + a.reg / n * (torch.nn.functional.embedding(e, emb_e).abs().pow(3).sum()
                                  + torch.nn.functional.embedding(r, emb_r).abs().pow(3).sum())
        total = total + loss
    total.backward()
    opt.step()
    opt.zero_grad()
    return total.item()

steps_per_epoch = (len(queries) + a.batch - 1) // a.batch
step([queries[i] for i in range(a.batch)])  # warm-up
t0 = time.perf_counter()
for s in range(a.steps):
    step(queries[s * a.batch:(s + 1) * a.batch])
dt = (time.perf_counter() - t0) / a.steps
print(f"python3-torch {torch.__version__} ({dev}), {torch.get_num_threads()} threads: {E} entities, {R} relations, "
      f"{len(queries)} queries, batch {a.batch}, dim {a.dim}: {dt * 1000:.1f} ms/step, "
      f"{dt * steps_per_epoch:.1f} s per epoch-equivalent ({steps_per_epoch} steps)")
