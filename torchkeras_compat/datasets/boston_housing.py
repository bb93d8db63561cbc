"""Boston housing prices: 506 samples of 13 features, target = median value in k$."""
from typing import Optional

import numpy as np

from torchkeras_compat.datasets._common import ORIGIN_FOLDER, prepare_cache_dir
from torchkeras_compat.utils.data_utils import get_file

FILE_HASH = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path: str = "boston_housing.npz", test_split: float = 0.2, seed: int = 113,
              cache_dir: Optional[str] = None):
    """`(x_train, y_train), (x_test, y_test)` after a seeded shuffle; `test_split` of the
    samples (rounded down for training) go to the test set."""
    if not 0 <= test_split < 1:
        raise ValueError(f"`test_split` must be in [0, 1); got {test_split}.")
    path = get_file(path, origin=ORIGIN_FOLDER + "boston_housing.npz", file_hash=FILE_HASH,
                    cache_dir=prepare_cache_dir(cache_dir))
    with np.load(path, allow_pickle=True) as f:
        x, y = f["x"], f["y"]
    rng = np.random.RandomState(seed)
    order = np.arange(len(x))
    rng.shuffle(order)
    x, y = x[order], y[order]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))
