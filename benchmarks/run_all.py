"""Every benchmark in one command: torchkeras_compat vs plain torch vs Keras 3 (torch backend).

    python benchmarks/run_all.py [--rounds 5] [--threads 1] [--clock cpu|wall] [--full]
                                 [--only mlp,cnn,...] [--keras3-python /work/k3venv/bin/python]
                                 [--no-keras3] [--device cpu|cuda] [--out benchmarks/RESULTS.md]

Workloads (sizes in workloads.py): MNIST-sized MLP, small CNN, Embedding+LSTM text classifier,
GRU sequence model, a tiny model whose step time is mostly per-step overhead, predict
throughput, import time and peak memory. For each training workload one timed run trains
``steps`` batches (``fit(..., epochs=1, steps_per_epoch=steps)``; the plain torch loop runs the
same number of shuffled batches over the same arrays); ``--full`` times whole epochs.

The contenders take turns in every round (ours, torch, Keras 3, then rotated), Keras 3 running
in its own environment as a server process (keras3_worker.py) so that its runs interleave with
the others. Medians over rounds are printed with the ratios ours/torch and ours/Keras 3, and
written as a Markdown table to ``--out``.

``--device cuda`` runs every side on the GPU (wall-clock time, synchronised): our fit moves each
batch to the GPU through its data adapter, the plain torch loop moves its batches with
``.to(device, non_blocking=True)``, Keras 3 uses the GPU it finds.

Keras 3 is never a dependency: without ``--keras3-python`` pointing at an interpreter that can
``import keras`` (3.x) and torch, its column says n/a.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import workloads  # noqa: E402
from common import fmt_ratio, gc_collect, run_python  # noqa: E402

TRAINING = ("mlp", "cnn", "lstm", "gru", "tiny")
TARGETS = {"mlp": 1.05, "cnn": 1.05, "lstm": 1.05, "gru": 1.05, "tiny": 1.30, "predict": 1.0}


# ---------------------------------------------------------------- our side
def keras_model(name: str):
    import torchkeras_compat as keras
    from torchkeras_compat import layers as L
    spec = workloads.WORKLOADS[name]
    if name in ("mlp", "predict"):
        model = keras.Sequential([L.Dense(512, activation="relu", input_shape=(784,)), L.Dropout(0.2),
                                  L.Dense(512, activation="relu"), L.Dropout(0.2),
                                  L.Dense(10, activation="softmax")])
        model.compile(optimizer=keras.optimizers.RMSprop(), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
    elif name == "cnn":
        model = keras.Sequential([L.Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)),
                                  L.MaxPooling2D(), L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(),
                                  L.Flatten(), L.Dense(128, activation="relu"),
                                  L.Dense(10, activation="softmax")])
        model.compile(optimizer=keras.optimizers.Adam(), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
    elif name == "lstm":
        model = keras.Sequential([L.Embedding(spec["vocab"], 64, input_length=spec["seq"]), L.LSTM(64),
                                  L.Dense(1, activation="sigmoid")])
        model.compile(optimizer=keras.optimizers.Adam(), loss="binary_crossentropy", metrics=["accuracy"])
    elif name == "gru":
        model = keras.Sequential([L.GRU(64, return_sequences=True, input_shape=(spec["seq"], spec["features"])),
                                  L.GRU(32), L.Dense(1)])
        model.compile(optimizer=keras.optimizers.Adam(), loss="mse")
    elif name == "tiny":
        model = keras.Sequential([L.Dense(8, activation="relu", input_shape=(8,)), L.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    else:
        raise KeyError(name)
    return model


def ours_run(name: str, full: bool):
    model = keras_model(name)
    x, y = workloads.data(name, full)
    spec = workloads.WORKLOADS[name]
    if name == "predict":
        return lambda: model.predict(x, batch_size=spec["batch"], verbose=0)
    steps = workloads.steps(name, full)
    return lambda: model.fit(x, y, batch_size=spec["batch"], epochs=1, steps_per_epoch=steps,
                             shuffle=True, verbose=0)


# ---------------------------------------------------------------- plain torch side
class _LastStep(nn.Module):
    """An RNN's output at the last time step (Keras's return_sequences=False)."""

    def __init__(self, rnn: nn.Module):
        super().__init__()
        self.rnn = rnn

    def forward(self, x):
        return self.rnn(x)[0][:, -1]


class _Seq(nn.Module):
    def __init__(self, rnn: nn.Module):
        super().__init__()
        self.rnn = rnn

    def forward(self, x):
        return self.rnn(x)[0]


def torch_net(name: str):
    """The same nets as one writes them in torch; the last activation folded into the loss."""
    spec = workloads.WORKLOADS[name]
    if name in ("mlp", "predict"):
        net = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, 512),
                            nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, 10))
        return net, torch.optim.RMSprop(net.parameters(), lr=1e-3, alpha=0.9, eps=1e-7), nn.CrossEntropyLoss(), True
    if name == "cnn":
        net = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                            nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10))
        return net, torch.optim.Adam(net.parameters(), eps=1e-7), nn.CrossEntropyLoss(), True
    if name == "lstm":
        net = nn.Sequential(nn.Embedding(spec["vocab"], 64), _LastStep(nn.LSTM(64, 64, batch_first=True)),
                            nn.Linear(64, 1))
        return net, torch.optim.Adam(net.parameters(), eps=1e-7), nn.BCEWithLogitsLoss(), "binary"
    if name == "gru":
        net = nn.Sequential(_Seq(nn.GRU(spec["features"], 64, batch_first=True)),
                            _LastStep(nn.GRU(64, 32, batch_first=True)), nn.Linear(32, 1))
        return net, torch.optim.Adam(net.parameters(), eps=1e-7), nn.MSELoss(), False
    if name == "tiny":
        net = nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 1))
        return net, torch.optim.SGD(net.parameters(), lr=0.01), nn.MSELoss(), False
    raise KeyError(name)


def torch_run(name: str, full: bool, device: str = "cpu"):
    device = torch.device(device)
    net, opt, loss_fn, accuracy = torch_net(name)
    net.to(device)  # moves the parameters in place: the optimizer keeps the same objects
    x, y = workloads.data(name, full)
    if name == "cnn":
        x = np.ascontiguousarray(x.transpose(0, 3, 1, 2))  # stored NCHW, as torch code keeps images
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    spec = workloads.WORKLOADS[name]
    batch = spec["batch"]
    if name == "predict":
        def predict():
            net.eval()
            with torch.no_grad():
                return torch.cat([torch.softmax(net(xt[i:i + batch].to(device, non_blocking=True)), -1)
                                  for i in range(0, xt.shape[0], batch)]).cpu().numpy()
        return predict
    steps = workloads.steps(name, full)

    def epoch():
        net.train()
        order = torch.randperm(xt.shape[0])
        correct = torch.zeros((), device=device)
        total = torch.zeros((), device=device)
        for s in range(steps):
            idx = order[s * batch:(s + 1) * batch]
            xb = xt[idx].to(device, non_blocking=True)
            yb = yt[idx].to(device, non_blocking=True)
            opt.zero_grad(set_to_none=True)
            out = net(xb)
            loss = loss_fn(out, yb)
            loss.backward()
            opt.step()
            total += loss.detach() * len(idx)  # the epoch's mean loss, read once at the end
            if accuracy is True:
                correct += (out.detach().argmax(-1) == yb).sum()
            elif accuracy == "binary":
                correct += ((out.detach() > 0).float() == yb).sum()
        return float(total), float(correct)
    return epoch


# ---------------------------------------------------------------- Keras 3 side
class Keras3:
    """A keras3_worker.py server in Keras 3's environment; runs its workloads on request."""

    def __init__(self, python: str, threads: int, device: str = "cpu"):
        env = dict(os.environ, KERAS_BACKEND="torch")
        env.pop("PYTHONPATH", None)
        if not device.startswith("cuda"):
            env["CUDA_VISIBLE_DEVICES"] = ""  # Keras 3 takes a GPU whenever it sees one
        self.proc = subprocess.Popen([python, os.path.join(HERE, "keras3_worker.py")], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.threads = threads

    def _ask(self, msg: dict) -> dict:
        self.proc.stdin.write(json.dumps(msg) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the Keras 3 worker exited; run keras3_worker.py by hand to see why")
        return json.loads(line)

    def setup(self, name: str, full: bool) -> None:
        self._ask({"cmd": "setup", "name": name, "full": full, "threads": self.threads})

    def run(self, name: str) -> dict:
        return self._ask({"cmd": "run", "name": name})

    def close(self) -> None:
        try:
            self.proc.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
            self.proc.stdin.flush()
            self.proc.wait(timeout=30)
        except Exception:  # noqa: BLE001 - best effort: it is our own child
            self.proc.kill()


def keras3_python(path: str):
    """``path`` when it can import Keras 3 with the torch backend, else None."""
    if not path or not os.path.exists(path):
        return None
    try:
        out = run_python("import keras; print(keras.__version__)", python=path,
                         env={"KERAS_BACKEND": "torch", "PYTHONPATH": ""}, timeout=300)
    except Exception:  # noqa: BLE001
        return None
    version = out.strip().splitlines()[-1]
    return path if version.startswith("3.") else None


# ---------------------------------------------------------------- timing
def _measure(fn, clock: str, device: str = "cpu"):
    sync = torch.cuda.synchronize if device.startswith("cuda") else (lambda: None)
    sync()
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    sync()
    return {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0}


def bench_workload(name: str, rounds: int, full: bool, clock: str, k3, device: str = "cpu") -> dict:
    """Median seconds per timed run for each side, the sides taking turns every round."""
    sides = {"ours": ours_run(name, full), "torch": torch_run(name, full, device)}
    if k3 is not None:
        k3.setup(name, full)
    names = list(sides) + (["keras3"] if k3 is not None else [])

    def run(side):
        gc_collect()
        return k3.run(name) if side == "keras3" else _measure(sides[side], clock, device)
    for side in names:  # warm-up: lazy builds, allocator growth, Keras 3's first-call tracing
        run(side)
    times = {side: [] for side in names}
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for side in order:
            times[side].append(run(side)[clock])
    return {side: statistics.median(t) for side, t in times.items()}


def import_times(k3_python, repeats: int = 5) -> dict:
    """Seconds that `import torchkeras_compat` (or `import keras` 3) adds to `import torch`.

    'ours' is measured as an installed package runs: with its bytecode cached (pip compiles it at
    install time; here a cache under a temporary PYTHONPYCACHEPREFIX, warmed by one import).
    'ours_source' is the same import compiling every module from source, as a checkout does
    under PYTHONDONTWRITEBYTECODE=1."""
    import tempfile
    code = ("import time, torch; t = time.perf_counter(); import {mod}; "
            "print(time.perf_counter() - t)")
    cached = {"PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": tempfile.mkdtemp(prefix="tkc_pyc_")}
    run_python(code.format(mod="torchkeras_compat"), env=cached)  # writes the bytecode cache
    source = {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": tempfile.mkdtemp(prefix="tkc_nopyc_")}
    out = {"ours": statistics.median(float(run_python(code.format(mod="torchkeras_compat"), env=cached).strip())
                                     for _ in range(repeats)),
           "ours_source": statistics.median(float(run_python(code.format(mod="torchkeras_compat"),
                                                             env=source).strip()) for _ in range(repeats))}
    if k3_python:
        out["keras3"] = statistics.median(
            float(run_python(code.format(mod="keras"), python=k3_python,
                             env={"KERAS_BACKEND": "torch", "PYTHONPATH": ""}).strip().splitlines()[-1])
            for _ in range(repeats))
    return out


def peak_memory(k3_python, name: str = "mlp") -> dict:
    """Memory (MiB) of training one timed run of `name` in a fresh process: the peak resident
    size during the run ('peak') and how far it rose above the size before it ('extra', i.e.
    what training itself allocates: activations, gradients, optimizer slots, batches).

    The peak is reset (Linux /proc/self/clear_refs) after the data and the model exist, so the
    float64 -> float32 conversion of the synthetic data does not mask the training peak."""
    code = ("import sys, torch; torch.set_num_threads(1); sys.path.insert(0, {here!r}); "
            "import {module}; from common import training_memory; "
            "print(*training_memory({module}.{fn}({name!r}, False)))")
    sides = [("ours", "run_all", "ours_run", sys.executable, {}),
             ("torch", "run_all", "torch_run", sys.executable, {})]
    if k3_python:
        sides.append(("keras3", "keras3_worker", "make_run", k3_python,
                      {"KERAS_BACKEND": "torch", "PYTHONPATH": ""}))
    out = {}
    for side, module, fn, python, env in sides:
        peak, extra = run_python(code.format(here=HERE, module=module, fn=fn, name=name), python=python,
                                 env=env).strip().splitlines()[-1].split()
        out[side], out[side + "_extra"] = float(peak), float(extra)
    return out


# ---------------------------------------------------------------- report
DESCRIPTIONS = {
    "mlp": "MLP 784-512-512-10, batch 128 (fit)",
    "cnn": "small CNN 28x28x1, batch 128 (fit)",
    "lstm": "Embedding+LSTM(64) text classifier, batch 64 (fit)",
    "gru": "GRU(64)+GRU(32) sequence model, batch 64 (fit)",
    "tiny": "tiny Dense 8-8-1, batch 32 (fit, per step)",
    "predict": "MLP predict, 20000 samples, batch 256",
}


def markdown(results: dict, meta: dict) -> str:
    lines = [
        "# Benchmark results", "",
        f"`python benchmarks/run_all.py {meta['argv']}` on {meta['machine']}; "
        f"torch {meta['torch']}, {meta['threads']} intra-op thread(s), "
        f"{meta['rounds']} interleaved rounds, medians of {meta['clock']} time. "
        f"Keras 3: {meta['keras3'] or 'not installed (n/a)'}.", "",
        "Ratios below 1 mean torchkeras_compat is faster. Targets (issue 8): fit within 5% of plain "
        "torch, tiny-model step within 30%, predict at least as fast as a plain torch forward, "
        "faster than Keras 3 everywhere.", "",
        "| workload | torchkeras_compat | plain torch | Keras 3 (torch) | ours / torch | ours / Keras 3 | target met |",
        "|---|---:|---:|---:|---:|---:|:---:|",
    ]
    for name, med in results.get("timings", {}).items():
        per_step = name == "tiny"
        scale = 1.0 / workloads.steps(name, meta["full"]) if per_step else 1.0
        unit = (lambda v: f"{v * scale * 1e6:.0f} us/step") if per_step else (lambda v: f"{v * 1e3:.1f} ms")
        r_t = med["ours"] / med["torch"]
        r_k = med["ours"] / med["keras3"] if "keras3" in med else None
        met = r_t <= TARGETS[name] and (r_k is None or r_k < 1.0)
        lines.append(f"| {DESCRIPTIONS[name]} ({workloads.steps(name, meta['full']) if name != 'predict' else 1} "
                     f"{'steps' if name != 'predict' else 'call'}) | {unit(med['ours'])} | {unit(med['torch'])} | "
                     f"{unit(med['keras3']) if 'keras3' in med else 'n/a'} | {fmt_ratio(r_t)} | {fmt_ratio(r_k)} | "
                     f"{'yes' if met else 'no'} |")
    if "import" in results:
        imp = results["import"]
        k3 = f"{imp['keras3']:.3f} s" if "keras3" in imp else "n/a"
        rk = fmt_ratio(imp["ours"] / imp["keras3"]) if "keras3" in imp else "n/a"
        lines.append(f"| import time added to `import torch` (bytecode cached, as installed) | "
                     f"{imp['ours']:.3f} s | - | {k3} | - | {rk} | {'yes' if imp['ours'] < 0.3 else 'no'} |")
        lines.append(f"| same, compiling from source (PYTHONDONTWRITEBYTECODE=1 checkout) | "
                     f"{imp['ours_source']:.3f} s | - | - | - | - | {'yes' if imp['ours_source'] < 0.3 else 'no'} |")
    if "memory" in results:
        mem = results["memory"]
        for key, what in (("", "peak RSS while training the MLP (40 steps)"),
                          ("_extra", "RSS growth during that run (training's own memory)")):
            r = mem["ours" + key] / mem["torch" + key] if mem["torch" + key] else None
            k = f"{mem['keras3' + key]:.0f} MiB" if "keras3" in mem else "n/a"
            rk = fmt_ratio(mem["ours" + key] / mem["keras3" + key]) if "keras3" in mem and mem["keras3" + key] else "n/a"
            lines.append(f"| {what} | {mem['ours' + key]:.0f} MiB | {mem['torch' + key]:.0f} MiB | {k} | "
                         f"{fmt_ratio(r)} | {rk} | {'yes' if r is not None and r <= 1.10 else 'no'} |")
    lines += ["", "Times are per timed run (`steps` batches of `fit` over the arrays of "
              "benchmarks/workloads.py; whole epochs with `--full`). Peak RSS includes the "
              "interpreter, torch and the data arrays.", ""]
    return "\n".join(lines)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1,
                        help="intra-op threads for every side (default 1: stable on a shared machine)")
    parser.add_argument("--clock", choices=("cpu", "wall"), default=None,
                        help="process CPU time (default with 1 thread) or wall-clock time")
    parser.add_argument("--full", action="store_true", help="time whole epochs")
    parser.add_argument("--only", default=",".join(TRAINING + ("predict", "import", "memory")))
    parser.add_argument("--keras3-python", default="/work/k3venv/bin/python")
    parser.add_argument("--no-keras3", action="store_true")
    parser.add_argument("--device", default="cpu", help="cpu or cuda: where every side runs")
    parser.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    args = parser.parse_args(argv)
    on_gpu = args.device.startswith("cuda")
    clock = args.clock or ("cpu" if args.threads == 1 and not on_gpu else "wall")
    torch.set_num_threads(args.threads)
    from torchkeras_compat.backend import config as backend_config
    backend_config.set_device(args.device)
    only = [w.strip() for w in args.only.split(",") if w.strip()]
    k3_python = None if args.no_keras3 else keras3_python(args.keras3_python)
    k3 = Keras3(k3_python, args.threads, args.device) if k3_python else None
    k3_version = None
    if k3_python:
        k3_version = run_python("import keras; print(keras.__version__)", python=k3_python,
                                env={"KERAS_BACKEND": "torch", "PYTHONPATH": ""}).strip().splitlines()[-1]
    results = {"timings": {}}
    try:
        for name in [w for w in only if w in workloads.WORKLOADS]:
            med = bench_workload(name, args.rounds, args.full, clock, k3, args.device)
            results["timings"][name] = med
            line = "  ".join(f"{side} {v * 1e3:9.1f} ms" for side, v in med.items())
            ratios = f"ours/torch {fmt_ratio(med['ours'] / med['torch'])}"
            if "keras3" in med:
                ratios += f"  ours/keras3 {fmt_ratio(med['ours'] / med['keras3'])}"
            print(f"{name:8s} {line}   {ratios}", flush=True)
    finally:
        if k3 is not None:
            k3.close()
    if "import" in only:
        results["import"] = import_times(k3_python)
        print("import  ", "  ".join(f"{k} +{v:.3f} s" for k, v in results["import"].items()), flush=True)
    if "memory" in only:
        results["memory"] = peak_memory(k3_python)
        print("peak MiB", "  ".join(f"{k} {v:.0f}" for k, v in results["memory"].items()), flush=True)
    meta = {"argv": " ".join(argv if argv is not None else sys.argv[1:]),
            "machine": (f"{torch.cuda.get_device_name()} (device {args.device})" if on_gpu else
                        f"{platform.machine()} {os.cpu_count()} CPU(s) (shared)"), "torch": torch.__version__,
            "threads": args.threads, "rounds": args.rounds, "clock": clock, "full": args.full,
            "keras3": f"keras {k3_version} in {k3_python}" if k3_python else None}
    text = markdown(results, meta)
    with open(args.out, "w") as f:
        f.write(text)
    print(f"\nwrote {args.out}")
    return results


if __name__ == "__main__":
    main()
