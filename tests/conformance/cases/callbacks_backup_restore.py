"""BackupAndRestore: an interrupted fit() resumes where the last backup was taken (per epoch or
every N batches), in a fresh model as after a restart; the backup folder's lifecycle."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import backend as K
from keras.callbacks import BackupAndRestore, Callback
from keras.layers import Dense
from keras.models import Sequential

x = data(1, (32, 4))
y = np.tanh(x @ data(2, (4, 2)))


def fresh():
    m = Sequential([Dense(3, input_shape=(4,), activation="tanh"), Dense(2)])
    seed_weights(m, 3)
    m.compile(keras.optimizers.Adam(learning_rate=0.05), "mse")
    return m


class Interrupt(Callback):
    def __init__(self, epoch, batch=None):
        super().__init__()
        self.epoch, self.batch, self.current = epoch, batch, 0

    def on_epoch_begin(self, epoch, logs=None):
        self.current = epoch
        if self.batch is None and epoch == self.epoch:
            raise RuntimeError("Interrupting!")

    def on_train_batch_begin(self, batch, logs=None):
        if self.batch is not None and (self.current, batch) == (self.epoch, self.batch):
            raise RuntimeError("Interrupting!")


class Seen(Callback):
    def __init__(self):
        super().__init__()
        self.epochs, self.batches = [], []

    def on_epoch_begin(self, epoch, logs=None):
        self.epochs.append(epoch)

    def on_train_batch_end(self, batch, logs=None):
        self.batches.append((self.epochs[-1], batch))


def interrupted(callback, interrupt):
    m = fresh()
    try:
        m.fit(x, y, epochs=6, batch_size=8, shuffle=False, verbose=0, callbacks=[callback, interrupt])
        return "not interrupted"
    except RuntimeError as e:
        return str(e)


@sub("per_epoch")
def _():
    ref = fresh()
    ref.fit(x, y, epochs=6, batch_size=8, shuffle=False, verbose=0)
    report("per_epoch.raised", interrupted(BackupAndRestore("backup"), Interrupt(3)))
    report("per_epoch.dir_after_interrupt", sorted(os.listdir("backup")))
    m, seen = fresh(), Seen()
    h = m.fit(x, y, epochs=6, batch_size=8, shuffle=False, verbose=0, callbacks=[BackupAndRestore("backup"), seen])
    report("per_epoch.epochs_seen", seen.epochs)
    report("per_epoch.history_epoch", h.epoch)
    report("per_epoch.n_loss", len(h.history["loss"]))
    report("per_epoch.iterations", int(K.get_value(m.optimizer.iterations)))
    report("per_epoch.same_as_uninterrupted", m.predict(x, verbose=0), rule="close", rtol=1e-4, atol=1e-5)
    report("per_epoch.reference", ref.predict(x, verbose=0), rule="close", rtol=1e-4, atol=1e-5)
    report("per_epoch.dir_exists_after", os.path.isdir("backup"))
    report("per_epoch.dir_after", sorted(os.listdir("backup")) if os.path.isdir("backup") else None)
    h2 = fresh().fit(x, y, epochs=2, batch_size=8, verbose=0, callbacks=[BackupAndRestore("backup")])
    report("per_epoch.next_fit_starts_over", h2.epoch)


@sub("every_n_batches")
def _():
    report("every_n_batches.raised", interrupted(BackupAndRestore("bk2", save_freq=3), Interrupt(2, 2)))
    m, seen = fresh(), Seen()
    h = m.fit(x, y, epochs=4, batch_size=8, shuffle=False, verbose=0, callbacks=[BackupAndRestore("bk2", save_freq=3), seen])
    report("every_n_batches.batches_seen", [list(b) for b in seen.batches])
    report("every_n_batches.history_epoch", h.epoch)
    report("every_n_batches.iterations", int(K.get_value(m.optimizer.iterations)))


@sub("keep_checkpoint")
def _():
    m = fresh()
    m.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0, callbacks=[BackupAndRestore("bk3", delete_checkpoint=False)])
    report("keep_checkpoint.dir", sorted(os.listdir("bk3")))
    report("keep_checkpoint.chief_not_empty", len(os.listdir(os.path.join("bk3", "chief"))) > 0)
    m2, seen = fresh(), Seen()
    h = m2.fit(x, y, epochs=4, batch_size=8, shuffle=False, verbose=0, callbacks=[BackupAndRestore("bk3", delete_checkpoint=False), seen])
    report("keep_checkpoint.resumed_epochs", seen.epochs)
    report("keep_checkpoint.weights_restored", m2.layers[0].get_weights()[0], rule="close", rtol=1e-4, atol=1e-5)


@sub("errors")
def _():
    try:
        BackupAndRestore("bk4", save_freq=False)
        report("errors.no_save", None)
    except ValueError:
        report("errors.no_save", "ValueError")


finish()
