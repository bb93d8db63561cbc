"""File round trips of recurrent/wrapper/separable/depthwise models: model.save + load_model, save_weights + model_from_json(to_json()) + load_weights, load_weights(by_name=True), h5 weight names and shapes."""
# ---- common case header (copied into every case; cases must be self-contained) ----
import traceback

import numpy as np

import keras

TOL = dict(rtol=1e-4, atol=1e-5)  # float32 forward pass
FAILED = []


def sub(name):
    """Run the decorated function at once; on error note it and go on, so the other keys still report."""
    def run(fn):
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - any failure of the implementation under test
            traceback.print_exc()
            FAILED.append(f"{name}: {type(e).__name__}: {' '.join(str(e).split())[:150]}")
    return run


def finish():
    """Fail the case (after reporting what passed) when a sub-test raised."""
    if FAILED:
        raise RuntimeError(f"{len(FAILED)} sub-test(s) raised: " + " | ".join(FAILED))


def seed_weights(model, seed):
    """Replace every weight, layer by layer, by seeded uniform(-0.5, 0.5) float32 values.

    Nested models are walked into; a BatchNormalization's moving variance (its last weight) is drawn
    from uniform(0.5, 1.5) so that it stays positive.
    """
    rng = np.random.RandomState(seed)

    def visit(layer):
        inner = getattr(layer, "layers", None)
        if isinstance(inner, (list, tuple)) and inner:
            for s in inner:
                visit(s)
            return
        old = layer.get_weights()
        if old:
            new = [rng.uniform(-0.5, 0.5, w.shape).astype("float32") for w in old]
            if type(layer).__name__ == "BatchNormalization":
                new[-1] = rng.uniform(0.5, 1.5, old[-1].shape).astype("float32")
            layer.set_weights(new)

    for layer in model.layers:
        visit(layer)


def data(seed, shape, lo=-1.0, hi=1.0):
    return np.random.RandomState(seed).uniform(lo, hi, shape).astype("float32")


def num(v):
    """A tensor/scalar as a numpy array (0-d for a scalar), so TF scalars and torch 0-d tensors report alike."""
    if hasattr(v, "detach"):
        v = v.detach().cpu()
    return np.asarray(v)


def report_outputs(key, y, tol=TOL):
    if isinstance(y, (list, tuple)):
        for i, yi in enumerate(y):
            report(f"{key}.{i}", yi, rule="close", **tol)
    else:
        report(key, y, rule="close", **tol)


def layer_case(key, make_layer, x, seed=0, tol=TOL, input_dtype=None):
    """Sub-test: one layer on a functional Input, every weight seeded, predict on x, report close."""
    @sub(key)
    def _():
        inp = keras.layers.Input(shape=x.shape[1:], **({"dtype": input_dtype} if input_dtype else {}))
        model = keras.models.Model(inputs=inp, outputs=make_layer()(inp))
        seed_weights(model, seed)
        report_outputs(key, model.predict(x, verbose=0), tol)
# ---- end of common header ----
import json
import os

import h5py
from keras import layers as L
from keras.models import Model, Sequential, load_model, model_from_json


def text(v):
    return v.decode("utf8") if isinstance(v, bytes) else str(v)


def seq_model():
    model = Sequential()
    model.add(L.Embedding(12, 4, input_length=6, mask_zero=True))
    model.add(L.Bidirectional(L.LSTM(3, return_sequences=True)))
    model.add(L.TimeDistributed(L.Dense(3)))
    model.add(L.GRU(2, reset_after=False))
    model.add(L.Dense(2, activation="softmax"))
    return model


def conv_model():
    inp = L.Input(shape=(8, 8, 3), name="image")
    h = L.SeparableConv2D(4, 3, padding="same", name="sep")(inp)
    h = L.BatchNormalization(name="bn")(h)
    h = L.DepthwiseConv2D(3, name="dw")(h)
    h = L.Conv2DTranspose(2, 3, strides=2, name="up")(h)
    h = L.MaxPooling2D(name="pool")(h)
    h = L.GlobalAveragePooling2D(name="gap")(h)
    out = L.Dense(3, name="out")(h)
    return Model(inp, out)


