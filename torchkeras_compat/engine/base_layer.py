"""``Layer``: the Keras layer contract on top of ``torch.nn.Module``.

A Layer creates its weights lazily in ``build(input_shape)`` (or at once when given
``input_shape=``), computes in ``call(inputs, ...)`` on torch tensors with Keras shapes, and keeps
Keras's bookkeeping: names (``dense``, ``dense_1``...), trainable/non-trainable weights in Keras
layouts, masks, losses, configs and the graph nodes that the functional API records.
"""
import functools
import inspect
import re
import sys
import threading
from typing import Callable, List, Optional

import numpy as np
import torch
from torch import nn

from .. import legacy
from ..backend import config
from . import registry
from .keras_tensor import KerasTensor, Node, flatten as flatten_keras_tensors

# ---------------------------------------------------------------- names
_NAME_UIDS: dict = {}


def to_snake_case(name: str) -> str:
    s = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    s = re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()
    return "private" + s if s.startswith("_") else s


def unique_name(prefix: str, zero_based: bool = True) -> str:
    """Keras's auto-naming: 'dense', 'dense_1', 'dense_2'... until clear_session().

    ``zero_based=False`` numbers from 1 ('input_1', 'input_2'), as Keras names inputs.
    """
    count = _NAME_UIDS.get(prefix, 0)
    _NAME_UIDS[prefix] = count + 1
    if not zero_based:
        return f"{prefix}_{count + 1}"
    return prefix if count == 0 else f"{prefix}_{count}"


def reset_names() -> None:
    _NAME_UIDS.clear()


# ---------------------------------------------------------------- call context
class _CallContext(threading.local):
    training: Optional[bool] = None   # the training flag of the enclosing call
    learning_phase: Optional[int] = None  # K.set_learning_phase(); None = not set
    losses: Optional[list] = None     # add_loss() target while a model's forward runs
    building: bool = False            # a trial call that only builds or finds shapes


class building_call:
    """``with building_call():`` marks calls that only build weights or find output shapes
    (on zeros or a first batch), so that add_metric() does not count their values."""

    def __enter__(self):
        self.outer = CALL_CONTEXT.building
        CALL_CONTEXT.building = True
        return self

    def __exit__(self, *exc):
        CALL_CONTEXT.building = self.outer
        return False


CALL_CONTEXT = _CallContext()
_ANY_LAYER_METRIC = False  # set once some layer holds a metric (add_metric, or an attribute)


def _track_metrics(layer, value) -> None:
    """Note Metric objects held by `layer` (directly or in a list), as tf.keras's Layer does."""
    global _ANY_LAYER_METRIC
    metrics_mod = sys.modules.get(__name__.rsplit(".", 2)[0] + ".metrics")
    if metrics_mod is None:  # not imported yet: no Metric exists
        return
    items = value if isinstance(value, (list, tuple)) else (value,)
    found = [v for v in items if isinstance(v, metrics_mod.Metric)]
    if not found:
        return
    tracked = layer.__dict__.setdefault("_metrics", [])
    for metric in found:
        if not any(metric is m for m in tracked):
            tracked.append(metric)
    _ANY_LAYER_METRIC = True


class TensorShape(tuple):
    """The shape handed to ``build``: a tuple that also answers TF's ``as_list()``/``.value`` idioms."""

    def __getitem__(self, item):
        value = tuple.__getitem__(self, item)
        if isinstance(item, slice):
            return TensorShape(value)
        return None if value is None else Dimension(value)

    def as_list(self):
        return list(tuple.__iter__(self))

    @property
    def rank(self):
        return len(self)

    ndims = rank


class Dimension(int):
    @property
    def value(self):
        return int(self)


def _as_shape(shape):
    if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)):
        return [TensorShape(s) for s in shape]
    return TensorShape(shape)


