"""``keras.applications.imagenet_utils``: input checks, preprocessing, decoding and weight files.

Shared by every application: ``obtain_input_shape`` (Keras's rules for ``input_shape`` with and
without the classifier top), ``preprocess_input`` in the three ImageNet modes, and
``decode_predictions`` (the class-index file comes through ``utils.get_file``).
"""
import json
import os
import warnings
from typing import List, Optional, Sequence, Tuple

import numpy as np
import torch

from ..backend import config
from ..utils.data_utils import get_file

CLASS_INDEX_PATH = ("https://storage.googleapis.com/download.tensorflow.org/"
                    "data/imagenet_class_index.json")
WEIGHTS_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/"
CLASS_INDEX = None

_CAFFE_MEAN = (103.939, 116.779, 123.68)  # BGR
_TORCH_MEAN = (0.485, 0.456, 0.406)
_TORCH_STD = (0.229, 0.224, 0.225)


# --- preprocessing ----------------------------------------------------------------------------

def preprocess_input(x, data_format: Optional[str] = None, mode: str = "caffe"):
    """Scale images of 0-255 RGB values the way an ImageNet model was trained.

    Args:
        x: numpy array or torch tensor, 3-D (one image) or 4-D (a batch).
        data_format: ``'channels_last'`` (default from the backend) or ``'channels_first'``.
        mode: ``'caffe'`` (RGB->BGR, minus the ImageNet mean), ``'tf'`` (to [-1, 1]) or
            ``'torch'`` (to [0, 1], minus mean, over std).

    Returns:
        The preprocessed array (a float numpy array is modified in place, as in Keras).
    """
    if mode not in {"caffe", "tf", "torch"}:
        raise ValueError(f"Expected mode to be one of `caffe`, `tf` or `torch`. Received: mode={mode}")
    data_format = data_format or config.image_data_format()
    if data_format not in {"channels_first", "channels_last"}:
        raise ValueError(f"Unknown data_format {data_format}")
    if isinstance(x, torch.Tensor):
        return _preprocess_tensor(x, data_format, mode)
    if not issubclass(np.asarray(x).dtype.type, np.floating):
        x = np.asarray(x).astype(config.floatx(), copy=False)
    elif not isinstance(x, np.ndarray):
        x = np.asarray(x)
    return _preprocess_array(x, data_format, mode)


def _channel_axis(ndim: int, data_format: str) -> int:
    return (0 if ndim == 3 else 1) if data_format == "channels_first" else -1


def _per_channel(values, ndim: int, axis: int) -> np.ndarray:
    shape = [1] * ndim
    shape[axis] = len(values)
    return np.asarray(values, dtype="float32").reshape(shape)


def _preprocess_array(x: np.ndarray, data_format: str, mode: str) -> np.ndarray:
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    axis = _channel_axis(x.ndim, data_format)
    if mode == "torch":
        x /= 255.0
        mean, std = _TORCH_MEAN, _TORCH_STD
    else:  # caffe: RGB -> BGR, then zero-centre each channel, no scaling
        x = np.ascontiguousarray(np.flip(x, axis=axis))
        mean, std = _CAFFE_MEAN, None
    x -= _per_channel(mean, x.ndim, axis).astype(x.dtype)
    if std is not None:
        x /= _per_channel(std, x.ndim, axis).astype(x.dtype)
    return x


def _preprocess_tensor(x: torch.Tensor, data_format: str, mode: str) -> torch.Tensor:
    x = x.to(config.torch_dtype(config.floatx())) if not x.is_floating_point() else x
    if mode == "tf":
        return x / 127.5 - 1.0
    axis = _channel_axis(x.ndim, data_format)
    if mode == "torch":
        x = x / 255.0
        mean = torch.as_tensor(_per_channel(_TORCH_MEAN, x.ndim, axis), device=x.device, dtype=x.dtype)
        std = torch.as_tensor(_per_channel(_TORCH_STD, x.ndim, axis), device=x.device, dtype=x.dtype)
        return (x - mean) / std
    x = torch.flip(x, dims=(axis % x.ndim,))
    return x - torch.as_tensor(_per_channel(_CAFFE_MEAN, x.ndim, axis), device=x.device, dtype=x.dtype)


# --- decoding ---------------------------------------------------------------------------------

def decode_predictions(preds, top: int = 5) -> List[List[Tuple[str, str, float]]]:
    """The ``top`` ImageNet classes per sample as ``(class_id, class_name, score)``, best first.

    Args:
        preds: array of shape (samples, 1000).
    """
    global CLASS_INDEX
    preds = preds.detach().cpu().numpy() if isinstance(preds, torch.Tensor) else np.asarray(preds)
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError("`decode_predictions` expects a batch of predictions (i.e. a 2D array of "
                         f"shape (samples, 1000)). Found array with shape: {preds.shape}")
    if CLASS_INDEX is None:
        fpath = get_file("imagenet_class_index.json", CLASS_INDEX_PATH, cache_subdir="models",
                         file_hash="c2c37ea517e94d9795004a39431a14cb")
        with open(fpath) as f:
            CLASS_INDEX = json.load(f)
    results = []
    for pred in preds:
        top_indices = pred.argsort()[-top:][::-1]
        results.append([tuple(CLASS_INDEX[str(i)]) + (pred[i],) for i in top_indices])
    return results


# --- input shapes -----------------------------------------------------------------------------

