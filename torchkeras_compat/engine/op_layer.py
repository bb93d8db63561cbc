"""Operations applied to symbolic tensors become layers of the graph.

``inputs / 255.0``, ``K.mean(x, axis=1)`` or ``torch.cat([a, b], -1)`` on KerasTensors (as old
Keras code does between layers) record a layer node that applies the same operation to the
real tensors at run time:

- ``TFOpLambda`` (``SlicingOpLambda`` for ``x[...]``), as tf.keras 2 records them: the operation
  is named by its TensorFlow function (``"math.truediv"``, ``"concat"``...; see
  ``saving/tf_functions.py``), the node passes the first argument as the layer's input and the
  others by TF parameter name. Models holding them save and load in tf.keras's form, and files
  tf.keras wrote with such layers load here.
- ``OpLayer``, for torch operations without a TF counterpart: it runs the recorded torch call
  but cannot be saved to a config.
"""
from typing import Any, Dict

import torch

from . import registry
from .base_layer import Layer, infer_output_signature, unique_name
from .keras_tensor import KerasTensor, Node, flatten


class _Slot:
    """Marks where the i-th symbolic input goes in the recorded arguments."""

    def __init__(self, index: int):
        self.index = index


def _template(structure, found: list):
    if isinstance(structure, KerasTensor):
        found.append(structure)
        return _Slot(len(found) - 1)
    if isinstance(structure, (list, tuple)):
        return type(structure)(_template(s, found) for s in structure)
    if isinstance(structure, dict):
        return {k: _template(v, found) for k, v in structure.items()}
    return structure


def _fill(structure, values):
    if isinstance(structure, _Slot):
        return values[structure.index]
    if isinstance(structure, (list, tuple)):
        return type(structure)(_fill(s, values) for s in structure)
    if isinstance(structure, dict):
        return {k: _fill(v, values) for k, v in structure.items()}
    return structure


class OpLayer(Layer):
    """Applies a recorded torch operation that has no TF counterpart; cannot be saved."""

    def __init__(self, func, args, kwargs, **layer_kwargs):
        name = getattr(func, "__name__", "op").strip("_")
        super().__init__(name=unique_name(f"torch.{name}"), **layer_kwargs)
        self.func = func
        self.args_template = args
        self.kwargs_template = kwargs

    def call(self, inputs):
        values = inputs if isinstance(inputs, list) else [inputs]
        return self.func(*_fill(self.args_template, values), **_fill(self.kwargs_template, values))

    def get_config(self):
        raise NotImplementedError(
            f"Layer {self.name} records the torch operation {getattr(self.func, '__name__', self.func)} "
            "applied to symbolic tensors; it has no TensorFlow counterpart, so it cannot be saved to a "
            "config. Wrap the operation in a Lambda layer or a custom layer to save the model.")


@registry.register("layer")
class TFOpLambda(Layer):
    """A TensorFlow function applied to symbolic tensors, run with torch (tf.keras 2's layer).

    Args:
        function: the TF function's path without ``tf.``, e.g. ``"math.add"``, ``"nn.relu"``.

    Called as the function is: ``layer(x, y=2.0)``, ``layer([a, b], axis=-1)``. The first
    argument may be a constant when a later one is symbolic (``1.0 - x`` is
    ``math.subtract(1.0, y=x)``). Output shape: what the function gives.
    """

    def __init__(self, function: str, **kwargs):
        kwargs.setdefault("name", unique_name(f"tf.{function}"))
        super().__init__(**kwargs)
        from ..saving import tf_functions
        self.function = function
        self._tf = tf_functions.lookup(function, self.name)
        self._bound: Dict[str, Any] = {}  # fixed arguments (a Keras 3 operation's axis=...)
        self.built = True

    @classmethod
    def from_keras3_op(cls, class_name: str, config: dict) -> "TFOpLambda":
        """The layer for a Keras 3 operation node (``"TrueDivide"``, ``"Concatenate"`` from
        ``keras.src.ops``); its fixed arguments go into the node, as tf.keras records them."""
        from ..saving import tf_functions
        name = config.get("name") or unique_name(class_name.lower())
        function, bound = tf_functions.keras3_op(class_name, config, name)
        layer_cls = SlicingOpLambda if function in tf_functions.SLICING_FUNCTIONS else cls
        layer = layer_cls(function, name=name)
        layer._bound = bound
        return layer

    @property
    def _expects_list(self) -> bool:
        return self._tf.takes_list

    def _named_arguments(self, args: tuple, kwargs: dict):
        """(first argument, the others by TF parameter name), as the node stores them."""
        params = self._tf.params
        if args:
            first, rest = args[0], args[1:]
        elif params[0] in kwargs:
            kwargs = dict(kwargs)
            first, rest = kwargs.pop(params[0]), ()
        else:
            raise TypeError(f"Layer {self.name!r} (tf.{self.function}) was called without its first "
                            f"argument {params[0]!r}.")
        if len(rest) > len(params) - 1:
            raise TypeError(f"Layer {self.name!r}: tf.{self.function} takes at most {len(params)} "
                            f"arguments ({', '.join(params)}), got {len(rest) + 1}.")
        named = dict(zip(params[1:], rest))
        unknown = [k for k in kwargs if k not in params]
        if unknown:
            raise TypeError(f"Layer {self.name!r}: tf.{self.function} got unexpected argument(s) "
                            f"{unknown}; it takes {params}.")
        named.update(kwargs)
        return first, named

    def __call__(self, *args, **kwargs):
        first, named = self._named_arguments(args, dict(self._bound, **kwargs))
        if "slice_spec" in named:
            from ..saving.tf_functions import tf_slice_spec
            named["slice_spec"] = tf_slice_spec(named["slice_spec"])
        named.pop("training", None)
        named.pop("mask", None)
        if flatten(first) or flatten(list(named.values())):
            return self._symbolic_op(first, named)
        return self.call(first, **named)

    def _symbolic_op(self, first, named: Dict[str, Any]):
        shapes, dtypes = infer_output_signature(self, first, named)
        if isinstance(shapes, list):
            outputs = [KerasTensor(s, d) for s, d in zip(shapes, dtypes)]
        else:
            outputs = KerasTensor(shapes, dtypes)
        Node(self, first, outputs, named)
        return outputs

    def call(self, inputs, **kwargs):
        kwargs.pop("training", None)  # added by the trial run that finds the output shape
        kwargs.pop("mask", None)
        return self._tf.impl(inputs, **kwargs)

    def get_config(self) -> dict:
        config = super().get_config()
        config["function"] = self.function
        return config


@registry.register("layer")
class SlicingOpLambda(TFOpLambda):
    """``x[...]`` on a symbolic tensor (tf.keras's ``__operators__.getitem`` layer); the node's
    ``slice_spec`` lists ints, ``None`` (new axis), slices as ``{"start", "stop", "step"}`` and
    ``{"class_name": "__ellipsis__"}``."""


def record_op(func, args, kwargs):
    """Record ``func(*args, **kwargs)`` applied to KerasTensors as a graph layer; returns its output."""
    from ..saving import tf_functions
    tf_call = tf_functions.to_tf_call(func, args, kwargs)
    if tf_call is not None:
        name, first, named = tf_call
        cls = SlicingOpLambda if name in tf_functions.SLICING_FUNCTIONS else TFOpLambda
        return cls(name)(first, **named)
    found: list = []
    args_t = _template(args, found)
    kwargs_t = _template(kwargs, found)
    layer = OpLayer(func, args_t, kwargs_t)
    return layer(found if len(found) > 1 else found[0])
