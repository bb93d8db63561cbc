"""Loss functions and Loss classes (``keras.losses``), with tf.keras 2's formulas.

Loss *functions* ``fn(y_true, y_pred) -> Tensor`` return one value per sample (most reduce the
last axis with a mean, as Keras does): ``(batch, d)`` -> ``(batch,)``. Numpy arrays and lists are
accepted. Loss *classes* (``MeanSquaredError()``, ...) reduce that to a scalar with sample
weights and a ``reduction``; the training loop uses ``compute_weighted_loss`` the same way.

Probabilities are clipped to ``[epsilon, 1 - epsilon]`` as Keras does. When ``y_pred`` came
straight out of a ``softmax``/``sigmoid`` activation (which records its input as
``y_pred._keras_logits``), the cross-entropies use those logits, as tf.keras 2 does.
"""
import math
from typing import Callable, Optional

import numpy as np
import torch
import torch.nn.functional as F

from .backend import config
from .engine import registry

Tensor = torch.Tensor


# ------------------------------------------------------------------------------------- helpers
def as_tensor(x, dtype: Optional[torch.dtype] = None) -> Tensor:
    """Numpy arrays, lists and scalars -> a tensor (floats become floatx, ints stay integers)."""
    if isinstance(x, Tensor):
        return x if dtype is None or x.dtype == dtype else x.to(dtype)
    arr = np.asarray(x)
    if dtype is None:
        if arr.dtype.kind in "fc" or arr.dtype == object:
            dtype = config.torch_dtype()
        elif arr.dtype.kind == "b":
            dtype = torch.bool
        else:
            dtype = torch.int64 if arr.dtype.itemsize > 4 else torch.int32
            if arr.dtype.kind == "u" and arr.dtype.itemsize == 1:
                dtype = torch.uint8
    return torch.as_tensor(arr).to(dtype)


def _pair(y_true, y_pred):
    """Both as tensors, ``y_pred`` floating, ``y_true`` cast to its dtype and device."""
    y_pred = as_tensor(y_pred)
    if not y_pred.is_floating_point():
        y_pred = y_pred.to(config.torch_dtype())
    y_true = as_tensor(y_true).to(device=y_pred.device, dtype=y_pred.dtype)
    return y_true, y_pred


def _logits_of(y_pred) -> Optional[Tensor]:
    return getattr(y_pred, "_keras_logits", None)


_EPSILONS = {}


def _epsilon(dtype: torch.dtype) -> float:
    """The fuzz factor rounded to `dtype`, as Keras casts it (cached: called every batch)."""
    key = (dtype, config.epsilon())
    if key not in _EPSILONS:
        _EPSILONS[key] = float(torch.tensor(config.epsilon(), dtype=dtype))
    return _EPSILONS[key]


def _check_same_shape(y_true: Tensor, y_pred: Tensor, fn: str) -> None:
    if y_true.shape != y_pred.shape:
        raise ValueError(f"{fn}: `y_true` and `y_pred` must have the same shape, got "
                         f"{tuple(y_true.shape)} and {tuple(y_pred.shape)}. For integer class "
                         f"labels use sparse_categorical_crossentropy, or one-hot encode them with "
                         "keras.utils.to_categorical.")


def _maybe_convert_labels(y_true: Tensor) -> Tensor:
    """Hinge losses take labels in {-1, 1}; {0, 1} labels are mapped to them, as Keras does."""
    is_binary = torch.all((y_true == 0) | (y_true == 1))
    return torch.where(is_binary, 2.0 * y_true - 1.0, y_true)


