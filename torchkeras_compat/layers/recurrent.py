"""Recurrent layers: the RNN loop, SimpleRNN/LSTM/GRU and their cells, StackedRNNCells and the
Keras 2.2 CuDNNLSTM/CuDNNGRU.

Weights are stored in ``torch.nn.LSTM``/``GRU``/``RNN`` layout (``weight_ih`` ``(gates*units, in)``,
torch gate order) so that torch's fused kernels (cuDNN on GPU, oneDNN/ATen on CPU) run directly;
``get_weights``/``set_weights`` show Keras's layout (``kernel`` ``(in, gates*units)`` in Keras
gate order: LSTM i,f,c,o; GRU z,r,h). When a layer's configuration is exactly what the fused
kernel computes (LSTM tanh/sigmoid, GRU reset_after with tanh/sigmoid, SimpleRNN tanh/relu, no
recurrent dropout, no mask) the fused op runs; anything else (hard_sigmoid, reset_after=False,
masks, recurrent dropout, custom cells) runs a step loop with Keras's formulas.
"""
from typing import List, Optional

import numpy as np
import torch
from torch import _VF

from .. import activations, constraints, initializers, regularizers
from ..engine import registry
from ..engine.base_layer import InputSpec, Layer, _call_signature
from . import _defaults

_DEFAULT = object()  # "use the version-dependent default" (see layers/_defaults.py)


# ---------------------------------------------------------------- layout conversions
def _reorder_gates(t: torch.Tensor, order, dim: int) -> torch.Tensor:
    """Permute the gate blocks of ``t`` along ``dim`` (``order`` lists source block indices)."""
    if list(order) == sorted(order):
        return t
    blocks = t.chunk(len(order), dim=dim)
    return torch.cat([blocks[i] for i in order], dim=dim)


def _kernel_layout(order):
    """Keras ``(in, G*u)`` kernel <-> torch ``(G*u, in)`` weight, gate blocks reordered."""
    def from_keras(k):
        return _reorder_gates(k.t(), order, 0).contiguous()

    def to_keras(w):
        return _reorder_gates(w, order, 0).t()
    return to_keras, from_keras


def _bias_layout(order):
    """Keras bias ``(..., G*u)`` <-> torch bias with gate blocks reordered on the last axis."""
    def convert(b):
        return _reorder_gates(b, order, b.dim() - 1)
    return convert, convert


_KERAS_TO_TORCH_GRU = (1, 0, 2)  # Keras z,r,h <-> torch r,z,n (the permutation is its own inverse)
_SAME = (0, 1, 2, 3)


def _is(fn, name: str) -> bool:
    return fn is getattr(activations, name)


# ---------------------------------------------------------------- dropout masks
class DropoutRNNCellMixin:
    """Keras's per-sequence dropout masks: one mask per sequence, reused at every time step."""

    def _init_dropout(self, dropout: float, recurrent_dropout: float) -> None:
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self._dropout_mask = None
        self._recurrent_dropout_mask = None

    def reset_dropout_mask(self) -> None:
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self) -> None:
        self._recurrent_dropout_mask = None

    @staticmethod
    def _keep_mask(like: torch.Tensor, rate: float) -> torch.Tensor:
        keep = torch.empty_like(like).bernoulli_(1.0 - rate)
        return keep / (1.0 - rate)

    def get_dropout_mask_for_cell(self, inputs, training, count: int = 1):
        if not (training and 0 < self.dropout < 1):
            return None
        if self._dropout_mask is None or self._dropout_mask.shape != inputs.shape:
            self._dropout_mask = self._keep_mask(inputs, self.dropout)
        return self._dropout_mask

    def get_recurrent_dropout_mask_for_cell(self, inputs, training, count: int = 1):
        if not (training and 0 < self.recurrent_dropout < 1):
            return None
        if self._recurrent_dropout_mask is None or self._recurrent_dropout_mask.shape != inputs.shape:
            self._recurrent_dropout_mask = self._keep_mask(inputs, self.recurrent_dropout)
        return self._recurrent_dropout_mask


# ---------------------------------------------------------------- cells
def _implementation(implementation: int, recurrent_dropout: float) -> int:
    """tf.keras switches to implementation 1 when recurrent_dropout is set (same numbers here)."""
    implementation = int(implementation)
    return 1 if recurrent_dropout != 0 and implementation != 1 else implementation


