"""ModelCheckpoint: saves the model or its weights during training."""
import glob
import os
import re
import warnings
from typing import Optional, Union

import numpy as np

from ..utils.io_utils import path_to_string, print_msg
from .base import Callback, to_python_logs
from .monitors import _check_mode


class ModelCheckpoint(Callback):
    """Saves the model (``model.save``) or its weights (``model.save_weights``) as it trains.

    Args:
        filepath: the file to write; may hold ``str.format`` fields filled from the epoch
            number (1-based) and the logs, e.g. ``'weights.{epoch:02d}-{val_loss:.2f}.hdf5'``,
            and ``{batch}`` (1-based) when saving every N batches. Any file name works; the
            format follows from what ``model.save``/``save_weights`` make of the name.
        monitor: the logs key compared by `save_best_only`.
        verbose: 1 prints a line at each save (or skipped save).
        save_best_only: save only when `monitor` improves on the best value so far.
        save_weights_only: write weights only.
        mode: ``'min'``, ``'max'`` or ``'auto'`` (max when the monitor contains 'acc' or
            starts with 'fmeasure').
        save_freq: ``'epoch'`` or an int: save after every that many batches.
        options: accepted for compatibility (TensorFlow save options); ignored.
        initial_value_threshold: the best value to beat at the start (save_best_only).
        period: Keras 2.0-2.2's "save every `period` epochs" (deprecated; warns).
        load_weights_on_restart: deprecated tf.keras flag: load the newest matching file
            when training starts.
    """

    def __init__(self, filepath, monitor: str = "val_loss", verbose: int = 0,
                 save_best_only: bool = False, save_weights_only: bool = False,
                 mode: str = "auto", save_freq: Union[str, int] = "epoch", options=None,
                 initial_value_threshold: Optional[float] = None, **kwargs):
        super().__init__()
        self._supports_tf_logs = True  # batch logs are read only when a save is due
        self.monitor = monitor
        self.verbose = verbose
        self.filepath = path_to_string(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self.epochs_since_last_save = 0
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = -1
        self._current_epoch = 0
        self.best = initial_value_threshold
        self.load_weights_on_restart = kwargs.pop("load_weights_on_restart", False)
        if self.load_weights_on_restart:
            warnings.warn("`load_weights_on_restart` argument is deprecated. Please use "
                          "`model.load_weights()` for loading weights before the start of "
                          "`model.fit()`.", UserWarning, stacklevel=2)
        self.period = kwargs.pop("period", 1)
        if self.period != 1:
            warnings.warn("`period` argument is deprecated. Please use `save_freq` to specify "
                          "the frequency in number of batches seen.", UserWarning, stacklevel=2)
        if kwargs:
            raise TypeError(f"ModelCheckpoint got unexpected arguments: {sorted(kwargs)}.")
        mode = _check_mode("ModelCheckpoint", mode)
        if mode == "auto":
            maximise = "acc" in monitor or monitor.startswith("fmeasure")
            mode = "max" if maximise else "min"
        self.monitor_op = np.greater if mode == "max" else np.less
        if self.best is None:
            self.best = -np.inf if mode == "max" else np.inf
        if save_freq != "epoch" and not (isinstance(save_freq, int) and save_freq > 0):
            raise ValueError(f"Unrecognized save_freq: {save_freq}. "
                             'Expected save_freq are "epoch" or integer')

    def on_train_begin(self, logs=None):
        if not self.load_weights_on_restart:
            return
        path = _newest_file_matching(self.filepath)
        if path is not None:
            try:
                self.model.load_weights(path)
            except (IOError, ValueError) as e:
                raise ValueError(f"Error loading file from {path}. Reason: {e}") from e

    def _implements_train_batch_hooks(self):
        return self.save_freq != "epoch"

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save_model(epoch=self._current_epoch, batch=batch, logs=logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        self.epochs_since_last_save += 1
        if self.save_freq == "epoch":
            self._save_model(epoch=epoch, batch=None, logs=logs)

    def _should_save_on_batch(self, batch: int) -> bool:
        if self.save_freq == "epoch":
            return False
        if batch <= self._last_batch_seen:  # a new epoch started
            added = batch + 1
        else:
            added = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _save_model(self, epoch: int, batch: Optional[int], logs) -> None:
        if not (isinstance(self.save_freq, int) or self.epochs_since_last_save >= self.period):
            return
        logs = to_python_logs(logs or {})
        self.epochs_since_last_save = 0
        filepath = self._get_file_path(epoch, batch, logs)
        if os.path.isdir(filepath):
            raise IOError("Please specify a non-directory filepath for ModelCheckpoint. "
                          f"Filepath used is an existing directory: {filepath}")
        dirname = os.path.dirname(filepath)
        if dirname:
            os.makedirs(dirname, exist_ok=True)
        if not self.save_best_only:
            if self.verbose > 0:
                print_msg(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            self._save(filepath)
            return
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available, skipping.",
                          RuntimeWarning, stacklevel=2)
        elif self.monitor_op(current, self.best):
            if self.verbose > 0:
                print_msg(f"\nEpoch {epoch + 1}: {self.monitor} improved from {self.best:.5f} "
                          f"to {current:.5f}, saving model to {filepath}")
            self.best = current
            self._save(filepath)
        elif self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {self.best:.5f}")

    def _save(self, filepath: str) -> None:
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)

    def _get_file_path(self, epoch: int, batch: Optional[int], logs: dict) -> str:
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as e:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". '
                           f"Reason: {e}") from e


def _newest_file_matching(pattern: str) -> Optional[str]:
    """The most recently modified file whose name fits the `str.format` template `pattern`."""
    if not re.search(r"\{[^}]*\}", pattern):
        return pattern if os.path.exists(pattern) else None
    candidates = [p for p in glob.glob(re.sub(r"\{[^}]*\}", "*", pattern)) if os.path.isfile(p)]
    return max(candidates, key=os.path.getmtime) if candidates else None
