"""Metrics (``keras.metrics``): metric functions and stateful Metric objects, as in tf.keras 2.

A Metric keeps its state in torch tensors on the device of the data it is given;
``update_state`` never waits for the device (no ``.item()``), so the training loop can call it
every batch and read ``result()`` only when it prints. ``resolve`` turns what a user passes to
``compile(metrics=[...])`` into Metric objects with tf.keras 2's rules and names
('accuracy' becomes binary/categorical/sparse-categorical accuracy depending on the shapes).
"""
import re
import warnings
from typing import Callable, List, Optional, Sequence

import numpy as np
import torch

from . import losses as losses_mod
from .backend import config
from .engine import registry
from .losses import (as_tensor, binary_crossentropy, categorical_crossentropy, categorical_hinge,
                     hinge, kullback_leibler_divergence, log_cosh, mean_absolute_error,
                     mean_absolute_percentage_error, mean_squared_error,
                     mean_squared_logarithmic_error, poisson, sparse_categorical_crossentropy,
                     squared_hinge, squeeze_or_expand)

Tensor = torch.Tensor
NEG_INF = -1e10


def _floatx_tensor(x, dtype: torch.dtype, device=None) -> Tensor:
    t = as_tensor(x)
    if device is not None and t.device != device:
        t = t.to(device)
    return t if t.dtype == dtype else t.to(dtype)


# ------------------------------------------------------------------------- metric functions
@registry.register("metric")
def binary_accuracy(y_true, y_pred, threshold: float = 0.5) -> Tensor:
    """Mean over the last axis of ``y_true == (y_pred > threshold)``."""
    y_pred = as_tensor(y_pred)
    y_true = as_tensor(y_true).to(y_pred.device)
    matches = (y_true.to(y_pred.dtype) == (y_pred > threshold).to(y_pred.dtype))
    return torch.mean(matches.to(config.torch_dtype()), dim=-1)


@registry.register("metric")
def accuracy(y_true, y_pred) -> Tensor:
    """Element-wise ``y_true == y_pred`` as floats (for labels that are already class ids)."""
    y_pred = as_tensor(y_pred)
    y_true = as_tensor(y_true).to(y_pred.device)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"accuracy: y_true shape {tuple(y_true.shape)} and y_pred shape "
                         f"{tuple(y_pred.shape)} must match.")
    return (y_true == y_pred.to(y_true.dtype)).to(config.torch_dtype())


def _sparse_matches(y_true: Tensor, y_pred: Tensor) -> Tensor:
    """``y_true == argmax(y_pred)``; labels with a trailing size-1 axis keep that shape."""
    reshape_to = None
    if y_true.dim() == y_pred.dim():
        reshape_to = y_true.shape
        y_true = y_true.squeeze(-1)
    pred_ids = torch.argmax(y_pred, dim=-1)
    matches = (y_true.to(torch.float64) == pred_ids.to(torch.float64)).to(config.torch_dtype())
    return matches.reshape(reshape_to) if reshape_to is not None else matches


@registry.register("metric")
def categorical_accuracy(y_true, y_pred) -> Tensor:
    """1 where the arg-max of ``y_pred`` is the arg-max of the one-hot ``y_true`` (first max on ties)."""
    y_pred = as_tensor(y_pred)
    y_true = as_tensor(y_true).to(y_pred.device)
    return _sparse_matches(torch.argmax(y_true, dim=-1), y_pred)


@registry.register("metric")
def sparse_categorical_accuracy(y_true, y_pred) -> Tensor:
    """1 where the arg-max of ``y_pred`` equals the integer label ``y_true``."""
    y_pred = as_tensor(y_pred)
    y_true = as_tensor(y_true).to(y_pred.device)
    matches = _sparse_matches(y_true, y_pred)
    # public behaviour: (batch, 1) labels give (batch,) matches
    return matches.squeeze(-1) if matches.dim() > 1 and matches.shape[-1] == 1 else matches


def _in_top_k(y_pred: Tensor, targets: Tensor, k: int) -> Tensor:
    """tf.math.in_top_k: the target's score has fewer than ``k`` scores strictly above it
    (so ties at the boundary count as inside)."""
    target_score = torch.gather(y_pred, -1, targets.unsqueeze(-1))
    above = torch.sum((y_pred > target_score).to(torch.int64), dim=-1)
    return (above < k) & torch.isfinite(target_score.squeeze(-1))


def _sparse_top_k_matches(y_true: Tensor, y_pred: Tensor, k: int) -> Tensor:
    y_true_shape = y_true.shape
    if y_pred.dim() > 2:
        y_pred = y_pred.reshape(-1, y_pred.shape[-1])
    if y_true.dim() > 1:
        y_true = y_true.reshape(-1)
    matches = _in_top_k(y_pred, y_true.to(torch.int64), k).to(config.torch_dtype())
    return matches.reshape(y_true_shape)


@registry.register("metric")
def top_k_categorical_accuracy(y_true, y_pred, k: int = 5) -> Tensor:
    """1 where the one-hot target is among the ``k`` highest scores."""
    y_pred = as_tensor(y_pred)
    y_true = as_tensor(y_true).to(y_pred.device)
    return _sparse_top_k_matches(torch.argmax(y_true, dim=-1), y_pred, k)


@registry.register("metric")
def sparse_top_k_categorical_accuracy(y_true, y_pred, k: int = 5) -> Tensor:
    """1 where the integer label is among the ``k`` highest scores; shaped as `y_true` (so
    ``(batch, 1)`` labels give ``(batch, 1)``, as Keras)."""
    y_pred = as_tensor(y_pred)
    y_true = as_tensor(y_true).to(y_pred.device)
    return _sparse_top_k_matches(y_true, y_pred, k)


@registry.register("metric", "cosine_proximity")
def cosine_similarity(y_true, y_pred, axis: int = -1) -> Tensor:
    """``sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)`` (positive, unlike the loss)."""
    return -losses_mod.cosine_similarity(y_true, y_pred, axis=axis)


def _metric_log_cosh(y_true, y_pred):
    return log_cosh(y_true, y_pred)


# loss functions usable as metrics, under their names and aliases
for _fn, _names in [
    (mean_squared_error, ("mse", "MSE")), (mean_absolute_error, ("mae", "MAE")),
    (mean_absolute_percentage_error, ("mape", "MAPE")),
    (mean_squared_logarithmic_error, ("msle", "MSLE")),
    (kullback_leibler_divergence, ("kld", "KLD", "kullback_leibler_divergence")), (poisson, ()),
    (log_cosh, ("logcosh",)), (hinge, ()), (squared_hinge, ()), (categorical_hinge, ()),
    (binary_crossentropy, ()), (categorical_crossentropy, ()),
    (sparse_categorical_crossentropy, ()),
]:
    registry.register("metric", *_names)(_fn)

mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kl_divergence = kullback_leibler_divergence
logcosh = log_cosh
cosine_proximity = cosine_similarity


# ------------------------------------------------------------------------------ base class
def _unique_name(prefix: str) -> str:
    from .engine.base_layer import unique_name
    return unique_name(prefix)


def _snake_case(name: str) -> str:
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()


