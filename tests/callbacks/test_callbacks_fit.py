"""Callbacks inside the real ``model.fit``: what a Keras 2 tutorial sees."""
import csv
import os

import numpy as np
import pytest

from torchkeras_compat.callbacks import (Callback, CSVLogger, EarlyStopping, LambdaCallback,
                                         LearningRateScheduler, ModelCheckpoint,
                                         ReduceLROnPlateau, TerminateOnNaN)
from torchkeras_compat.layers import Dense
from torchkeras_compat.models import Sequential

X = np.random.RandomState(0).rand(32, 4).astype("float32")
Y = X.sum(axis=1, keepdims=True)


def _model(lr=0.01):
    from torchkeras_compat.optimizers import SGD

    model = Sequential([Dense(3, input_dim=4, activation="relu"), Dense(1)])
    model.compile(optimizer=SGD(learning_rate=lr), loss="mse")
    return model


class Scripted(Callback):
    """Replaces val_loss with a scripted curve, as a validation pass would report it."""

    def __init__(self, curve):
        super().__init__()
        self.curve = curve

    def on_epoch_end(self, epoch, logs=None):
        logs["val_loss"] = self.curve[epoch]


class Snapshots(Callback):
    def on_train_begin(self, logs=None):
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append([w.copy() for w in self.model.get_weights()])


def test_early_stopping_in_fit_restores_best_weights(capsys):
    curve = [1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.9, 0.95, 0.99, 1.2]
    model = _model()
    snap = Snapshots()
    stop = EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True, verbose=1)
    h = model.fit(X, Y, epochs=10, batch_size=16, verbose=0,
                  callbacks=[Scripted(curve), snap, stop])
    assert len(h.history["loss"]) == 6 and h.epoch == list(range(6))
    assert stop.stopped_epoch == 5
    assert h.history["val_loss"] == curve[:6]
    for restored, best in zip(model.get_weights(), snap.weights[2]):
        np.testing.assert_array_equal(restored, best)
    assert capsys.readouterr().out == ("Epoch 6: early stopping\n"
                                       "Restoring model weights from the end of the best epoch: 3.\n")


def test_model_checkpoint_in_fit_writes_files(tmp_path):
    model = _model()
    template = str(tmp_path / "weights.{epoch:02d}-{val_loss:.2f}.hdf5")
    best = str(tmp_path / "best.h5")
    model.fit(X, Y, epochs=3, batch_size=16, verbose=0, validation_data=(X, Y),
              callbacks=[ModelCheckpoint(template, save_weights_only=True),
                         ModelCheckpoint(best, save_best_only=True)])
    names = sorted(os.listdir(tmp_path))
    assert "best.h5" in names
    written = [n for n in names if n.startswith("weights.")]
    assert [n[:11] for n in written] == ["weights.01-", "weights.02-", "weights.03-"]
    assert all(n.endswith(".hdf5") for n in written)


def test_reduce_lr_on_plateau_in_fit():
    model = _model(lr=0.01)
    cb = ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1)
    h = model.fit(X, Y, epochs=4, batch_size=16, verbose=0,
                  callbacks=[Scripted([1.0, 1.0, 1.0, 1.0]), cb])
    # No improvement after epoch 0: the rate halves at the end of every later epoch; the
    # logged rate is the one the epoch ran with.
    np.testing.assert_allclose(h.history["lr"], [0.01, 0.01, 0.005, 0.0025], rtol=1e-6)
    np.testing.assert_allclose(float(model.optimizer.lr), 0.00125, rtol=1e-6)


def test_learning_rate_scheduler_in_fit_changes_training():
    model = _model(lr=0.01)
    h = model.fit(X, Y, epochs=3, batch_size=16, verbose=0,
                  callbacks=[LearningRateScheduler(lambda epoch: 0.1 * 0.5 ** epoch)])
    np.testing.assert_allclose(h.history["lr"], [0.1, 0.05, 0.025], rtol=1e-6)


