"""SGD, RMSprop, Adagrad, Adadelta, Adam, Adamax and Nadam with tf.keras 2's legacy formulas.

Where Keras and torch.optim differ (Adam's epsilon is added to ``sqrt(v)`` *before* the bias
correction is folded into the rate, i.e. Keras's "epsilon hat"; SGD's momentum buffer holds
``-lr * velocity`` so a changing rate acts differently; RMSprop with momentum puts epsilon under
the square root), these follow Keras. Each update is a handful of multi-tensor ``_foreach`` ops,
the same kernels torch.optim's foreach implementations use.
"""
from typing import List, Optional

import numpy as np
import torch

from ..engine import registry
from ._base import Hyperparameter, Optimizer, _default_epsilon, _f32


@registry.register("optimizer", "sgd")
class SGD(Optimizer):
    """Gradient descent with optional (Nesterov) momentum.

    ``velocity = momentum * velocity - lr * g``; ``w += velocity`` (Nesterov:
    ``w += momentum * velocity - lr * g``).
    """

    momentum = Hyperparameter()

    def __init__(self, learning_rate=0.01, momentum: float = 0.0, nesterov: bool = False,
                 name: str = "SGD", **kwargs):
        if isinstance(momentum, (int, float)) and not 0.0 <= momentum <= 1.0:
            raise ValueError(f"SGD: `momentum` must be between [0, 1]. Received: {momentum}.")
        self.momentum = momentum
        self._use_momentum = float(momentum) > 0
        self.nesterov = bool(nesterov)
        super().__init__(name=name, learning_rate=learning_rate, **kwargs)

    @property
    def _slot_names(self):
        return ("momentum",) if self._use_momentum else ()

    def _apply(self, indices, params, grads, lr, t):
        if not self._use_momentum:
            torch._foreach_add_(params, grads, alpha=-lr)
            return
        momentum = float(self.momentum)
        velocity = self._slot("momentum", indices)
        torch._foreach_mul_(velocity, momentum)
        torch._foreach_add_(velocity, grads, alpha=-lr)
        if self.nesterov:
            torch._foreach_add_(params, velocity, alpha=momentum)
            torch._foreach_add_(params, grads, alpha=-lr)
        else:
            torch._foreach_add_(params, velocity)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(momentum=self._hyper_config("momentum"), nesterov=self.nesterov)
        return cfg


@registry.register("optimizer", "rmsprop")
class RMSprop(Optimizer):
    """``ms = rho * ms + (1 - rho) * g^2``; ``w -= lr * g / (sqrt(ms) + eps)``.

    With ``momentum``: ``mom = momentum * mom + lr * g / sqrt(ms + eps)``; ``w -= mom``.
    ``centered`` subtracts the squared running mean of ``g`` from ``ms``.
    """

    rho = Hyperparameter()
    momentum = Hyperparameter()

    def __init__(self, learning_rate=0.001, rho: float = 0.9, momentum: float = 0.0,
                 epsilon: Optional[float] = 1e-7, centered: bool = False, name: str = "RMSprop",
                 **kwargs):
        self.rho = rho
        self.momentum = momentum
        self._use_momentum = float(momentum) > 0
        self.epsilon = _default_epsilon(epsilon)
        self.centered = bool(centered)
        super().__init__(name=name, learning_rate=learning_rate, **kwargs)

    @property
    def _slot_names(self):
        names = ["rms"]
        if self._use_momentum:
            names.append("momentum")
        if self.centered:
            names.append("mg")
        return tuple(names)

    def _apply(self, indices, params, grads, lr, t):
        rho, eps, momentum = float(self.rho), self.epsilon, float(self.momentum)
        ms = self._slot("rms", indices)
        torch._foreach_mul_(ms, rho)
        torch._foreach_addcmul_(ms, grads, grads, value=_f32(1.0 - rho))
        if self.centered:
            mg = self._slot("mg", indices)
            torch._foreach_mul_(mg, rho)
            torch._foreach_add_(mg, grads, alpha=_f32(1.0 - rho))
            denom = torch._foreach_addcmul(ms, mg, mg, value=-1.0)
        else:
            denom = None
        if self._use_momentum:
            denom = torch._foreach_add(denom if denom is not None else ms, eps)
            torch._foreach_sqrt_(denom)
            mom = self._slot("momentum", indices)
            torch._foreach_mul_(mom, momentum)
            torch._foreach_addcdiv_(mom, grads, denom, value=lr)
            torch._foreach_sub_(params, mom)
        elif self._current_formulas:
            # tf.keras 2.11+: epsilon under the square root
            denom = torch._foreach_add(denom if denom is not None else ms, eps)
            torch._foreach_sqrt_(denom)
            torch._foreach_addcdiv_(params, grads, denom, value=-lr)
        else:
            denom = torch._foreach_sqrt(denom if denom is not None else ms)
            torch._foreach_add_(denom, eps)
            torch._foreach_addcdiv_(params, grads, denom, value=-lr)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(rho=self._hyper_config("rho"), momentum=self._hyper_config("momentum"), epsilon=self.epsilon,
                   centered=self.centered)
        return cfg