def squeeze_or_expand(y_pred: Tensor, y_true: Optional[Tensor] = None,
                      sample_weight: Optional[Tensor] = None):
    """Keras's rank fix-ups: drop or add a trailing size-1 axis so ranks match.

    ``y_true`` is fitted to ``y_pred`` (rank off by one with a trailing 1 -> squeezed), and
    ``sample_weight`` to the result of that.
    """
    if y_true is not None:
        diff = y_pred.dim() - y_true.dim()
        if diff == 1 and y_pred.shape[-1] == 1:
            y_pred = y_pred.squeeze(-1)
        elif diff == -1 and y_true.shape[-1] == 1:
            y_true = y_true.squeeze(-1)
    if sample_weight is not None and sample_weight.dim() > 0:
        diff = sample_weight.dim() - y_pred.dim()
        if diff == 1 and sample_weight.shape[-1] == 1:
            sample_weight = sample_weight.squeeze(-1)
        elif diff == -1:
            sample_weight = sample_weight.unsqueeze(-1)
    return y_pred, y_true, sample_weight


# ------------------------------------------------------------------------------- regression
@registry.register("loss", "mse", "MSE")
def mean_squared_error(y_true, y_pred) -> Tensor:
    """``mean((y_pred - y_true)^2, axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    return torch.mean(torch.square(y_pred - y_true), dim=-1)


@registry.register("loss", "mae", "MAE")
def mean_absolute_error(y_true, y_pred) -> Tensor:
    """``mean(|y_pred - y_true|, axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    return torch.mean(torch.abs(y_pred - y_true), dim=-1)


@registry.register("loss", "mape", "MAPE")
def mean_absolute_percentage_error(y_true, y_pred) -> Tensor:
    """``100 * mean(|y_true - y_pred| / max(|y_true|, epsilon), axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    diff = torch.abs((y_true - y_pred) / torch.clamp(torch.abs(y_true), min=config.epsilon()))
    return 100.0 * torch.mean(diff, dim=-1)


@registry.register("loss", "msle", "MSLE")
def mean_squared_logarithmic_error(y_true, y_pred) -> Tensor:
    """``mean((log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1))^2, axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    eps = config.epsilon()
    first = torch.log(torch.clamp(y_pred, min=eps) + 1.0)
    second = torch.log(torch.clamp(y_true, min=eps) + 1.0)
    return torch.mean(torch.square(first - second), dim=-1)


@registry.register("loss", "logcosh")
def log_cosh(y_true, y_pred) -> Tensor:
    """``mean(log(cosh(y_pred - y_true)), axis=-1)``, computed without overflow."""
    y_true, y_pred = _pair(y_true, y_pred)
    x = y_pred - y_true
    return torch.mean(x + F.softplus(-2.0 * x) - math.log(2.0), dim=-1)


logcosh = log_cosh


@registry.register("loss", "huber_loss")
def huber(y_true, y_pred, delta: float = 1.0) -> Tensor:
    """Quadratic below ``delta``, linear above: ``mean(0.5 e^2 | delta (|e| - delta/2), axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    error = y_pred - y_true
    abs_error = torch.abs(error)
    quadratic = 0.5 * torch.square(error)
    linear = delta * abs_error - 0.5 * delta * delta
    return torch.mean(torch.where(abs_error <= delta, quadratic, linear), dim=-1)


@registry.register("loss")
def poisson(y_true, y_pred) -> Tensor:
    """``mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    return torch.mean(y_pred - y_true * torch.log(y_pred + config.epsilon()), dim=-1)


@registry.register("loss", "kld", "KLD", "kullback_leibler_divergence")
def kl_divergence(y_true, y_pred) -> Tensor:
    """``sum(y_true * log(y_true / y_pred), axis=-1)`` with both clipped to ``[epsilon, 1]``."""
    y_true, y_pred = _pair(y_true, y_pred)
    eps = config.epsilon()
    y_true = torch.clamp(y_true, eps, 1.0)
    y_pred = torch.clamp(y_pred, eps, 1.0)
    return torch.sum(y_true * torch.log(y_true / y_pred), dim=-1)


def _l2_normalize(x: Tensor, axis: int) -> Tensor:
    # x / sqrt(max(sum(x^2), 1e-12)), as tf.math.l2_normalize
    return x * torch.rsqrt(torch.clamp(torch.sum(torch.square(x), dim=axis, keepdim=True), min=1e-12))


@registry.register("loss", "cosine_proximity", "cosine")
def cosine_similarity(y_true, y_pred, axis: int = -1) -> Tensor:
    """``-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)``: -1 for aligned vectors."""
    y_true, y_pred = _pair(y_true, y_pred)
    return -torch.sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), dim=axis)


