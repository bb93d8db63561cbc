"""Public saving functions: ``save_model``, ``load_model``, weights, JSON configs, ``clone_model``.

Formats are chosen from the file name and content: ``.keras`` is Keras 3's zip format, anything
else that is HDF5 (``.h5``, ``.hdf5``, or any name, as old tutorials used) is the Keras 2 HDF5
layout. TensorFlow's SavedModel directories cannot be read without TensorFlow.
"""
import json
import os
from typing import Optional

from ..engine import registry
from . import lambda_code, model_config


def _is_h5py_object(filepath) -> bool:
    try:
        import h5py
    except ImportError:  # pragma: no cover
        return False
    return isinstance(filepath, h5py.Group)


def _path(filepath) -> str:
    if hasattr(filepath, "__fspath__"):
        return os.fspath(filepath)
    if isinstance(filepath, str):
        return filepath
    raise TypeError(f"Expected a file path (str or os.PathLike) or an open h5py.File; got "
                    f"{type(filepath).__name__}.")


def _check_format(save_format: Optional[str], path: str) -> str:
    if save_format is None:
        return "keras" if path.endswith(".keras") else "h5"
    fmt = save_format.lower()
    if fmt in ("h5", "hdf5", "keras_h5"):
        return "h5"
    if fmt == "keras":
        return "keras"
    if fmt in ("tf", "saved_model"):
        raise ValueError("save_format='tf' (TensorFlow SavedModel) needs TensorFlow and is not "
                         "supported; use save_format='h5' or a '.keras' file name.")
    raise ValueError(f"Unknown save_format {save_format!r}: expected 'h5' or 'keras'.")


def _is_chief() -> bool:
    from ..distribute.replicas import is_chief
    return is_chief()


def save_model(model, filepath, overwrite: bool = True, include_optimizer: bool = True,
               save_format: Optional[str] = None, **kwargs) -> None:
    """Save architecture, weights and (optionally) the optimizer state of `model` to one file."""
    kwargs.pop("signatures", None), kwargs.pop("options", None), kwargs.pop("save_traces", None)
    if kwargs:
        raise TypeError(f"save_model() got unexpected keyword arguments {sorted(kwargs)}.")
    if not _is_chief():
        return  # data-parallel training: only rank 0 writes files
    if _is_h5py_object(filepath):
        from . import hdf5_format
        hdf5_format.save_model(model, filepath, include_optimizer=include_optimizer)
        return
    path = _path(filepath)
    fmt = _check_format(save_format, path)
    if fmt == "keras":
        from . import keras3_format
        keras3_format.save_model(model, path, overwrite=overwrite, include_optimizer=include_optimizer)
    else:
        from . import hdf5_format
        hdf5_format.save_model(model, path, overwrite=overwrite, include_optimizer=include_optimizer)


def load_model(filepath, custom_objects: Optional[dict] = None, compile: bool = True,
               safe_mode: Optional[bool] = None, **kwargs):
    """Load a model saved by ``save_model`` here, by tf.keras/Keras 1-2 (.h5) or Keras 3 (.keras).

    Lambda layers stored as Python bytecode run arbitrary code when loaded. As in tf.keras 2,
    ``.h5`` files load them unless ``safe_mode=True`` is passed, and ``.keras`` files refuse
    them unless ``safe_mode=False`` is passed (use it only for files from a trusted source).
    """
    kwargs.pop("options", None)
    if kwargs:
        raise TypeError(f"load_model() got unexpected keyword arguments {sorted(kwargs)}.")
    from . import file_checks
    if _is_h5py_object(filepath):
        path, kind = filepath, "h5"
    else:
        path = _path(filepath)
        kind = file_checks.detect(path)
    if safe_mode is None:
        safe_mode = kind == "keras"  # tf.keras's legacy .h5 loader never refused bytecode
    with lambda_code.safe_mode_scope(safe_mode), registry.CustomObjectScope(custom_objects or {}):
        if kind == "keras":
            from . import keras3_format
            return keras3_format.load_model(path, custom_objects=custom_objects, compile=compile)
        from . import hdf5_format
        return hdf5_format.load_model(path, custom_objects=custom_objects, compile=compile)


