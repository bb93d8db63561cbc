"""Callbacks that watch a metric or the epoch count and act on training: EarlyStopping,
ReduceLROnPlateau and LearningRateScheduler."""
import inspect
import warnings
from typing import Callable, Optional

import numpy as np
import torch

from ..utils.io_utils import print_msg
from .base import Callback


def get_learning_rate(optimizer) -> np.generic:
    """The optimizer's learning rate as a numpy scalar of its own dtype (as `K.get_value`)."""
    if not hasattr(optimizer, "lr"):
        raise ValueError('Optimizer must have a "lr" attribute.')
    lr = optimizer.lr
    if isinstance(lr, torch.Tensor):
        return lr.detach().cpu().numpy()[()]
    if callable(lr):  # a LearningRateSchedule: its value at the current step
        return np.float32(np.asarray(lr(int(getattr(optimizer, "iterations", 0)))))
    return np.asarray(lr)[()]


def set_learning_rate(optimizer, value) -> None:
    """Writes `value` into the optimizer's learning rate (in place when it is a tensor)."""
    if not hasattr(optimizer, "lr"):
        raise ValueError('Optimizer must have a "lr" attribute.')
    lr = optimizer.lr
    value = float(value.item() if isinstance(value, (torch.Tensor, np.ndarray)) else value)
    if isinstance(lr, torch.Tensor):
        with torch.no_grad():
            lr.fill_(value)
    else:  # a plain number, or a schedule that a fixed rate now replaces
        optimizer.lr = value


def _check_mode(owner: str, mode: str) -> str:
    if mode not in ("auto", "min", "max"):
        warnings.warn(f"{owner} mode {mode} is unknown, fallback to auto mode.", stacklevel=3)
        return "auto"
    return mode


def _warn_missing_monitor(what: str, monitor: str, logs: dict) -> None:
    warnings.warn(f"{what} conditioned on metric `{monitor}` which is not available. "
                  f"Available metrics are: {','.join(logs.keys())}", RuntimeWarning, stacklevel=3)


class EarlyStopping(Callback):
    """Stops training when a monitored metric has stopped improving.

    Args:
        monitor: the logs key to watch, e.g. ``'val_loss'``.
        min_delta: a change smaller than this (in absolute value) is not an improvement.
        patience: epochs without improvement after which training stops.
        verbose: 1 prints ``Epoch N: early stopping`` when it stops.
        mode: ``'min'``, ``'max'`` or ``'auto'`` (max for keys ending in acc/accuracy/auc).
        baseline: training stops if the metric does not get better than this within
            `patience` epochs.
        restore_best_weights: at the end of training, put back the weights of the best epoch.
        start_from_epoch: epochs of warm-up during which nothing is watched.

    Attributes:
        stopped_epoch: 0-based epoch at which training was stopped (0 if it was not).
        best, best_epoch, wait: the tracking state.
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0, patience: int = 0,
                 verbose: int = 0, mode: str = "auto", baseline: Optional[float] = None,
                 restore_best_weights: bool = False, start_from_epoch: int = 0):
        super().__init__()
        self.monitor = monitor
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.wait = 0
        self.stopped_epoch = 0
        self.best_weights = None
        self.best_epoch = 0
        mode = _check_mode("EarlyStopping", mode)
        if mode == "auto":
            mode = "max" if monitor.endswith(("acc", "accuracy", "auc")) else "min"
        self.monitor_op = np.greater if mode == "max" else np.less
        # Signed so that `current - min_delta` must beat the best in either direction.
        self.min_delta = abs(min_delta) if mode == "max" else -abs(min_delta)
        self.best = np.inf if self.monitor_op is np.less else -np.inf

    def on_train_begin(self, logs=None):
        # A callback instance may be reused across fit calls.
        self.wait = 0
        self.stopped_epoch = 0
        self.best = np.inf if self.monitor_op is np.less else -np.inf
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # So that some weights are restored even if no epoch ever improves.
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # The wait restarts only when the baseline is beaten too.
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print_msg(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print_msg("Restoring model weights from the end of the best epoch: "
                          f"{self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs):
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            _warn_missing_monitor("Early stopping", self.monitor, logs)
        return value

    def _is_improvement(self, monitor_value, reference_value) -> bool:
        return bool(self.monitor_op(monitor_value - self.min_delta, reference_value))


class LearningRateScheduler(Callback):
    """Sets the optimizer's learning rate at the start of each epoch from a schedule.

    Args:
        schedule: ``schedule(epoch) -> lr`` (Keras 2.0) or ``schedule(epoch, lr) -> lr``
            (Keras 2.2+); `epoch` is 0-based and `lr` the current rate as a float.
        verbose: 1 prints the rate set at each epoch.

    The rate is also written into each epoch's logs under ``'lr'``.
    """

    def __init__(self, schedule: Callable, verbose: int = 0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        lr = float(get_learning_rate(self.model.optimizer))
        if _takes_two_args(self.schedule):
            lr = self.schedule(epoch, lr)
        else:
            try:
                lr = self.schedule(epoch, lr)
            except TypeError:  # the Keras 2.0 one-argument form
                lr = self.schedule(epoch)
        _check_schedule_output(lr)
        set_learning_rate(self.model.optimizer, lr)
        if self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["lr"] = get_learning_rate(self.model.optimizer)


def _takes_two_args(fn) -> Optional[bool]:
    """True/False when the signature tells whether `fn(epoch, lr)` works; None when unknown."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return None
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return True
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 2


