"""The ProtoNet episode and batched scoring of FewShotBench in Debian's python3-torch, printed as JSON lines.

Usage: /usr/bin/python3 eng/bench/fewshot/protonet_peer.py THREADS EPISODES
"""
import json
import sys
import time

import torch
import torch.nn.functional as F

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
episodes = int(sys.argv[2]) if len(sys.argv) > 2 else 20
torch.set_num_threads(threads)
torch.manual_seed(0)
WAYS, SHOTS, QUERIES, SIDE = 20, 1, 5, 28


def block(cin):
    return [torch.nn.Conv2d(cin, 64, 3, padding=1), torch.nn.BatchNorm2d(64), torch.nn.ReLU(), torch.nn.MaxPool2d(2)]


encoder = torch.nn.Sequential(*block(1), *block(64), *block(64), *block(64), torch.nn.Flatten())
opt = torch.optim.Adam(encoder.parameters(), 1e-3)
x = torch.rand(WAYS * (SHOTS + QUERIES), 1, SIDE, SIDE)
y = torch.arange(WAYS).repeat_interleave(QUERIES)


def episode():
    encoder.train()
    opt.zero_grad()
    emb = encoder(x)
    protos = emb[:WAYS * SHOTS].view(WAYS, SHOTS, -1).mean(1)
    q = emb[WAYS * SHOTS:]
    logits = q @ protos.t() * 2.0 - q.square().sum(1, keepdim=True) - protos.square().sum(1).unsqueeze(0)
    loss = F.cross_entropy(logits, y)
    loss.backward()
    opt.step()
    return loss.item()


for _ in range(3):
    episode()
start = time.perf_counter()
for _ in range(episodes):
    episode()
print(json.dumps({"impl": "python3-torch", "case": "protonet_episode", "threads": threads,
                  "episodes_per_s": round(episodes / (time.perf_counter() - start), 3)}))

images = torch.rand(1024, 1, SIDE, SIDE)
prototypes = torch.randn(20, 64)


def score():
    with torch.no_grad():
        encoder.eval()
        for s in range(0, 1024, 256):
            e = encoder(images[s:s + 256])
            logits = e @ prototypes.t() * 2.0 - e.square().sum(1, keepdim=True) - prototypes.square().sum(1).unsqueeze(0)
            logits.softmax(1).argmax(1).tolist()


score()
start = time.perf_counter()
for _ in range(3):
    score()
print(json.dumps({"impl": "python3-torch", "case": "protonet_scoring", "threads": threads,
                  "images_per_s": round(3 * 1024 / (time.perf_counter() - start), 1)}))