# ---------------------------------------------------------------- weights
class Weight:
    """A weight as Keras shows it: a name, a Keras-layout shape, and read/write in that layout.

    The storage is a torch Parameter (or buffer) in whatever layout the torch kernel wants;
    ``to_keras``/``from_keras`` convert at this boundary only.
    """

    def __init__(self, layer: "Layer", name: str, param: torch.Tensor, trainable: bool,
                 regularizer=None, constraint=None,
                 to_keras: Optional[Callable] = None, from_keras: Optional[Callable] = None):
        self.layer = layer
        self.short_name = name
        self.param = param
        self._trainable = trainable
        self.regularizer = regularizer
        self.constraint = constraint
        self.to_keras = to_keras
        self.from_keras = from_keras

    @property
    def name(self) -> str:
        return f"{self.layer.name}/{self.short_name}:0"

    @property
    def trainable(self) -> bool:
        return self._trainable and self.layer.trainable

    def value(self) -> torch.Tensor:
        """The weight in Keras layout (a view where the layout allows; differentiable)."""
        return self.param if self.to_keras is None else self.to_keras(self.param)

    @property
    def shape(self):
        return tuple(self.value().shape)

    @property
    def dtype(self) -> str:
        return config.dtype_name(self.param.dtype)

    def numpy(self) -> np.ndarray:
        return self.value().detach().cpu().numpy().copy()

    def __array__(self, dtype=None, copy=None):
        arr = self.numpy()
        return arr if dtype is None else arr.astype(dtype)

    def assign(self, value) -> None:
        value = torch.as_tensor(np.asarray(value) if not torch.is_tensor(value) else value)
        if tuple(value.shape) != self.shape:
            raise ValueError(f"Cannot assign a value of shape {tuple(value.shape)} to weight "
                             f"{self.name} of shape {self.shape}.")
        value = value.to(device=self.param.device, dtype=self.param.dtype)
        if self.from_keras is not None:
            value = self.from_keras(value)
        with torch.no_grad():
            self.param.copy_(value)

    def __repr__(self):
        return f"<Weight '{self.name}' shape={self.shape} dtype={self.dtype}>"

    def __setstate__(self, state: dict) -> None:
        # copy.deepcopy and pickle rebuild a Parameter without its attributes: link it back here
        self.__dict__.update(state)
        if getattr(self.param, "_keras_weight", None) is None:
            self.param._keras_weight = self


# ---------------------------------------------------------------- input specs
class InputSpec:
    """What a layer accepts: rank (ndim/min_ndim/max_ndim) and fixed sizes of some axes."""

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None, axes=None):
        self.dtype = dtype
        self.shape = shape
        self.ndim = len(shape) if shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = axes or {}

    def check(self, layer_name: str, index: int, shape: tuple) -> None:
        rank = len(shape)
        where = f"Input {index} of layer \"{layer_name}\" is incompatible with the layer: "
        if self.ndim is not None and rank != self.ndim:
            raise ValueError(f"{where}expected ndim={self.ndim}, found ndim={rank}. "
                             f"Full shape received: {tuple(shape)}")
        if self.min_ndim is not None and rank < self.min_ndim:
            raise ValueError(f"{where}expected min_ndim={self.min_ndim}, found ndim={rank}. "
                             f"Full shape received: {tuple(shape)}")
        if self.max_ndim is not None and rank > self.max_ndim:
            raise ValueError(f"{where}expected max_ndim={self.max_ndim}, found ndim={rank}. "
                             f"Full shape received: {tuple(shape)}")
        for axis, value in self.axes.items():
            size = shape[axis] if -rank <= axis < rank else None
            if value is not None and size is not None and size != value:
                raise ValueError(f"{where}expected axis {axis} of input shape to have value "
                                 f"{value}, but received input with shape {tuple(shape)}")


# ---------------------------------------------------------------- the Layer
_ADD_WEIGHT_KERAS22 = ("name", "shape", "dtype", "initializer", "regularizer", "trainable", "constraint")
_ADD_WEIGHT_KERAS20 = ("shape", "initializer", "name", "trainable", "regularizer", "constraint")
_BASE_KWARGS = {"input_shape", "batch_input_shape", "batch_size", "weights",
                "activity_regularizer", "autocast", "input_dim", "input_length", "dynamic"}


@functools.lru_cache(maxsize=None)
def _call_signature(cls) -> tuple:
    params = inspect.signature(cls.call).parameters
    has_var_kw = any(p.kind == p.VAR_KEYWORD for p in params.values())
    return ("training" in params or has_var_kw, "mask" in params or has_var_kw,
            cls.compute_mask is not Layer.compute_mask)


