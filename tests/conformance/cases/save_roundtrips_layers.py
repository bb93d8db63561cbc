"""File round trips of recurrent/wrapper/separable/depthwise models: model.save + load_model, save_weights + model_from_json(to_json()) + load_weights, load_weights(by_name=True), h5 weight names and shapes."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
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
