"""Symbolic tensors for the functional API.

A ``KerasTensor`` stands for a batch of data that does not exist yet: it knows its Keras shape
(batch axis ``None``), its dtype and the ``Node`` (layer call) that produces it. Calling layers on
KerasTensors records a graph; ``Model(inputs, outputs)`` later runs that graph on real tensors.
"""
from typing import List, Optional, Tuple

import torch

from ..backend import config


class Node:
    """One call of a layer: which KerasTensors went in, which came out, and the call's kwargs."""

    def __init__(self, layer, inputs, outputs, call_kwargs: dict):
        self.layer = layer
        self.inputs = inputs            # the structure passed to the layer (tensor or list of tensors)
        self.outputs = outputs          # tensor or list of tensors
        self.call_kwargs = call_kwargs  # non-tensor keyword arguments, replayed at run time
        self.input_tensors: List["KerasTensor"] = _flatten(inputs)
        self.output_tensors: List["KerasTensor"] = _flatten(outputs)
        # KerasTensors passed as keyword arguments (e.g. initial_state=, mask=) are graph inputs too
        self.kwarg_tensors = {k: v for k, v in call_kwargs.items() if _has_keras_tensor(v)}
        self.index = len(layer._inbound_nodes)
        layer._inbound_nodes.append(self)
        for i, t in enumerate(self.output_tensors):
            t._history = (layer, self.index, i)

    @property
    def parent_nodes(self) -> List["Node"]:
        nodes = []
        for t in self.input_tensors + _flatten(list(self.kwarg_tensors.values())):
            if t._history is not None:
                layer, node_index, _ = t._history
                nodes.append(layer._inbound_nodes[node_index])
        return nodes

    @property
    def input_shapes(self):
        shapes = [t.shape for t in self.input_tensors]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shapes(self):
        shapes = [t.shape for t in self.output_tensors]
        return shapes[0] if len(shapes) == 1 else shapes


class KerasTensor:
    """A symbolic batch of shape ``shape`` (a tuple with ``None`` for unknown sizes)."""

    def __init__(self, shape: Tuple[Optional[int], ...], dtype: str = None, name: str = None):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = dtype or config.floatx()
        self.name = name
        self._history = None  # (layer, node_index, tensor_index) once a node produces it
        self._keras_mask = None

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def get_shape(self):
        return self.shape

    @property
    def node(self) -> Optional[Node]:
        if self._history is None:
            return None
        layer, node_index, _ = self._history
        return layer._inbound_nodes[node_index]

    def __repr__(self):
        producer = f", created by layer '{self._history[0].name}'" if self._history else ""
        return f"<KerasTensor: shape={self.shape} dtype={self.dtype}{producer}>"

    def __len__(self):
        raise TypeError("A symbolic Keras tensor has no length; use K.int_shape(x) for its shape.")

    def __bool__(self):
        raise TypeError("A symbolic Keras tensor has no truth value: it holds no data yet. "
                        "Use it to build a model, then call the model on data.")

    def __iter__(self):
        raise TypeError("A symbolic Keras tensor cannot be iterated; index it or use a Lambda layer.")

    # Torch operations on KerasTensors (K.* functions, arithmetic) become graph nodes.
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        from .op_layer import record_op
        return record_op(func, args, kwargs or {})

    def is_floating_point(self) -> bool:
        return "float" in self.dtype

    def dim(self) -> int:
        return len(self.shape)

    def size(self, dim=None):
        return self.shape if dim is None else self.shape[dim]

    def __getattr__(self, name):
        # tensor methods (x.sum(...), x.reshape(...)) record graph operations, as torch functions do
        method = getattr(torch.Tensor, name, None) if not name.startswith("_") else None
        if method is None or not callable(method):
            raise AttributeError(f"'KerasTensor' object has no attribute {name!r}")
        return lambda *args, **kwargs: self.__torch_function__(method, (KerasTensor,), (self,) + args, kwargs)

    def _op(self, name, *args):
        return self.__torch_function__(getattr(torch.Tensor, name), (KerasTensor,), (self,) + args)

    def __add__(self, o): return self._op("__add__", o)
    def __radd__(self, o): return self._op("__radd__", o)
    def __sub__(self, o): return self._op("__sub__", o)
    def __rsub__(self, o): return self._op("__rsub__", o)
    def __mul__(self, o): return self._op("__mul__", o)
    def __rmul__(self, o): return self._op("__rmul__", o)
    def __truediv__(self, o): return self._op("__truediv__", o)
    def __rtruediv__(self, o): return self._op("__rtruediv__", o)
    def __pow__(self, o): return self._op("__pow__", o)
    def __rpow__(self, o): return self._op("__rpow__", o)
    def __matmul__(self, o): return self._op("__matmul__", o)
    def __neg__(self): return self._op("__neg__")
    def __abs__(self): return self._op("__abs__")
    def __getitem__(self, idx): return self._op("__getitem__", idx)
    def __lt__(self, o): return self._op("__lt__", o)
    def __le__(self, o): return self._op("__le__", o)
    def __gt__(self, o): return self._op("__gt__", o)
    def __ge__(self, o): return self._op("__ge__", o)
    __hash__ = object.__hash__


def _flatten(structure) -> list:
    if isinstance(structure, (list, tuple)):
        out = []
        for s in structure:
            out.extend(_flatten(s))
        return out
    if isinstance(structure, dict):
        return _flatten(list(structure.values()))
    return [structure] if isinstance(structure, KerasTensor) else []


def _has_keras_tensor(structure) -> bool:
    return bool(_flatten(structure))


def is_keras_tensor(x) -> bool:
    return isinstance(x, KerasTensor)


def flatten(structure) -> list:
    return _flatten(structure)