class Layer(nn.Module):
    """Base class of every Keras layer; subclasses define ``build``, ``call`` and ``get_config``."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__init__" in cls.__dict__:
            cls.__init__ = _with_legacy_args(cls.__dict__["__init__"])

    def __init__(self, trainable: bool = True, name: Optional[str] = None, dtype=None, **kwargs):
        super().__init__()
        unknown = set(kwargs) - _BASE_KWARGS
        if unknown:
            raise TypeError(f"Keyword argument not understood: {sorted(unknown)[0]!r} "
                            f"(layer {type(self).__name__}).")
        self._init_set(name=name or unique_name(to_snake_case(type(self).__name__)))
        self._init_set(_trainable=bool(trainable))
        self._init_set(_dtype=_dtype_name(dtype))
        self._init_set(built=False)
        self._init_set(supports_masking=getattr(self, "supports_masking", False))
        self._init_set(input_spec=None)
        self._init_set(_own_weights=[])
        self._init_set(_inbound_nodes=[])
        self._init_set(_call_losses=[])
        self._init_set(_activity_regularizer=None)
        self._init_set(_initial_weights=kwargs.get("weights"))
        self._init_set(_batch_input_shape=_batch_input_shape_from(kwargs))
        if kwargs.get("activity_regularizer") is not None:
            from .. import regularizers
            self._activity_regularizer = regularizers.get(kwargs["activity_regularizer"])
        self.train(False)  # Keras's default learning phase is inference

    def _init_set(self, **attrs):
        for k, v in attrs.items():
            object.__setattr__(self, k, v)

    # ------------------------------------------------------------ attributes
    def __setattr__(self, name, value):
        if isinstance(value, nn.Parameter) and "_own_weights" in self.__dict__:
            if any(w.param is value for w in self._own_weights):
                if self._parameters.get(name) is not value:
                    object.__setattr__(self, name, value)  # an alias of a weight add_weight registered
                return
            # a variable made outside add_weight (K.variable(...) in build, a raw nn.Parameter) is
            # one of the layer's weights, as tf.keras tracks variables set as attributes
            super().__setattr__(name, value)
            handle = Weight(self, getattr(value, "_keras_name", None) or name, value, bool(value.requires_grad))
            self._own_weights.append(handle)
            value._keras_weight = handle
            return
        if (isinstance(value, (list, tuple)) and value and all(isinstance(v, nn.Module) for v in value)
                and not name.startswith("_")):
            self.add_module(f"{name}_tracked", nn.ModuleList(value))
        _track_metrics(self, value)
        super().__setattr__(name, value)

    @property
    def dtype(self) -> str:
        return self._dtype

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        for layer in self._flatten_layers():
            layer._trainable = bool(value)
        for w in self._all_weights():
            w.param.requires_grad_(w.trainable and w.param.is_floating_point())

    @property
    def stateful(self) -> bool:
        return False

    # ------------------------------------------------------------ weights
    def add_weight(self, *args, **kwargs) -> nn.Parameter:
        """Create a weight of Keras-layout ``shape``; returns the torch Parameter that stores it.

        Keyword form ``add_weight(name, shape, dtype, initializer, regularizer, trainable,
        constraint)`` as in Keras 2.2 (also positionally), and Keras 2.0's ``add_weight(shape,
        initializer, name, trainable, regularizer, constraint)``. ``to_keras``/``from_keras`` let a
        layer store the weight in a torch-kernel layout and show it in Keras's.
        """
        order = _ADD_WEIGHT_KERAS20 if args and isinstance(args[0], (tuple, list)) else _ADD_WEIGHT_KERAS22
        for key, value in zip(order, args):
            if key in kwargs:
                raise TypeError(f"add_weight() got multiple values for argument {key!r} (layer {self.name}).")
            kwargs[key] = value
        return self._add_weight(**kwargs)

    def _add_weight(self, name=None, shape=None, dtype=None, initializer=None, regularizer=None,
                    trainable=None, constraint=None, to_keras=None, from_keras=None, **kwargs):
        for k in ("use_resource", "synchronization", "aggregation", "partitioner", "caching_device",
                  "experimental_autocast", "getter"):
            kwargs.pop(k, None)
        if kwargs:
            raise TypeError(f"add_weight() got unexpected arguments {sorted(kwargs)} (layer {self.name}).")
        from .. import constraints, initializers, regularizers
        shape = tuple(shape or ())
        if any(d is None or int(d) < 0 for d in shape):
            raise ValueError(f"Layer {self.name}: weight {name!r} needs a fully known shape, got {shape}.")
        shape = tuple(int(d) for d in shape)
        name = name or f"weight_{len(self._own_weights)}"
        # weights stay float32 under mixed precision; the compute dtype comes from autocast
        low_precision = self._dtype in ("float16", "bfloat16", "mixed_float16", "mixed_bfloat16")
        torch_dtype = config.torch_dtype(dtype or ("float32" if low_precision else self._dtype))
        init = initializers.get(initializer if initializer is not None else
                                ("glorot_uniform" if torch_dtype.is_floating_point else "zeros"))
        from ..saving.load_context import initializers_skipped
        if initializers_skipped():  # load_model overwrites every weight: skip the random fill
            value = torch.empty(shape, dtype=torch_dtype)
        else:
            value = torch.as_tensor(init(shape, dtype=config.dtype_name(torch_dtype)), dtype=torch_dtype)
        if from_keras is not None:
            value = from_keras(value)
        trainable = True if trainable is None else bool(trainable)
        param = nn.Parameter(value.to(self._weight_device()).contiguous(),
                             requires_grad=trainable and self._trainable and torch_dtype.is_floating_point)
        self.register_parameter(_param_name(name, self._parameters), param)
        handle = Weight(self, name, param, trainable, regularizers.get(regularizer),
                        constraints.get(constraint), to_keras, from_keras)
        # code that holds only the Parameter (an optimizer) finds its Keras name and layout here
        param._keras_weight = handle
        self._own_weights.append(handle)
        return param

    def _weight_device(self) -> torch.device:
        for p in self.parameters():
            return p.device
        return config.get_device()

    def _own_weight_handles(self) -> List[Weight]:
        return self._own_weights

    def _sublayers(self) -> list:
        """Direct children that own weights: Keras layers and raw torch modules."""
        return [m for m in self._modules.values() if m is not None and not isinstance(m, nn.ModuleList)] + \
               [m for ml in self._modules.values() if isinstance(ml, nn.ModuleList) for m in ml]

    def _flatten_layers(self):
        seen = set()
        for child in self._sublayers():
            if id(child) in seen:
                continue
            seen.add(id(child))
            if isinstance(child, Layer):
                yield child
                yield from child._flatten_layers()

    def _child_weights(self, child) -> List[Weight]:
        if isinstance(child, Layer):
            return child.trainable_weights + child.non_trainable_weights
        return _torch_module_weights(self, child)

    def _all_weights(self) -> List[Weight]:
        out, seen = [], set()
        for w in self._own_weight_handles() + [w for c in _unique(self._sublayers()) for w in self._child_weights(c)]:
            if id(w.param) not in seen:
                seen.add(id(w.param))
                out.append(w)
        return out

    @property
    def trainable_weights(self) -> List[Weight]:
        if not self.trainable:
            return []
        own = [w for w in self._own_weight_handles() if w.trainable]
        children = [w for c in _unique(self._sublayers()) for w in
                    (c.trainable_weights if isinstance(c, Layer) else _torch_module_weights(self, c))]
        return _dedup(own + children)

    @property
    def non_trainable_weights(self) -> List[Weight]:
        if not self.trainable:
            return self._all_weights()
        own = [w for w in self._own_weight_handles() if not w.trainable]
        children = [w for c in _unique(self._sublayers()) if isinstance(c, Layer) for w in c.non_trainable_weights]
        return _dedup(own + children)

    @property
    def weights(self) -> List[Weight]:
        return self.trainable_weights + self.non_trainable_weights

    @property
    def variables(self) -> List[Weight]:
        return self.weights

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    def get_weights(self) -> List[np.ndarray]:
        return [w.numpy() for w in self.weights]

    def set_weights(self, weights) -> None:
        params = self.weights
        weights = list(weights)
        if len(params) != len(weights):
            raise ValueError(
                f"You called `set_weights(weights)` on layer \"{self.name}\" with a weight list of "
                f"length {len(weights)}, but the layer was expecting {len(params)} weights. "
                f"Provided weights: {_short_repr(weights)}")
        for w, value in zip(params, weights):
            value = np.asarray(value)
            if tuple(value.shape) != w.shape:
                raise ValueError(f"Layer {self.name} weight shape {w.shape} is not compatible with "
                                 f"provided weight shape {tuple(value.shape)}.")
        for w, value in zip(params, weights):
            w.assign(value)

    def count_params(self) -> int:
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on layer {self.name}, but the layer "
                             "isn't built. You can build it manually via: "
                             f"`{self.name}.build(batch_input_shape)`.")
        return int(sum(np.prod(w.shape, dtype=np.int64) for w in self.weights))

    # ------------------------------------------------------------ build / call
    def build(self, input_shape) -> None:
        """Create the layer's weights for inputs of ``input_shape`` (batch axis included)."""
        self.built = True

    def call(self, inputs, *args, **kwargs):
        return inputs

    def forward(self, *args, **kwargs):
        return self.call(*args, **kwargs)

    def _maybe_build(self, input_shapes) -> None:
        if self.built:
            return
        if self.input_spec is not None:
            self._check_input_spec(input_shapes)
        self.build(_as_shape(input_shapes))
        self.built = True
        if self._initial_weights is not None:
            weights, self._initial_weights = self._initial_weights, None
            self.set_weights(weights)

    def _check_input_spec(self, input_shapes) -> None:
        specs = self.input_spec if isinstance(self.input_spec, (list, tuple)) else [self.input_spec]
        shapes = input_shapes if _is_shape_list(input_shapes) else [input_shapes]
        for i, (spec, shape) in enumerate(zip(specs, shapes)):
            if spec is not None:
                spec.check(self.name, i, tuple(shape))

    def __call__(self, *args, **kwargs):
        inputs = args[0] if args else kwargs.pop("inputs")
        is_tensor = isinstance(inputs, torch.Tensor)  # the per-step case: skip the structure walks
        if (not is_tensor and flatten_keras_tensors(inputs)) or \
                (kwargs and flatten_keras_tensors(list(kwargs.values()))):
            return self._symbolic_call(inputs, args[1:], kwargs)
        if not is_tensor and not _all_tensors(inputs):
            inputs = _to_tensors(inputs, self._weight_device())  # numpy arrays, lists of numbers
        if self._call_losses:
            # as Keras: a call replaces the previous call's loss tensors (add_loss(fn) ones stay);
            # keeping them would also keep every step's autograd graph alive
            self._call_losses = [l for l in self._call_losses if callable(l)]
        if not self.built:
            self._maybe_build(_shapes_of(inputs, keep_batch=True))
        accepts_training, accepts_mask, makes_mask = _call_signature(type(self))
        ctx = CALL_CONTEXT
        training = kwargs.get("training") if accepts_training else kwargs.pop("training", None)
        if training is None:
            training = ctx.training
            if training is None:
                training = bool(ctx.learning_phase) if ctx.learning_phase is not None else self.training
            if accepts_training:
                kwargs["training"] = training
        mask = kwargs.get("mask") if "mask" in kwargs else _mask_of(inputs)
        if accepts_mask and mask is not None and "mask" not in kwargs:
            kwargs["mask"] = mask
        if not accepts_mask:
            kwargs.pop("mask", None)
        outer = ctx.training
        ctx.training = training
        try:
            outputs = nn.Module.__call__(self, inputs, *args[1:], **kwargs)
        finally:
            ctx.training = outer
        if self._activity_regularizer is not None:
            self.add_loss(self._activity_regularizer(outputs) / outputs.shape[0])
        if makes_mask or (mask is not None and self.supports_masking):
            _set_mask(outputs, self.compute_mask(inputs, mask))
        return outputs

    def _symbolic_call(self, inputs, extra_args, kwargs):
        if extra_args:
            kwargs = dict(kwargs, __args__=extra_args)
        input_shapes = _keras_shapes(inputs)
        self._maybe_build(input_shapes)
        if self.input_spec is not None:
            self._check_input_spec(input_shapes)
        out_shapes, out_dtypes = self._output_signature(inputs, input_shapes, kwargs)
        outputs = _make_keras_tensors(out_shapes, out_dtypes)
        Node(self, inputs, outputs, kwargs)
        return outputs

    def _output_signature(self, inputs, input_shapes, kwargs):
        """Output shapes and dtypes: from compute_output_shape when defined, else a trial run."""
        if type(self).compute_output_shape is not Layer.compute_output_shape:
            shapes = self.compute_output_shape(_as_shape(input_shapes))
            return _plain_shapes(shapes), self._output_dtype(inputs)
        return infer_output_signature(self, inputs, kwargs)

    def _output_dtype(self, inputs):
        return self._dtype

    def compute_output_shape(self, input_shape):
        """Output shape for ``input_shape``; by default found by running the layer on zeros."""
        tensors = _make_keras_tensors(_plain_shapes(input_shape), None)
        shapes, _ = infer_output_signature(self, tensors, {})
        return shapes

    def compute_mask(self, inputs, mask=None):
        return mask if self.supports_masking else None

    # ------------------------------------------------------------ losses
    def add_loss(self, losses, inputs=None) -> None:
        """Add a loss term: a tensor (from inside ``call``) or a zero-argument callable."""
        items = losses if isinstance(losses, (list, tuple)) else [losses]
        for loss in items:
            if loss is None:
                continue
            if flatten_keras_tensors(loss):
                raise NotImplementedError(
                    f"Layer {self.name}: add_loss() with a symbolic tensor is not supported; "
                    "compute the loss inside a layer's call() or pass a zero-argument callable.")
            self._call_losses.append(loss)
            if CALL_CONTEXT.losses is not None and not callable(loss):
                CALL_CONTEXT.losses.append(loss)

    def add_update(self, updates, inputs=None) -> None:
        """Accepted for Keras 2 code: torch applies in-place updates when they run."""

    def add_metric(self, value, name=None, **kwargs) -> None:
        """Report ``value`` (a tensor computed in ``call``) as a metric named `name`: its running
        mean over the epoch appears in fit/evaluate logs after the compiled metrics, as Keras 2.

        ``value`` may also be what a Metric object returned when called (its name is then used).
        ``aggregation`` is accepted for Keras 2 code; the values are always averaged.
        """
        unknown = [k for k in kwargs if k != "aggregation"]
        if unknown:
            raise TypeError(f"Layer {self.name}: add_metric() got unknown keyword arguments "
                            f"{unknown}. Expected `aggregation`.")
        if flatten_keras_tensors(value):
            raise NotImplementedError(
                f"Layer {self.name}: add_metric() with a symbolic tensor is not supported; call "
                "add_metric(value, name=...) inside a layer's call() instead.")
        metric_obj = getattr(value, "_metric_obj", None)
        if metric_obj is not None:
            name = metric_obj.name
        elif name is None:
            raise ValueError("Please provide a name for your metric like "
                             "`self.add_metric(tf.reduce_sum(inputs), name='mean_activation')`")
        metric = next((m for m in self.__dict__.get("_metrics", ()) if m.name == name), None)
        if metric is None:
            from .. import metrics as metrics_mod
            metric = metric_obj if metric_obj is not None else metrics_mod.Mean(name=name)
            _track_metrics(self, metric)
        if metric_obj is None and not CALL_CONTEXT.building:  # a Metric's own result is counted
            with torch.no_grad():
                metric.update_state(value.detach() if isinstance(value, torch.Tensor) else value)

    def _metrics_added_in_calls(self) -> list:
        """The metrics of this layer and the layers inside it (each once): those `add_metric` made
        and Metric objects set as attributes (``self.tracker = Mean()``), as tf.keras tracks them."""
        if not _ANY_LAYER_METRIC:  # the usual case: no layer walk on every batch's logs
            return []
        out, seen = [], set()
        for layer in [self, *self._flatten_layers()]:
            for metric in layer.__dict__.get("_metrics", ()):
                if id(metric) not in seen:
                    seen.add(id(metric))
                    out.append(metric)
        return out

    @property
    def losses(self) -> list:
        out = [l() if callable(l) else l for l in self._call_losses]
        for w in self._own_weights:
            if w.regularizer is not None:
                out.append(w.regularizer(w.value()))
        for layer in _unique(self._sublayers()):
            if isinstance(layer, Layer):
                out.extend(layer.losses)
        return out

    # ------------------------------------------------------------ graph views
    def _node_attr(self, attr: str, what: str):
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name} is not connected, no {what} to return."
                                 if what.startswith("input") else
                                 f"Layer {self.name} has no inbound nodes.")
        values = [getattr(n, attr) for n in self._inbound_nodes]
        if any(repr(v) != repr(values[0]) for v in values[1:]):
            raise AttributeError(f"The layer \"{self.name}\" has multiple inbound nodes, with "
                                 f"different {what}s. Hence the notion of \"{what}\" is ill-defined "
                                 f"for the layer. Use `get_{what.replace(' ', '_')}_at(node_index)` instead.")
        return values[0]

    @property
    def input(self):
        return self._node_attr("inputs", "input")

    @property
    def output(self):
        return self._node_attr("outputs", "output")

    @property
    def input_shape(self):
        return self._node_attr("input_shapes", "input shape")

    @property
    def output_shape(self):
        return self._node_attr("output_shapes", "output shape")

    def get_input_at(self, node_index: int):
        return self._inbound_nodes[node_index].inputs

    def get_output_at(self, node_index: int):
        return self._inbound_nodes[node_index].outputs

    def get_input_shape_at(self, node_index: int):
        return self._inbound_nodes[node_index].input_shapes

    def get_output_shape_at(self, node_index: int):
        return self._inbound_nodes[node_index].output_shapes

    @property
    def inbound_nodes(self):
        return self._inbound_nodes

    # ------------------------------------------------------------ config
    def get_config(self) -> dict:
        cfg = {"name": self.name, "trainable": self.trainable, "dtype": self._dtype}
        if self._batch_input_shape is not None:
            cfg["batch_input_shape"] = self._batch_input_shape
        return cfg

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__module__}.{type(self).__name__} name={self.name}, built={self.built}>"

    # nn.Module.extra_repr keeps torch's printing informative
    def extra_repr(self) -> str:
        return f"name={self.name!r}"


