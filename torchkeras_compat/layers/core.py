"""Core layers: Dense, Activation, Dropout, Flatten, Reshape, Permute, RepeatVector, Lambda,
ActivityRegularization and Masking."""
import math
from typing import Optional

import numpy as np
import torch
import torch.nn.functional as F

from .. import activations, constraints, initializers, regularizers
from ..engine import registry
from ..engine.base_layer import InputSpec, Layer


@registry.register("layer")
class Dense(Layer):
    """``output = activation(dot(input, kernel) + bias)``.

    Input shape: ``(batch, ..., input_dim)``; output shape: ``(batch, ..., units)``. The kernel is
    stored in Keras's ``(input_dim, units)`` layout; ``F.linear`` takes its transposed view for free.
    """

    def __init__(self, units: int, activation=None, use_bias: bool = True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = int(units)
        if self.units < 0:  # Keras lets units=0 through
            raise ValueError(f"Received an invalid value for `units`, expected a positive integer. "
                             f"Received: units={units}")
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.supports_masking = True
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape):
        last_dim = input_shape[-1]
        if last_dim is None:
            raise ValueError("The last dimension of the inputs to a Dense layer should be defined. "
                             f"Found None. Full input shape received: {tuple(input_shape)}")
        last_dim = int(last_dim)
        self.kernel = self.add_weight("kernel", (last_dim, self.units), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.bias = self.add_weight("bias", (self.units,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint) \
            if self.use_bias else None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: last_dim})
        self.built = True

    def call(self, inputs):
        if not inputs.is_floating_point():
            inputs = inputs.to(self.kernel.dtype)
        out = F.linear(inputs, self.kernel.t(), self.bias)
        return out if self.activation is activations.linear else self.activation(out)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        config = super().get_config()
        config.update({
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self._activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        })
        return config


@registry.register("layer")
class Activation(Layer):
    """Applies an activation function; shape unchanged."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config


@registry.register("layer")
class Dropout(Layer):
    """Sets a fraction ``rate`` of inputs to 0 during training, scaling the rest by 1/(1-rate).

    ``noise_shape`` broadcasts the mask (e.g. ``(batch, 1, features)`` drops whole features).
    """

    def __init__(self, rate: float, noise_shape=None, seed: Optional[int] = None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(f"Invalid value {rate} received for `rate`, expected a value between 0 and 1.")
        self.rate = float(rate)
        self.noise_shape = noise_shape
        self.seed = seed
        self.supports_masking = True

    def _noise_shape(self, inputs):
        if self.noise_shape is None:
            return None
        return tuple(inputs.shape[i] if d is None else d for i, d in enumerate(self.noise_shape))

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        shape = self._noise_shape(inputs)
        if shape is None:
            return F.dropout(inputs, self.rate, training=True)
        keep = torch.empty(shape, device=inputs.device, dtype=inputs.dtype).bernoulli_(1 - self.rate)
        return inputs * keep / (1 - self.rate)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed})
        return config


@registry.register("layer")
class Flatten(Layer):
    """Flattens all but the batch axis: ``(batch, d1, d2, ...)`` -> ``(batch, d1*d2*...)``.

    With ``data_format='channels_first'`` the channels axis is moved last first, as Keras does.
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        from ..backend import config
        self.data_format = config.normalize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs):
        if self.data_format == "channels_first" and inputs.ndim > 2:
            inputs = inputs.movedim(1, -1)
        return inputs.reshape(inputs.shape[0], -1) if inputs.ndim > 1 else inputs.reshape(-1, 1)

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        size = None if any(d is None for d in rest) else int(np.prod(rest)) if rest else 1
        return (input_shape[0], size)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config


@registry.register("layer")
class Reshape(Layer):
    """Reshapes to ``(batch,) + target_shape``; one entry of ``target_shape`` may be -1."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)
        if sum(1 for d in self.target_shape if d == -1) > 1:
            raise ValueError(f"Reshape: there can only be one unknown dimension (-1) in target_shape "
                             f"{self.target_shape}.")

    def _resolve(self, input_shape):
        size = None if any(d is None for d in input_shape[1:]) else int(np.prod(input_shape[1:]))
        shape = list(self.target_shape)
        if -1 in shape:
            known = int(np.prod([d for d in shape if d != -1]))
            if size is None:
                shape[shape.index(-1)] = None
            elif known == 0 or size % known:
                raise ValueError(f"Layer {self.name}: total size of new array must be unchanged, "
                                 f"input_shape = {list(input_shape[1:])}, output_shape = {list(self.target_shape)}")
            else:
                shape[shape.index(-1)] = size // known
        elif size is not None and int(np.prod(shape)) != size:
            raise ValueError(f"Layer {self.name}: total size of new array must be unchanged, "
                             f"input_shape = {list(input_shape[1:])}, output_shape = {list(self.target_shape)}")
        return tuple(shape)

    def call(self, inputs):
        return inputs.reshape((inputs.shape[0],) + self.target_shape)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self._resolve(input_shape)

    def get_config(self):
        config = super().get_config()
        config["target_shape"] = self.target_shape
        return config


@registry.register("layer")
class Permute(Layer):
    """Permutes the non-batch axes by ``dims`` (1-indexed), e.g. ``(2, 1)`` swaps the two axes."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(f"Invalid permutation argument `dims` for Permute Layer. The set of indices "
                             f"in `dims` must be consecutive and start from 1. Received dims={dims}")
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def call(self, inputs):
        return inputs.permute((0,) + self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self):
        config = super().get_config()
        config["dims"] = self.dims
        return config


