"""Loading a ~100 MB Keras .h5 file vs. h5py reading its arrays.

    .venv/bin/python benchmarks/bench_load_h5.py [--mb 100] [--repeat 3]

Builds a Sequential MLP whose weights total about --mb megabytes, saves it with
``model.save`` (tf.keras 2 layout), then times (best of --repeat, warm file cache):

- h5py: open the file and read every weight dataset into numpy;
- load_weights: ``model.load_weights(file)`` into an existing model;
- load_model: ``keras.models.load_model(file)`` (config -> layers -> weights).

Prints the times and the ratios to the h5py time.
"""
import argparse
import os
import sys
import tempfile
import time

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import torchkeras_compat as keras  # noqa: E402


def build(total_mb: float, width: int = 2048):
    per_layer = width * width * 4 / 2 ** 20
    n = max(1, int(round(total_mb / per_layer)))
    layers = [keras.layers.Dense(width, input_shape=(width,), name="dense_0")]
    layers += [keras.layers.Dense(width, name=f"dense_{i}") for i in range(1, n)]
    return keras.Sequential(layers)


def read_with_h5py(path: str) -> int:
    total = 0

    def visit(name, obj):
        nonlocal total
        if isinstance(obj, h5py.Dataset):
            total += obj[()].nbytes

    with h5py.File(path, "r") as f:
        f["model_weights"].visititems(visit)
    return total


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=100.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    model = build(args.mb)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "big.h5")
        t = time.perf_counter()
        model.save(path)
        save_s = time.perf_counter() - t
        size = os.path.getsize(path) / 2 ** 20
        nbytes = read_with_h5py(path)  # also warms the page cache
        h5 = best(lambda: read_with_h5py(path), args.repeat)
        lw = best(lambda: model.load_weights(path), args.repeat)
        lm = best(lambda: keras.models.load_model(path, compile=False), args.repeat)
    print(f"file: {size:.1f} MB on disk, {nbytes / 2 ** 20:.1f} MB of weights, "
          f"{len(model.layers)} Dense layers (save took {save_s:.2f} s)")
    print(f"h5py read all arrays : {h5 * 1000:8.1f} ms")
    print(f"model.load_weights   : {lw * 1000:8.1f} ms  ({lw / h5:.2f}x h5py)")
    print(f"keras load_model     : {lm * 1000:8.1f} ms  ({lm / h5:.2f}x h5py)")


if __name__ == "__main__":
    main()
