#!/usr/bin/env python3
"""A check of the first steps of 1vsAll training (ComplEx, reciprocal relations, softmax cross-entropy, N3) in
python3-torch, independent of `mlext linkpred train --loss 1vsall`: prints the cross-entropy and the N3 term every
25 steps, to compare with the loss the trainer reports. Each step takes B training examples from the training split
and its inverse triples (t, r + R, h), shuffled. Usage:
  OPENBLAS_NUM_THREADS=1 python3 torch_complex_1vsall_check.py DATA_DIR RANK INIT LAMBDA BATCH STEPS adagrad|adam LR
  (INIT > 0: N(0, 1) times INIT, as in Lacroix et al.'s code; 0: Xavier-normal, as the trainer)
"""
import random, sys, torch

data, k, init, lam, B, steps, opt_name, lr = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), \
    int(sys.argv[5]), int(sys.argv[6]), sys.argv[7], float(sys.argv[8])
torch.set_num_threads(1)
torch.manual_seed(1)
random.seed(1)
ent, rel, triples = {}, {}, []
with open(data + "/train.txt", encoding="utf-8") as f:
    for line in f:
        h, r, t = line.rstrip("\r\n").split("\t")
        triples.append((ent.setdefault(h, len(ent)), rel.setdefault(r, len(rel)), ent.setdefault(t, len(ent))))
E, R = len(ent), len(rel)
examples = torch.tensor(triples)
examples = torch.cat([examples, torch.stack([examples[:, 2], examples[:, 1] + R, examples[:, 0]], 1)])
entity, relation = torch.nn.Embedding(E, 2 * k), torch.nn.Embedding(2 * R, 2 * k)
for table in (entity, relation):
    if init > 0:
        table.weight.data *= init
    else:
        torch.nn.init.xavier_normal_(table.weight)
params = list(entity.parameters()) + list(relation.parameters())
opt = torch.optim.Adagrad(params, lr=lr) if opt_name == "adagrad" else torch.optim.Adam(params, lr=lr)
order = examples[torch.randperm(len(examples))]
for s in range(steps):
    b = order[s * B:(s + 1) * B]
    lhs, rel_, rhs = entity(b[:, 0]), relation(b[:, 1]), entity(b[:, 2])
    (l0, l1), (r0, r1), (t0, t1) = (x.split(k, 1) for x in (lhs, rel_, rhs))
    w0, w1 = entity.weight.split(k, 1)
    scores = (l0 * r0 - l1 * r1) @ w0.t() + (l0 * r1 + l1 * r0) @ w1.t()
    ce = torch.nn.functional.cross_entropy(scores, b[:, 2])
    moduli = [torch.sqrt(a ** 2 + c ** 2) for a, c in ((l0, l1), (r0, r1), (t0, t1))]
    n3 = lam * sum(m.abs().pow(3).sum() for m in moduli) / len(b)
    opt.zero_grad()
    (ce + n3).backward()
    opt.step()
    if s % 25 == 0:
        print(f"step {s}: cross-entropy {ce.item():.3f}, N3 {n3.item():.3f}", flush=True)
