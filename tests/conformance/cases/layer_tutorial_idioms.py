"""Layers in common tutorial idioms: frozen pretrained Embedding (weights=, trainable=False) into a text CNN, feature extraction from an inner layer, K.function on layer outputs, Dense on 3D input, shared layers."""
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
from keras import backend as K
from keras.layers import (Conv1D, Dense, Dropout, Embedding, Flatten, GlobalMaxPooling1D, Input, LSTM,
                          MaxPooling1D, GRU, Bidirectional, TimeDistributed)
from keras.models import Model, Sequential

glove = data(1, (20, 5))
ids = np.random.RandomState(2).randint(0, 20, (3, 12))


@sub("frozen_pretrained_embedding")
def _():
    model = Sequential()
    model.add(Embedding(20, 5, weights=[glove], input_length=12, trainable=False))
    model.add(Conv1D(4, 3, activation="relu"))
    model.add(MaxPooling1D(2))
    model.add(Conv1D(3, 2, activation="relu", padding="same"))
    model.add(GlobalMaxPooling1D())
    model.add(Dense(2, activation="sigmoid"))
    report("frozen.embedding_same", bool(np.allclose(model.layers[0].get_weights()[0], glove)), rule="exact")
    report("frozen.shapes", [[list(l.input_shape), list(l.output_shape)] for l in model.layers], rule="exact")
    report("frozen.counts", [len(model.trainable_weights), len(model.non_trainable_weights), model.count_params()],
           rule="exact")
    seed_weights(model, 3)
    model.layers[0].set_weights([glove])
    report("frozen.predict", model.predict(ids, verbose=0), rule="close", **TOL)
    model.compile("sgd", "binary_crossentropy")
    model.fit(ids, np.eye(2)[[0, 1, 1]], epochs=1, verbose=0)
    report("frozen.embedding_unchanged", bool(np.allclose(model.layers[0].get_weights()[0], glove)), rule="exact")


@sub("feature_extractor")
def _():
    inp = Input(shape=(12,), name="tokens")
    h = Embedding(20, 5, name="emb")(inp)
    h = Bidirectional(LSTM(3, return_sequences=True), name="bi")(h)
    h = TimeDistributed(Dense(2), name="td")(h)
    h = GRU(2, name="gru")(h)
    out = Dense(1, name="out")(Dropout(0.5)(h))
    model = Model(inputs=inp, outputs=out)
    seed_weights(model, 4)
    feat = Model(inputs=model.input, outputs=model.get_layer("bi").output)
    report("feature.bi", feat.predict(ids, verbose=0), rule="close", **TOL)
    report("feature.bi_shape", list(model.get_layer("bi").output_shape), rule="exact")
    report("feature.td_shapes", [list(model.get_layer("td").input_shape), list(model.get_layer("td").output_shape)],
           rule="exact")
    f = K.function([model.input], [model.get_layer("td").output, model.output])
    td, y = f([ids])
    report("feature.k_function_td", td, rule="close", **TOL)
    report("feature.k_function_out", y, rule="close", **TOL)
    report("feature.layer_names", [l.name for l in model.layers], rule="exact")
    report("feature.weight_shapes", {l.name: [list(w.shape) for w in l.get_weights()] for l in model.layers},
           rule="exact")


@sub("dense_on_3d")
def _():
    inp = Input(shape=(4, 3))
    model = Model(inp, Dense(2, activation="tanh")(inp))
    seed_weights(model, 5)
    report("dense_on_3d.shape", list(model.output_shape), rule="exact")
    report("dense_on_3d", model.predict(data(6, (2, 4, 3)), verbose=0), rule="close", **TOL)


@sub("layer_reuse")
def _():
    shared = Dense(3, name="shared")
    a, b = Input(shape=(4,)), Input(shape=(4,))
    model = Model([a, b], keras.layers.concatenate([shared(a), shared(b)]))
    seed_weights(model, 7)
    report("layer_reuse.nodes", [list(shared.get_output_at(0).shape)[1:], list(shared.get_output_at(1).shape)[1:]],
           rule="exact")
    report("layer_reuse.predict", model.predict([data(8, (2, 4)), data(9, (2, 4))], verbose=0), rule="close", **TOL)
    report("layer_reuse.params", model.count_params(), rule="exact")


finish()