class _GatedCell(DropoutRNNCellMixin, Layer):
    """Shared parts of SimpleRNNCell/LSTMCell/GRUCell: arguments, weights, projections.

    Subclasses set ``_gates`` (number of gate blocks) and ``_order`` (Keras->torch gate order) and
    define ``_step(xp_t, states, rec_mask)`` on a precomputed input projection ``xp_t``.
    """
    _gates = 1
    _order = (0,)

    def __init__(self, units: int, activation="tanh", recurrent_activation="sigmoid",
                 use_bias: bool = True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        if self.units <= 0:
            raise ValueError(f"Received an invalid value for argument `units`, expected a positive "
                             f"integer, got {units} (layer {self.name}).")
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self._init_dropout(dropout, recurrent_dropout)

    # ---- sizes
    @property
    def state_size(self):
        return self.units

    @property
    def output_size(self) -> int:
        return self.units

    # ---- weights
    def _add_kernels(self, input_dim: int) -> None:
        width = self._gates * self.units
        to_k, from_k = _kernel_layout(self._order)
        self.weight_ih = self.add_weight("kernel", (input_dim, width), initializer=self.kernel_initializer,
                                         regularizer=self.kernel_regularizer,
                                         constraint=self.kernel_constraint, to_keras=to_k, from_keras=from_k)
        self.weight_hh = self.add_weight("recurrent_kernel", (self.units, width),
                                         initializer=self.recurrent_initializer,
                                         regularizer=self.recurrent_regularizer,
                                         constraint=self.recurrent_constraint, to_keras=to_k, from_keras=from_k)

    def _add_bias(self, shape, initializer) -> torch.Tensor:
        to_k, from_k = _bias_layout(self._order)
        return self.add_weight("bias", shape, initializer=initializer, regularizer=self.bias_regularizer,
                               constraint=self.bias_constraint, to_keras=to_k, from_keras=from_k)

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f"Layer {self.name}: the last dimension of the inputs must be defined; "
                             f"got input shape {tuple(input_shape)}.")
        self._add_kernels(int(input_dim))
        self.bias = self._add_bias((self._gates * self.units,), self.bias_initializer) if self.use_bias else None
        self.built = True

    # ---- the fused-kernel parameter list (torch layout)
    def _input_bias(self) -> Optional[torch.Tensor]:
        return self.bias

    def _recurrent_bias(self) -> Optional[torch.Tensor]:
        return None

    def _fused_params(self) -> list:
        if not self.use_bias:
            return [self.weight_ih, self.weight_hh]
        b_ih = self._input_bias()
        b_hh = self._recurrent_bias()
        if b_hh is None:  # Keras has one bias: torch's second bias is a zero constant
            b_hh = self.__dict__.get("_zero_bias")
            if b_hh is None or b_hh.device != b_ih.device or b_hh.dtype != b_ih.dtype:
                b_hh = torch.zeros_like(b_ih, requires_grad=False)
                object.__setattr__(self, "_zero_bias", b_hh)  # not a weight, not in state_dict
        return [self.weight_ih, self.weight_hh, b_ih, b_hh]

    # ---- computation
    def _project(self, inputs: torch.Tensor, dp_mask=None) -> torch.Tensor:
        """``inputs @ kernel + input_bias`` for any number of leading axes (all time steps at once)."""
        if dp_mask is not None:
            inputs = inputs * dp_mask
        return torch.nn.functional.linear(inputs, self.weight_ih, self._input_bias())

    def _step(self, xp_t, states, rec_mask):
        raise NotImplementedError

    def call(self, inputs, states, training=None):
        """One step: ``inputs`` (batch, input_dim), ``states`` list -> (output, new_states)."""
        states = list(states) if isinstance(states, (list, tuple)) else [states]
        inputs = inputs if inputs.is_floating_point() else inputs.to(self.weight_ih.dtype)
        dp = self.get_dropout_mask_for_cell(inputs, training)
        rec = self.get_recurrent_dropout_mask_for_cell(states[0], training)
        return self._step(self._project(inputs, dp), states, rec)

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        batch = inputs.shape[0] if inputs is not None else batch_size
        sizes = self.state_size if isinstance(self.state_size, (list, tuple)) else [self.state_size]
        device = self.weight_ih.device if self.built else None
        states = [torch.zeros(batch, s, dtype=self.weight_ih.dtype if self.built else torch.float32,
                              device=device) for s in sizes]
        return states if isinstance(self.state_size, (list, tuple)) else states[0]

    def _base_config(self) -> dict:
        return {
            "units": self.units,
            "activation": activations.serialize(self.activation),
        }

    def _weights_config(self) -> dict:
        return {
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
        }

    def _regularizers_config(self, activity=None, with_activity=False) -> dict:
        cfg = {"kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
               "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
               "bias_regularizer": regularizers.serialize(self.bias_regularizer)}
        if with_activity:
            cfg["activity_regularizer"] = regularizers.serialize(activity)
        cfg.update({"kernel_constraint": constraints.serialize(self.kernel_constraint),
                    "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
                    "bias_constraint": constraints.serialize(self.bias_constraint),
                    "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout})
        return cfg


@registry.register("layer")
class SimpleRNNCell(_GatedCell):
    """``h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)``.

    Step input ``(batch, input_dim)``, state and output ``(batch, units)``.
    """

    def __init__(self, units: int, activation="tanh", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout: float = 0.0, recurrent_dropout: float = 0.0, **kwargs):
        super().__init__(units, activation=activation, recurrent_activation=None, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                         bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                         recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
                         kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
                         bias_constraint=bias_constraint, dropout=dropout,
                         recurrent_dropout=recurrent_dropout, **kwargs)

    def _fused_op(self):
        if _is(self.activation, "tanh"):
            return _VF.rnn_tanh
        if _is(self.activation, "relu"):
            return _VF.rnn_relu
        return None

    def _step(self, xp_t, states, rec_mask):
        h = states[0]
        if rec_mask is not None:
            h = h * rec_mask
        out = self.activation(xp_t + h @ self.weight_hh.t())
        return out, [out]

    def get_config(self):
        config = super().get_config()
        config.update(self._base_config())
        config.update(self._weights_config())
        config.update(self._regularizers_config())
        return config


@registry.register("layer")
class LSTMCell(_GatedCell):
    """One LSTM step (Keras gate order i, f, c, o); states ``[h, c]``, each ``(batch, units)``."""
    _gates = 4
    _order = _SAME  # Keras i,f,c,o is torch's i,f,g,o

    def __init__(self, units: int, activation="tanh", recurrent_activation=_DEFAULT,
                 use_bias: bool = True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias: bool = True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 implementation: int = 2, **kwargs):
        if recurrent_activation is _DEFAULT:
            recurrent_activation = _defaults.recurrent_activation()
        super().__init__(units, activation=activation, recurrent_activation=recurrent_activation,
                         use_bias=use_bias, kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                         bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                         recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                         dropout=dropout, recurrent_dropout=recurrent_dropout, **kwargs)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.implementation = _implementation(implementation, self.recurrent_dropout)

    @property
    def state_size(self):
        return [self.units, self.units]

    def build(self, input_shape):
        super().build(input_shape)
        if self.use_bias and self.unit_forget_bias:
            # Keras: bias = [init(units), ones(units), init(2 * units)]
            u = self.units
            init = self.bias_initializer
            with torch.no_grad():
                keras_bias = torch.cat([torch.as_tensor(init((u,), dtype="float32")).reshape(u),
                                        torch.ones(u),
                                        torch.as_tensor(init((2 * u,), dtype="float32")).reshape(2 * u)])
                self.bias.copy_(keras_bias.to(self.bias))

    def _fused_op(self):
        if _is(self.activation, "tanh") and _is(self.recurrent_activation, "sigmoid"):
            return _VF.lstm
        return None

    def _step(self, xp_t, states, rec_mask):
        h, c = states[0], states[1]
        if rec_mask is not None:
            h = h * rec_mask
        z = xp_t + h @ self.weight_hh.t()
        zi, zf, zc, zo = z.chunk(4, dim=-1)
        ra, act = self.recurrent_activation, self.activation
        c = ra(zf) * c + ra(zi) * act(zc)
        h = ra(zo) * act(c)
        return h, [h, c]

    def get_config(self):
        config = super().get_config()
        config.update(self._base_config())
        config["recurrent_activation"] = activations.serialize(self.recurrent_activation)
        config.update(self._weights_config())
        config["unit_forget_bias"] = self.unit_forget_bias
        config.update(self._regularizers_config())
        config["implementation"] = self.implementation
        return config


@registry.register("layer")
class GRUCell(_GatedCell):
    """One GRU step (Keras gate order z, r, h).

    ``reset_after=True`` (tf.keras default, cuDNN-compatible) applies the reset gate after the
    recurrent matrix product and has two biases, Keras shape ``(2, 3*units)``; ``reset_after=False``
    (Keras 2.0-2.2) applies it before and has one bias ``(3*units,)``.
    """
    _gates = 3
    _order = _KERAS_TO_TORCH_GRU

    def __init__(self, units: int, activation="tanh", recurrent_activation=_DEFAULT,
                 use_bias: bool = True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, implementation: int = 2,
                 reset_after=_DEFAULT, **kwargs):
        if recurrent_activation is _DEFAULT:
            recurrent_activation = _defaults.recurrent_activation()
        if reset_after is _DEFAULT:
            reset_after = _defaults.gru_reset_after()
        super().__init__(units, activation=activation, recurrent_activation=recurrent_activation,
                         use_bias=use_bias, kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                         bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                         recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                         dropout=dropout, recurrent_dropout=recurrent_dropout, **kwargs)
        self.implementation = _implementation(implementation, self.recurrent_dropout)
        self.reset_after = bool(reset_after)

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f"Layer {self.name}: the last dimension of the inputs must be defined; "
                             f"got input shape {tuple(input_shape)}.")
        self._add_kernels(int(input_dim))
        shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
        self.bias = self._add_bias(shape, self.bias_initializer) if self.use_bias else None
        self.built = True

    def _input_bias(self):
        if self.bias is None:
            return None
        return self.bias[0] if self.reset_after else self.bias

    def _recurrent_bias(self):
        return self.bias[1] if (self.bias is not None and self.reset_after) else None

    def _fused_op(self):
        if self.reset_after and _is(self.activation, "tanh") and _is(self.recurrent_activation, "sigmoid"):
            return _VF.gru
        return None

    def _step(self, xp_t, states, rec_mask):
        h = states[0]
        h_in = h * rec_mask if rec_mask is not None else h
        u = self.units
        ra, act = self.recurrent_activation, self.activation
        xr, xz, xh = xp_t[..., :u], xp_t[..., u:2 * u], xp_t[..., 2 * u:]
        if self.reset_after:
            hp = torch.nn.functional.linear(h_in, self.weight_hh, self._recurrent_bias())
            r = ra(xr + hp[..., :u])
            z = ra(xz + hp[..., u:2 * u])
            hh = act(xh + r * hp[..., 2 * u:])
        else:
            w = self.weight_hh
            hp = h_in @ w[:2 * u].t()
            r = ra(xr + hp[..., :u])
            z = ra(xz + hp[..., u:])
            hh = act(xh + (r * h_in) @ w[2 * u:].t())
        h = z * h + (1 - z) * hh
        return h, [h]

    def get_config(self):
        config = super().get_config()
        config.update(self._base_config())
        config["recurrent_activation"] = activations.serialize(self.recurrent_activation)
        config.update(self._weights_config())
        config.update(self._regularizers_config())
        config["implementation"] = self.implementation
        config["reset_after"] = self.reset_after
        return config


@registry.register("layer")
class AbstractRNNCell(Layer):
    """Base class for user RNN cells: define ``state_size``, ``output_size`` (properties) and
    ``call(inputs, states) -> (output, new_states)``; zero initial states come for free."""

    @property
    def state_size(self):
        raise NotImplementedError(f"{type(self).__name__} must define the `state_size` property.")

    @property
    def output_size(self):
        raise NotImplementedError(f"{type(self).__name__} must define the `output_size` property.")

    def call(self, inputs, states):
        raise NotImplementedError(f"{type(self).__name__} must define call(inputs, states).")

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        device = inputs.device if torch.is_tensor(inputs) else self._weight_device()
        zeros = [torch.zeros(batch_size, s, device=device) for s in _state_sizes(self.state_size)]
        return _pack_states(self.state_size, zeros)


@registry.register("layer")
class StackedRNNCells(Layer):
    """Several cells run one after another at each time step, as one cell.

    ``state_size`` is a tuple with each cell's own ``state_size``; states travel nested the same
    way (``([h1, c1], h2)`` for an LSTMCell then a GRUCell), as in Keras. The output is the last
    cell's output.
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        for cell in cells:
            if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
                raise ValueError("All cells of StackedRNNCells must have a `call` method and a "
                                 f"`state_size` attribute; received {cell!r}.")
        self.cells = list(cells)

    @property
    def state_size(self):
        return tuple(c.state_size for c in self.cells)

    @property
    def output_size(self):
        return _output_size(self.cells[-1])

    def build(self, input_shape):
        shape = tuple(input_shape)
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell._maybe_build(shape)
                cell._wrapper_build_shape = shape
            shape = shape[:-1] + (_output_size(cell),)
        self.built = True

    def call(self, inputs, states, training=None):
        """One step; ``states`` nested per cell (a flat list in the same order works too).
        Returns ``(last cell's output, new states nested per cell)``."""
        flat = _flatten_states(states)
        out, new_states, i = inputs, [], 0
        for cell in self.cells:
            n = _num_leaves(cell.state_size)
            out, cell_states = _cell_call(cell, out, flat[i:i + n], training)
            new_states.append(_pack_states(cell.state_size, cell_states))
            i += n
        return out, tuple(new_states)

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        return tuple(_initial_state_of(cell, inputs, batch_size) for cell in self.cells)

    def get_config(self):
        config = super().get_config()
        config["cells"] = [_serialize_cell(c) for c in self.cells]
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cells = [registry.deserialize("layer", c, custom_objects, what="layer")
                 for c in config.pop("cells")]
        return cls(cells, **config)


# ---------------------------------------------------------------- cell helpers
def _serialize_cell(cell) -> dict:
    """A cell in a config as tf.keras 2.21 writes it (module, registered_name, build_config)."""
    from .wrappers import _serialize
    return _serialize(cell)


def _as_list(x) -> list:
    return list(x) if isinstance(x, (list, tuple)) else [x]


# A state_size is an int (one state), a list/tuple of ints (one size per state), or, for stacked
# cells, a tuple of such entries. The loop keeps the states as one flat list; cells and users see
# them nested the way state_size is.
def _is_multiple(state_size) -> bool:
    return isinstance(state_size, (list, tuple))


def _state_sizes(state_size) -> List[int]:
    """The sizes of the individual states, flattened in order."""
    if _is_multiple(state_size):
        return [s for entry in state_size for s in _state_sizes(entry)]
    return [int(state_size)]


def _num_leaves(state_size) -> int:
    return len(_state_sizes(state_size))


def _flatten_states(states) -> list:
    if isinstance(states, (list, tuple)):
        return [s for entry in states for s in _flatten_states(entry)]
    return [states]


def _pack_states(state_size, flat):
    """``flat`` states grouped the way ``state_size`` is nested (a bare state for an int)."""
    values = iter(flat)

    def pack(size):
        return [pack(s) for s in size] if _is_multiple(size) else next(values)

    return pack(state_size)


def _cell_states(state_size, flat) -> list:
    """States as a cell receives and returns them: always a list at the top level, as Keras's
    RNN passes ``[h]`` to a single-state cell."""
    packed = _pack_states(state_size, flat)
    return packed if _is_multiple(state_size) else [packed]


def _output_size(cell) -> int:
    try:
        size = getattr(cell, "output_size", None)
    except NotImplementedError:  # an AbstractRNNCell that only defines state_size
        size = None
    return int(size) if size is not None else _state_sizes(cell.state_size)[0]


def _initial_state_of(cell, inputs, batch_size):
    if hasattr(cell, "get_initial_state"):
        try:
            return cell.get_initial_state(inputs=inputs, batch_size=batch_size, dtype=inputs.dtype)
        except NotImplementedError:
            pass
    return _pack_states(cell.state_size, [inputs.new_zeros(batch_size, s)
                                          for s in _state_sizes(cell.state_size)])


def _cell_call(cell, x_t, states, training, constants=None):
    """Call a (possibly user-defined) cell's step on flat ``states`` (handed to the cell nested as
    its state_size); returns (output, flat list of new states)."""
    kwargs = {}
    if _call_signature(type(cell))[0]:
        kwargs["training"] = training
    if constants is not None:
        kwargs["constants"] = constants
    out, new_states = cell.call(x_t, _cell_states(cell.state_size, states), **kwargs)
    return out, _flatten_states(new_states)


# ---------------------------------------------------------------- the RNN layer
@registry.register("layer")
class RNN(Layer):
    """Runs ``cell`` over the time axis of ``(batch, timesteps, features)`` inputs.

    ``cell`` is a cell (a layer with ``call(inputs, states)`` and ``state_size``) or a list of
    cells (stacked). Outputs: the last output ``(batch, units)``, or with ``return_sequences`` the
    whole sequence ``(batch, timesteps, units)``; with ``return_state`` a list ``[output] +
    final_states``. ``initial_state`` (keyword, or extra inputs after the sequence) sets the
    starting states; ``stateful=True`` keeps the final states of a batch as the initial states of
    the next until ``reset_states()``. Masked time steps carry the previous output and states.
    """

    def __init__(self, cell, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 time_major: bool = False, **kwargs):
        zero_output_for_mask = kwargs.pop("zero_output_for_mask", False)
        kwargs.pop("input_spec", None)
        super().__init__(**kwargs)
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
            raise ValueError("Argument `cell` should have a `call` method and a `state_size` attribute "
                             f"(layer {self.name}); received cell={cell!r}.")
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self._stateful = bool(stateful)
        self.unroll = bool(unroll)  # accepted: the loop gives the same numbers either way
        self.time_major = bool(time_major)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.supports_masking = True
        self.input_spec = InputSpec(min_ndim=3)
        self._states: Optional[List[torch.Tensor]] = None

    # ---- properties
    @property
    def stateful(self) -> bool:
        return self._stateful

    @stateful.setter
    def stateful(self, value: bool) -> None:
        self._stateful = bool(value)

    @property
    def states(self):
        """The kept states of a stateful layer, nested as the cell's state_size (Nones before
        the first batch)."""
        flat = self._states if self._states is not None else [None] * self._num_states()
        return _cell_states(self.cell.state_size, flat)

    @states.setter
    def states(self, value):
        self._states = None if value is None else _flatten_states(value)

    def _num_states(self) -> int:
        return _num_leaves(self.cell.state_size)

    def _nest_states(self, flat: list) -> list:
        """Final states as the layer returns them after the output: one per state, grouped per
        cell for stacked cells (``[[h1, c1], h2]``), as Keras."""
        return _cell_states(self.cell.state_size, flat)

    # ---- shapes
    def _split_inputs(self, inputs, initial_state):
        """Keras also accepts ``layer([x, state1, state2])``."""
        if isinstance(inputs, (list, tuple)):
            if initial_state is None and len(inputs) > 1:
                initial_state = list(inputs[1:])
            inputs = inputs[0]
        return inputs, initial_state

    def build(self, input_shape):
        if isinstance(input_shape, list) and input_shape and isinstance(input_shape[0], (tuple, list)):
            input_shape = input_shape[0]
        input_shape = tuple(input_shape)
        if len(input_shape) < 3:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the layer: "
                             f"expected ndim=3, found ndim={len(input_shape)}. Full shape received: "
                             f"{input_shape}")
        batch = input_shape[1] if self.time_major else input_shape[0]
        step_shape = (batch,) + input_shape[2:]
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell._maybe_build(step_shape)
            self.cell._wrapper_build_shape = step_shape
            _prefix_weight_names(self, self.cell)
        if self.stateful:
            if batch is None:
                raise ValueError(
                    f"Layer {self.name}: if a RNN is stateful, it needs to know its batch size. "
                    "Specify the batch size of your input tensors: pass `batch_input_shape=(batch, "
                    "timesteps, features)` (Sequential) or `batch_size=` (functional Input).")
            self._stateful_batch = int(batch)
        self.built = True

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, list) and input_shape and isinstance(input_shape[0], (tuple, list)):
            input_shape = input_shape[0]
        input_shape = tuple(input_shape)
        batch, steps = (input_shape[1], input_shape[0]) if self.time_major else input_shape[:2]
        out_size = _output_size(self.cell)
        if self.return_sequences:
            output = (steps, batch, out_size) if self.time_major else (batch, steps, out_size)
        else:
            output = (batch, out_size)
        if self.return_state:
            # flat, as Keras's compute_output_shape (the call's own result is nested)
            return [output] + [(batch, s) for s in _state_sizes(self.cell.state_size)]
        return output

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + self._nest_states([None] * self._num_states())
        return output_mask

    def _symbolic_call(self, inputs, extra_args, kwargs):
        # compute_output_shape is flat (as Keras's); the symbolic outputs are nested like the
        # eager ones, so that `out, [h1, c1], h2 = RNN([...], return_state=True)(x)` unpacks
        outputs = super()._symbolic_call(inputs, extra_args, kwargs)
        if self.return_state and any(_is_multiple(s) for s in _as_list(self.cell.state_size)):
            outputs = [outputs[0]] + self._nest_states(list(outputs[1:]))
            self._inbound_nodes[-1].outputs = outputs
        return outputs

    # ---- states
    def get_initial_state(self, inputs):
        batch = inputs.shape[1] if self.time_major else inputs.shape[0]
        step = inputs[0] if self.time_major else inputs[:, 0]
        states = _flatten_states(_initial_state_of(self.cell, step, batch))
        return self._nest_states([s.to(device=inputs.device, dtype=inputs.dtype) for s in states])

    def reset_states(self, states=None) -> None:
        """Zero the kept states (or set them to ``states``, arrays of shape ``(batch, size)``)."""
        if not self.stateful:
            raise AttributeError(f"Layer {self.name} must be stateful to reset its states.")
        batch = getattr(self, "_stateful_batch", None)
        if batch is None:
            raise ValueError(f"Layer {self.name}: the layer is not built yet, so it has no states to "
                             "reset; call it on data (or build it) first.")
        sizes = _state_sizes(self.cell.state_size)
        device = self._weight_device()
        if states is None:
            self._states = [torch.zeros(batch, s, device=device) for s in sizes]
            return
        states = _flatten_states(states)
        if len(states) != len(sizes):
            raise ValueError(f"Layer {self.name} expects {len(sizes)} state(s), but it received "
                             f"{len(states)} state value(s). Input received: {states!r}")
        new = []
        for i, (value, size) in enumerate(zip(states, sizes)):
            value = torch.as_tensor(np.asarray(value), dtype=torch.float32, device=device)
            if tuple(value.shape) != (batch, size):
                raise ValueError(f"State {i} is incompatible with layer {self.name}: expected shape="
                                 f"{(batch, size)} but found shape={tuple(value.shape)}")
            new.append(value)
        self._states = new

    def _starting_states(self, x, initial_state) -> List[torch.Tensor]:
        if initial_state is not None:
            states = [s if torch.is_tensor(s) else torch.as_tensor(np.asarray(s), device=x.device)
                      for s in _flatten_states(initial_state)]
            if len(states) != self._num_states():
                raise ValueError(f"Layer {self.name} has {self._num_states()} state(s) but was passed "
                                 f"an initial_state of {len(states)} tensor(s).")
            return [s.to(dtype=x.dtype, device=x.device) for s in states]
        if self.stateful:
            batch = x.shape[0]
            if self._states is None or self._states[0].shape[0] != batch:
                if self._states is not None or batch != getattr(self, "_stateful_batch", batch):
                    raise ValueError(
                        f"Layer {self.name} is stateful with batch size {self._stateful_batch}, but it "
                        f"received a batch of {batch} samples. Pass batch_size={self._stateful_batch} "
                        "and a number of samples divisible by it.")
                self.reset_states()
            return [s.to(dtype=x.dtype, device=x.device) for s in self._states]
        return self._zero_states(x)

    def _zero_states(self, x) -> List[torch.Tensor]:
        """Initial states for batch-major ``x``: the cell's own, else zeros."""
        states = _flatten_states(_initial_state_of(self.cell, x[:, 0], x.shape[0]))
        return [s.to(device=x.device, dtype=x.dtype) for s in states]

    # ---- running
    def call(self, inputs, mask=None, training=None, initial_state=None, constants=None):
        inputs, initial_state = self._split_inputs(inputs, initial_state)
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        x = inputs if inputs.is_floating_point() else inputs.to(torch.get_default_dtype())
        if self.time_major:
            x = x.transpose(0, 1)
            mask = mask.transpose(0, 1) if mask is not None else None
        if x.dim() < 3:
            raise ValueError(f"Layer {self.name} expects inputs of shape (batch, timesteps, features); "
                             f"received shape {tuple(inputs.shape)}.")
        states = self._starting_states(x, initial_state)
        if self.go_backwards:
            x = x.flip(1)
            mask = mask.flip(1) if mask is not None else None
        if constants is not None:  # cells read constants[i], as in Keras, even for one tensor
            constants = [c if torch.is_tensor(c) else torch.as_tensor(np.asarray(c), device=x.device)
                         for c in _flatten_states(constants)]
        last, seq, final = self._run(x, states, mask, training, constants)
        if self.stateful:
            self._states = [s.detach() for s in final]
        output = seq if self.return_sequences else last
        if self.return_sequences and self.time_major:
            output = output.transpose(0, 1)
        if self.return_state:
            return [output] + self._nest_states(list(final))
        return output

    def _run(self, x, states, mask, training, constants):
        """Returns (last_output, output_sequence or None, final_states)."""
        cell = self.cell
        if isinstance(cell, _GatedCell):
            return self._run_gated(cell, x, states, mask, training)
        return self._run_loop(x, states, mask, training, constants)

    def _run_gated(self, cell, x, states, mask, training):
        """Our own cells: the fused torch kernel when the configuration allows it, else a loop on a
        precomputed input projection."""
        cell.reset_dropout_mask()
        cell.reset_recurrent_dropout_mask()
        dp = cell.get_dropout_mask_for_cell(x[:, 0], training)
        rec = cell.get_recurrent_dropout_mask_for_cell(states[0], training)
        op = cell._fused_op()
        if op is not None and rec is None:
            xd = x * dp.unsqueeze(1) if dp is not None else x
            if mask is None:
                return _run_fused(op, cell, xd, states)
            result = _run_fused_masked(op, cell, xd, states, mask, self.zero_output_for_mask,
                                       self.return_sequences)
            if result is not None:
                return result
        xp = cell._project(x, dp.unsqueeze(1) if dp is not None else None)
        return _loop(lambda t, s: cell._step(xp[:, t], s, rec), x.shape[1], states, mask,
                     self.zero_output_for_mask, self.return_sequences)

    def _run_loop(self, x, states, mask, training, constants):
        cell = self.cell
        for c in [cell] + list(getattr(cell, "cells", [])):
            if isinstance(c, DropoutRNNCellMixin):
                c.reset_dropout_mask()
                c.reset_recurrent_dropout_mask()
        return _loop(lambda t, s: _cell_call(cell, x[:, t], s, training, constants), x.shape[1],
                     states, mask, self.zero_output_for_mask, self.return_sequences)

    def get_config(self):
        config = super().get_config()
        config.update(self._rnn_config())
        config["cell"] = _serialize_cell(self.cell)
        return config

    def _rnn_config(self) -> dict:
        cfg = {"return_sequences": self.return_sequences, "return_state": self.return_state,
               "go_backwards": self.go_backwards, "stateful": self.stateful, "unroll": self.unroll,
               "time_major": self.time_major}
        if self.zero_output_for_mask:
            cfg["zero_output_for_mask"] = True
        return cfg

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cell = registry.deserialize("layer", config.pop("cell"), custom_objects, what="layer")
        return cls(cell, **config)


