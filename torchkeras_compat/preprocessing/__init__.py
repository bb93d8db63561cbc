"""``keras.preprocessing``: ``text``, ``sequence`` and ``image`` (imported on first use, so
that text-only scripts never load PIL)."""
import importlib

from torchkeras_compat.preprocessing import sequence, text  # noqa: F401

__all__ = ["text", "sequence", "image", "image_dataset_from_directory",
           "timeseries_dataset_from_array"]

# tf.keras 2 re-exports these dataset builders here (they live in keras.utils)
_FROM_UTILS = ("image_dataset_from_directory", "timeseries_dataset_from_array")


def __getattr__(name):
    if name == "image":
        return importlib.import_module("torchkeras_compat.preprocessing.image")
    if name in _FROM_UTILS:
        return getattr(importlib.import_module("torchkeras_compat.utils.dataset_utils"), name)
    raise AttributeError(f"module 'torchkeras_compat.preprocessing' has no attribute {name!r}")
