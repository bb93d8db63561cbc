"""The loops behind ``fit``, ``evaluate``, ``predict`` and the ``*_on_batch`` methods.

Batches come from the one data adapter path; losses and metrics accumulate on the device and are
read (a host sync) only at epoch ends, when a callback needs batch values, or when the progress bar
redraws.
"""
import itertools
import math
import os
import warnings

import numpy as np
import torch

from .. import callbacks as callbacks_mod
from . import data_adapter
from .compile_utils import metric_name


def _handler(model, x, y, sample_weight, class_weight, batch_size, shuffle, steps, workers,
             use_multiprocessing, max_queue_size, for_predict=False, passes=1):
    """Wrap any supported input kind into a batch source for the model."""
    if data_adapter.is_iterator_input(x):
        if y is not None:
            raise ValueError("`y` argument is not supported when using a generator, a "
                             "keras.utils.Sequence or a torch Dataset as input; yield (x, y) instead.")
        source = data_adapter.wrap_torch_dataset(x, batch_size, shuffle)
        return data_adapter.IteratorHandler(source, steps, workers, use_multiprocessing,
                                            max_queue_size, shuffle=bool(shuffle), for_predict=for_predict), True
    if x is None:
        raise ValueError("No input data: pass `x` (and `y` for training).")
    x_list, y_list, sw_list = model._standardize(x, y, sample_weight, class_weight)
    if not for_predict and (y_list is None or all(t is None for t in y_list)):
        raise ValueError("Target data is missing: pass `y` to fit/evaluate, or a generator that "
                         "yields (x, y) tuples.")
    handler = data_adapter.ArrayHandler(x_list, y_list, sw_list, batch_size or 32,
                                        shuffle=shuffle, steps=steps, passes=passes)
    return handler, False


def _standardize_batch(model, batch, class_weight=None):
    x, y, sw = batch
    if torch.is_tensor(x) and torch.is_tensor(y) and sw is None and class_weight is None \
            and len(getattr(model, "input_names", ()) or ()) <= 1 and len(model._output_names()) == 1:
        x_list, y_list, sw_list = [data_adapter.to_tensor(x)], [data_adapter.to_tensor(y)], [None]
        model._maybe_build_from_data(x_list)
    else:
        x_list, y_list, sw_list = model._standardize(x, y, sw, class_weight)
    return model._to_device((x_list, y_list, sw_list))


def _batch_size_of(x_list) -> int:
    return int(data_adapter.flatten(x_list)[0].shape[0])


def _float_logs(logs) -> dict:
    return {k: float(v) for k, v in logs.items()}


def _callbacks(model, callbacks, verbose, epochs, steps, add_history):
    verbose = 1 if verbose == "auto" else verbose  # tf.keras 2: 'auto' is 1 on one machine
    if isinstance(callbacks, callbacks_mod.CallbackList):
        return callbacks
    return callbacks_mod.CallbackList(callbacks, add_history=add_history, add_progbar=verbose != 0,
                                      model=model, verbose=verbose, epochs=epochs, steps=steps)


def _split_validation(model, x, y, sample_weight, validation_split):
    if data_adapter.is_iterator_input(x):
        raise ValueError("`validation_split` is only supported for Tensors or NumPy arrays, "
                         f"found following types in the input: {type(x).__name__}")
    x_list = model._inputs_as_list(x)
    y_list = model._outputs_as_list(y)
    sw_list = None if sample_weight is None else (list(sample_weight) if isinstance(sample_weight, (list, tuple)) else [sample_weight])
    n = data_adapter.num_samples(x_list)
    split_at = int(n * (1.0 - validation_split))
    if split_at == 0 or split_at == n:
        raise ValueError(f"Training data contains {split_at} samples, which is not sufficient to split it "
                         f"into a validation and training set as specified by `validation_split={validation_split}`. "
                         "Either provide more data, or a different value for the `validation_split` argument.")
    head = lambda a: a[:split_at]  # noqa: E731
    tail = lambda a: a[split_at:]  # noqa: E731
    train = (data_adapter.map_structure(head, x_list), data_adapter.map_structure(head, y_list),
             None if sw_list is None else data_adapter.map_structure(head, sw_list))
    val = (data_adapter.map_structure(tail, x_list), data_adapter.map_structure(tail, y_list),
           None if sw_list is None else data_adapter.map_structure(tail, sw_list))
    unwrap = lambda s: s[0] if s is not None and len(s) == 1 else s  # noqa: E731
    return tuple(unwrap(s) for s in train), tuple(unwrap(s) for s in val)


