"""Torch operations applied to symbolic tensors become layers of the graph.

``K.sum(x)``, ``x * 2`` or ``torch.cat([a, b], -1)`` on KerasTensors (as old Keras code does between
layers) record an ``OpLayer`` node, like tf.keras's TFOpLambda: at run time it applies the same
operation to the real tensors.
"""
import torch

from .base_layer import Layer, unique_name
from .keras_tensor import KerasTensor


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
    """Applies a recorded torch operation; its inputs are the symbolic tensors it was given."""

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
            "applied to symbolic tensors; it cannot be saved to a config. Wrap the operation in a "
            "Lambda layer or a custom layer to save the model.")


def record_op(func, args, kwargs):
    found: list = []
    args_t = _template(args, found)
    kwargs_t = _template(kwargs, found)
    layer = OpLayer(func, args_t, kwargs_t)
    return layer(found if len(found) > 1 else found[0])