# ------------------------------------------------------------------------------------- hinge
@registry.register("loss")
def hinge(y_true, y_pred) -> Tensor:
    """``mean(max(1 - y_true * y_pred, 0), axis=-1)``; labels in {-1, 1} (or {0, 1})."""
    y_true, y_pred = _pair(y_true, y_pred)
    y_true = _maybe_convert_labels(y_true)
    return torch.mean(torch.clamp(1.0 - y_true * y_pred, min=0.0), dim=-1)


@registry.register("loss")
def squared_hinge(y_true, y_pred) -> Tensor:
    """``mean(max(1 - y_true * y_pred, 0)^2, axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    y_true = _maybe_convert_labels(y_true)
    return torch.mean(torch.square(torch.clamp(1.0 - y_true * y_pred, min=0.0)), dim=-1)


@registry.register("loss")
def categorical_hinge(y_true, y_pred) -> Tensor:
    """``max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)`` over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    pos = torch.sum(y_true * y_pred, dim=-1)
    neg = torch.amax((1.0 - y_true) * y_pred, dim=-1)
    return torch.clamp(neg - pos + 1.0, min=0.0)


# ----------------------------------------------------------------------------- cross-entropy
@registry.register("loss")
def categorical_crossentropy(y_true, y_pred, from_logits: bool = False,
                             label_smoothing: float = 0.0, axis: int = -1) -> Tensor:
    """``-sum(y_true * log(p), axis)``; ``p`` is ``y_pred`` rescaled to sum to 1 and clipped to
    ``[eps, 1 - eps]``, or ``softmax(y_pred)`` with ``from_logits=True``.

    ``label_smoothing`` moves targets towards ``1 / num_classes``.
    """
    logits = None if from_logits else _logits_of(y_pred)
    y_true, y_pred = _pair(y_true, y_pred)
    _check_same_shape(y_true, y_pred, "categorical_crossentropy")
    if label_smoothing:
        num_classes = y_true.shape[axis]
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
    if logits is not None:
        y_pred, from_logits = logits, True
    if from_logits:
        return -torch.sum(y_true * torch.log_softmax(y_pred, dim=axis), dim=axis)
    eps = _epsilon(y_pred.dtype)
    p = y_pred / torch.sum(y_pred, dim=axis, keepdim=True)
    p = torch.clamp(p, eps, 1.0 - eps)
    return -torch.sum(y_true * torch.log(p), dim=axis)


def _sparse_labels(y_true: Tensor, y_pred: Tensor, axis: int) -> Tensor:
    """Integer labels of shape ``y_pred.shape`` minus the class axis (an extra trailing 1 is dropped)."""
    out_rank = y_pred.dim()
    class_shape = tuple(s for i, s in enumerate(y_pred.shape) if i != axis % out_rank)
    if y_true.dim() == out_rank:
        if y_true.shape[-1] == 1:
            y_true = y_true.squeeze(-1)
        elif tuple(y_true.shape) == tuple(y_pred.shape):
            raise ValueError(
                f"sparse_categorical_crossentropy expects integer class labels of shape "
                f"{class_shape} (or {class_shape + (1,)}), but got targets of shape "
                f"{tuple(y_true.shape)}, the shape of the predictions: they look one-hot encoded. "
                "Use loss='categorical_crossentropy' for one-hot targets, or pass y.argmax(-1).")
    if y_true.numel() != math.prod(class_shape):
        raise ValueError(f"sparse_categorical_crossentropy: targets of shape {tuple(y_true.shape)} "
                         f"do not match predictions of shape {tuple(y_pred.shape)}; expected one "
                         f"integer label per prediction, i.e. shape {class_shape}.")
    if y_true.is_floating_point() or y_true.dtype == torch.bool:
        y_true = y_true.to(torch.int64)
    return y_true.reshape(class_shape).to(torch.int64)