def _prefix_weight_names(owner: Layer, cell, scope: bool = True) -> None:
    """tf.keras names an RNN's weights ``lstm/lstm_cell/kernel:0`` (stacked cells:
    ``rnn/stacked_rnn_cells/lstm_cell/kernel:0``): scope the cells' weights under the layer."""
    inner = [(c, f"{cell.name}/{c.name}/") for c in getattr(cell, "cells", [])
             if isinstance(c, Layer)]
    for c, prefix in [(cell, f"{cell.name}/" if scope else "")] + inner:
        for w in c._own_weights:
            if w.layer is c:
                w.short_name = prefix + w.short_name
                w.layer = owner


def _run_fused(op, cell, x, states):
    """One call of torch's fused recurrent kernel on batch-first ``x``."""
    if x.is_cuda:
        _cudnn_flatten(op, cell)
    params = cell._fused_params()
    has_bias = len(params) == 4
    train = torch.is_grad_enabled()
    hx = [s.unsqueeze(0).contiguous() for s in states]
    with _quiet_weight_format(x.is_cuda):
        if op is _VF.lstm:
            seq, h, c = op(x, hx, params, has_bias, 1, 0.0, train, False, True)
            final = [h[0], c[0]]
        else:
            seq, h = op(x, hx[0], params, has_bias, 1, 0.0, train, False, True)
            final = [h[0]]
    # the last output is h_n itself: backward then needs no gradient through the whole sequence
    return final[0], seq, final


