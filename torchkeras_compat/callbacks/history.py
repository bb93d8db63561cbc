"""Callbacks that record or print what happens: History, BaseLogger, ProgbarLogger, TerminateOnNaN."""
import math
import time
from typing import Iterable, Optional

from ..utils.io_utils import print_msg
from .base import Callback, to_python_logs


class _HistoryDict(dict):
    """``history.history``: tf.keras 2's keys, plus Keras <= 2.2's ``acc``/``val_acc`` spellings
    readable as aliases of ``accuracy``/``val_accuracy`` so that old plotting code keeps working."""

    _OLD_NAMES = {"acc": "accuracy", "val_acc": "val_accuracy"}

    def __missing__(self, key):
        new = self._OLD_NAMES.get(key)
        if new is not None and dict.__contains__(self, new):
            return self[new]
        raise KeyError(key)

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key):
        return dict.__contains__(self, key) or dict.__contains__(self, self._OLD_NAMES.get(key, ""))


class History(Callback):
    """Records every epoch's logs; `fit` returns it and sets ``model.history`` to it.

    Attributes:
        history: dict ``{key: [value per epoch]}`` with the keys of the epoch logs
            (``loss``, ``accuracy``, ``val_loss``, ...).
        epoch: list of the 0-based epoch indices seen.
    """

    def __init__(self):
        super().__init__()
        self.history = _HistoryDict()
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self.epoch.append(epoch)
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)
        # So that model.history is the latest state even when fit is interrupted.
        if self.model is not None:
            self.model.history = self


class BaseLogger(Callback):
    """Averages batch metrics over an epoch, weighted by the batch ``size`` in the logs.

    Keras 2.0-2.2 added this to every model; tf.keras 2 keeps it for old code only, since
    epoch logs already hold epoch averages. It overwrites only the keys listed in
    ``params['metrics']`` (Keras 2.2's fit passed that list); without it, it leaves the
    epoch logs as they are.

    Args:
        stateful_metrics: names of metrics whose last batch value is kept instead of averaged.
    """

    def __init__(self, stateful_metrics: Optional[Iterable[str]] = None):
        super().__init__()
        self._supports_tf_logs = True  # sums stay tensors until the epoch ends
        self.stateful_metrics = set(stateful_metrics or [])
        self.seen = 0
        self.totals = {}

    def on_epoch_begin(self, epoch, logs=None):
        self.seen = 0
        self.totals = {}

    def on_batch_end(self, batch, logs=None):
        logs = logs or {}
        batch_size = logs.get("size", 0)
        self.seen += batch_size * logs.get("num_steps", 1)
        for key, value in logs.items():
            if key in self.stateful_metrics:
                self.totals[key] = value
            else:
                self.totals[key] = self.totals.get(key, 0) + value * batch_size

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        totals = to_python_logs(self.totals)
        for key in self.params.get("metrics", ()):
            if key not in totals:
                continue
            if key in self.stateful_metrics:
                logs[key] = totals[key]
            elif self.seen:
                logs[key] = totals[key] / self.seen


