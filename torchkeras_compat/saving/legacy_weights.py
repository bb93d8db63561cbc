"""Convert weight arrays saved by older Keras versions (or cuDNN layers) to Keras 2's layout.

Files tell their origin through the ``keras_version`` attribute (absent in Keras 1 files) and
``backend``. Keras 1 stored an LSTM as 12 arrays (W, U, b per gate, gates ordered i, c, f, o),
a GRU as 9 (z, r, h), and conv kernels of Theano-ordered layers as ``(filters, in, rows, cols)``;
kernels trained with the Theano backend are flipped (Theano convolves, TensorFlow correlates).
CuDNNLSTM/CuDNNGRU weights differ from LSTM/GRU in kernel layout and bias form.
"""
from typing import List, Optional

import numpy as np

_CONV_CLASSES = ("Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose", "ConvLSTM2D",
                 "Convolution1D", "Convolution2D", "Convolution3D")


def preprocess(layer, weights: List[np.ndarray], keras_version: Optional[str],
               backend: Optional[str]) -> List[np.ndarray]:
    """`weights` as saved for `layer`, converted to the arrays `layer.set_weights` expects."""
    weights = list(weights)
    name = type(layer).__name__
    hook = getattr(layer, "convert_saved_weights", None)
    if callable(hook):  # a layer that knows its own old layouts
        return list(hook(weights, keras_version, backend))
    if name == "Bidirectional":
        half = len(weights) // 2
        return (preprocess(layer.forward_layer, weights[:half], keras_version, backend)
                + preprocess(layer.backward_layer, weights[half:], keras_version, backend))
    if name == "TimeDistributed":
        return preprocess(layer.layer, weights, keras_version, backend)
    if hasattr(layer, "layers") and hasattr(layer, "_plan"):
        return _nested_model(layer, weights, keras_version, backend)
    if keras_version == "1":
        weights = _from_keras1(layer, name, weights)
    if name in _CONV_CLASSES and weights:
        expected = tuple(layer.weights[0].shape)
        if tuple(weights[0].shape) != expected and weights[0].ndim == 4:
            weights[0] = np.transpose(weights[0], (3, 2, 0, 1))  # Theano-ordered kernel
            if name == "ConvLSTM2D":
                weights[1] = np.transpose(weights[1], (3, 2, 0, 1))
        if backend == "theano" and name in _CONV_CLASSES:
            weights[0] = _flip_kernel(weights[0])
            if name == "ConvLSTM2D":
                weights[1] = _flip_kernel(weights[1])
    return _cudnn_rnn(layer, name, weights)


def _nested_model(model, weights, keras_version, backend):
    n_train = len(model.trainable_weights)
    trainable, non_trainable = weights[:n_train], weights[n_train:]
    new_t, new_nt = [], []
    for sub in model.layers:
        nt, nn_ = len(sub.trainable_weights), len(sub.non_trainable_weights)
        if not (nt or nn_):
            continue
        converted = preprocess(sub, trainable[:nt] + non_trainable[:nn_], keras_version, backend)
        new_t += converted[:nt]
        new_nt += converted[nt:]
        trainable, non_trainable = trainable[nt:], non_trainable[nn_:]
    return new_t + trainable + new_nt + non_trainable


def _flip_kernel(kernel: np.ndarray) -> np.ndarray:
    spatial = kernel.ndim - 2
    index = tuple([slice(None, None, -1)] * spatial + [slice(None), slice(None)])
    return np.copy(kernel[index])


def _gates(weights, order, axis=-1):
    return np.concatenate([weights[i] for i in order], axis=axis)