def _unpack_validation(validation_data):
    if data_adapter.is_iterator_input(validation_data):
        return validation_data, None, None
    if isinstance(validation_data, (list, tuple)) and len(validation_data) in (2, 3):
        return tuple(validation_data) + (None,) * (3 - len(validation_data))
    raise ValueError("When passing validation_data, it must contain 2 (x_val, y_val) or 3 "
                     f"(x_val, y_val, val_sample_weights) items, however it contains "
                     f"{len(validation_data) if hasattr(validation_data, '__len__') else validation_data} items")


def _expose_validation_data(cbs, model, val) -> None:
    """Keras 2.0-2.2 gave callbacks ``self.validation_data`` = inputs + targets + sample weights;
    old metric callbacks (F1, AUC) read it. Arrays only, as then."""
    if val is None or data_adapter.is_iterator_input(val[0]):
        return
    x_list = [np.asarray(a) for a in model._inputs_as_list(val[0])]
    y_list = [np.asarray(a) for a in model._outputs_as_list(val[1])]
    n = len(x_list[0]) if x_list else 0
    sw = val[2] if val[2] is not None else [np.ones((n,), dtype="float32") for _ in y_list]
    sw_list = [np.asarray(a) for a in (sw if isinstance(sw, (list, tuple)) else [sw])]
    for cb in cbs:
        cb.validation_data = x_list + y_list + sw_list


def _should_validate(validation_freq, epoch: int) -> bool:
    if isinstance(validation_freq, int):
        return (epoch + 1) % validation_freq == 0
    return (epoch + 1) in validation_freq


def _join_replicas(model):
    """This process's Replicas under torchrun with several processes (else None); the model is
    moved to the rank's device if it was built elsewhere."""
    dist = torch.distributed
    if "WORLD_SIZE" not in os.environ and not (dist.is_available() and dist.is_initialized()):
        return None  # the common case: one process, nothing to import or ask
    from .. import distribute
    replicas = distribute.current()
    if replicas is not None and model._device() != replicas.device:
        model.to(replicas.device)
    return replicas


# ---------------------------------------------------------------- fit
def run_fit(model, x, y, batch_size, epochs, verbose, callbacks, validation_split, validation_data,
            shuffle, class_weight, sample_weight, initial_epoch, steps_per_epoch, validation_steps,
            validation_batch_size, validation_freq, max_queue_size, workers, use_multiprocessing):
    if validation_split and validation_data is None:
        (x, y, sample_weight), validation_data = _split_validation(model, x, y, sample_weight, validation_split)
    handler, from_iterator = _handler(model, x, y, sample_weight, class_weight, batch_size, shuffle,
                                      steps_per_epoch, workers, use_multiprocessing, max_queue_size,
                                      passes=epochs - initial_epoch)
    model._train_prepared = False
    replicas = _join_replicas(model)
    if replicas is not None:
        from ..distribute import replicas as replicas_mod
        handler = replicas_mod.ShardedBatches(handler, replicas)
        callbacks = replicas_mod.chief_only_callbacks(callbacks, replicas)
        verbose = verbose if replicas.is_chief else 0
        replicas.broadcast_weights(model)
        model.__dict__["_replicas"] = replicas
    val = _unpack_validation(validation_data) if validation_data is not None else None
    cbs = _callbacks(model, callbacks, verbose, epochs, handler.steps, add_history=True)
    _expose_validation_data(cbs, model, val)
    model.stop_training = False
    model.train(True)
    training_logs = None
    cbs.on_train_begin()
    # a BackupAndRestore callback that restored a backup says where training goes on
    training_state = model.__dict__.get("_training_state")
    initial_step = 0
    if training_state is not None:
        initial_epoch, initial_step = training_state.resume_point(handler.steps, initial_epoch)
    try:
        with _stop_on_ctrl_c(model):
            training_logs = _run_epochs(model, handler, cbs, val, initial_epoch, epochs, from_iterator,
                                        class_weight, validation_freq, validation_batch_size,
                                        batch_size, validation_steps, max_queue_size, workers,
                                        use_multiprocessing, replicas, initial_step)
    except KeyboardInterrupt:  # a second Ctrl-C, or one that arrived outside the batch loop
        warnings.warn("Training interrupted by the user (Ctrl-C): the weights and the history so far are kept.")
    finally:
        model.train(False)
        model.__dict__["_replicas"] = None
    cbs.on_train_end(logs=training_logs)
    return model.history


class _stop_on_ctrl_c:
    """During fit, a first Ctrl-C asks the loop to stop after the current batch (as a callback's
    ``model.stop_training = True`` does); a second one interrupts at once."""

    def __init__(self, model):
        self.model = model
        self.previous = None

    def _handle(self, signum, frame):
        if self.model.stop_training:
            raise KeyboardInterrupt
        self.model.stop_training = True
        warnings.warn("Ctrl-C: stopping after the current batch; the weights and the history so far "
                      "are kept. Press Ctrl-C again to interrupt at once.")

    def __enter__(self):
        import signal
        import threading
        if threading.current_thread() is threading.main_thread() and \
                signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            self.previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc):
        if self.previous is not None:
            import signal
            signal.signal(signal.SIGINT, self.previous)
        return False