# ---------------------------------------------------------------- helpers
def _with_legacy_args(init):
    """Wrap a layer __init__ so that Keras 1 argument spellings are translated (one table)."""
    @functools.wraps(init)
    def wrapped(self, *args, **kwargs):
        key = legacy.layer_table_key(type(self))
        if key is not None:
            args = legacy.translate_positional(key, args, kwargs)
            legacy.translate(key, kwargs)
        init(self, *args, **kwargs)
    wrapped.__wrapped_legacy__ = True
    return wrapped


def _dtype_name(dtype) -> str:
    if dtype is None:
        return _policy_dtype()
    if isinstance(dtype, dict):  # Keras 3 configs store a DTypePolicy
        return dtype.get("config", {}).get("name", config.floatx())
    if isinstance(dtype, torch.dtype):
        return config.dtype_name(dtype)
    return getattr(dtype, "name", None) or str(dtype)


def _policy_dtype() -> str:
    """A new layer's dtype: the global mixed-precision policy's name when one is set, else floatx."""
    import sys
    mp = sys.modules.get(__package__.rsplit(".", 1)[0] + ".mixed_precision")
    policy = getattr(mp, "global_policy", None) if mp is not None else None
    name = policy().name if policy is not None else "float32"
    return name if name.startswith("mixed_") else config.floatx()