_CUDNN_MODES = {"lstm": "LSTM", "gru": "GRU", "rnn_tanh": "RNN_TANH", "rnn_relu": "RNN_RELU"}


def _cudnn_flatten(op, cell) -> None:
    """Place a cell's weights in one buffer in cuDNN's layout, as ``nn.LSTM.flatten_parameters``
    does, so that cuDNN does not copy them at every call. The Parameters stay the same objects
    (optimizers keep working); only their storage moves. Redone when the storage changes (e.g.
    after ``.to()``); any obstacle leaves the weights as they are (cuDNN then copies them)."""
    params = cell._fused_params()
    key = tuple(p.data_ptr() for p in params)
    if cell.__dict__.get("_cudnn_key") == key:
        return
    object.__setattr__(cell, "_cudnn_key", key)
    dtype = params[0].dtype
    if len(set(key)) != len(key) or not all(
            p.is_cuda and p.dtype == dtype and torch.backends.cudnn.is_acceptable(p) for p in params):
        return
    try:
        import torch.backends.cudnn.rnn as cudnn_rnn
        if not torch._use_cudnn_rnn_flatten_weight():
            return
        bias = cell.bias if len(params) == 4 else None
        bias_views = bias is not None and bias.dim() == 2  # GRU / CuDNN layers: rows of one weight
        with torch.cuda.device_of(params[0]), torch.no_grad():
            torch._cudnn_rnn_flatten_weight(params, len(params), params[0].shape[1],
                                            cudnn_rnn.get_cudnn_mode(_CUDNN_MODES[op.__name__]),
                                            params[1].shape[1], 0, 1, True, False)
            if bias_views:
                b_ih, b_hh = params[2], params[3]
                width = b_ih.numel()
                if b_hh.data_ptr() == b_ih.data_ptr() + width * b_ih.element_size():
                    bias.set_(b_ih.untyped_storage(), b_ih.storage_offset(), (2, width), (width, 1))
        object.__setattr__(cell, "_cudnn_key", tuple(p.data_ptr() for p in cell._fused_params()))
    except Exception:  # noqa: BLE001 - an optimisation only; the kernel copies the weights instead
        return


