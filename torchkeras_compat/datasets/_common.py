"""Shared pieces of the dataset loaders: the download location and the cache directory."""
import os
from typing import Optional

ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def prepare_cache_dir(cache_dir: Optional[str]) -> Optional[str]:
    """Expand and create a user-given cache directory (None keeps get_file's default)."""
    if cache_dir:
        cache_dir = os.path.expanduser(cache_dir)
        os.makedirs(cache_dir, exist_ok=True)
    return cache_dir


def remove_long_seq(maxlen: int, seqs, labels):
    """Keep the sequences shorter than `maxlen` (strictly, as Keras did) and their labels."""
    kept = [(x, y) for x, y in zip(seqs, labels) if len(x) < maxlen]
    return [x for x, _ in kept], [y for _, y in kept]


def shift_indices(xs, start_char, index_from) -> list:
    """Sequences as lists with `index_from` added and `start_char` prepended (if not None)."""
    if start_char is not None:
        return [[start_char] + [w + index_from for w in x] for x in xs]
    if index_from:
        return [[w + index_from for w in x] for x in xs]
    return [list(x) for x in xs]


def limit_vocabulary(xs, num_words, skip_top: int, oov_char) -> list:
    """Replace (or, with `oov_char=None`, drop) indices outside `[skip_top, num_words)`.

    `num_words` None means the largest index present.
    """
    if not num_words:
        num_words = max((max(x) for x in xs if len(x)), default=0)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    return [[w for w in x if skip_top <= w < num_words] for x in xs]


def object_array(seqs) -> "np.ndarray":
    """A 1-D object array of lists (never a 2-D array, even when all lengths are equal)."""
    import numpy as np

    out = np.empty(len(seqs), dtype=object)
    out[:] = list(seqs)
    return out