def obtain_input_shape(input_shape: Optional[Sequence], default_size: int, min_size: int,
                       data_format: str, require_flatten: bool, weights: Optional[str] = None) -> tuple:
    """Keras's rules for an application's input shape.

    ``require_flatten`` (the classifier top is included) needs a static shape; ImageNet weights
    need 3 channels, and with the top the default size; no side may be below ``min_size``.
    """
    first = data_format == "channels_first"
    channels = None
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if first else input_shape[-1]
        if channels not in {1, 3}:
            warnings.warn(f"This model usually expects 1 or 3 input channels. However, it was "
                          f"passed an input_shape with {channels} input channels.", stacklevel=3)
    channels = channels or 3
    default_shape = ((channels, default_size, default_size) if first
                     else (default_size, default_size, channels))
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and tuple(input_shape) != default_shape:
            raise ValueError("When setting `include_top=True` and loading `imagenet` weights, "
                             f"`input_shape` should be {default_shape}.  Received: "
                             f"input_shape={tuple(input_shape)}")
        return default_shape
    if input_shape:
        input_shape = tuple(input_shape)
        if len(input_shape) != 3:
            raise ValueError(f"`input_shape` must be a tuple of three integers. Received: "
                             f"input_shape={input_shape}")
        spatial = input_shape[1:] if first else input_shape[:2]
        chan = input_shape[0] if first else input_shape[-1]
        if weights == "imagenet" and chan != 3:
            raise ValueError(f"The input must have 3 channels; Received `input_shape={input_shape}`")
        if any(side is not None and side < min_size for side in spatial):
            raise ValueError(f"Input size must be at least {min_size}x{min_size}; Received: "
                             f"input_shape={input_shape}")
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (3, None, None) if first else (None, None, 3)
    if require_flatten and None in input_shape:
        raise ValueError("If `include_top` is True, you should specify a static `input_shape`. "
                         f"Received: input_shape={input_shape}")
    return input_shape


def correct_pad(inputs, kernel_size) -> tuple:
    """Zero padding for a stride-2 'valid' convolution that matches TensorFlow's 'same'."""
    img_dim = 2 if config.image_data_format() == "channels_first" else 1
    input_size = tuple(inputs.shape)[img_dim:img_dim + 2]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if input_size[0] is None else (1 - input_size[0] % 2, 1 - input_size[1] % 2)
    correct = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((correct[0] - adjust[0], correct[0]), (correct[1] - adjust[1], correct[1]))


# --- arguments shared by every application ----------------------------------------------------

def validate_weights(weights, include_top: bool, classes: int) -> None:
    """``weights`` must be None, 'imagenet' or an existing file; ImageNet tops have 1000 classes."""
    if not (weights in {"imagenet", None} or os.path.exists(str(weights))):
        raise ValueError("The `weights` argument should be either `None` (random initialization), "
                         "`imagenet` (pre-training on ImageNet), or the path to the weights file "
                         f"to be loaded.  Received: weights={weights}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError('If using `weights` as `"imagenet"` with `include_top` as true, '
                         f"`classes` should be 1000.  Received: classes={classes}")


def validate_activation(classifier_activation, weights) -> None:
    """ImageNet weights were trained with softmax: only None or 'softmax' may be asked for then."""
    if weights is None:
        return
    from .. import activations
    allowed = {activations.get("softmax"), activations.get(None)}
    if activations.get(classifier_activation) not in allowed:
        raise ValueError("Only `None` and `softmax` activations are allowed for the "
                         "`classifier_activation` argument when using pretrained weights, with "
                         f"`include_top=True`; Received: {classifier_activation}")


def input_layer(input_tensor, input_shape: tuple):
    """The model's image input: a new ``Input`` or the given ``input_tensor``."""
    from ..engine.input_layer import Input
    from ..engine.keras_tensor import KerasTensor
    if input_tensor is None:
        return Input(shape=input_shape)
    if not isinstance(input_tensor, KerasTensor):
        return Input(tensor=input_tensor, shape=input_shape)
    return input_tensor


def source_inputs(input_tensor, img_input):
    """The model inputs: the Input layers that ``input_tensor`` was computed from, if given."""
    if input_tensor is None:
        return img_input
    from ..engine.input_layer import InputLayer
    found, stack = [], [input_tensor]
    while stack:  # walk the graph back from input_tensor to the Input layers it depends on
        tensor = stack.pop()
        layer, node_index, _ = tensor._history
        if isinstance(layer, InputLayer):
            if not any(t is tensor for t in found):
                found.append(tensor)
            continue
        stack.extend(reversed(layer._inbound_nodes[node_index].input_tensors))
    return found[0] if len(found) == 1 else found


def load_weights(model, weights, url: str, fname: str, file_hash: Optional[str] = None) -> None:
    """Load ``weights`` into ``model``: a Keras weights file path, or ImageNet's via get_file."""
    if weights == "imagenet":
        weights = get_file(fname, url, cache_subdir="models", file_hash=file_hash)
    if weights is not None:
        model.load_weights(weights)


def pooled(x, pooling: Optional[str], avg_name: Optional[str] = None, max_name: Optional[str] = None):
    """The ``pooling`` option of a model without its top: None, 'avg' or 'max'."""
    from ..layers.pooling import GlobalAveragePooling2D, GlobalMaxPooling2D
    if pooling == "avg":
        return GlobalAveragePooling2D(name=avg_name)(x)
    if pooling == "max":
        return GlobalMaxPooling2D(name=max_name)(x)
    if pooling is not None:
        raise ValueError(f"`pooling` must be None, 'avg' or 'max'. Received: pooling={pooling!r}")
    return x
