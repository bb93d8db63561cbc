"""Convolutional layers: Conv1D/2D/3D, their transposes, separable and depthwise convolutions,
and the shape layers that go with them (UpSampling, ZeroPadding, Cropping).

Tensors between layers keep Keras's shapes (``channels_last`` by default). A ``channels_last``
tensor ``(batch, *spatial, channels)`` reaches torch as the ``(batch, channels, *spatial)`` view
that ``movedim`` gives for free: its strides are torch's ``channels_last`` memory format, which
the oneDNN/cuDNN kernels take natively. Kernels are stored in torch's layout (e.g. a 2-D kernel
as ``(out, in, kh, kw)``); Keras's layout (``(kh, kw, in, out)``) exists only at the weight
boundary (``get_weights``/``set_weights``/saving), through ``add_weight(to_keras=, from_keras=)``.

Keras's ``'same'`` padding is TensorFlow's: when the total padding of an axis is odd, the extra
row/column goes at the end. Torch pads symmetrically, so that case pads with ``F.pad`` first.
"""
import warnings
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F

from .. import activations, constraints, initializers, regularizers
from ..backend import config as backend_config
from ..engine import registry
from ..engine.base_layer import InputSpec, Layer

_TORCH_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_TORCH_CONV_TRANSPOSE = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


# ---------------------------------------------------------------- argument helpers (keras.utils.conv_utils)
def normalize_tuple(value, n: int, name: str, allow_zero: bool = False) -> Tuple[int, ...]:
    """An int or an iterable of ``n`` ints -> a tuple of ``n`` ints (each > 0, or >= 0 with allow_zero)."""
    error = f"The `{name}` argument must be a tuple of {n} integers. Received: {value}"
    if isinstance(value, int):
        values = (value,) * n
    else:
        try:
            values = tuple(value)
        except TypeError:
            raise ValueError(error) from None
        if len(values) != n:
            raise ValueError(error)
        try:
            values = tuple(int(v) for v in values)
        except (TypeError, ValueError):
            raise ValueError(error) from None
    bad = {v for v in values if (v < 0 if allow_zero else v <= 0)}
    if bad:
        raise ValueError(f"{error} including {bad} that does not satisfy the requirement "
                         f"`{'>= 0' if allow_zero else '> 0'}`.")
    return values


def normalize_padding(value, layer: str, allowed: Sequence[str] = ("valid", "same")) -> str:
    """Lower-cased padding name, checked against what layer ``layer`` supports."""
    padding = value.lower() if isinstance(value, str) else value
    if padding not in allowed:
        names = ", ".join(repr(a) for a in allowed)
        hint = " ('full' was Keras 1's border_mode; Keras 2 has no such padding)" if padding == "full" else ""
        raise ValueError(f"Layer {layer}: invalid `padding` {value!r}; expected one of {names}{hint}.")
    return padding


def normalize_data_format(value) -> str:
    return backend_config.normalize_data_format(value.lower() if isinstance(value, str) else value)


def conv_output_length(length: Optional[int], kernel: int, padding: str, stride: int,
                       dilation: int = 1) -> Optional[int]:
    """Output length of a convolution or pooling along one axis (Keras's formula)."""
    if length is None:
        return None
    span = (kernel - 1) * dilation + 1
    out = length if padding in ("same", "causal") else length - span + 1
    return (out + stride - 1) // stride


def deconv_output_length(length: Optional[int], kernel: int, padding: str,
                         output_padding: Optional[int] = None, stride: int = 1,
                         dilation: int = 1) -> Optional[int]:
    """Output length of a transposed convolution along one axis (Keras's formula)."""
    if length is None:
        return None
    span = (kernel - 1) * dilation + 1
    if output_padding is None:
        return length * stride + max(span - stride, 0) if padding == "valid" else length * stride
    pad = span // 2 if padding == "same" else 0
    return (length - 1) * stride + span - 2 * pad + output_padding


def same_padding(length: int, kernel: int, stride: int, dilation: int = 1) -> Tuple[int, int]:
    """TensorFlow's 'SAME' padding of one axis: (before, after), the odd one at the end."""
    span = (kernel - 1) * dilation + 1
    out = (length + stride - 1) // stride
    total = max((out - 1) * stride + span - length, 0)
    return total // 2, total - total // 2


def _pad_arg(pads: Sequence[Tuple[int, int]]) -> List[int]:
    """``F.pad``'s argument (last axis first) from per-axis (before, after) pairs in axis order."""
    out: List[int] = []
    for before, after in reversed(pads):
        out += [before, after]
    return out


