"""ReduceLROnPlateau, LearningRateScheduler, ModelCheckpoint and CSVLogger inside fit()."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
import os
import csv
from keras.layers import Dense
from keras.models import Sequential
from keras.callbacks import (Callback, ReduceLROnPlateau, LearningRateScheduler, ModelCheckpoint,
                             CSVLogger, TerminateOnNaN, History)
from keras import backend as K
from keras.optimizers import SGD

SCRIPT = [1.0, 0.9, 0.95, 0.93, 0.97, 0.85, 0.9, 0.91, 0.92, 0.93]
x = data(1, (32, 4))
y = x.sum(axis=1, keepdims=True)


class ScriptedValLoss(Callback):
    def on_epoch_end(self, epoch, logs=None):
        logs["val_loss"] = SCRIPT[epoch]


class LrLog(Callback):
    def on_train_begin(self, logs=None):
        self.lrs = []

    def on_epoch_begin(self, epoch, logs=None):
        self.lrs.append(float(K.get_value(self.model.optimizer.lr)))


def model_():
    m = Sequential([Dense(3, input_dim=4, activation="tanh"), Dense(1)])
    seed_weights(m, 1)
    m.compile(optimizer=SGD(lr=0.1), loss="mse")
    return m


@sub("reduce_lr")
def _():
    m = model_()
    log = LrLog()
    rl = ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, min_lr=0.02, verbose=0)
    h = m.fit(x, y, epochs=10, batch_size=16, verbose=0, callbacks=[ScriptedValLoss(), rl, log])
    report("reduce_lr.lrs", log.lrs, rule="close", rtol=1e-6)
    report("reduce_lr.history_keys", sorted(h.history))
    report("reduce_lr.history_lr", [float(v) for v in h.history["lr"]], rule="close", rtol=1e-6)


@sub("reduce_lr_cooldown")
def _():
    m = model_()
    log = LrLog()
    rl = ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=1, cooldown=2, min_delta=0.01)
    m.fit(x, y, epochs=10, batch_size=16, verbose=0, callbacks=[ScriptedValLoss(), rl, log])
    report("reduce_lr_cooldown.lrs", log.lrs, rule="close", rtol=1e-6)


@sub("scheduler")
def _():
    m = model_()
    log = LrLog()
    sched = LearningRateScheduler(lambda epoch: 0.1 / (1 + epoch))
    h = m.fit(x, y, epochs=4, batch_size=16, verbose=0, shuffle=False, callbacks=[sched, log])
    report("scheduler.lrs", log.lrs, rule="close", rtol=1e-6)
    report("scheduler.history_lr", [float(v) for v in h.history["lr"]], rule="close", rtol=1e-6)
    report("scheduler.loss", h.history["loss"], rule="close", rtol=1e-4, atol=1e-5)
    sched2 = LearningRateScheduler(lambda epoch, lr: lr * 0.5)
    log2 = LrLog()
    m.fit(x, y, epochs=3, batch_size=16, verbose=0, callbacks=[sched2, log2])
    report("scheduler.two_arg_lrs", log2.lrs, rule="close", rtol=1e-6)


@sub("checkpoint")
def _():
    m = model_()
    ck = ModelCheckpoint("w.{epoch:02d}-{val_loss:.2f}.h5", monitor="val_loss", save_best_only=True,
                         save_weights_only=True, verbose=0)
    m.fit(x, y, epochs=6, batch_size=16, verbose=0, callbacks=[ScriptedValLoss(), ck])
    report("checkpoint.files", sorted(f for f in os.listdir(".") if f.startswith("w.")))
    report("checkpoint.best", float(ck.best), rule="close", rtol=1e-6)
    ck2 = ModelCheckpoint("full.h5", period=2)
    m.fit(x, y, epochs=3, batch_size=16, verbose=0, validation_data=(x, y), callbacks=[ck2])
    report("checkpoint.full_exists", os.path.exists("full.h5"))


@sub("csv")
def _():
    m = Sequential([Dense(1, input_dim=4)])
    seed_weights(m, 2)
    m.compile(optimizer=SGD(lr=0.01), loss="mse", metrics=["mae"])
    m.fit(x, y, epochs=3, batch_size=16, verbose=0, shuffle=False, validation_data=(x[:8], y[:8]),
          callbacks=[CSVLogger("log.csv")])
    with open("log.csv") as f:
        rows = list(csv.reader(f))
    report("csv.header", rows[0])
    report("csv.nrows", len(rows))
    report("csv.epochs", [r[0] for r in rows[1:]])
    report("csv.loss", [float(r[rows[0].index("loss")]) for r in rows[1:]], rule="close", rtol=1e-4)
    m.fit(x, y, epochs=2, batch_size=16, verbose=0, callbacks=[CSVLogger("log.csv", append=True, separator=";")])
    with open("log.csv") as f:
        lines = f.read().splitlines()
    report("csv.append_nlines", len(lines))
    report("csv.append_last_fields", len(lines[-1].split(";")))


@sub("history_object")
def _():
    m = model_()
    h = m.fit(x, y, epochs=3, batch_size=16, verbose=0, initial_epoch=1)
    report("history_object.epoch", h.epoch)
    report("history_object.params", {k: h.params[k] for k in sorted(h.params) if k in ("epochs", "steps", "verbose")})
    report("history_object.is_model_history", m.history is h)


finish()
