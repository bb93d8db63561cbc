"""Each callback's Keras 2 behaviour, driven like fit drives it, against tf_keras 2.21 records.

These tests use a minimal model object (cb_helpers.TinyModel); the tests in
test_callbacks_fit.py run the same callbacks inside the real ``model.fit``.
"""
import os
import re

import numpy as np
import pytest
import torch

from cb_helpers import TinyModel, run_epochs
from torchkeras_compat.callbacks import (BaseLogger, Callback, CallbackList, CSVLogger,
                                         EarlyStopping, History, LambdaCallback,
                                         LearningRateScheduler, ModelCheckpoint,
                                         ProgbarLogger, ReduceLROnPlateau, TerminateOnNaN)


# ---------------------------------------------------------------- CallbackList dispatch
class Recorder(Callback):
    """A user callback: it overrides a batch hook, so it must get plain numbers."""

    def __init__(self):
        super().__init__()
        self.batch_logs = []

    def on_batch_end(self, batch, logs=None):
        self.batch_logs.append(dict(logs))


class TensorReader(Callback):
    """A callback that declares it copes with tensor logs, like the built-ins."""

    def __init__(self):
        super().__init__()
        self._supports_tf_logs = True
        self.seen = []

    def on_train_batch_end(self, batch, logs=None):
        self.seen.append(logs)


def test_user_batch_callback_gets_python_floats():
    rec = Recorder()
    cbs = CallbackList([rec], model=TinyModel(), verbose=0, epochs=1, steps=2)
    cbs.on_train_batch_end(0, {"loss": torch.tensor(0.25), "acc": torch.tensor(0.5)})
    assert rec.batch_logs == [{"loss": 0.25, "acc": 0.5}]
    assert type(rec.batch_logs[0]["loss"]) is float


def test_tensor_capable_callbacks_get_the_loops_dict_untouched():
    reader = TensorReader()
    cbs = CallbackList([reader], add_history=True, add_progbar=True, model=TinyModel(),
                       verbose=2, epochs=1, steps=2)
    logs = {"loss": torch.tensor(0.25)}
    cbs.on_train_batch_end(0, logs)
    assert reader.seen[0] is logs  # no conversion, so no device sync


def test_no_batch_dispatch_without_batch_callbacks():
    cbs = CallbackList([EarlyStopping()], add_history=True, add_progbar=True, model=TinyModel(),
                       verbose=2, epochs=3, steps=4)
    assert cbs._should_call == {"train": False, "test": False, "predict": False}
    # verbose=1 redraws the bar every batch, so then the progress logger needs them.
    cbs = CallbackList(add_progbar=True, model=TinyModel(), verbose=1, epochs=3, steps=4)
    assert cbs._should_call["train"] and cbs._should_call["test"]


def test_train_batch_hooks_call_the_keras2_aliases():
    events = []
    cb = LambdaCallback(on_batch_begin=lambda b, logs: events.append(("begin", b)),
                        on_batch_end=lambda b, logs: events.append(("end", b)))
    cbs = CallbackList([cb], model=TinyModel())
    cbs.on_train_batch_begin(0)
    cbs.on_train_batch_end(0, {"loss": torch.tensor(1.0)})
    cbs.on_batch_begin(1)
    cbs.on_batch_end(1, {})
    assert events == [("begin", 0), ("end", 0), ("begin", 1), ("end", 1)]


def test_lambda_callback_accepts_any_hook_by_name():
    seen = []
    cb = LambdaCallback(on_test_batch_end=lambda b, logs: seen.append(b),
                        on_predict_end=lambda logs: seen.append("predict_end"))
    cbs = CallbackList([cb], model=TinyModel())
    assert cbs._should_call["test"] and not cbs._should_call["train"]
    cbs.on_test_batch_end(3, {})
    cbs.on_predict_end()
    assert seen == [3, "predict_end"]


