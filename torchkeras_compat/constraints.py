"""Weight constraints (``keras.constraints``): ``constraint(w) -> w'`` applied after each update.

``w`` is in Keras's layout (e.g. a Dense kernel ``(in, out)``, so ``axis=0`` constrains each
unit's incoming weight vector); the engine assigns the result back after every optimizer step.
"""
from typing import Optional, Sequence, Union

import torch

from .backend import config
from .engine import registry

Tensor = torch.Tensor
Axis = Union[int, Sequence[int]]


def _norms(w: Tensor, axis: Axis) -> Tensor:
    dims = (axis,) if isinstance(axis, int) else tuple(axis)
    return torch.sqrt(torch.sum(torch.square(w), dim=dims, keepdim=True))


class Constraint:
    """Base class: ``__call__(w) -> w`` and ``get_config``."""

    def __call__(self, w: Tensor) -> Tensor:
        return w

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config_: dict) -> "Constraint":
        return cls(**config_)


@registry.register("constraint", "max_norm", "maxnorm")
class MaxNorm(Constraint):
    """Rescale weight vectors (along ``axis``) whose L2 norm exceeds ``max_value``."""

    def __init__(self, max_value: float = 2, axis: Axis = 0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w: Tensor) -> Tensor:
        norms = _norms(w, self.axis)
        desired = torch.clamp(norms, 0, self.max_value)
        return w * (desired / (config.epsilon() + norms))

    def get_config(self) -> dict:
        return {"max_value": self.max_value, "axis": self.axis}


@registry.register("constraint", "non_neg", "nonneg")
class NonNeg(Constraint):
    """Zero out negative weights."""

    def __call__(self, w: Tensor) -> Tensor:
        return w * (w >= 0.0).to(w.dtype)


@registry.register("constraint", "unit_norm", "unitnorm")
class UnitNorm(Constraint):
    """Scale weight vectors (along ``axis``) to unit L2 norm."""

    def __init__(self, axis: Axis = 0):
        self.axis = axis

    def __call__(self, w: Tensor) -> Tensor:
        return w / (config.epsilon() + _norms(w, self.axis))

    def get_config(self) -> dict:
        return {"axis": self.axis}


@registry.register("constraint", "min_max_norm")
class MinMaxNorm(Constraint):
    """Move weight-vector norms into ``[min_value, max_value]``; ``rate`` < 1 moves them partway."""

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0,
                 axis: Axis = 0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w: Tensor) -> Tensor:
        norms = _norms(w, self.axis)
        desired = (self.rate * torch.clamp(norms, self.min_value, self.max_value)
                   + (1 - self.rate) * norms)
        return w * (desired / (config.epsilon() + norms))

    def get_config(self) -> dict:
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


registry.register("constraint")(Constraint)

# Keras's lower-case names
max_norm, non_neg, unit_norm, min_max_norm = MaxNorm, NonNeg, UnitNorm, MinMaxNorm
maxnorm, nonneg, unitnorm = MaxNorm, NonNeg, UnitNorm  # Keras 1


def serialize(constraint) -> object:
    return registry.serialize(constraint)


def deserialize(config_, custom_objects: Optional[dict] = None):
    obj = registry.deserialize("constraint", config_, custom_objects, what="constraint")
    return obj() if isinstance(obj, type) else obj


def get(identifier):
    """None -> None; a name ('max_norm') or config -> a Constraint; a callable -> itself."""
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret constraint identifier: {identifier!r}. Pass a name "
                     "such as 'max_norm', a keras.constraints.Constraint, or a function(w) -> w.")
