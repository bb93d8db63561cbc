"""IMDB movie reviews: 25,000 training and 25,000 test reviews as word-index lists, with
binary sentiment labels."""
import json
from typing import Optional

import numpy as np

from torchkeras_compat import legacy
from torchkeras_compat.datasets._common import (ORIGIN_FOLDER, limit_vocabulary, object_array,
                                                prepare_cache_dir, remove_long_seq,
                                                shift_indices)
from torchkeras_compat.utils.data_utils import get_file

FILE_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_HASH = "bfafd718b763782e994055a2d397834f"


def load_data(path: str = "imdb.npz", num_words: Optional[int] = None, skip_top: int = 0,
              maxlen: Optional[int] = None, seed: int = 113, start_char: Optional[int] = 1,
              oov_char: Optional[int] = 2, index_from: int = 3,
              cache_dir: Optional[str] = None, **kwargs):
    """`(x_train, y_train), (x_test, y_test)`: reviews as object arrays of index lists.

    Args:
        path: file name in the cache (`<cache>/datasets/imdb.npz`).
        num_words: keep words with index < num_words (others become `oov_char`); Keras 1
            called it `nb_words`.
        skip_top: also treat indices below `skip_top` as out of vocabulary.
        maxlen: drop reviews with `maxlen` words or more (after adding `start_char`).
        seed: shuffling seed (train and test are shuffled with one RandomState).
        start_char: index put at the start of each review (None: none).
        oov_char: index for out-of-vocabulary words (None: remove them).
        index_from: added to every word index.
        cache_dir: cache folder; default `$KERAS_HOME` or `~/.keras`.
    """
    legacy.translate("load_data", kwargs)
    num_words = kwargs.pop("num_words", num_words)
    if kwargs:
        raise TypeError(f"Unrecognized keyword arguments: {str(kwargs)}.")
    path = get_file(path, origin=ORIGIN_FOLDER + "imdb.npz", file_hash=FILE_HASH,
                    cache_dir=prepare_cache_dir(cache_dir))
    with np.load(path, allow_pickle=True) as f:
        x_train, labels_train = f["x_train"], f["y_train"]
        x_test, labels_test = f["x_test"], f["y_test"]
    rng = np.random.RandomState(seed)
    order = np.arange(len(x_train))
    rng.shuffle(order)
    x_train, labels_train = x_train[order], labels_train[order]
    order = np.arange(len(x_test))
    rng.shuffle(order)
    x_test, labels_test = x_test[order], labels_test[order]

    x_train = shift_indices(x_train, start_char, index_from)
    x_test = shift_indices(x_test, start_char, index_from)
    if maxlen:
        x_train, labels_train = remove_long_seq(maxlen, x_train, labels_train)
        x_test, labels_test = remove_long_seq(maxlen, x_test, labels_test)
        if not x_train or not x_test:
            raise ValueError(f"After filtering for sequences shorter than maxlen={maxlen}, no "
                             "sequence was kept. Increase maxlen.")
    xs = limit_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([np.asarray(labels_train), np.asarray(labels_test)])
    idx = len(x_train)
    return (object_array(xs[:idx]), labels[:idx]), (object_array(xs[idx:]), labels[idx:])


def get_word_index(path: str = "imdb_word_index.json") -> dict:
    """The word -> index dict of the IMDB dataset (indices before `index_from` is added)."""
    path = get_file(path, origin=ORIGIN_FOLDER + "imdb_word_index.json",
                    file_hash=WORD_INDEX_HASH)
    with open(path) as f:
        return json.load(f)
