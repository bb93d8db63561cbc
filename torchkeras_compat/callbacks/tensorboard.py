"""TensorBoard: writes training curves and weight histograms as TensorBoard event files.

The files are written with ``torch.utils.tensorboard.SummaryWriter`` in tf.keras 2's layout:
``<log_dir>/train`` and ``<log_dir>/validation``, scalars ``epoch_<metric>`` per epoch (the
validation ones without their ``val_`` prefix), ``batch_<metric>`` every `update_freq`
batches, and ``<layer>/<weight>_0/histogram`` every `histogram_freq` epochs.
"""
import os
import time
import warnings
from typing import Dict, Optional, Union

import numpy as np
import torch

from .base import Callback, to_python_logs

_INSTALL_HINT = ("The TensorBoard callback writes event files with torch.utils.tensorboard, "
                 "which needs the `tensorboard` package: pip install tensorboard")

# Keras 2.0-2.2 arguments that tf.keras 2 still accepts and ignores (with a warning).
_V1_ARGUMENTS = {
    "write_grads": "`write_grads` will be ignored in TensorFlow 2.0 for the `TensorBoard` Callback.",
    "batch_size": "`batch_size` is no longer needed in the `TensorBoard` Callback and will be "
                  "ignored in TensorFlow 2.0.",
    "embeddings_layer_names": "`embeddings_layer_names` is not supported in TensorFlow 2.0. "
                              "Instead, all `Embedding` layers will be visualized.",
    "embeddings_data": "`embeddings_data` is not supported in TensorFlow 2.0. Instead, all "
                       "`Embedding` variables will be visualized.",
}


def _summary_writer_class():
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError as e:
        raise ImportError(_INSTALL_HINT) from e
    return SummaryWriter


class TensorBoard(Callback):
    """Writes TensorBoard logs: per-epoch (and per-batch) metrics and weight histograms.

    Args:
        log_dir: the folder the event files go to (``train/`` and ``validation/`` inside).
        histogram_freq: every how many epochs to write weight histograms (0: never).
        write_graph: accepted for compatibility; TensorFlow graphs have no torch
            equivalent that TensorBoard shows without an example input, so none is written.
        write_images: also write each weight as an image at histogram time.
        write_steps_per_second: also write the training speed as ``steps_per_second``.
        update_freq: ``'epoch'``, ``'batch'`` or an int N: write ``batch_<metric>`` every N
            batches as well.
        profile_batch: only 0 (no profiling) is supported.
        embeddings_freq: every how many epochs to write the weights of `Embedding` layers
            to the projector.
        embeddings_metadata: a file of labels (one per line) for every Embedding layer, or
            a dict ``{layer_name: file}``.
        **kwargs: Keras 2.0-2.2's ``batch_size``, ``write_grads``, ``embeddings_layer_names``
            and ``embeddings_data`` are accepted and ignored, with a warning, as in tf.keras 2.

    Raises:
        ImportError: at construction, when the ``tensorboard`` package is not installed.
    """

    def __init__(self, log_dir: str = "logs", histogram_freq: int = 0, write_graph: bool = True,
                 write_images: bool = False, write_steps_per_second: bool = False,
                 update_freq: Union[str, int] = "epoch", profile_batch: int = 0,
                 embeddings_freq: int = 0, embeddings_metadata=None, **kwargs):
        super().__init__()
        self._supports_tf_logs = True  # batch values are read only when written
        self._writer_class = _summary_writer_class()
        _check_v1_arguments(kwargs)
        if profile_batch not in (0, None, (0, 0), [0, 0]):
            raise NotImplementedError(
                f"TensorBoard(profile_batch={profile_batch!r}): profiling is not supported on "
                "torch; use torch.profiler, or profile_batch=0.")
        if update_freq != "epoch" and update_freq != "batch" and not (
                isinstance(update_freq, int) and update_freq > 0):
            raise ValueError(f"TensorBoard: update_freq must be 'epoch', 'batch' or a positive "
                             f"integer, got {update_freq!r}.")
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self._writers: Dict[str, object] = {}
        self._global_train_batch = 0
        self._epoch_start_time = 0.0
        self._epoch_steps = 0
        self._batch_start_time = 0.0

    def set_model(self, model):
        self.model = model
        self._train_dir = os.path.join(self.log_dir, "train")
        self._val_dir = os.path.join(self.log_dir, "validation")
        self._close_writers()

    def _writer(self, which: str):
        """The SummaryWriter for 'train' or 'validation', created when first written to."""
        if which not in self._writers:
            folder = self._train_dir if which == "train" else self._val_dir
            self._writers[which] = self._writer_class(log_dir=folder)
        return self._writers[which]

    def _close_writers(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    # Batch hooks are needed only for per-batch scalars or speed.
    def _implements_train_batch_hooks(self):
        return self.update_freq != "epoch" or self.write_steps_per_second

    def on_train_begin(self, logs=None):
        self._global_train_batch = 0

    def on_train_end(self, logs=None):
        self._close_writers()

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start_time = time.time()
        self._epoch_steps = 0

    def on_train_batch_begin(self, batch, logs=None):
        if self.write_steps_per_second:
            self._batch_start_time = time.time()

    def on_train_batch_end(self, batch, logs=None):
        self._global_train_batch += 1
        self._epoch_steps += 1
        step = self._global_train_batch
        writer = None
        if self.write_steps_per_second:
            writer = self._writer("train")
            elapsed = max(time.time() - self._batch_start_time, 1e-12)
            writer.add_scalar("batch_steps_per_second", 1.0 / elapsed, step)
        if self.update_freq != "epoch" and step % self.update_freq == 0 and logs:
            writer = writer or self._writer("train")
            for name, value in logs.items():
                writer.add_scalar("batch_" + name, _scalar(value), step)

    def on_epoch_end(self, epoch, logs=None):
        self._log_epoch_metrics(epoch, logs)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            self._log_embeddings(epoch)

    def on_test_end(self, logs=None):
        iterations = getattr(getattr(self.model, "optimizer", None), "iterations", None)
        if not logs or iterations is None:
            return
        writer = self._writer("validation")
        for name, value in to_python_logs(logs).items():
            writer.add_scalar("evaluation_" + name + "_vs_iterations", _scalar(value),
                              int(_scalar(iterations)))
        writer.flush()

    def _log_epoch_metrics(self, epoch: int, logs) -> None:
        if not logs:
            return
        logs = to_python_logs(logs)
        train_logs = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val_logs = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._epoch_start_time, 1e-12)
            train_logs["steps_per_second"] = self._epoch_steps / elapsed
        for which, values in (("train", train_logs), ("validation", val_logs)):
            if not values:
                continue
            writer = self._writer(which)
            for name, value in values.items():
                writer.add_scalar("epoch_" + name, _scalar(value), epoch)
            writer.flush()

    def _log_weights(self, epoch: int) -> None:
        writer = self._writer("train")
        for layer in self.model.layers:
            for weight in layer.weights:
                name = _weight_name(weight).replace(":", "_")
                values = _weight_values(weight)
                writer.add_histogram(name + "/histogram", values, epoch)
                if self.write_images:
                    image = _weight_as_image(values)
                    if image is not None:
                        writer.add_images(name + "/image", image, epoch, dataformats="NHWC")
        writer.flush()

    def _log_embeddings(self, epoch: int) -> None:
        writer = self._writer("train")
        for layer in self.model.layers:
            if type(layer).__name__ != "Embedding" or not layer.weights:
                continue
            metadata = self._embedding_metadata(layer.name)
            writer.add_embedding(_weight_values(layer.weights[0]), metadata=metadata,
                                 global_step=epoch, tag=layer.name)
        writer.flush()

    def _embedding_metadata(self, layer_name: str) -> Optional[list]:
        path = self.embeddings_metadata
        if isinstance(path, dict):
            path = path.get(layer_name)
        if not path:
            return None
        with open(path) as f:
            return [line.rstrip("\n") for line in f]


