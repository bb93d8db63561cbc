"""Activation functions by their Keras names (``keras.activations``).

Every function takes a tensor of any shape and returns one of the same shape (``softmax`` and
``log_softmax`` normalise along ``axis``). Numpy arrays and Python lists are accepted and turned
into float tensors of ``floatx()``. Formulas follow tf.keras 2 (e.g. ``hard_sigmoid`` is
``clip(0.2 * x + 0.5, 0, 1)``, not Keras 3's ``x / 6 + 0.5``).
"""
from typing import Callable, Optional, Union

import torch
import torch.nn.functional as F

from .backend import config
from .engine import registry

Tensor = torch.Tensor

# SELU's constants (Klambauer et al., 2017), as Keras uses them.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946

# Keras 2.0-2.2 and tf.keras 2 both use 0.2 * x + 0.5; layers that need another slope for old
# files (e.g. an LSTM default) can change this knob.
HARD_SIGMOID_SLOPE = 0.2
HARD_SIGMOID_OFFSET = 0.5


def _tensor(x) -> Tensor:
    if isinstance(x, Tensor) or _is_symbolic(x):  # symbolic: the torch ops below record layers
        return x
    return torch.as_tensor(x, dtype=config.torch_dtype())


def _is_symbolic(x) -> bool:
    from .engine.keras_tensor import KerasTensor
    return isinstance(x, KerasTensor)


@registry.register("activation")
def relu(x, alpha: float = 0.0, max_value: Optional[float] = None, threshold: float = 0.0) -> Tensor:
    """Rectified linear unit: ``x`` above ``threshold`` (capped at ``max_value``), ``alpha * (x - threshold)`` below."""
    x = _tensor(x)
    if alpha != 0:
        negative_part = F.relu(threshold - x) if threshold != 0 else F.relu(-x)
    if threshold != 0:
        # values at or below the threshold are zeroed, as Keras does (x * (x > threshold))
        out = x * (x > threshold).to(x.dtype)
    else:
        out = F.relu(x)
    if max_value is not None:
        out = torch.clamp(out, min=0.0, max=float(max_value))
    if alpha != 0:
        out = out - alpha * negative_part
    return out


@registry.register("activation")
def relu6(x) -> Tensor:
    """``min(max(x, 0), 6)``."""
    return F.relu6(_tensor(x))


@registry.register("activation")
def leaky_relu(x, alpha: float = 0.2) -> Tensor:
    """``x`` for positive inputs, ``alpha * x`` otherwise (tf.nn.leaky_relu's default alpha 0.2)."""
    return F.leaky_relu(_tensor(x), negative_slope=alpha)


@registry.register("activation")
def elu(x, alpha: float = 1.0) -> Tensor:
    """Exponential linear unit: ``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``."""
    return F.elu(_tensor(x), alpha=alpha)


@registry.register("activation")
def selu(x) -> Tensor:
    """Scaled exponential linear unit (self-normalising)."""
    x = _tensor(x)
    return _SELU_SCALE * F.elu(x, alpha=_SELU_ALPHA)


@registry.register("activation")
def softplus(x) -> Tensor:
    """``log(exp(x) + 1)``, computed stably for large ``x``."""
    x = _tensor(x)
    # torch's default threshold (20) returns x above it, which loses nothing in float32
    return F.softplus(x)


@registry.register("activation")
def softsign(x) -> Tensor:
    """``x / (|x| + 1)``."""
    return F.softsign(_tensor(x))


def _remember_logits(out: Tensor, logits: Tensor) -> Tensor:
    """Attach the pre-activation values so a following cross-entropy can use the logits, as
    tf.keras 2 does (more accurate than clipping probabilities). Skipped under torch.compile."""
    if not torch.compiler.is_compiling():
        out._keras_logits = logits
    return out


@registry.register("activation")
def sigmoid(x) -> Tensor:
    """``1 / (1 + exp(-x))``."""
    x = _tensor(x)
    return _remember_logits(torch.sigmoid(x), x)


@registry.register("activation")
def hard_sigmoid(x) -> Tensor:
    """Piecewise-linear sigmoid: ``clip(0.2 * x + 0.5, 0, 1)`` (0 below -2.5, 1 above 2.5)."""
    x = _tensor(x)
    return torch.clamp(x * HARD_SIGMOID_SLOPE + HARD_SIGMOID_OFFSET, 0.0, 1.0)


@registry.register("activation")
def tanh(x) -> Tensor:
    """Hyperbolic tangent."""
    return torch.tanh(_tensor(x))


@registry.register("activation")
def exponential(x) -> Tensor:
    """``exp(x)``."""
    return torch.exp(_tensor(x))


@registry.register("activation")
def linear(x) -> Tensor:
    """The identity (``activation=None`` means this)."""
    return _tensor(x)


@registry.register("activation", "silu")
def swish(x) -> Tensor:
    """``x * sigmoid(x)`` (also known as SiLU)."""
    return F.silu(_tensor(x))


@registry.register("activation")
def mish(x) -> Tensor:
    """``x * tanh(softplus(x))``."""
    return F.mish(_tensor(x))


@registry.register("activation")
def gelu(x, approximate: bool = False) -> Tensor:
    """Gaussian error linear unit; ``approximate=True`` uses the tanh formula."""
    return F.gelu(_tensor(x), approximate="tanh" if approximate else "none")


def _check_rank(x: Tensor, fn: str) -> None:
    if x.dim() <= 1:
        raise ValueError(f"Cannot apply {fn} to a tensor that is 1D. Received input shape: "
                         f"{tuple(x.shape)}. Give it a batch axis, e.g. x[None].")


@registry.register("activation")
def softmax(x, axis: Union[int, tuple] = -1) -> Tensor:
    """``exp(x) / sum(exp(x), axis)``; each slice along ``axis`` sums to 1."""
    x = _tensor(x)
    _check_rank(x, "softmax")
    if isinstance(axis, int):
        return _remember_logits(torch.softmax(x, dim=axis), x)
    # several axes: normalise over all of them jointly, as Keras does
    e = torch.exp(x - torch.amax(x, dim=tuple(axis), keepdim=True))
    return _remember_logits(e / torch.sum(e, dim=tuple(axis), keepdim=True), x)


@registry.register("activation")
def log_softmax(x, axis: int = -1) -> Tensor:
    """``x - logsumexp(x, axis)``."""
    x = _tensor(x)
    return torch.log_softmax(x, dim=axis)


def serialize(activation: Callable) -> str:
    """The Keras name of an activation function (its ``__name__``), or a config for objects."""
    if activation is None:
        return "linear"
    if hasattr(activation, "get_config"):
        return registry.serialize(activation)
    name = getattr(activation, "__name__", None)
    if name is None:
        raise ValueError(f"Cannot serialize activation {activation!r}: it has no __name__.")
    return name


def deserialize(name, custom_objects: Optional[dict] = None) -> Callable:
    """A name (or ``{'class_name': name, 'config': {}}``) -> the activation function."""
    if isinstance(name, dict):
        config_ = name.get("config") or {}
        obj = registry.lookup("activation", name["class_name"], custom_objects,
                              what="activation function")
        if isinstance(obj, type):
            return obj.from_config(config_) if hasattr(obj, "from_config") else obj(**config_)
        return obj
    return registry.lookup("activation", name, custom_objects, what="activation function")


def get(identifier) -> Callable:
    """None -> linear; a name or config -> the function; a callable -> itself."""
    if identifier is None:
        return linear
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise TypeError(f"Could not interpret activation function identifier: {identifier!r}. "
                    "Pass a name such as 'relu', a function, or None.")
