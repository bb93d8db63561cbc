"""Learning-rate schedules (``keras.optimizers.schedules``): ``schedule(step) -> rate``.

An optimizer given a schedule calls it with its ``iterations`` count before each step.
"""
import math
from typing import Optional, Sequence

from ..engine import registry


class LearningRateSchedule:
    """Base class: ``__call__(step) -> float`` and ``get_config()``."""

    def __call__(self, step: int) -> float:
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(step).")

    def get_config(self) -> dict:
        raise NotImplementedError(f"{type(self).__name__} must implement get_config().")

    @classmethod
    def from_config(cls, config: dict) -> "LearningRateSchedule":
        return cls(**config)


@registry.register("lr_schedule")
class ExponentialDecay(LearningRateSchedule):
    """``initial * decay_rate ** (step / decay_steps)`` (integer division when ``staircase``)."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float,
                 staircase: bool = False, name: Optional[str] = None):
        if decay_steps <= 0:
            raise ValueError(f"ExponentialDecay: `decay_steps` must be positive, got {decay_steps}.")
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.decay_rate, self.staircase, self.name = decay_rate, staircase, name

    def __call__(self, step: int) -> float:
        p = step / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self.initial_learning_rate * self.decay_rate ** p

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


@registry.register("lr_schedule")
class InverseTimeDecay(LearningRateSchedule):
    """``initial / (1 + decay_rate * step / decay_steps)`` (floored ratio when ``staircase``)."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float,
                 staircase: bool = False, name: Optional[str] = None):
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.decay_rate, self.staircase, self.name = decay_rate, staircase, name

    def __call__(self, step: int) -> float:
        p = step / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self.initial_learning_rate / (1 + self.decay_rate * p)

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


@registry.register("lr_schedule")
class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[i]`` while ``boundaries[i-1] < step <= boundaries[i]``."""

    def __init__(self, boundaries: Sequence, values: Sequence, name: Optional[str] = None):
        if len(values) != len(boundaries) + 1:
            raise ValueError("PiecewiseConstantDecay: `values` must have one more element than "
                             f"`boundaries`; got {len(values)} values and {len(boundaries)} boundaries.")
        self.boundaries, self.values, self.name = list(boundaries), list(values), name

    def __call__(self, step: int) -> float:
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:
                return value
        return self.values[-1]

    def get_config(self) -> dict:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


@registry.register("lr_schedule")
class PolynomialDecay(LearningRateSchedule):
    """``(initial - end) * (1 - step / decay_steps) ** power + end`` (``cycle`` repeats it)."""

    def __init__(self, initial_learning_rate: float, decay_steps: int,
                 end_learning_rate: float = 0.0001, power: float = 1.0, cycle: bool = False,
                 name: Optional[str] = None):
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.end_learning_rate, self.power, self.cycle, self.name = end_learning_rate, power, cycle, name

    def __call__(self, step: int) -> float:
        decay_steps = self.decay_steps
        if self.cycle:
            multiplier = 1.0 if step == 0 else math.ceil(step / self.decay_steps)
            decay_steps = self.decay_steps * multiplier
        else:
            step = min(step, self.decay_steps)
        frac = 1 - step / decay_steps
        return (self.initial_learning_rate - self.end_learning_rate) * frac ** self.power \
            + self.end_learning_rate

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "end_learning_rate": self.end_learning_rate, "power": self.power,
                "cycle": self.cycle, "name": self.name}


@registry.register("lr_schedule")
class CosineDecay(LearningRateSchedule):
    """``initial * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decay_steps) / decay_steps)) + alpha)``.

    With ``warmup_target``, the rate first rises linearly from ``initial_learning_rate`` to
    ``warmup_target`` over ``warmup_steps`` steps, then decays from ``warmup_target``.
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int, alpha: float = 0.0,
                 name: Optional[str] = None, warmup_target: Optional[float] = None,
                 warmup_steps: int = 0):
        self.initial_learning_rate, self.decay_steps, self.alpha, self.name = \
            initial_learning_rate, decay_steps, alpha, name
        self.warmup_target, self.warmup_steps = warmup_target, warmup_steps

    def _decay(self, step: float, start: float) -> float:
        frac = min(step, self.decay_steps) / self.decay_steps
        cosine = 0.5 * (1 + math.cos(math.pi * frac))
        return start * ((1 - self.alpha) * cosine + self.alpha)

    def __call__(self, step: int) -> float:
        if self.warmup_target is None:
            return self._decay(step, self.initial_learning_rate)
        if step < self.warmup_steps:
            rise = (self.warmup_target - self.initial_learning_rate) * step / self.warmup_steps
            return self.initial_learning_rate + rise
        return self._decay(step - self.warmup_steps, self.warmup_target)

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name, "warmup_target": self.warmup_target,
                "warmup_steps": self.warmup_steps}


@registry.register("lr_schedule")
class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): the first period lasts ``first_decay_steps``
    steps, each next one ``t_mul`` times longer and starting ``m_mul`` times lower."""

    def __init__(self, initial_learning_rate: float, first_decay_steps: int, t_mul: float = 2.0,
                 m_mul: float = 1.0, alpha: float = 0.0, name: Optional[str] = None):
        self.initial_learning_rate, self.first_decay_steps = initial_learning_rate, first_decay_steps
        self.t_mul, self.m_mul, self.alpha, self.name = t_mul, m_mul, alpha, name

    def __call__(self, step: int) -> float:
        frac = step / self.first_decay_steps
        if self.t_mul == 1.0:
            restarts = math.floor(frac)
            frac -= restarts
        else:
            restarts = math.floor(math.log(1 - frac * (1 - self.t_mul)) / math.log(self.t_mul))
            done = (1 - self.t_mul ** restarts) / (1 - self.t_mul)
            frac = (frac - done) / self.t_mul ** restarts
        cosine = 0.5 * self.m_mul ** restarts * (1 + math.cos(math.pi * frac))
        return self.initial_learning_rate * ((1 - self.alpha) * cosine + self.alpha)

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self.t_mul,
                "m_mul": self.m_mul, "alpha": self.alpha, "name": self.name}


def serialize(schedule: LearningRateSchedule) -> dict:
    return registry.serialize(schedule)


def deserialize(config: dict, custom_objects: Optional[dict] = None) -> LearningRateSchedule:
    return registry.deserialize("lr_schedule", config, custom_objects,
                                what="learning rate schedule")
