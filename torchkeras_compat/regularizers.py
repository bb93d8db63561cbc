"""Weight regularizers (``keras.regularizers``): ``reg(weight) -> 0-d tensor`` penalty.

Layers add the penalties of their regularized weights to ``model.losses``; the training loop
adds them to the loss it minimises and reports, as Keras does. Any function of a weight tensor
that returns a scalar can be used as a regularizer too.
"""
from typing import Optional

import numpy as np
import torch

from .engine import registry

Tensor = torch.Tensor


def _floatx(value) -> float:
    """Keras stores regularization factors as float32 numbers."""
    return float(np.float32(value))


def _check_factor(value, name: str) -> None:
    if value is None or not np.isfinite(value) or value < 0:
        raise ValueError(f"Value for the `{name}` regularization factor must be a non-negative "
                         f"finite number. Received: {name}={value}")


class Regularizer:
    """Base class: ``__call__(x) -> scalar`` penalty, ``get_config``/``from_config``."""

    def __call__(self, x: Tensor) -> Tensor:
        return torch.zeros((), dtype=x.dtype, device=x.device)

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Regularizer":
        return cls(**config)


@registry.register("regularizer", "l1_l2")
class L1L2(Regularizer):
    """``l1 * sum(|x|) + l2 * sum(x^2)``."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        _check_factor(l1, "l1")
        _check_factor(l2, "l2")
        self.l1, self.l2 = _floatx(l1), _floatx(l2)

    def __call__(self, x: Tensor) -> Tensor:
        penalty = torch.zeros((), dtype=x.dtype, device=x.device)
        if self.l1:
            penalty = penalty + self.l1 * torch.sum(torch.abs(x))
        if self.l2:
            penalty = penalty + self.l2 * torch.sum(torch.square(x))
        return penalty

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}


@registry.register("regularizer", "l1")
class L1(Regularizer):
    """``l1 * sum(|x|)`` (default factor 0.01; Keras 1's ``l=`` also accepted)."""

    def __init__(self, l1: float = 0.01, **kwargs):
        l1 = kwargs.pop("l", l1)
        if kwargs:
            raise TypeError(f"L1: unexpected keyword argument(s) {sorted(kwargs)}.")
        _check_factor(l1, "l1")
        self.l1 = _floatx(l1)

    def __call__(self, x: Tensor) -> Tensor:
        return self.l1 * torch.sum(torch.abs(x))

    def get_config(self) -> dict:
        return {"l1": self.l1}


@registry.register("regularizer", "l2")
class L2(Regularizer):
    """``l2 * sum(x^2)`` (default factor 0.01; Keras 1's ``l=`` also accepted)."""

    def __init__(self, l2: float = 0.01, **kwargs):
        l2 = kwargs.pop("l", l2)
        if kwargs:
            raise TypeError(f"L2: unexpected keyword argument(s) {sorted(kwargs)}.")
        _check_factor(l2, "l2")
        self.l2 = _floatx(l2)

    def __call__(self, x: Tensor) -> Tensor:
        return self.l2 * torch.sum(torch.square(x))

    def get_config(self) -> dict:
        return {"l2": self.l2}


@registry.register("regularizer", "orthogonal_regularizer")
class OrthogonalRegularizer(Regularizer):
    """Encourages the rows (``mode='rows'``) or columns of a 2D weight to be orthogonal:
    ``factor * 0.5 * sum(|off-diagonal of normalised Gram matrix|) / number of pairs``."""

    def __init__(self, factor: float = 0.01, mode: str = "rows"):
        _check_factor(factor, "factor")
        if mode not in ("rows", "columns"):
            raise ValueError(f'Invalid value for argument `mode`. Expected one of {{"rows", '
                             f'"columns"}}. Received: mode={mode}')
        self.factor, self.mode = _floatx(factor), mode

    def __call__(self, x: Tensor) -> Tensor:
        if x.dim() != 2:
            raise ValueError(f"Inputs to OrthogonalRegularizer must have rank 2. Received: "
                             f"inputs.shape == {tuple(x.shape)}")
        vectors = x if self.mode == "rows" else x.T
        vectors = vectors * torch.rsqrt(torch.clamp(torch.sum(vectors * vectors, dim=1, keepdim=True),
                                                    min=1e-12))
        product = vectors @ vectors.T
        size = product.shape[0]
        off_diagonal = product * (1.0 - torch.eye(size, dtype=x.dtype, device=x.device))
        num_pairs = size * (size - 1.0) / 2.0
        return self.factor * 0.5 * torch.sum(torch.abs(off_diagonal)) / num_pairs

    def get_config(self) -> dict:
        return {"factor": self.factor, "mode": self.mode}


orthogonal_regularizer = OrthogonalRegularizer

# Keras's function-style names: l1(0.01) and l2(0.01) are the classes themselves
l1 = L1
l2 = L2


def l1_l2(l1: float = 0.01, l2: float = 0.01) -> L1L2:  # noqa: F811 - Keras's signature
    """``L1L2`` with both factors defaulting to 0.01."""
    return L1L2(l1=l1, l2=l2)


# Keras 1 names
def l1l2(l1: float = 0.01, l2: float = 0.01) -> L1L2:
    return L1L2(l1=l1, l2=l2)


registry.register("regularizer")(Regularizer)


def serialize(regularizer) -> object:
    return registry.serialize(regularizer, module="keras.regularizers")


def deserialize(config, custom_objects: Optional[dict] = None):
    if config == "l1_l2" and "l1_l2" not in (custom_objects or {}):
        # as Keras: the name stands for the function l1_l2(), whose factors default to 0.01
        return l1_l2()
    obj = registry.deserialize("regularizer", config, custom_objects, what="regularizer")
    return obj() if isinstance(obj, type) else obj


def get(identifier):
    """None -> None; a name ('l2') or config -> a Regularizer; a callable -> itself."""
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret regularizer identifier: {identifier!r}. Pass 'l1', "
                     "'l2', a keras.regularizers.Regularizer, or a function(weight) -> scalar.")