def _batch_input_shape_from(kwargs) -> Optional[tuple]:
    if kwargs.get("batch_input_shape") is not None:
        return tuple(kwargs["batch_input_shape"])
    shape = kwargs.get("input_shape")
    if shape is None and kwargs.get("input_dim") is not None:
        shape = (kwargs["input_dim"],) if kwargs.get("input_length") is None else \
            (kwargs["input_length"], kwargs["input_dim"])
    if shape is None:
        return None
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return (kwargs.get("batch_size"),) + shape


def _param_name(name: str, existing) -> str:
    base = re.sub(r"[^0-9a-zA-Z_]", "_", name) or "weight"
    candidate, i = base, 1
    while candidate in existing:
        candidate, i = f"{base}_{i}", i + 1
    return candidate


def _unique(items):
    seen, out = set(), []
    for x in items:
        if id(x) not in seen:
            seen.add(id(x))
            out.append(x)
    return out


def _dedup(weights):
    seen, out = set(), []
    for w in weights:
        if id(w.param) not in seen:
            seen.add(id(w.param))
            out.append(w)
    return out


_TORCH_WEIGHTS_ATTR = "_keras_weight_handles"


def _torch_module_weights(owner: Layer, module: nn.Module) -> List[Weight]:
    """Weights of a raw torch module placed inside a Keras layer/model, in its own layout."""
    handles = module.__dict__.get(_TORCH_WEIGHTS_ATTR)
    params = list(module.named_parameters())
    if handles is None or len(handles) != len(params):
        shim = _TorchModuleName(module, owner)
        handles = [Weight(shim, name.replace(".", "/"), p, p.requires_grad) for name, p in params]
        module.__dict__[_TORCH_WEIGHTS_ATTR] = handles
    return handles


