"""Global backend settings: float type, fuzz factor, image data format and device.

Read from ``~/.keras/keras.json`` once at import (as Keras 2 did) and changed with the
``set_*`` functions. ``TORCHKERAS_DEVICE`` (e.g. ``cpu`` or ``cuda:0``) picks the device.
"""
import json
import os

import torch

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"
_DEVICE = None  # resolved lazily so that importing never initialises CUDA


def _read_keras_json() -> None:
    global _FLOATX, _EPSILON, _IMAGE_DATA_FORMAT
    base = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    path = os.path.join(base, "keras.json")
    if not os.path.exists(path):
        return
    try:
        with open(path) as f:
            cfg = json.load(f)
    except (OSError, ValueError):
        return
    _FLOATX = cfg.get("floatx", _FLOATX)
    _EPSILON = float(cfg.get("epsilon", _EPSILON))
    fmt = cfg.get("image_data_format", _IMAGE_DATA_FORMAT)
    if fmt in ("channels_last", "channels_first"):
        _IMAGE_DATA_FORMAT = fmt


_read_keras_json()


def floatx() -> str:
    return _FLOATX


def set_floatx(value: str) -> None:
    global _FLOATX
    if value not in ("float16", "bfloat16", "float32", "float64"):
        raise ValueError(f"Unknown floatx type: {value!r}. Use 'float16', 'float32' or 'float64'.")
    _FLOATX = str(value)


def epsilon() -> float:
    return _EPSILON


def set_epsilon(value: float) -> None:
    global _EPSILON
    _EPSILON = float(value)


def image_data_format() -> str:
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format: str) -> None:
    global _IMAGE_DATA_FORMAT
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"Unknown data_format: {data_format!r}. "
                         "Use 'channels_last' or 'channels_first'.")
    _IMAGE_DATA_FORMAT = str(data_format)


# Keras 1 names, still in Keras 2's backend
def image_dim_ordering() -> str:
    return "tf" if _IMAGE_DATA_FORMAT == "channels_last" else "th"


def set_image_dim_ordering(dim_ordering: str) -> None:
    set_image_data_format({"tf": "channels_last", "th": "channels_first"}[dim_ordering])


def normalize_data_format(value):
    """Keras's rule: None means the global setting; 'tf'/'th' are the Keras 1 spellings."""
    if value is None:
        return _IMAGE_DATA_FORMAT
    value = {"tf": "channels_last", "th": "channels_first"}.get(value, value)
    if value not in ("channels_last", "channels_first"):
        raise ValueError(f"The `data_format` argument must be one of 'channels_first', "
                         f"'channels_last'. Received: {value!r}")
    return value


def get_device() -> torch.device:
    """The device models run on: $TORCHKERAS_DEVICE, else CUDA when available, else CPU."""
    global _DEVICE
    if _DEVICE is None:
        name = os.environ.get("TORCHKERAS_DEVICE")
        if name:
            _DEVICE = torch.device(name)
        elif torch.cuda.is_available():
            # under torchrun each process drives the GPU of its local rank
            _DEVICE = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}")
        else:
            _DEVICE = torch.device("cpu")
    return _DEVICE


def set_device(device) -> None:
    """Choose the device for models built from now on (``'cpu'``, ``'cuda'``, ``'cuda:1'``)."""
    global _DEVICE
    _DEVICE = torch.device(device)


def torch_dtype(dtype=None) -> torch.dtype:
    """Map a Keras dtype name (or None for floatx) to a torch dtype."""
    if dtype is None:
        dtype = _FLOATX
    if isinstance(dtype, torch.dtype):
        return dtype
    name = getattr(dtype, "name", None) or str(dtype)
    try:
        return _DTYPES[name]
    except KeyError:
        raise ValueError(f"Unknown dtype {dtype!r}; expected one of {sorted(_DTYPES)}") from None


_DTYPES = {
    "float16": torch.float16, "half": torch.float16, "bfloat16": torch.bfloat16,
    "float32": torch.float32, "float": torch.float32, "float64": torch.float64,
    "double": torch.float64, "int8": torch.int8, "uint8": torch.uint8, "int16": torch.int16,
    "int32": torch.int32, "int64": torch.int64, "int": torch.int64, "bool": torch.bool,
    "complex64": torch.complex64,
}


def dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).replace("torch.", "")