def to_compute_dtype(x: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """Cast inputs to the weights' dtype as Keras casts them (ints such as uint8 images, other float
    widths); under torch.autocast (mixed precision) floats are left for autocast to cast."""
    if x.dtype == dtype or (x.is_floating_point() and torch.is_autocast_enabled(x.device.type)):
        return x
    return x.to(dtype)


def _to_channels_first(x: torch.Tensor, data_format: str) -> torch.Tensor:
    """NHWC -> the NCHW-shaped view (free); channels_first passes through."""
    return x.movedim(-1, 1) if data_format == "channels_last" else x


def _from_channels_first(y: torch.Tensor, data_format: str) -> torch.Tensor:
    return y.movedim(1, -1) if data_format == "channels_last" else y


def _keras_to_torch_kernel(rank: int):
    """Keras ``(*k, a, b)`` <-> torch ``(b, a, *k)``: conv ``(k, in, out)`` and transpose ``(k, out, in)``."""
    to_torch = (rank + 1, rank) + tuple(range(rank))
    to_keras = tuple(range(2, rank + 2)) + (1, 0)
    return (lambda v: v.permute(to_keras)), (lambda v: v.permute(to_torch))


# ---------------------------------------------------------------- convolutions
class Conv(Layer):
    """Base of the N-D convolutions: ``activation(conv(inputs, kernel) + bias)``.

    Input ``(batch, *spatial, channels)`` (``channels_last``) or ``(batch, channels, *spatial)``;
    output the same with ``filters`` channels and the spatial sizes of ``conv_output_length``.
    Keras kernel layout ``(*kernel_size, channels // groups, filters)``; stored as torch's
    ``(filters, channels // groups, *kernel_size)``.
    """

    _paddings: Tuple[str, ...] = ("valid", "same")

    def __init__(self, rank: int, filters: Optional[int], kernel_size, strides=1, padding="valid",
                 data_format=None, dilation_rate=1, groups: int = 1, activation=None,
                 use_bias: bool = True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        if isinstance(filters, float):
            filters = int(filters)
        if filters is not None and filters <= 0:
            raise ValueError(f"Layer {self.name}: invalid value for argument `filters`. Expected a "
                             f"strictly positive value. Received filters={filters}.")
        self.filters = filters
        self.groups = int(groups or 1)
        self.kernel_size = normalize_tuple(kernel_size, rank, "kernel_size")
        self.strides = normalize_tuple(strides, rank, "strides")
        self.padding = normalize_padding(padding, self.name, self._paddings)
        self.data_format = normalize_data_format(data_format)
        self.dilation_rate = normalize_tuple(dilation_rate, rank, "dilation_rate")
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=rank + 2)
        if self.filters is not None and self.filters % self.groups:
            raise ValueError(f"Layer {self.name}: the number of filters must be evenly divisible by "
                             f"the number of groups. Received: groups={self.groups}, filters={self.filters}")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"Layer {self.name}: `strides > 1` not supported in conjunction with "
                             f"`dilation_rate > 1`. Received: strides={self.strides} and "
                             f"dilation_rate={self.dilation_rate}")

    # -------------------------------------------------------- shapes
    @property
    def _channel_axis(self) -> int:
        return 1 if self.data_format == "channels_first" else -1

    def _spatial(self, shape) -> tuple:
        return tuple(shape[2:]) if self.data_format == "channels_first" else tuple(shape[-self.rank - 1:-1])

    def _input_channels(self, input_shape) -> int:
        channels = input_shape[self._channel_axis]
        if channels is None:
            raise ValueError(f"Layer {self.name}: the channel dimension of the inputs should be "
                             f"defined. The input_shape received is {tuple(input_shape)}, where axis "
                             f"{self._channel_axis} is the channel dimension, which was found to be None.")
        return int(channels)

    def _spatial_output_shape(self, spatial) -> list:
        return [conv_output_length(n, k, self.padding, s, d) for n, k, s, d in
                zip(spatial, self.kernel_size, self.strides, self.dilation_rate)]

    def _checked_output_spatial(self, input_shape) -> list:
        out = self._spatial_output_shape(self._spatial(input_shape))
        if any(n is not None and n <= 0 for n in out):
            raise ValueError(
                f"One of the dimensions in the output is <= 0 due to downsampling in {self.name} "
                f"(kernel_size={self.kernel_size}, strides={self.strides}, padding={self.padding!r}, "
                f"dilation_rate={self.dilation_rate}). Consider increasing the input size. Received "
                f"input shape {tuple(input_shape)} which would produce output shape with a zero or "
                "negative value in a dimension.")
        return out

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        out = self._checked_output_spatial(input_shape)
        batch = input_shape[:len(input_shape) - self.rank - 1]
        if self.data_format == "channels_first":
            return tuple(batch) + (self._output_channels(input_shape),) + tuple(out)
        return tuple(batch) + tuple(out) + (self._output_channels(input_shape),)

    def _output_channels(self, input_shape) -> int:
        return self.filters

    # -------------------------------------------------------- weights
    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        if channels % self.groups:
            raise ValueError(f"Layer {self.name}: the number of input channels must be evenly "
                             f"divisible by the number of groups. Received groups={self.groups}, but "
                             f"the input has {channels} channels (full input shape is {tuple(input_shape)}).")
        self._checked_output_spatial(input_shape)
        to_keras, from_keras = _keras_to_torch_kernel(self.rank)
        self.kernel = self.add_weight("kernel", self.kernel_size + (channels // self.groups, self.filters),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint,
                                      to_keras=to_keras, from_keras=from_keras)
        self.bias = self._make_bias(self.filters)
        self._in_channels = channels
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={self._channel_axis: channels})
        self.built = True

    def _make_bias(self, size: int):
        if not self.use_bias:
            return None
        return self.add_weight("bias", (size,), initializer=self.bias_initializer,
                               regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    # -------------------------------------------------------- forward
    def _check_call_input(self, inputs: torch.Tensor) -> None:
        """The checks InputSpec makes on symbolic inputs, for eager calls after build."""
        if inputs.ndim < self.rank + 2:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: "
                             f"expected min_ndim={self.rank + 2}, found ndim={inputs.ndim}. "
                             f"Full shape received: {tuple(inputs.shape)}")
        if inputs.shape[self._channel_axis] != self._in_channels:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: "
                             f"expected axis {self._channel_axis} of input shape to have value "
                             f"{self._in_channels}, but received input with shape {tuple(inputs.shape)}")

    def _padded(self, x: torch.Tensor):
        """Pad ``x`` (channels-first view) as Keras does; returns (tensor, symmetric padding for torch)."""
        if self.padding == "valid":
            return x, 0
        spatial = x.shape[2:]
        if self.padding == "causal":
            pads = [((k - 1) * d, 0) for k, d in zip(self.kernel_size, self.dilation_rate)]
        else:
            pads = [same_padding(n, k, s, d) for n, k, s, d in
                    zip(spatial, self.kernel_size, self.strides, self.dilation_rate)]
        if all(b == a for b, a in pads):
            return x, tuple(b for b, _ in pads)
        return F.pad(x, _pad_arg(pads)), 0

    def _batched(self, inputs: torch.Tensor):
        """Keras lets extra leading batch axes through; torch wants one."""
        if inputs.ndim == self.rank + 2:
            return inputs, None
        lead = inputs.shape[:inputs.ndim - self.rank - 1]
        return inputs.reshape((-1,) + tuple(inputs.shape[len(lead):])), lead

    def call(self, inputs):
        self._check_call_input(inputs)
        inputs = to_compute_dtype(inputs, self._own_weights[0].param.dtype)
        inputs, lead = self._batched(inputs)
        x, padding = self._padded(_to_channels_first(inputs, self.data_format))
        try:
            y = self._convolve(x, padding)
        except RuntimeError:
            self._checked_output_spatial(tuple(inputs.shape))  # raises the Keras error if that is the cause
            raise
        y = _from_channels_first(y, self.data_format)
        if lead is not None:
            y = y.reshape(tuple(lead) + tuple(y.shape[1:]))
        return y if self.activation is activations.linear else self.activation(y)

    def _convolve(self, x: torch.Tensor, padding) -> torch.Tensor:
        return _TORCH_CONV[self.rank](x, self.kernel, self.bias, self.strides, padding,
                                      self.dilation_rate, self.groups)

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "groups": self.groups,
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


