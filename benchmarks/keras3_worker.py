"""The Keras 3 (torch backend) side of run_all.py, run in Keras 3's own environment.

Keras 3 is never a dependency of torchkeras_compat: run_all.py starts this script with the
Python of an environment that has it (``--keras3-python``, default /work/k3venv/bin/python),
with KERAS_BACKEND=torch. It answers one JSON command per line on stdin, so that run_all.py can
interleave Keras 3's runs with the other sides' runs:

    {"cmd": "setup", "name": "mlp", "full": false, "threads": 1}  -> {"ok": true}
    {"cmd": "run", "name": "mlp"}                                  -> {"wall": s, "cpu": s}
    {"cmd": "quit"}

``python keras3_worker.py --peak NAME`` trains the workload once and prints the peak RSS (MiB).
"""
import json
import os
import resource
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "torch")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import workloads  # noqa: E402
from common import training_memory  # noqa: E402,F401  (peak-memory subprocesses import it from here)


def build(name: str):
    import keras
    from keras import layers as L
    spec = workloads.WORKLOADS[name]
    if name in ("mlp", "predict"):
        model = keras.Sequential([keras.Input((784,)), L.Dense(512, activation="relu"), L.Dropout(0.2),
                                  L.Dense(512, activation="relu"), L.Dropout(0.2),
                                  L.Dense(10, activation="softmax")])
        model.compile(optimizer=keras.optimizers.RMSprop(), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
    elif name == "cnn":
        model = keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(32, 3, activation="relu"),
                                  L.MaxPooling2D(), L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(),
                                  L.Flatten(), L.Dense(128, activation="relu"),
                                  L.Dense(10, activation="softmax")])
        model.compile(optimizer=keras.optimizers.Adam(), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
    elif name == "lstm":
        model = keras.Sequential([keras.Input((spec["seq"],), dtype="int64"),
                                  L.Embedding(spec["vocab"], 64), L.LSTM(64),
                                  L.Dense(1, activation="sigmoid")])
        model.compile(optimizer=keras.optimizers.Adam(), loss="binary_crossentropy", metrics=["accuracy"])
    elif name == "gru":
        model = keras.Sequential([keras.Input((spec["seq"], spec["features"])),
                                  L.GRU(64, return_sequences=True), L.GRU(32), L.Dense(1)])
        model.compile(optimizer=keras.optimizers.Adam(), loss="mse")
    elif name == "tiny":
        model = keras.Sequential([keras.Input((8,)), L.Dense(8, activation="relu"), L.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    else:
        raise KeyError(name)
    return model


def make_run(name: str, full: bool):
    model = build(name)
    x, y = workloads.data(name, full)
    spec = workloads.WORKLOADS[name]
    if name == "predict":
        return lambda: model.predict(x, batch_size=spec["batch"], verbose=0)
    steps = workloads.steps(name, full)
    return lambda: model.fit(x, y, batch_size=spec["batch"], epochs=1, steps_per_epoch=steps,
                             shuffle=True, verbose=0)


def serve() -> None:
    runs = {}
    for line in sys.stdin:
        msg = json.loads(line)
        if msg["cmd"] == "quit":
            break
        if msg["cmd"] == "setup":
            import torch
            if msg.get("threads"):
                torch.set_num_threads(int(msg["threads"]))
            runs[msg["name"]] = make_run(msg["name"], msg.get("full", False))
            reply = {"ok": True}
        elif msg["cmd"] == "run":
            import torch
            sync = torch.cuda.synchronize if torch.cuda.is_available() else (lambda: None)
            sync()
            t0, c0 = time.perf_counter(), time.process_time()
            runs[msg["name"]]()
            sync()
            reply = {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0}
        else:
            reply = {"error": f"unknown command {msg['cmd']!r}"}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--peak":
        import torch
        torch.set_num_threads(1)
        make_run(sys.argv[2], False)()
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0)
    else:
        serve()
