"""BatchNormalization in training: moving statistics after fit, training=True calls, a frozen BN layer in fit, BN after a conv layer."""
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
from keras import layers as L
from keras.models import Model, Sequential
from keras.optimizers import SGD

x = data(1, (8, 4), 0.0, 2.0)
y = data(2, (8, 1))


@sub("moving_stats_after_fit")
def _():
    model = Sequential([L.BatchNormalization(momentum=0.9, input_shape=(4,)), L.Dense(1)])
    seed_weights(model, 0)
    model.compile(SGD(learning_rate=0.0), "mse")
    model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    w = model.layers[0].get_weights()
    report("moving_stats_after_fit.mean", w[2], rule="close", **TOL)
    report("moving_stats_after_fit.var", w[3], rule="close", **TOL)
    report("moving_stats_after_fit.predict", model.predict(x, verbose=0), rule="close", **TOL)
    report("moving_stats_after_fit.trainable", [v.name.split("/")[-1] for v in model.layers[0].trainable_weights],
           rule="exact")
    report("moving_stats_after_fit.non_trainable", [v.name.split("/")[-1] for v in model.layers[0].non_trainable_weights],
           rule="exact")


@sub("training_call")
def _():
    inp = L.Input(shape=(3, 3, 2))
    bn = L.BatchNormalization()
    model = Model(inp, bn(inp))
    seed_weights(model, 1)
    xi = data(3, (4, 3, 3, 2))
    report("training_call.train", model(xi, training=True), rule="close", **TOL)
    report("training_call.infer", model(xi, training=False), rule="close", **TOL)


@sub("frozen_bn_fit")
def _():
    model = Sequential([L.Dense(3, input_shape=(4,)), L.BatchNormalization(), L.Dense(1)])
    seed_weights(model, 2)
    model.layers[1].trainable = False
    model.compile(SGD(learning_rate=0.1), "mse")
    hist = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    report("frozen_bn_fit.loss", hist.history["loss"], rule="close", rtol=1e-3, atol=1e-5)
    report("frozen_bn_fit.bn_weights", model.layers[1].get_weights(), rule="close", **TOL)
    report("frozen_bn_fit.counts", [len(model.trainable_weights), len(model.non_trainable_weights)], rule="exact")


@sub("bn_fit_conv")
def _():
    model = Sequential([L.Conv2D(2, 2, input_shape=(4, 4, 1)), L.BatchNormalization(axis=-1, momentum=0.5),
                        L.Flatten(), L.Dense(1)])
    seed_weights(model, 4)
    model.compile(SGD(learning_rate=0.05), "mse")
    xi = data(5, (6, 4, 4, 1))
    hist = model.fit(xi, data(6, (6, 1)), batch_size=3, epochs=3, shuffle=False, verbose=0)
    report("bn_fit_conv.loss", hist.history["loss"], rule="close", rtol=1e-3, atol=1e-5)
    report("bn_fit_conv.bn", model.layers[1].get_weights(), rule="close", rtol=1e-3, atol=1e-5)


finish()
