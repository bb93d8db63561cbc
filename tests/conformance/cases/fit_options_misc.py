"""fit() options: validation_freq, 3-tuple validation_data, temporal sample weights, steps_per_epoch on
arrays, initial_epoch; evaluate() of a two-output model without metrics."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
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
