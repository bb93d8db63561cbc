"""Lion (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms"), as tf.keras 2.21's
``keras.optimizers.Lion`` (an optimizer that exists only among the 2.11+ ones)."""
import numpy as np
import torch

from ..engine import registry
from ._base import Hyperparameter, Optimizer


@registry.register("optimizer")
class Lion(Optimizer):
    """Sign of an interpolated momentum:
    ``w -= lr * sign(b1 * m + (1 - b1) * g)``, then ``m = b2 * m + (1 - b2) * g``.

    Args:
        learning_rate: a float or a ``LearningRateSchedule`` (default 1e-4: Lion's steps all have
            size ``lr`` per element, so it wants a smaller rate than Adam).
        beta_1: interpolation of the momentum and the gradient for the update, in ``(0, 1]``.
        beta_2: decay of the momentum.
        **kwargs: name, weight_decay, clipnorm, clipvalue, global_clipnorm.
    """

    _slot_names = ("m",)
    _current_only = True
    beta_1 = Hyperparameter()
    beta_2 = Hyperparameter()

    def __init__(self, learning_rate=0.0001, beta_1: float = 0.9, beta_2: float = 0.99,
                 name: str = "Lion", **kwargs):
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError(f"Lion: `beta_1`={beta_1} must be between ]0, 1]. Otherwise, the "
                             "optimizer degenerates to SignSGD.")
        self.beta_1, self.beta_2 = beta_1, beta_2
        super().__init__(name=name, learning_rate=learning_rate, **kwargs)
        self._current_formulas = True

    def _apply(self, indices, params, grads, lr, t):
        f = np.float32
        beta_1, beta_2 = f(float(self.beta_1)), f(float(self.beta_2))
        m = self._slot("m", indices)
        direction = torch._foreach_mul(m, float(beta_1))
        torch._foreach_add_(direction, grads, alpha=float(f(1) - beta_1))
        torch._foreach_sign_(direction)
        torch._foreach_add_(params, direction, alpha=-lr)
        torch._foreach_mul_(m, float(beta_2))
        torch._foreach_add_(m, grads, alpha=float(f(1) - beta_2))

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(beta_1=float(self.beta_1), beta_2=float(self.beta_2))
        return cfg
