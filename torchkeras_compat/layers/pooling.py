"""Pooling layers: Max/Average pooling in 1-3 dimensions and the global poolings.

As for the convolutions, a ``channels_last`` tensor reaches torch's pooling kernels as a free
``movedim`` view. Keras's ``'same'`` padding puts the odd padding cell at the end; max pooling
pads with ``-inf`` and average pooling leaves the padded cells out of the mean, as Keras does.
"""
from typing import Dict, Tuple

import torch
import torch.nn.functional as F

from ..backend import config as backend_config
from ..engine import registry
from ..engine.base_layer import InputSpec, Layer
from .convolutional import (_from_channels_first, _pad_arg, _to_channels_first, conv_output_length,
                            normalize_data_format, normalize_padding, normalize_tuple, same_padding)

_MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


class Pooling(Layer):
    """Base of the local poolings over ``rank`` spatial axes.

    Input ``(batch, *spatial, channels)`` (``channels_last``) or ``(batch, channels, *spatial)``;
    output spatial sizes ``conv_output_length(n, pool_size, padding, strides)``.
    """

    _mode = "max"

    def __init__(self, rank: int, pool_size, strides=None, padding: str = "valid", data_format=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.rank = rank
        if strides is None:
            strides = pool_size
        self.pool_size = normalize_tuple(pool_size, rank, "pool_size")
        self.strides = normalize_tuple(strides, rank, "strides")
        self.padding = normalize_padding(padding, self.name)
        self.data_format = normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=rank + 2)
        self._count_scales: Dict[tuple, torch.Tensor] = {}

    def _spatial(self, shape) -> tuple:
        return tuple(shape[2:]) if self.data_format == "channels_first" else tuple(shape[1:-1])

    def _output_spatial(self, input_shape) -> list:
        out = [conv_output_length(n, k, self.padding, s) for n, k, s in
               zip(self._spatial(input_shape), self.pool_size, self.strides)]
        if any(n is not None and n <= 0 for n in out):
            raise ValueError(
                f"Layer {self.name}: pool_size={self.pool_size} with strides={self.strides} and "
                f"padding={self.padding!r} does not fit input shape {tuple(input_shape)}: an output "
                "dimension would be <= 0. Use padding='same' or a smaller pool_size.")
        return out

    def compute_output_shape(self, input_shape):
        out = tuple(self._output_spatial(input_shape))
        if self.data_format == "channels_first":
            return (input_shape[0], input_shape[1]) + out
        return (input_shape[0],) + out + (input_shape[-1],)

    def call(self, inputs):
        if inputs.ndim != self.rank + 2:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: "
                             f"expected ndim={self.rank + 2}, found ndim={inputs.ndim}. "
                             f"Full shape received: {tuple(inputs.shape)}")
        if not inputs.is_floating_point():
            inputs = inputs.to(backend_config.torch_dtype())
        x = _to_channels_first(inputs, self.data_format)
        spatial = tuple(x.shape[2:])
        pads = [(0, 0)] * self.rank if self.padding == "valid" else \
            [same_padding(n, k, s) for n, k, s in zip(spatial, self.pool_size, self.strides)]
        try:
            y = self._pool(x, spatial, pads)
        except RuntimeError:
            self._output_spatial(tuple(inputs.shape))  # raises the Keras-style error if that is the cause
            raise
        return _from_channels_first(y, self.data_format)

    def _pool(self, x: torch.Tensor, spatial: tuple, pads) -> torch.Tensor:
        symmetric = all(b == a for b, a in pads)
        if self._mode == "max":
            if symmetric:   # torch pads max pooling with -inf itself
                return _MAX_POOL[self.rank](x, self.pool_size, self.strides, [b for b, _ in pads])
            x = F.pad(x, _pad_arg(pads), value=float("-inf"))
            return _MAX_POOL[self.rank](x, self.pool_size, self.strides)
        if symmetric:
            return _AVG_POOL[self.rank](x, self.pool_size, self.strides, [b for b, _ in pads],
                                        count_include_pad=False)
        # uneven 'same' padding: average over the whole window, then rescale each output cell by
        # window size / number of real (unpadded) cells in it
        y = _AVG_POOL[self.rank](F.pad(x, _pad_arg(pads)), self.pool_size, self.strides)
        return y * self._count_scale(spatial, pads, y)

    def _count_scale(self, spatial: tuple, pads, like: torch.Tensor) -> torch.Tensor:
        key = (spatial, like.device, like.dtype)
        scale = self._count_scales.get(key)
        if scale is None:
            scale = torch.ones((), dtype=torch.float64)
            for n, k, s, (before, _), out in zip(spatial, self.pool_size, self.strides, pads,
                                                 like.shape[2:]):
                starts = torch.arange(out, dtype=torch.float64) * s - before
                real = (torch.clamp(starts + k, max=n) - torch.clamp(starts, min=0))
                scale = scale.unsqueeze(-1) * (k / real)
            scale = scale.to(device=like.device, dtype=like.dtype)
            self._count_scales[key] = scale
        return scale

    def get_config(self):
        config = super().get_config()
        config.update({"pool_size": self.pool_size, "padding": self.padding,
                       "strides": self.strides, "data_format": self.data_format})
        return config