ids = np.array([[0, 0, 3, 4, 5, 1], [2, 3, 0, 0, 0, 0], [1, 2, 3, 4, 5, 6]])
ximg = data(1, (2, 8, 8, 3))


def layout(key, path):
    with h5py.File(path, "r") as f:
        g = f["model_weights"] if "model_weights" in f else f
        names = [text(n) for n in g.attrs["layer_names"]]
        report(key + ".layer_names", names, rule="exact")
        for layer in names:
            wn = [text(n) for n in g[layer].attrs["weight_names"]]
            report(f"{key}.{layer}.weights", [[w, list(g[layer][w].shape)] for w in wn], rule="exact")


for key, make, x in [("seq", seq_model, ids), ("conv", conv_model, ximg)]:
    @sub(key)
    def _(key=key, make=make, x=x):
        model = make()
        seed_weights(model, 5)
        before = model.predict(x, verbose=0)
        report(key + ".before", before, rule="close", **TOL)
        model.save(key + ".h5")
        layout(key + ".h5", key + ".h5")
        loaded = load_model(key + ".h5")
        report(key + ".load_model", loaded.predict(x, verbose=0), rule="close", **TOL)
        report(key + ".loaded_weight_shapes", [[list(w.shape) for w in l.get_weights()] for l in loaded.layers],
               rule="exact")
        model.save_weights(key + "_w.h5")
        layout(key + "_w.h5", key + "_w.h5")
        js = model.to_json()
        cfg = json.loads(js)
        report(key + ".json.class_name", cfg["class_name"], rule="exact")
        report(key + ".json.layers", [l["class_name"] for l in cfg["config"]["layers"]], rule="exact")
        fresh = model_from_json(js)
        fresh.load_weights(key + "_w.h5")
        report(key + ".json_weights", fresh.predict(x, verbose=0), rule="close", **TOL)


@sub("by_name")
def _():
    model = conv_model()
    seed_weights(model, 6)
    model.save_weights("conv_w.h5")
    # a different head: 'out' has another size and is skipped by name; the rest loads
    inp = L.Input(shape=(8, 8, 3))
    h = L.SeparableConv2D(4, 3, padding="same", name="sep")(inp)
    h = L.BatchNormalization(name="bn")(h)
    h = L.DepthwiseConv2D(3, name="dw")(h)
    h = L.GlobalMaxPooling2D(name="gmp")(h)
    other = Model(inp, L.Dense(5, name="other_out")(h))
    other.load_weights("conv_w.h5", by_name=True)
    for name in ("sep", "bn", "dw"):
        same = all(np.allclose(a, b) for a, b in zip(other.get_layer(name).get_weights(),
                                                     model.get_layer(name).get_weights()))
        report("by_name." + name, same, rule="exact")
    report("by_name.predict_shape", list(other.predict(ximg, verbose=0).shape), rule="exact")


@sub("seq_weights_h5_flat_names")
def _():
    model = Sequential([L.Dense(4, input_shape=(3,), name="d1"), L.Dropout(0.5), L.Dense(2, name="d2")])
    seed_weights(model, 3)
    model.save_weights("flat.h5")
    with h5py.File("flat.h5", "r") as f:
        report("flat.attrs", sorted(f.attrs.keys()), rule="exact")
        report("flat.layer_names", [text(n) for n in f.attrs["layer_names"]], rule="exact")
        report("flat.d1.weight_names", [text(n) for n in f["d1"].attrs["weight_names"]], rule="exact")
        report("flat.dropout.weight_names", [text(n) for n in f[text(f.attrs["layer_names"][1])].attrs["weight_names"]],
               rule="exact")


finish()
