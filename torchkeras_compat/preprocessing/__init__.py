"""``keras.preprocessing``: ``text``, ``sequence`` and ``image`` (imported on first use, so
that text-only scripts never load PIL)."""
import importlib

from torchkeras_compat.preprocessing import sequence, text  # noqa: F401

__all__ = ["text", "sequence", "image"]


def __getattr__(name):
    if name == "image":
        return importlib.import_module("torchkeras_compat.preprocessing.image")
    raise AttributeError(f"module 'torchkeras_compat.preprocessing' has no attribute {name!r}")
