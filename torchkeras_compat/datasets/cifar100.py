"""CIFAR-100: 50,000 training and 10,000 test colour images, 32x32, 100 fine / 20 coarse classes."""
import os
from typing import Optional

import numpy as np

from torchkeras_compat.datasets._common import prepare_cache_dir
from torchkeras_compat.datasets.cifar import load_batch, to_data_format
from torchkeras_compat.utils.data_utils import get_file

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
FILE_HASH = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"


def load_data(label_mode: str = "fine", cache_dir: Optional[str] = None):
    """`(x_train, y_train), (x_test, y_test)`; labels `(n, 1)` from the 'fine' or 'coarse' set."""
    if label_mode not in ("fine", "coarse"):
        raise ValueError('`label_mode` must be one of `"fine"`, `"coarse"`. '
                         f"Received: label_mode={label_mode}.")
    path = get_file("cifar-100-python", origin=ORIGIN, untar=True, file_hash=FILE_HASH,
                    cache_dir=prepare_cache_dir(cache_dir))
    x_train, y_train = load_batch(os.path.join(path, "train"), label_key=label_mode + "_labels")
    x_test, y_test = load_batch(os.path.join(path, "test"), label_key=label_mode + "_labels")
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    return (to_data_format(x_train), y_train), (to_data_format(x_test), y_test)
