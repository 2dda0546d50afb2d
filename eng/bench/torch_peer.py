"""Peer measurements in Debian's python3-torch (same libtorch 1.13), printed as JSON lines.

Mirrors MLExtensions.Bench case by case: per-op overhead, MLP training step, matmul GFLOP/s.
Usage: /usr/bin/python3 eng/bench/torch_peer.py --threads 2 [--cases op,mlp,matmul]
"""
import argparse
import json
import statistics
import time

import torch


def median_of(fn, repeats):
    return statistics.median(fn() for _ in range(repeats))


def per_op(repeats):
    x = torch.ones(4)

    def run():
        start = time.perf_counter()
        for _ in range(10_000):
            y = x + x
            del y
        return (time.perf_counter() - start) / 10_000 * 1e6

    run()
    return {"case": "op", "us_per_op": median_of(run, repeats)}


def mlp_step(repeats):
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 1200), torch.nn.ReLU(),
        torch.nn.Linear(1200, 1200), torch.nn.ReLU(),
        torch.nn.Linear(1200, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(256, 784)
    y = torch.randint(0, 10, (256,))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(5):
        step()

    def run():
        start = time.perf_counter()
        for _ in range(20):
            step()
        return (time.perf_counter() - start) / 20 * 1e3

    return {"case": "mlp", "ms_per_step": median_of(run, repeats)}


def matmul(repeats):
    a = torch.randn(1024, 1024)
    b = torch.randn(1024, 1024)
    for _ in range(3):
        a @ b

    def run():
        n = 20
        start = time.perf_counter()
        for _ in range(n):
            c = a @ b
            del c
        seconds = (time.perf_counter() - start) / n
        return 2 * 1024 ** 3 / seconds / 1e9

    return {"case": "matmul", "gflops": median_of(run, repeats)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--cases", default="op,mlp,matmul")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    cases = {"op": per_op, "mlp": mlp_step, "matmul": matmul}
    for name in args.cases.split(","):
        result = cases[name](args.repeats)
        result["impl"] = "python3-torch " + torch.__version__
        result["threads"] = torch.get_num_threads()
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