class _quiet_weight_format:
    """Silence cuDNN's 'weights are not part of single contiguous chunk' warning (on CUDA, when
    the weights could not be flattened); it is about speed, and the layer handles it."""

    def __init__(self, active: bool):
        self.active = active
        self._ctx = None

    def __enter__(self):
        if self.active:
            import warnings
            self._ctx = warnings.catch_warnings()
            self._ctx.__enter__()
            warnings.filterwarnings("ignore", message="RNN module weights are not part")
        return self

    def __exit__(self, *exc):
        if self._ctx is not None:
            self._ctx.__exit__(*exc)
        return False


def _run_fused_masked(op, cell, x, states, mask, zero_output_for_mask: bool, keep_sequence: bool):
    """The fused kernel on masked input, when each row's unmasked steps form one run (padding
    before and/or after, as pad_sequences makes): the runs are packed, so the kernel only sees the
    real steps; the result is then laid out as Keras's masked loop gives it (before the run: zero
    outputs; after it: the last output carried, or zeros with ``zero_output_for_mask``; the final
    states are those of the last real step). Returns None when the mask is not of that form.
    """
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, PackedSequence
    b, steps = mask.shape
    mask = mask.to(torch.bool)
    lengths = mask.sum(dim=1)
    start = mask.to(torch.int8).argmax(dim=1)
    t = torch.arange(steps, device=mask.device)
    run = (t >= start[:, None]) & (t < (start + lengths)[:, None])
    if not bool(torch.equal(run, mask)) or not bool((lengths > 0).all()):
        return None
    # shift each row left so that its run starts at step 0
    src = (t[None, :] + start[:, None]).clamp(max=steps - 1)
    shifted = x.gather(1, src[:, :, None].expand(b, steps, x.shape[2]))
    packed = pack_padded_sequence(shifted, lengths.cpu(), batch_first=True, enforce_sorted=False)
    order = packed.sorted_indices
    hx = [s.index_select(0, order).unsqueeze(0).contiguous() for s in states]
    if x.is_cuda:
        _cudnn_flatten(op, cell)
    params = cell._fused_params()
    args = (packed.data, packed.batch_sizes)
    rest = (params, len(params) == 4, 1, 0.0, torch.is_grad_enabled(), False)
    with _quiet_weight_format(x.is_cuda):
        if op is _VF.lstm:
            data, h, c = op(*args, hx, *rest)
            final = [h[0], c[0]]
        else:
            data, h = op(*args, hx[0], *rest)
            final = [h[0]]
    final = [f.index_select(0, packed.unsorted_indices) for f in final]
    last_h = final[0]
    fill = torch.zeros_like(last_h) if zero_output_for_mask else last_h
    last = torch.where(mask[:, -1:], last_h, fill)
    if not keep_sequence:
        return last, None, final
    out = PackedSequence(data, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices)
    out, _ = pad_packed_sequence(out, batch_first=True, total_length=steps)
    back = (t[None, :] - start[:, None]).clamp(min=0)
    seq = out.gather(1, back[:, :, None].expand(b, steps, out.shape[2]))
    before = (t[None, :] < start[:, None])[:, :, None]
    after = (t[None, :] >= (start + lengths)[:, None])[:, :, None]
    seq = torch.where(after, fill[:, None, :], seq)
    seq = torch.where(before, torch.zeros_like(seq), seq)
    return last, seq, final


