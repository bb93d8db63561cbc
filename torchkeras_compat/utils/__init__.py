"""``keras.utils``: labels, datasets on disk, progress bars, object scopes and seeds.

Importing this package is cheap: plotting (pydot), image files (PIL), ``pad_sequences`` and
``print_summary`` are only imported when first used.
"""
import importlib
import random

import numpy as np

from torchkeras_compat.engine.registry import (CustomObjectScope, custom_object_scope,
                                               get_custom_objects)
from torchkeras_compat.utils.data_utils import (GeneratorEnqueuer, OrderedEnqueuer, Sequence,
                                                SequenceEnqueuer, get_file, iterate_sequence,
                                                validate_file)
from torchkeras_compat.utils.generic_utils import (Progbar, deserialize_keras_object,
                                                   get_registered_name, serialize_keras_object)
from torchkeras_compat.utils.io_utils import (HDF5Matrix, disable_interactive_logging,
                                              enable_interactive_logging,
                                              is_interactive_logging_enabled)
from torchkeras_compat.utils.np_utils import normalize, to_categorical, to_ordinal

# name -> module it is imported from on first use (PEP 562 lazy attributes)
_LAZY = {
    "pad_sequences": "torchkeras_compat.preprocessing.sequence",
    "plot_model": "torchkeras_compat.utils.vis_utils",
    "model_to_dot": "torchkeras_compat.utils.vis_utils",
    "array_to_img": "torchkeras_compat.preprocessing.image",
    "img_to_array": "torchkeras_compat.preprocessing.image",
    "load_img": "torchkeras_compat.preprocessing.image",
    "save_img": "torchkeras_compat.preprocessing.image",
    "print_summary": "torchkeras_compat.utils.layer_utils",
    "register_keras_serializable": "torchkeras_compat.saving.serialization",
    "get_registered_object": "torchkeras_compat.saving.serialization",
    "image_dataset_from_directory": "torchkeras_compat.utils.dataset_utils",
    "timeseries_dataset_from_array": "torchkeras_compat.utils.dataset_utils",
    "split_dataset": "torchkeras_compat.utils.dataset_utils",
}

__all__ = ["to_categorical", "to_ordinal", "normalize", "Sequence", "SequenceEnqueuer",
           "OrderedEnqueuer", "GeneratorEnqueuer", "get_file", "validate_file",
           "iterate_sequence", "Progbar", "get_custom_objects", "CustomObjectScope",
           "custom_object_scope", "serialize_keras_object", "deserialize_keras_object",
           "get_registered_name", "HDF5Matrix", "set_random_seed", "enable_interactive_logging",
           "disable_interactive_logging", "is_interactive_logging_enabled",
           "pack_x_y_sample_weight", "unpack_x_y_sample_weight", "get_source_inputs"] + sorted(_LAZY)


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'torchkeras_compat.utils' has no attribute {name!r}")


def set_random_seed(seed: int) -> None:
    """Seed python's `random`, numpy and torch (CPU and every CUDA device) with `seed`.

    After this, weight initialisation, dropout, shuffling and data augmentation repeat exactly.
    """
    if not isinstance(seed, int):
        raise ValueError("Expected `seed` argument to be an integer. "
                         f"Received: seed={seed} (of type {type(seed)})")
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """`(x,)`, `(x, y)` or `(x, y, sample_weight)`: the tuple a batch is made of.

    A lone `x` that is itself a tuple is wrapped again so that it is not read as `(x, y)`.
    """
    if y is None:
        return x if not isinstance(x, tuple) else (x,)
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def unpack_x_y_sample_weight(data):
    """Inverse of `pack_x_y_sample_weight`: a batch -> `(x, y, sample_weight)` (missing: None)."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return (data, None, None)
    if len(data) == 1:
        return (data[0], None, None)
    if len(data) == 2:
        return (data[0], data[1], None)
    if len(data) == 3:
        return (data[0], data[1], data[2])
    raise ValueError("Data is expected to be in format `x`, `(x,)`, `(x, y)`, or "
                     f"`(x, y, sample_weight)`, found: {data}")


def get_source_inputs(tensor, layer=None, node_index=None) -> list:
    """The Input tensors that symbolic `tensor` was computed from (a list, each once), as Keras's
    ``get_source_inputs``; a tensor that no layer produced is its own source."""
    from torchkeras_compat.engine.keras_tensor import KerasTensor

    if not isinstance(tensor, KerasTensor):
        raise ValueError(f"get_source_inputs expects a symbolic Keras tensor (from Input or a layer "
                         f"call), got {type(tensor).__name__}.")
    sources, seen, stack = [], set(), [tensor]
    while stack:
        t = stack.pop()
        node = t.node
        parents = [] if node is None else list(node.input_tensors) + [
            k for v in node.kwarg_tensors.values() for k in (v if isinstance(v, (list, tuple)) else [v])
            if isinstance(k, KerasTensor)]
        if not parents:
            if id(t) not in seen:
                seen.add(id(t))
                sources.append(t)
            continue
        stack.extend(reversed(parents))
    return sources
