"""One optimizer step on ~10M parameters: torchkeras_compat's Keras optimizers vs torch.optim.

    python benchmarks/bench_optimizer.py [--device cuda] [--params 10e6] [--steps 30]

Prints, for Adam and SGD with momentum, the median time of one ``step()`` for ours and for the
same torch.optim optimizer with its default implementation (and with foreach=True), side by
side, and the ratio ours / torch. Gradients are fixed random tensors, set once, so only the
update itself is timed (as in a training loop, where backward() produces them).
"""
import argparse
import statistics
import time

import torch

from torchkeras_compat import optimizers


def make_params(total: int, device: str):
    """An MLP-like parameter set: square weight matrices with biases, about `total` numbers."""
    torch.manual_seed(0)
    side = 1024
    params = []
    count = 0
    while count < total:
        w = torch.nn.Parameter(torch.randn(side, side, device=device) * 0.02)
        b = torch.nn.Parameter(torch.zeros(side, device=device))
        w.grad = torch.randn_like(w) * 1e-3
        b.grad = torch.randn_like(b) * 1e-3
        params += [w, b]
        count += w.numel() + b.numel()
    return params, count


def _timed(step, device: str) -> float:
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    step()
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    return time.perf_counter() - t0


def time_interleaved(steps_by_name: dict, device: str, steps: int) -> dict:
    """Median step time of each optimizer, taking turns so that machine noise hits all alike."""
    for step in steps_by_name.values():
        for _ in range(3):
            step()
    times = {name: [] for name in steps_by_name}
    for _ in range(steps):
        for name, step in steps_by_name.items():
            times[name].append(_timed(step, device))
    return {name: statistics.median(t) for name, t in times.items()}


def bench(name, make_ours, make_torch, params, device, steps):
    ours = make_ours()
    ours.build(params)
    contenders = {"ours": ours.step,
                  "torch default": make_torch(params).step,
                  "torch foreach": make_torch(params, foreach=True).step}
    t = time_interleaved(contenders, device, steps)
    row = [f"{name:<14}", f"ours {t['ours'] * 1e3:8.2f} ms"]
    for label in ("torch default", "torch foreach"):
        row.append(f"{label} {t[label] * 1e3:8.2f} ms (ours/torch {t['ours'] / t[label]:5.2f})")
    print(" | ".join(row), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--params", type=float, default=10e6)
    parser.add_argument("--steps", type=int, default=30)
    args = parser.parse_args()
    params, count = make_params(int(args.params), args.device)
    print(f"device={args.device} parameters={count:,} tensors={len(params)} "
          f"torch={torch.__version__}", flush=True)
    bench("Adam", lambda: optimizers.Adam(learning_rate=1e-3),
          lambda p, **kw: torch.optim.Adam(p, lr=1e-3, eps=1e-7, **kw), params, args.device, args.steps)
    bench("SGD momentum", lambda: optimizers.SGD(learning_rate=0.01, momentum=0.9),
          lambda p, **kw: torch.optim.SGD(p, lr=0.01, momentum=0.9, **kw), params, args.device,
          args.steps)


if __name__ == "__main__":
    main()
