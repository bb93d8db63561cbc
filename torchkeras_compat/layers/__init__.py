"""``keras.layers``: every layer class, the ``Input`` function and the merge functions."""
from ..engine.base_layer import InputSpec, Layer
from ..engine.input_layer import Input, InputLayer
from .core import (Activation, ActivityRegularization, Dense, Dropout, Flatten, Lambda, Masking,
                   Permute, RepeatVector, Reshape, TorchModuleWrapper)


def serialize(layer) -> dict:
    from ..engine import registry
    return registry.serialize(layer)


def deserialize(config, custom_objects=None):
    from ..engine import registry
    return registry.deserialize("layer", config, custom_objects, what="layer")
