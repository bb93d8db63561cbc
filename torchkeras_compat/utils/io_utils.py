"""Console and file helpers (``keras.utils.io_utils``).

``print_msg`` is where every progress line and report goes, so that all of them can be sent to
the ``logging`` module instead of stdout with ``disable_interactive_logging()``, as in Keras 2.
``HDF5Matrix`` is Keras 2.2's read-only view of an HDF5 dataset usable as ``x`` in ``fit``.
"""
import logging
import os
import sys
import threading
from typing import Optional

_INTERACTIVE = threading.local()
_logger = logging.getLogger("torchkeras_compat")


def enable_interactive_logging() -> None:
    """Send progress bars and messages to stdout (the default)."""
    _INTERACTIVE.enable = True


def disable_interactive_logging() -> None:
    """Send progress bars and messages to the ``logging`` module instead of stdout."""
    _INTERACTIVE.enable = False


def is_interactive_logging_enabled() -> bool:
    return getattr(_INTERACTIVE, "enable", True)


def print_msg(message: str, line_break: bool = True) -> None:
    """Write `message` to stdout (flushed at once, as progress bars need) or to the log."""
    if is_interactive_logging_enabled():
        sys.stdout.write(message + "\n" if line_break else message)
        sys.stdout.flush()
    else:
        _logger.info(message)


def path_to_string(path):
    """`os.PathLike` -> str; anything else (str, file objects) is returned unchanged."""
    if isinstance(path, os.PathLike):
        return os.fspath(path)
    return path


def ask_to_proceed_with_overwrite(filepath: str) -> bool:
    """Ask on the console whether `filepath` may be overwritten; True means yes."""
    answer = input(f"[WARNING] {filepath} already exists - overwrite? [y/n]").strip().lower()
    while answer not in ("y", "n"):
        answer = input('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
    if answer == "n":
        return False
    print_msg("[TIP] Next time specify overwrite=True!")
    return True


class HDF5Matrix:
    """A read-only, numpy-like view of one dataset in an HDF5 file (Keras 2.2).

    Rows ``start:end`` of ``datapath[dataset]`` are exposed; indexing reads from the file, so
    datasets larger than memory can be fed to ``fit(..., shuffle='batch')``.

    Args:
        datapath: path of the HDF5 file.
        dataset: name of the dataset inside the file.
        start: first row to expose.
        end: one past the last row to expose (None: the end of the dataset).
        normalizer: optional function applied to every slice read.
    """

    refs = {}  # open files, shared between matrices on the same path (as Keras did)

    def __init__(self, datapath: str, dataset: str, start: int = 0, end: Optional[int] = None,
                 normalizer=None):
        import h5py  # only when used

        datapath = path_to_string(datapath)
        if datapath not in HDF5Matrix.refs:
            HDF5Matrix.refs[datapath] = h5py.File(datapath, "r")
        f = HDF5Matrix.refs[datapath]
        if dataset not in f:
            raise ValueError(f"HDF5Matrix: the file {datapath!r} has no dataset {dataset!r}; "
                             f"it has {sorted(f.keys())}.")
        self.data = f[dataset]
        self.start = start
        self.end = self.data.shape[0] if end is None else end
        self.normalizer = normalizer
        if self.normalizer is not None:
            first = self.normalizer(self.data[0:1])
            self._base_shape, self._base_dtype = first.shape[1:], first.dtype
        else:
            self._base_shape, self._base_dtype = self.data.shape[1:], self.data.dtype

    def __len__(self) -> int:
        return self.end - self.start

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop, step = key.indices(len(self))
            if step != 1:
                idx = list(range(start, stop, step))
                return self[idx]
            out = self.data[start + self.start:stop + self.start]
        elif isinstance(key, (int,)) or hasattr(key, "__index__"):
            key = int(key)
            if key < 0:
                key += len(self)
            if not 0 <= key < len(self):
                raise IndexError(f"HDF5Matrix index {key} is out of range for length {len(self)}.")
            out = self.data[key + self.start]
        else:
            import numpy as np

            idx = np.asarray(key, dtype="int64")
            if idx.size and (idx.max() >= len(self) or idx.min() < 0):
                raise IndexError(f"HDF5Matrix indices out of range for length {len(self)}.")
            # h5py wants increasing indices: read sorted, then restore the requested order
            order = np.argsort(idx, kind="stable")
            uniq, inverse = np.unique(idx[order] + self.start, return_inverse=True)
            block = self.data[uniq.tolist()]
            out = np.empty((len(idx),) + block.shape[1:], dtype=block.dtype)
            out[order] = block[inverse]
        return self.normalizer(out) if self.normalizer is not None else out

    @property
    def shape(self):
        return (len(self),) + tuple(self._base_shape)

    @property
    def dtype(self):
        return self._base_dtype

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        import numpy as np

        return int(np.prod(self.shape))
