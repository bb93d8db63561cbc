"""BackupAndRestore: a fit interrupted by an error goes on from the last backup in a new model."""
import os

import numpy as np
import pytest

from torchkeras_compat.callbacks import BackupAndRestore, Callback
from torchkeras_compat.layers import Dense
from torchkeras_compat.models import Sequential
from torchkeras_compat.optimizers import Adam

X = np.random.RandomState(0).rand(32, 4).astype("float32")
Y = X @ np.random.RandomState(1).rand(4, 2).astype("float32")


def _model():
    model = Sequential([Dense(3, input_dim=4, activation="tanh"), Dense(2)])
    rng = np.random.RandomState(2)
    model.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=Adam(learning_rate=0.05), loss="mse")
    return model


class Crash(Callback):
    def __init__(self, epoch, batch=None):
        super().__init__()
        self.epoch, self.batch, self.current = epoch, batch, None

    def on_epoch_begin(self, epoch, logs=None):
        self.current = epoch
        if self.batch is None and epoch == self.epoch:
            raise RuntimeError("crash")

    def on_train_batch_begin(self, batch, logs=None):
        if (self.current, batch) == (self.epoch, self.batch):
            raise RuntimeError("crash")


class Steps(Callback):
    def on_train_begin(self, logs=None):
        self.seen = []

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        self.seen.append((self.epoch, batch))


def _fit(model, callbacks, epochs=5):
    return model.fit(X, Y, epochs=epochs, batch_size=8, shuffle=False, verbose=0, callbacks=callbacks)


def test_resumes_after_the_last_epoch_backup_with_the_same_result(tmp_path):
    backup = str(tmp_path / "backup")
    with pytest.raises(RuntimeError, match="crash"):
        _fit(_model(), [BackupAndRestore(backup), Crash(3)])
    assert os.listdir(backup) == ["chief"]
    resumed = _model()  # as after a restart: fresh weights and optimizer
    history = _fit(resumed, [BackupAndRestore(backup)])
    assert history.epoch == [3, 4]
    assert int(resumed.optimizer.iterations) == 5 * 4
    straight = _model()
    _fit(straight, [])
    np.testing.assert_allclose(resumed.predict(X, verbose=0), straight.predict(X, verbose=0), rtol=1e-5, atol=1e-6)
    assert os.listdir(backup) == []  # deleted once fit has finished
    assert _fit(_model(), [BackupAndRestore(backup)], epochs=2).epoch == [0, 1]


def test_batch_backups_resume_at_the_next_batch(tmp_path):
    backup = str(tmp_path / "backup")
    with pytest.raises(RuntimeError):
        _fit(_model(), [BackupAndRestore(backup, save_freq=3), Crash(2, 2)], epochs=4)
    steps = Steps()
    history = _fit(_model(), [BackupAndRestore(backup, save_freq=3), steps], epochs=4)
    # the last backup was after batch 0 of epoch 2 (the 9th batch)
    assert steps.seen[:3] == [(2, 1), (2, 2), (2, 3)] and len(steps.seen) == 7
    assert history.epoch == [2, 3]


def test_kept_backup_and_bad_arguments(tmp_path):
    backup = str(tmp_path / "b")
    _fit(_model(), [BackupAndRestore(backup, delete_checkpoint=False)], epochs=2)
    assert os.listdir(os.path.join(backup, "chief"))
    assert _fit(_model(), [BackupAndRestore(backup)], epochs=3).epoch == [2]
    with pytest.raises(ValueError, match="save_freq"):
        BackupAndRestore(backup, save_freq=False)
    with pytest.raises(ValueError, match="save_freq"):
        BackupAndRestore(backup, save_freq="batch")


def test_a_backup_of_another_model_is_refused(tmp_path):
    backup = str(tmp_path / "b")
    _fit(_model(), [BackupAndRestore(backup, delete_checkpoint=False)], epochs=1)
    other = Sequential([Dense(5, input_dim=4), Dense(2)])
    other.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="same model"):
        other.fit(X, Y, epochs=1, verbose=0, callbacks=[BackupAndRestore(backup)])


def test_a_later_fit_without_the_callback_starts_where_it_is_told(tmp_path):
    backup = str(tmp_path / "b")
    with pytest.raises(RuntimeError):
        _fit(_model(), [BackupAndRestore(backup), Crash(2)])
    model = _model()
    with pytest.raises(RuntimeError):  # restores (epoch 2 next), then crashes again at once
        _fit(model, [BackupAndRestore(backup), Crash(2)])
    assert _fit(model, [], epochs=2).epoch == [0, 1]