def test_csv_logger_in_fit(tmp_path):
    path = str(tmp_path / "log.csv")
    model = _model()
    h = model.fit(X, Y, epochs=2, batch_size=16, verbose=0, validation_data=(X, Y),
                  callbacks=[CSVLogger(path)])
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["epoch", "loss", "val_loss"]
    assert [r[0] for r in rows[1:]] == ["0", "1"]
    assert [float(r[1]) for r in rows[1:]] == h.history["loss"]
    with open(path, "rb") as f:
        assert f.read().count(b"\r\n") == 3


def test_terminate_on_nan_in_fit(capsys):
    model = _model()
    y = Y.copy()
    y[0, 0] = np.inf
    h = model.fit(X, y, epochs=3, batch_size=32, verbose=0, callbacks=[TerminateOnNaN()])
    assert len(h.history["loss"]) == 1
    assert "Batch 0: Invalid loss, terminating training" in capsys.readouterr().out


def test_lambda_events_with_validation():
    events = []
    cb = LambdaCallback(on_train_begin=lambda logs: events.append("train_begin"),
                        on_epoch_begin=lambda e, logs: events.append(f"epoch_begin_{e}"),
                        on_batch_end=lambda b, logs: events.append(f"batch_end_{b}"),
                        on_test_begin=lambda logs: events.append("test_begin"),
                        on_test_end=lambda logs: events.append("test_end"),
                        on_epoch_end=lambda e, logs: events.append(f"epoch_end_{e}"),
                        on_train_end=lambda logs: events.append("train_end"))
    _model().fit(X[:8], Y[:8], epochs=1, batch_size=4, verbose=0, validation_data=(X, Y),
                 callbacks=[cb])
    assert events == ["train_begin", "epoch_begin_0", "batch_end_0", "batch_end_1",
                      "test_begin", "test_end", "epoch_end_0", "train_end"]


def test_user_batch_callback_sees_floats_in_fit():
    seen = []
    cb = LambdaCallback(on_batch_end=lambda b, logs: seen.append(logs["loss"]))
    _model().fit(X, Y, epochs=1, batch_size=16, verbose=0, callbacks=[cb])
    assert len(seen) == 2 and all(type(v) is float for v in seen)


def test_params_and_stop_training_in_fit():
    class Probe(Callback):
        def on_train_begin(self, logs=None):
            self.params_seen = dict(self.params)

        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                self.model.stop_training = True

    probe = Probe()
    model = _model()
    h = model.fit(X, Y, epochs=5, batch_size=16, verbose=0, callbacks=[probe])
    assert probe.params_seen == {"verbose": 0, "epochs": 5, "steps": 2}
    assert len(h.history["loss"]) == 2 and model.history is h


def test_fit_progress_lines_verbose_2(capsys):
    _model().fit(X, Y, epochs=2, batch_size=16, verbose=2, validation_data=(X, Y))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    assert lines[1].startswith("2/2 - ") and " - loss: " in lines[1] and " - val_loss: " in lines[1]


def test_missing_monitor_warns_with_available_keys():
    with pytest.warns(RuntimeWarning, match="Available metrics are: loss"):
        _model().fit(X, Y, epochs=1, batch_size=16, verbose=0,
                     callbacks=[EarlyStopping(monitor="val_acc")])


def test_model_checkpoint_every_n_batches_in_fit(tmp_path):
    template = str(tmp_path / "w-{epoch}-{batch}.h5")
    _model().fit(X, Y, epochs=2, batch_size=8, verbose=0,  # 4 batches an epoch
                 callbacks=[ModelCheckpoint(template, save_weights_only=True, save_freq=3)])
    assert sorted(os.listdir(tmp_path)) == ["w-1-3.h5", "w-2-2.h5"]


def test_best_checkpoint_loads_back(tmp_path):
    from torchkeras_compat.models import load_model

    path = str(tmp_path / "best.h5")
    model = _model()
    snap = Snapshots()
    h = model.fit(X, Y, epochs=3, batch_size=16, verbose=0, validation_data=(X, Y),
                  callbacks=[snap, ModelCheckpoint(path, save_best_only=True)])
    best = int(np.argmin(h.history["val_loss"]))
    for loaded, saved in zip(load_model(path).get_weights(), snap.weights[best]):
        np.testing.assert_array_equal(loaded, saved)
