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


@registry.register("constraint", "radial_constraint")
class RadialConstraint(Constraint):
    """Make each ``(height, width)`` slice of a Conv2D kernel ``(h, w, in, out)`` constant on
    square rings around its centre, taking each ring's value from the kernel's diagonal exactly
    as tf.keras 2 does (the innermost ring from ``w[h//2 - 1, h//2 - 1]``)."""

    def __call__(self, w: Tensor) -> Tensor:
        if w.dim() != 4:
            raise ValueError(f"The weight tensor must have rank 4. Received weight tensor with "
                             f"shape: {tuple(w.shape)}")
        size = w.shape[0]
        start = size // 2
        pos = torch.arange(size, device=w.device)
        if size % 2:
            ring_of = (pos - start).abs()
            source_of_ring = lambda d: torch.where(d == 0, start - 1, start + d - 1)  # noqa: E731
        else:
            # the innermost ring is the central 2x2 block
            ring_of = torch.where(pos < start - 1, start - 1 - pos,
                                  torch.where(pos > start, pos - start, torch.zeros_like(pos)))
            source_of_ring = lambda d: torch.where(d == 0, start - 1, start + d)  # noqa: E731
        ring = torch.maximum(ring_of[:, None], ring_of[None, :])
        src = source_of_ring(ring)
        return w[src, src]


registry.register("constraint")(Constraint)

# Keras's lower-case names
max_norm, non_neg, unit_norm, min_max_norm = MaxNorm, NonNeg, UnitNorm, MinMaxNorm
radial_constraint = RadialConstraint
maxnorm, nonneg, unitnorm = MaxNorm, NonNeg, UnitNorm  # Keras 1


def serialize(constraint) -> object:
    return registry.serialize(constraint, module="keras.constraints")


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