def _loop(step, steps: int, states, mask, zero_output_for_mask: bool, keep_sequence: bool):
    """Keras's time loop; where ``mask`` is False a step keeps the previous states and output
    (or a zero output with ``zero_output_for_mask``)."""
    outputs = []
    out = None
    prev = None
    for t in range(steps):
        new_out, new_states = step(t, states)
        new_states = _flatten_states(new_states)
        if mask is not None:
            m = mask[:, t].unsqueeze(-1)
            if prev is None:
                prev = torch.zeros_like(new_out)
            fill = torch.zeros_like(new_out) if zero_output_for_mask else prev
            new_out = torch.where(m, new_out, fill)
            new_states = [torch.where(m, ns, s) for ns, s in zip(new_states, states)]
            prev = new_out
        states = new_states
        out = new_out
        if keep_sequence:
            outputs.append(out)
    if steps == 0:
        raise ValueError("A recurrent layer received a sequence with 0 time steps.")
    seq = torch.stack(outputs, dim=1) if keep_sequence else None
    return out, seq, list(states)


# ---------------------------------------------------------------- the Keras layers
class _CellLayer(RNN):
    """An RNN whose cell it creates itself from its own arguments (SimpleRNN, LSTM, GRU)."""
    _cell_class = None
    _cell_name = None

    def _init_rnn(self, cell_kwargs: dict, kwargs: dict) -> None:
        rnn_kwargs = {k: kwargs.pop(k) for k in ("return_sequences", "return_state", "go_backwards",
                                                  "stateful", "unroll", "time_major") if k in kwargs}
        cell = self._cell_class(name=self._cell_name, dtype=kwargs.get("dtype"),
                                trainable=kwargs.get("trainable", True), **cell_kwargs)
        activity_regularizer = kwargs.pop("activity_regularizer", None)
        super().__init__(cell, activity_regularizer=activity_regularizer, **rnn_kwargs, **kwargs)
        self.input_spec = InputSpec(ndim=3)

    def __getattr__(self, name):
        # units, activation, dropout... live on the cell, as in Keras
        if name in _CELL_ATTRS:
            return getattr(self._modules["cell"], name)
        return super().__getattr__(name)

    def get_config(self):
        config = Layer.get_config(self)
        config.update(self._rnn_config())
        cell_cfg = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            cell_cfg.pop(key, None)
        keys = list(cell_cfg)
        # Keras puts activity_regularizer right after bias_regularizer
        for key in keys:
            config[key] = cell_cfg[key]
            if key == "bias_regularizer":
                config["activity_regularizer"] = regularizers.serialize(self._activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)


