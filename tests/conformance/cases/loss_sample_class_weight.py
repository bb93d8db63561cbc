"""sample_weight and class_weight: their effect on the reported loss and metrics."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras.layers import Dense
from keras.models import Sequential

TOLW = dict(rtol=1e-4, atol=1e-6)
x = data(1, (12, 3))
y = np.array([0, 1, 2, 1, 0, 2, 2, 1, 0, 0, 1, 2])
yc = np.eye(3, dtype="float32")[y]
yb = (y > 0).astype("float32").reshape(-1, 1)
sw = np.linspace(0.0, 2.0, 12).astype("float32")


def model(units, act, loss, metrics=()):
    m = Sequential([Dense(units, activation=act, input_shape=(3,))])
    seed_weights(m, 4)
    m.compile(optimizer="sgd", loss=loss, metrics=list(metrics))
    return m


@sub("evaluate_sample_weight")
def _():
    m = model(3, "softmax", "categorical_crossentropy", ["accuracy"])
    report("evaluate_sample_weight.none", m.evaluate(x, yc, verbose=0), rule="close", **TOLW)
    report("evaluate_sample_weight.sw", m.evaluate(x, yc, sample_weight=sw, verbose=0), rule="close", **TOLW)
    report("evaluate_sample_weight.sw_batch5", m.evaluate(x, yc, sample_weight=sw, batch_size=5, verbose=0),
           rule="close", **TOLW)
    report("evaluate_sample_weight.test_on_batch", m.test_on_batch(x, yc, sample_weight=sw), rule="close", **TOLW)


@sub("sparse_sample_weight")
def _():
    m = model(3, "softmax", "sparse_categorical_crossentropy", ["sparse_categorical_accuracy"])
    report("sparse_sample_weight.sw", m.evaluate(x, y, sample_weight=sw, verbose=0), rule="close", **TOLW)


@sub("train_class_weight")
def _():
    m = model(3, "softmax", "categorical_crossentropy", ["acc"])
    h = m.fit(x, yc, epochs=2, batch_size=4, shuffle=False, verbose=0, class_weight={0: 1.0, 1: 3.0, 2: 0.5})
    report("train_class_weight.loss", h.history["loss"], rule="close", **TOLW)
    report("train_class_weight.acc", h.history["acc"], rule="close", **TOLW)
    report("train_class_weight.weights", np.concatenate([w.ravel() for w in m.get_weights()]), rule="close", **TOLW)


@sub("train_sample_weight")
def _():
    m = model(1, "sigmoid", "binary_crossentropy", ["accuracy"])
    h = m.fit(x, yb, epochs=2, batch_size=4, shuffle=False, verbose=0, sample_weight=sw)
    report("train_sample_weight.loss", h.history["loss"], rule="close", **TOLW)
    report("train_sample_weight.weights", np.concatenate([w.ravel() for w in m.get_weights()]), rule="close", **TOLW)
    r = m.train_on_batch(x[:6], yb[:6], sample_weight=sw[:6])
    report("train_sample_weight.train_on_batch", r, rule="close", **TOLW)
    r2 = m.train_on_batch(x[:6], yb[:6], class_weight={0: 2.0, 1: 1.0})
    report("train_sample_weight.train_on_batch_cw", r2, rule="close", **TOLW)


@sub("binary_class_weight")
def _():
    m = model(1, "sigmoid", "binary_crossentropy", ["accuracy"])
    h = m.fit(x, yb, epochs=2, batch_size=6, shuffle=False, verbose=0, class_weight={0: 5.0, 1: 1.0},
              validation_data=(x, yb))
    report("binary_class_weight.loss", h.history["loss"], rule="close", **TOLW)
    report("binary_class_weight.val_loss", h.history["val_loss"], rule="close", **TOLW)


finish()
