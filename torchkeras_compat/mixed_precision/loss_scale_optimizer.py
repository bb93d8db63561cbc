"""LossScaleOptimizer: loss scaling for float16 training, wrapped around a Keras optimizer.

float16 gradients underflow to zero when small. The loss is multiplied by a large *loss
scale* before ``backward()`` (`get_scaled_loss`), and the gradients are divided by it again
before the update. With ``dynamic=True`` the scale follows ``torch.amp.GradScaler``'s rule
(tf.keras's too): a step whose gradients hold inf/NaN is skipped and halves the scale (never
below 1); after `dynamic_growth_steps` finite steps in a row the scale doubles.

The training loop uses it as any optimizer, plus one call::

    loss = optimizer.get_scaled_loss(loss)
    loss.backward()
    optimizer.step()        # unscales p.grad, checks it, steps or skips, updates the scale
"""
from typing import Dict, List, Optional, Sequence, Tuple

import torch

_DEFAULT_INITIAL_SCALE = 2.0 ** 15
_DEFAULT_GROWTH_STEPS = 2000
_MULTIPLIER = 2.0


class LossScaleOptimizer:
    """Wraps `inner_optimizer` and scales the loss so float16 gradients do not underflow.

    Args:
        inner_optimizer: a ``keras.optimizers.Optimizer`` instance to apply the updates.
        dynamic: True adjusts the scale during training; False keeps `initial_scale`.
        initial_scale: the starting scale (default 2**15 when dynamic; required otherwise).
        dynamic_growth_steps: finite steps in a row before the scale doubles (default 2000;
            must be None when not dynamic).

    Every other attribute (``lr``, ``iterations``, ``get_weights``, ...) is the inner
    optimizer's.
    """

    def __init__(self, inner_optimizer, dynamic: bool = True,
                 initial_scale: Optional[float] = None,
                 dynamic_growth_steps: Optional[int] = None):
        _check_inner_optimizer(inner_optimizer)
        if not isinstance(dynamic, bool):
            raise TypeError('"dynamic" argument to LossScaleOptimizer.__init__ must be a bool, '
                            f"but got: {dynamic!r}")
        if dynamic:
            initial_scale = _DEFAULT_INITIAL_SCALE if initial_scale is None else initial_scale
            if dynamic_growth_steps is None:
                dynamic_growth_steps = _DEFAULT_GROWTH_STEPS
        else:
            if initial_scale is None:
                raise ValueError('"initial_scale" must be specified if "dynamic" is False')
            if dynamic_growth_steps is not None:
                raise ValueError('"dynamic_growth_steps" must be None if "dynamic" is False, '
                                 f"but got: {dynamic_growth_steps}")
        inner_optimizer._is_wrapped_by_loss_scale_optimizer = True
        self._optimizer = inner_optimizer
        self._dynamic = dynamic
        self._initial_scale = float(initial_scale)
        self._growth_steps = dynamic_growth_steps
        # State lives on the parameters' device once known, so nothing here syncs the host.
        self._scale = torch.tensor(self._initial_scale, dtype=torch.float32)
        self._counter = torch.zeros((), dtype=torch.int64)

    # ---------------------------------------------------------------- properties
    @property
    def inner_optimizer(self):
        return self._optimizer

    @property
    def dynamic(self) -> bool:
        return self._dynamic

    @property
    def loss_scale(self) -> torch.Tensor:
        """The current loss scale, a 0-d float32 tensor."""
        return self._scale

    @property
    def dynamic_counter(self) -> Optional[torch.Tensor]:
        """Finite steps since the scale last changed (None when not dynamic)."""
        return self._counter if self._dynamic else None

    @property
    def initial_scale(self) -> float:
        return self._initial_scale

    @property
    def dynamic_growth_steps(self) -> Optional[int]:
        return self._growth_steps

    # The learning rate is the inner optimizer's; both names read and write it.
    @property
    def learning_rate(self):
        return self._optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value) -> None:
        self._optimizer.learning_rate = value

    lr = learning_rate

    def __getattr__(self, name):
        # Only called for attributes not found here: delegate to the inner optimizer.
        if name.startswith("__") or name == "_optimizer":
            raise AttributeError(name)
        return getattr(self._optimizer, name)

    # ---------------------------------------------------------------- scaling
    def get_scaled_loss(self, loss: torch.Tensor) -> torch.Tensor:
        """`loss` multiplied by the loss scale (computed in float32)."""
        scale = self._scale_on(loss.device)
        return loss.float() * scale

    def get_unscaled_gradients(self, grads: Sequence[Optional[torch.Tensor]]) -> List:
        """`grads` divided by the loss scale (None entries stay None)."""
        out = []
        for g in grads:
            out.append(None if g is None else g * (1.0 / self._scale_on(g.device)).to(g.dtype))
        return out

    def _scale_on(self, device: torch.device) -> torch.Tensor:
        if self._scale.device != device:
            self._scale = self._scale.to(device)
            self._counter = self._counter.to(device)
        return self._scale

    # ---------------------------------------------------------------- stepping
    def build(self, params) -> None:
        self._optimizer.build(params)

    def zero_grad(self, set_to_none: bool = True) -> None:
        self._optimizer.zero_grad(set_to_none)

    def step(self) -> None:
        """Unscale the (scaled) gradients in ``p.grad``, then apply them unless one is inf/NaN."""
        self._step(unscale=True)

    @torch.no_grad()
    def _step(self, unscale: bool) -> None:
        params = [p for p in getattr(self._optimizer, "_params", []) if p.grad is not None]
        if not params:
            self._optimizer.step()
            return
        scale = self._scale_on(params[0].grad.device)
        grads = [p.grad for p in params]
        found_inf = _unscale_and_check(grads, scale) if unscale else _check_finite(grads, scale)
        if self._dynamic:
            self._update_scale(found_inf)
        if bool(found_inf.item()):  # one host sync per step, as torch's GradScaler
            self._optimizer.iterations += 1  # a skipped step still counts, as in tf.keras
        else:
            self._optimizer.step()

    def apply_gradients(self, grads_and_vars=None, **kwargs) -> None:
        """Applies ``(grad, param)`` pairs of *unscaled* gradients (from
        `get_unscaled_gradients`), as in tf.keras: skipped, and the scale lowered, if any
        is inf/NaN. Without pairs, it is `step()`."""
        if grads_and_vars is not None:
            pairs = [(g, v) for g, v in grads_and_vars if g is not None]
            if not getattr(self._optimizer, "_params", None):
                self._optimizer.build([v for _, v in pairs])
            for p in self._optimizer._params:
                p.grad = None
            for g, v in pairs:
                v.grad = torch.as_tensor(g, dtype=v.dtype, device=v.device)
            self._step(unscale=False)
        else:
            self.step()

    def _update_scale(self, found_inf: torch.Tensor) -> None:
        """tf.keras's dynamic rule, computed on the device without reading the values back."""
        found = found_inf.to(torch.bool)
        counter = torch.where(found, torch.zeros_like(self._counter), self._counter + 1)
        grow = counter >= self._growth_steps
        grown = self._scale * _MULTIPLIER
        grown = torch.where(torch.isfinite(grown), grown, self._scale)
        shrunk = torch.clamp(self._scale / _MULTIPLIER, min=1.0)
        new_scale = torch.where(found, shrunk, torch.where(grow, grown, self._scale))
        self._scale.copy_(new_scale)
        self._counter.copy_(torch.where(grow, torch.zeros_like(counter), counter))

    # ---------------------------------------------------------------- config
    def get_config(self) -> dict:
        return {"inner_optimizer": _serialize_optimizer(self._optimizer),
                "dynamic": self._dynamic, "initial_scale": self._initial_scale,
                "dynamic_growth_steps": self._growth_steps}

    @classmethod
    def from_config(cls, config_: dict, custom_objects=None) -> "LossScaleOptimizer":
        config_ = dict(config_)
        if "loss_scale" in config_:  # TF 2.3's experimental form
            config_.update(_legacy_loss_scale_args(config_.pop("loss_scale")))
            config_["inner_optimizer"] = config_.pop("optimizer")
        inner = config_.pop("inner_optimizer")
        if isinstance(inner, dict):
            from .. import optimizers
            inner = optimizers.deserialize(inner, custom_objects=custom_objects)
        return cls(inner, **config_)

    def __repr__(self) -> str:
        return f"<LossScaleOptimizer wrapping {self._optimizer!r}>"


