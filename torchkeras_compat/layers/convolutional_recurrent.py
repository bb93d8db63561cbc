"""``ConvLSTM2D``/``ConvLSTM1D``: LSTMs whose input and recurrent transformations are convolutions.

Both run on torch's 2D convolution; a 1D sequence of frames is a 2D one of width 1."""
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


def _kernel_to_torch(k):  # Keras (kh, kw, in, out) -> torch (out, in, kh, kw)
    return k.permute(3, 2, 0, 1).contiguous()


def _kernel_to_keras(w):
    return w.permute(2, 3, 1, 0)


def _kernel1d_to_torch(k):  # Keras (k, in, out) -> torch (out, in, k, 1)
    return k.permute(2, 1, 0).unsqueeze(-1).contiguous()


def _kernel1d_to_keras(w):
    return w[..., 0].permute(2, 1, 0)


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
        # the 2D convolution parameters torch runs (a width-1 second axis for rank 1)
        pad = (1,) * (2 - n)
        self._k2, self._s2, self._d2 = self.kernel_size + pad, self.strides + pad, self.dilation_rate + pad
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
        to_keras, from_keras = ((_kernel_to_keras, _kernel_to_torch) if self.rank == 2 else
                                (_kernel1d_to_keras, _kernel1d_to_torch))
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
        """Input convolution of NCHW ``x`` (any batch, e.g. all time steps at once)."""
        if self.padding == "same":
            (kh, kw), (sh, sw), (dh, dw) = self._k2, self._s2, self._d2
            top, bottom = _same_padding(x.shape[-2], kh, sh, dh)
            left, right = _same_padding(x.shape[-1], kw, sw, dw)
            x = F.pad(x, (left, right, top, bottom))
        return F.conv2d(x, self.kernel, self.bias, self._s2, 0, self._d2)

    def _recurrent_conv(self, h):
        kh, kw = self._k2
        top, bottom = _same_padding(h.shape[-2], kh, 1, 1)
        left, right = _same_padding(h.shape[-1], kw, 1, 1)
        return F.conv2d(F.pad(h, (left, right, top, bottom)), self.recurrent_kernel)

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
        shape = tuple(input_shape)
        if self.data_format == "channels_first":
            return shape[2], shape[3], shape[4]
        return shape[4], shape[2], shape[3]

    def _step_shape(self, rows, cols) -> tuple:
        """One output frame's Keras shape from the NCHW rows/cols."""
        f = self.cell.filters
        return (f, rows, cols) if self.data_format == "channels_first" else (rows, cols, f)

    def _out_hw(self, rows, cols):
        cell = self.cell
        return (_conv_out(rows, cell._k2[0], cell._s2[0], cell._d2[0], cell.padding),
                _conv_out(cols, cell._k2[1], cell._s2[1], cell._d2[1], cell.padding))

    def build(self, input_shape):
        if isinstance(input_shape, list) and input_shape and isinstance(input_shape[0], (tuple, list)):
            input_shape = input_shape[0]
        input_shape = tuple(input_shape)
        if len(input_shape) != self._ndim:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: "
                             f"expected ndim={self._ndim}, found ndim={len(input_shape)}. Full shape received: "
                             f"{input_shape}")
        channels, rows, cols = self._spatial(input_shape)
        if not self.cell.built:
            self.cell._maybe_build((input_shape[0], channels, rows, cols))
            from .recurrent import _prefix_weight_names
            _prefix_weight_names(self, self.cell, scope=False)  # Keras: conv_lstm2d/kernel:0
        if self.stateful:
            if input_shape[0] is None or rows is None or cols is None:
                raise ValueError(f"Layer {self.name}: a stateful ConvLSTM2D needs the full input "
                                 "shape, batch size included (batch_input_shape=...).")
            self._stateful_batch = int(input_shape[0])
        self.built = True

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, list) and input_shape and isinstance(input_shape[0], (tuple, list)):
            input_shape = input_shape[0]
        input_shape = tuple(input_shape)
        _, rows, cols = self._spatial(input_shape)
        r, c = self._out_hw(rows, cols)
        step = self._step_shape(r, c)
        output = (input_shape[0], input_shape[1]) + step if self.return_sequences else (input_shape[0],) + step
        if self.return_state:
            return [output] + [(input_shape[0],) + step] * 2
        return output

    # ---- running: NCHW inside, Keras layout at the edges
    def _to_nchw(self, t):
        return t if self.data_format == "channels_first" else t.movedim(-1, -3)

    def _from_nchw(self, t):
        return t if self.data_format == "channels_first" else t.movedim(-3, -1)

    def get_initial_state(self, inputs):
        x = self._to_nchw(inputs)
        b, _, _, rows, cols = x.shape
        r, c = self._out_hw(rows, cols)
        zeros = x.new_zeros(b, self.cell.filters, r, c)
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
        mask5 = mask.reshape(mask.shape + (1, 1)) if mask is not None else None
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
        shape = tuple(input_shape)
        if self.data_format == "channels_first":
            return shape[2], shape[3], 1
        return shape[3], shape[2], 1

    def _step_shape(self, rows, cols) -> tuple:
        f = self.cell.filters
        return (f, rows) if self.data_format == "channels_first" else (rows, f)

    def _to_nchw(self, t):
        t = t.unsqueeze(-1) if self.data_format == "channels_first" else t.movedim(-1, -2).unsqueeze(-1)
        return t

    def _from_nchw(self, t):
        t = t.squeeze(-1)
        return t if self.data_format == "channels_first" else t.movedim(-2, -1)
