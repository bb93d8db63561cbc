"""``ConvLSTM1D``/``ConvLSTM2D``/``ConvLSTM3D``: LSTMs whose input and recurrent transformations
are convolutions.

1D and 2D run on torch's 2D convolution (a 1D sequence of frames is a 2D one of width 1), 3D on
torch's 3D convolution."""
from typing import Tuple

import torch
import torch.nn.functional as F

from .. import activations, constraints, initializers, regularizers
from ..backend import config as backend_config
from ..engine import registry
from ..engine.base_layer import InputSpec, Layer
from .recurrent import RNN, DropoutRNNCellMixin, _loop


def _tuple(value, n: int, name: str) -> Tuple[int, ...]:
    if isinstance(value, int):
        return (value,) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. Received: {value}")
    return value


def _same_padding(size: int, kernel: int, stride: int, dilation: int) -> Tuple[int, int]:
    """TF's 'same' padding: total so that out = ceil(size / stride), the extra pixel at the end."""
    out = -(-size // stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


def _conv_out(size, kernel: int, stride: int, dilation: int, padding: str):
    if size is None:
        return None
    if padding == "same":
        return -(-size // stride)
    return (size - (kernel - 1) * dilation - 1) // stride + 1


def _kernel_layout(rank: int, conv_rank: int):
    """Keras ``(*kernel_size, in, out)`` <-> torch ``(out, in, *kernel_size[, 1])`` (a trailing
    width-1 axis when a rank-1 kernel runs as a 2D convolution)."""
    extra = conv_rank - rank

    def from_keras(k):
        w = k.permute(rank + 1, rank, *range(rank))
        return w.reshape(tuple(w.shape) + (1,) * extra).contiguous()

    def to_keras(w):
        w = w.reshape(tuple(w.shape[:2 + rank]))
        return w.permute(*range(2, rank + 2), 1, 0)

    return to_keras, from_keras


def _pad_same(x, kernel, stride, dilation):
    """Pad the trailing ``len(kernel)`` axes of ``x`` as TF's 'same' padding does."""
    pads = []
    for size, k, st, dl in reversed(list(zip(x.shape[-len(kernel):], kernel, stride, dilation))):
        pads += list(_same_padding(size, k, st, dl))
    return F.pad(x, pads)


class ConvLSTM2DCell(DropoutRNNCellMixin, Layer):
    """One ConvLSTM step on NCHW tensors; states ``[h, c]`` of shape ``(batch, filters, rows, cols)``."""

    rank = 2  # spatial dimensions of the Keras layout (kernel_size, strides, dilation_rate)

    def __init__(self, filters: int, kernel_size, strides=(1, 1), padding: str = "valid",
                 dilation_rate=(1, 1), activation="tanh", recurrent_activation="hard_sigmoid",
                 use_bias: bool = True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias: bool = True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout: float = 0.0, recurrent_dropout: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.filters = int(filters)
        n = self.rank
        self.kernel_size = _tuple(kernel_size, n, "kernel_size")
        self.strides = _tuple(strides, n, "strides")
        self.padding = str(padding).lower()
        if self.padding not in ("valid", "same"):
            raise ValueError(f"Layer {self.name}: invalid padding {padding!r}; ConvLSTM2D accepts "
                             "'valid' or 'same'.")
        self.dilation_rate = _tuple(dilation_rate, n, "dilation_rate")
        # the convolution torch runs: 2D (a width-1 second axis for rank 1) or 3D
        self._conv_rank = max(n, 2)
        pad = (1,) * (self._conv_rank - n)
        self._kc, self._sc, self._dc = self.kernel_size + pad, self.strides + pad, self.dilation_rate + pad
        self._conv = F.conv3d if self._conv_rank == 3 else F.conv2d
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"Layer {self.name}: strides > 1 not supported in conjunction with "
                             "dilation_rate > 1.")
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self._init_dropout(dropout, recurrent_dropout)

    @property
    def state_size(self):
        return [self.filters, self.filters]

    def build(self, input_shape):
        """``input_shape``: one NCHW step ``(batch, channels, rows, cols)``."""
        channels = input_shape[1]
        if channels is None:
            raise ValueError(f"Layer {self.name}: the channel dimension of the inputs should be "
                             f"defined. Found None in input shape {tuple(input_shape)}.")
        f = self.filters
        to_keras, from_keras = _kernel_layout(self.rank, self._conv_rank)
        self.kernel = self.add_weight("kernel", self.kernel_size + (int(channels), 4 * f),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                      to_keras=to_keras, from_keras=from_keras)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", self.kernel_size + (f, 4 * f),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint,
                                                to_keras=to_keras, from_keras=from_keras)
        if self.use_bias:
            init = self.bias_initializer
            if self.unit_forget_bias:
                def init(shape, dtype=None, _base=self.bias_initializer):
                    return torch.cat([torch.as_tensor(_base((f,), dtype=dtype)).reshape(f), torch.ones(f),
                                      torch.as_tensor(_base((2 * f,), dtype=dtype)).reshape(2 * f)])
            self.bias = self.add_weight("bias", (4 * f,), initializer=init,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True

    def _input_conv(self, x):
        """Input convolution of channels-first ``x`` (any batch, e.g. all time steps at once)."""
        if self.padding == "same":
            x = _pad_same(x, self._kc, self._sc, self._dc)
        return self._conv(x, self.kernel, self.bias, self._sc, 0, self._dc)

    def _recurrent_conv(self, h):
        ones = (1,) * self._conv_rank
        return self._conv(_pad_same(h, self._kc, ones, ones), self.recurrent_kernel)

    def _step(self, xp_t, states, rec_mask):
        h, c = states[0], states[1]
        if rec_mask is not None:
            h = h * rec_mask
        z = xp_t + self._recurrent_conv(h)
        zi, zf, zc, zo = z.chunk(4, dim=1)
        ra, act = self.recurrent_activation, self.activation
        c = ra(zf) * c + ra(zi) * act(zc)
        h = ra(zo) * act(c)
        return h, [h, c]

    def call(self, inputs, states, training=None):
        dp = self.get_dropout_mask_for_cell(inputs, training)
        rec = self.get_recurrent_dropout_mask_for_cell(states[0], training)
        x = inputs * dp if dp is not None else inputs
        return self._step(self._input_conv(x), list(states), rec)


@registry.register("layer")
class ConvLSTM2D(RNN):
    """Convolutional LSTM over ``(batch, time, rows, cols, channels)`` (channels_last) or
    ``(batch, time, channels, rows, cols)`` inputs.

    Weights (Keras layout): ``kernel (kh, kw, channels, 4*filters)``, ``recurrent_kernel (kh, kw,
    filters, 4*filters)``, ``bias (4*filters,)``, gate order i, f, c, o. The recurrent convolution
    always uses 'same' padding and stride 1. Output ``(batch, rows', cols', filters)`` or the
    sequence ``(batch, time, rows', cols', filters)``.
    """

    _cell_class = ConvLSTM2DCell
    _default_name = "conv_lstm2d"
    _ndim = 5

    def __init__(self, filters: int, kernel_size, strides=(1, 1), padding: str = "valid",
                 data_format=None, dilation_rate=(1, 1), activation="tanh",
                 recurrent_activation="hard_sigmoid", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias: bool = True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, **kwargs):
        cell = self._cell_class(filters, kernel_size, strides=strides, padding=padding,
                              dilation_rate=dilation_rate, activation=activation,
                              recurrent_activation=recurrent_activation, use_bias=use_bias,
                              kernel_initializer=kernel_initializer,
                              recurrent_initializer=recurrent_initializer,
                              bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
                              kernel_regularizer=kernel_regularizer,
                              recurrent_regularizer=recurrent_regularizer,
                              bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                              recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                              dropout=dropout, recurrent_dropout=recurrent_dropout,
                              name="conv_lstm_cell", dtype=kwargs.get("dtype"))
        unroll = kwargs.pop("unroll", False)
        if kwargs.get("name") is None:
            from ..engine.base_layer import unique_name
            kwargs["name"] = unique_name(self._default_name)  # Keras's name, not the snake case of the class
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.data_format = backend_config.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self._ndim)

    def __getattr__(self, name):
        if name in ("filters", "kernel_size", "strides", "padding", "dilation_rate", "activation",
                    "recurrent_activation", "use_bias", "kernel_initializer", "recurrent_initializer",
                    "bias_initializer", "unit_forget_bias", "kernel_regularizer",
                    "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
                    "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout"):
            return getattr(self._modules["cell"], name)
        return super().__getattr__(name)

    # ---- shapes
    def _spatial(self, input_shape):
        """``(channels, *spatial sizes)`` of a Keras-layout sequence shape."""
        shape = tuple(input_shape)
        if self.data_format == "channels_first":
            return shape[2:]
        return (shape[-1],) + shape[2:-1]

    def _step_shape(self, dims) -> tuple:
        """One output frame's Keras shape from its channels-first spatial sizes."""
        f = self.cell.filters
        return (f,) + tuple(dims) if self.data_format == "channels_first" else tuple(dims) + (f,)

    def _out_dims(self, dims) -> tuple:
        cell = self.cell
        return tuple(_conv_out(d, k, s, dl, cell.padding)
                     for d, k, s, dl in zip(dims, cell._kc, cell._sc, cell._dc))

    def build(self, input_shape):
        if isinstance(input_shape, list) and input_shape and isinstance(input_shape[0], (tuple, list)):
            input_shape = input_shape[0]
        input_shape = tuple(input_shape)
        if len(input_shape) != self._ndim:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: "
                             f"expected ndim={self._ndim}, found ndim={len(input_shape)}. Full shape received: "
                             f"{input_shape}")
        channels, *dims = self._spatial(input_shape)
        if not self.cell.built:
            self.cell._maybe_build((input_shape[0], channels, *dims))
            from .recurrent import _prefix_weight_names
            _prefix_weight_names(self, self.cell, scope=False)  # Keras: conv_lstm2d/kernel:0
        if self.stateful:
            if input_shape[0] is None or any(d is None for d in dims):
                raise ValueError(f"Layer {self.name}: a stateful ConvLSTM2D needs the full input "
                                 "shape, batch size included (batch_input_shape=...).")
            self._stateful_batch = int(input_shape[0])
        self.built = True

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, list) and input_shape and isinstance(input_shape[0], (tuple, list)):
            input_shape = input_shape[0]
        input_shape = tuple(input_shape)
        _, *dims = self._spatial(input_shape)
        step = self._step_shape(self._out_dims(dims))
        output = (input_shape[0], input_shape[1]) + step if self.return_sequences else (input_shape[0],) + step
        if self.return_state:
            return [output] + [(input_shape[0],) + step] * 2
        return output

    # ---- running: NCHW inside, Keras layout at the edges
    def _to_nchw(self, t):
        """Channels-first view (channels just before the spatial axes), as torch convolves."""
        return t if self.data_format == "channels_first" else t.movedim(-1, -1 - self.cell._conv_rank)

    def _from_nchw(self, t):
        return t if self.data_format == "channels_first" else t.movedim(-1 - self.cell._conv_rank, -1)

    def get_initial_state(self, inputs):
        x = self._to_nchw(inputs)
        zeros = x.new_zeros((x.shape[0], self.cell.filters) + self._out_dims(x.shape[3:]))
        return [zeros, zeros.clone()]

    def reset_states(self, states=None) -> None:
        if not self.stateful:
            raise AttributeError(f"Layer {self.name} must be stateful to reset its states.")
        if states is None:
            self._states = None
            return
        self._states = [self._to_nchw(torch.as_tensor(s, dtype=torch.float32, device=self._weight_device()))
                        for s in states]

    def _starting_states(self, x, initial_state):
        if initial_state is not None:
            return [self._to_nchw(s.to(x.dtype)) for s in initial_state]
        if self.stateful and self._states is not None:
            return self._states
        return self.get_initial_state(x)

    def call(self, inputs, mask=None, training=None, initial_state=None, constants=None):
        inputs, initial_state = self._split_inputs(inputs, initial_state)
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        states = self._starting_states(inputs, initial_state)
        x = self._to_nchw(inputs)
        if self.go_backwards:
            x = x.flip(1)
            mask = mask.flip(1) if mask is not None else None
        cell = self.cell
        cell.reset_dropout_mask()
        cell.reset_recurrent_dropout_mask()
        dp = cell.get_dropout_mask_for_cell(x[:, 0], training)
        rec = cell.get_recurrent_dropout_mask_for_cell(states[0], training)
        b, t = x.shape[:2]
        xin = x * dp.unsqueeze(1) if dp is not None else x
        xp = cell._input_conv(xin.reshape((b * t,) + tuple(x.shape[2:])))  # every step at once
        xp = xp.reshape((b, t) + tuple(xp.shape[1:]))
        mask5 = mask.reshape(mask.shape + (1,) * cell._conv_rank) if mask is not None else None
        last, seq, final = _loop(lambda i, s: cell._step(xp[:, i], s, rec), t, states, mask5,
                                 self.zero_output_for_mask, self.return_sequences)
        if self.stateful:
            self._states = [s.detach() for s in final]
        output = self._from_nchw(seq if self.return_sequences else last)
        if self.return_state:
            return [output] + [self._from_nchw(s) for s in final]
        return output

    def get_config(self):
        config = Layer.get_config(self)
        config.update(self._rnn_config())
        cell = self.cell
        config.update({
            "filters": cell.filters, "kernel_size": cell.kernel_size, "strides": cell.strides,
            "padding": cell.padding, "data_format": self.data_format,
            "dilation_rate": cell.dilation_rate,
            "activation": activations.serialize(cell.activation),
            "recurrent_activation": activations.serialize(cell.recurrent_activation),
            "use_bias": cell.use_bias,
            "kernel_initializer": initializers.serialize(cell.kernel_initializer),
            "recurrent_initializer": initializers.serialize(cell.recurrent_initializer),
            "bias_initializer": initializers.serialize(cell.bias_initializer),
            "unit_forget_bias": cell.unit_forget_bias,
            "kernel_regularizer": regularizers.serialize(cell.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(cell.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(cell.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self._activity_regularizer),
            "kernel_constraint": constraints.serialize(cell.kernel_constraint),
            "recurrent_constraint": constraints.serialize(cell.recurrent_constraint),
            "bias_constraint": constraints.serialize(cell.bias_constraint),
            "dropout": cell.dropout, "recurrent_dropout": cell.recurrent_dropout,
        })
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class ConvLSTM1DCell(ConvLSTM2DCell):
    """One ConvLSTM1D step, run as a 2D one on NCHW tensors of width 1."""

    rank = 1


@registry.register("layer")
class ConvLSTM1D(ConvLSTM2D):
    """Convolutional LSTM over ``(batch, time, steps, channels)`` (channels_last) or
    ``(batch, time, channels, steps)`` inputs.

    Weights (Keras layout): ``kernel (k, channels, 4*filters)``, ``recurrent_kernel (k, filters,
    4*filters)``, ``bias (4*filters,)``, gate order i, f, c, o. Output ``(batch, steps', filters)``
    or the sequence ``(batch, time, steps', filters)``.
    """

    _cell_class = ConvLSTM1DCell
    _default_name = "conv_lstm1d"
    _ndim = 4

    def __init__(self, filters: int, kernel_size, strides=1, padding: str = "valid", data_format=None,
                 dilation_rate=1, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, **kwargs)

    def _spatial(self, input_shape):
        return super()._spatial(input_shape) + (1,)  # the width-1 axis it runs with

    def _step_shape(self, dims) -> tuple:
        return super()._step_shape(tuple(dims)[:1])

    def _to_nchw(self, t):
        t = t.unsqueeze(-1) if self.data_format == "channels_first" else t.movedim(-1, -2).unsqueeze(-1)
        return t

    def _from_nchw(self, t):
        t = t.squeeze(-1)
        return t if self.data_format == "channels_first" else t.movedim(-2, -1)


class ConvLSTM3DCell(ConvLSTM2DCell):
    """One ConvLSTM3D step on channels-first ``(batch, channels, depth, rows, cols)`` tensors."""

    rank = 3


@registry.register("layer")
class ConvLSTM3D(ConvLSTM2D):
    """Convolutional LSTM over ``(batch, time, depth, rows, cols, channels)`` (channels_last) or
    ``(batch, time, channels, depth, rows, cols)`` inputs.

    Weights (Keras layout): ``kernel (kd, kh, kw, channels, 4*filters)``, ``recurrent_kernel (kd,
    kh, kw, filters, 4*filters)``, ``bias (4*filters,)``, gate order i, f, c, o. Output ``(batch,
    depth', rows', cols', filters)`` or the sequence with the time axis.
    """

    _cell_class = ConvLSTM3DCell
    _default_name = "conv_lstm3d"
    _ndim = 6

    def __init__(self, filters: int, kernel_size, strides=(1, 1, 1), padding: str = "valid",
                 data_format=None, dilation_rate=(1, 1, 1), **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, **kwargs)
