"""Locally-connected layers: convolutions whose filters are not shared between positions.

``implementation=1`` (Keras's default) keeps one ``(patch_size, filters)`` matrix per output
position, kernel ``(positions, prod(kernel_size) * channels, filters)``; the forward pass gathers
the patches with ``unfold`` and multiplies all positions in one batched matmul. Implementations
2 and 3 keep Keras's layouts (a masked dense kernel, and the list of connected entries) and
multiply the flattened input by the dense ``(inputs, outputs)`` matrix they stand for.
"""
from typing import Tuple

import numpy as np
import torch

from .. import activations, constraints, initializers, regularizers
from ..engine import registry
from ..engine.base_layer import InputSpec, Layer
from .convolutional import (conv_output_length, normalize_data_format, normalize_padding,
                            normalize_tuple, to_compute_dtype)


def _connectivity(length: int, out_length: int, kernel: int, stride: int, padding: str) -> np.ndarray:
    """Which inputs of one axis each output position sees, as Keras's ``conv_connected_inputs``:
    ``(length, out_length)`` booleans (for 'same' the window is centred, starting ``kernel // 2`` before)."""
    mask = np.zeros((length, out_length), bool)
    left = kernel // 2
    for j in range(out_length):
        centre = j * stride + (left if padding == "valid" else 0)
        mask[max(0, centre - left):min(length, centre + kernel - left), j] = True
    return mask


def _spatial_mask(in_spatial, out_spatial, kernel_size, strides, padding) -> np.ndarray:
    """``(*in_spatial, *out_spatial)`` booleans: input position connected to output position."""
    rank = len(in_spatial)
    mask = np.ones((1,) * (2 * rank), bool)
    for d in range(rank):
        axis = _connectivity(in_spatial[d], out_spatial[d], kernel_size[d], strides[d], padding)
        shape = [1] * (2 * rank)
        shape[d], shape[rank + d] = in_spatial[d], out_spatial[d]
        mask = mask & axis.reshape(shape)
    return mask


