"""Numpy helpers for labels and rows (``keras.utils.np_utils``)."""
from typing import Optional

import numpy as np

from torchkeras_compat import legacy

__all__ = ["to_categorical", "to_ordinal", "normalize"]


def _to_numpy(x) -> np.ndarray:
    if hasattr(x, "detach"):  # a torch tensor
        x = x.detach().cpu().numpy()
    return np.asarray(x)


def to_categorical(y, num_classes: Optional[int] = None, dtype: str = "float32",
                   **kwargs) -> np.ndarray:
    """One-hot encode integer class labels.

    Args:
        y: integer labels of any shape `S`; a trailing axis of size 1 is dropped (a column
            of labels gives a 2-D result).
        num_classes: number of classes; default `max(y) + 1`. (`nb_classes` is Keras 1's name.)
        dtype: dtype of the result.

    Returns:
        An array of shape `S + (num_classes,)` with a 1 at each label's position.
    """
    legacy.translate("to_categorical", kwargs)
    num_classes = kwargs.pop("num_classes", num_classes)
    if kwargs:
        raise TypeError(f"to_categorical() got unexpected keyword arguments {sorted(kwargs)}.")
    raw = _to_numpy(y)
    if raw.dtype.kind not in "biuf" or (raw.dtype.kind == "f" and raw.size
                                        and not np.all(np.isfinite(raw))):
        raise ValueError(f"to_categorical: `y` must hold integer class labels; got dtype {raw.dtype}.")
    labels = raw.astype("int64")
    shape = labels.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = tuple(shape[:-1])
    labels = labels.ravel()
    if not num_classes:
        num_classes = int(np.max(labels)) + 1 if labels.size else 0
    num_classes = int(num_classes)
    if labels.size and (labels.max() >= num_classes or labels.min() < -num_classes):
        raise IndexError(f"to_categorical: label {int(labels.max())} is out of range for "
                         f"num_classes={num_classes}; labels must be in [0, num_classes).")
    n = labels.shape[0]
    categorical = np.zeros((n, num_classes), dtype=dtype)
    categorical[np.arange(n), labels] = 1
    return categorical.reshape(tuple(shape) + (num_classes,))


def normalize(x, axis: int = -1, order: int = 2) -> np.ndarray:
    """Scale `x` to unit `order`-norm along `axis`; all-zero slices stay zero.

    Args:
        x: array to normalize.
        axis: axis along which to take the norm.
        order: norm order (2 = L2, 1 = L1, ...), as in `np.linalg.norm`.
    """
    x = _to_numpy(x)
    norms = np.atleast_1d(np.linalg.norm(x, order, axis))
    norms[norms == 0] = 1
    return x / np.expand_dims(norms, axis)


def to_ordinal(y, num_classes: Optional[int] = None, dtype: str = "float32") -> np.ndarray:
    """Ordinal-regression encoding: label `k` becomes `k` ones followed by zeros.

    Returns an array of shape `S + (num_classes - 1,)` for labels of shape `S` (a trailing
    axis of size 1 is dropped, as in `to_categorical`).
    """
    labels = _to_numpy(y).astype("int64")
    shape = labels.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = tuple(shape[:-1])
    labels = labels.ravel()
    if not num_classes:
        num_classes = int(np.max(labels)) + 1 if labels.size else 1
    steps = np.arange(int(num_classes) - 1)[None, :]
    ordinal = (steps < labels[:, None]).astype(dtype)
    return ordinal.reshape(tuple(shape) + (int(num_classes) - 1,))