@registry.register("layer")
class RepeatVector(Layer):
    """``(batch, features)`` -> ``(batch, n, features)``."""

    def __init__(self, n: int, **kwargs):
        super().__init__(**kwargs)
        self.n = int(n)
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs):
        return inputs.unsqueeze(1).expand(-1, self.n, -1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        config = super().get_config()
        config["n"] = self.n
        return config


@registry.register("layer")
class Lambda(Layer):
    """Wraps an expression ``function(inputs, **arguments)`` as a layer.

    ``output_shape`` (a tuple without the batch axis, or a function of the input shape) is used
    when given; otherwise the shape is found by running the function.
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self.function = function
        self.arguments = dict(arguments or {})
        self._output_shape = output_shape
        self.mask = mask
        self.supports_masking = mask is not None

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        params = _params_of(self.function)
        if "mask" in params:
            kwargs["mask"] = mask
        if "training" in params:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def _output_signature(self, inputs, input_shapes, kwargs):
        if self._output_shape is None:
            return super()._output_signature(inputs, input_shapes, kwargs)
        return self.compute_output_shape(input_shapes), self._dtype

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return super().compute_output_shape(input_shape)
        if callable(self._output_shape):
            shape = self._output_shape(input_shape)
            return tuple(shape) if not (isinstance(shape, list) and shape and isinstance(shape[0], (tuple, list))) else shape
        batch = input_shape[0][0] if isinstance(input_shape, list) else input_shape[0]
        return (batch,) + tuple(self._output_shape)

    def get_config(self):
        from ..saving import lambda_code
        config = super().get_config()
        config.update(lambda_code.serialize_function(self.function))
        config["output_shape"], config["output_shape_type"] = lambda_code.serialize_output_shape(self._output_shape)
        config["output_shape_module"] = lambda_code.output_shape_module(self._output_shape)
        config["arguments"] = self.arguments
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from ..saving import lambda_code
        return lambda_code.lambda_from_config(cls, config, custom_objects)


def _params_of(fn):
    import inspect
    try:
        return inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return {}


@registry.register("layer")
class ActivityRegularization(Layer):
    """Identity that adds ``l1 * sum(|x|) + l2 * sum(x^2)`` of its input to the model's losses."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs):
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.supports_masking = True
        self.l1, self.l2 = float(l1), float(l2)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"l1": self.l1, "l2": self.l2})
        return config


@registry.register("layer")
class Masking(Layer):
    """Masks timesteps whose features all equal ``mask_value``; downstream layers skip them."""

    def __init__(self, mask_value: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.mask_value = mask_value

    def compute_mask(self, inputs, mask=None):
        return (inputs != self.mask_value).any(dim=-1)

    def call(self, inputs):
        keep = (inputs != self.mask_value).any(dim=-1, keepdim=True)
        return inputs * keep.to(inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["mask_value"] = self.mask_value
        return config


@registry.register("layer")
class TorchModuleWrapper(Layer):
    """Puts a plain ``torch.nn.Module`` into a Keras model; its parameters train with the model.

    The module takes and returns tensors in the shapes the surrounding layers use.
    """

    def __init__(self, module: torch.nn.Module, **kwargs):
        super().__init__(**kwargs)
        self.module = module

    def build(self, input_shape):
        from ..backend import config
        self.module.to(config.get_device())
        self.built = True

    def call(self, inputs, training=None):
        self.module.train(bool(training))
        return self.module(inputs)

    def get_config(self):
        raise NotImplementedError(f"Layer {self.name} wraps the torch module "
                                  f"{type(self.module).__name__}, which has no Keras config; save its "
                                  "weights (model.save_weights or torch.save(model.state_dict())) instead.")


@registry.register("layer")
class Identity(Layer):
    """Returns its input unchanged (any shape); a placeholder layer."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape


@registry.register("layer")
class Rescaling(Layer):
    """``inputs * scale + offset`` in floatx (e.g. ``Rescaling(1. / 255)`` for image pixels)."""

    def __init__(self, scale: float, offset: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset

    def call(self, inputs):
        dtype = inputs.dtype if inputs.is_floating_point() else torch.float32
        x = inputs.to(dtype)
        scale = torch.as_tensor(self.scale, dtype=dtype, device=x.device)
        offset = torch.as_tensor(self.offset, dtype=dtype, device=x.device)
        return x * scale + offset

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"scale": self.scale, "offset": self.offset})
        return config


_MOVED_FROM_CORE = ("SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D")


def __getattr__(name: str):
    # Keras 2 defined the spatial dropouts in keras.layers.core (`from keras.layers.core import
    # SpatialDropout2D`); they live in noise.py here, looked up lazily (noise imports this module)
    if name in _MOVED_FROM_CORE:
        from . import noise
        return getattr(noise, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
