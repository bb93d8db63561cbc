"""Timing helpers shared by the benchmarks: interleaved rounds, medians, ratios, peak memory.

Every comparison runs its contenders in turns (A, B, C, A, B, C, ...) so that noise from other
work on the machine hits all of them alike; the figure reported is the median over rounds.
"""
import gc
import os
import resource
import statistics
import subprocess
import sys
import time
from typing import Callable, Dict, List, Optional

import torch


def sync(device) -> None:
    """Wait for queued GPU work so that wall-clock time covers it (no-op on the CPU)."""
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()


def timed(fn: Callable[[], object], device="cpu", clock: str = "wall") -> float:
    """Seconds taken by ``fn()``, including any GPU work it queued. ``clock='cpu'`` counts this
    process's CPU time instead of wall-clock time: steadier on a machine shared with other work
    when torch runs one thread (with several threads, or on a GPU, use 'wall')."""
    now = time.process_time if clock == "cpu" else time.perf_counter
    sync(device)
    t0 = now()
    fn()
    sync(device)
    return now() - t0


def interleaved(contenders: Dict[str, Callable[[], object]], rounds: int, device="cpu",
                warmup: int = 1, clock: str = "wall") -> Dict[str, float]:
    """Median seconds of each contender over ``rounds`` rounds, taking turns each round.

    ``warmup`` untimed calls of each contender come first (first-call costs: lazy builds,
    allocator growth, kernel selection). The order inside a round rotates, so no contender is
    always the one that runs right after another's garbage.
    """
    names = list(contenders)
    for _ in range(warmup):
        for name in names:
            contenders[name]()
    times: Dict[str, List[float]] = {name: [] for name in names}
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            gc.collect()
            times[name].append(timed(contenders[name], device, clock))
    return {name: statistics.median(t) for name, t in times.items()}


def ratio(ours: float, reference: Optional[float]) -> Optional[float]:
    return None if not reference else ours / reference


def fmt_ratio(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{value:.3f}x"


def fmt_seconds(value: Optional[float]) -> str:
    if value is None:
        return "n/a"
    return f"{value * 1e3:.1f} ms" if value < 1 else f"{value:.3f} s"


def print_side_by_side(title: str, medians: Dict[str, float], reference: str = "torch") -> None:
    """One line per contender: median time and ratio to the reference contender."""
    print(f"{title}")
    ref = medians.get(reference)
    for name, value in medians.items():
        print(f"  {name:<10} {fmt_seconds(value):>12}   {fmt_ratio(ratio(value, ref))} of {reference}")


def set_threads(n: Optional[int]) -> None:
    """Pin intra-op threads so that both sides compute with the same parallelism."""
    if n:
        torch.set_num_threads(int(n))


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_python(code: str, python: str = sys.executable, env: Optional[dict] = None,
               timeout: float = 600) -> str:
    """Run ``code`` in a fresh interpreter and return its stdout (for import time, peak memory)."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    proc = subprocess.run([python, "-c", code], capture_output=True, text=True, env=full_env,
                          timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"subprocess failed ({python}):\n{proc.stderr[-2000:]}")
    return proc.stdout


def gc_collect() -> None:
    """Collect garbage between timed runs, so one side's leftovers are not billed to the next."""
    gc.collect()


def _status_kib(key: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)


def training_memory(run: Callable[[], object]):
    """(peak MiB during ``run()``, MiB it rose above the resident size before it). Linux only:
    the kernel's high-water mark is reset first (/proc/self/clear_refs), so earlier peaks (data
    generation) do not count."""
    gc.collect()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before = _status_kib("VmRSS")
    run()
    peak = _status_kib("VmHWM")
    return peak / 1024.0, (peak - before) / 1024.0
