"""Where a training step's host time goes: torchkeras_compat's fit vs the plain torch loop.

    python benchmarks/profile_step.py [mlp|cnn|lstm|gru|tiny] [--device cuda] [--top 25] [--python]

Profiles one timed run of a run_all.py workload on each side with torch.profiler and prints,
per step, the number of operator calls and of CUDA runtime calls (kernel launches, copies,
synchronisations, pinned allocations) and the operators with the most host (self CPU) time.
On a GPU, small models are bound by this host time, so it is what the fit ratio measures.
``--python`` instead prints cProfile's view of our side: the Python functions with the most
cumulative time over one timed fit() call, setup included.
"""
import argparse
import cProfile
import os
import pstats
import sys

import torch
from torch.profiler import ProfilerActivity, profile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run_all  # noqa: E402
import workloads  # noqa: E402


def profile_side(fn, device: str):
    activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if device.startswith("cuda") else [])
    fn()  # warm-up: lazy builds, allocator growth
    with profile(activities=activities) as prof:
        fn()
        if device.startswith("cuda"):
            torch.cuda.synchronize()
    return prof.key_averages()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("name", nargs="?", default="tiny")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--python", action="store_true", help="cProfile our fit() instead")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    from torchkeras_compat.backend import config as backend_config
    backend_config.set_device(args.device)
    steps = workloads.steps(args.name)
    if args.python:
        fn = run_all.ours_run(args.name, False)
        fn()
        prof = cProfile.Profile()
        prof.runcall(fn)
        if args.device.startswith("cuda"):
            torch.cuda.synchronize()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(args.top)
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.top)
        return
    sides = {"ours": run_all.ours_run(args.name, False), "torch": run_all.torch_run(args.name, False, args.device)}
    for side, fn in sides.items():
        events = profile_side(fn, args.device)
        ops = [e for e in events if e.key.startswith("aten::")]
        runtime = [e for e in events if e.key.startswith("cuda") and not e.key.startswith("cudaGetDevice")]
        host_us = sum(e.self_cpu_time_total for e in events) / steps
        print(f"== {side} ({args.name}, {args.device}): {sum(e.count for e in ops) / steps:.1f} aten ops/step, "
              f"{host_us:.0f} us self host time/step")
        for e in sorted(runtime, key=lambda e: -e.count):
            print(f"   {e.count / steps:7.2f}/step {e.self_cpu_time_total / steps:8.1f} us  {e.key}")
        for e in sorted(events, key=lambda e: -e.self_cpu_time_total)[:args.top]:
            print(f"   {e.count / steps:7.2f}/step {e.self_cpu_time_total / steps:8.1f} us  {e.key}")


if __name__ == "__main__":
    main()
