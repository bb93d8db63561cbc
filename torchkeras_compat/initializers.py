"""Weight initializers (``keras.initializers``).

An initializer is called with a Keras-layout shape (e.g. a Dense kernel is ``(in, out)``, a
Conv2D kernel ``(kh, kw, in, out)``) and returns a CPU tensor of that shape; fans are computed
from that layout exactly as Keras does, so the statistics match Keras's. A ``seed`` makes every
call return the same values (as tf.keras 2 does); without it the global torch RNG is used.
"""
import math
from typing import Callable, Optional, Sequence, Tuple

import torch

from .backend import config
from .engine import registry

Tensor = torch.Tensor

# std of a unit normal truncated to [-2, 2]; VarianceScaling divides by it so the truncated
# distribution has the variance asked for.
_TRUNCATED_STD = 0.87962566103423978


def _shape(shape) -> Tuple[int, ...]:
    if isinstance(shape, int):
        return (shape,)
    return tuple(int(s) for s in shape)


def _float_dtype(dtype, who: str) -> torch.dtype:
    dt = config.torch_dtype(dtype)
    if not dt.is_floating_point:
        raise ValueError(f"{who} can only create floating-point weights; got dtype {dtype!r}.")
    return dt


def compute_fans(shape: Sequence[int]) -> Tuple[float, float]:
    """(fan_in, fan_out) of a Keras-layout weight shape.

    A kernel ``(..., in, out)`` of rank > 2 is a conv kernel: its receptive field
    (the product of the leading dims) multiplies both fans.
    """
    shape = _shape(shape)
    if len(shape) < 1:
        return 1.0, 1.0
    if len(shape) == 1:
        return float(shape[0]), float(shape[0])
    if len(shape) == 2:
        return float(shape[0]), float(shape[1])
    receptive_field = 1
    for dim in shape[:-2]:
        receptive_field *= dim
    return float(shape[-2] * receptive_field), float(shape[-1] * receptive_field)


class Initializer:
    """Base class: ``init(shape, dtype=None) -> Tensor``."""

    def __call__(self, shape, dtype=None, **kwargs) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(shape, dtype).")

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config_: dict) -> "Initializer":
        config_ = dict(config_)
        config_.pop("dtype", None)  # Keras 1/2.0 configs carried a dtype
        return cls(**config_)


class _Seeded(Initializer):
    """An initializer that draws random numbers; ``seed`` makes the draws repeatable."""

    def __init__(self, seed: Optional[int] = None):
        self.seed = seed

    def _generator(self) -> Optional[torch.Generator]:
        if self.seed is None:
            return None
        gen = torch.Generator(device="cpu")
        gen.manual_seed(int(self.seed))
        return gen


@registry.register("initializer", "zeros", "zero")
class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape, dtype=None, **kwargs) -> Tensor:
        return torch.zeros(_shape(shape), dtype=config.torch_dtype(dtype))


@registry.register("initializer", "ones", "one")
class Ones(Initializer):
    """All ones."""

    def __call__(self, shape, dtype=None, **kwargs) -> Tensor:
        return torch.ones(_shape(shape), dtype=config.torch_dtype(dtype))


@registry.register("initializer", "constant")
class Constant(Initializer):
    """Every entry is ``value`` (a scalar, or an array that broadcasts to the shape)."""

    def __init__(self, value=0):
        self.value = value

    def __call__(self, shape, dtype=None, **kwargs) -> Tensor:
        value = torch.as_tensor(self.value, dtype=config.torch_dtype(dtype))
        return torch.broadcast_to(value, _shape(shape)).clone()

    def get_config(self) -> dict:
        return {"value": self.value}


@registry.register("initializer", "random_normal", "normal")
class RandomNormal(_Seeded):
    """Normal distribution with ``mean`` and ``stddev``."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Optional[int] = None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None, **kwargs) -> Tensor:
        out = torch.empty(_shape(shape), dtype=_float_dtype(dtype, "RandomNormal"))
        return out.normal_(self.mean, self.stddev, generator=self._generator())

    def get_config(self) -> dict:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


@registry.register("initializer", "random_uniform", "uniform")
class RandomUniform(_Seeded):
    """Uniform distribution on ``[minval, maxval)``; integer dtypes draw integers in that range."""

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: Optional[int] = None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape, dtype=None, **kwargs) -> Tensor:
        dt = config.torch_dtype(dtype)
        if not dt.is_floating_point and dt != torch.bool:
            return torch.randint(int(self.minval), int(self.maxval), _shape(shape), dtype=dt,
                                 generator=self._generator())
        out = torch.empty(_shape(shape), dtype=_float_dtype(dtype, "RandomUniform"))
        return out.uniform_(self.minval, self.maxval, generator=self._generator())

    def get_config(self) -> dict:
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


def _truncated_normal(shape, mean: float, stddev: float, dtype, generator) -> Tensor:
    """Normal(mean, stddev) with draws beyond two stddevs redrawn (as tf.random.truncated_normal)."""
    out = torch.empty(shape, dtype=dtype)
    torch.nn.init.trunc_normal_(out, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=generator)
    return out.mul_(stddev).add_(mean)


@registry.register("initializer", "truncated_normal")
class TruncatedNormal(_Seeded):
    """Normal distribution cut at two standard deviations from the mean."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Optional[int] = None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None, **kwargs) -> Tensor:
        return _truncated_normal(_shape(shape), self.mean, self.stddev,
                                 _float_dtype(dtype, "TruncatedNormal"), self._generator())

    def get_config(self) -> dict:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


