"""Adafactor (Shazeer & Stern, 2018), as tf.keras 2.21's ``keras.optimizers.Adafactor`` (an
optimizer that exists only among the 2.11+ ones).

For a weight of two or more dimensions Adafactor keeps, instead of a full second moment, its
means over the last axis (``r``) and over the second-to-last axis (``c``) of the weight's *Keras*
shape; the second moment ``v`` is rebuilt from them at each step. Those axes are Keras's, so for a
weight stored in another layout here (a conv kernel, an LSTM kernel) the squared gradient is
viewed in the Keras layout to be factored, and ``v`` is written back in the storage layout.
"""
import numpy as np
import torch

from ..engine import registry
from ._base import Optimizer, Tensor


def _rms(x: Tensor) -> Tensor:
    return torch.sqrt(torch.mean(torch.square(x)))


@registry.register("optimizer")
class Adafactor(Optimizer):
    """Adafactor: a factored second moment, relative step sizes and update clipping.

    Per step ``t`` (1-based), with ``rho = min(lr, 1/sqrt(t))`` (and, for a constant rate with
    ``relative_step``, ``lr`` itself capped at ``1/sqrt(t)``), ``beta = 1 - t ** beta_2_decay``:
    ``v`` from ``g**2 + epsilon_1`` (factored for weights of two or more dimensions),
    ``u = g / sqrt(v)``, ``u /= max(1, rms(u) / clip_threshold)``,
    ``w -= max(epsilon_2, rms(w)) * rho * u``.

    Args:
        learning_rate: a float or a ``LearningRateSchedule``.
        beta_2_decay: the decay exponent of the second-moment rate (negative).
        epsilon_1: added to the squared gradient.
        epsilon_2: the least relative step size.
        clip_threshold: the largest rms of an update before it is scaled down.
        relative_step: with a constant learning rate, cap it at ``1/sqrt(t)``.
        **kwargs: name, weight_decay, clipnorm, clipvalue, global_clipnorm.
    """

    _slot_names = ("r", "c", "v")
    _current_only = True

    def __init__(self, learning_rate=0.001, beta_2_decay: float = -0.8, epsilon_1: float = 1e-30,
                 epsilon_2: float = 1e-3, clip_threshold: float = 1.0, relative_step: bool = True,
                 name: str = "Adafactor", **kwargs):
        self.beta_2_decay = float(beta_2_decay)
        self.epsilon_1 = float(epsilon_1)
        self.epsilon_2 = float(epsilon_2)
        self.clip_threshold = float(clip_threshold)
        self.relative_step = bool(relative_step)
        super().__init__(name=name, learning_rate=learning_rate, **kwargs)
        self._current_formulas = True

    # ------------------------------------------------------------ state
    def _keras_converters(self, index: int):
        handle = self._handles[index] if index < len(self._handles) else None
        return (handle.to_keras, handle.from_keras) if handle is not None else (None, None)

    def _keras_shape(self, index: int) -> tuple:
        to_keras, _ = self._keras_converters(index)
        p = self._params[index]
        return tuple(p.shape if to_keras is None else to_keras(p).shape)

    def _create_slots(self, params):
        # r and c in Keras shapes: shape[:-1] and shape[:-2] + shape[-1:]; none below 2 dims
        self._slots["r"], self._slots["c"] = [], []
        for i, p in enumerate(params):
            shape = self._keras_shape(i)
            factored = len(shape) >= 2
            self._slots["r"].append(p.new_zeros(shape[:-1]) if factored else None)
            self._slots["c"].append(p.new_zeros(shape[:-2] + shape[-1:]) if factored else None)
        self._slots["v"] = [torch.zeros_like(p) for p in params]

    def _slot_is_param_shaped(self, name: str) -> bool:
        return name == "v"

    # ------------------------------------------------------------ update
    def _apply(self, indices, params, grads, lr, t):
        f = np.float32
        step = f(t)
        lr = f(lr)
        if self._schedule is None and self.relative_step:
            lr = min(lr, f(1) / np.sqrt(step))
        rho = float(min(lr, f(1) / np.sqrt(step)))
        beta = f(1) - step ** f(self.beta_2_decay)
        for i, p, g in zip(indices, params, grads):
            alpha = torch.clamp(_rms(p), min=self.epsilon_2) * rho
            g_square = torch.square(g) + self.epsilon_1
            v = self._slots["v"][i]
            if self._slots["r"][i] is not None:
                self._update_factored(i, g_square, float(beta))
            else:
                v.mul_(float(beta)).add_(g_square, alpha=float(f(1) - beta))
            update = g * torch.rsqrt(v)
            update.div_(torch.clamp(_rms(update) / self.clip_threshold, min=1.0))
            p.sub_(alpha * update)

    def _update_factored(self, i: int, g_square: Tensor, beta: float) -> None:
        """r, c from the squared gradient in Keras layout, then v = r c / mean(r) (stored)."""
        to_keras, from_keras = self._keras_converters(i)
        r, c, v = self._slots["r"][i], self._slots["c"][i], self._slots["v"][i]
        keras_square = g_square if to_keras is None else to_keras(g_square)
        one_minus = float(np.float32(1) - np.float32(beta))
        r.mul_(beta).add_(torch.mean(keras_square, dim=-1), alpha=one_minus)
        c.mul_(beta).add_(torch.mean(keras_square, dim=-2), alpha=one_minus)
        keras_v = (r / torch.mean(r, dim=-1, keepdim=True)).unsqueeze(-1) * c.unsqueeze(-2)
        v.copy_(keras_v if from_keras is None else from_keras(keras_v))

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(beta_2_decay=self.beta_2_decay, epsilon_1=self.epsilon_1,
                   epsilon_2=self.epsilon_2, clip_threshold=self.clip_threshold,
                   relative_step=self.relative_step)
        return cfg
