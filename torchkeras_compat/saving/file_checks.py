"""Telling file kinds apart before reading them, and writing files atomically.

``detect`` looks at a file's first bytes (HDF5 signature or zip signature) so that a missing,
empty, truncated or foreign file fails with an error that names the file and says what is wrong,
instead of a low-level h5py/zipfile message. ``atomic_write`` writes to a temporary file beside
the target and renames it over the target only when writing finished, so an exception or Ctrl-C
while saving leaves any earlier file intact.
"""
import contextlib
import os
import tempfile
from typing import Iterator

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
ZIP_SIGNATURE = b"PK\x03\x04"
# HDF5 allows a user block before the superblock: the signature may sit at 0, 512, 1024, 2048...
_HDF5_OFFSETS = (0, 512, 1024, 2048, 4096, 8192)


class CorruptFileError(ValueError):
    """A file that exists but cannot be read as a Keras file (kept a ValueError, as Keras raises)."""


def detect(path: str) -> str:
    """Return ``'h5'`` or ``'keras'`` for the file at `path`, or raise a clear error."""
    if os.path.isdir(path):
        if os.path.exists(os.path.join(path, "saved_model.pb")):
            raise ValueError(f"{path!r} is a TensorFlow SavedModel directory; reading it needs "
                             "TensorFlow. In tf.keras, re-save it with model.save('model.h5') or "
                             "model.save('model.keras') and load that file instead.")
        raise IsADirectoryError(f"No Keras model file at {path!r}: it is a directory.")
    if not os.path.exists(path):
        raise OSError(f"No file or directory found at {path}")
    size = os.path.getsize(path)
    if size == 0:
        raise CorruptFileError(f"Cannot load {path!r}: the file is empty (0 bytes). It was probably "
                               "not written completely; save the model again.")
    with open(path, "rb") as fh:
        head = fh.read(8)
        if head[:4] == ZIP_SIGNATURE:
            return "keras"
        for offset in _HDF5_OFFSETS:
            if offset >= size:
                break
            fh.seek(offset)
            if fh.read(8) == HDF5_SIGNATURE:
                return "h5"
    if head[:1] in (b"{", b"["):
        raise CorruptFileError(f"Cannot load {path!r}: it is a text (JSON) file, not an HDF5 or "
                               ".keras file. For a model_to_json() file use "
                               "keras.models.model_from_json(open(path).read()).")
    raise CorruptFileError(f"Cannot load {path!r}: it is neither an HDF5 file (.h5) nor a Keras 3 "
                           f".keras zip file (its first bytes are {head!r}). The file may be "
                           "corrupt or of another format.")


@contextlib.contextmanager
def atomic_write(path: str) -> Iterator[str]:
    """Yield a temporary path to write; on success it replaces `path`, on any error it is removed."""
    path = os.path.abspath(path)
    if os.path.isdir(path):
        raise IsADirectoryError(f"Cannot save to {path!r}: it is a directory. Give a file name "
                                "such as 'model.h5'.")
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=directory)
    os.close(fd)
    try:
        yield tmp
        if os.path.exists(path):
            try:
                os.chmod(tmp, os.stat(path).st_mode & 0o777)
            except OSError:
                pass
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:  # includes KeyboardInterrupt: never leave a half-written target
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


def should_write(path: str, overwrite: bool) -> bool:
    """False when `path` exists, ``overwrite=False`` and the user declines at the prompt."""
    if overwrite or not os.path.isfile(path):
        return True
    return ask_to_proceed_with_overwrite(path)


def ask_to_proceed_with_overwrite(filepath: str) -> bool:
    """Keras's prompt: ``[WARNING] <file> already exists - overwrite? [y/n]``."""
    overwrite = input(f"[WARNING] {filepath} already exists - overwrite? [y/n]").strip().lower()
    while overwrite not in ("y", "n"):
        overwrite = input('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
    if overwrite == "n":
        return False
    print("[TIP] Next time specify overwrite=True!")
    return True
