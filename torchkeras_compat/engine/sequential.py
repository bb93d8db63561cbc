"""``Sequential``: a linear stack of layers, built at once from the first layer's input shape or
later from the first data it sees."""
from typing import Optional

from torch import nn

from . import registry
from .base_layer import Layer, unique_name
from .functional import Functional
from .input_layer import Input, InputLayer
from .keras_tensor import KerasTensor
from .training import Model


@registry.register("layer")
class Sequential(Functional):
    """``Sequential([Dense(32, input_shape=(784,)), Activation('relu')])`` or built with ``add``."""

    def __init__(self, layers=None, name: Optional[str] = None, **kwargs):
        Model.__init__(self, name=name or unique_name("sequential"), **kwargs)
        self._init_set(_stack=[], _input_tensor=None, _stack_outputs=[], _graph_layers=[], built=False)
        for layer in layers or []:
            self.add(layer)

    # ------------------------------------------------------------ building the stack
    def add(self, layer) -> None:
        """Append a layer (or an ``Input`` tensor / InputLayer that fixes the input shape)."""
        if isinstance(layer, KerasTensor):
            if layer._history is None or not isinstance(layer._history[0], InputLayer):
                raise TypeError("The added layer must be an instance of class Layer. Found: " + repr(layer))
            layer = layer._history[0]
        if not isinstance(layer, nn.Module):
            raise TypeError(f"The added layer must be an instance of class Layer. Found: {layer!r}")
        if not isinstance(layer, Layer):
            from ..layers.core import TorchModuleWrapper
            layer = TorchModuleWrapper(layer)
        if isinstance(layer, InputLayer):
            if self._stack or self._input_tensor is not None:
                raise ValueError("An InputLayer can only be the first layer of a Sequential model.")
            self._input_tensor = layer._inbound_nodes[0].outputs
            return
        if any(l.name == getattr(layer, "name", None) for l in self._stack if isinstance(layer, Layer)):
            raise ValueError(f"All layers added to a Sequential model should have unique names. Name "
                             f"\"{layer.name}\" is already the name of a layer in this model. Update the "
                             "`name` argument to pass a unique name.")
        self._stack.append(layer)
        self.add_module(f"layer_{len(self._stack) - 1}", layer)
        if self._input_tensor is None and len(self._stack) == 1:
            shape = getattr(layer, "_batch_input_shape", None)
            inputs = getattr(layer, "inputs", None) if isinstance(layer, Model) and layer.built else None
            if shape is None and inputs and len(inputs) == 1:  # a built model as the first layer
                shape = inputs[0].shape
            if shape is not None:
                self._input_tensor = Input(batch_shape=shape, dtype=_input_dtype(layer),
                                           name=f"{layer.name}_input")
        if self._input_tensor is not None:
            self._connect(layer)

    def _connect(self, layer) -> None:
        """Call the new layer on the stack's current output and refresh the graph."""
        if not self._stack_outputs:
            x = self._input_tensor
            for l in self._stack[:-1]:
                x = _call_symbolic(l, x)
                self._stack_outputs.append(x)
        previous = self._stack_outputs[-1] if self._stack_outputs else self._input_tensor
        out = _call_symbolic(layer, previous)
        self._stack_outputs.append(out)
        self._refresh_graph()

    def _refresh_graph(self) -> None:
        outputs = self._stack_outputs[-1] if self._stack_outputs else self._input_tensor
        modules = dict(self._modules)
        self._init_graph_network(self._input_tensor, outputs)
        self._modules.clear()
        self._modules.update(modules)  # keep module names stable: layer_0, layer_1...

    def pop(self) -> None:
        """Remove the last layer."""
        if not self._stack:
            raise TypeError("There are no layers in the model.")
        self._stack.pop()
        del self._modules[f"layer_{len(self._stack)}"]
        if self._stack_outputs:
            self._stack_outputs.pop()
        if self._stack and self._input_tensor is not None:
            self._refresh_graph()
        elif not self._stack:
            self.built = False
            self._graph_layers = [self._input_tensor._history[0]] if self._input_tensor is not None else []

    def build(self, input_shape=None) -> None:
        """Build a deferred stack for inputs of ``input_shape`` (batch axis included)."""
        if self._input_tensor is None:
            if input_shape is None:
                raise ValueError("You must provide an `input_shape` argument.")
            shape = tuple(input_shape)
            first = self._stack[0] if self._stack else None
            self._input_tensor = Input(batch_shape=(None,) + tuple(shape[1:]),
                                       dtype=_input_dtype(first),
                                       name=f"{first.name}_input" if isinstance(first, Layer) else None)
        if not self._stack:
            raise ValueError(f"Sequential model {self.name} has no layers to build.")
        if not self._stack_outputs:
            x = self._input_tensor
            for l in self._stack:
                x = _call_symbolic(l, x)
                self._stack_outputs.append(x)
        self._refresh_graph()

    def _maybe_build_from_data(self, x_list) -> None:
        if not self.built:
            self._maybe_build(tuple(x_list[0].shape))

    @property
    def layers(self) -> list:
        return list(self._stack)

    def _sublayers(self) -> list:
        return list(self._stack)

    def _output_names(self) -> list:
        if self._stack:
            last = self._stack[-1]
            return [getattr(last, "name", "output_1")]
        return ["output_1"]

    # ------------------------------------------------------------ running
    def call(self, inputs, training=None, mask=None):
        x = inputs
        for layer in self._stack:
            x = layer(x)
        return x

    def get_config(self) -> dict:
        from ..saving import model_config
        return model_config.sequential_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from ..saving import model_config
        return model_config.sequential_from_config(cls, config, custom_objects)


def _call_symbolic(layer, x):
    return layer(x)


def _input_dtype(layer) -> Optional[str]:
    dtype = getattr(layer, "_input_dtype", None)
    return dtype