def save_weights(model, filepath, overwrite: bool = True, save_format: Optional[str] = None) -> None:
    """Save only the weights: the Keras 2 HDF5 layout for any file name, except names ending in
    ``.weights.h5``, which get the Keras 3 layout (as tf.keras 2.13+ does)."""
    if save_format is not None and save_format.lower() in ("tf", "saved_model"):
        raise ValueError("save_format='tf' (TensorFlow checkpoints) is not supported; weights are "
                         "saved as HDF5.")
    if not _is_chief():
        return  # data-parallel training: only rank 0 writes files
    from . import hdf5_format
    path = filepath if _is_h5py_object(filepath) else _path(filepath)
    if isinstance(path, str) and path.endswith(".weights.h5"):
        from . import keras3_format  # tf.keras 2.13+ writes this suffix in the Keras 3 layout
        keras3_format.save_weights(model, path, overwrite=overwrite)
        return
    hdf5_format.save_weights(model, path, overwrite=overwrite)


def load_weights(model, filepath, by_name: bool = False, skip_mismatch: bool = False):
    """Load weights saved by ``save_weights``/``save_model`` (Keras 1, 2 or 3 HDF5, or ``.keras``).

    Topological by default (layers with weights, in order); ``by_name=True`` matches layer names.
    ``skip_mismatch=True`` (only with ``by_name``) skips layers whose weight count or shapes differ.
    Nothing is assigned unless every weight passes the checks.
    """
    if skip_mismatch and not by_name:
        raise ValueError("When calling model.load_weights, skip_mismatch can only be set to True "
                         "when by_name is True.")
    from . import file_checks
    if _is_h5py_object(filepath):
        path, kind = filepath, "h5"
    else:
        path = _path(filepath)
        kind = file_checks.detect(path)
    if kind == "keras":
        from . import keras3_format
        return keras3_format.load_weights(model, path)
    from . import hdf5_format
    return hdf5_format.load_weights(model, path, by_name=by_name, skip_mismatch=skip_mismatch)


def model_from_config(config: dict, custom_objects: Optional[dict] = None, safe_mode: bool = True):
    """Build a model (or layer) from ``{"class_name": ..., "config": ...}``."""
    if isinstance(config, list):
        raise TypeError("`model_from_config` expects a dictionary, not a list. Received: "
                        f"{config!r:.100}. Did you meant to use `Sequential.from_config(config)`?")
    with lambda_code.safe_mode_scope(safe_mode), registry.CustomObjectScope(custom_objects or {}):
        return model_config.model_from_dict(config, custom_objects)


def model_from_json(json_string: str, custom_objects: Optional[dict] = None, safe_mode: bool = True):
    """Build a model from ``model.to_json()`` text (tf.keras, Keras 1/2 or Keras 3 JSON)."""
    try:
        data = json.loads(json_string)
    except (TypeError, ValueError) as e:
        raise ValueError(f"model_from_json: the text is not valid JSON ({e}).") from None
    return model_from_config(data, custom_objects=custom_objects, safe_mode=safe_mode)


def model_from_yaml(yaml_string, custom_objects: Optional[dict] = None):
    """Removed in tf.keras 2.6 for safety (YAML could run code); kept so old scripts get the
    same explanation."""
    raise RuntimeError("Method `model_from_yaml()` has been removed due to security risk of "
                       "arbitrary code execution. Please use `Model.to_json()` and "
                       "`model_from_json()` instead.")


def clone_model(model, input_tensors=None, clone_function=None):
    """A new model of the same architecture with freshly initialized weights (as tf.keras)."""
    from . import cloning
    return cloning.clone_model(model, input_tensors=input_tensors, clone_function=clone_function)