def wrap_for_policy(optimizer, policy):
    """What tf.keras's ``compile`` does: under ``'mixed_float16'``, an optimizer not already
    wrapped gets a dynamic `LossScaleOptimizer`; anything else is returned as is."""
    if getattr(policy, "name", policy) != "mixed_float16":
        return optimizer
    if isinstance(optimizer, LossScaleOptimizer):
        return optimizer
    return LossScaleOptimizer(optimizer)


def _check_inner_optimizer(optimizer) -> None:
    if isinstance(optimizer, LossScaleOptimizer):
        raise TypeError(f"LossScaleOptimizer cannot wrap another LossScaleOptimizer, but got: "
                        f"{optimizer}")
    if not all(hasattr(optimizer, name) for name in ("build", "step", "zero_grad", "iterations")):
        raise TypeError('"inner_optimizer" must be an instance of `keras.optimizers.Optimizer`, '
                        f"but got: {optimizer}. ")
    if getattr(optimizer, "_is_wrapped_by_loss_scale_optimizer", False):
        raise ValueError('"inner_optimizer" is already wrapped by a LossScaleOptimizer. An '
                         "optimizer can only be wrapped by a single LossScaleOptimizer")


def _unscale_and_check(grads: List[torch.Tensor], scale: torch.Tensor) -> torch.Tensor:
    """Divides `grads` by `scale` in place; returns a 0-d float tensor, 1.0 if any is inf/NaN."""
    found_inf = torch.zeros((), dtype=torch.float32, device=scale.device)
    inv_scale = scale.double().reciprocal().float()
    groups: Dict[Tuple[torch.device, torch.dtype], List[torch.Tensor]] = {}
    for g in grads:
        groups.setdefault((g.device, g.dtype), []).append(g)
    for (device, _), group in groups.items():
        found = torch.zeros((), dtype=torch.float32, device=device)
        try:  # torch's fused kernel, the one GradScaler uses
            torch._amp_foreach_non_finite_check_and_unscale_(group, found, inv_scale.to(device))
        except (RuntimeError, AttributeError, NotImplementedError):
            for g in group:
                found = torch.maximum(found, (~torch.isfinite(g)).any().float())
                g.mul_(inv_scale.to(device, g.dtype))
        found_inf = torch.maximum(found_inf, found.to(found_inf.device))
    return found_inf