@registry.register("loss")
def sparse_categorical_crossentropy(y_true, y_pred, from_logits: bool = False, axis: int = -1,
                                    ignore_class: Optional[int] = None) -> Tensor:
    """Categorical cross-entropy with integer labels ``(batch,)`` or ``(batch, 1)``.

    Probabilities are clipped to ``[eps, 1 - eps]`` and renormalised (Keras feeds their log to a
    softmax cross-entropy).
    """
    logits = None if from_logits else _logits_of(y_pred)
    y_pred = as_tensor(y_pred)
    if not y_pred.is_floating_point():
        y_pred = y_pred.to(config.torch_dtype())
    y_true = as_tensor(y_true).to(y_pred.device)
    labels = _sparse_labels(y_true, y_pred, axis)
    if logits is not None:
        y_pred, from_logits = logits, True
    if not from_logits:
        eps = _epsilon(y_pred.dtype)
        y_pred = torch.log(torch.clamp(y_pred, eps, 1.0 - eps))
    log_probs = torch.log_softmax(y_pred, dim=axis)
    if ignore_class is not None:
        valid = labels != ignore_class
        labels = torch.where(valid, labels, torch.zeros_like(labels))
    picked = torch.gather(log_probs.movedim(axis, -1), -1, labels.unsqueeze(-1)).squeeze(-1)
    loss = -picked
    if ignore_class is not None:
        loss = loss * valid.to(loss.dtype)
        loss._keras_mask = valid  # so that a Loss averages over the labelled entries only
    return loss


def _check_broadcastable(y_true: Tensor, y_pred: Tensor, fn: str) -> None:
    if y_true.shape == y_pred.shape:
        return
    try:
        torch.broadcast_shapes(y_true.shape, y_pred.shape)
    except RuntimeError:
        raise ValueError(f"{fn}: targets of shape {tuple(y_true.shape)} cannot be matched with "
                         f"predictions of shape {tuple(y_pred.shape)}. Give one 0/1 target per "
                         "predicted probability.") from None


def _elementwise_bce(y_true: Tensor, y_pred: Tensor, from_logits: bool, logits=None) -> Tensor:
    """Keras's element-wise binary cross-entropy (probabilities clipped, then ``log(p + eps)``)."""
    if logits is not None:
        y_pred, from_logits = logits, True
    if from_logits:
        target = y_true.expand_as(y_pred) if y_true.dim() <= y_pred.dim() else y_true
        return F.binary_cross_entropy_with_logits(y_pred, target, reduction="none")
    eps = _epsilon(y_pred.dtype)
    p = torch.clamp(y_pred, eps, 1.0 - eps)
    return -(y_true * torch.log(p + eps) + (1.0 - y_true) * torch.log(1.0 - p + eps))


@registry.register("loss")
def binary_crossentropy(y_true, y_pred, from_logits: bool = False, label_smoothing: float = 0.0,
                        axis: int = -1) -> Tensor:
    """``mean(-(y log(p + eps) + (1 - y) log(1 - p + eps)), axis)`` with ``p`` clipped to
    ``[eps, 1 - eps]``; with ``from_logits=True`` the stable sigmoid form.

    ``label_smoothing`` moves targets towards 0.5.
    """
    logits = None if from_logits else _logits_of(y_pred)
    y_true, y_pred = _pair(y_true, y_pred)
    _check_broadcastable(y_true, y_pred, "binary_crossentropy")
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return torch.mean(_elementwise_bce(y_true, y_pred, from_logits, logits), dim=axis)


