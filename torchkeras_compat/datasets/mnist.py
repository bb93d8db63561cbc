"""MNIST handwritten digits: 60,000 training and 10,000 test images, 28x28 uint8."""
from typing import Optional

import numpy as np

from torchkeras_compat.datasets._common import ORIGIN_FOLDER, prepare_cache_dir
from torchkeras_compat.utils.data_utils import get_file

FILE_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path: str = "mnist.npz", cache_dir: Optional[str] = None):
    """`(x_train, y_train), (x_test, y_test)`: images `(n, 28, 28)` uint8, labels `(n,)` uint8.

    Args:
        path: file name inside the cache (`<cache>/datasets/mnist.npz`).
        cache_dir: cache folder; default `$KERAS_HOME` or `~/.keras`.
    """
    path = get_file(path, origin=ORIGIN_FOLDER + "mnist.npz", file_hash=FILE_HASH,
                    cache_dir=prepare_cache_dir(cache_dir))
    with np.load(path, allow_pickle=True) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
