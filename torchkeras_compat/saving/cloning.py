"""``clone_model``: the same architecture with new layers (fresh weights), as tf.keras 2.

Each layer is copied with ``clone_function(layer)`` (default: ``layer.__class__.from_config(
layer.get_config())``), then the graph is replayed on the new layers; ``input_tensors`` replaces
the model's inputs. Subclassed models have no graph to replay and are refused, as in tf.keras.
"""
from typing import Callable, Dict, Optional

from . import lambda_code


def _default_clone(layer):
    # The config comes from this process, not from a file, so a Lambda's code is trusted here.
    with lambda_code.safe_mode_scope(False):
        return layer.__class__.from_config(layer.get_config())


def _as_list(x) -> list:
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


def clone_model(model, input_tensors=None, clone_function: Optional[Callable] = None):
    """Return a new model with the same structure as `model` and newly initialized weights."""
    from ..engine.functional import Functional
    from ..engine.sequential import Sequential
    clone_function = clone_function or _default_clone
    if isinstance(model, Sequential):
        return _clone_sequential(model, input_tensors, clone_function)
    if isinstance(model, Functional):
        return _clone_functional(model, input_tensors, clone_function)
    raise ValueError("Expected `model` argument to be a functional `Model` instance, but got a "
                     f"subclassed model instead: {model!r}")


def _check_layer(layer, clone) -> None:
    from ..engine.base_layer import Layer
    if not isinstance(clone, Layer):
        raise ValueError(f"clone_function must return a Layer; for layer {layer.name!r} it "
                         f"returned {clone!r}.")


def _clone_sequential(model, input_tensors, clone_function):
    from ..engine.input_layer import Input, InputLayer
    from ..engine.sequential import Sequential
    layers = []
    for layer in model._stack:
        clone = clone_function(layer)
        _check_layer(layer, clone)
        layers.append(clone)
    new = Sequential(name=model.name)
    tensors = _as_list(input_tensors)
    if len(tensors) > 1:
        raise ValueError("To clone a `Sequential` model, we expect at most one tensor as part of "
                         f"`input_tensors`. Received: input_tensors={input_tensors}")
    if tensors:
        new.add(tensors[0])
    elif model._input_tensor is not None:
        old = model._input_tensor._history[0]
        new.add(Input(batch_shape=old._batch_input_shape, dtype=old.dtype, name=old.name))
    for layer in layers:
        new.add(layer)
    return new


def _clone_functional(model, input_tensors, clone_function):
    from ..engine.functional import Functional
    from ..engine.input_layer import Input
    from ..engine.keras_tensor import KerasTensor, flatten
    mapping: Dict[int, KerasTensor] = {}
    new_inputs = _as_list(input_tensors)
    if new_inputs and len(new_inputs) != len(model.inputs):
        raise ValueError(f"input_tensors must have {len(model.inputs)} tensor(s) (one per model "
                         f"input); got {len(new_inputs)}.")
    for i, t in enumerate(model.inputs):
        old = t._history[0]
        if new_inputs:
            x = new_inputs[i]
            if not isinstance(x, KerasTensor):
                raise ValueError("clone_model(input_tensors=...) takes symbolic tensors made with "
                                 f"keras.Input; got {type(x).__name__} for input {old.name!r}.")
        else:
            x = Input(batch_shape=old._batch_input_shape, dtype=old.dtype, name=old.name)
        mapping[id(t)] = x
    new_layers: Dict[int, object] = {}

    def convert(structure):
        if isinstance(structure, KerasTensor):
            return mapping[id(structure)]
        if isinstance(structure, (list, tuple)):
            return type(structure)(convert(s) for s in structure)
        if isinstance(structure, dict):
            return {k: convert(v) for k, v in structure.items()}
        return structure

    for step in model._plan:
        node = step.node
        layer = node.layer
        if id(layer) not in new_layers:
            clone = clone_function(layer)
            _check_layer(layer, clone)
            new_layers[id(layer)] = clone
        kwargs = convert(dict(node.call_kwargs))
        extra = kwargs.pop("__args__", ())
        out = new_layers[id(layer)](convert(node.inputs), *extra, **kwargs)
        for old_t, new_t in zip(node.output_tensors, flatten(out)):
            mapping[id(old_t)] = new_t
    inputs = convert(model._nested_inputs) if not new_inputs else \
        [mapping[id(t)] for t in model.inputs]
    if new_inputs and not isinstance(model._nested_inputs, (list, tuple, dict)):
        inputs = inputs[0]
    outputs = convert(model._nested_outputs)
    return Functional(inputs=inputs, outputs=outputs, name=model.name)