class Pooling1D(Pooling):
    """1-D pooling over time: ``(batch, steps, features)`` -> ``(batch, new_steps, features)``."""

    def __init__(self, pool_size=2, strides=None, padding: str = "valid",
                 data_format="channels_last", **kwargs):
        super().__init__(rank=1, pool_size=pool_size, strides=strides, padding=padding,
                         data_format=data_format, **kwargs)

    def get_config(self):
        config = Layer.get_config(self)  # Keras writes strides first for the 1-D poolings
        config.update({"strides": self.strides, "pool_size": self.pool_size,
                       "padding": self.padding, "data_format": self.data_format})
        return config


class Pooling2D(Pooling):
    """2-D pooling: ``(batch, rows, cols, channels)`` -> ``(batch, new_rows, new_cols, channels)``."""

    def __init__(self, pool_size=(2, 2), strides=None, padding: str = "valid", data_format=None,
                 **kwargs):
        super().__init__(rank=2, pool_size=pool_size, strides=strides, padding=padding,
                         data_format=data_format, **kwargs)


class Pooling3D(Pooling):
    """3-D pooling: ``(batch, d1, d2, d3, channels)`` -> ``(batch, n1, n2, n3, channels)``."""

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding: str = "valid", data_format=None,
                 **kwargs):
        super().__init__(rank=3, pool_size=pool_size, strides=strides, padding=padding,
                         data_format=data_format, **kwargs)


@registry.register("layer", "MaxPool1D")
class MaxPooling1D(Pooling1D):
    """Max over windows of ``pool_size`` steps (stride ``strides``, default ``pool_size``)."""


@registry.register("layer", "AvgPool1D")
class AveragePooling1D(Pooling1D):
    """Mean over windows of ``pool_size`` steps; 'same' padding leaves padded steps out of the mean."""

    _mode = "avg"


@registry.register("layer", "MaxPool2D")
class MaxPooling2D(Pooling2D):
    """Max over ``pool_size`` windows of rows and columns."""


@registry.register("layer", "AvgPool2D")
class AveragePooling2D(Pooling2D):
    """Mean over ``pool_size`` windows; 'same' padding leaves padded cells out of the mean."""

    _mode = "avg"


@registry.register("layer", "MaxPool3D")
class MaxPooling3D(Pooling3D):
    """Max over ``pool_size`` windows of three spatial axes."""


@registry.register("layer", "AvgPool3D")
class AveragePooling3D(Pooling3D):
    """Mean over ``pool_size`` windows of three spatial axes; padded cells are left out."""

    _mode = "avg"


MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D