def _run_epochs(model, handler, cbs, val, initial_epoch, epochs, from_iterator, class_weight,
                validation_freq, validation_batch_size, batch_size, validation_steps, max_queue_size,
                workers, use_multiprocessing, replicas, initial_step=0):
    """The epochs of fit; returns the last epoch's logs. The first epoch starts at step
    `initial_step` (a resumed backup), running the remaining steps only."""
    training_logs = None
    for epoch in range(initial_epoch, epochs):
        model.reset_metrics()
        cbs.on_epoch_begin(epoch)
        first_step = initial_step if epoch == initial_epoch else 0
        batch_logs = _run_epoch(model, handler, cbs, epoch, from_iterator, class_weight, first_step)
        if batch_logs is None:  # the data ran dry before the first batch
            break
        epoch_logs = replicas.reduced_logs(model) if replicas is not None else _float_logs(batch_logs)
        if val is not None and _should_validate(validation_freq, epoch):
            val_logs = run_evaluate(model, val[0], val[1], validation_batch_size or batch_size, 0,
                                    val[2], validation_steps, cbs, max_queue_size, workers,
                                    use_multiprocessing, True, _inside_fit=True)
            model.train(True)
            epoch_logs.update({"val_" + k: v for k, v in val_logs.items()})
        cbs.on_epoch_end(epoch, epoch_logs)
        training_logs = epoch_logs
        if model.stop_training or getattr(handler, "exhausted", False):
            break
    return training_logs


def _train_batch(model, x_list, y_list, sw_list):
    """One train step; returns the logs of a user's ``train_step`` override, else None (the
    built-in step leaves its results in the model's metrics)."""
    if not model._overrides("train_step"):
        model._train_step_lists(x_list, y_list, sw_list)
        return None
    if not model._train_prepared:
        model._prepare_training(x_list)
    return _step_logs(model.train_step(model._step_data(x_list, y_list, sw_list)), "train_step")


def _test_batch(model, x_list, y_list, sw_list):
    """As ``_train_batch``, for evaluation (``test_step``)."""
    if not model._overrides("test_step"):
        model._test_step_lists(x_list, y_list, sw_list)
        return None
    with torch.no_grad():
        return _step_logs(model.test_step(model._step_data(x_list, y_list, sw_list)), "test_step")


def _step_logs(logs, step: str) -> dict:
    if not isinstance(logs, dict):
        raise TypeError(f"A custom `{step}` must return a dict of metric names to values (as tf.keras "
                        f"expects, e.g. `{{m.name: m.result() for m in self.metrics}}`); got "
                        f"{type(logs).__name__}.")
    return logs


def flatten_metrics_in_order(logs: dict, metrics_names: list):
    """evaluate()/*_on_batch values as a list: the metrics in ``metrics_names`` order, then any
    other keys a custom step returned (sorted); a single value alone, as tf.keras."""
    values = [logs[n] for n in metrics_names if n in logs]
    values += [logs[k] for k in sorted(logs) if k not in metrics_names]
    return values[0] if len(values) == 1 else values


def _run_epoch(model, handler, cbs, epoch, from_iterator, class_weight, first_step=0):
    want_batch_logs = cbs._should_call["train"]
    ran = False
    step_logs = None
    # arrays already on the model's device (CPU training on numpy data) need no per-batch move
    in_place = not from_iterator and model._device().type == "cpu" and handler.on_device(model._device())
    batches = handler.batches(epoch)
    if first_step and handler.steps is not None:  # a resumed epoch runs its remaining steps only
        batches = itertools.islice(batches, max(handler.steps - first_step, 0))
    for step, batch in enumerate(batches, start=first_step):
        if want_batch_logs:
            cbs.on_train_batch_begin(step)
        if from_iterator:
            x_list, y_list, sw_list = _standardize_batch(model, batch, class_weight)
        elif in_place:
            x_list, y_list, sw_list = batch
        else:
            x_list, y_list, sw_list = model._to_device(batch)
        step_logs = _train_batch(model, x_list, y_list, sw_list)
        ran = True
        if want_batch_logs:
            cbs.on_train_batch_end(step, model._logs() if step_logs is None else step_logs)
        if model.stop_training:
            break
    if not ran and from_iterator:
        return None
    return model._logs() if step_logs is None else step_logs