class MetricVariable(torch.Tensor):
    """A metric's state tensor with Keras's variable methods, for user-written metrics
    (``self.tp = self.add_weight('tp')``, then ``self.tp.assign_add(...)`` in ``update_state``).
    Arithmetic on it gives plain tensors."""

    __torch_function__ = torch._C._disabled_torch_function_impl

    def assign(self, value) -> "MetricVariable":
        with torch.no_grad():
            self.copy_(torch.as_tensor(value, dtype=self.dtype, device=self.device).expand_as(self))
        return self

    def assign_add(self, delta) -> "MetricVariable":
        with torch.no_grad():
            self.add_(torch.as_tensor(delta, dtype=self.dtype, device=self.device))
        return self

    def assign_sub(self, delta) -> "MetricVariable":
        with torch.no_grad():
            self.sub_(torch.as_tensor(delta, dtype=self.dtype, device=self.device))
        return self

    def numpy(self) -> np.ndarray:
        return self.detach().cpu().numpy()


class Metric:
    """A stateful metric: ``update_state(...)`` accumulates, ``result()`` reads, ``reset_state()``
    clears. Calling the metric updates it and returns the new result, as in Keras.

    Built-in metrics keep their state in plain tensors that follow the device of the data;
    ``add_weight`` gives user-written metrics :class:`MetricVariable` state on the backend's device.
    """

    def __init__(self, name: Optional[str] = None, dtype=None, **kwargs):
        # Unnamed metrics get Keras's process-wide unique names ('auc', 'auc_1', ...), so two
        # AUC() objects in one compile() report under different history keys.
        self.name = name or _unique_name(_snake_case(type(self).__name__))
        self._dtype = config.torch_dtype(dtype)  # the torch dtype of the state
        self._state_names: List[str] = []
        self._initial_values = {}
        self._user_weights: List[tuple] = []

    @property
    def dtype(self) -> str:
        """The state's dtype by name ('float32'), as Keras reports it."""
        return config.dtype_name(self._dtype)

    def _add_state(self, name: str, shape=(), initializer: str = "zeros", dtype=None) -> Tensor:
        """Create the state tensor ``self.<name>`` (zeros, or ones)."""
        dtype = config.torch_dtype(dtype) if dtype is not None else self._dtype
        fill = 1.0 if initializer == "ones" else 0.0
        value = torch.full(tuple(shape), fill, dtype=dtype)
        self._initial_values[name] = fill
        self._state_names.append(name)
        setattr(self, name, value)
        return value

    def add_weight(self, name: str = None, shape=(), initializer="zeros", dtype=None,
                   **kwargs) -> MetricVariable:
        """A state variable for a user-written metric; ``reset_state`` sets it back."""
        from . import initializers
        dtype = config.torch_dtype(dtype) if dtype is not None else self._dtype
        init = initializers.get(initializer)
        value = init(tuple(shape), dtype=dtype).to(config.get_device())
        var = value.as_subclass(MetricVariable)
        self._user_weights.append((var, value.clone()))
        return var

    @property
    def variables(self) -> List[Tensor]:
        return [getattr(self, n) for n in self._state_names] + [v for v, _ in self._user_weights]

    weights = variables

    def _to_device(self, device: torch.device) -> None:
        for n in self._state_names:
            t = getattr(self, n)
            if t.device != device:
                setattr(self, n, t.to(device))

    def update_state(self, *args, **kwargs) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement update_state.")

    def result(self) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} must implement result().")

    def reset_state(self) -> None:
        for n in self._state_names:
            getattr(self, n).fill_(self._initial_values[n])
        with torch.no_grad():
            for var, initial in self._user_weights:
                var.copy_(initial)

    def reset_states(self) -> None:
        """Keras 2.0-2.4 name of ``reset_state``."""
        self.reset_state()

    def __call__(self, *args, **kwargs) -> Tensor:
        self.update_state(*args, **kwargs)
        result = self.result()
        if isinstance(result, Tensor):
            # so that ``layer.add_metric(metric(x))`` reports this metric rather than a mean of it
            result._metric_obj = self
        return result

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": config.dtype_name(self._dtype)}

    @classmethod
    def from_config(cls, config_: dict) -> "Metric":
        return cls(**config_)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