def _from_keras1(layer, name, weights):
    data_format = getattr(layer, "data_format", None)
    if name in ("Conv1D", "Convolution1D") and weights:
        k = weights[0]
        ks = tuple(getattr(layer, "kernel_size", (k.shape[0],)))
        if k.ndim == 4:
            if k.shape[:2] != (ks[0], 1) or k.shape[3] != getattr(layer, "filters", k.shape[3]):
                k = np.transpose(k, (2, 3, 1, 0))  # Keras 1.1: (filters, in, length, 1)
            weights[0] = k[:, 0, :, :]
    elif name in ("Conv2D", "Convolution2D") and data_format == "channels_first":
        weights[0] = np.transpose(weights[0], (2, 3, 1, 0))
    elif name == "Conv2DTranspose":
        weights[0] = np.transpose(weights[0], (0, 1, 3, 2) if data_format == "channels_last" else (2, 3, 0, 1))
    elif name in ("Conv3D", "Convolution3D") and data_format == "channels_first":
        weights[0] = np.transpose(weights[0], (2, 3, 4, 1, 0))
    elif name == "GRU" and len(weights) == 9:
        weights = [_gates(weights, (0, 3, 6)), _gates(weights, (1, 4, 7)), _gates(weights, (2, 5, 8))]
    elif name in ("LSTM", "ConvLSTM2D") and len(weights) == 12:
        # Keras 1 order i, c, f, o -> Keras 2 order i, f, c, o
        kernel = _gates(weights, (0, 6, 3, 9))
        recurrent = _gates(weights, (1, 7, 4, 10))
        bias = _gates(weights, (2, 8, 5, 11))
        if name == "ConvLSTM2D" and data_format == "channels_first":
            kernel, recurrent = np.transpose(kernel, (2, 3, 1, 0)), np.transpose(recurrent, (2, 3, 1, 0))
        weights = [kernel, recurrent, bias]
    elif name == "SimpleRNN" and len(weights) == 3:
        pass  # same three arrays (W, U, b)
    return weights


def _split_gates(kernel, n, fn):
    return np.hstack([fn(k) for k in np.hsplit(kernel, n)])


def _cudnn_layout(from_cudnn: bool):
    order = "F" if from_cudnn else "C"
    return lambda k: k.T.reshape(k.shape, order=order)


def _cudnn_rnn(layer, name, weights):
    """CuDNNLSTM <-> LSTM and CuDNNGRU <-> GRU(reset_after=True), told apart by the bias shape."""
    if name == "LSTM" and len(weights) == 3:
        units = weights[1].shape[0]
        if weights[2].shape == (8 * units,):  # CuDNNLSTM: input and recurrent biases
            weights = [_split_gates(weights[0], 4, _cudnn_layout(True)),
                       _split_gates(weights[1], 4, lambda k: k.T),
                       np.sum(np.split(weights[2], 2, axis=0), axis=0)]
        elif weights[2].shape != (4 * units,):
            raise ValueError(f"Layer {layer.name}: invalid LSTM bias shape {weights[2].shape} "
                             f"for {units} units.")
    if name == "GRU" and len(weights) == 3:
        units = weights[1].shape[0]
        bias = weights[2].shape
        reset_after = bool(getattr(layer, "reset_after", True))
        if bias == (6 * units,):
            source = "cudnn"
        elif bias == (2, 3 * units):
            source = "after"
        elif bias == (3 * units,):
            source = "before"
        else:
            raise ValueError(f"Layer {layer.name}: invalid GRU bias shape {bias} for {units} units.")
        target = "after" if reset_after else "before"
        if source == "cudnn":
            if not reset_after:
                raise ValueError(f"Layer {layer.name}: CuDNNGRU weights need GRU(reset_after=True).")
            weights = [_split_gates(weights[0], 3, _cudnn_layout(True)),
                       _split_gates(weights[1], 3, lambda k: k.T),
                       np.asarray(weights[2]).reshape((2, -1))]
        elif source != target:
            raise ValueError(f"Layer {layer.name}: GRU weights saved with reset_after="
                             f"{source == 'after'} cannot be loaded into a GRU with "
                             f"reset_after={reset_after}.")
    return weights