@registry.register("loss")
def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing: bool = False,
                              alpha: float = 0.25, gamma: float = 2.0, from_logits: bool = False,
                              label_smoothing: float = 0.0, axis: int = -1) -> Tensor:
    """Binary cross-entropy scaled by ``(1 - p_t) ** gamma`` (Lin et al., 2017); with
    ``apply_class_balancing``, also by ``alpha`` for positives and ``1 - alpha`` for negatives."""
    logits = None if from_logits else _logits_of(y_pred)
    y_true, y_pred = _pair(y_true, y_pred)
    _check_broadcastable(y_true, y_pred, "binary_focal_crossentropy")
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    probs = torch.sigmoid(y_pred) if from_logits else y_pred
    p_t = y_true * probs + (1.0 - y_true) * (1.0 - probs)
    focal = torch.pow(1.0 - p_t, gamma) * _elementwise_bce(y_true, y_pred, from_logits, logits)
    if apply_class_balancing:
        focal = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * focal
    return torch.mean(focal, dim=axis)


@registry.register("loss")
def categorical_focal_crossentropy(y_true, y_pred, alpha: float = 0.25, gamma: float = 2.0,
                                   from_logits: bool = False, label_smoothing: float = 0.0,
                                   axis: int = -1) -> Tensor:
    """``sum(alpha * (1 - p) ** gamma * -y_true * log(p), axis)`` with ``p`` normalised and clipped."""
    logits = None if from_logits else _logits_of(y_pred)
    y_true, y_pred = _pair(y_true, y_pred)
    _check_same_shape(y_true, y_pred, "categorical_focal_crossentropy")
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_true.shape[-1]
    if logits is not None:
        y_pred, from_logits = logits, True
    if from_logits:
        y_pred = torch.softmax(y_pred, dim=axis)
    eps = _epsilon(y_pred.dtype)
    p = torch.clamp(y_pred / torch.sum(y_pred, dim=axis, keepdim=True), eps, 1.0 - eps)
    cce = -y_true * torch.log(p)
    return torch.sum(torch.pow(1.0 - p, gamma) * alpha * cce, dim=axis)


# --------------------------------------------------------------------------- reduction
class Reduction:
    """How a Loss object turns per-sample losses into what it returns."""
    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"

    @classmethod
    def all(cls):
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)

    @classmethod
    def validate(cls, key: str) -> None:
        if key not in cls.all():
            raise ValueError(f'Invalid Reduction Key: {key!r}. Expected one of {cls.all()}.')


def match_dtype_and_rank(y_true: Tensor, y_pred: Tensor, sample_weight: Optional[Tensor] = None):
    """What tf.keras 2's compile-time loss and metric containers do before calling them:
    ``(batch,)`` targets and weights against ``(batch, d)`` predictions gain a trailing axis, and
    float (or integer) targets take the predictions' dtype.

    This matters for metrics: a ``(batch,)`` label vector against a ``(batch, 1)`` sigmoid output
    gives per-sample accuracies (a mean over samples), not one value per batch.
    """
    if y_true.dim() == 1 and y_pred.dim() == 2:
        y_true = y_true.unsqueeze(-1)
    if sample_weight is not None:
        if sample_weight.dim() == 1 and y_pred.dim() == 2:
            sample_weight = sample_weight.unsqueeze(-1)
        sample_weight = sample_weight.to(y_pred.dtype)
    same_kind = (y_true.is_floating_point() and y_pred.is_floating_point()) or (
        not y_true.is_floating_point() and not y_pred.is_floating_point()
        and y_true.dtype != torch.bool and y_pred.dtype != torch.bool)
    if same_kind and y_true.dtype != y_pred.dtype:
        y_true = y_true.to(y_pred.dtype)
    return y_true, y_pred, sample_weight


def compute_weighted_loss(losses: Tensor, sample_weight: Optional[Tensor] = None,
                          reduction: str = Reduction.SUM_OVER_BATCH_SIZE) -> Tensor:
    """Weight per-sample losses and reduce them as tf.keras 2 does.

    'sum_over_batch_size' (and 'auto'): ``sum(loss * sw) / number of loss elements``;
    'sum': ``sum(loss * sw)``; 'none': ``loss * sw``. ``sample_weight`` of shape ``(batch,)`` or
    ``(batch, 1)`` broadcasts over the remaining axes.
    """
    Reduction.validate(reduction)
    losses = as_tensor(losses)
    if sample_weight is not None:
        sample_weight = as_tensor(sample_weight).to(device=losses.device, dtype=losses.dtype)
        losses, _, sample_weight = squeeze_or_expand(losses, None, sample_weight)
        losses = losses * sample_weight
    if reduction == Reduction.NONE:
        return losses
    total = torch.sum(losses)
    if reduction == Reduction.SUM:
        return total
    return total / max(losses.numel(), 1)