class LocallyConnected(Layer):
    """Base of LocallyConnected1D/2D over ``rank`` spatial axes (input sizes must be known)."""

    def __init__(self, rank: int, filters: int, kernel_size, strides=1, padding="valid",
                 data_format=None, activation=None, use_bias: bool = True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, implementation: int = 1, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.filters = int(filters)
        self.kernel_size = normalize_tuple(kernel_size, rank, "kernel_size")
        self.strides = normalize_tuple(strides, rank, "strides")
        self.padding = normalize_padding(padding, self.name)
        if implementation not in (1, 2, 3):
            raise ValueError(f"Layer {self.name}: unrecognized implementation mode: {implementation} "
                             "(expected 1, 2 or 3).")
        if self.padding != "valid" and implementation == 1:
            raise ValueError(f"Layer {self.name}: invalid border mode for {type(self).__name__} "
                             f"(only \"valid\" is supported if implementation is 1): {padding!r}")
        self.data_format = normalize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.implementation = int(implementation)
        self.input_spec = InputSpec(ndim=rank + 2)

    # -------------------------------------------------------- shapes
    @property
    def _channel_axis(self) -> int:
        return 1 if self.data_format == "channels_first" else -1

    def _spatial(self, shape) -> tuple:
        return tuple(shape[2:]) if self.data_format == "channels_first" else tuple(shape[1:-1])

    def _output_spatial(self, input_shape) -> Tuple[int, ...]:
        out = tuple(conv_output_length(n, k, self.padding, s) for n, k, s in
                    zip(self._spatial(input_shape), self.kernel_size, self.strides))
        if any(n is not None and n <= 0 for n in out):
            raise ValueError(
                f"One of the dimensions in the output is <= 0 due to downsampling in {self.name} "
                f"(kernel_size={self.kernel_size}, strides={self.strides}). Consider increasing the "
                f"input size. Received input shape {tuple(input_shape)} which would produce output "
                "shape with a zero or negative value in a dimension.")
        return out

    def compute_output_shape(self, input_shape):
        out = self._output_spatial(input_shape)
        if self.data_format == "channels_first":
            return (input_shape[0], self.filters) + out
        return (input_shape[0],) + out + (self.filters,)

    # -------------------------------------------------------- weights
    def build(self, input_shape):
        spatial = self._spatial(input_shape)
        channels = input_shape[self._channel_axis]
        if channels is None or any(n is None for n in spatial):
            raise ValueError(f"Layer {self.name}: the spatial and channel dimensions of the inputs to "
                             f"{type(self).__name__} should be fully defined, but the layer received "
                             f"the input shape {tuple(input_shape)}.")
        channels = int(channels)
        out = self._output_spatial(input_shape)
        self._in_spatial, self._out_spatial, self._in_channels = tuple(spatial), out, channels
        self.kernel = self.add_weight("kernel", self._kernel_shape(spatial, channels, out),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        if self.implementation > 1:
            self._make_dense_index(spatial, channels, out)
        self.bias = self.add_weight("bias", out + (self.filters,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis: channels})
        self.built = True

    def _kernel_shape(self, spatial, channels: int, out) -> tuple:
        if self.implementation == 1:
            return (int(np.prod(out)), int(np.prod(self.kernel_size)) * channels, self.filters)
        if self.implementation == 2:
            if self.data_format == "channels_first":
                return (channels,) + tuple(spatial) + (self.filters,) + tuple(out)
            return tuple(spatial) + (channels,) + tuple(out) + (self.filters,)
        return (int(self._connections(spatial, channels, out)[0].numel()),)

    def _layout_mask(self, spatial, channels: int, out) -> np.ndarray:
        """Connectivity in implementation 2's kernel layout (channels axes of size 1)."""
        mask = _spatial_mask(spatial, out, self.kernel_size, self.strides, self.padding)
        r = self.rank
        if self.data_format == "channels_first":
            return mask.reshape((1,) + mask.shape[:r] + (1,) + mask.shape[r:])
        return mask.reshape(mask.shape[:r] + (1,) + mask.shape[r:] + (1,))

    def _connections(self, spatial, channels: int, out):
        """Implementation 3's sorted (output index, input index) pairs, as two index tensors."""
        mask = self._layout_mask(spatial, channels, out)
        full = np.broadcast_to(mask, self._kernel_shape_dense(spatial, channels, out))
        in_size = int(np.prod(spatial)) * channels
        dense = full.reshape(in_size, -1).T      # (outputs, inputs), both in the data layout
        rows, cols = np.nonzero(dense)           # row-major order = Keras's sorted pairs
        return torch.as_tensor(rows), torch.as_tensor(cols)

    def _kernel_shape_dense(self, spatial, channels: int, out) -> tuple:
        if self.data_format == "channels_first":
            return (channels,) + tuple(spatial) + (self.filters,) + tuple(out)
        return tuple(spatial) + (channels,) + tuple(out) + (self.filters,)

    def _make_dense_index(self, spatial, channels: int, out) -> None:
        device = self.kernel.device
        if self.implementation == 2:
            mask = torch.as_tensor(self._layout_mask(spatial, channels, out), device=device)
            self.register_buffer("_kernel_mask", mask, persistent=False)
        else:
            rows, cols = self._connections(spatial, channels, out)
            self.register_buffer("_rows", rows.to(device), persistent=False)
            self.register_buffer("_cols", cols.to(device), persistent=False)

    # -------------------------------------------------------- forward
    def _check_call_input(self, inputs: torch.Tensor) -> None:
        expected = (self._in_channels,) + self._in_spatial if self.data_format == "channels_first" \
            else self._in_spatial + (self._in_channels,)
        if inputs.ndim != self.rank + 2 or tuple(inputs.shape[1:]) != expected:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: "
                             f"expected shape {(None,) + expected}, but received input with shape "
                             f"{tuple(inputs.shape)}")

    def call(self, inputs):
        self._check_call_input(inputs)
        inputs = to_compute_dtype(inputs, self.kernel.dtype)
        y = self._local_conv(inputs) if self.implementation == 1 else self._dense_conv(inputs)
        if self.bias is not None:
            # Keras reshapes (not transposes) the (*out, filters) bias for channels_first
            bias = self.bias if self.data_format == "channels_last" else \
                self.bias.reshape((self.filters,) + self._out_spatial)
            y = y + bias
        return y if self.activation is activations.linear else self.activation(y)

    def _local_conv(self, inputs: torch.Tensor) -> torch.Tensor:
        """Patches of every output position, then one batched matmul with the per-position kernels."""
        r, batch = self.rank, inputs.shape[0]
        first = 2 if self.data_format == "channels_first" else 1
        patches = inputs
        for d in range(r):   # unfold appends each window axis at the end: (..., k1, ..., kr)
            patches = patches.unfold(first + d, self.kernel_size[d], self.strides[d])
        out_axes = tuple(range(first, first + r))
        window_axes = tuple(range(r + 2, 2 * r + 2))
        channel_axis = 1 if self.data_format == "channels_first" else r + 1
        # Keras flattens a patch as (*window, channels) for channels_last, (channels, *window) else
        feature_axes = window_axes + (channel_axis,) if self.data_format == "channels_last" \
            else (channel_axis,) + window_axes
        patches = patches.permute(out_axes + (0,) + feature_axes)
        positions = int(np.prod(self._out_spatial))
        y = torch.bmm(patches.reshape(positions, batch, -1), self.kernel)   # (positions, batch, filters)
        y = y.reshape(self._out_spatial + (batch, self.filters))
        if self.data_format == "channels_first":
            return y.permute((r, r + 1) + tuple(range(r)))
        return y.permute((r,) + tuple(range(r)) + (r + 1,))

    def _dense_conv(self, inputs: torch.Tensor) -> torch.Tensor:
        in_size = int(np.prod(self._in_spatial)) * self._in_channels
        if self.implementation == 2:
            dense = (self.kernel * self._kernel_mask).reshape(in_size, -1)
        else:
            out_size = int(np.prod(self._out_spatial)) * self.filters
            dense = self.kernel.new_zeros((out_size, in_size)).index_put(
                (self._rows, self._cols), self.kernel).t()
        y = inputs.reshape(inputs.shape[0], in_size) @ dense
        return y.reshape((inputs.shape[0],) + self.compute_output_shape(tuple(inputs.shape))[1:])

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self._activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "implementation": self.implementation,
        })
        return config