class TerminateOnNaN(Callback):
    """Stops training as soon as a batch's loss is NaN or infinite."""

    def __init__(self):
        super().__init__()
        self._supports_tf_logs = True

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        loss = float(loss)  # one sync per batch: the check cannot be done without it
        if math.isnan(loss) or math.isinf(loss):
            print_msg(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True


class ProgbarLogger(Callback):
    """Prints the progress bar and metrics of `fit`, `evaluate` and `predict`.

    verbose=1 (from ``params``) draws a bar redrawn during the epoch, verbose=2 prints one
    line per epoch. An ``Epoch i/N`` line comes before each epoch when N > 1. Validation
    inside `fit` prints nothing of its own: its ``val_`` values end the epoch's line.

    Args:
        count_mode: ``'steps'`` (batches; what `fit` uses) or ``'samples'`` (counts the
            ``size`` entry of the batch logs).
        stateful_metrics: kept for Keras 2 compatibility. The values in the logs are already
            running averages, so every metric is shown as given.
    """

    def __init__(self, count_mode: str = "samples", stateful_metrics: Optional[Iterable[str]] = None):
        super().__init__()
        self._supports_tf_logs = True  # the Progbar reads tensors only when it redraws
        if count_mode not in ("samples", "steps"):
            raise ValueError(f"Unknown `count_mode`: {count_mode}. "
                             'Expected values are ["samples", "steps"]')
        self.use_steps = count_mode == "steps"
        self.stateful_metrics = set(stateful_metrics or [])
        self.seen = 0
        self.progbar = None
        self.target = None
        self.verbose = 1
        self.epochs = 1
        self._call_batch_hooks = True
        self._called_in_fit = False
        self._values_given_at = 0.0

    def set_params(self, params):
        super().set_params(params)
        self.verbose = params.get("verbose", 1)
        self.epochs = params.get("epochs", 1)
        if self.use_steps:
            self.target = params.get("steps")
        else:
            self.target = params.get("samples")
        # verbose=2 only prints at epoch end, unless it must count the batches itself.
        self._call_batch_hooks = self.verbose == 1 or self.target is None

    def _implements_train_batch_hooks(self):
        return self._call_batch_hooks

    def _implements_test_batch_hooks(self):
        return self._call_batch_hooks

    def _implements_predict_batch_hooks(self):
        return self._call_batch_hooks

    def on_train_begin(self, logs=None):
        # Inside fit, the validation pass is silent.
        self._called_in_fit = True

    def on_test_begin(self, logs=None):
        if not self._called_in_fit:
            self._reset_progbar()
            self._get_progbar(None)

    def on_predict_begin(self, logs=None):
        self._reset_progbar()
        self._get_progbar(None)

    def on_epoch_begin(self, epoch, logs=None):
        self._reset_progbar()
        self._get_progbar(None)  # the Progbar's clock starts now
        if self.verbose and self.epochs > 1:
            print_msg(f"Epoch {epoch + 1}/{self.epochs}")

    def on_train_batch_end(self, batch, logs=None):
        self._batch_update_progbar(batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        if not self._called_in_fit:
            self._batch_update_progbar(batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._batch_update_progbar(batch, None)  # predictions are not metrics

    def on_epoch_end(self, epoch, logs=None):
        self._finalize_progbar(logs)

    def on_test_end(self, logs=None):
        if not self._called_in_fit:
            self._finalize_progbar(logs)

    def on_predict_end(self, logs=None):
        self._finalize_progbar(logs)

    def _reset_progbar(self):
        self.seen = 0
        self.progbar = None
        self._values_given_at = 0.0

    def _get_progbar(self, logs=None):
        """The epoch's Progbar (made on first use), with every key of `logs` marked stateful:
        the values are running averages already, so the bar shows them as given."""
        if self.progbar is None:
            from ..utils.generic_utils import Progbar

            self.progbar = Progbar(target=self.target, verbose=self.verbose,
                                   stateful_metrics=set(self.stateful_metrics),
                                   unit_name="step" if self.use_steps else "sample")
        if logs:
            stateful = getattr(self.progbar, "stateful_metrics", None)
            if isinstance(stateful, set) and not stateful.issuperset(logs):
                stateful.update(logs)
        return self.progbar

    def _batch_update_progbar(self, batch, logs=None):
        logs = logs or {}
        if self.use_steps or "size" not in logs:
            # tf.keras 2's loop logs no 'size': a samples-mode bar then counts steps too.
            self.seen = batch + 1
        else:
            logs = dict(logs)
            batch_size = logs.pop("size", 0)
            num_steps = logs.pop("num_steps", 1)
            logs.pop("batch", None)
            self.seen += num_steps * batch_size
        if self.verbose != 1:
            return
        # Hand the values over (reading tensors: a device sync) only when the bar can redraw;
        # between redraws the bar just advances. The logs are running averages, so nothing
        # is lost by skipping the values in between.
        now = time.time()
        progbar = self._get_progbar()
        if now - self._values_given_at >= getattr(progbar, "interval", 0.0):
            self._values_given_at = now
            self._get_progbar(logs)
            progbar.update(self.seen, list(logs.items()), finalize=False)
        else:
            progbar.update(self.seen, None, finalize=False)

    def _finalize_progbar(self, logs):
        logs = logs or {}
        progbar = self._get_progbar(logs)
        if self.target is None:
            self.target = self.seen
            progbar.target = self.target
        progbar.update(self.target, list(logs.items()), finalize=True)
