"""Fashion-MNIST: 60,000 training and 10,000 test images of clothes, 28x28 uint8, 10 classes.

Read from the four IDX files (gzip) Keras caches in `<cache>/datasets/fashion-mnist/`.
"""
import gzip
import os
from typing import Optional

import numpy as np

from torchkeras_compat.datasets._common import ORIGIN_FOLDER, prepare_cache_dir
from torchkeras_compat.utils.data_utils import get_file

FILES = ["train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
         "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"]


def _read_labels(path: str) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=8)  # IDX1 header: magic, count


def _read_images(path: str, count: int) -> np.ndarray:
    with gzip.open(path, "rb") as f:  # IDX3 header: magic, count, rows, cols
        return np.frombuffer(f.read(), np.uint8, offset=16).reshape(count, 28, 28)


def load_data(cache_dir: Optional[str] = None):
    """`(x_train, y_train), (x_test, y_test)`: images `(n, 28, 28)` uint8, labels `(n,)` uint8."""
    cache_dir = prepare_cache_dir(cache_dir)
    subdir = os.path.join("datasets", "fashion-mnist")
    paths = [get_file(fname, origin=ORIGIN_FOLDER + fname, cache_dir=cache_dir,
                      cache_subdir=subdir) for fname in FILES]
    y_train = _read_labels(paths[0])
    x_train = _read_images(paths[1], len(y_train))
    y_test = _read_labels(paths[2])
    x_test = _read_images(paths[3], len(y_test))
    return (x_train, y_train), (x_test, y_test)