@registry.register("layer")
class LocallyConnected1D(LocallyConnected):
    """Unshared 1-D convolution: ``(batch, steps, channels)`` -> ``(batch, new_steps, filters)``.

    implementation 1 kernel ``(new_steps, kernel_size * channels, filters)``, bias ``(new_steps, filters)``.
    """

    def __init__(self, filters: int, kernel_size, strides=1, padding="valid", data_format=None,
                 activation=None, use_bias: bool = True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 implementation: int = 1, **kwargs):
        super().__init__(rank=1, filters=filters, kernel_size=kernel_size, strides=strides,
                         padding=padding, data_format=data_format, activation=activation,
                         use_bias=use_bias, kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                         implementation=implementation, **kwargs)


@registry.register("layer")
class LocallyConnected2D(LocallyConnected):
    """Unshared 2-D convolution: ``(batch, rows, cols, channels)`` -> ``(batch, new_rows, new_cols, filters)``.

    implementation 1 kernel ``(new_rows * new_cols, kh * kw * channels, filters)``, bias
    ``(new_rows, new_cols, filters)``.
    """

    def __init__(self, filters: int, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 activation=None, use_bias: bool = True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 implementation: int = 1, **kwargs):
        super().__init__(rank=2, filters=filters, kernel_size=kernel_size, strides=strides,
                         padding=padding, data_format=data_format, activation=activation,
                         use_bias=use_bias, kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                         implementation=implementation, **kwargs)