_CELL_ATTRS = {"units", "activation", "recurrent_activation", "use_bias", "kernel_initializer",
               "recurrent_initializer", "bias_initializer", "unit_forget_bias", "kernel_regularizer",
               "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
               "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout",
               "implementation", "reset_after"}


@registry.register("layer")
class SimpleRNN(_CellLayer):
    """Fully connected RNN: ``h_t = activation(x_t W + h_{t-1} U + b)``.

    Input ``(batch, timesteps, input_dim)``; output ``(batch, units)`` or, with
    ``return_sequences``, ``(batch, timesteps, units)``. Runs torch's fused RNN kernel for tanh/relu.
    """
    _cell_class = SimpleRNNCell
    _cell_name = "simple_rnn_cell"

    def __init__(self, units: int, activation="tanh", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False, stateful: bool = False,
                 unroll: bool = False, **kwargs):
        cell_kwargs = dict(units=units, activation=activation, use_bias=use_bias,
                           kernel_initializer=kernel_initializer,
                           recurrent_initializer=recurrent_initializer,
                           bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                           recurrent_regularizer=recurrent_regularizer,
                           bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                           recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                           dropout=dropout, recurrent_dropout=recurrent_dropout)
        kwargs.update(return_sequences=return_sequences, return_state=return_state,
                      go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                      activity_regularizer=activity_regularizer)
        self._init_rnn(cell_kwargs, kwargs)


@registry.register("layer")
class LSTM(_CellLayer):
    """Long short-term memory (Hochreiter 1997), Keras gate order i, f, c, o.

    Weights (Keras layout): ``kernel (input_dim, 4*units)``, ``recurrent_kernel (units,
    4*units)``, ``bias (4*units,)``. With ``activation='tanh'``, ``recurrent_activation='sigmoid'``
    (the tf.keras defaults), no mask and no recurrent dropout it runs torch's fused LSTM kernel.
    ``recurrent_activation`` defaults to hard_sigmoid under the Keras 2.2 setting (layers/_defaults.py).
    """
    _cell_class = LSTMCell
    _cell_name = "lstm_cell"

    def __init__(self, units: int, activation="tanh", recurrent_activation=_DEFAULT,
                 use_bias: bool = True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias: bool = True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, implementation: int = 2,
                 return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, time_major: bool = False,
                 unroll: bool = False, **kwargs):
        cell_kwargs = dict(units=units, activation=activation,
                           recurrent_activation=recurrent_activation, use_bias=use_bias,
                           kernel_initializer=kernel_initializer,
                           recurrent_initializer=recurrent_initializer,
                           bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
                           kernel_regularizer=kernel_regularizer,
                           recurrent_regularizer=recurrent_regularizer,
                           bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                           recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                           dropout=dropout, recurrent_dropout=recurrent_dropout,
                           implementation=implementation)
        kwargs.update(return_sequences=return_sequences, return_state=return_state,
                      go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                      time_major=time_major, activity_regularizer=activity_regularizer)
        self._init_rnn(cell_kwargs, kwargs)


