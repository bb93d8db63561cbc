"""Regularisation layers that act only in training: GaussianNoise, GaussianDropout,
AlphaDropout and SpatialDropout1D/2D/3D (whole feature maps dropped)."""
import math
from typing import Optional

import torch

from ..engine import registry
from ..engine.base_layer import InputSpec, Layer
from .core import Dropout


def _check_rate(rate: float, name: str) -> float:
    rate = float(rate)
    if not 0 <= rate <= 1:
        raise ValueError(f"Invalid value {rate} received for `rate` of layer {name}, expected a value "
                         "between 0 and 1.")
    return rate


@registry.register("layer")
class GaussianNoise(Layer):
    """Adds zero-centred Gaussian noise of standard deviation ``stddev`` in training."""

    def __init__(self, stddev: float, seed: Optional[int] = None, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.stddev = float(stddev)
        self.seed = seed

    def call(self, inputs, training=None):
        if not training or self.stddev == 0:
            return inputs
        return inputs + torch.randn_like(inputs) * self.stddev

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"stddev": self.stddev, "seed": self.seed})
        return config


@registry.register("layer")
class GaussianDropout(Layer):
    """Multiplies by Gaussian noise of mean 1 and stddev ``sqrt(rate / (1 - rate))`` in training."""

    def __init__(self, rate: float, seed: Optional[int] = None, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.rate = _check_rate(rate, self.name)
        self.seed = seed

    def call(self, inputs, training=None):
        if not training or not 0 < self.rate < 1:
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        return inputs * (1.0 + torch.randn_like(inputs) * stddev)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config


@registry.register("layer")
class AlphaDropout(Layer):
    """Dropout that keeps the mean and variance of SELU activations: dropped units are set to
    SELU's negative saturation value, then an affine map restores the moments (training only)."""

    _ALPHA = 1.6732632423543772848170429916717
    _SCALE = 1.0507009873554804934193349852946

    def __init__(self, rate: float, noise_shape=None, seed: Optional[int] = None, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.rate = _check_rate(rate, self.name)
        self.noise_shape = noise_shape
        self.seed = seed

    def call(self, inputs, training=None):
        if not training or not 0 < self.rate < 1:
            return inputs
        rate = self.rate
        alpha_p = -self._ALPHA * self._SCALE
        shape = inputs.shape if self.noise_shape is None else tuple(
            inputs.shape[i] if d is None else d for i, d in enumerate(self.noise_shape))
        kept = (torch.rand(shape, device=inputs.device) >= rate).to(inputs.dtype)
        a = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * rate
        return a * (inputs * kept + alpha_p * (1 - kept)) + b

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config


class _SpatialDropout(Dropout):
    """Dropout of whole channels: one keep/drop decision per sample and channel."""
    _rank = 3

    def __init__(self, rate: float, data_format=None, **kwargs):
        kwargs.pop("noise_shape", None)
        super().__init__(rate, **kwargs)
        from ..backend import config
        self.data_format = config.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self._rank)

    def _noise_shape(self, inputs):
        batch = inputs.shape[0]
        if self.data_format == "channels_first":
            return (batch, inputs.shape[1]) + (1,) * (inputs.dim() - 2)
        return (batch,) + (1,) * (inputs.dim() - 2) + (inputs.shape[-1],)

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        keep = torch.empty(self._noise_shape(inputs), device=inputs.device,
                           dtype=inputs.dtype).bernoulli_(1 - self.rate)
        return inputs * keep / (1 - self.rate)


@registry.register("layer")
class SpatialDropout1D(_SpatialDropout):
    """Drops entire 1D feature maps: input ``(batch, timesteps, channels)``."""
    _rank = 3

    def __init__(self, rate: float, **kwargs):
        super().__init__(rate, data_format="channels_last", **kwargs)

    def get_config(self):
        return super().get_config()


@registry.register("layer")
class SpatialDropout2D(_SpatialDropout):
    """Drops entire 2D feature maps: input ``(batch, rows, cols, channels)`` (channels_last)."""
    _rank = 4

    def get_config(self):
        config = super().get_config()
        return config


@registry.register("layer")
class SpatialDropout3D(_SpatialDropout):
    """Drops entire 3D feature maps: input ``(batch, d1, d2, d3, channels)`` (channels_last)."""
    _rank = 5

    def get_config(self):
        config = super().get_config()
        return config