@registry.register("optimizer", "adagrad")
class Adagrad(Optimizer):
    """``acc += g^2``; ``w -= lr * g / (sqrt(acc) + eps)``, ``acc`` starting at ``initial_accumulator_value``."""

    _slot_names = ("accumulator",)

    def __init__(self, learning_rate=0.001, initial_accumulator_value: float = 0.1,
                 epsilon: Optional[float] = 1e-7, name: str = "Adagrad", **kwargs):
        if initial_accumulator_value < 0.0:
            raise ValueError(f"Adagrad: initial_accumulator_value must be non-negative: "
                             f"{initial_accumulator_value}")
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.epsilon = _default_epsilon(epsilon)
        super().__init__(name=name, learning_rate=learning_rate, **kwargs)

    def _create_slots(self, params):
        self._slots["accumulator"] = [torch.full_like(p, self.initial_accumulator_value)
                                      for p in params]

    def _apply(self, indices, params, grads, lr, t):
        acc = self._slot("accumulator", indices)
        torch._foreach_addcmul_(acc, grads, grads)
        if self._current_formulas:
            # tf.keras 2.11+: epsilon under the square root
            denom = torch._foreach_add(acc, self.epsilon)
            torch._foreach_sqrt_(denom)
        else:
            denom = torch._foreach_sqrt(acc)
            torch._foreach_add_(denom, self.epsilon)
        torch._foreach_addcdiv_(params, grads, denom, value=-lr)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(initial_accumulator_value=self.initial_accumulator_value, epsilon=self.epsilon)
        return cfg


@registry.register("optimizer", "adadelta")
class Adadelta(Optimizer):
    """``acc = rho*acc + (1-rho)*g^2``; ``u = sqrt(acc_u + eps) / sqrt(acc + eps) * g``;
    ``acc_u = rho*acc_u + (1-rho)*u^2``; ``w -= lr * u``."""

    _slot_names = ("accum_grad", "accum_var")
    rho = Hyperparameter()

    def __init__(self, learning_rate=0.001, rho: float = 0.95, epsilon: Optional[float] = 1e-7,
                 name: str = "Adadelta", **kwargs):
        self.rho = rho
        self.epsilon = _default_epsilon(epsilon)
        super().__init__(name=name, learning_rate=learning_rate, **kwargs)

    def _apply(self, indices, params, grads, lr, t):
        rho, eps = float(self.rho), self.epsilon
        acc = self._slot("accum_grad", indices)
        acc_u = self._slot("accum_var", indices)
        torch._foreach_mul_(acc, rho)
        torch._foreach_addcmul_(acc, grads, grads, value=_f32(1.0 - rho))
        num = torch._foreach_add(acc_u, eps)
        torch._foreach_sqrt_(num)
        den = torch._foreach_add(acc, eps)
        torch._foreach_sqrt_(den)
        torch._foreach_div_(num, den)
        update = num
        torch._foreach_mul_(update, grads)
        torch._foreach_mul_(acc_u, rho)
        torch._foreach_addcmul_(acc_u, update, update, value=_f32(1.0 - rho))
        torch._foreach_add_(params, update, alpha=-lr)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(rho=self._hyper_config("rho"), epsilon=self.epsilon)
        return cfg