@registry.register("layer")
class GRU(_CellLayer):
    """Gated recurrent unit (Cho 2014), Keras gate order z, r, h.

    Weights (Keras layout): ``kernel (input_dim, 3*units)``, ``recurrent_kernel (units, 3*units)``,
    ``bias (2, 3*units)`` with ``reset_after=True`` (tf.keras default; runs torch's fused GRU with
    tanh/sigmoid) or ``(3*units,)`` with ``reset_after=False`` (Keras 2.0-2.2; step loop).
    """
    _cell_class = GRUCell
    _cell_name = "gru_cell"

    def __init__(self, units: int, activation="tanh", recurrent_activation=_DEFAULT,
                 use_bias: bool = True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 implementation: int = 2, return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False, stateful: bool = False,
                 unroll: bool = False, time_major: bool = False, reset_after=_DEFAULT, **kwargs):
        cell_kwargs = dict(units=units, activation=activation,
                           recurrent_activation=recurrent_activation, use_bias=use_bias,
                           kernel_initializer=kernel_initializer,
                           recurrent_initializer=recurrent_initializer,
                           bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                           recurrent_regularizer=recurrent_regularizer,
                           bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                           recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                           dropout=dropout, recurrent_dropout=recurrent_dropout,
                           implementation=implementation, reset_after=reset_after)
        kwargs.update(return_sequences=return_sequences, return_state=return_state,
                      go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                      time_major=time_major, activity_regularizer=activity_regularizer)
        self._init_rnn(cell_kwargs, kwargs)


# ---------------------------------------------------------------- Keras 2.2 CuDNN layers
class _CuDNNLSTMCell(LSTMCell):
    """LSTMCell with cuDNN's two biases: Keras bias ``(8*units,)`` = input biases then recurrent."""

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self._add_kernels(int(input_dim))
        u = self.units

        def from_keras(b):
            return b.reshape(2, 4 * u)

        def to_keras(b):
            return b.reshape(8 * u)
        init = self.bias_initializer
        if self.unit_forget_bias:
            def init(shape, dtype=None, _base=self.bias_initializer):
                base = torch.as_tensor(_base((8 * u,), dtype=dtype or "float32")).clone()
                base[5 * u:6 * u] = 1.0  # Keras 2.2 CuDNNLSTM: ones for the recurrent forget-gate bias
                return base
        self.bias = self.add_weight("bias", (8 * u,), initializer=init, regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint, to_keras=to_keras, from_keras=from_keras)
        self.built = True

    def _input_bias(self):
        return self.bias[0]

    def _recurrent_bias(self):
        return self.bias[1]

    def _step(self, xp_t, states, rec_mask):
        h, c = states
        z = xp_t + torch.nn.functional.linear(h, self.weight_hh, self.bias[1])
        zi, zf, zc, zo = z.chunk(4, dim=-1)
        c = torch.sigmoid(zf) * c + torch.sigmoid(zi) * torch.tanh(zc)
        h = torch.sigmoid(zo) * torch.tanh(c)
        return h, [h, c]


class _CuDNNGRUCell(GRUCell):
    """GRUCell (reset_after) with cuDNN's bias layout: Keras bias ``(6*units,)``."""

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self._add_kernels(int(input_dim))
        u = self.units
        order = _KERAS_TO_TORCH_GRU

        def from_keras(b):
            return _reorder_gates(b.reshape(2, 3 * u), order, 1)

        def to_keras(b):
            return _reorder_gates(b, order, 1).reshape(6 * u)
        self.bias = self.add_weight("bias", (6 * u,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                    to_keras=to_keras, from_keras=from_keras)
        self.built = True


class _CuDNNConfigMixin:
    def get_config(self):
        config = Layer.get_config(self)
        cell = self.cell
        config.update({"return_sequences": self.return_sequences, "return_state": self.return_state,
                       "go_backwards": self.go_backwards, "stateful": self.stateful,
                       "units": cell.units,
                       "kernel_initializer": initializers.serialize(cell.kernel_initializer),
                       "recurrent_initializer": initializers.serialize(cell.recurrent_initializer),
                       "bias_initializer": initializers.serialize(cell.bias_initializer)})
        if isinstance(cell, LSTMCell):
            config["unit_forget_bias"] = cell.unit_forget_bias
        config.update({"kernel_regularizer": regularizers.serialize(cell.kernel_regularizer),
                       "recurrent_regularizer": regularizers.serialize(cell.recurrent_regularizer),
                       "bias_regularizer": regularizers.serialize(cell.bias_regularizer),
                       "activity_regularizer": regularizers.serialize(self._activity_regularizer),
                       "kernel_constraint": constraints.serialize(cell.kernel_constraint),
                       "recurrent_constraint": constraints.serialize(cell.recurrent_constraint),
                       "bias_constraint": constraints.serialize(cell.bias_constraint)})
        return config


_CUDNN_WEIGHT_ARGS = ("kernel_initializer", "recurrent_initializer", "bias_initializer",
                      "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
                      "kernel_constraint", "recurrent_constraint", "bias_constraint")


@registry.register("layer")
class CuDNNLSTM(_CuDNNConfigMixin, LSTM):
    """Keras 2.2's cuDNN LSTM: tanh/sigmoid, two biases (Keras ``bias (8*units,)``).

    Runs torch's fused LSTM (cuDNN on GPU, the CPU kernel otherwise), so it also works without a GPU.
    """
    _cell_class = _CuDNNLSTMCell

    def __init__(self, units: int, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias: bool = True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False, stateful: bool = False,
                 **kwargs):
        super().__init__(units, activation="tanh", recurrent_activation="sigmoid",
                         kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                         unit_forget_bias=unit_forget_bias, kernel_regularizer=kernel_regularizer,
                         recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                         recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                         return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, **kwargs)


@registry.register("layer")
class CuDNNGRU(_CuDNNConfigMixin, GRU):
    """Keras 2.2's cuDNN GRU: reset_after, tanh/sigmoid, Keras ``bias (6*units,)``."""
    _cell_class = _CuDNNGRUCell

    def __init__(self, units: int, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, **kwargs):
        super().__init__(units, activation="tanh", recurrent_activation="sigmoid", reset_after=True,
                         kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                         bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
                         bias_constraint=bias_constraint, return_sequences=return_sequences,
                         return_state=return_state, go_backwards=go_backwards, stateful=stateful,
                         **kwargs)