@registry.register("initializer", "variance_scaling")
class VarianceScaling(_Seeded):
    """Draws with variance ``scale / fan`` (fan_in, fan_out or their average).

    ``distribution``: 'truncated_normal' (Keras 2.2's 'normal' means this), 'untruncated_normal'
    or 'uniform' (on ``[-sqrt(3 * scale / fan), +sqrt(...)]``).
    """

    _MODES = ("fan_in", "fan_out", "fan_avg")
    _DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")

    def __init__(self, scale: float = 1.0, mode: str = "fan_in",
                 distribution: str = "truncated_normal", seed: Optional[int] = None):
        super().__init__(seed)
        if scale <= 0.0:
            raise ValueError(f"VarianceScaling: `scale` must be positive. Received: {scale}")
        mode = mode.lower()
        if mode not in self._MODES:
            raise ValueError(f"VarianceScaling: invalid `mode` {mode!r}; use one of {self._MODES}.")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in self._DISTRIBUTIONS:
            raise ValueError(f"VarianceScaling: invalid `distribution` {distribution!r}; "
                             f"use one of {self._DISTRIBUTIONS}.")
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def __call__(self, shape, dtype=None, **kwargs) -> Tensor:
        shape = _shape(shape)
        dtype = _float_dtype(dtype, type(self).__name__)
        fan_in, fan_out = compute_fans(shape)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, fan)
        gen = self._generator()
        if self.distribution == "truncated_normal":
            return _truncated_normal(shape, 0.0, math.sqrt(scale) / _TRUNCATED_STD, dtype, gen)
        if self.distribution == "untruncated_normal":
            return torch.empty(shape, dtype=dtype).normal_(0.0, math.sqrt(scale), generator=gen)
        limit = math.sqrt(3.0 * scale)
        return torch.empty(shape, dtype=dtype).uniform_(-limit, limit, generator=gen)

    def get_config(self) -> dict:
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed}


class _FixedVarianceScaling(VarianceScaling):
    """A named VarianceScaling preset whose config is only ``{'seed': ...}``."""

    _preset: Tuple[float, str, str] = (1.0, "fan_in", "truncated_normal")

    def __init__(self, seed: Optional[int] = None):
        scale, mode, distribution = self._preset
        super().__init__(scale=scale, mode=mode, distribution=distribution, seed=seed)

    def get_config(self) -> dict:
        return {"seed": self.seed}


@registry.register("initializer", "glorot_uniform")
class GlorotUniform(_FixedVarianceScaling):
    """Uniform on ``[-limit, limit]``, ``limit = sqrt(6 / (fan_in + fan_out))`` (Xavier)."""
    _preset = (1.0, "fan_avg", "uniform")


@registry.register("initializer", "glorot_normal")
class GlorotNormal(_FixedVarianceScaling):
    """Truncated normal with ``stddev = sqrt(2 / (fan_in + fan_out))``."""
    _preset = (1.0, "fan_avg", "truncated_normal")


@registry.register("initializer", "lecun_uniform")
class LecunUniform(_FixedVarianceScaling):
    """Uniform with ``limit = sqrt(3 / fan_in)``."""
    _preset = (1.0, "fan_in", "uniform")


@registry.register("initializer", "lecun_normal")
class LecunNormal(_FixedVarianceScaling):
    """Truncated normal with ``stddev = sqrt(1 / fan_in)``."""
    _preset = (1.0, "fan_in", "truncated_normal")


@registry.register("initializer", "he_uniform")
class HeUniform(_FixedVarianceScaling):
    """Uniform with ``limit = sqrt(6 / fan_in)``."""
    _preset = (2.0, "fan_in", "uniform")


@registry.register("initializer", "he_normal")
class HeNormal(_FixedVarianceScaling):
    """Truncated normal with ``stddev = sqrt(2 / fan_in)``."""
    _preset = (2.0, "fan_in", "truncated_normal")


