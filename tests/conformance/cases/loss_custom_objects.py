"""Custom losses and metrics: functions with K ops, Loss/Metric subclasses, add_loss/add_metric, K.function."""
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
from keras.layers import Dense, Input, Layer
from keras.models import Model, Sequential, load_model
from keras.losses import Loss
from keras.metrics import Metric

TOLC = dict(rtol=1e-4, atol=1e-6)
x = data(1, (16, 4))
y = data(2, (16, 2))


def rmse(y_true, y_pred):
    return K.sqrt(K.mean(K.square(y_pred - y_true), axis=-1))


def max_err(y_true, y_pred):
    return K.max(K.abs(y_pred - y_true))


class WeightedMSE(Loss):
    def __init__(self, w=2.0, name="weighted_mse", **kw):
        super().__init__(name=name, **kw)
        self.w = w

    def call(self, y_true, y_pred):
        return self.w * K.mean(K.square(y_pred - y_true), axis=-1)

    def get_config(self):
        cfg = super().get_config()
        cfg["w"] = self.w
        return cfg


class SumAbs(Metric):
    def __init__(self, name="sum_abs", **kw):
        super().__init__(name=name, **kw)
        self.total = self.add_weight(name="total", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.total.assign_add(K.sum(K.abs(y_true - y_pred)))

    def result(self):
        return self.total

    def reset_state(self):
        self.total.assign(0.0)


def mlp():
    m = Sequential([Dense(5, input_shape=(4,), activation="relu"), Dense(2)])
    seed_weights(m, 6)
    return m


@sub("functions")
def _():
    m = mlp()
    m.compile("sgd", loss=rmse, metrics=[max_err, "mae", rmse])
    h = m.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0, validation_data=(x, y))
    report("functions.keys", sorted(h.history))
    report("functions.loss", h.history["loss"], rule="close", **TOLC)
    report("functions.val_max_err", h.history["val_max_err"], rule="close", **TOLC)
    report("functions.evaluate", m.evaluate(x, y, batch_size=16, verbose=0), rule="close", **TOLC)
    m.save("f.h5")
    m2 = load_model("f.h5", custom_objects={"rmse": rmse, "max_err": max_err})
    report("functions.reloaded_predict", m2.predict(x, verbose=0), rule="close", **TOLC)


@sub("classes")
def _():
    m = mlp()
    m.compile("adam", loss=WeightedMSE(w=3.0), metrics=[SumAbs()])
    h = m.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    report("classes.keys", sorted(h.history))
    report("classes.loss", h.history["loss"], rule="close", **TOLC)
    report("classes.sum_abs", h.history["sum_abs"], rule="close", **TOLC)
    report("classes.evaluate", m.evaluate(x, y, batch_size=5, verbose=0), rule="close", **TOLC)
    report("classes.loss_call_sw", float(num(WeightedMSE()(y, x[:, :2], sample_weight=np.arange(16.0)))), rule="close", **TOLC)


@sub("add_loss_metric")
def _():
    class Penalty(Layer):
        def call(self, inputs):
            self.add_loss(0.1 * K.mean(K.square(inputs)))
            return inputs

    inp = Input(shape=(4,))
    h1 = Dense(3, activation="tanh")(inp)
    h1 = Penalty()(h1)
    out = Dense(2)(h1)
    m = Model(inp, out)
    m.add_loss(lambda: 0.01 * K.sum(K.abs(m.layers[1].kernel)))
    seed_weights(m, 7)
    m.compile("sgd", "mse")
    ev = m.evaluate(x, y, batch_size=16, verbose=0)
    report("add_loss_metric.evaluate", ev, rule="close", **TOLC)
    report("add_loss_metric.num_losses", len(m.losses))
    h = m.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    report("add_loss_metric.fit_loss", h.history["loss"], rule="close", **TOLC)


@sub("k_function")
def _():
    m = mlp()
    f = K.function([m.input], [m.layers[0].output, m.output])
    a, b = f([x[:3]])
    report("k_function.hidden", a, rule="close", **TOLC)
    report("k_function.out", b, rule="close", **TOLC)
    report("k_function.matches_predict", bool(np.allclose(b, m.predict(x[:3], verbose=0), atol=1e-6)))


finish()
