"""Two-output functional model: history keys, metrics_names and evaluate()/*_on_batch structures."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras.layers import Dense, Input
from keras.models import Model

x = data(1, (24, 4))
y1 = (x.sum(axis=1, keepdims=True) > 0).astype("float32")
y2 = data(2, (24, 2))


def build(metrics, loss_weights=None, names=("cls", "reg")):
    inp = Input(shape=(4,))
    h = Dense(6, activation="relu")(inp)
    o1 = Dense(1, activation="sigmoid", name=names[0])(h)
    o2 = Dense(2, name=names[1])(h)
    m = Model(inputs=inp, outputs=[o1, o2])
    m.compile(optimizer="sgd", loss=["binary_crossentropy", "mse"], metrics=metrics,
              loss_weights=loss_weights)
    seed_weights(m, 5)
    return m


@sub("list_metrics")
def _():
    m = build(["accuracy"])
    h = m.fit(x, [y1, y2], epochs=2, batch_size=8, verbose=0, shuffle=False, validation_split=0.25)
    report("list_metrics.history_keys", sorted(h.history))
    report("list_metrics.metrics_names", m.metrics_names)
    report("list_metrics.loss", h.history["loss"], rule="close", rtol=1e-4, atol=1e-5)
    report("list_metrics.val_cls_accuracy", h.history["val_cls_accuracy"], rule="close", rtol=1e-4, atol=1e-5)
    ev = m.evaluate(x, [y1, y2], verbose=0)
    report("list_metrics.evaluate", ev, rule="close", rtol=1e-4, atol=1e-5)
    tb = m.test_on_batch(x[:8], [y1[:8], y2[:8]])
    report("list_metrics.test_on_batch", tb, rule="close", rtol=1e-4, atol=1e-5)
    tr = m.train_on_batch(x[:8], [y1[:8], y2[:8]])
    report("list_metrics.train_on_batch_len", len(tr))


@sub("dict_metrics")
def _():
    m = build({"cls": ["accuracy", "mse"], "reg": "mae"}, loss_weights=[1.0, 0.5])
    h = m.fit(x, [y1, y2], epochs=1, batch_size=8, verbose=0, shuffle=False)
    report("dict_metrics.history_keys", sorted(h.history))
    report("dict_metrics.metrics_names", m.metrics_names)
    ev = m.evaluate(x, [y1, y2], verbose=0, return_dict=True)
    report("dict_metrics.evaluate_dict_keys", sorted(ev))
    report("dict_metrics.evaluate_loss", ev["loss"], rule="close", rtol=1e-4, atol=1e-5)
    pred = m.predict(x, batch_size=5)
    report("dict_metrics.predict_type", type(pred).__name__)
    report("dict_metrics.predict_shapes", [list(p.shape) for p in pred])


@sub("dict_targets")
def _():
    m = build(["mae"])
    h = m.fit(x, {"cls": y1, "reg": y2}, epochs=1, batch_size=12, verbose=0, shuffle=False)
    report("dict_targets.history_keys", sorted(h.history))
    report("dict_targets.loss", h.history["loss"], rule="close", rtol=1e-4, atol=1e-5)


finish()
