"""Activation layers with parameters: LeakyReLU, PReLU, ELU, ThresholdedReLU, Softmax, ReLU."""
from typing import Optional

import numpy as np
import torch
import torch.nn.functional as F

from .. import activations, constraints, initializers, regularizers
from ..engine import registry
from ..engine.base_layer import InputSpec, Layer


def _floatx(value) -> float:
    """Keras casts these arguments to float32 (so 0.3 is written as 0.30000001192092896)."""
    return float(np.float32(value))


class _ElementWise(Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def compute_output_shape(self, input_shape):
        return input_shape


@registry.register("layer")
class LeakyReLU(_ElementWise):
    """``x`` for ``x >= 0``, ``alpha * x`` otherwise (Keras 2 default ``alpha=0.3``)."""

    def __init__(self, alpha: float = 0.3, **kwargs):
        super().__init__(**kwargs)
        if alpha is None:
            raise ValueError(f"The alpha value of a Leaky ReLU layer cannot be None, expecting a "
                             f"float. Received: {alpha} (layer {self.name})")
        self.alpha = _floatx(alpha)

    def call(self, inputs):
        return F.leaky_relu(inputs, self.alpha)

    def get_config(self):
        config = super().get_config()
        config["alpha"] = self.alpha
        return config


@registry.register("layer")
class PReLU(_ElementWise):
    """Leaky ReLU with a learned slope per element: ``x`` if ``x >= 0`` else ``alpha * x``.

    ``alpha`` has the input's shape without the batch axis, with size 1 on ``shared_axes``
    (e.g. ``shared_axes=[1, 2]`` for one slope per channel of a ``(batch, h, w, c)`` map).
    """

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None or isinstance(shared_axes, (list, tuple)):
            self.shared_axes = None if shared_axes is None else list(shared_axes)
        else:
            self.shared_axes = [shared_axes]

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for axis in self.shared_axes or []:
            if not 1 <= axis <= len(shape):
                raise ValueError(f"Layer {self.name}: shared_axes={self.shared_axes} is out of range "
                                 f"for input shape {tuple(input_shape)}.")
            shape[axis - 1] = 1
        if any(d is None for d in shape):
            raise ValueError(f"Layer {self.name}: PReLU needs known sizes on the non-shared axes; "
                             f"received input shape {tuple(input_shape)} with shared_axes="
                             f"{self.shared_axes}.")
        self.alpha = self.add_weight("alpha", tuple(shape), initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer, constraint=self.alpha_constraint)
        axes = {i + 1: d for i, d in enumerate(shape) if d != 1}
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)
        self.built = True

    def call(self, inputs):
        return torch.where(inputs >= 0, inputs, self.alpha * inputs)

    def get_config(self):
        config = super().get_config()
        config.update({
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
            "alpha_constraint": constraints.serialize(self.alpha_constraint),
            "shared_axes": self.shared_axes,
        })
        return config


@registry.register("layer")
class ELU(_ElementWise):
    """``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise."""

    def __init__(self, alpha: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        if alpha is None:
            raise ValueError(f"Alpha of an ELU layer cannot be None, expecting a float. Received: "
                             f"{alpha} (layer {self.name})")
        self.alpha = _floatx(alpha)

    def call(self, inputs):
        return F.elu(inputs, self.alpha)

    def get_config(self):
        config = super().get_config()
        config["alpha"] = self.alpha
        return config


@registry.register("layer")
class ThresholdedReLU(_ElementWise):
    """``x`` for ``x > theta``, 0 otherwise."""

    def __init__(self, theta: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        if theta is None or theta < 0:
            raise ValueError(f"The theta value of a Thresholded ReLU layer should be >= 0. Received: "
                             f"{theta} (layer {self.name})")
        self.theta = _floatx(theta)

    def call(self, inputs):
        return inputs * (inputs > self.theta).to(inputs.dtype)

    def get_config(self):
        config = super().get_config()
        config["theta"] = self.theta
        return config


@registry.register("layer")
class Softmax(_ElementWise):
    """Softmax over ``axis`` (an int or a tuple of axes). With a mask, masked positions get
    probability 0 (Keras adds -1e9 to their logits)."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else int(axis)

    def call(self, inputs, mask=None):
        if mask is not None:
            inputs = inputs + (1.0 - mask.to(inputs.dtype)) * -1e9
        if isinstance(self.axis, list):
            return torch.exp(inputs - torch.logsumexp(inputs, dim=self.axis, keepdim=True))
        return torch.softmax(inputs, dim=self.axis)

    def compute_mask(self, inputs, mask=None):
        return mask

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config


@registry.register("layer")
class ReLU(_ElementWise):
    """``max_value`` cap, ``negative_slope`` below ``threshold``:
    ``f(x) = max_value if x >= max_value; x if threshold <= x < max_value;
    negative_slope * (x - threshold) otherwise``."""

    def __init__(self, max_value: Optional[float] = None, negative_slope: float = 0.0,
                 threshold: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0:
            raise ValueError(f"max_value of a ReLU layer cannot be a negative value. Received: "
                             f"{max_value} (layer {self.name})")
        if negative_slope is None or negative_slope < 0:
            raise ValueError(f"negative_slope of a ReLU layer cannot be a negative value. Received: "
                             f"{negative_slope} (layer {self.name})")
        if threshold is None or threshold < 0:
            raise ValueError(f"threshold of a ReLU layer cannot be a negative value. Received: "
                             f"{threshold} (layer {self.name})")
        self.max_value = None if max_value is None else _floatx(max_value)
        self.negative_slope = _floatx(negative_slope)
        self.threshold = _floatx(threshold)

    def call(self, inputs):
        return activations.relu(inputs, alpha=self.negative_slope, max_value=self.max_value,
                                threshold=self.threshold)

    def get_config(self):
        config = super().get_config()
        config.update({"max_value": self.max_value, "negative_slope": self.negative_slope,
                       "threshold": self.threshold})
        return config
