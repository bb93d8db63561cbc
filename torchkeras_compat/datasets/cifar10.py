"""CIFAR-10: 50,000 training and 10,000 test colour images, 32x32, 10 classes."""
import os
from typing import Optional

import numpy as np

from torchkeras_compat.datasets._common import prepare_cache_dir
from torchkeras_compat.datasets.cifar import load_batch, to_data_format
from torchkeras_compat.utils.data_utils import get_file

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
FILE_HASH = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"


def load_data(cache_dir: Optional[str] = None):
    """`(x_train, y_train), (x_test, y_test)`: images `(n, 32, 32, 3)` uint8 (channels_last;
    `(n, 3, 32, 32)` with channels_first), labels `(n, 1)` uint8."""
    path = get_file("cifar-10-batches-py", origin=ORIGIN, untar=True, file_hash=FILE_HASH,
                    cache_dir=prepare_cache_dir(cache_dir))
    parts = [load_batch(os.path.join(path, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([p[0] for p in parts]).astype("uint8", copy=False)
    y_train = np.concatenate([np.asarray(p[1]) for p in parts]).astype("uint8")
    x_test, y_test = load_batch(os.path.join(path, "test_batch"))
    y_train = y_train.reshape(len(y_train), 1)
    y_test = np.reshape(y_test, (len(y_test), 1)).astype(y_train.dtype)
    x_train, x_test = to_data_format(x_train), to_data_format(x_test)
    return (x_train, y_train), (x_test.astype(x_train.dtype), y_test)
