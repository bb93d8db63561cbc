"""Keras 2.0-2.2's ``keras.engine.topology`` path, still used by old custom-layer tutorials."""
from .base_layer import InputSpec, Layer
from .functional import Functional as Network
from .input_layer import Input, InputLayer
from .keras_tensor import Node

__all__ = ["Layer", "InputSpec", "Input", "InputLayer", "Node", "Network"]