@registry.register("layer", "Convolution1D", "AtrousConvolution1D")
class Conv1D(Conv):
    """1-D convolution over time: ``(batch, steps, channels)`` -> ``(batch, new_steps, filters)``.

    ``padding='causal'`` pads ``dilation_rate * (kernel_size - 1)`` steps at the start, so that
    ``output[t]`` sees no input after ``t``. Keras kernel layout ``(kernel_size, channels, filters)``.
    """

    _paddings = ("valid", "same", "causal")

    def __init__(self, filters: int, kernel_size, strides=1, padding="valid",
                 data_format="channels_last", dilation_rate=1, groups: int = 1, activation=None,
                 use_bias: bool = True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(rank=1, filters=filters, kernel_size=kernel_size, strides=strides,
                         padding=padding, data_format=data_format, dilation_rate=dilation_rate, groups=groups,
                         activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint, **kwargs)


@registry.register("layer", "Convolution2D", "AtrousConvolution2D")
class Conv2D(Conv):
    """2-D convolution: ``(batch, rows, cols, channels)`` -> ``(batch, new_rows, new_cols, filters)``.

    Keras kernel layout ``(kh, kw, channels // groups, filters)``; stored as ``(filters, channels // groups, kh, kw)``.
    """

    def __init__(self, filters: int, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), groups: int = 1, activation=None, use_bias: bool = True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(rank=2, filters=filters, kernel_size=kernel_size, strides=strides,
                         padding=padding, data_format=data_format, dilation_rate=dilation_rate, groups=groups,
                         activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint, **kwargs)


@registry.register("layer", "Convolution3D")
class Conv3D(Conv):
    """3-D convolution: ``(batch, d1, d2, d3, channels)`` -> ``(batch, n1, n2, n3, filters)``.

    Keras kernel layout ``(k1, k2, k3, channels // groups, filters)``.
    """

    def __init__(self, filters: int, kernel_size, strides=(1, 1, 1), padding="valid",
                 data_format=None, dilation_rate=(1, 1, 1), groups: int = 1, activation=None,
                 use_bias: bool = True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(rank=3, filters=filters, kernel_size=kernel_size, strides=strides,
                         padding=padding, data_format=data_format, dilation_rate=dilation_rate, groups=groups,
                         activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint, **kwargs)


Convolution1D, Convolution2D, Convolution3D = Conv1D, Conv2D, Conv3D
# Keras 2.0's legacy names for dilated convolutions (``atrous_rate=`` becomes ``dilation_rate=``)
AtrousConvolution1D, AtrousConvolution2D = Conv1D, Conv2D


# ---------------------------------------------------------------- transposed convolutions
class ConvTranspose(Conv):
    """Base of the transposed convolutions (the gradient of a convolution with respect to its input).

    Keras kernel layout ``(*kernel_size, filters, channels)``; stored as torch's
    ``(channels, filters, *kernel_size)``. Output sizes follow ``deconv_output_length``; with
    ``output_padding`` they are exact, without it they are inferred as Keras does.
    """

    def __init__(self, rank: int, filters: int, kernel_size, strides=1, padding="valid",
                 output_padding=None, data_format=None, dilation_rate=1, **kwargs):
        groups = kwargs.pop("groups", 1)
        super().__init__(rank=rank, filters=filters, kernel_size=kernel_size, strides=strides,
                         padding=padding, data_format=data_format, dilation_rate=dilation_rate, **kwargs)
        if groups not in (None, 1):
            raise ValueError(f"Layer {self.name}: `groups` is not supported by {type(self).__name__} "
                             f"(as in Keras 2); received groups={groups}.")
        self.output_padding = output_padding
        if output_padding is not None:
            self.output_padding = normalize_tuple(output_padding, rank, "output_padding", allow_zero=True)
            if any(p >= s for s, p in zip(self.strides, self.output_padding)):
                raise ValueError(f"Layer {self.name}: strides must be greater than output padding. "
                                 f"Received strides={self.strides}, output_padding={self.output_padding}.")
        self.input_spec = InputSpec(ndim=rank + 2)

    def _kernel_dilation(self) -> Tuple[int, ...]:
        return self.dilation_rate

    def _spatial_output_shape(self, spatial) -> list:
        pads = self.output_padding or (None,) * self.rank
        return [deconv_output_length(n, k, self.padding, p, s, d) for n, k, p, s, d in
                zip(spatial, self.kernel_size, pads, self.strides, self._kernel_dilation())]

    def build(self, input_shape):
        if len(input_shape) != self.rank + 2:
            raise ValueError(f"Layer {self.name}: inputs should have rank {self.rank + 2}. "
                             f"Received input_shape={tuple(input_shape)}.")
        channels = self._input_channels(input_shape)
        to_keras, from_keras = _keras_to_torch_kernel(self.rank)
        self.kernel = self.add_weight("kernel", self.kernel_size + (self.filters, channels),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint,
                                      to_keras=to_keras, from_keras=from_keras)
        self.bias = self._make_bias(self.filters)
        self._in_channels = channels
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis: channels})
        self.built = True

    def _check_call_input(self, inputs: torch.Tensor) -> None:
        if inputs.ndim != self.rank + 2:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: "
                             f"expected ndim={self.rank + 2}, found ndim={inputs.ndim}. "
                             f"Full shape received: {tuple(inputs.shape)}")
        super()._check_call_input(inputs)

    def _padded(self, x):
        return x, None  # the padding of a transposed convolution crops its output instead

    def _convolve(self, x: torch.Tensor, padding) -> torch.Tensor:
        """Run torch's transposed convolution cropped like TF's: the forward convolution that this
        is the gradient of pads ``same_padding(out)``, so the output starts ``before`` cells into
        the full result; torch's ``padding``/``output_padding`` express that unless the crop is
        uneven, when one extra cell at the end is narrowed away (a view)."""
        spatial = x.shape[2:]
        out_sizes = self._spatial_output_shape(spatial)
        dilation = self._kernel_dilation()
        torch_pad, torch_out_pad, narrow = [], [], []
        for n, out, k, s, d in zip(spatial, out_sizes, self.kernel_size, self.strides, dilation):
            full = (n - 1) * s + (k - 1) * d + 1     # length before any crop
            before = max(full - out, 0) // 2 if self.padding == "same" else 0
            extra = out - (full - 2 * before)        # < 0: the crop is uneven, one more at the end
            torch_pad.append(before)
            torch_out_pad.append(max(extra, 0))
            narrow.append(out if extra < 0 else None)
        y = _TORCH_CONV_TRANSPOSE[self.rank](x, self.kernel, self.bias, self.strides, torch_pad,
                                            torch_out_pad, 1, dilation)
        for axis, size in enumerate(narrow):
            if size is not None:
                y = y.narrow(axis + 2, 0, size)
        return y

    def get_config(self):
        config = super().get_config()
        config["output_padding"] = self.output_padding
        return config