# ---------------------------------------------------------------- global pooling
class GlobalPooling(Layer):
    """Base of the global poolings: reduce all ``rank`` spatial axes.

    Output ``(batch, channels)``, or with ``keepdims=True`` the input's rank with spatial sizes 1.
    """

    def __init__(self, rank: int, data_format=None, keepdims: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.rank = rank
        self.data_format = normalize_data_format(data_format)
        self.keepdims = bool(keepdims)
        self.input_spec = InputSpec(ndim=rank + 2)

    def _axes(self) -> Tuple[int, ...]:
        first = 2 if self.data_format == "channels_first" else 1
        return tuple(range(first, first + self.rank))

    def build(self, input_shape):
        for axis in self._axes():
            if input_shape[axis] == 0:
                raise ValueError(f"Layer {self.name}: incorrect input shape {tuple(input_shape)} "
                                 f"with dimension 0 at reduction axis {axis}.")
        self.built = True

    def compute_output_shape(self, input_shape):
        axes = self._axes()
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(input_shape))
        return tuple(d for i, d in enumerate(input_shape) if i not in axes)

    def _check_rank(self, inputs: torch.Tensor) -> None:
        if inputs.ndim != self.rank + 2:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: "
                             f"expected ndim={self.rank + 2}, found ndim={inputs.ndim}. "
                             f"Full shape received: {tuple(inputs.shape)}")

    def get_config(self):
        config = super().get_config()
        config.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return config


class _GlobalMax(GlobalPooling):
    def call(self, inputs):
        self._check_rank(inputs)
        return inputs.amax(dim=self._axes(), keepdim=self.keepdims)


class _GlobalAverage(GlobalPooling):
    def call(self, inputs):
        self._check_rank(inputs)
        if not inputs.is_floating_point():
            inputs = inputs.to(backend_config.torch_dtype())
        return inputs.mean(dim=self._axes(), keepdim=self.keepdims)


@registry.register("layer", "GlobalMaxPool1D")
class GlobalMaxPooling1D(_GlobalMax):
    """Max over time: ``(batch, steps, features)`` -> ``(batch, features)``."""

    def __init__(self, data_format="channels_last", keepdims: bool = False, **kwargs):
        super().__init__(rank=1, data_format=data_format, keepdims=keepdims, **kwargs)


@registry.register("layer", "GlobalAvgPool1D")
class GlobalAveragePooling1D(_GlobalAverage):
    """Mean over time: ``(batch, steps, features)`` -> ``(batch, features)``; with a mask, the mean
    of the unmasked steps only. The mask stops here."""

    def __init__(self, data_format="channels_last", keepdims: bool = False, **kwargs):
        super().__init__(rank=1, data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        self._check_rank(inputs)
        axis = self._axes()[0]
        weights = mask.to(inputs.dtype).unsqueeze(2 if self.data_format == "channels_last" else 1)
        return (inputs * weights).sum(dim=axis, keepdim=self.keepdims) / \
            weights.sum(dim=axis, keepdim=self.keepdims)

    def compute_mask(self, inputs, mask=None):
        return None


@registry.register("layer", "GlobalMaxPool2D")
class GlobalMaxPooling2D(_GlobalMax):
    """Max over rows and columns: ``(batch, rows, cols, channels)`` -> ``(batch, channels)``."""

    def __init__(self, data_format=None, keepdims: bool = False, **kwargs):
        super().__init__(rank=2, data_format=data_format, keepdims=keepdims, **kwargs)


@registry.register("layer", "GlobalAvgPool2D")
class GlobalAveragePooling2D(_GlobalAverage):
    """Mean over rows and columns: ``(batch, rows, cols, channels)`` -> ``(batch, channels)``."""

    def __init__(self, data_format=None, keepdims: bool = False, **kwargs):
        super().__init__(rank=2, data_format=data_format, keepdims=keepdims, **kwargs)


@registry.register("layer", "GlobalMaxPool3D")
class GlobalMaxPooling3D(_GlobalMax):
    """Max over three spatial axes -> ``(batch, channels)``."""

    def __init__(self, data_format=None, keepdims: bool = False, **kwargs):
        super().__init__(rank=3, data_format=data_format, keepdims=keepdims, **kwargs)


@registry.register("layer", "GlobalAvgPool3D")
class GlobalAveragePooling3D(_GlobalAverage):
    """Mean over three spatial axes -> ``(batch, channels)``."""

    def __init__(self, data_format=None, keepdims: bool = False, **kwargs):
        super().__init__(rank=3, data_format=data_format, keepdims=keepdims, **kwargs)


GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D
GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D = \
    GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAveragePooling3D
