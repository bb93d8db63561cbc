"""Callback hook order, the logs each hook sees, params, stop_training, TerminateOnNaN, EarlyStopping modes."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras.layers import Dense
from keras.models import Sequential
from keras.callbacks import Callback, LambdaCallback, TerminateOnNaN, EarlyStopping
from keras.optimizers import SGD

x = data(1, (20, 3))
y = (x.sum(axis=1, keepdims=True) > 0).astype("float32")


def model_(lr=0.1):
    m = Sequential([Dense(4, input_shape=(3,), activation="tanh"), Dense(1, activation="sigmoid")])
    seed_weights(m, 2)
    m.compile(SGD(lr=lr), "binary_crossentropy", metrics=["accuracy"])
    return m


class Recorder(Callback):
    def __init__(self):
        super().__init__()
        self.events = []

    def _rec(self, name, logs):
        self.events.append((name, sorted(logs) if logs else []))

    def on_train_begin(self, logs=None): self._rec("train_begin", logs)
    def on_train_end(self, logs=None): self._rec("train_end", logs)
    def on_epoch_begin(self, epoch, logs=None): self._rec(f"epoch_begin{epoch}", logs)
    def on_epoch_end(self, epoch, logs=None): self._rec(f"epoch_end{epoch}", logs)
    def on_train_batch_begin(self, batch, logs=None): self._rec(f"batch_begin{batch}", logs)
    def on_train_batch_end(self, batch, logs=None): self._rec(f"batch_end{batch}", logs)
    def on_test_begin(self, logs=None): self._rec("test_begin", logs)
    def on_test_end(self, logs=None): self._rec("test_end", logs)
    def on_test_batch_end(self, batch, logs=None): self._rec(f"test_batch_end{batch}", logs)
    def on_predict_begin(self, logs=None): self._rec("predict_begin", logs)
    def on_predict_end(self, logs=None): self._rec("predict_end", logs)
    def on_predict_batch_end(self, batch, logs=None): self._rec(f"predict_batch_end{batch}", logs)


@sub("fit_order")
def _():
    m = model_()
    r = Recorder()
    m.fit(x, y, epochs=2, batch_size=8, verbose=0, validation_data=(x[:10], y[:10]), callbacks=[r])
    report("fit_order.events", [e[0] for e in r.events])
    report("fit_order.logs", [e[1] for e in r.events])
    report("fit_order.params", {k: r.params[k] for k in sorted(r.params)})
    report("fit_order.model_is_set", r.model is m)


@sub("evaluate_predict_order")
def _():
    m = model_()
    r = Recorder()
    m.evaluate(x, y, batch_size=8, verbose=0, callbacks=[r])
    m.predict(x, batch_size=8, verbose=0, callbacks=[r])
    report("evaluate_predict_order.events", [e[0] for e in r.events])
    report("evaluate_predict_order.logs", [e[1] for e in r.events])


@sub("lambda_stop")
def _():
    m = model_()
    seen = []

    def stop(epoch, logs):
        seen.append(epoch)
        if epoch == 1:
            m.stop_training = True

    h = m.fit(x, y, epochs=5, batch_size=10, verbose=0, callbacks=[LambdaCallback(on_epoch_end=stop)])
    report("lambda_stop.epochs", h.epoch)
    report("lambda_stop.seen", seen)
    bs = []
    m.fit(x, y, epochs=1, batch_size=6, verbose=0,
          callbacks=[LambdaCallback(on_batch_end=lambda b, logs: bs.append((b, sorted(logs))))])
    report("lambda_stop.on_batch_end", bs)


@sub("terminate_on_nan")
def _():
    m = model_(lr=1e30)
    m2 = Sequential([Dense(1, input_shape=(3,))])
    m2.compile(SGD(lr=1e20), "mse")
    seed_weights(m2, 1)
    h = m2.fit(x, y * 1e10, epochs=3, batch_size=4, verbose=0, callbacks=[TerminateOnNaN()])
    report("terminate_on_nan.epochs", len(h.history["loss"]))
    report("terminate_on_nan.last_not_finite", not np.isfinite(h.history["loss"][-1]))


@sub("early_stopping_modes")
def _():
    class Scripted(Callback):
        def __init__(self, key, values):
            super().__init__()
            self.key, self.values = key, values

        def on_epoch_end(self, epoch, logs=None):
            logs[self.key] = self.values[epoch]

    acc = [0.5, 0.6, 0.65, 0.64, 0.66, 0.6, 0.6, 0.6, 0.6, 0.6]
    for key, kw in (("auto_acc", dict(monitor="val_accuracy", patience=2)),
                    ("baseline", dict(monitor="val_accuracy", patience=2, baseline=0.62)),
                    ("min_delta", dict(monitor="val_accuracy", patience=1, min_delta=0.03)),
                    ("max_mode", dict(monitor="val_accuracy", mode="max", patience=3)),
                    ("start_from", dict(monitor="val_accuracy", patience=1, start_from_epoch=4))):
        m = model_()
        es = EarlyStopping(**kw)
        h = m.fit(x, y, epochs=10, batch_size=10, verbose=0, callbacks=[Scripted("val_accuracy", acc), es])
        report(f"early_stopping_modes.{key}.epochs", len(h.epoch))
        report(f"early_stopping_modes.{key}.stopped_epoch", es.stopped_epoch)
        report(f"early_stopping_modes.{key}.best", float(es.best), rule="close", rtol=1e-6)
        report(f"early_stopping_modes.{key}.wait", es.wait)


finish()