class _TorchModuleName:
    """Stands in for a Layer when naming the weights of a raw torch module."""

    def __init__(self, module, owner):
        self.name = getattr(module, "name", None) or to_snake_case(type(module).__name__)
        self.trainable = True


def _short_repr(weights) -> str:
    text = repr(weights)
    return text if len(text) < 200 else text[:200] + "..."


def _is_shape_list(shapes) -> bool:
    return isinstance(shapes, list) and (not shapes or isinstance(shapes[0], (tuple, list)))


def _keras_shapes(structure):
    if isinstance(structure, KerasTensor):
        return structure.shape
    if isinstance(structure, (list, tuple)):
        return [_keras_shapes(s) for s in structure]
    if isinstance(structure, dict):
        return [_keras_shapes(s) for s in structure.values()]
    if torch.is_tensor(structure) or isinstance(structure, np.ndarray):
        return (None,) + tuple(structure.shape[1:])
    raise TypeError(f"Expected a Keras tensor, got {type(structure).__name__}: {structure!r}")


def _shapes_of(structure, keep_batch=False):
    if isinstance(structure, (list, tuple)):
        return [_shapes_of(s, keep_batch) for s in structure]
    if isinstance(structure, dict):
        return [_shapes_of(s, keep_batch) for s in structure.values()]
    shape = tuple(structure.shape)
    return shape if keep_batch else (None,) + shape[1:]


