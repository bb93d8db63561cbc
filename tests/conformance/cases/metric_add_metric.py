"""Layer.add_metric inside call(): names and order in metrics_names/history, epoch means, a Metric
object's result, a subclassed Model's own add_metric, and the missing-name error."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import backend as K
from keras.layers import Dense, Input, Layer
from keras.models import Model

TOLA = dict(rtol=1e-4, atol=1e-6)
x = data(1, (20, 4))
y = data(2, (20, 2))


class ActivityStats(Layer):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.mean_abs = keras.metrics.Mean(name="mean_abs")

    def call(self, inputs):
        self.add_metric(K.mean(inputs), name="act_mean", aggregation="mean")
        self.add_metric(self.mean_abs(K.abs(inputs)))
        self.add_metric(K.max(inputs, axis=-1), name="act_max")
        return inputs


def functional():
    inp = Input(shape=(4,))
    h = Dense(3, activation="tanh")(inp)
    h = ActivityStats()(h)
    m = Model(inp, Dense(2)(h))
    seed_weights(m, 4)
    return m


@sub("layer_metrics")
def _():
    m = functional()
    m.compile("sgd", "mse", metrics=["mae"])
    h = m.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0, validation_data=(x[:10], y[:10]))
    report("layer_metrics.history_keys", list(h.history))
    for k in ("act_mean", "mean_abs", "act_max", "val_act_mean", "val_mean_abs", "val_act_max", "loss"):
        report("layer_metrics." + k, h.history[k], rule="close", **TOLA)
    report("layer_metrics.metrics_names", m.metrics_names)
    report("layer_metrics.evaluate", m.evaluate(x, y, batch_size=5, verbose=0), rule="close", **TOLA)
    report("layer_metrics.evaluate_dict", m.evaluate(x, y, batch_size=20, verbose=0, return_dict=True), rule="close", **TOLA)


@sub("subclassed")
def _():
    class Net(Model):
        def __init__(self):
            super().__init__()
            self.d1 = Dense(3, activation="relu")
            self.d2 = Dense(2)

        def call(self, inputs):
            h = self.d1(inputs)
            self.add_metric(K.sum(h, axis=-1), name="hidden_sum")
            return self.d2(h)

    net = Net()
    net(x[:1])
    seed_weights(net, 5)
    net.compile("adam", "mae")
    h = net.fit(x, y, epochs=2, batch_size=10, shuffle=False, verbose=0)
    report("subclassed.keys", list(h.history))
    report("subclassed.hidden_sum", h.history["hidden_sum"], rule="close", **TOLA)
    report("subclassed.metrics_names", net.metrics_names)


@sub("missing_name")
def _():
    class NoName(Layer):
        def call(self, inputs):
            self.add_metric(K.mean(inputs))
            return inputs

    try:
        NoName()(K.constant(x))
        report("missing_name.error", None)
    except ValueError:
        report("missing_name.error", "ValueError")


finish()