# ------------------------------------------------------------------------------ Loss classes
class Loss:
    """Base class: ``loss(y_true, y_pred, sample_weight=None)`` -> reduced loss.

    Subclasses implement ``call(y_true, y_pred)`` returning per-sample losses.
    """

    def __init__(self, reduction: str = Reduction.AUTO, name: Optional[str] = None):
        Reduction.validate(reduction)
        self.reduction = reduction
        self.name = name

    def __call__(self, y_true, y_pred, sample_weight=None) -> Tensor:
        losses = self.call(y_true, y_pred)
        reduction = Reduction.SUM_OVER_BATCH_SIZE if self.reduction == Reduction.AUTO else self.reduction
        # a mask on the predictions (from a Masking/Embedding layer) and/or one the loss made
        in_mask, out_mask = getattr(y_pred, "_keras_mask", None), getattr(losses, "_keras_mask", None)
        mask = in_mask if out_mask is None else out_mask if in_mask is None else in_mask & out_mask
        if mask is not None:
            sample_weight = _apply_mask(losses, sample_weight, mask, reduction)
        return compute_weighted_loss(losses, sample_weight, reduction)

    def call(self, y_true, y_pred) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} must implement call(y_true, y_pred).")

    def get_config(self) -> dict:
        return {"reduction": self.reduction, "name": self.name}

    @classmethod
    def from_config(cls, config_: dict) -> "Loss":
        return cls(**config_)


def _apply_mask(losses: Tensor, sample_weight, mask: Tensor, reduction: str) -> Tensor:
    """Fold a Keras mask into the weights; for a mean, rescale so it averages the unmasked entries."""
    mask = mask.to(losses.dtype)
    if reduction == Reduction.SUM_OVER_BATCH_SIZE:
        mask = mask * (mask.numel() / torch.clamp(mask.sum(), min=1.0))
    if sample_weight is None:
        return mask
    sample_weight = as_tensor(sample_weight).to(device=losses.device, dtype=losses.dtype)
    mask, _, sample_weight = squeeze_or_expand(mask, None, sample_weight)
    return mask * sample_weight


class LossFunctionWrapper(Loss):
    """A Loss made from a function ``fn(y_true, y_pred, **kwargs)`` returning per-sample losses."""

    def __init__(self, fn: Callable, reduction: str = Reduction.AUTO, name: Optional[str] = None,
                 **kwargs):
        super().__init__(reduction=reduction, name=name)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred) -> Tensor:
        if isinstance(y_true, Tensor) and isinstance(y_pred, Tensor):
            logits = _logits_of(y_pred)
            y_pred_fixed, y_true, _ = squeeze_or_expand(y_pred, y_true)
            if y_pred_fixed is not y_pred and logits is not None:
                # keep the activation's logits attached through the squeeze
                y_pred_fixed._keras_logits = logits.squeeze(-1)
            y_pred = y_pred_fixed
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict:
        # tf.keras 2.21 names the wrapped function under "fn" (also in .h5 training configs)
        cfg = super().get_config()
        cfg.update(self._fn_kwargs)
        cfg["fn"] = registered_name(self.fn)
        return cfg

    @classmethod
    def from_config(cls, config_: dict) -> "Loss":
        config_ = dict(config_)
        fn_name = config_.pop("fn", None)
        if cls is LossFunctionWrapper:
            if fn_name is None:
                raise ValueError("LossFunctionWrapper.from_config: the config has no 'fn' entry "
                                 "naming the loss function to wrap.")
            config_["fn"] = get(fn_name)
        return cls(**config_)


