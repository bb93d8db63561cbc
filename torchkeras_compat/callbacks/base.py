"""`Callback`, the base class of every callback, and `CallbackList`, which dispatches hooks.

The training loop hands per-batch logs as ``{name: 0-d torch tensor}`` (possibly on CUDA).
Reading such a tensor as a Python number forces a device sync, so `CallbackList` converts
batch logs only when a callback that needs plain numbers overrides a batch hook, as tf.keras 2
does with its ``_supports_tf_logs`` flag: built-in callbacks that cope with tensors set
``_supports_tf_logs = True``; user subclasses get plain Python floats.
"""
from typing import Any, Dict, Iterable, Iterator, List, Optional

import numpy as np
import torch


def _default_hook(method):
    """Marks a base-class hook, so a subclass that overrides it can be told apart."""
    method._is_default_hook = True
    return method


def _overrides(callback, hook_name: str) -> bool:
    """True when `callback` has its own `hook_name` (a subclass method or an instance lambda)."""
    return not getattr(getattr(callback, hook_name, None), "_is_default_hook", False)


def to_python_logs(logs: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    """Returns `logs` with 0-d tensors and numpy scalars as Python numbers, other tensors as numpy.

    The same dict comes back when nothing needs converting, so that a callback that writes
    into an epoch's logs (e.g. ``logs['val_loss'] = ...``) is seen by the callbacks after it.
    """
    if logs is None:
        return {}
    if not isinstance(logs, dict):
        return logs
    if not any(isinstance(v, (torch.Tensor, np.ndarray, np.generic)) for v in logs.values()):
        return logs
    out = {k: _to_python(v) for k, v in logs.items() if not _is_scalar_tensor(v)}
    # 0-d tensors of one device and dtype are copied to the host together: one sync, not one each.
    groups: Dict[tuple, List[str]] = {}
    for k, v in logs.items():
        if _is_scalar_tensor(v):
            groups.setdefault((v.device, v.dtype), []).append(k)
    for (device, _), keys in groups.items():
        if device.type == "cpu" or len(keys) == 1:
            values = [logs[k].item() for k in keys]
        else:
            values = torch.stack([logs[k].detach() for k in keys]).cpu().tolist()
        out.update(zip(keys, values))
    return {k: out[k] for k in logs}  # the loop's key order


def _is_scalar_tensor(value) -> bool:
    return isinstance(value, torch.Tensor) and value.ndim == 0


def _to_python(value):
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    if isinstance(value, (np.ndarray, np.generic)):
        return value.item() if value.ndim == 0 else value
    return value


class Callback:
    """Base class of callbacks: override the hooks you need.

    Attributes:
        model: the `Model` being trained, evaluated or used to predict (set by `set_model`).
        params: dict of training parameters, ``{'verbose': int, 'epochs': int, 'steps': int}``
            in `fit` (set by `set_params`).
        validation_data: always None, kept because Keras 2.0-2.2 code reads it.

    Hook arguments: `epoch` and `batch` are 0-based indices; `logs` is a dict of metric
    values. Epoch-end logs hold epoch averages, with validation values under ``val_`` keys.
    Batch-end logs hold the running averages of the epoch so far.
    """

    def __init__(self):
        self.validation_data = None
        self.model = None
        self.params: Dict[str, Any] = {}
        # Built-in callbacks that accept tensors in batch logs set this to True.
        self._supports_tf_logs = False

    def set_params(self, params: Dict[str, Any]) -> None:
        self.params = params

    def set_model(self, model) -> None:
        self.model = model

    # Keras 2 aliases of the train-batch hooks (the on_train_batch_* hooks call these).
    @_default_hook
    def on_batch_begin(self, batch: int, logs: Optional[dict] = None) -> None:
        """Alias of `on_train_batch_begin`, kept from Keras 2.0."""

    @_default_hook
    def on_batch_end(self, batch: int, logs: Optional[dict] = None) -> None:
        """Alias of `on_train_batch_end`, kept from Keras 2.0."""

    def on_epoch_begin(self, epoch: int, logs: Optional[dict] = None) -> None:
        """Called at the start of an epoch of `fit`."""

    def on_epoch_end(self, epoch: int, logs: Optional[dict] = None) -> None:
        """Called at the end of an epoch of `fit`, with the epoch's (and validation) metrics."""

    @_default_hook
    def on_train_batch_begin(self, batch: int, logs: Optional[dict] = None) -> None:
        self.on_batch_begin(batch, logs)

    @_default_hook
    def on_train_batch_end(self, batch: int, logs: Optional[dict] = None) -> None:
        self.on_batch_end(batch, logs)

    @_default_hook
    def on_test_batch_begin(self, batch: int, logs: Optional[dict] = None) -> None:
        """Called before a batch of `evaluate` (or of validation inside `fit`)."""

    @_default_hook
    def on_test_batch_end(self, batch: int, logs: Optional[dict] = None) -> None:
        """Called after a batch of `evaluate` (or of validation inside `fit`)."""

    @_default_hook
    def on_predict_batch_begin(self, batch: int, logs: Optional[dict] = None) -> None:
        """Called before a batch of `predict`."""

    @_default_hook
    def on_predict_batch_end(self, batch: int, logs: Optional[dict] = None) -> None:
        """Called after a batch of `predict`; ``logs['outputs']`` holds the batch's outputs."""

    def on_train_begin(self, logs: Optional[dict] = None) -> None:
        """Called at the start of `fit`."""

    def on_train_end(self, logs: Optional[dict] = None) -> None:
        """Called at the end of `fit` (also after an early stop)."""

    def on_test_begin(self, logs: Optional[dict] = None) -> None:
        """Called at the start of `evaluate` or of a validation pass."""

    def on_test_end(self, logs: Optional[dict] = None) -> None:
        """Called at the end of `evaluate` or of a validation pass."""

    def on_predict_begin(self, logs: Optional[dict] = None) -> None:
        """Called at the start of `predict`."""

    def on_predict_end(self, logs: Optional[dict] = None) -> None:
        """Called at the end of `predict`."""

    # Which batch hooks this callback needs; CallbackList skips batch dispatch otherwise.
    def _implements_train_batch_hooks(self) -> bool:
        return any(_overrides(self, name) for name in (
            "on_batch_begin", "on_batch_end", "on_train_batch_begin", "on_train_batch_end"))

    def _implements_test_batch_hooks(self) -> bool:
        return _overrides(self, "on_test_batch_begin") or _overrides(self, "on_test_batch_end")

    def _implements_predict_batch_hooks(self) -> bool:
        return (_overrides(self, "on_predict_batch_begin")
                or _overrides(self, "on_predict_batch_end"))


_BATCH_MODES = ("train", "test", "predict")


class CallbackList:
    """Holds callbacks and calls the same hook on each of them, in order.

    Args:
        callbacks: a list of `Callback` instances (or a single one).
        add_history: append a `History` unless the list has one already.
        add_progbar: append a ``ProgbarLogger(count_mode='steps')`` unless the list has one.
        model: the model given to every callback's `set_model`.
        **params: given to every callback's `set_params` (fit passes verbose, epochs, steps).

    An exception raised by a callback reaches the caller unchanged, with a note naming the
    callback and hook (shown in the traceback; ``e.__notes__``).
    """

    def __init__(self, callbacks=None, add_history: bool = False, add_progbar: bool = False,
                 model=None, **params):
        self.callbacks: List[Callback] = _flatten_callbacks(callbacks)
        self.model = None
        self.params: Dict[str, Any] = {}
        self._add_default_callbacks(add_history, add_progbar)
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)
        self._update_dispatch_flags()

    def _add_default_callbacks(self, add_history: bool, add_progbar: bool) -> None:
        from .history import History, ProgbarLogger

        self._history = next((cb for cb in self.callbacks if isinstance(cb, History)), None)
        self._progbar = next((cb for cb in self.callbacks if isinstance(cb, ProgbarLogger)), None)
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger(count_mode="steps")
            self.callbacks.append(self._progbar)

    def _update_dispatch_flags(self) -> None:
        """Decides once which batch hooks to dispatch and whether their logs need converting.

        Called again after `append`, `set_params` and `set_model`, since a callback's needs may
        depend on them (ProgbarLogger only needs batches at verbose=1).
        """
        cbs = self.callbacks
        self._should_call = {mode: any(_needs_batches(cb, mode) for cb in cbs)
                             for mode in _BATCH_MODES}
        self._all_support_tensor_logs = all(getattr(cb, "_supports_tf_logs", False) for cb in cbs)
        self._batch_hooks_support_tensor_logs = all(
            getattr(cb, "_supports_tf_logs", False) for cb in cbs
            if any(_needs_batches(cb, mode) for mode in _BATCH_MODES))

    def append(self, callback: Callback) -> None:
        _check_callback(callback)
        self.callbacks.append(callback)
        if self.model is not None:
            callback.set_model(self.model)
        if self.params:
            callback.set_params(self.params)
        self._update_dispatch_flags()

    def set_params(self, params: Dict[str, Any]) -> None:
        self.params = params
        for callback in self.callbacks:
            callback.set_params(params)
        self._update_dispatch_flags()

    def set_model(self, model) -> None:
        self.model = model
        if self._history is not None:
            model.history = self._history
        for callback in self.callbacks:
            callback.set_model(model)

    def __iter__(self) -> Iterator[Callback]:
        return iter(self.callbacks)

    def __len__(self) -> int:
        return len(self.callbacks)

    def _process_logs(self, logs, is_batch_hook: bool = False):
        if logs is None:
            return {}
        if self._all_support_tensor_logs:
            return logs
        if is_batch_hook and self._batch_hooks_support_tensor_logs:
            return logs
        return to_python_logs(logs)

    def _call_batch_hook(self, mode: str, hook: str, batch: int, logs) -> None:
        if not self._should_call[mode]:
            return
        logs = self._process_logs(logs, is_batch_hook=True)
        name = f"on_{mode}_batch_{hook}"
        callback = None
        try:
            for callback in self.callbacks:
                getattr(callback, name)(batch, logs)
        except Exception as e:
            _note_callback(e, callback, name)
            raise

    def _call_hook(self, name: str, logs) -> None:
        logs = self._process_logs(logs)
        callback = None
        try:
            for callback in self.callbacks:
                getattr(callback, name)(logs)
        except Exception as e:
            _note_callback(e, callback, name)
            raise

    # Batch hooks
    def on_batch_begin(self, batch: int, logs=None) -> None:
        self._call_batch_hook("train", "begin", batch, logs)

    def on_batch_end(self, batch: int, logs=None) -> None:
        self._call_batch_hook("train", "end", batch, logs)

    def on_train_batch_begin(self, batch: int, logs=None) -> None:
        self._call_batch_hook("train", "begin", batch, logs)

    def on_train_batch_end(self, batch: int, logs=None) -> None:
        self._call_batch_hook("train", "end", batch, logs)

    def on_test_batch_begin(self, batch: int, logs=None) -> None:
        self._call_batch_hook("test", "begin", batch, logs)

    def on_test_batch_end(self, batch: int, logs=None) -> None:
        self._call_batch_hook("test", "end", batch, logs)

    def on_predict_batch_begin(self, batch: int, logs=None) -> None:
        self._call_batch_hook("predict", "begin", batch, logs)

    def on_predict_batch_end(self, batch: int, logs=None) -> None:
        self._call_batch_hook("predict", "end", batch, logs)

    # Epoch hooks
    def on_epoch_begin(self, epoch: int, logs=None) -> None:
        logs = self._process_logs(logs)
        callback = None
        try:
            for callback in self.callbacks:
                callback.on_epoch_begin(epoch, logs)
        except Exception as e:
            _note_callback(e, callback, "on_epoch_begin")
            raise

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        logs = self._process_logs(logs)
        callback = None
        try:
            for callback in self.callbacks:
                callback.on_epoch_end(epoch, logs)
        except Exception as e:
            _note_callback(e, callback, "on_epoch_end")
            raise

    # Begin / end hooks
    def on_train_begin(self, logs=None) -> None:
        self._call_hook("on_train_begin", logs)

    def on_train_end(self, logs=None) -> None:
        self._call_hook("on_train_end", logs)

    def on_test_begin(self, logs=None) -> None:
        self._call_hook("on_test_begin", logs)

    def on_test_end(self, logs=None) -> None:
        self._call_hook("on_test_end", logs)

    def on_predict_begin(self, logs=None) -> None:
        self._call_hook("on_predict_begin", logs)

    def on_predict_end(self, logs=None) -> None:
        self._call_hook("on_predict_end", logs)


