"""torchkeras_compat: the Keras 2 API on PyTorch.

``import torchkeras_compat as keras`` and old Keras code runs unchanged; see README.md.
"""
__version__ = "2.21.0"  # the Keras API level this package follows

from . import backend  # noqa: F401  (first: everything reads its settings)
from . import activations, constraints, initializers, losses, metrics, optimizers, regularizers  # noqa: F401
from . import layers, callbacks, models, utils, preprocessing, datasets  # noqa: F401
from . import applications, wrappers  # noqa: F401  (keras.applications.VGG16 right after import keras)
from . import distribute, mixed_precision  # noqa: F401
from .engine.input_layer import Input
from .engine.sequential import Sequential
from .engine.training import Model