def registered_name(fn) -> str:
    """The name a function is saved under: 'package>name' when registered as serializable."""
    from .utils import generic_utils
    return generic_utils.get_registered_name(fn)


def bind_wrapper_args(cls_name: str, defaults: dict, args: tuple, kwargs: dict, own: list) -> dict:
    """The keyword arguments a function-wrapping Loss/Metric class passes on to its function:
    ``defaults`` overridden by positional ``args`` (in order) and ``kwargs``; others are refused."""
    arg_names = tuple(defaults)
    if len(args) > len(arg_names):
        raise TypeError(f"{cls_name} takes at most {len(arg_names)} positional arguments.")
    values = dict(defaults)
    values.update(zip(arg_names, args))
    for key in kwargs:
        if key not in values:
            raise TypeError(f"{cls_name}: unexpected keyword argument {key!r}. "
                            f"Allowed: {list(arg_names) + own}.")
    values.update(kwargs)
    return values


def _wrapper_class(cls_name: str, fn: Callable, default_name: str, doc: str, **defaults):
    """Define ``cls_name(**defaults, reduction='auto', name=default_name)`` wrapping ``fn``."""

    def __init__(self, *args, reduction=Reduction.AUTO, name=default_name, **kwargs):
        values = bind_wrapper_args(cls_name, defaults, args, kwargs, ["reduction", "name"])
        LossFunctionWrapper.__init__(self, fn, reduction=reduction, name=name, **values)

    cls = type(cls_name, (LossFunctionWrapper,), {"__init__": __init__, "__doc__": doc,
                                                  "__module__": __name__})
    return cls


MeanSquaredError = _wrapper_class("MeanSquaredError", mean_squared_error, "mean_squared_error",
                                  "Mean of squares of errors.")
MeanAbsoluteError = _wrapper_class("MeanAbsoluteError", mean_absolute_error, "mean_absolute_error",
                                   "Mean of absolute errors.")
MeanAbsolutePercentageError = _wrapper_class(
    "MeanAbsolutePercentageError", mean_absolute_percentage_error,
    "mean_absolute_percentage_error", "Mean absolute percentage error.")
MeanSquaredLogarithmicError = _wrapper_class(
    "MeanSquaredLogarithmicError", mean_squared_logarithmic_error,
    "mean_squared_logarithmic_error", "Mean squared logarithmic error.")
Hinge = _wrapper_class("Hinge", hinge, "hinge", "Hinge loss.")
SquaredHinge = _wrapper_class("SquaredHinge", squared_hinge, "squared_hinge", "Squared hinge loss.")
CategoricalHinge = _wrapper_class("CategoricalHinge", categorical_hinge, "categorical_hinge",
                                  "Categorical hinge loss.")
LogCosh = _wrapper_class("LogCosh", log_cosh, "log_cosh", "Logarithm of the hyperbolic cosine.")
Huber = _wrapper_class("Huber", huber, "huber_loss", "Huber loss.", delta=1.0)
Poisson = _wrapper_class("Poisson", poisson, "poisson", "Poisson loss.")
KLDivergence = _wrapper_class("KLDivergence", kl_divergence, "kl_divergence",
                              "Kullback-Leibler divergence.")
CosineSimilarity = _wrapper_class("CosineSimilarity", cosine_similarity, "cosine_similarity",
                                  "Negative cosine similarity.", axis=-1)
BinaryCrossentropy = _wrapper_class(
    "BinaryCrossentropy", binary_crossentropy, "binary_crossentropy",
    "Binary cross-entropy on probabilities (or logits with from_logits=True).",
    from_logits=False, label_smoothing=0.0, axis=-1)
CategoricalCrossentropy = _wrapper_class(
    "CategoricalCrossentropy", categorical_crossentropy, "categorical_crossentropy",
    "Cross-entropy for one-hot (or soft) targets.", from_logits=False, label_smoothing=0.0, axis=-1)