@registry.register("initializer", "orthogonal")
class Orthogonal(_Seeded):
    """A (semi-)orthogonal matrix times ``gain``; shapes of rank > 2 are flattened to
    ``(prod(shape[:-1]), shape[-1])`` first, as Keras does."""

    def __init__(self, gain: float = 1.0, seed: Optional[int] = None):
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape, dtype=None, **kwargs) -> Tensor:
        shape = _shape(shape)
        dtype = _float_dtype(dtype, "Orthogonal")
        if len(shape) < 2:
            raise ValueError(f"The tensor to initialize must be at least two-dimensional. "
                             f"Received: shape={shape} of rank {len(shape)}.")
        num_rows = math.prod(shape[:-1])
        num_cols = shape[-1]
        flat = (max(num_rows, num_cols), min(num_rows, num_cols))
        a = torch.empty(flat, dtype=torch.float64).normal_(generator=self._generator())
        q, r = torch.linalg.qr(a)
        # make the decomposition unique (and the distribution uniform) as Keras does
        q = q * torch.sign(torch.diagonal(r))
        if num_rows < num_cols:
            q = q.T
        return (self.gain * q).reshape(shape).to(dtype).contiguous()

    def get_config(self) -> dict:
        return {"gain": self.gain, "seed": self.seed}


@registry.register("initializer", "identity")
class Identity(Initializer):
    """``gain`` times the identity matrix (2D shapes only; rectangular ones get a partial identity)."""

    def __init__(self, gain: float = 1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None, **kwargs) -> Tensor:
        shape = _shape(shape)
        if len(shape) != 2:
            raise ValueError(f"Identity matrix initializer can only be used for 2D matrices. "
                             f"Received: shape={shape} of rank {len(shape)}.")
        return self.gain * torch.eye(*shape, dtype=_float_dtype(dtype, "Identity"))

    def get_config(self) -> dict:
        return {"gain": self.gain}


# Keras's lower-case names (Keras 2.0-2.2 code calls e.g. initializers.glorot_uniform(seed=1))
zeros = zero = Zeros
ones = one = Ones
constant = Constant
random_normal = normal = RandomNormal
random_uniform = uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
glorot_uniform, glorot_normal = GlorotUniform, GlorotNormal
lecun_uniform, lecun_normal = LecunUniform, LecunNormal
he_uniform, he_normal = HeUniform, HeNormal
orthogonal = Orthogonal
identity = Identity


class _FunctionInitializer(Initializer):
    """Adapts a plain function ``f(shape, dtype=None)`` (which may return numpy) to an Initializer."""

    def __init__(self, fn: Callable):
        self.fn = fn
        self.__name__ = getattr(fn, "__name__", "initializer")

    def __call__(self, shape, dtype=None, **kwargs) -> Tensor:
        out = self.fn(_shape(shape), dtype=dtype)
        return torch.as_tensor(_to_cpu_array(out), dtype=config.torch_dtype(dtype))


def _to_cpu_array(value):
    if isinstance(value, Tensor):
        return value.detach().cpu()
    if hasattr(value, "numpy"):  # e.g. a backend variable
        return value.numpy()
    return value


def serialize(initializer):
    """An initializer's ``{'class_name', 'config'}``, or a plain function's name."""
    if isinstance(initializer, _FunctionInitializer):
        return initializer.fn.__name__
    return registry.serialize(initializer, module="keras.initializers")


def deserialize(config_, custom_objects: Optional[dict] = None):
    """A name or ``{'class_name', 'config'}`` -> an initializer instance."""
    obj = registry.deserialize("initializer", config_, custom_objects, what="initializer")
    if isinstance(obj, type):
        obj = obj()
    return obj


def get(identifier):
    """None -> None; name/config -> instance; an Initializer or a function ``f(shape, dtype)`` -> callable."""
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if callable(identifier):
        return _FunctionInitializer(identifier)
    raise ValueError(f"Could not interpret initializer identifier: {identifier!r}. "
                     "Pass a name such as 'glorot_uniform', an Initializer, or f(shape, dtype).")


def initialize(initializer, shape, dtype=None) -> Tensor:
    """Call `initializer` (anything `get` accepts) and return a CPU tensor of `shape` and `dtype`."""
    init = get(initializer)
    out = init(_shape(shape), dtype=dtype)
    out = torch.as_tensor(_to_cpu_array(out), dtype=config.torch_dtype(dtype))
    if tuple(out.shape) != _shape(shape):
        raise ValueError(f"Initializer {init!r} returned shape {tuple(out.shape)}, "
                         f"expected {_shape(shape)}.")
    return out
