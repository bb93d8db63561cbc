"""Custom losses and metrics: functions with K ops, Loss/Metric subclasses, add_loss/add_metric, K.function."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
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
