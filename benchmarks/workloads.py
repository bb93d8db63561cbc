"""The benchmark workloads: their sizes and their data, shared by every side of the comparison.

Only numpy here, so that the Keras 3 worker (a separate virtual environment) generates exactly
the same arrays as the torchkeras_compat and plain-torch sides.

Each workload trains ``steps`` batches per timed run (one "epoch" of ``steps_per_epoch``) over
arrays of the stated size; ``--full`` in run_all.py makes a timed run a whole pass instead.
"""
import numpy as np

WORKLOADS = {
    # MNIST-sized MLP: 60000 x 784, Dense(512)-Dropout-Dense(512)-Dropout-Dense(10), RMSprop
    "mlp": dict(samples=60000, batch=128, steps=40),
    # small CNN on 28x28x1: Conv(32)-Pool-Conv(64)-Pool-Dense(128)-Dense(10), Adam
    "cnn": dict(samples=8192, batch=128, steps=12),
    # text classifier: Embedding(10000, 64)-LSTM(64)-Dense(1, sigmoid) on sequences of 80 ids
    "lstm": dict(samples=8192, batch=64, steps=12, vocab=10000, seq=80),
    # sequence model: GRU(64, return_sequences)-GRU(32)-Dense(1) on 40 steps x 16 features
    "gru": dict(samples=8192, batch=64, steps=12, seq=40, features=16),
    # per-step overhead: Dense(8, relu)-Dense(1) on 8 features, SGD, mse, batch 32
    "tiny": dict(samples=32 * 400, batch=32, steps=400),
    # predict throughput: the MLP's forward over 20000 samples in batches of 256
    "predict": dict(samples=20000, batch=256),
}


def data(name: str, full: bool = False):
    """(x, y) numpy arrays for the workload ``name`` (seeded, identical on every side)."""
    spec = WORKLOADS[name]
    rng = np.random.RandomState(0)
    n = spec["samples"]
    if name in ("mlp", "predict"):
        x = rng.uniform(0, 1, (n, 784)).astype("float32")
        y = rng.randint(0, 10, n).astype("int64")
    elif name == "cnn":
        x = rng.uniform(0, 1, (n, 28, 28, 1)).astype("float32")
        y = rng.randint(0, 10, n).astype("int64")
    elif name == "lstm":
        x = rng.randint(1, spec["vocab"], (n, spec["seq"])).astype("int64")
        y = rng.randint(0, 2, (n, 1)).astype("float32")
    elif name == "gru":
        x = rng.normal(size=(n, spec["seq"], spec["features"])).astype("float32")
        y = rng.normal(size=(n, 1)).astype("float32")
    elif name == "tiny":
        x = rng.normal(size=(n, 8)).astype("float32")
        y = rng.normal(size=(n, 1)).astype("float32")
    else:
        raise KeyError(name)
    return x, y


def steps(name: str, full: bool = False) -> int:
    spec = WORKLOADS[name]
    whole = -(-spec["samples"] // spec["batch"])
    return whole if full or "steps" not in spec else min(spec["steps"], whole)