def _check_v1_arguments(kwargs: dict) -> None:
    unknown = set(kwargs) - set(_V1_ARGUMENTS)
    if unknown:
        raise ValueError(f"Unrecognized arguments in `TensorBoard` Callback: {unknown}. "
                         f"Supported kwargs are: {set(_V1_ARGUMENTS)}")
    for name, message in _V1_ARGUMENTS.items():
        if kwargs.get(name):
            warnings.warn(message, UserWarning, stacklevel=3)


def _scalar(value) -> float:
    if isinstance(value, torch.Tensor):
        return value.item()
    return float(np.asarray(value))


def _weight_name(weight) -> str:
    return getattr(weight, "name", None) or "weight"


def _weight_values(weight) -> np.ndarray:
    if isinstance(weight, torch.Tensor):
        return weight.detach().cpu().numpy()
    return np.asarray(weight)


def _weight_as_image(w: np.ndarray) -> Optional[np.ndarray]:
    """A weight laid out as NHWC images, as tf.keras does: biases as one column, dense
    kernels as one image (wider than tall), conv kernels as one image per output channel."""
    w = np.squeeze(w)
    if w.ndim == 1:
        w = w.reshape(1, w.shape[0], 1, 1)
    elif w.ndim == 2:
        if w.shape[0] > w.shape[1]:
            w = w.T
        w = w.reshape(1, w.shape[0], w.shape[1], 1)
    elif w.ndim == 3:
        w = np.transpose(w, (2, 0, 1))[..., None]
    if w.ndim != 4 or w.shape[-1] not in (1, 3, 4):
        return None
    # add_images wants values in [0, 1] for float data; scale each weight to that range.
    low, high = float(w.min()), float(w.max())
    return (w - low) / (high - low) if high > low else np.zeros_like(w)
