"""Reuters newswires: 11,228 newswires as word-index lists, labelled with 46 topics."""
import json
from typing import Optional, Tuple

import numpy as np

from torchkeras_compat import legacy
from torchkeras_compat.datasets._common import (ORIGIN_FOLDER, limit_vocabulary, object_array,
                                                prepare_cache_dir, remove_long_seq,
                                                shift_indices)
from torchkeras_compat.utils.data_utils import get_file

FILE_HASH = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
WORD_INDEX_HASH = "4d44cc38712099c9e383dc6e5f11a921"
LABEL_NAMES = ("cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing",
               "money-supply", "coffee", "sugar", "trade", "reserves", "ship", "cotton",
               "carcass", "crude", "nat-gas", "cpi", "money-fx", "interest", "gnp", "meal-feed",
               "alum", "oilseed", "gold", "tin", "strategic-metal", "livestock", "retail", "ipi",
               "iron-steel", "rubber", "heat", "jobs", "lei", "bop", "zinc", "orange", "pet-chem",
               "dlr", "gas", "silver", "wpi", "hog", "lead")


def load_data(path: str = "reuters.npz", num_words: Optional[int] = None, skip_top: int = 0,
              maxlen: Optional[int] = None, test_split: float = 0.2, seed: int = 113,
              start_char: Optional[int] = 1, oov_char: Optional[int] = 2, index_from: int = 3,
              cache_dir: Optional[str] = None, **kwargs):
    """`(x_train, y_train), (x_test, y_test)`; the arguments are those of
    `imdb.load_data`, plus `test_split`, the fraction of newswires kept for testing."""
    legacy.translate("load_data", kwargs)
    num_words = kwargs.pop("num_words", num_words)
    if kwargs:
        raise TypeError(f"Unrecognized keyword arguments: {str(kwargs)}")
    path = get_file(path, origin=ORIGIN_FOLDER + "reuters.npz", file_hash=FILE_HASH,
                    cache_dir=prepare_cache_dir(cache_dir))
    with np.load(path, allow_pickle=True) as f:
        xs, labels = f["x"], f["y"]
    rng = np.random.RandomState(seed)
    order = np.arange(len(xs))
    rng.shuffle(order)
    xs, labels = xs[order], labels[order]
    xs = shift_indices(xs, start_char, index_from)
    if maxlen:
        xs, labels = remove_long_seq(maxlen, xs, labels)
    xs = limit_vocabulary(xs, num_words, skip_top, oov_char)
    idx = int(len(xs) * (1 - test_split))
    return ((object_array(xs[:idx]), np.array(labels[:idx])),
            (object_array(xs[idx:]), np.array(labels[idx:])))


def get_word_index(path: str = "reuters_word_index.json") -> dict:
    """The word -> index dict of the Reuters dataset (before `index_from` is added)."""
    path = get_file(path, origin=ORIGIN_FOLDER + "reuters_word_index.json",
                    file_hash=WORD_INDEX_HASH)
    with open(path) as f:
        return json.load(f)


def get_label_names() -> Tuple[str, ...]:
    """The 46 topic names, indexed by label."""
    return LABEL_NAMES
