"""``Functional``: a model defined by a graph of layer calls on symbolic tensors.

``Model(inputs, outputs)`` walks back from ``outputs`` through the recorded nodes, orders the
layers as Keras does (by depth, inputs first) and, when called on data, replays the nodes in that
order on real torch tensors.
"""
from typing import Dict, List

import torch

from . import registry
from .base_layer import Layer
from .input_layer import InputLayer
from .keras_tensor import KerasTensor, flatten as flatten_keras_tensors
from .training import Model


def _nest_like(structure, values_iter):
    """Rebuild `structure` (KerasTensors in lists/tuples/dicts) with values taken in order."""
    if isinstance(structure, KerasTensor):
        return next(values_iter)
    if isinstance(structure, (list, tuple)):
        return type(structure)(_nest_like(s, values_iter) for s in structure)
    if isinstance(structure, dict):
        return {k: _nest_like(v, values_iter) for k, v in structure.items()}
    return structure


def _flat_values(structure) -> list:
    """A layer's eager result (tensors in nested lists/tuples/dicts, e.g. an RNN's
    ``[out, [h1, c1], h2]``) in the order of its node's flat ``output_tensors``."""
    if isinstance(structure, (list, tuple)):
        return [t for s in structure for t in _flat_values(s)]
    if isinstance(structure, dict):
        return [t for s in structure.values() for t in _flat_values(s)]
    return [structure]


class _Step:
    """One node of the execution plan: which slots feed the layer, which slots it fills."""
    __slots__ = ("layer", "node", "input_ids", "kwarg_ids", "output_ids", "single")

    def __init__(self, node):
        self.layer = node.layer
        self.node = node
        self.input_ids = [id(t) for t in node.input_tensors]
        self.kwarg_ids = {k: [id(t) for t in flatten_keras_tensors(v)] for k, v in node.kwarg_tensors.items()}
        self.output_ids = [id(t) for t in node.output_tensors]
        self.single = isinstance(node.inputs, KerasTensor) and not self.kwarg_ids


@registry.register("layer", "Model")
class Functional(Model):
    """A model built from ``inputs`` to ``outputs`` KerasTensors (tf.keras's 'Functional')."""

    def _init_graph_network(self, inputs, outputs) -> None:
        # as tf.keras: a list of one tensor stands for the tensor (a single-input/-output model)
        if isinstance(inputs, list) and len(flatten_keras_tensors(inputs)) == 1:
            inputs = inputs[0]
        if isinstance(outputs, list) and len(flatten_keras_tensors(outputs)) == 1:
            outputs = outputs[0]
        # dicts in key order: tf.keras flattens (and so orders input_names/output_names) by sorted key
        self._nested_inputs = _sorted_dict(inputs)
        self._nested_outputs = _sorted_dict(outputs)
        inputs, outputs = self._nested_inputs, self._nested_outputs
        self.inputs: List[KerasTensor] = flatten_keras_tensors(inputs)
        self.outputs: List[KerasTensor] = flatten_keras_tensors(outputs)
        for t in self.inputs:
            if t._history is None or not isinstance(t._history[0], InputLayer):
                raise ValueError("Input tensors to a Model must come from `keras.Input`. Received: "
                                 f"{t} (missing previous layer metadata).")
        for t in self.outputs:
            if not isinstance(t, KerasTensor) or t._history is None:
                raise ValueError("Output tensors of a Functional model must be the output of a "
                                 f"Keras layer; received {t!r}.")
        nodes_by_depth, layers = _map_graph(self.inputs, self.outputs)
        self._graph_layers = layers
        for i, layer in enumerate(layers):
            self.add_module(f"layer_{i}", layer) if not isinstance(layer, InputLayer) else None
        self._plan = [_Step(n) for depth in sorted(nodes_by_depth, reverse=True)
                      for n in nodes_by_depth[depth] if not isinstance(n.layer, InputLayer)]
        self._input_ids = [id(t) for t in self.inputs]
        self._output_ids = [id(t) for t in self.outputs]
        self.input_names = [t._history[0].name for t in self.inputs]
        self.output_names = [t._history[0].name for t in self.outputs]
        self.built = True
        self._is_graph_network = True

    # ------------------------------------------------------------ structure
    @property
    def layers(self) -> list:
        return list(self._graph_layers)

    def _sublayers(self) -> list:
        return [l for l in self._graph_layers if not isinstance(l, InputLayer)]

    @property
    def input(self):
        return self._nested_inputs

    @property
    def output(self):
        return self._nested_outputs

    @property
    def input_shape(self):
        return _shapes_like(self._nested_inputs, self.inputs)

    @property
    def output_shape(self):
        return _shapes_like(self._nested_outputs, self.outputs)

    @property
    def input_spec(self):
        return None

    @input_spec.setter
    def input_spec(self, value):
        pass

    def _output_signature(self, inputs, input_shapes, kwargs):
        given = input_shapes if isinstance(input_shapes, list) else [input_shapes]
        for i, (t, shape) in enumerate(zip(self.inputs, given)):
            if len(shape) != len(t.shape) or any(a is not None and b is not None and a != b
                                                 for a, b in zip(t.shape, shape)):
                raise ValueError(f"Input {i} of layer \"{self.name}\" is incompatible with the layer: "
                                 f"expected shape={t.shape}, found shape={tuple(shape)}")
        shapes = [t.shape for t in self.outputs]
        dtypes = [t.dtype for t in self.outputs]
        if len(shapes) == 1 and not isinstance(self._nested_outputs, (list, tuple)):
            return shapes[0], dtypes[0]
        return shapes, dtypes

    def compute_output_shape(self, input_shape):
        return self._output_signature(None, input_shape, {})[0]

    # ------------------------------------------------------------ running
    def call(self, inputs, training=None, mask=None):
        values: Dict[int, torch.Tensor] = dict(zip(self._input_ids, self._flatten_inputs(inputs)))
        for step in self._plan:
            if step.single:
                out = step.layer(values[step.input_ids[0]], **step.node.call_kwargs)
            else:
                args = _nest_like(step.node.inputs, iter([values[i] for i in step.input_ids]))
                kwargs = dict(step.node.call_kwargs)
                for k, ids in step.kwarg_ids.items():
                    kwargs[k] = _nest_like(kwargs[k], iter([values[i] for i in ids]))
                extra = kwargs.pop("__args__", ())
                out = step.layer(args, *extra, **kwargs)
            if len(step.output_ids) == 1:
                values[step.output_ids[0]] = out if torch.is_tensor(out) else _flat_values(out)[0]
            else:
                values.update(zip(step.output_ids, _flat_values(out)))
        outputs = [values[i] for i in self._output_ids]
        return _nest_like(self._nested_outputs, iter(outputs))

    def _flatten_inputs(self, inputs) -> list:
        if isinstance(inputs, dict):
            keys = self._input_keys()
            missing = [k for k in keys if k not in inputs]
            if missing:
                raise ValueError(f"Model {self.name}: no data for input(s) {missing}; "
                                 f"the inputs are named {keys}.")
            return [inputs[k] for k in keys]
        flat = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        if len(flat) != len(self.inputs):
            raise ValueError(f"Layer \"{self.name}\" expects {len(self.inputs)} input(s), but it "
                             f"received {len(flat)} input tensors.")
        return flat

    # ------------------------------------------------------------ config
    def get_config(self) -> dict:
        from ..saving import model_config
        return model_config.functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from ..saving import model_config
        return model_config.functional_from_config(cls, config, custom_objects)


