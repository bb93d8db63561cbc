"""ModelCheckpoint file names and choices (save_freq in batches, period, mode by monitor name,
initial_value_threshold, a missing monitor), EarlyStopping options, the verbose=2 epoch lines,
LambdaCallback extra hooks, and schedule outputs LearningRateScheduler refuses."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import contextlib  # noqa: E402
import io  # noqa: E402
import re  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras.callbacks import (Callback, EarlyStopping, LambdaCallback, LearningRateScheduler,
                             ModelCheckpoint)
from keras.layers import Dense
from keras.models import Sequential

x = data(1, (24, 3))
yb = (x.sum(axis=1, keepdims=True) > 0).astype("float32")
VAL_LOSS = [0.9, 0.8, 0.85, 0.7, 0.75, 0.76, 0.77, 0.6]
VAL_ACC = [0.5, 0.6, 0.55, 0.7, 0.7, 0.65, 0.8, 0.8]


class Scripted(Callback):
    def on_epoch_end(self, epoch, logs=None):
        logs["val_loss"] = VAL_LOSS[epoch]
        logs["val_accuracy"] = VAL_ACC[epoch]


def model_():
    m = Sequential([Dense(1, input_dim=3, activation="sigmoid")])
    seed_weights(m, 2)
    m.compile("sgd", "binary_crossentropy", metrics=["accuracy"])
    return m


def fit_printing(m, callbacks, epochs=8, verbose=0):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        h = m.fit(x, yb, epochs=epochs, batch_size=8, shuffle=False, verbose=verbose, callbacks=callbacks)
    return h, [line for line in buf.getvalue().splitlines() if line.strip()]


def files(prefix):
    return sorted(f for f in os.listdir(".") if f.startswith(prefix))


@sub("checkpoint_modes")
def _():
    ck = ModelCheckpoint("acc-{epoch:02d}-{val_accuracy:.3f}.h5", monitor="val_accuracy", save_best_only=True, verbose=1)
    _, lines = fit_printing(model_(), [Scripted(), ck])
    report("checkpoint_modes.acc_files", files("acc-"))
    report("checkpoint_modes.acc_lines", lines)
    report("checkpoint_modes.acc_best", float(ck.best), rule="close", rtol=1e-6)
    ck = ModelCheckpoint("min-{epoch}.h5", monitor="val_accuracy", mode="min", save_best_only=True,
                         save_weights_only=True)
    fit_printing(model_(), [Scripted(), ck])
    report("checkpoint_modes.min_files", files("min-"))
    ck = ModelCheckpoint("thr-{epoch}.h5", save_best_only=True, initial_value_threshold=0.78, save_weights_only=True)
    fit_printing(model_(), [Scripted(), ck])
    report("checkpoint_modes.threshold_files", files("thr-"))


@sub("checkpoint_freq")
def _():
    ck = ModelCheckpoint("b-{epoch:02d}-{batch:02d}.h5", save_freq=2, save_weights_only=True)
    fit_printing(model_(), [ck], epochs=2)
    report("checkpoint_freq.batch_files", files("b-"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ck = ModelCheckpoint("p-{epoch}.h5", period=3, save_weights_only=True)
    fit_printing(model_(), [ck], epochs=7)
    report("checkpoint_freq.period_files", files("p-"))
    ck = ModelCheckpoint("loss-{epoch}-{loss:.4f}.h5", save_weights_only=True)
    fit_printing(model_(), [ck], epochs=2)
    report("checkpoint_freq.loss_names", [re.sub(r"\d\.\d{4}", "L", f) for f in files("loss-")])
    m = model_()
    m.load_weights(files("loss-2")[0])
    report("checkpoint_freq.loads_back", True)


@sub("checkpoint_missing_monitor")
def _():
    ck = ModelCheckpoint("miss.h5", monitor="val_nothing", save_best_only=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tf.keras logs it, Keras 2.2 warned
        fit_printing(model_(), [ck], epochs=2)
    report("checkpoint_missing_monitor.saved", os.path.exists("miss.h5"))


@sub("early_stopping")
def _():
    for key, es in (("min_delta", EarlyStopping(min_delta=0.08, patience=1, verbose=1)),
                    ("baseline", EarlyStopping(baseline=0.75, patience=2, verbose=1)),
                    ("start_from", EarlyStopping(patience=1, start_from_epoch=3, verbose=1)),
                    ("acc_auto", EarlyStopping(monitor="val_accuracy", patience=2, verbose=1, restore_best_weights=True)),
                    ("max_on_loss", EarlyStopping(mode="max", patience=1, verbose=1))):
        h, lines = fit_printing(model_(), [Scripted(), es])
        report("early_stopping." + key + ".epochs", h.epoch)
        report("early_stopping." + key + ".lines", lines)
        report("early_stopping." + key + ".state", [es.stopped_epoch, es.wait, float(es.best), es.best_epoch if hasattr(es, "best_epoch") else None],
               rule="close", rtol=1e-6)


@sub("progbar_verbose2")
def _():
    _, lines = fit_printing(model_(), [], epochs=2, verbose=2)
    report("progbar_verbose2.lines", [re.sub(r"\d+\.\d+", "N", re.sub(r"\d+(ms|s|us)/step", "T/step", re.sub(r" - \d+m?s", " - T", l))) for l in lines])
    m = model_()
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        m.fit(x, yb, epochs=1, batch_size=8, verbose=2, validation_data=(x[:8], yb[:8]))
    report("progbar_verbose2.val_line", [re.sub(r"\d+\.\d+", "N", re.sub(r"\d+(ms|s|us)/step", "T/step", re.sub(r" - \d+m?s", " - T", l)))
                                         for l in buf.getvalue().splitlines() if l.strip()])


@sub("lambda_hooks")
def _():
    seen = []
    cb = LambdaCallback(on_train_begin=lambda logs: seen.append("train_begin"),
                        on_epoch_end=lambda epoch, logs: seen.append(("epoch_end", epoch, sorted(logs))),
                        on_test_begin=lambda logs: seen.append("test_begin"),
                        on_train_batch_end=lambda batch, logs: seen.append(("tb_end", batch)))
    model_().fit(x, yb, epochs=1, batch_size=12, verbose=0, callbacks=[cb], validation_data=(x, yb))
    report("lambda_hooks.seen", [list(s) if isinstance(s, tuple) else s for s in seen])


@sub("scheduler_outputs")
def _():
    for key, fn in (("int", lambda e: 1), ("np_float", lambda e: np.float32(0.05)), ("str", lambda e: "0.1")):
        try:
            h = model_().fit(x, yb, epochs=1, verbose=0, callbacks=[LearningRateScheduler(fn)])
            report("scheduler_outputs." + key, float(h.history["lr"][0]))
        except ValueError:
            report("scheduler_outputs." + key, "ValueError")


finish()