# ---------------------------------------------------------------------------------- reducing
class Reduce(Metric):
    """Reduces values (optionally weighted) with 'sum', 'sum_over_batch_size' or 'weighted_mean'."""

    def __init__(self, reduction: str, name: Optional[str] = None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.reduction = reduction
        self._add_state("total")
        if reduction != "sum":
            self._add_state("count")

    def update_state(self, values, sample_weight=None) -> None:
        if isinstance(sample_weight, (int, float)) and isinstance(values, Tensor) and values.dim() == 0 \
                and values.dtype == self._dtype:
            return self._add_scalar(values, float(sample_weight))
        values = as_tensor(values)
        self._to_device(values.device)
        values = values.to(self._dtype)
        if sample_weight is not None:
            sample_weight = _floatx_tensor(sample_weight, self._dtype, values.device)
            values, _, sample_weight = squeeze_or_expand(values, None, sample_weight)
            if _broadcastable_weights(sample_weight, values):
                sample_weight = torch.broadcast_to(sample_weight, values.shape)
            else:
                # weights of lower rank: reduce the extra value axes first, as Keras does
                axes = tuple(range(sample_weight.dim(), values.dim()))
                values = (torch.sum if self.reduction == "sum" else torch.mean)(values, dim=axes)
            values = values * sample_weight
        self.total += torch.sum(values)
        if self.reduction == "sum":
            return
        if self.reduction == "weighted_mean" and sample_weight is not None:
            self.count += torch.sum(sample_weight)
        else:
            self.count += values.numel()

    def _add_scalar(self, value: Tensor, weight: float) -> None:
        """The training loop's per-batch case (a 0-d loss weighted by the batch size) in two ops."""
        self._to_device(value.device)
        self.total.add_(value, alpha=weight)
        if self.reduction != "sum":
            self.count.add_(weight if self.reduction == "weighted_mean" else 1.0)

    def result(self) -> Tensor:
        if self.reduction == "sum":
            return self.total.clone()
        return _divide_no_nan(self.total, self.count)


def _broadcastable_weights(weights: Tensor, values: Tensor) -> bool:
    """tf's rule for weights: a scalar, or the values' rank with each dim 1 or equal."""
    if weights.dim() == 0:
        return True
    if weights.dim() != values.dim():
        return False
    return all(w in (1, v) for w, v in zip(weights.shape, values.shape))


def _divide_no_nan(a: Tensor, b: Tensor) -> Tensor:
    return torch.where(b == 0, torch.zeros_like(a), a / torch.where(b == 0, torch.ones_like(b), b))


@registry.register("metric")
class Sum(Reduce):
    """The (weighted) sum of the values given."""

    def __init__(self, name: str = "sum", dtype=None):
        super().__init__("sum", name=name, dtype=dtype)


@registry.register("metric")
class Mean(Reduce):
    """The (weighted) mean of the values given."""

    def __init__(self, name: str = "mean", dtype=None):
        super().__init__("weighted_mean", name=name, dtype=dtype)


@registry.register("metric")
class MeanTensor(Metric):
    """The element-wise (weighted) mean of same-shaped values: ``result()`` has their shape.

    Args:
        shape: the values' shape; when None it is taken from the first update, and every later
            update must have the same shape.
    """

    def __init__(self, name: str = "mean_tensor", dtype=None, shape=None):
        super().__init__(name=name, dtype=dtype)
        self._shape = None
        if shape is not None:
            self._build(tuple(shape))

    def _build(self, shape: tuple) -> None:
        self._shape = tuple(shape)
        self._add_state("total", shape=self._shape)
        self._add_state("count", shape=self._shape)

    def update_state(self, values, sample_weight=None) -> None:
        values = _floatx_tensor(values, self._dtype)
        if self._shape is None:
            self._build(tuple(values.shape))
        elif tuple(values.shape) != self._shape:
            raise ValueError("MeanTensor input values must always have the same shape. Expected "
                             f"shape (set during the first call): {self._shape}. "
                             f"Got: {tuple(values.shape)}.")
        self._to_device(values.device)
        counts = torch.ones_like(values)
        if sample_weight is not None:
            sample_weight = _floatx_tensor(sample_weight, self._dtype, values.device)
            values, _, sample_weight = squeeze_or_expand(values, None, sample_weight)
            if _broadcastable_weights(sample_weight, values):
                sample_weight = torch.broadcast_to(sample_weight, values.shape)
            else:  # weights of lower rank: average the extra value axes first, as Keras does
                values = torch.mean(values, dim=tuple(range(sample_weight.dim(), values.dim())))
            counts = counts * sample_weight if counts.shape == values.shape else sample_weight
            values = values * sample_weight
        self.total.add_(values)
        self.count.add_(counts)

    def result(self) -> Tensor:
        if self._shape is None:
            raise ValueError("MeanTensor does not have any value yet. Please call the MeanTensor "
                             "instance or use `.update_state(value)` before retrieving the result.")
        return _divide_no_nan(self.total, self.count)

    def reset_state(self) -> None:
        if self._shape is not None:
            super().reset_state()

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": config.dtype_name(self._dtype)}


@registry.register("metric")
class MeanMetricWrapper(Mean):
    """The running mean of ``fn(y_true, y_pred, **kwargs)`` over all samples seen."""

    def __init__(self, fn: Callable, name: Optional[str] = None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_pred = _floatx_tensor(y_pred, self._dtype)
        y_true = _floatx_tensor(y_true, self._dtype, y_pred.device)
        squeezed, y_true, _ = squeeze_or_expand(y_pred, y_true)
        logits = getattr(y_pred, "_keras_logits", None)
        if logits is not None and squeezed is not y_pred:
            # keep the activation's logits attached through the squeeze
            squeezed._keras_logits = logits.squeeze(-1)
        matches = self._fn(y_true, squeezed, **self._fn_kwargs)
        # a mask the function attached to its result (the container applies the predictions' mask)
        mask = getattr(matches, "_keras_mask", None)
        if mask is not None:
            sample_weight = losses_mod._apply_mask(matches, sample_weight, mask, "weighted_mean")
        super().update_state(matches, sample_weight=sample_weight)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(self._fn_kwargs)
        if type(self) is MeanMetricWrapper:  # subclasses know their function
            cfg["fn"] = losses_mod.registered_name(self._fn)
        return cfg

    @classmethod
    def from_config(cls, config_: dict) -> "Metric":
        config_ = dict(config_)
        if cls is MeanMetricWrapper:
            fn = get(config_.pop("fn"))
            return cls(fn, **config_)
        return cls(**config_)


def _wrapper_metric(cls_name: str, fn: Callable, default_name: str, doc: str, **defaults):
    """A MeanMetricWrapper subclass ``cls_name(**defaults, name=default_name, dtype=None)``."""

    def __init__(self, *args, name: str = default_name, dtype=None, **kwargs):
        values = losses_mod.bind_wrapper_args(cls_name, defaults, args, kwargs, ["name", "dtype"])
        MeanMetricWrapper.__init__(self, fn, name=name, dtype=dtype, **values)

    cls = type(cls_name, (MeanMetricWrapper,), {"__init__": __init__, "__doc__": doc,
                                                "__module__": __name__})
    return registry.register("metric")(cls)


Accuracy = _wrapper_metric("Accuracy", accuracy, "accuracy", "How often predictions equal labels.")
BinaryAccuracy = _wrapper_metric("BinaryAccuracy", binary_accuracy, "binary_accuracy",
                                 "How often thresholded predictions match binary labels.",
                                 threshold=0.5)
CategoricalAccuracy = _wrapper_metric("CategoricalAccuracy", categorical_accuracy,
                                      "categorical_accuracy",
                                      "How often the arg-max matches one-hot labels.")
SparseCategoricalAccuracy = _wrapper_metric("SparseCategoricalAccuracy", sparse_categorical_accuracy,
                                            "sparse_categorical_accuracy",
                                            "How often the arg-max matches integer labels.")
TopKCategoricalAccuracy = _wrapper_metric("TopKCategoricalAccuracy", top_k_categorical_accuracy,
                                          "top_k_categorical_accuracy",
                                          "How often one-hot targets are in the top k.", k=5)
SparseTopKCategoricalAccuracy = _wrapper_metric(
    "SparseTopKCategoricalAccuracy", sparse_top_k_categorical_accuracy,
    "sparse_top_k_categorical_accuracy", "How often integer targets are in the top k.", k=5)
MeanSquaredError = _wrapper_metric("MeanSquaredError", mean_squared_error, "mean_squared_error",
                                   "Mean squared error.")
MeanAbsoluteError = _wrapper_metric("MeanAbsoluteError", mean_absolute_error, "mean_absolute_error",
                                    "Mean absolute error.")
MeanAbsolutePercentageError = _wrapper_metric(
    "MeanAbsolutePercentageError", mean_absolute_percentage_error,
    "mean_absolute_percentage_error", "Mean absolute percentage error.")
MeanSquaredLogarithmicError = _wrapper_metric(
    "MeanSquaredLogarithmicError", mean_squared_logarithmic_error,
    "mean_squared_logarithmic_error", "Mean squared logarithmic error.")
CosineSimilarity = _wrapper_metric("CosineSimilarity", cosine_similarity, "cosine_similarity",
                                   "Cosine similarity between labels and predictions.", axis=-1)
LogCoshError = _wrapper_metric("LogCoshError", _metric_log_cosh, "logcosh", "Log-cosh error.")
BinaryCrossentropy = _wrapper_metric("BinaryCrossentropy", binary_crossentropy, "binary_crossentropy",
                                     "Binary cross-entropy.", from_logits=False, label_smoothing=0.0)
CategoricalCrossentropy = _wrapper_metric(
    "CategoricalCrossentropy", categorical_crossentropy, "categorical_crossentropy",
    "Categorical cross-entropy.", from_logits=False, label_smoothing=0.0, axis=-1)
SparseCategoricalCrossentropy = _wrapper_metric(
    "SparseCategoricalCrossentropy", sparse_categorical_crossentropy,
    "sparse_categorical_crossentropy", "Sparse categorical cross-entropy.",
    from_logits=False, ignore_class=None, axis=-1)
KLDivergence = _wrapper_metric("KLDivergence", kullback_leibler_divergence,
                               "kullback_leibler_divergence", "Kullback-Leibler divergence.")
Poisson = _wrapper_metric("Poisson", poisson, "poisson", "Poisson metric.")
Hinge = _wrapper_metric("Hinge", hinge, "hinge", "Hinge metric.")
SquaredHinge = _wrapper_metric("SquaredHinge", squared_hinge, "squared_hinge", "Squared hinge metric.")
CategoricalHinge = _wrapper_metric("CategoricalHinge", categorical_hinge, "categorical_hinge",
                                   "Categorical hinge metric.")


@registry.register("metric")
class RootMeanSquaredError(Mean):
    """``sqrt(mean((y_pred - y_true)^2))`` over every element seen."""

    def __init__(self, name: str = "root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_pred = _floatx_tensor(y_pred, self._dtype)
        y_true = _floatx_tensor(y_true, self._dtype, y_pred.device)
        y_pred, y_true, _ = squeeze_or_expand(y_pred, y_true)
        super().update_state(torch.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self) -> Tensor:
        return torch.sqrt(_divide_no_nan(self.total, self.count))


# ------------------------------------------------------------------------ confusion matrices
def _filter_top_k(x: Tensor, k: int) -> Tensor:
    """Keep each row's ``k`` largest scores (lower index first on ties); others -> -1e10."""
    order = torch.sort(x, dim=-1, descending=True, stable=True).indices[..., :k]
    keep = torch.zeros_like(x).scatter_(-1, order, 1.0)
    return x * keep + NEG_INF * (1.0 - keep)


def _evenly_spaced(thresholds: np.ndarray) -> bool:
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(thresholds, even, atol=np.finfo(np.float32).eps))


class _ConfusionMatrixMetric(Metric):
    """Accumulates weighted true/false positive/negative counts at each threshold."""

    _counts: Sequence[str] = ()

    def __init__(self, thresholds, default_threshold: float, top_k: Optional[int] = None,
                 class_id: Optional[int] = None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k, self.class_id = top_k, class_id
        if thresholds is None:
            thresholds = [default_threshold]
        elif np.ndim(thresholds) == 0:
            thresholds = [thresholds]
        thresholds = [float(t) for t in thresholds]
        for t in thresholds:
            if not (0.0 <= t <= 1.0) and t != NEG_INF:
                raise ValueError(f"{type(self).__name__}: threshold values must be in [0, 1]. "
                                 f"Received: {thresholds}")
        self.thresholds = thresholds
        self._evenly = False
        for name_ in self._counts:
            self._add_state(name_, shape=(len(thresholds),))

    def _prepare(self, y_true, y_pred, sample_weight):
        y_pred = _floatx_tensor(y_pred, self._dtype)
        self._to_device(y_pred.device)
        y_true = _floatx_tensor(y_true, self._dtype, y_pred.device)
        sw = None if sample_weight is None else _floatx_tensor(sample_weight, self._dtype, y_pred.device)
        y_pred, y_true, sw = squeeze_or_expand(y_pred, y_true, sw)
        if self.top_k is not None:
            y_pred = _filter_top_k(y_pred, self.top_k)
        if self.class_id is not None:
            y_true, y_pred = y_true[..., self.class_id], y_pred[..., self.class_id]
            if sw is not None and sw.dim() == y_pred.dim() + 1:
                # per-sample weights (a trailing 1) stay; per-class ones are picked
                sw = sw[..., 0] if sw.shape[-1] == 1 else sw[..., self.class_id]
        y_true = torch.broadcast_to(y_true, y_pred.shape) if y_true.shape != y_pred.shape else y_true
        sw = torch.ones_like(y_pred) if sw is None else torch.broadcast_to(sw, y_pred.shape)
        return y_true.reshape(-1), y_pred.reshape(-1), sw.reshape(-1)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true, y_pred, sw = self._prepare(y_true, y_pred, sample_weight)
        if self._evenly:
            counts = self._bucketed_counts(y_true, y_pred, sw)
        else:
            counts = self._compared_counts(y_true, y_pred, sw)
        for name_ in self._counts:
            getattr(self, name_).add_(counts[name_])

    def _thresholds_on(self, device: torch.device) -> Tensor:
        """The thresholds as a tensor on `device`, made once (no host-to-device copy per batch)."""
        cache = self.__dict__.setdefault("_threshold_tensors", {})
        if device not in cache:
            cache[device] = torch.tensor(self.thresholds, dtype=self._dtype, device=device)
        return cache[device]

    def _compared_counts(self, y_true, y_pred, sw):
        """Counts at each threshold; inputs ``(n,)`` give ``(T,)``, ``(n, labels)`` give ``(T, labels)``."""
        thresholds = self._thresholds_on(y_pred.device).view((-1,) + (1,) * y_pred.dim())
        pred_pos = (y_pred.unsqueeze(0) > thresholds).to(self._dtype)
        label_pos = (y_true != 0).to(self._dtype).unsqueeze(0)
        w = sw.unsqueeze(0)
        return {"true_positives": torch.sum(label_pos * pred_pos * w, dim=1),
                "false_positives": torch.sum((1 - label_pos) * pred_pos * w, dim=1),
                "true_negatives": torch.sum((1 - label_pos) * (1 - pred_pos) * w, dim=1),
                "false_negatives": torch.sum(label_pos * (1 - pred_pos) * w, dim=1)}

    def _bucketed_counts(self, y_true, y_pred, sw):
        """O(n) counts for evenly spaced thresholds: bucket each prediction, then cumulate.
        Inputs ``(n,)`` give ``(T,)`` counts, ``(n, labels)`` give ``(T, labels)``."""
        n = len(self.thresholds)
        labels = 1 if y_pred.dim() == 1 else y_pred.shape[-1]
        buckets = torch.clamp(torch.ceil(y_pred * (n - 1)) - 1, min=0).to(torch.int64)
        buckets = torch.clamp(buckets, max=n - 1).reshape(-1, labels)
        # one bin per (threshold bucket, label); labels count as positive when non-zero, as Keras
        index = (buckets * labels + torch.arange(labels, device=y_pred.device)).reshape(-1)
        label_pos = (y_true != 0).to(self._dtype).reshape(-1, labels)
        sw = sw.reshape(-1, labels)
        true_w, false_w = label_pos * sw, (1.0 - label_pos) * sw

        def cumulated(weights):
            bins = torch.zeros(n * labels, dtype=self._dtype, device=y_pred.device)
            bins = bins.index_add_(0, index, weights.reshape(-1)).reshape(n, labels)
            return torch.flip(torch.cumsum(torch.flip(bins, [0]), 0), [0])

        tp, fp = cumulated(true_w), cumulated(false_w)
        tn, fn = torch.sum(false_w, dim=0) - fp, torch.sum(true_w, dim=0) - tp
        if y_pred.dim() == 1:
            tp, fp, tn, fn = tp[:, 0], fp[:, 0], tn[:, 0], fn[:, 0]
        return {"true_positives": tp, "false_positives": fp, "true_negatives": tn,
                "false_negatives": fn}

    def _scalar_or_vector(self, value: Tensor) -> Tensor:
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self) -> dict:
        cfg = {"thresholds": self.init_thresholds, "top_k": self.top_k, "class_id": self.class_id}
        cfg.update(super().get_config())
        return cfg


class _ConditionCount(_ConfusionMatrixMetric):
    _condition = ""

    def __init__(self, thresholds=None, name=None, dtype=None):
        self._counts = (self._condition,)
        super().__init__(thresholds, 0.5, name=name, dtype=dtype)

    def result(self) -> Tensor:
        return self._scalar_or_vector(getattr(self, self._condition)).clone()

    def get_config(self) -> dict:
        return {"thresholds": self.init_thresholds, "name": self.name,
                "dtype": config.dtype_name(self._dtype)}


@registry.register("metric")
class TruePositives(_ConditionCount):
    """Weighted count of positives predicted positive (prediction > threshold)."""
    _condition = "true_positives"


@registry.register("metric")
class FalsePositives(_ConditionCount):
    """Weighted count of negatives predicted positive."""
    _condition = "false_positives"


@registry.register("metric")
class TrueNegatives(_ConditionCount):
    """Weighted count of negatives predicted negative."""
    _condition = "true_negatives"


@registry.register("metric")
class FalseNegatives(_ConditionCount):
    """Weighted count of positives predicted negative."""
    _condition = "false_negatives"


@registry.register("metric")
class Precision(_ConfusionMatrixMetric):
    """``tp / (tp + fp)`` at each threshold (0.5 by default; with ``top_k``, the top k count as positive)."""
    _counts = ("true_positives", "false_positives")

    def __init__(self, thresholds=None, top_k: Optional[int] = None, class_id: Optional[int] = None,
                 name=None, dtype=None):
        super().__init__(thresholds, 0.5 if top_k is None else NEG_INF, top_k, class_id, name, dtype)

    def result(self) -> Tensor:
        tp, fp = self.true_positives, self.false_positives
        return self._scalar_or_vector(_divide_no_nan(tp, tp + fp))


@registry.register("metric")
class Recall(_ConfusionMatrixMetric):
    """``tp / (tp + fn)`` at each threshold."""
    _counts = ("true_positives", "false_negatives")

    def __init__(self, thresholds=None, top_k: Optional[int] = None, class_id: Optional[int] = None,
                 name=None, dtype=None):
        super().__init__(thresholds, 0.5 if top_k is None else NEG_INF, top_k, class_id, name, dtype)

    def result(self) -> Tensor:
        tp, fn = self.true_positives, self.false_negatives
        return self._scalar_or_vector(_divide_no_nan(tp, tp + fn))


@registry.register("metric")
class AUC(_ConfusionMatrixMetric):
    """Area under the ROC or PR curve, by a Riemann sum over ``num_thresholds`` thresholds.

    ``summation_method``: 'interpolation' (trapezoids for ROC, Davis & Goadrich interpolation
    for PR), 'minoring' or 'majoring'.
    """
    _counts = ("true_positives", "false_positives", "true_negatives", "false_negatives")

    def __init__(self, num_thresholds: int = 200, curve: str = "ROC",
                 summation_method: str = "interpolation", name=None, dtype=None, thresholds=None,
                 multi_label: bool = False, num_labels=None, label_weights=None,
                 from_logits: bool = False):
        curve = curve.upper()
        if curve not in ("ROC", "PR"):
            raise ValueError(f'Invalid curve: {curve!r}. Valid options are: "ROC", "PR".')
        summation_method = summation_method.lower()
        if summation_method not in ("interpolation", "minoring", "majoring"):
            raise ValueError(f"Invalid summation method: {summation_method!r}. Valid options are "
                             "'interpolation', 'minoring' and 'majoring'.")
        self.curve, self.summation_method, self.from_logits = curve, summation_method, from_logits
        if label_weights is not None:
            label_weights = [float(w) for w in np.asarray(label_weights, dtype=np.float32).reshape(-1)]
            if min(label_weights) < 0:
                raise ValueError("AUC: all values of `label_weights` must be non-negative. "
                                 f"Received: {label_weights}")
        if num_labels is not None and not multi_label:
            raise ValueError("AUC: `num_labels` is needed only when `multi_label` is True.")
        self.multi_label, self.num_labels, self.label_weights = multi_label, num_labels, label_weights
        eps = config.epsilon()
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
            self.num_thresholds = len(inner) + 2
            evenly = _evenly_spaced(np.array([0.0] + inner + [1.0], dtype=np.float32))
        else:
            if num_thresholds <= 1:
                raise ValueError(f"AUC: `num_thresholds` must be > 1. Received: {num_thresholds}")
            self.num_thresholds = num_thresholds
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            evenly = True
        self._user_thresholds = thresholds
        all_thresholds = [0.0 - eps] + inner + [1.0 + eps]
        Metric.__init__(self, name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = self.class_id = None
        self.thresholds = [float(np.float32(t)) for t in all_thresholds]
        self._evenly = evenly
        self._num_labels = num_labels
        if not multi_label:
            self._build_states(())
        elif num_labels is not None:
            self._build_states((num_labels,))

    def _build_states(self, label_shape: tuple) -> None:
        """Counts of shape ``(num_thresholds,)``, or ``(num_thresholds, num_labels)`` with
        `multi_label` (built at the first update when `num_labels` is not given)."""
        for name_ in self._counts:
            self._add_state(name_, shape=(self.num_thresholds,) + label_shape)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        if self.from_logits:
            y_pred = torch.sigmoid(as_tensor(y_pred))
        if not self.multi_label and self.label_weights is None:
            return super().update_state(y_true, y_pred, sample_weight)
        y_pred = _floatx_tensor(y_pred, self._dtype)
        y_true = _floatx_tensor(y_true, self._dtype, y_pred.device)
        if self.multi_label and y_pred.dim() != 2:
            raise ValueError("AUC: `y_pred` must have rank 2 when `multi_label=True`. "
                             f"Found rank {y_pred.dim()}; full shape: {tuple(y_pred.shape)}.")
        if self.multi_label and not self._state_names:
            self._num_labels = int(y_pred.shape[-1])
            self._build_states((self._num_labels,))
        self._to_device(y_pred.device)
        sw = torch.ones((), dtype=self._dtype, device=y_pred.device) if sample_weight is None \
            else _floatx_tensor(sample_weight, self._dtype, y_pred.device)
        y_pred, y_true, sw = squeeze_or_expand(y_pred, y_true, sw if sw.dim() else None)
        sw = torch.ones((), dtype=self._dtype, device=y_pred.device) if sw is None else sw
        y_true = torch.broadcast_to(y_true, y_pred.shape)
        if sw.dim() == y_pred.dim() - 1:
            sw = sw.unsqueeze(-1)
        sw = torch.broadcast_to(sw, y_pred.shape)
        if self.label_weights is not None and not self.multi_label:
            # without multi_label, label weights weigh each label's entries before flattening
            sw = sw * torch.tensor(self.label_weights, dtype=self._dtype, device=y_pred.device)
        if not self.multi_label:
            y_true, y_pred, sw = y_true.reshape(-1), y_pred.reshape(-1), sw.reshape(-1)
        counts = (self._bucketed_counts if self._evenly else self._compared_counts)(
            (y_true != 0).to(self._dtype), y_pred, sw)
        for name_ in self._counts:
            getattr(self, name_).add_(counts[name_])

    def _aggregate_labels(self, per_threshold_terms: Tensor) -> Tensor:
        """Sum over thresholds; with `multi_label`, the (label-weighted) mean of the label AUCs."""
        by_label = torch.sum(per_threshold_terms, dim=0)
        if not self.multi_label:
            return by_label
        if self.label_weights is None:
            return torch.mean(by_label)
        weights = torch.tensor(self.label_weights, dtype=by_label.dtype, device=by_label.device)
        return _divide_no_nan(torch.sum(by_label * weights), torch.sum(weights))

    def _interpolate_pr_auc(self) -> Tensor:
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        prec_slope = _divide_no_nan(dtp, torch.clamp(dp, min=0))
        intercept = tp[1:] - prec_slope * p[1:]
        both_pos = (p[:-1] > 0) & (p[1:] > 0)
        safe_ratio = torch.where(both_pos, _divide_no_nan(p[:-1], torch.clamp(p[1:], min=0)),
                                 torch.ones_like(p[1:]))
        increments = _divide_no_nan(prec_slope * (dtp + intercept * torch.log(safe_ratio)),
                                    torch.clamp(tp[1:] + fn[1:], min=0))
        return self._aggregate_labels(increments)

    def _result(self) -> Tensor:
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolate_pr_auc()
        tp, fp, tn, fn = (self.true_positives, self.false_positives, self.true_negatives,
                          self.false_negatives)
        recall = _divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = _divide_no_nan(fp, fp + tn), recall
        else:
            x, y = recall, _divide_no_nan(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = torch.minimum(y[:-1], y[1:])
        else:
            heights = torch.maximum(y[:-1], y[1:])
        return self._aggregate_labels((x[:-1] - x[1:]) * heights)

    def reset_state(self) -> None:
        if self._state_names:  # a multi-label AUC has no counts before its first update
            super().reset_state()

    def result(self) -> Tensor:
        if not self._state_names:
            return torch.zeros((), dtype=self._dtype)
        return self._result()

    def get_config(self) -> dict:
        cfg = {"name": self.name, "dtype": config.dtype_name(self._dtype),
               "num_thresholds": self.num_thresholds, "curve": self.curve,
               "summation_method": self.summation_method, "multi_label": self.multi_label,
               "num_labels": self.num_labels, "label_weights": self.label_weights,
               "from_logits": self.from_logits}
        if self._user_thresholds is not None:  # the inner thresholds, as given
            cfg["thresholds"] = self.thresholds[1:-1]
        return cfg


class _AtConstraintMetric(_ConfusionMatrixMetric):
    """Base of SensitivityAtSpecificity and friends: counts at ``num_thresholds`` evenly spaced
    thresholds from 0 to 1, then the best of one rate where another reaches ``value``."""
    _counts = ("true_positives", "false_positives", "true_negatives", "false_negatives")
    _value_name = "value"

    def __init__(self, value: float, num_thresholds: int = 200, class_id: Optional[int] = None,
                 name=None, dtype=None):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{type(self).__name__}: `{self._value_name}` must be in the range "
                             f"[0, 1]. Received: {self._value_name}={value}")
        if num_thresholds <= 0:
            raise ValueError(f"{type(self).__name__}: `num_thresholds` must be > 0. "
                             f"Received: num_thresholds={num_thresholds}")
        self.value, self.num_thresholds = value, num_thresholds
        Metric.__init__(self, name=name, dtype=dtype)
        self.init_thresholds, self.top_k, self.class_id = None, None, class_id
        inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        self.thresholds = [0.0] + inner + [1.0] if num_thresholds > 1 else [0.5]
        self._evenly = num_thresholds > 1
        for name_ in self._counts:
            self._add_state(name_, shape=(len(self.thresholds),))

    @staticmethod
    def _max_where(constrained: Tensor, dependent: Tensor, value: float) -> Tensor:
        """max(dependent) over thresholds where constrained >= value (0 if there is none)."""
        feasible = constrained >= value
        best = torch.max(torch.where(feasible, dependent, torch.full_like(dependent, -float("inf"))))
        return torch.where(feasible.any(), best, torch.zeros_like(best))

    def _rates(self):
        tp, fp, tn, fn = (self.true_positives, self.false_positives, self.true_negatives,
                          self.false_negatives)
        return {"recall": _divide_no_nan(tp, tp + fn), "precision": _divide_no_nan(tp, tp + fp),
                "specificity": _divide_no_nan(tn, tn + fp)}

    def get_config(self) -> dict:
        return {self._value_name: self.value, "num_thresholds": self.num_thresholds,
                "class_id": self.class_id, "name": self.name, "dtype": config.dtype_name(self._dtype)}


@registry.register("metric")
class SensitivityAtSpecificity(_AtConstraintMetric):
    """The best recall (sensitivity) at a threshold where specificity >= ``specificity``."""
    _value_name = "specificity"

    def __init__(self, specificity: float, num_thresholds: int = 200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)

    def result(self) -> Tensor:
        r = self._rates()
        return self._max_where(r["specificity"], r["recall"], self.value)


@registry.register("metric")
class SpecificityAtSensitivity(_AtConstraintMetric):
    """The best specificity at a threshold where recall (sensitivity) >= ``sensitivity``."""
    _value_name = "sensitivity"

    def __init__(self, sensitivity: float, num_thresholds: int = 200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)

    def result(self) -> Tensor:
        r = self._rates()
        return self._max_where(r["recall"], r["specificity"], self.value)


@registry.register("metric")
class PrecisionAtRecall(_AtConstraintMetric):
    """The best precision at a threshold where recall >= ``recall``."""
    _value_name = "recall"

    def __init__(self, recall: float, num_thresholds: int = 200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)

    def result(self) -> Tensor:
        r = self._rates()
        return self._max_where(r["recall"], r["precision"], self.value)


@registry.register("metric")
class RecallAtPrecision(_AtConstraintMetric):
    """The best recall at a threshold where precision >= ``precision``."""
    _value_name = "precision"

    def __init__(self, precision: float, num_thresholds: int = 200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)

    def result(self) -> Tensor:
        r = self._rates()
        return self._max_where(r["precision"], r["recall"], self.value)


@registry.register("metric")
class MeanIoU(Metric):
    """Mean intersection-over-union over the classes that occur (confusion matrix in float64)."""

    def __init__(self, num_classes: int, name=None, dtype=None, ignore_class: Optional[int] = None,
                 sparse_y_true: bool = True, sparse_y_pred: bool = True, axis: int = -1):
        super().__init__(name=name, dtype=dtype)
        self.num_classes, self.ignore_class = num_classes, ignore_class
        self.sparse_y_true, self.sparse_y_pred, self.axis = sparse_y_true, sparse_y_pred, axis
        self._add_state("total_cm", shape=(num_classes, num_classes), dtype="float64")

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_pred = as_tensor(y_pred)
        self._to_device(y_pred.device)
        y_true = as_tensor(y_true).to(y_pred.device)
        if not self.sparse_y_true:
            y_true = torch.argmax(y_true, dim=self.axis)
        if not self.sparse_y_pred:
            y_pred = torch.argmax(y_pred, dim=self.axis)
        y_true = y_true.reshape(-1).to(torch.int64)
        y_pred = y_pred.reshape(-1).to(torch.int64)
        w = torch.ones(y_true.shape, dtype=torch.float64, device=y_true.device) if sample_weight is None \
            else as_tensor(sample_weight).to(y_true.device, torch.float64).reshape(-1).expand(y_true.shape)
        if self.ignore_class is not None:
            w = w * (y_true != self.ignore_class).to(torch.float64)
        # out-of-range ids would corrupt the matrix; drop them (the weight becomes 0)
        valid = (y_true >= 0) & (y_true < self.num_classes) & (y_pred >= 0) & (y_pred < self.num_classes)
        w = w * valid.to(torch.float64)
        index = torch.clamp(y_true, 0, self.num_classes - 1) * self.num_classes \
            + torch.clamp(y_pred, 0, self.num_classes - 1)
        self.total_cm.view(-1).index_add_(0, index, w)

    def result(self) -> Tensor:
        cm = self.total_cm
        tp = torch.diagonal(cm)
        denominator = cm.sum(0) + cm.sum(1) - tp
        num_valid = torch.sum((denominator != 0).to(torch.float64))
        iou = _divide_no_nan(tp, denominator)
        return _divide_no_nan(torch.sum(iou), num_valid).to(self._dtype)

    def get_config(self) -> dict:
        cfg = {"num_classes": self.num_classes, "ignore_class": self.ignore_class,
               "sparse_y_true": self.sparse_y_true, "sparse_y_pred": self.sparse_y_pred,
               "axis": self.axis}
        cfg.update(super().get_config())
        return cfg


@registry.register("metric")
class IoU(MeanIoU):
    """Intersection-over-union averaged over ``target_class_ids`` only (one id: that class's IoU)."""

    def __init__(self, num_classes: int, target_class_ids: Sequence[int], name=None, dtype=None,
                 ignore_class: Optional[int] = None, sparse_y_true: bool = True,
                 sparse_y_pred: bool = True, axis: int = -1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=sparse_y_true, sparse_y_pred=sparse_y_pred, axis=axis)
        if max(target_class_ids) >= num_classes:
            raise ValueError(f"Target class id {max(target_class_ids)} is out of range, which is "
                             f"[0, {num_classes}).")
        self.target_class_ids = list(target_class_ids)

    def result(self) -> Tensor:
        cm = self.total_cm
        tp = torch.diagonal(cm)
        ids = torch.as_tensor(self.target_class_ids, device=cm.device)
        denominator = (cm.sum(0) + cm.sum(1) - tp)[ids]
        iou = _divide_no_nan(tp[ids], denominator)
        return _divide_no_nan(iou.sum(), (denominator != 0).to(torch.float64).sum()).to(self._dtype)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg["target_class_ids"] = self.target_class_ids
        return cfg


@registry.register("metric")
class BinaryIoU(IoU):
    """IoU of a binary task: predictions >= ``threshold`` are class 1, the rest class 0."""

    def __init__(self, target_class_ids: Sequence[int] = (0, 1), threshold: float = 0.5, name=None,
                 dtype=None):
        super().__init__(2, target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_pred = (as_tensor(y_pred) >= self.threshold).to(self._dtype)
        super().update_state(y_true, y_pred, sample_weight)

    def get_config(self) -> dict:
        return {"target_class_ids": self.target_class_ids, "threshold": self.threshold,
                "name": self.name, "dtype": config.dtype_name(self._dtype)}


@registry.register("metric")
class OneHotIoU(IoU):
    """IoU for one-hot targets and per-class scores (both reduced by argmax over ``axis``)."""

    def __init__(self, num_classes: int, target_class_ids: Sequence[int], name=None, dtype=None,
                 ignore_class: Optional[int] = None, sparse_y_pred: bool = False, axis: int = -1):
        super().__init__(num_classes, target_class_ids, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self) -> dict:
        cfg = super().get_config()
        del cfg["sparse_y_true"]
        return cfg


@registry.register("metric")
class OneHotMeanIoU(MeanIoU):
    """MeanIoU for one-hot targets and per-class scores (both reduced by argmax over ``axis``)."""

    def __init__(self, num_classes: int, name=None, dtype=None, ignore_class: Optional[int] = None,
                 sparse_y_pred: bool = False, axis: int = -1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self) -> dict:
        cfg = super().get_config()
        del cfg["sparse_y_true"]
        return cfg


@registry.register("metric")
class FBetaScore(Metric):
    """F-beta score per class from thresholded predictions (shapes (batch, classes)).

    ``threshold=None`` marks each row's largest prediction as the positive one; ``average`` is
    None (one score per class), 'micro' (counts pooled), 'macro' (mean of the class scores)
    or 'weighted' (class scores weighted by each class's true count).
    """

    def __init__(self, average: Optional[str] = None, beta: float = 1.0,
                 threshold: Optional[float] = None, name: str = "fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError("Invalid `average` argument value. Expected one of: {None, 'micro', "
                             f"'macro', 'weighted'}}. Received: average={average}")
        if not isinstance(beta, float) or beta <= 0.0:
            raise ValueError(f"Invalid `beta` argument value. It should be a Python float > 0. Received: beta={beta}")
        if threshold is not None and (not isinstance(threshold, float) or not 0.0 < threshold <= 1.0):
            raise ValueError("Invalid `threshold` argument value. It should be a Python float in the "
                             f"range ]0, 1]. Received: threshold={threshold}")
        self.average, self.beta, self.threshold = average, beta, threshold
        self._built_classes = None

    def _build(self, num_classes: int) -> None:
        shape = () if self.average == "micro" else (num_classes,)
        for n in ("true_positives", "false_positives", "false_negatives", "intermediate_weights"):
            self._add_state(n, shape=shape)
        self._built_classes = num_classes

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_pred = as_tensor(y_pred).to(self._dtype)
        y_true = as_tensor(y_true).to(y_pred.device, self._dtype)
        if y_pred.ndim != 2:
            raise ValueError(f"FBetaScore expects 2D inputs (batch, classes); got y_pred of shape {tuple(y_pred.shape)}.")
        if self._built_classes is None:
            self._build(y_pred.shape[-1])
        self._to_device(y_pred.device)
        if self.threshold is None:
            # the row's maximum is positive; an all-zero row stays all negative
            top = torch.amax(y_pred, dim=-1, keepdim=True)
            y_pred = ((y_pred >= top) & (torch.abs(y_pred) > 1e-12)).to(self._dtype)
        else:
            y_pred = (y_pred > self.threshold).to(self._dtype)
        w = None if sample_weight is None else as_tensor(sample_weight).to(y_pred.device, self._dtype).reshape(-1, 1)
        dims = None if self.average == "micro" else 0

        def wsum(v):
            v = v if w is None else v * w
            return v.sum() if dims is None else v.sum(dim=dims)

        self.true_positives += wsum(y_pred * y_true)
        self.false_positives += wsum(y_pred * (1 - y_true))
        self.false_negatives += wsum((1 - y_pred) * y_true)
        self.intermediate_weights += wsum(y_true)

    def result(self) -> Tensor:
        if self._built_classes is None:
            return torch.zeros((), dtype=self._dtype)
        tp = self.true_positives
        precision = _divide_no_nan(tp, tp + self.false_positives)
        recall = _divide_no_nan(tp, tp + self.false_negatives)
        b2 = self.beta ** 2
        f = _divide_no_nan(precision * recall, b2 * precision + recall) * (1 + b2)
        if self.average == "weighted":
            weights = _divide_no_nan(self.intermediate_weights, self.intermediate_weights.sum())
            return (f * weights).sum()
        if self.average is not None:
            return f.mean()
        return f

    def get_config(self) -> dict:
        cfg = {"average": self.average, "beta": self.beta, "threshold": self.threshold}
        cfg.update(super().get_config())
        return cfg


@registry.register("metric")
class F1Score(FBetaScore):
    """The F-beta score with beta = 1 (harmonic mean of precision and recall)."""

    def __init__(self, average: Optional[str] = None, threshold: Optional[float] = None,
                 name: str = "f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self) -> dict:
        cfg = super().get_config()
        del cfg["beta"]
        return cfg


@registry.register("metric")
class R2Score(Metric):
    """Coefficient of determination over everything seen, per output column then aggregated.

    ``class_aggregation``: 'uniform_average' (mean over outputs), 'variance_weighted_average'
    or None (one score per output); ``num_regressors`` > 0 gives the adjusted R2.
    """

    def __init__(self, class_aggregation: Optional[str] = "uniform_average", num_regressors: int = 0,
                 name: str = "r2_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in (None, "uniform_average", "variance_weighted_average"):
            raise ValueError("Invalid value for argument `class_aggregation`. Expected one of {None, "
                             f"'uniform_average', 'variance_weighted_average'}}. Received: {class_aggregation}")
        if num_regressors < 0:
            raise ValueError(f"Invalid value for argument `num_regressors`. Expected a value >= 0. "
                             f"Received: num_regressors={num_regressors}")
        self.class_aggregation, self.num_regressors = class_aggregation, num_regressors
        self._add_state("num_samples", dtype="int64")
        self._outputs = None

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_pred = as_tensor(y_pred).to(self._dtype)
        y_true = as_tensor(y_true).to(y_pred.device, self._dtype)
        if y_pred.ndim != 2 or y_true.ndim != 2:
            raise ValueError("R2Score expects 2D inputs with shape (batch_size, output_dim). Received "
                             f"input shapes: y_pred.shape={tuple(y_pred.shape)} and "
                             f"y_true.shape={tuple(y_true.shape)}.")
        if self._outputs is None:
            for n in ("squared_sum", "sum", "total_mse", "count"):
                self._add_state(n, shape=(y_pred.shape[-1],))
            self._outputs = y_pred.shape[-1]
        self._to_device(y_pred.device)
        w = torch.ones((), dtype=self._dtype, device=y_pred.device) if sample_weight is None \
            else as_tensor(sample_weight).to(y_pred.device, self._dtype)
        if w.ndim == 1:
            w = w[:, None]
        w = torch.broadcast_to(w, y_true.shape)
        self.sum += (y_true * w).sum(0)
        self.squared_sum += (y_true * y_true * w).sum(0)
        self.total_mse += ((y_true - y_pred) ** 2 * w).sum(0)
        self.count += w.sum(0)
        self.num_samples += y_true.numel()  # as tf.keras: every entry counts as a sample

    def result(self) -> Tensor:
        if self._outputs is None:
            return torch.zeros((), dtype=self._dtype)
        mean = self.sum / self.count
        total = self.squared_sum - self.sum * mean
        raw = 1 - self.total_mse / total
        raw = torch.where(torch.isinf(raw), torch.zeros_like(raw), raw)
        if self.class_aggregation == "uniform_average":
            r2 = raw.mean()
        elif self.class_aggregation == "variance_weighted_average":
            r2 = (total * raw).sum() / total.sum()
        else:
            r2 = raw
        p, n = self.num_regressors, int(self.num_samples)
        if p:
            if p > n - 1:
                warnings.warn(f"More independent predictors ({p}) than datapoints ({n}) in the "
                              "adjusted R2 score; falling back to the standard R2 score.")
            elif p == n - 1:
                warnings.warn("Division by zero in the adjusted R2 score; falling back to the standard R2 score.")
            else:
                r2 = 1 - (1 - r2) * (n - 1) / (n - p - 1)
        return r2

    def get_config(self) -> dict:
        cfg = {"class_aggregation": self.class_aggregation, "num_regressors": self.num_regressors}
        cfg.update(super().get_config())
        return cfg


@registry.register("metric")
class MeanRelativeError(Mean):
    """Mean of ``|y_pred - y_true| / normalizer`` (the normalizer broadcast to y_pred)."""

    def __init__(self, normalizer, name: Optional[str] = None, dtype=None):
        super().__init__(name=name or _unique_name("mean_relative_error"), dtype=dtype)
        self.normalizer = as_tensor(normalizer).to(self._dtype)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_pred = as_tensor(y_pred).to(self._dtype)
        y_true = as_tensor(y_true).to(y_pred.device, self._dtype)
        rel = _divide_no_nan(torch.abs(y_pred - y_true), self.normalizer.to(y_pred.device).expand_as(y_pred))
        super().update_state(rel, sample_weight=sample_weight)

    def get_config(self) -> dict:
        cfg = {"normalizer": self.normalizer.cpu().numpy().tolist()}
        cfg.update(super().get_config())
        return cfg


# the focal crossentropies, as metric functions too (keras.metrics.binary_focal_crossentropy)
binary_focal_crossentropy = losses_mod.binary_focal_crossentropy
categorical_focal_crossentropy = losses_mod.categorical_focal_crossentropy


# ------------------------------------------------------------------------------ resolution
def __getattr__(name: str):
    raise losses_mod.missing_attribute(__name__, globals(), name)


def serialize(metric, use_legacy_format: bool = False) -> object:
    """tf.keras 2.21's form: ``{'module': 'keras.metrics', 'class_name', 'config',
    'registered_name'}`` (functions: ``class_name='function'``); ``use_legacy_format=True`` gives
    Keras 2.x's ``{'class_name', 'config'}`` or the function's name."""
    return losses_mod.serialize_object(metric, "keras.metrics", use_legacy_format)


def deserialize(config_, custom_objects: Optional[dict] = None, use_legacy_format: bool = False):
    return losses_mod.deserialize_object("metric", config_, custom_objects, "metric function")


def get(identifier):
    """A name -> the metric function (or a new Metric for class names); a config -> a Metric;
    a callable -> itself."""
    if isinstance(identifier, str):
        obj = deserialize(identifier)
        return obj() if isinstance(obj, type) else obj
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret metric identifier: {identifier!r}. Pass a name such "
                     "as 'accuracy', a keras.metrics.Metric, or a function(y_true, y_pred).")


def _metric_name(obj) -> Optional[str]:
    if hasattr(obj, "__name__"):
        return obj.__name__
    if hasattr(obj, "__class__") and callable(obj):
        return _snake_case(type(obj).__name__)
    return None


def resolve(identifier, y_true_shape: Sequence, y_pred_shape: Sequence, loss_fn=None) -> Metric:
    """What ``compile(metrics=[...])`` makes of one entry, by tf.keras 2's rules.

    'accuracy'/'acc' pick binary accuracy when the output has one unit, sparse categorical
    accuracy when the targets have lower rank than the output (or one column against several
    units), and categorical accuracy otherwise; 'crossentropy'/'ce' likewise. The user's
    spelling is the metric's name ('acc' stays 'acc'); a function is named by its ``__name__``.
    ``loss_fn`` is accepted for signature stability; tf.keras 2.21 decides from shapes alone.
    """
    if identifier is None:
        return None
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in ("accuracy", "acc", "crossentropy", "ce"):
        y_true_shape, y_pred_shape = tuple(y_true_shape), tuple(y_pred_shape)
        is_binary = len(y_pred_shape) > 0 and y_pred_shape[-1] == 1
        is_sparse = (len(y_true_shape) < len(y_pred_shape)
                     or (len(y_true_shape) > 0 and y_true_shape[-1] == 1
                         and len(y_pred_shape) > 0 and (y_pred_shape[-1] or 0) > 1))
        if identifier.lower() in ("accuracy", "acc"):
            fn = binary_accuracy if is_binary else (
                sparse_categorical_accuracy if is_sparse else categorical_accuracy)
        else:
            fn = binary_crossentropy if is_binary else (
                sparse_categorical_crossentropy if is_sparse else categorical_crossentropy)
        return MeanMetricWrapper(fn, name=identifier)
    obj = get(identifier)
    if isinstance(obj, Metric):
        return obj
    if isinstance(obj, losses_mod.Loss):
        return MeanMetricWrapper(obj, name=identifier if isinstance(identifier, str) else obj.name)
    name = identifier if isinstance(identifier, str) else _metric_name(identifier)
    if name is None:
        raise ValueError(f"Metric should be a callable, received: {identifier!r}")
    return MeanMetricWrapper(obj, name=name)