def _note_callback(error: Exception, callback, hook: str) -> None:
    """Notes on `error` which callback and hook raised it (printed with the traceback);
    the exception itself goes on unchanged."""
    note = f"Raised in callback {type(callback).__name__}.{hook}()"
    if hasattr(error, "add_note") and note not in getattr(error, "__notes__", []):
        error.add_note(note)


def _needs_batches(callback, mode: str) -> bool:
    """Whether `callback` wants the batch hooks of `mode`; duck-typed callbacks always do."""
    implements = getattr(callback, f"_implements_{mode}_batch_hooks", None)
    return True if implements is None else bool(implements())


def _check_callback(callback) -> None:
    # Duck typing: Keras accepted any object with the hooks; demand the two setters at least.
    if not (hasattr(callback, "set_model") and hasattr(callback, "set_params")):
        raise TypeError(
            f"`callbacks` must hold Callback instances (subclass keras.callbacks.Callback); "
            f"got {callback!r} of type {type(callback).__name__}.")


def _flatten_callbacks(callbacks) -> List[Callback]:
    if not callbacks:
        return []
    if isinstance(callbacks, Callback) or not isinstance(callbacks, Iterable):
        callbacks = [callbacks]
    flat: List[Callback] = []
    for item in callbacks:
        if isinstance(item, (list, tuple)):
            flat.extend(_flatten_callbacks(item))
        else:
            _check_callback(item)
            flat.append(item)
    return flat
