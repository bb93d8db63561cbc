"""The CIFAR "python version" batch files (pickles of a dict with b'data' and labels)."""
import pickle
from typing import Tuple

import numpy as np


def load_batch(fpath: str, label_key: str = "labels") -> Tuple[np.ndarray, list]:
    """`(data (n, 3, 32, 32) uint8, labels)` from one CIFAR batch file."""
    with open(fpath, "rb") as f:
        d = pickle.load(f, encoding="bytes")
    d = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in d.items()}
    if label_key not in d:
        raise ValueError(f"{fpath} has no {label_key!r} entry (it has {sorted(d)}); is it a "
                         "CIFAR python batch file?")
    data = d["data"]
    return data.reshape(data.shape[0], 3, 32, 32), d[label_key]


def to_data_format(x: np.ndarray) -> np.ndarray:
    """NCHW batch -> the global image data format (a transposed view for channels_last)."""
    from torchkeras_compat.backend import config

    return x.transpose(0, 2, 3, 1) if config.image_data_format() == "channels_last" else x
