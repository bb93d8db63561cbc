"""TF 2.1-2.3's ``keras.mixed_precision.experimental`` names, kept for old code."""
from typing import Union

from .loss_scale_optimizer import LossScaleOptimizer as _LossScaleOptimizer
from .loss_scale_optimizer import _legacy_loss_scale_args
from .policy import Policy as _Policy
from .policy import global_policy, set_global_policy


class Policy(_Policy):
    """TF 2.3's experimental Policy, which also carried a loss scale.

    Args:
        name: as `keras.mixed_precision.Policy`.
        loss_scale: ``'auto'`` (dynamic loss scaling for ``'mixed_float16'``, none otherwise),
            ``'dynamic'``, a number, or None. Used by `compile` when it wraps the optimizer.
    """

    def __init__(self, name: str, loss_scale: Union[str, float, None] = "auto"):
        super().__init__(name)
        if loss_scale == "auto":
            loss_scale = "dynamic" if name == "mixed_float16" else None
        self._loss_scale = loss_scale

    @property
    def loss_scale(self):
        return self._loss_scale

    def __repr__(self) -> str:
        return f'<Policy "{self.name}", loss_scale={self._loss_scale}>'

    def get_config(self) -> dict:
        return {"name": self.name, "loss_scale": self._loss_scale}

    @classmethod
    def from_config(cls, config_: dict, custom_objects=None) -> "Policy":
        return cls(**config_)


def set_policy(policy) -> None:
    """TF 2.1-2.3's name of `keras.mixed_precision.set_global_policy`."""
    set_global_policy(policy)


class LossScaleOptimizer(_LossScaleOptimizer):
    """TF 2.1-2.3's form: ``LossScaleOptimizer(optimizer, loss_scale='dynamic' | number)``."""

    def __init__(self, optimizer, loss_scale: Union[str, float] = "dynamic"):
        super().__init__(optimizer, **_legacy_loss_scale_args(loss_scale))


__all__ = ["Policy", "set_policy", "global_policy", "LossScaleOptimizer"]
