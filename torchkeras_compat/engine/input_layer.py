"""``Input()`` and ``InputLayer``: where a functional graph starts."""
from typing import Optional

from ..backend import config
from . import registry
from .base_layer import Layer, unique_name
from .keras_tensor import KerasTensor, Node


@registry.register("layer")
class InputLayer(Layer):
    """The layer behind ``Input``; its one node outputs a KerasTensor of ``batch_input_shape``."""

    def __init__(self, input_shape=None, batch_size: Optional[int] = None, dtype=None,
                 input_tensor=None, sparse: bool = False, name: Optional[str] = None,
                 ragged: bool = False, batch_input_shape=None, **kwargs):
        kwargs.pop("type_spec", None)
        kwargs.pop("optional", None)
        if batch_input_shape is None:
            if input_shape is None:
                raise ValueError("InputLayer needs `input_shape` or `batch_input_shape`.")
            input_shape = (input_shape,) if isinstance(input_shape, int) else tuple(input_shape)
            batch_input_shape = (batch_size,) + input_shape
        name = name or unique_name("input", zero_based=False)  # Keras's inputs: input_1, input_2...
        super().__init__(name=name, dtype=dtype or config.floatx(), **kwargs)
        if sparse:
            raise NotImplementedError("Input(sparse=True) is not supported: torch layers here take dense tensors.")
        if ragged:
            raise NotImplementedError("Input(ragged=True) is not supported; pad sequences with "
                                      "keras.preprocessing.sequence.pad_sequences instead.")
        self._batch_input_shape = tuple(None if d is None else int(d) for d in batch_input_shape)
        self.built = True
        if input_tensor is None:
            tensor = KerasTensor(self._batch_input_shape, self._dtype, name=self.name)
            Node(self, [], tensor, {})
        else:
            Node(self, [], input_tensor, {})

    @property
    def output_shape(self):
        return [self._batch_input_shape]  # tf.keras shows an InputLayer's shape as a list

    @property
    def input_shape(self):
        return [self._batch_input_shape]

    def get_config(self):
        return {"batch_input_shape": self._batch_input_shape, "dtype": self._dtype,
                "sparse": False, "ragged": False, "name": self.name, "optional": False}


def Input(shape=None, batch_size: Optional[int] = None, name: Optional[str] = None, dtype=None,
          sparse: bool = False, tensor=None, ragged: bool = False, batch_shape=None, **kwargs) -> KerasTensor:
    """A symbolic input batch of ``shape`` (without the batch axis), to build functional models."""
    batch_shape = kwargs.pop("batch_input_shape", batch_shape)
    if kwargs:
        raise TypeError(f"Input() got unexpected keyword arguments {sorted(kwargs)}.")
    if shape is None and batch_shape is None and tensor is None:
        raise ValueError("Please provide to Input either a `shape` or a `batch_shape` argument. "
                         "Note that `shape` does not include the batch dimension.")
    layer = InputLayer(input_shape=shape, batch_size=batch_size, name=name, dtype=dtype,
                       sparse=sparse, ragged=ragged, batch_input_shape=batch_shape, input_tensor=tensor)
    return layer._inbound_nodes[0].outputs