@registry.register("layer", "Convolution1DTranspose")
class Conv1DTranspose(ConvTranspose):
    """Transposed 1-D convolution: ``(batch, steps, channels)`` -> ``(batch, new_steps, filters)``."""

    def __init__(self, filters: int, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias: bool = True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(rank=1, filters=filters, kernel_size=kernel_size, strides=strides,
                         padding=padding, output_padding=output_padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint, **kwargs)


@registry.register("layer", "Convolution2DTranspose", "Deconvolution2D", "Deconv2D")
class Conv2DTranspose(ConvTranspose):
    """Transposed 2-D convolution ("deconvolution"): ``(batch, rows, cols, channels)`` ->
    ``(batch, new_rows, new_cols, filters)``; Keras kernel layout ``(kh, kw, filters, channels)``."""

    def __init__(self, filters: int, kernel_size, strides=(1, 1), padding="valid",
                 output_padding=None, data_format=None, dilation_rate=(1, 1), activation=None,
                 use_bias: bool = True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(rank=2, filters=filters, kernel_size=kernel_size, strides=strides,
                         padding=padding, output_padding=output_padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint, **kwargs)


@registry.register("layer", "Convolution3DTranspose", "Deconvolution3D", "Deconv3D")
class Conv3DTranspose(ConvTranspose):
    """Transposed 3-D convolution; Keras kernel layout ``(k1, k2, k3, filters, channels)``.

    As in Keras 2, ``dilation_rate`` is accepted but not applied (and not in the config).
    """

    def __init__(self, filters: int, kernel_size, strides=(1, 1, 1), padding="valid",
                 output_padding=None, data_format=None, dilation_rate=(1, 1, 1), activation=None,
                 use_bias: bool = True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(rank=3, filters=filters, kernel_size=kernel_size, strides=strides,
                         padding=padding, output_padding=output_padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint, **kwargs)
        if max(self.dilation_rate) > 1:
            warnings.warn(f"Layer {self.name}: Conv3DTranspose ignores `dilation_rate` "
                          f"{self.dilation_rate}, as Keras 2 does.", UserWarning, stacklevel=2)

    def _kernel_dilation(self) -> Tuple[int, ...]:
        return (1, 1, 1)

    def get_config(self):
        config = super().get_config()
        config.pop("dilation_rate")
        return config


Convolution1DTranspose, Convolution2DTranspose, Convolution3DTranspose = \
    Conv1DTranspose, Conv2DTranspose, Conv3DTranspose
Deconvolution2D = Deconv2D = Conv2DTranspose
Deconvolution3D = Deconv3D = Conv3DTranspose


# ---------------------------------------------------------------- depthwise and separable
def _depthwise_layouts(rank: int):
    """Keras ``(*k, channels, multiplier)`` <-> torch grouped ``(channels * multiplier, 1, *k)``.

    Output channel ``c * multiplier + j`` applies ``kernel[..., c, j]`` to input channel ``c`` in
    both frameworks, so a reshape and a permute convert between them.
    """
    def from_keras(v):
        k = tuple(v.shape[:rank])
        return v.reshape(k + (-1,)).permute((rank,) + tuple(range(rank))).unsqueeze(1)

    def make_to_keras(channels: int, multiplier: int):
        def to_keras(p):
            k = tuple(p.shape[2:])
            return p.squeeze(1).permute(tuple(range(1, rank + 1)) + (0,)).reshape(k + (channels, multiplier))
        return to_keras
    return make_to_keras, from_keras

def _add_depthwise_kernel(layer, input_shape) -> int:
    """Check the input rank and create ``layer.depthwise_kernel`` (shared by the depthwise and
    separable convolutions); returns the number of input channels."""
    if len(input_shape) != layer.rank + 2:
        raise ValueError(f"Layer {layer.name}: inputs to `{type(layer).__name__}` should have rank "
                         f"{layer.rank + 2}. Received input_shape={tuple(input_shape)}.")
    channels = layer._input_channels(input_shape)
    layer._checked_output_spatial(input_shape)
    make_to_keras, from_keras = _depthwise_layouts(layer.rank)
    layer.depthwise_kernel = layer.add_weight(
        "depthwise_kernel", layer.kernel_size + (channels, layer.depth_multiplier),
        initializer=layer.depthwise_initializer, regularizer=layer.depthwise_regularizer,
        constraint=layer.depthwise_constraint,
        to_keras=make_to_keras(channels, layer.depth_multiplier), from_keras=from_keras)
    return channels



class DepthwiseConv(Conv):
    """Base of the depthwise convolutions: each input channel gets its own ``depth_multiplier``
    filters; output channels ``channels * depth_multiplier``. Runs as torch's grouped convolution
    with ``groups = channels``."""

    def __init__(self, rank: int, kernel_size, strides=1, padding="valid", depth_multiplier: int = 1,
                 data_format=None, dilation_rate=1, activation=None, use_bias: bool = True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(rank=rank, filters=None, kernel_size=kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias, bias_initializer=bias_initializer,
                         bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                         bias_constraint=bias_constraint, **kwargs)
        self.depth_multiplier = int(depth_multiplier)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)

    def _output_channels(self, input_shape) -> Optional[int]:
        channels = input_shape[self._channel_axis]
        return None if channels is None else int(channels) * self.depth_multiplier

    def build(self, input_shape):
        channels = _add_depthwise_kernel(self, input_shape)
        self.bias = self._make_bias(channels * self.depth_multiplier)
        self._in_channels = channels
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={self._channel_axis: channels})
        self.built = True

    def _convolve(self, x: torch.Tensor, padding) -> torch.Tensor:
        return _TORCH_CONV[self.rank](x, self.depthwise_kernel, self.bias, self.strides, padding,
                                      self.dilation_rate, self._in_channels)

    def get_config(self):
        config = super().get_config()
        for key in ("filters", "kernel_initializer", "kernel_regularizer", "kernel_constraint"):
            config.pop(key)
        config.update({
            "depth_multiplier": self.depth_multiplier,
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
            "depthwise_constraint": constraints.serialize(self.depthwise_constraint),
        })
        return config


@registry.register("layer")
class DepthwiseConv1D(DepthwiseConv):
    """Depthwise 1-D convolution: ``(batch, steps, channels)`` -> ``(batch, new_steps, channels * depth_multiplier)``.

    Keras kernel layout ``(kernel_size, channels, depth_multiplier)``.
    """

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier: int = 1,
                 data_format=None, dilation_rate=1, activation=None, use_bias: bool = True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(rank=1, kernel_size=kernel_size, strides=strides, padding=padding,
                         depth_multiplier=depth_multiplier, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         depthwise_initializer=depthwise_initializer, bias_initializer=bias_initializer,
                         depthwise_regularizer=depthwise_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         depthwise_constraint=depthwise_constraint, bias_constraint=bias_constraint, **kwargs)


@registry.register("layer")
class DepthwiseConv2D(DepthwiseConv):
    """Depthwise 2-D convolution: ``(batch, rows, cols, channels)`` ->
    ``(batch, new_rows, new_cols, channels * depth_multiplier)``.

    Keras kernel layout ``(kh, kw, channels, depth_multiplier)``; stored as ``(channels * depth_multiplier, 1, kh, kw)``.
    """

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier: int = 1,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias: bool = True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(rank=2, kernel_size=kernel_size, strides=strides, padding=padding,
                         depth_multiplier=depth_multiplier, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         depthwise_initializer=depthwise_initializer, bias_initializer=bias_initializer,
                         depthwise_regularizer=depthwise_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         depthwise_constraint=depthwise_constraint, bias_constraint=bias_constraint, **kwargs)


class SeparableConv(Conv):
    """Base of the separable convolutions: a depthwise convolution (``depth_multiplier`` filters
    per input channel) followed by a pointwise 1x1 convolution to ``filters`` channels, then bias.

    Keras layouts: depthwise ``(*kernel_size, channels, depth_multiplier)``, pointwise
    ``(*(1,) * rank, channels * depth_multiplier, filters)``.
    """

    def __init__(self, rank: int, filters: int, kernel_size, strides=1, padding="valid",
                 data_format=None, dilation_rate=1, depth_multiplier: int = 1, activation=None,
                 use_bias: bool = True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, pointwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, pointwise_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(rank=rank, filters=filters, kernel_size=kernel_size, strides=strides,
                         padding=padding, data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias, bias_initializer=bias_initializer,
                         bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                         bias_constraint=bias_constraint, **kwargs)
        self.depth_multiplier = int(depth_multiplier)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def build(self, input_shape):
        channels = _add_depthwise_kernel(self, input_shape)
        to_keras, from_keras = _keras_to_torch_kernel(self.rank)
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel", (1,) * self.rank + (channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint, to_keras=to_keras, from_keras=from_keras)
        self.bias = self._make_bias(self.filters)
        self._in_channels = channels
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis: channels})
        self.built = True

    def _convolve(self, x: torch.Tensor, padding) -> torch.Tensor:
        conv = _TORCH_CONV[self.rank]
        depthwise = conv(x, self.depthwise_kernel, None, self.strides, padding, self.dilation_rate,
                         self._in_channels)
        return conv(depthwise, self.pointwise_kernel, self.bias)

    def get_config(self):
        config = super().get_config()
        config.update({
            "depth_multiplier": self.depth_multiplier,
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
            "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
            "pointwise_regularizer": regularizers.serialize(self.pointwise_regularizer),
            "depthwise_constraint": constraints.serialize(self.depthwise_constraint),
            "pointwise_constraint": constraints.serialize(self.pointwise_constraint),
        })
        return config


@registry.register("layer", "SeparableConvolution1D")
class SeparableConv1D(SeparableConv):
    """Separable 1-D convolution: ``(batch, steps, channels)`` -> ``(batch, new_steps, filters)``;
    ``padding='causal'`` as in Conv1D."""

    _paddings = ("valid", "same", "causal")

    def __init__(self, filters: int, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier: int = 1, activation=None, use_bias: bool = True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(rank=1, filters=filters, kernel_size=kernel_size, strides=strides,
                         padding=padding, data_format=data_format, dilation_rate=dilation_rate,
                         depth_multiplier=depth_multiplier, activation=activation, use_bias=use_bias,
                         depthwise_initializer=depthwise_initializer,
                         pointwise_initializer=pointwise_initializer, bias_initializer=bias_initializer,
                         depthwise_regularizer=depthwise_regularizer,
                         pointwise_regularizer=pointwise_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         depthwise_constraint=depthwise_constraint,
                         pointwise_constraint=pointwise_constraint, bias_constraint=bias_constraint, **kwargs)


@registry.register("layer", "SeparableConvolution2D")
class SeparableConv2D(SeparableConv):
    """Separable 2-D convolution: ``(batch, rows, cols, channels)`` -> ``(batch, new_rows, new_cols, filters)``."""

    def __init__(self, filters: int, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier: int = 1, activation=None,
                 use_bias: bool = True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, pointwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, pointwise_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(rank=2, filters=filters, kernel_size=kernel_size, strides=strides,
                         padding=padding, data_format=data_format, dilation_rate=dilation_rate,
                         depth_multiplier=depth_multiplier, activation=activation, use_bias=use_bias,
                         depthwise_initializer=depthwise_initializer,
                         pointwise_initializer=pointwise_initializer, bias_initializer=bias_initializer,
                         depthwise_regularizer=depthwise_regularizer,
                         pointwise_regularizer=pointwise_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         depthwise_constraint=depthwise_constraint,
                         pointwise_constraint=pointwise_constraint, bias_constraint=bias_constraint, **kwargs)


SeparableConvolution1D, SeparableConvolution2D = SeparableConv1D, SeparableConv2D


# ---------------------------------------------------------------- up-sampling, padding, cropping
class _SpatialShapeLayer(Layer):
    """Shared bits of the weightless shape layers of rank 1-3."""

    rank: int = 2

    def _spatial_axes(self) -> Tuple[int, ...]:
        first = 2 if getattr(self, "data_format", "channels_last") == "channels_first" else 1
        return tuple(range(first, first + self.rank))

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for i, axis in enumerate(self._spatial_axes()):
            shape[axis] = self._axis_length(i, shape[axis])
        return tuple(shape)


@registry.register("layer")
class UpSampling1D(_SpatialShapeLayer):
    """Repeats each time step ``size`` times: ``(batch, steps, features)`` -> ``(batch, steps * size, features)``."""

    rank = 1

    def __init__(self, size: int = 2, **kwargs):
        super().__init__(**kwargs)
        self.size = int(size)
        self.input_spec = InputSpec(ndim=3)

    def _axis_length(self, i: int, n):
        return None if n is None else n * self.size

    def call(self, inputs):
        return inputs.repeat_interleave(self.size, dim=1)

    def get_config(self):
        config = super().get_config()
        config["size"] = self.size
        return config


class _UpSampling(_SpatialShapeLayer):
    """Nearest-neighbour (or bilinear, 2-D) up-sampling by integer factors ``size``."""

    _interpolations = ("nearest",)

    def __init__(self, rank: int, size, data_format=None, interpolation: str = "nearest", **kwargs):
        super().__init__(**kwargs)
        self.rank = rank
        self.size = normalize_tuple(size, rank, "size")
        self.data_format = normalize_data_format(data_format)
        if interpolation not in self._interpolations:
            raise NotImplementedError(
                f"Layer {self.name}: interpolation={interpolation!r} is not supported here; use one of "
                f"{', '.join(repr(i) for i in self._interpolations)}.")
        self.interpolation = interpolation
        self.input_spec = InputSpec(ndim=rank + 2)

    def _axis_length(self, i: int, n):
        return None if n is None else n * self.size[i]

    def call(self, inputs):
        x = _to_channels_first(inputs, self.data_format)
        if self.interpolation == "nearest":
            # integer factors: every output cell copies its source cell, as Keras's repeat does
            y = F.interpolate(x, scale_factor=tuple(float(s) for s in self.size), mode="nearest")
        else:   # TF's resize uses half-pixel centres, which is torch's align_corners=False
            y = F.interpolate(x, scale_factor=tuple(float(s) for s in self.size), mode="bilinear",
                              align_corners=False)
        return _from_channels_first(y, self.data_format)


@registry.register("layer")
class UpSampling2D(_UpSampling):
    """Up-sampling of rows and columns: ``(batch, rows, cols, channels)`` ->
    ``(batch, rows * size[0], cols * size[1], channels)``; ``interpolation`` 'nearest' or 'bilinear'."""

    _interpolations = ("nearest", "bilinear")

    def __init__(self, size=(2, 2), data_format=None, interpolation: str = "nearest", **kwargs):
        super().__init__(2, size, data_format=data_format, interpolation=interpolation, **kwargs)

    def get_config(self):
        config = super().get_config()
        config.update({"size": self.size, "data_format": self.data_format,
                       "interpolation": self.interpolation})
        return config


@registry.register("layer")
class UpSampling3D(_UpSampling):
    """Nearest-neighbour up-sampling of three spatial axes by ``size``."""

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(3, size, data_format=data_format, **kwargs)

    def get_config(self):
        config = super().get_config()
        config.update({"size": self.size, "data_format": self.data_format})
        return config


def _normalize_pairs(value, rank: int, name: str, layer: str) -> Tuple[Tuple[int, int], ...]:
    """int -> ((v, v),) * rank; (a, b, ...) -> ((a, a), (b, b), ...); pairs pass through."""
    error = (f"Layer {layer}: `{name}` should be an int, a tuple of {rank} ints or a tuple of "
             f"{rank} tuples of 2 ints. Received: {name}={value!r}")
    if isinstance(value, int):
        return ((value, value),) * rank
    try:
        items = tuple(value)
    except TypeError:
        raise ValueError(error) from None
    if len(items) != rank:
        raise ValueError(error)
    pairs = []
    for item in items:
        if isinstance(item, int):
            pairs.append((item, item))
        else:
            pair = tuple(item)
            if len(pair) != 2 or not all(isinstance(v, int) for v in pair):
                raise ValueError(error)
            pairs.append(pair)
    if any(v < 0 for pair in pairs for v in pair):
        raise ValueError(error + " (values must be >= 0)")
    return tuple(pairs)


@registry.register("layer")
class ZeroPadding1D(_SpatialShapeLayer):
    """Pads the time axis with zeros: ``(batch, steps, features)`` -> ``(batch, steps + a + b, features)``."""

    rank = 1

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(padding, int):
            padding = (padding, padding)
        self.padding = normalize_tuple(padding, 2, "padding", allow_zero=True)
        self.input_spec = InputSpec(ndim=3)

    def _axis_length(self, i: int, n):
        return None if n is None else n + sum(self.padding)

    def call(self, inputs):
        return F.pad(inputs, (0, 0) + tuple(self.padding))

    def get_config(self):
        config = super().get_config()
        config["padding"] = self.padding
        return config


class _ZeroPadding(_SpatialShapeLayer):
    def __init__(self, rank: int, padding, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.rank = rank
        self.padding = _normalize_pairs(padding, rank, "padding", self.name)
        self.data_format = normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=rank + 2)

    def _axis_length(self, i: int, n):
        return None if n is None else n + sum(self.padding[i])

    def call(self, inputs):
        pads = list(self.padding)
        if self.data_format == "channels_last":
            pads.append((0, 0))     # the channels axis comes last
        return F.pad(inputs, _pad_arg(pads))

    def get_config(self):
        config = super().get_config()
        config.update({"padding": self.padding, "data_format": self.data_format})
        return config


def _keras1_padding_2d(padding):
    """Keras 1's ZeroPadding2D paddings: ``(top, bottom, left, right)`` or a dict of
    ``top_pad``/``bottom_pad``/``left_pad``/``right_pad`` -> ``((top, bottom), (left, right))``."""
    if isinstance(padding, dict):
        unknown = set(padding) - {"top_pad", "bottom_pad", "left_pad", "right_pad"}
        if unknown:
            raise ValueError(f"ZeroPadding2D: unexpected keys {sorted(unknown)} in the Keras 1 `padding` "
                             "dict; expected top_pad, bottom_pad, left_pad, right_pad.")
        values = tuple(padding.get(k, 0) for k in ("top_pad", "bottom_pad", "left_pad", "right_pad"))
    elif isinstance(padding, (tuple, list)) and len(padding) == 4 and all(isinstance(v, int) for v in padding):
        values = tuple(padding)
    else:
        return padding
    warnings.warn("The `padding` argument of the Keras 2 ZeroPadding2D layer is a tuple of 2 tuples "
                  f"((top, bottom), (left, right)); converted {padding!r}.", UserWarning, stacklevel=4)
    return (values[0], values[1]), (values[2], values[3])


@registry.register("layer")
class ZeroPadding2D(_ZeroPadding):
    """Pads rows and columns with zeros; ``padding`` an int, ``(rows, cols)`` or
    ``((top, bottom), (left, right))``."""

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(2, _keras1_padding_2d(padding), data_format=data_format, **kwargs)


@registry.register("layer")
class ZeroPadding3D(_ZeroPadding):
    """Pads three spatial axes with zeros; ``padding`` an int, 3 ints or 3 pairs."""

    def __init__(self, padding=(1, 1, 1), data_format=None, **kwargs):
        super().__init__(3, padding, data_format=data_format, **kwargs)


class _Cropping(_SpatialShapeLayer):
    """Removes ``cropping[i] = (start, end)`` cells from each spatial axis (a view, no copy)."""

    def _axis_length(self, i: int, n):
        if n is None:
            return None
        length = n - sum(self.cropping[i])
        if length <= 0:
            raise ValueError(f"Layer {self.name}: `cropping` {self.cropping} removes all of spatial "
                             f"axis {i} (length {n}); the cropped length must be > 0.")
        return length

    def call(self, inputs):
        out = inputs
        for i, axis in enumerate(self._spatial_axes()):
            start, end = self.cropping[i]
            n = out.shape[axis]
            if start + end >= n:
                self._axis_length(i, n)  # raises the error naming the layer
            out = out.narrow(axis, start, n - start - end)
        return out


@registry.register("layer")
class Cropping1D(_Cropping):
    """Crops the time axis: ``(batch, steps, features)`` -> ``(batch, steps - start - end, features)``."""

    rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        if isinstance(cropping, int):
            cropping = (cropping, cropping)
        self.cropping = (normalize_tuple(cropping, 2, "cropping", allow_zero=True),)
        self.input_spec = InputSpec(ndim=3)

    def get_config(self):
        config = super().get_config()
        config["cropping"] = self.cropping[0]
        return config


class _CroppingND(_Cropping):
    def __init__(self, rank: int, cropping, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.rank = rank
        self.cropping = _normalize_pairs(cropping, rank, "cropping", self.name)
        self.data_format = normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=rank + 2)

    def get_config(self):
        config = super().get_config()
        config.update({"cropping": self.cropping, "data_format": self.data_format})
        return config


@registry.register("layer")
class Cropping2D(_CroppingND):
    """Crops rows and columns; ``cropping`` an int, ``(rows, cols)`` or ``((top, bottom), (left, right))``."""

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(2, cropping, data_format=data_format, **kwargs)


@registry.register("layer")
class Cropping3D(_CroppingND):
    """Crops three spatial axes; ``cropping`` an int, 3 ints or 3 pairs."""

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(3, cropping, data_format=data_format, **kwargs)


# Keras 2.0-2.2 also served the pooling layers from this module
# (`from keras.layers.convolutional import MaxPooling2D` in old scripts).
from .pooling import (AveragePooling1D, AveragePooling2D, AveragePooling3D,  # noqa: E402,F401
                      GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D,
                      GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D, MaxPooling3D)