@registry.register("optimizer", "adam")
class Adam(Optimizer):
    """``m = b1*m + (1-b1)*g``; ``v = b2*v + (1-b2)*g^2``;
    ``w -= lr * sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps)`` (``amsgrad``: ``max`` of all ``v``)."""

    beta_1 = Hyperparameter()
    beta_2 = Hyperparameter()

    def __init__(self, learning_rate=0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: Optional[float] = 1e-7, amsgrad: bool = False, name: str = "Adam",
                 **kwargs):
        self.beta_1, self.beta_2 = beta_1, beta_2
        self.epsilon = _default_epsilon(epsilon)
        self.amsgrad = bool(amsgrad)
        super().__init__(name=name, learning_rate=learning_rate, **kwargs)

    @property
    def _slot_names(self):
        return ("m", "v", "vhat") if self.amsgrad else ("m", "v")

    def _apply(self, indices, params, grads, lr, t):
        beta_1, beta_2 = float(self.beta_1), float(self.beta_2)
        b1, b2 = np.float32(beta_1), np.float32(beta_2)
        step = np.float32(t)
        alpha = _f32(np.float32(lr) * np.sqrt(np.float32(1) - b2 ** step) / (np.float32(1) - b1 ** step))
        m = self._slot("m", indices)
        v = self._slot("v", indices)
        torch._foreach_lerp_(m, grads, _f32(1.0 - beta_1))
        torch._foreach_mul_(v, beta_2)
        torch._foreach_addcmul_(v, grads, grads, value=_f32(1.0 - beta_2))
        if self.amsgrad:
            vhat = self._slot("vhat", indices)
            torch._foreach_maximum_(vhat, v)
            v = vhat
        denom = torch._foreach_sqrt(v)
        torch._foreach_add_(denom, self.epsilon)
        torch._foreach_addcdiv_(params, m, denom, value=-alpha)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(beta_1=self._hyper_config("beta_1"), beta_2=self._hyper_config("beta_2"), epsilon=self.epsilon,
                   amsgrad=self.amsgrad)
        return cfg