# ---------------------------------------------------------------- evaluate
def run_evaluate(model, x, y, batch_size, verbose, sample_weight, steps, callbacks, max_queue_size,
                 workers, use_multiprocessing, return_dict, _inside_fit=False):
    handler, from_iterator = _handler(model, x, y, sample_weight, None, batch_size, False, steps,
                                      workers, use_multiprocessing, max_queue_size)
    replicas = _join_replicas(model)
    if replicas is not None:
        from ..distribute import replicas as replicas_mod
        handler = replicas_mod.ShardedBatches(handler, replicas)
        if not _inside_fit:
            callbacks = replicas_mod.chief_only_callbacks(callbacks, replicas)
            verbose = verbose if replicas.is_chief else 0
    cbs = _callbacks(model, callbacks, verbose, 1, handler.steps, add_history=False)
    if not _inside_fit:
        model._prepare_eval()
    model.eval()
    model.reset_metrics()
    cbs.on_test_begin()
    want_batch_logs = cbs._should_call["test"]
    ran = False
    step_logs = None
    for step, batch in enumerate(handler.batches(0)):
        if want_batch_logs:
            cbs.on_test_batch_begin(step)
        if from_iterator:
            x_list, y_list, sw_list = _standardize_batch(model, batch)
        else:
            x_list, y_list, sw_list = model._to_device(batch)
        step_logs = _test_batch(model, x_list, y_list, sw_list)
        ran = True
        if want_batch_logs:
            cbs.on_test_batch_end(step, model._logs() if step_logs is None else step_logs)
    if not ran:
        raise ValueError("Unexpected result of `evaluate`: no batches were processed; "
                         "the data is empty or the generator yielded nothing.")
    if step_logs is not None:
        logs = _float_logs(step_logs)
    else:
        logs = replicas.reduced_logs(model) if replicas is not None else _float_logs(model._logs())
    cbs.on_test_end(logs)
    if return_dict:
        return logs
    return flatten_metrics_in_order(logs, model.metrics_names)


# ---------------------------------------------------------------- predict
def run_predict(model, x, batch_size, verbose, steps, callbacks, max_queue_size, workers,
                use_multiprocessing):
    handler, from_iterator = _handler(model, x, None, None, None, batch_size, False, steps,
                                      workers, use_multiprocessing, max_queue_size, for_predict=True)
    cbs = _callbacks(model, callbacks, verbose, 1, handler.steps, add_history=False)
    model._prepare_step_cache()  # the device may have changed since the last fit
    model.eval()
    cbs.on_predict_begin()
    want_batch_logs = cbs._should_call["predict"]
    chunks = None
    custom_step, keys = model._overrides("predict_step"), None
    with torch.no_grad():
        for step, batch in enumerate(handler.batches(0)):
            if want_batch_logs:
                cbs.on_predict_batch_begin(step)
            xb = batch[0]
            if from_iterator:
                x_list, _, _ = model._standardize(xb)
            else:
                x_list = xb
            x_list = model._to_device(x_list)
            if custom_step:
                raw = model.predict_step(model._step_data(x_list))
                keys = list(raw) if isinstance(raw, dict) else keys
                out = [raw[k] for k in keys] if isinstance(raw, dict) else model._as_output_list(raw)
            else:
                out = model._as_output_list(model._forward(x_list, training=False))
            out = [o.detach() for o in out]
            if chunks is None:
                chunks = [[] for _ in out]
            for c, o in zip(chunks, out):
                c.append(o)
            if want_batch_logs:
                cbs.on_predict_batch_end(step, {"outputs": out})
    if chunks is None:
        raise ValueError("Unexpected result of `predict`: no batches were processed; "
                         "the data is empty or the generator yielded nothing.")
    results = [torch.cat(c).cpu().numpy() for c in chunks]
    cbs.on_predict_end()
    if keys is not None:  # a custom predict_step returned a dict
        return dict(zip(keys, results))
    return model._pack_outputs(results)


# ---------------------------------------------------------------- on batch
def run_on_batch(model, x, y, sample_weight, class_weight, reset_metrics, return_dict, train):
    x_list, y_list, sw_list = model._standardize(x, y, sample_weight, class_weight)
    if y_list is None:
        raise ValueError("Target data is missing: pass `y`.")
    model._prepare_step_cache()  # the device may have changed since the last fit
    x_list, y_list, sw_list = model._to_device((x_list, y_list, sw_list))
    if train:
        model.train(True)
        if reset_metrics:
            model.reset_metrics()
        try:
            step_logs = _train_batch(model, x_list, y_list, sw_list)
        finally:
            model.train(False)
    else:
        model._prepare_eval()
        model.eval()
        if reset_metrics:
            model.reset_metrics()
        step_logs = _test_batch(model, x_list, y_list, sw_list)
    logs = _float_logs(model._logs() if step_logs is None else step_logs)
    if return_dict:
        return logs
    return flatten_metrics_in_order(logs, model.metrics_names)