def _plain_shapes(shapes):
    if isinstance(shapes, (list, tuple)) and shapes and isinstance(shapes[0], (list, tuple)):
        return [_plain_shapes(s) for s in shapes]
    return tuple(None if d is None else int(d) for d in shapes)


def _make_keras_tensors(shapes, dtypes):
    if isinstance(shapes, list) and shapes and isinstance(shapes[0], (list, tuple)):
        dtypes = dtypes if isinstance(dtypes, list) else [dtypes] * len(shapes)
        return [KerasTensor(s, d) for s, d in zip(shapes, dtypes)]
    return KerasTensor(shapes, dtypes if not isinstance(dtypes, list) else dtypes[0])


def _all_tensors(structure) -> bool:
    if isinstance(structure, (list, tuple)):
        return all(torch.is_tensor(s) or s is None for s in structure)
    if isinstance(structure, dict):
        return all(torch.is_tensor(s) for s in structure.values())
    return False


def _to_tensors(structure, device):
    if isinstance(structure, (list, tuple)):
        return type(structure)(_to_tensors(s, device) for s in structure)
    if isinstance(structure, dict):
        return {k: _to_tensors(v, device) for k, v in structure.items()}
    if torch.is_tensor(structure) or structure is None:
        return structure
    arr = np.asarray(structure)
    t = torch.from_numpy(arr)
    if t.is_floating_point():
        t = t.to(config.torch_dtype())
    return t.to(device)