BinaryFocalCrossentropy = _wrapper_class(
    "BinaryFocalCrossentropy", binary_focal_crossentropy, "binary_focal_crossentropy",
    "Focal binary cross-entropy.", apply_class_balancing=False, alpha=0.25, gamma=2.0,
    from_logits=False, label_smoothing=0.0, axis=-1)
CategoricalFocalCrossentropy = _wrapper_class(
    "CategoricalFocalCrossentropy", categorical_focal_crossentropy,
    "categorical_focal_crossentropy", "Focal categorical cross-entropy.", alpha=0.25, gamma=2.0,
    from_logits=False, label_smoothing=0.0, axis=-1)
SparseCategoricalCrossentropy = _wrapper_class(
    "SparseCategoricalCrossentropy", sparse_categorical_crossentropy,
    "sparse_categorical_crossentropy", "Cross-entropy for integer class labels.",
    from_logits=False, ignore_class=None)

for _cls in (MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
             MeanSquaredLogarithmicError, Hinge, SquaredHinge, CategoricalHinge, LogCosh, Huber,
             Poisson, KLDivergence, CosineSimilarity, BinaryCrossentropy, CategoricalCrossentropy,
             SparseCategoricalCrossentropy, BinaryFocalCrossentropy, CategoricalFocalCrossentropy):
    registry.register("loss")(_cls)
registry.register("loss")(Loss)
registry.register("loss")(LossFunctionWrapper)

# short names that Keras also exports
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
cosine_proximity = cosine_similarity


# ------------------------------------------------------------------------------ resolution
def missing_attribute(module_name: str, namespace: dict, name: str) -> AttributeError:
    """The error for ``keras.<module>.<typo>``, naming the closest public names."""
    import difflib
    public = [n for n in namespace if not n.startswith("_")]
    close = difflib.get_close_matches(name, public, n=3, cutoff=0.6)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return AttributeError(f"module {module_name!r} has no attribute {name!r}.{hint}")


def __getattr__(name: str):
    raise missing_attribute(__name__, globals(), name)


def serialize(loss, use_legacy_format: bool = False) -> object:
    """A Loss object's ``{'module', 'class_name', 'config', 'registered_name'}`` (tf.keras 2.21),
    or a function's ``{'class_name': 'function', 'config': name, ...}``; with
    ``use_legacy_format=True`` Keras 2.x's ``{'class_name', 'config'}`` or the function's name."""
    return serialize_object(loss, "keras.losses", use_legacy_format)


def serialize_object(obj, module: str, use_legacy_format: bool = False) -> object:
    """tf.keras 2.21's ``serialize_keras_object`` for a loss or metric (object or function)."""
    if obj is None:
        return None
    if use_legacy_format:
        return registry.serialize(obj)
    if hasattr(obj, "get_config") and not isinstance(obj, type):
        return registry.serialize(obj, module=module)
    if callable(obj) and hasattr(obj, "__name__"):
        return {"module": "builtins", "class_name": "function", "config": registered_name(obj),
                "registered_name": "function"}
    return registry.serialize(obj)


def deserialize_object(kind: str, config_, custom_objects: Optional[dict], what: str):
    """The inverse of `serialize_object`; also reads Keras 2.x's legacy forms."""
    if isinstance(config_, dict) and config_.get("class_name") == "function":
        config_ = config_["config"]
    return registry.deserialize(kind, config_, custom_objects, what=what)


def deserialize(name, custom_objects: Optional[dict] = None, use_legacy_format: bool = False):
    """A name or config -> the loss function or Loss object."""
    return deserialize_object("loss", name, custom_objects, "loss function")


def get(identifier):
    """None -> None; a name -> the function (class names give an instance); a config dict ->
    a Loss object; a callable -> itself."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        obj = deserialize(identifier)
        return obj() if isinstance(obj, type) else obj
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret loss function identifier: {identifier!r}. Pass a name "
                     "such as 'mse', a keras.losses.Loss, or a function(y_true, y_pred).")