def _check_finite(grads: List[torch.Tensor], scale: torch.Tensor) -> torch.Tensor:
    """A 0-d float tensor on the scale's device: 1.0 if any gradient holds inf/NaN."""
    found = torch.zeros((), dtype=torch.float32, device=scale.device)
    for g in grads:
        found = torch.maximum(found, (~torch.isfinite(g)).any().float().to(found.device))
    return found


def _legacy_loss_scale_args(loss_scale) -> dict:
    """TF 2.1-2.3's ``loss_scale`` argument as (dynamic, initial_scale[, growth steps])."""
    if loss_scale in ("dynamic", "auto", None):
        return {"dynamic": True}
    if isinstance(loss_scale, dict):  # a serialized Fixed/DynamicLossScale
        cfg = loss_scale.get("config", {})
        if loss_scale.get("class_name") == "FixedLossScale":
            return {"dynamic": False, "initial_scale": cfg["loss_scale_value"]}
        return {"dynamic": True, "initial_scale": cfg.get("initial_loss_scale"),
                "dynamic_growth_steps": cfg.get("increment_period")}
    if isinstance(loss_scale, (int, float)):
        return {"dynamic": False, "initial_scale": float(loss_scale)}
    raise ValueError(f"Invalid loss_scale {loss_scale!r}: use 'dynamic' or a number.")


def _serialize_optimizer(optimizer) -> dict:
    try:
        from .. import optimizers
        return optimizers.serialize(optimizer)
    except (ImportError, AttributeError):
        return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}