def test_params_model_and_history_are_set():
    model = TinyModel()
    cb = Callback()
    cbs = CallbackList([cb], add_history=True, model=model, verbose=0, epochs=2, steps=3)
    assert cb.model is model and cb.params == {"verbose": 0, "epochs": 2, "steps": 3}
    assert isinstance(model.history, History) and model.history.params == cb.params
    assert cb.validation_data is None
    # A History already in the list is used instead of a second one.
    mine = History()
    cbs = CallbackList([mine], add_history=True, model=model)
    assert [c for c in cbs if isinstance(c, History)] == [mine] and model.history is mine


def test_callback_exceptions_reach_the_caller():
    class Boom(Callback):
        def on_epoch_end(self, epoch, logs=None):
            raise RuntimeError("boom at epoch %d" % epoch)

    cbs = CallbackList([Boom()], model=TinyModel())
    with pytest.raises(RuntimeError, match="boom at epoch 0") as info:
        cbs.on_epoch_end(0, {"loss": 1.0})
    assert info.value.__notes__ == ["Raised in callback Boom.on_epoch_end()"]


def test_non_callbacks_are_rejected_with_a_clear_message():
    with pytest.raises(TypeError, match="Callback instances"):
        CallbackList([lambda logs: None])


def test_epoch_logs_written_by_a_callback_are_seen_by_the_next():
    class SetVal(Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["val_loss"] = 0.5

    hist = History()
    cbs = CallbackList([SetVal(), hist], model=TinyModel())
    cbs.on_train_begin()
    cbs.on_epoch_end(0, {"loss": 1.0})
    assert hist.history == {"loss": [1.0], "val_loss": [0.5]} and hist.epoch == [0]


# ---------------------------------------------------------------- History / BaseLogger
def test_history_keeps_values_across_fits_and_resets_epochs():
    model = TinyModel()
    hist = History()
    run_epochs([hist], model, [{"loss": 1.0}, {"loss": 0.5}])
    run_epochs([hist], model, [{"loss": 0.25}])
    assert hist.history == {"loss": [1.0, 0.5, 0.25]}
    assert hist.epoch == [0]
    assert model.history is hist


def test_base_logger_averages_by_batch_size():
    logger = BaseLogger(stateful_metrics=["last"])
    cbs = CallbackList([logger], model=TinyModel(), metrics=["loss", "last"])
    cbs.on_epoch_begin(0)
    cbs.on_batch_end(0, {"size": 2, "loss": torch.tensor(1.0), "last": 3.0})
    cbs.on_batch_end(1, {"size": 6, "loss": torch.tensor(2.0), "last": 4.0})
    logs = {}
    cbs.on_epoch_end(0, logs)
    assert logs == {"loss": pytest.approx(1.75), "last": 4.0}


# ---------------------------------------------------------------- TerminateOnNaN
def test_terminate_on_nan_stops_and_prints(capsys):
    model = TinyModel()
    cbs = CallbackList([TerminateOnNaN()], model=model)
    cbs.on_train_batch_end(0, {"loss": torch.tensor(0.5)})
    assert not model.stop_training
    cbs.on_train_batch_end(1, {"loss": torch.tensor(float("nan"))})
    assert model.stop_training
    assert capsys.readouterr().out == "Batch 1: Invalid loss, terminating training\n"


# ---------------------------------------------------------------- EarlyStopping
def _early_stopping_case(case, curve, acc):
    model = TinyModel()

    class Tagger(Callback):  # weights that tell which epoch they are from
        def on_epoch_end(self, epoch, logs=None):
            model._w = [np.full(2, epoch, "float32")]

    stop = EarlyStopping(**case["config"])
    logs = [{"loss": 1.0, "val_loss": v, "val_accuracy": a} for v, a in zip(curve, acc)]
    run = run_epochs([Tagger(), stop], model, logs)
    return stop, model, run


def test_early_stopping_matches_tf_keras(recorded, capsys):
    data = recorded["early_stopping"]
    for case in data["cases"]:
        stop, model, run = _early_stopping_case(case, data["curve"], data["acc"])
        out = capsys.readouterr().out
        where = case["config"]
        assert run == case["epochs_run"], where
        assert stop.stopped_epoch == case["stopped_epoch"], where
        assert stop.best_epoch == case["best_epoch"], where
        assert stop.best == pytest.approx(case["best"]), where
        assert stop.wait == case["wait"], where
        assert model._w[0][0] == case["weights_epoch"], where
        assert out == case["stdout"], where


def test_early_stopping_warns_with_available_keys():
    stop = EarlyStopping(monitor="val_los")
    with pytest.warns(RuntimeWarning, match=r"`val_los` which is not available. Available "
                                            r"metrics are: loss,val_loss"):
        run_epochs([stop], TinyModel(), [{"loss": 1.0, "val_loss": 1.0}])


def test_early_stopping_unknown_mode_falls_back_to_auto():
    with pytest.warns(UserWarning, match="mode maximum is unknown"):
        stop = EarlyStopping(monitor="acc", mode="maximum")
    assert stop.monitor_op is np.greater


# ---------------------------------------------------------------- ReduceLROnPlateau
def test_reduce_lr_on_plateau_lr_sequence(recorded, capsys):
    data = recorded["reduce_lr"]
    for case in data["cases"]:
        cfg = dict(case["config"])
        if "epsilon" in cfg:
            with pytest.warns(UserWarning, match="`epsilon` argument is deprecated"):
                cb = ReduceLROnPlateau(**cfg)
        else:
            cb = ReduceLROnPlateau(**cfg)
        model = TinyModel(lr=0.01)
        cbs = CallbackList([cb], model=model)
        cbs.on_train_begin()
        lrs, logged = [], []
        for epoch, v in enumerate(data["curve"]):
            logs = {"loss": 1.0, "val_loss": v, "val_acc": 1.0 - v}
            cbs.on_epoch_end(epoch, logs)
            logged.append(float(logs["lr"]))
            lrs.append(float(model.optimizer.lr))
        assert lrs == case["lr_after_epoch"], cfg
        assert logged == case["logged_lr"], cfg
        assert capsys.readouterr().out == case["stdout"], cfg


def test_reduce_lr_rejects_factor_of_one():
    with pytest.raises(ValueError, match="factor >= 1.0"):
        ReduceLROnPlateau(factor=1.0)


# ---------------------------------------------------------------- LearningRateScheduler
def test_learning_rate_scheduler_both_signatures(recorded, capsys):
    schedules = {"one_arg": lambda epoch: 0.1 / (epoch + 1),
                 "two_arg": lambda epoch, lr: lr * 0.5 if epoch > 0 else lr}
    for case in recorded["lr_scheduler"]["cases"]:
        model = TinyModel(lr=0.01)
        cb = LearningRateScheduler(schedules[case["schedule"]], verbose=1)
        cbs = CallbackList([cb], model=model)
        lrs, logged = [], []
        for epoch in range(4):
            cbs.on_epoch_begin(epoch)
            logs = {"loss": 1.0}
            cbs.on_epoch_end(epoch, logs)
            lrs.append(float(model.optimizer.lr))
            logged.append(str(logs["lr"]))
        assert lrs == case["lrs"]
        assert logged == case["logged_lr_str"]
        assert capsys.readouterr().out == case["stdout"]


def test_learning_rate_scheduler_rejects_non_float(recorded):
    cb = LearningRateScheduler(lambda epoch: 1)
    cb.set_model(TinyModel())
    with pytest.raises(ValueError) as info:
        cb.on_epoch_begin(0)
    assert str(info.value) == recorded["lr_scheduler"]["errors"]["int_output"]


def test_learning_rate_scheduler_does_not_hide_errors_in_two_arg_schedules():
    def schedule(epoch, lr):
        raise TypeError("bug in my schedule")

    cb = LearningRateScheduler(schedule)
    cb.set_model(TinyModel())
    with pytest.raises(TypeError, match="bug in my schedule"):
        cb.on_epoch_begin(0)


# ---------------------------------------------------------------- ModelCheckpoint
def test_model_checkpoint_names_and_best_only(recorded, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    data = recorded["checkpoint"]
    for case in data["cases"]:
        cfg = dict(case["config"])
        if "period" in cfg:
            with pytest.warns(UserWarning, match="`period` argument is deprecated"):
                cb = ModelCheckpoint(**cfg)
        else:
            cb = ModelCheckpoint(**cfg)
        model = TinyModel()
        logs = [{"loss": 1.0, "val_loss": v, "val_acc": 1 - v} for v in data["curve"]]
        if cfg["monitor" if "monitor" in cfg else "filepath"] == "val_nope":
            with pytest.warns(RuntimeWarning, match="Can save best model only with val_nope"):
                run_epochs([cb], model, logs)
        else:
            run_epochs([cb], model, logs, batches=2 if "save_freq" in cfg else 0)
        assert model.saved == case["saved"], cfg
        assert capsys.readouterr().out == case["stdout"], cfg
        for _, path in case["saved"]:
            assert os.path.isfile(path)


def test_model_checkpoint_any_file_name(tmp_path):
    model = TinyModel()
    path = str(tmp_path / "my model (final).weights")
    run_epochs([ModelCheckpoint(path, save_weights_only=True)], model, [{"loss": 1.0}])
    assert model.saved == [["weights", path]]


def test_model_checkpoint_missing_template_key(tmp_path):
    cb = ModelCheckpoint(str(tmp_path / "w-{val_acc:.2f}.h5"))
    with pytest.raises(KeyError, match="Failed to format this callback filepath"):
        run_epochs([cb], TinyModel(), [{"loss": 1.0}])


def test_model_checkpoint_bad_save_freq():
    with pytest.raises(ValueError, match="Unrecognized save_freq"):
        ModelCheckpoint("x.h5", save_freq="batch")


def test_model_checkpoint_auto_mode_maximises_accuracy():
    assert ModelCheckpoint("x.h5", monitor="val_acc").monitor_op is np.greater
    assert ModelCheckpoint("x.h5", monitor="val_accuracy").monitor_op is np.greater
    assert ModelCheckpoint("x.h5", monitor="fmeasure").monitor_op is np.greater
    assert ModelCheckpoint("x.h5", monitor="val_loss").monitor_op is np.less


# ---------------------------------------------------------------- CSVLogger
def _csv_run(path, logs, **kwargs):
    # Called directly, as the recording did: a CallbackList would turn numpy scalars into
    # floats first (as tf.keras's does), while a ReduceLROnPlateau listed before the logger
    # hands it the float32 learning rate as is.
    cb = CSVLogger(str(path), **kwargs)
    cb.set_model(TinyModel())
    cb.on_train_begin()
    for epoch, epoch_logs in enumerate(logs):
        cb.on_epoch_end(epoch, dict(epoch_logs))
    cb.on_train_end()
    with open(path, "rb") as f:
        return f.read().decode("utf-8")


def test_csv_logger_exact_files(recorded, tmp_path):
    data = recorded["csv_logger"]
    epochs = [dict(e) for e in data["epochs"]]
    for e in epochs:  # the learning rate arrives as a float32 numpy scalar, as in tf.keras
        e["lr"] = np.float32(e["lr"])
    files = data["files"]
    assert _csv_run(tmp_path / "a.csv", epochs) == files["default"]
    assert _csv_run(tmp_path / "b.csv", epochs, separator=";") == files["semicolon"]
    _csv_run(tmp_path / "c.csv", epochs[:1])
    assert _csv_run(tmp_path / "c.csv", epochs[1:], append=True) == files["append"]
    assert _csv_run(tmp_path / "c.csv", epochs[1:]) == files["overwrite"]
    no_val = [{"loss": 0.25, "mae": 0.5}, {"loss": 0.125, "mae": 0.25}]
    assert _csv_run(tmp_path / "d.csv", no_val) == files["no_val"]
    listed = [{"loss": 0.25, "v": np.array([1.5, 2.0])}]
    assert _csv_run(tmp_path / "e.csv", listed) == files["list_value"]


# ---------------------------------------------------------------- ProgbarLogger
def test_progbar_logger_epoch_lines_verbose_2(capsys):
    cbs = CallbackList(add_progbar=True, model=TinyModel(), verbose=2, epochs=2, steps=3)
    cbs.on_train_begin()
    for epoch in range(2):
        cbs.on_epoch_begin(epoch)
        for b in range(3):
            cbs.on_train_batch_end(b, {"loss": torch.tensor(0.5)})
        cbs.on_epoch_end(epoch, {"loss": 0.5, "val_loss": 0.25})
    cbs.on_train_end()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    for line in (lines[1], lines[3]):
        # tf.keras 2's verbose=2 line: "3/3 - 0s - loss: 0.5000 - val_loss: 0.2500 - 5ms/epoch - 2ms/step"
        assert re.fullmatch(r"3/3 - \d+s - loss: 0\.5000 - val_loss: 0\.2500 - \d+[mu]?s/epoch"
                            r" - \d+[mu]?s/step", line), line


def test_progbar_logger_single_epoch_has_no_epoch_line(capsys):
    cbs = CallbackList(add_progbar=True, model=TinyModel(), verbose=2, epochs=1, steps=1)
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    cbs.on_epoch_end(0, {"loss": 1.5})
    assert not capsys.readouterr().out.startswith("Epoch")


def test_progbar_logger_verbose_1_reads_tensor_logs(capsys):
    cbs = CallbackList(add_progbar=True, model=TinyModel(), verbose=1, epochs=1, steps=2)
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    cbs.on_train_batch_end(0, {"loss": torch.tensor(0.75)})
    cbs.on_train_batch_end(1, {"loss": torch.tensor(0.5)})
    cbs.on_epoch_end(0, {"loss": 0.5})
    out = capsys.readouterr().out
    assert "2/2 [==============================]" in out and "loss: 0.5000" in out


def test_progbar_logger_counts_steps_when_unknown(capsys):
    logger = ProgbarLogger(count_mode="steps")
    cbs = CallbackList([logger], model=TinyModel(), verbose=2, epochs=1, steps=None)
    assert cbs._should_call["train"]  # it must count the batches itself
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    for b in range(4):
        cbs.on_train_batch_end(b, {"loss": torch.tensor(1.0)})
    cbs.on_epoch_end(0, {"loss": 1.0})
    assert capsys.readouterr().out.startswith("4/4 - ")


def test_progbar_logger_bad_count_mode():
    with pytest.raises(ValueError, match="Unknown `count_mode`: batches"):
        ProgbarLogger(count_mode="batches")


def test_progbar_logger_samples_mode(capsys):
    # Keras 2.0 code passed ProgbarLogger() (count_mode='samples'); batch logs with a size
    # count samples, logs without one (tf.keras 2's loop) count steps.
    logger = ProgbarLogger()
    cbs = CallbackList([logger], model=TinyModel(), verbose=2, epochs=1, samples=40)
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    for b in range(3):
        cbs.on_train_batch_end(b, {"size": 16 if b < 2 else 8, "loss": 1.0})
    cbs.on_epoch_end(0, {"loss": 1.0})
    assert capsys.readouterr().out.startswith("40/40 - ")
    logger = ProgbarLogger()
    cbs = CallbackList([logger], model=TinyModel(), verbose=2, epochs=1, steps=3)
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    for b in range(3):
        cbs.on_train_batch_end(b, {"loss": torch.tensor(1.0)})
    cbs.on_epoch_end(0, {"loss": 1.0})
    assert capsys.readouterr().out.startswith("3/3 - ")


class CountingValue:
    """A metric value that counts how often it is read as a number (a device sync for CUDA)."""

    reads = 0

    def __init__(self, value):
        self.value = value

    def __float__(self):
        type(self).reads += 1
        return self.value


def test_progbar_logger_reads_values_only_when_it_redraws(capsys):
    logger = ProgbarLogger(count_mode="steps")
    cbs = CallbackList([logger], model=TinyModel(), verbose=1, epochs=1, steps=100)
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    logger.progbar.interval = 3600.0  # only the first batch and the end may redraw
    CountingValue.reads = 0
    for b in range(99):
        cbs.on_train_batch_end(b, {"loss": CountingValue(0.5)})
    assert CountingValue.reads == 1
    cbs.on_epoch_end(0, {"loss": 0.5})
    assert "100/100 [" in capsys.readouterr().out