def _mask_of(inputs):
    if torch.is_tensor(inputs):
        return getattr(inputs, "_keras_mask", None)
    if isinstance(inputs, (list, tuple)):
        masks = [getattr(x, "_keras_mask", None) for x in inputs]
        return masks if any(m is not None for m in masks) else None
    return None


def _set_mask(outputs, mask) -> None:
    if torch.is_tensor(outputs):
        outputs._keras_mask = mask
    elif isinstance(outputs, (list, tuple)):
        masks = mask if isinstance(mask, (list, tuple)) else [mask] * len(outputs)
        for o, m in zip(outputs, masks):
            if torch.is_tensor(o):
                o._keras_mask = m


_TRIAL_SIZES = (2, 3)


def infer_output_signature(layer: Layer, inputs, kwargs):
    """Run ``layer.call`` on zeros twice, with unknown sizes set to 2 then 3; sizes that differ
    between the runs are unknown (``None``) in the output shape."""
    runs = []
    device = layer._weight_device()
    call_kwargs = {k: v for k, v in kwargs.items() if k != "__args__"}
    extra = kwargs.get("__args__", ())
    accepts_training = _call_signature(type(layer))[0]
    for size in _TRIAL_SIZES:
        trial = _trial_tensors(inputs, size, device)
        trial_kwargs = {k: _trial_tensors(v, size, device) for k, v in call_kwargs.items()}
        if accepts_training:
            trial_kwargs.setdefault("training", False)
        with torch.no_grad(), building_call():
            try:
                out = layer.call(trial, *[_trial_tensors(a, size, device) for a in extra], **trial_kwargs)
            except Exception as e:
                raise type(e)(f"Layer \"{layer.name}\" ({type(layer).__name__}) cannot be called on "
                              f"inputs of shape {_keras_shapes(inputs)}: {e}") from e
        runs.append(out)
    return _merge_signatures(runs[0], runs[1])


def _trial_tensors(structure, size, device):
    if isinstance(structure, KerasTensor):
        shape = tuple(size if d is None else d for d in structure.shape)
        return torch.zeros(shape, dtype=config.torch_dtype(structure.dtype), device=device)
    if isinstance(structure, (list, tuple)):
        return type(structure)(_trial_tensors(s, size, device) for s in structure)
    if isinstance(structure, dict):
        return {k: _trial_tensors(v, size, device) for k, v in structure.items()}
    return structure


def _merge_signatures(a, b):
    if isinstance(a, (list, tuple)):
        merged = [_merge_signatures(x, y) for x, y in zip(a, b)]
        return [m[0] for m in merged], [m[1] for m in merged]
    if not torch.is_tensor(a):
        raise TypeError(f"A layer's call() must return a tensor or a list of tensors, got {type(a).__name__}.")
    shape = tuple(x if x == y else None for x, y in zip(a.shape, b.shape))
    return shape, config.dtype_name(a.dtype)


registry.register("layer")(Layer)
