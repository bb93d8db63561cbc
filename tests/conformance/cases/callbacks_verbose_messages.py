"""What callbacks print with verbose=1 (fit itself silent): EarlyStopping, ReduceLROnPlateau,
ModelCheckpoint, LearningRateScheduler; and optimizer.lr set through K.set_value."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
import contextlib
import io

from keras import backend as K
from keras.callbacks import Callback, EarlyStopping, LearningRateScheduler, ModelCheckpoint, ReduceLROnPlateau
from keras.layers import Dense
from keras.models import Sequential
from keras.optimizers import SGD

SCRIPT = [1.0, 0.9, 0.95, 0.97, 0.85, 0.9, 0.91, 0.92, 0.99, 1.0]
x = data(1, (16, 3))
y = x.sum(axis=1, keepdims=True)


class ScriptedValLoss(Callback):
    def on_epoch_end(self, epoch, logs=None):
        logs["val_loss"] = SCRIPT[epoch]


def model_():
    m = Sequential([Dense(1, input_dim=3)])
    seed_weights(m, 1)
    m.compile(optimizer=SGD(lr=0.1), loss="mse")
    return m


def printed(callbacks, epochs=10):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        model_().fit(x, y, epochs=epochs, batch_size=8, verbose=0, callbacks=[ScriptedValLoss()] + callbacks)
    return [line for line in buf.getvalue().splitlines() if line.strip()]


@sub("early_stopping")
def _():
    report("early_stopping.lines", printed([EarlyStopping(patience=2, verbose=1)]))
    report("early_stopping.restore_lines", printed([EarlyStopping(patience=2, verbose=1, restore_best_weights=True)]))


@sub("reduce_lr")
def _():
    report("reduce_lr.lines", printed([ReduceLROnPlateau(factor=0.5, patience=1, verbose=1)]))


@sub("checkpoint")
def _():
    report("checkpoint.best_only", printed([ModelCheckpoint("m.h5", save_best_only=True, verbose=1)], epochs=5))
    report("checkpoint.every", printed([ModelCheckpoint("w{epoch}.h5", save_weights_only=True, verbose=1)], epochs=2))


@sub("scheduler")
def _():
    report("scheduler.lines", printed([LearningRateScheduler(lambda e: 0.1 * 0.5 ** e, verbose=1)], epochs=3))


@sub("set_value_lr")
def _():
    m = model_()
    K.set_value(m.optimizer.lr, 0.02)
    report("set_value_lr.get", float(K.get_value(m.optimizer.lr)), rule="close", rtol=1e-6)
    h = m.fit(x, y, epochs=2, batch_size=8, verbose=0, shuffle=False)
    report("set_value_lr.loss", h.history["loss"], rule="close", rtol=1e-4, atol=1e-6)
    m.optimizer.learning_rate = 0.001
    report("set_value_lr.assigned", float(K.get_value(m.optimizer.learning_rate)), rule="close", rtol=1e-6)
    report("set_value_lr.config_lr", float(m.optimizer.get_config()["learning_rate"]), rule="close", rtol=1e-6)


finish()