def _shapes_like(structure, tensors):
    """The shapes of a model's inputs or outputs: one shape, a list, or a dict for dict inputs."""
    shapes = [t.shape for t in tensors]
    if isinstance(structure, dict):
        return dict(zip(structure, shapes))
    if len(shapes) == 1 and not isinstance(structure, (list, tuple)):
        return shapes[0]
    return _nest_like(structure, iter(shapes))  # nested lists stay nested (stacked RNN states)


def _sorted_dict(structure):
    return {k: structure[k] for k in sorted(structure)} if isinstance(structure, dict) else structure


def _map_graph(inputs, outputs):
    """Order the graph's nodes and layers by depth as Keras does; check it is connected."""
    finished, in_progress, order, layer_index = set(), set(), [], {}

    given = {id(t) for t in inputs}

    def visit(tensor):
        layer, node_index, _ = tensor._history
        if id(tensor) in given and not isinstance(layer, InputLayer):
            return  # an intermediate tensor given as an input (K.function): the graph starts here
        node = layer._inbound_nodes[node_index]
        if id(node) in finished:
            return
        if id(node) in in_progress:
            raise ValueError(f"The tensor {tensor} at layer \"{layer.name}\" is part of a cycle.")
        layer_index.setdefault(id(layer), (len(layer_index), layer))
        in_progress.add(id(node))
        if not (isinstance(layer, InputLayer) or tensor in inputs):
            for t in node.input_tensors + flatten_keras_tensors(list(node.kwarg_tensors.values())):
                visit(t)
        finished.add(id(node))
        in_progress.discard(id(node))
        order.append(node)

    for t in outputs:
        visit(t)
    node_depth, layer_depth = {}, {}
    for node in reversed(order):
        depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = depth
        node_depth[id(node)] = depth
        if isinstance(node.layer, InputLayer):
            continue
        for parent in node.parent_nodes:
            node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    nodes_by_depth: Dict[int, list] = {}
    for node in order:
        nodes_by_depth.setdefault(node_depth[id(node)], []).append(node)
    layers_by_depth: Dict[int, list] = {}
    for lid, (index, layer) in layer_index.items():
        layers_by_depth.setdefault(layer_depth[lid], []).append((index, layer))
    layers = [layer for d in sorted(layers_by_depth, reverse=True)
              for _, layer in sorted(layers_by_depth[d], key=lambda p: p[0])]
    _check_connected(inputs, order)
    return nodes_by_depth, layers


def _check_connected(inputs, order) -> None:
    available = {id(t) for t in inputs}
    seen_layers = []
    for node in order:
        if isinstance(node.layer, InputLayer) and not node.input_tensors:
            if id(node.outputs) not in available and id(node.output_tensors[0]) not in available:
                raise ValueError(f"Graph disconnected: cannot obtain value for tensor "
                                 f"{node.output_tensors[0]} at layer \"{node.layer.name}\". The following "
                                 f"previous layers were accessed without issue: {seen_layers}")
            continue
        for t in node.input_tensors:
            if id(t) not in available:
                raise ValueError(f"Graph disconnected: cannot obtain value for tensor {t} at layer "
                                 f"\"{node.layer.name}\". The following previous layers were accessed "
                                 f"without issue: {seen_layers}")
        available.update(id(t) for t in node.output_tensors)
        seen_layers.append(node.layer.name)