@registry.register("optimizer", "adamw")
class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019), as tf.keras 2.11+'s AdamW:
    before each update ``w -= w * weight_decay * lr``, then the Adam step."""

    _current_only = True

    @property
    def _slot_groups(self):
        # tf.keras 2.11+'s AdamW makes m and v per variable, then (amsgrad) every vhat
        return (("m", "v"), ("vhat",)) if self.amsgrad else (("m", "v"),)

    def __init__(self, learning_rate=0.001, weight_decay: float = 0.004, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: Optional[float] = 1e-7, amsgrad: bool = False,
                 name: str = "AdamW", **kwargs):
        if weight_decay is None:
            raise ValueError("AdamW: `weight_decay` cannot be None; pass 0.0 for no decay.")
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                         epsilon=epsilon, amsgrad=amsgrad, name=name, weight_decay=weight_decay,
                         **kwargs)
        self._current_formulas = True  # AdamW exists only among tf.keras 2.11+ optimizers


@registry.register("optimizer", "adamax")
class Adamax(Optimizer):
    """Adam with the infinity norm: ``v = max(b2*v, |g|)``; ``w -= lr/(1-b1^t) * m / (v + eps)``."""

    beta_1 = Hyperparameter()
    beta_2 = Hyperparameter()

    _slot_names = ("m", "v")

    def __init__(self, learning_rate=0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: Optional[float] = 1e-7, name: str = "Adamax", **kwargs):
        self.beta_1, self.beta_2 = beta_1, beta_2
        self.epsilon = _default_epsilon(epsilon)
        super().__init__(name=name, learning_rate=learning_rate, **kwargs)

    def _apply(self, indices, params, grads, lr, t):
        beta_1, beta_2 = float(self.beta_1), float(self.beta_2)
        scaled_lr = _f32(np.float32(lr) / (np.float32(1) - np.float32(beta_1) ** np.float32(t)))
        m = self._slot("m", indices)
        v = self._slot("v", indices)
        torch._foreach_lerp_(m, grads, _f32(1.0 - beta_1))
        torch._foreach_mul_(v, beta_2)
        torch._foreach_maximum_(v, torch._foreach_abs(grads))
        denom = torch._foreach_add(v, self.epsilon)
        torch._foreach_addcdiv_(params, m, denom, value=-scaled_lr)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(beta_1=self._hyper_config("beta_1"), beta_2=self._hyper_config("beta_2"), epsilon=self.epsilon)
        return cfg


@registry.register("optimizer", "nadam")
class Nadam(Optimizer):
    """Adam with Nesterov momentum and Keras's momentum schedule
    ``mu_t = b1 * (1 - 0.5 * 0.96 ** (schedule_decay * t))``.

    As in Keras, the learning rate is not decayed: ``decay``/``schedule_decay`` feed the
    momentum schedule instead (default 0.004).
    """

    beta_1 = Hyperparameter()
    beta_2 = Hyperparameter()

    _slot_names = ("m", "v")

    def __init__(self, learning_rate=0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: Optional[float] = 1e-7, name: str = "Nadam", **kwargs):
        kwargs["decay"] = kwargs.pop("schedule_decay", 0.004)
        self.beta_1, self.beta_2 = beta_1, beta_2
        self.epsilon = _default_epsilon(epsilon)
        super().__init__(name=name, learning_rate=learning_rate, **kwargs)
        if self._schedule is not None:
            raise ValueError("The Nadam optimizer does not support "
                             "keras.optimizers.schedules.LearningRateSchedules as the learning rate.")
        self.momentum_cache = torch.ones((), dtype=torch.float32)

    def _current_lr(self, step: int) -> float:
        return _f32(float(self._lr))

    def _layout(self) -> List[tuple]:
        out = super()._layout()
        return out[:1] + [("momentum_cache", None)] + out[1:] if self._slots else out

    def _begin_step(self, t: int) -> None:
        # Keras's momentum schedule, advanced once per step (float32 like TF)
        f = np.float32
        b1, b2 = f(float(self.beta_1)), f(float(self.beta_2))
        # legacy: 0.96 ** (schedule_decay * t); tf.keras 2.11+: 0.96 ** t
        decay = f(1.0) if self._current_formulas else f(self._initial_decay)
        mu_t = b1 * (f(1) - f(0.5) * f(0.96) ** (decay * f(t)))
        mu_next = b1 * (f(1) - f(0.5) * f(0.96) ** (decay * f(t + 1)))
        schedule_new = f(float(self.momentum_cache)) * mu_t
        self.momentum_cache.fill_(float(schedule_new))
        schedule_next = schedule_new * mu_next
        self._coefficients = dict(
            g_scale=float((f(1) - mu_t) / (f(1) - schedule_new)),
            m_scale=float(mu_next / (f(1) - schedule_next)),
            v_denominator=float(f(1) - b2 ** f(t)))

    def _apply(self, indices, params, grads, lr, t):
        f = np.float32
        b1, b2 = f(float(self.beta_1)), f(float(self.beta_2))
        c = self._coefficients
        m = self._slot("m", indices)
        v = self._slot("v", indices)
        torch._foreach_mul_(m, float(b1))
        torch._foreach_add_(m, grads, alpha=float(f(1) - b1))
        torch._foreach_mul_(v, float(b2))
        torch._foreach_addcmul_(v, grads, grads, value=float(f(1) - b2))
        # m_bar = (1 - mu_t) * g / (1 - schedule_new) + mu_next * m / (1 - schedule_next)
        m_bar = torch._foreach_mul(grads, c["g_scale"])
        torch._foreach_add_(m_bar, m, alpha=c["m_scale"])
        denom = torch._foreach_div(v, c["v_denominator"])
        torch._foreach_sqrt_(denom)
        torch._foreach_add_(denom, self.epsilon)
        torch._foreach_addcdiv_(params, m_bar, denom, value=-lr)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(beta_1=self._hyper_config("beta_1"), beta_2=self._hyper_config("beta_2"), epsilon=self.epsilon)
        return cfg


@registry.register("optimizer", "ftrl")
class Ftrl(Optimizer):
    """Follow-the-regularized-leader (McMahan et al., 2013), as tf.keras 2's legacy Ftrl.

    Per parameter: ``n`` (accumulated squared gradients, from ``initial_accumulator_value``) and
    ``z`` ("linear"); ``w = (sign(z) * l1 - z) / (n'^-p / lr + 2 * l2)`` where ``|z| > l1``, else 0,
    with ``p = learning_rate_power`` and ``l2`` raised by ``beta / (2 * lr)``.
    """

    learning_rate_power = Hyperparameter()
    l1_regularization_strength = Hyperparameter()
    l2_regularization_strength = Hyperparameter()
    beta = Hyperparameter()

    def __init__(self, learning_rate=0.001, learning_rate_power: float = -0.5,
                 initial_accumulator_value: float = 0.1, l1_regularization_strength: float = 0.0,
                 l2_regularization_strength: float = 0.0, name: str = "Ftrl",
                 l2_shrinkage_regularization_strength: float = 0.0, beta: float = 0.0, **kwargs):
        for arg, value in (("initial_accumulator_value", initial_accumulator_value),
                           ("l1_regularization_strength", l1_regularization_strength),
                           ("l2_regularization_strength", l2_regularization_strength),
                           ("l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength)):
            if value < 0.0:
                raise ValueError(f"Ftrl: `{arg}` needs to be positive or zero. Received: {value}.")
        if learning_rate_power > 0.0:
            raise ValueError(f"Ftrl: `learning_rate_power` needs to be negative or zero. "
                             f"Received: {learning_rate_power}.")
        self.learning_rate_power = learning_rate_power
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.beta = beta
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.l2_shrinkage_regularization_strength = float(l2_shrinkage_regularization_strength)
        super().__init__(name=name, learning_rate=learning_rate, **kwargs)

    _slot_names = ("accumulator", "linear")
    _slot_groups = (("accumulator", "linear"),)  # Keras makes both slots of a parameter together

    def _create_slots(self, params):
        self._slots["accumulator"] = [torch.full_like(p, self.initial_accumulator_value) for p in params]
        self._slots["linear"] = [torch.zeros_like(p) for p in params]

    def _apply(self, indices, params, grads, lr, t):
        power = float(self.learning_rate_power)
        l1 = float(self.l1_regularization_strength)
        l2 = float(self.l2_regularization_strength) + float(self.beta) / (2.0 * lr)
        shrinkage = self.l2_shrinkage_regularization_strength
        for p, g, acc, lin in zip(params, grads, self._slot("accumulator", indices),
                                  self._slot("linear", indices)):
            new_acc = acc + g * g
            if power == -0.5:
                sigma = (torch.sqrt(new_acc) - torch.sqrt(acc)) / lr
                quadratic = torch.sqrt(new_acc) / lr + 2.0 * l2
            else:
                sigma = (torch.pow(new_acc, -power) - torch.pow(acc, -power)) / lr
                quadratic = torch.pow(new_acc, -power) / lr + 2.0 * l2
            g_shrunk = g + 2.0 * shrinkage * p if shrinkage > 0 else g
            lin.add_(g_shrunk - sigma * p)
            update = (torch.sign(lin) * l1 - lin) / quadratic
            p.copy_(torch.where(torch.abs(lin) > l1, update, torch.zeros_like(update)))
            acc.copy_(new_acc)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(learning_rate_power=self._hyper_config("learning_rate_power"),
                   initial_accumulator_value=self.initial_accumulator_value,
                   l1_regularization_strength=self._hyper_config("l1_regularization_strength"),
                   l2_regularization_strength=self._hyper_config("l2_regularization_strength"),
                   l2_shrinkage_regularization_strength=self.l2_shrinkage_regularization_strength,
                   beta=self._hyper_config("beta"))
        return cfg