def _check_schedule_output(lr) -> None:
    if isinstance(lr, torch.Tensor):
        if not lr.dtype.is_floating_point or lr.numel() != 1:
            raise ValueError(f"The dtype of `lr` Tensor should be float. Got: {lr.dtype}")
        return
    if not isinstance(lr, (float, np.floating)):
        raise ValueError(f'The output of the "schedule" function should be float. Got: {lr}')


class ReduceLROnPlateau(Callback):
    """Multiplies the learning rate by `factor` when a metric has stopped improving.

    Args:
        monitor: the logs key to watch.
        factor: new_lr = lr * factor; must be < 1.
        patience: epochs without improvement before the rate is reduced.
        verbose: 1 prints a message at each reduction.
        mode: ``'min'``, ``'max'`` or ``'auto'`` (max when 'acc' is in the monitor's name).
        min_delta: smallest change counted as an improvement. Keras 2.0's ``epsilon`` is
            accepted as its old name, with a warning.
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: the rate never goes below this.

    The current rate is written into each epoch's logs under ``'lr'``.
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10,
                 verbose: int = 0, mode: str = "auto", min_delta: float = 1e-4,
                 cooldown: int = 0, min_lr: float = 0, **kwargs):
        super().__init__()
        if "epsilon" in kwargs:
            min_delta = kwargs.pop("epsilon")
            warnings.warn("`epsilon` argument is deprecated and will be removed, "
                          "use `min_delta` instead.", UserWarning, stacklevel=2)
        if kwargs:
            raise TypeError(f"ReduceLROnPlateau got unexpected arguments: {sorted(kwargs)}.")
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0. Got {factor}")
        self.monitor = monitor
        self.factor = factor
        self.min_lr = min_lr
        self.min_delta = min_delta
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.mode = _check_mode("Learning rate reduction", mode)
        self._reset()

    def _reset(self) -> None:
        """Starts tracking afresh: best value, wait and cooldown counters."""
        if self.mode == "min" or (self.mode == "auto" and "acc" not in self.monitor):
            self.monitor_op = lambda a, b: np.less(a, b - self.min_delta)
            self.best = np.inf
        else:
            self.monitor_op = lambda a, b: np.greater(a, b + self.min_delta)
            self.best = -np.inf
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        logs["lr"] = get_learning_rate(self.model.optimizer)
        current = logs.get(self.monitor)
        if current is None:
            _warn_missing_monitor("Learning rate reduction", self.monitor, logs)
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self.monitor_op(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                self._reduce(epoch)

    def _reduce(self, epoch: int) -> None:
        old_lr = get_learning_rate(self.model.optimizer)
        if old_lr > np.float32(self.min_lr):
            new_lr = max(old_lr * self.factor, self.min_lr)
            set_learning_rate(self.model.optimizer, new_lr)
            if self.verbose > 0:
                print_msg(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}.")
            self.cooldown_counter = self.cooldown
            self.wait = 0

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0
