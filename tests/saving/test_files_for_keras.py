"""Files written here must load in real Keras with identical predictions.

The test writes .h5 / weights+JSON / .keras files of several models with their inputs and
predictions; where a Python with tf_keras (and Keras 3) is available — set
``KERAS_REF_PYTHON=/work/refvenv/bin/python`` — it runs ``tests/fixtures/make_saving.py --check`` on
them, which loads each with real Keras and compares. Without it, only the writing is tested.
"""
import os
import subprocess

import numpy as np
import pytest

import torchkeras_compat as keras
from torchkeras_compat.engine import registry

FIXTURE_SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                              "fixtures", "make_saving.py")


def _models():
    L = keras.layers
    rng = np.random.RandomState(0)
    out = {}
    m = keras.Sequential([L.Dense(5, activation="relu", input_shape=(4,), name="hidden"),
                          L.Dropout(0.2, name="drop"), L.Dense(3, activation="softmax", name="out")])
    m.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy", metrics=["accuracy"])
    x = rng.rand(6, 4).astype("float32")
    m.fit(x, np.eye(3, dtype="float32")[[0, 1, 2, 0, 1, 2]], epochs=1, batch_size=3, verbose=0)
    out["ours_mlp"] = (m, [x])
    a, b = keras.Input((3,), name="a"), keras.Input((3,), name="b")
    shared = L.Dense(4, activation="tanh", name="shared")
    inner = keras.Sequential([L.Dense(2, input_shape=(4,), name="inner_d")], name="inner")
    m = keras.Model([a, b], [inner(shared(a)), L.Dense(1, name="o2")(shared(b))], name="ours_fn")
    out["ours_fn"] = (m, [rng.rand(5, 3).astype("float32"), rng.rand(5, 3).astype("float32")])
    names = registry.names("layer")
    if {"Conv2D", "MaxPooling2D", "BatchNormalization"} <= set(names):
        m = keras.Sequential([L.Conv2D(3, 3, input_shape=(6, 6, 2), name="conv"), L.BatchNormalization(name="bn"),
                              L.MaxPooling2D(2, name="pool"), L.Flatten(name="flat"), L.Dense(2, name="out")])
        x = rng.rand(2, 6, 6, 2).astype("float32")
        m.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
        m.fit(x, np.zeros((2, 2), "float32"), epochs=1, verbose=0)  # conv slots in the file
        out["ours_cnn"] = (m, [x])
    if {"LSTM", "GRU", "Embedding"} <= set(names):
        m = keras.Sequential([L.Embedding(10, 4, input_length=5, name="emb"),
                              L.LSTM(3, return_sequences=True, name="lstm"), L.GRU(2, name="gru")])
        out["ours_rnn"] = (m, [rng.randint(0, 10, (3, 5)).astype("float32")])
    if {"Bidirectional", "TimeDistributed", "Concatenate", "SimpleRNN", "Conv1D", "Add"} <= set(names):
        seq = keras.Input((6, 3), name="seq")
        h = L.Bidirectional(L.LSTM(2, return_sequences=True), name="bi")(seq)
        h = L.TimeDistributed(L.Dense(3), name="td")(h)
        c = L.Conv1D(3, 2, padding="same", name="c1")(seq)
        h = L.Add(name="add")([h, c])
        g = L.GRU(2, reset_after=False, name="gru_rb")(h)
        r = L.SimpleRNN(2, name="srnn")(seq)
        m = keras.Model(seq, L.Dense(1, name="o")(L.Concatenate(name="cat")([g, r])), name="ours_wrap")
        out["ours_wrap"] = (m, [rng.rand(3, 6, 3).astype("float32")])
    return out


def write_all(directory):
    for name, (model, xs) in _models().items():
        ys = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
        ys = ys if isinstance(ys, list) else [ys]
        np.savez(os.path.join(directory, name + ".npz"), **{f"x{i}": x for i, x in enumerate(xs)},
                 **{f"y{i}": y for i, y in enumerate(ys)})
        model.save(os.path.join(directory, name + ".h5"))
        model.save(os.path.join(directory, name + ".keras"))
        model.save_weights(os.path.join(directory, name + "_weights.h5"))
        model.save_weights(os.path.join(directory, name + ".weights.h5"))
        with open(os.path.join(directory, name + ".json"), "w") as f:
            f.write(model.to_json())


def test_written_files_reload_here(tmp_path):
    write_all(str(tmp_path))
    for fname in sorted(os.listdir(tmp_path)):
        if fname.endswith((".h5", ".keras")) and not fname.endswith("weights.h5"):
            stem = fname.split(".")[0]
            z = np.load(os.path.join(tmp_path, stem + ".npz"))
            xs = [z[k] for k in sorted(k for k in z.files if k.startswith("x"))]
            ys = [z[k] for k in sorted(k for k in z.files if k.startswith("y"))]
            model = keras.models.load_model(os.path.join(tmp_path, fname))
            pred = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
            for p, y in zip(pred if isinstance(pred, list) else [pred], ys):
                np.testing.assert_allclose(p, y, rtol=1e-6, atol=1e-7)


@pytest.mark.skipif(not os.environ.get("KERAS_REF_PYTHON"),
                    reason="set KERAS_REF_PYTHON to a Python with tf_keras/keras to check in real Keras")
def test_written_files_load_in_real_keras(tmp_path):
    write_all(str(tmp_path))
    result = subprocess.run([os.environ["KERAS_REF_PYTHON"], FIXTURE_SCRIPT, "--check", str(tmp_path)],
                            capture_output=True, text=True, timeout=600)
    lines = [l for l in result.stdout.splitlines() if l.startswith(("OK", "BAD", "    "))]
    print("\n".join(lines))
    assert result.returncode == 0, "\n".join(lines) + result.stderr[-3000:]
