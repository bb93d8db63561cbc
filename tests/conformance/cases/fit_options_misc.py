"""fit() options: validation_freq, 3-tuple validation_data, temporal sample weights, steps_per_epoch on
arrays, initial_epoch; evaluate() of a two-output model without metrics."""
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
from keras.layers import Dense, Input, LSTM, TimeDistributed
from keras.models import Model, Sequential

TOLF = dict(rtol=1e-4, atol=1e-5)
x = data(1, (20, 3))
y = data(2, (20, 1))


def mlp():
    m = Sequential([Dense(4, input_shape=(3,), activation="tanh"), Dense(1)])
    seed_weights(m, 3)
    m.compile("sgd", "mse", metrics=["mae"])
    return m


@sub("validation_freq")
def _():
    h = mlp().fit(x, y, epochs=5, batch_size=10, shuffle=False, verbose=0, validation_data=(x, y), validation_freq=2)
    report("validation_freq.val_len", len(h.history["val_loss"]))
    report("validation_freq.val_loss", h.history["val_loss"], rule="close", **TOLF)
    h2 = mlp().fit(x, y, epochs=4, batch_size=10, shuffle=False, verbose=0, validation_data=(x, y),
                   validation_freq=[1, 4])
    report("validation_freq.list_val_len", len(h2.history["val_loss"]))


@sub("val_sample_weight")
def _():
    sw = np.linspace(0, 1, 20).astype("float32")
    h = mlp().fit(x, y, epochs=2, batch_size=10, shuffle=False, verbose=0, validation_data=(x, y, sw))
    report("val_sample_weight.val_loss", h.history["val_loss"], rule="close", **TOLF)
    report("val_sample_weight.val_mae", h.history["val_mae"], rule="close", **TOLF)


@sub("temporal")
def _():
    xs = data(3, (6, 5, 2))
    ys = data(4, (6, 5, 1))
    sw = (np.arange(30).reshape(6, 5) % 3 > 0).astype("float32")
    m = Sequential([LSTM(3, return_sequences=True, input_shape=(5, 2)), TimeDistributed(Dense(1))])
    seed_weights(m, 4)
    m.compile("sgd", "mse", sample_weight_mode="temporal")
    report("temporal.evaluate", m.evaluate(xs, ys, sample_weight=sw, verbose=0), rule="close", **TOLF)
    h = m.fit(xs, ys, sample_weight=sw, epochs=2, batch_size=3, shuffle=False, verbose=0)
    report("temporal.loss", h.history["loss"], rule="close", **TOLF)


@sub("steps_and_epochs")
def _():
    m = mlp()
    h = m.fit(x, y, epochs=3, batch_size=5, shuffle=False, verbose=0, initial_epoch=1)
    report("steps_and_epochs.initial_epoch", h.epoch)
    h3 = m.fit(x, y, epochs=2, batch_size=None, shuffle=False, verbose=0)
    report("steps_and_epochs.default_batch", h3.history["loss"], rule="close", **TOLF)
    report("steps_and_epochs.params", {k: h3.params[k] for k in ("epochs", "steps")})


@sub("two_output_no_metrics")
def _():
    inp = Input(shape=(3,))
    o1 = Dense(1, name="a")(inp)
    o2 = Dense(2, name="b")(inp)
    m = Model(inp, [o1, o2])
    seed_weights(m, 5)
    m.compile("sgd", loss={"a": "mse", "b": "mae"}, loss_weights={"a": 2.0, "b": 0.5})
    y2 = data(6, (20, 2))
    ev = m.evaluate(x, [y, y2], batch_size=7, verbose=0)
    report("two_output_no_metrics.evaluate", ev, rule="close", **TOLF)
    report("two_output_no_metrics.names", m.metrics_names)
    tb = m.train_on_batch(x, {"a": y, "b": y2})
    report("two_output_no_metrics.train_on_batch", tb, rule="close", **TOLF)
    p = m.predict_on_batch(x[:4])
    report("two_output_no_metrics.predict_on_batch_len", len(p))


finish()
