"""Preprocessing layers that live inside a model: ``Normalization`` (with ``adapt``),
``Resizing``, ``CenterCrop`` and ``RandomFlip`` (images ``(batch, height, width, channels)`` or
one image ``(height, width, channels)``)."""
from typing import Optional

import numpy as np
import torch
import torch.nn.functional as F

from .. import initializers
from ..backend import config as backend_config
from ..engine import registry
from ..engine.base_layer import Layer


def _as_axes(axis):
    if axis is None:
        return ()
    return tuple(int(a) for a in (axis if isinstance(axis, (list, tuple)) else (axis,)))


@registry.register("layer")
class Normalization(Layer):
    """Feature-wise ``(x - mean) / max(sqrt(variance), epsilon)`` (``invert=True``: the inverse).

    ``mean``/``variance`` given: constants. Otherwise ``adapt(data)`` computes them over every
    axis except ``axis`` (default -1: one mean per feature), as non-trainable weights
    ``[mean, variance, count]`` like Keras.
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.axis = _as_axes(axis)
        if (mean is None) != (variance is None):
            raise ValueError(f"Layer {self.name}: set both `mean` and `variance` or neither; "
                             f"received mean={mean!r}, variance={variance!r}.")
        self.input_mean, self.input_variance = mean, variance
        self.invert = bool(invert)

    def build(self, input_shape):
        ndim = len(input_shape)
        axes = tuple(a % ndim for a in self.axis)
        for a in axes:
            if input_shape[a] is None:
                raise ValueError(f"Layer {self.name}: all `axis` values must have a defined size; "
                                 f"input shape {tuple(input_shape)}, axis {self.axis}.")
        self._reduce_axes = tuple(a for a in range(ndim) if a not in axes)
        # the statistics broadcast against inputs: kept axes keep their size, others become 1
        self._stat_shape = tuple(input_shape[a] if a in axes else 1 for a in range(ndim))
        kept = tuple(int(input_shape[a]) for a in axes)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight("mean", kept, initializer=initializers.get("zeros"),
                                              trainable=False)
            self.adapt_variance = self.add_weight("variance", kept, initializer=initializers.get("ones"),
                                                  trainable=False)
            self.count = self.add_weight("count", (), initializer=initializers.get("zeros"),
                                         trainable=False, dtype="int64")
        self.built = True

    def adapt(self, data, batch_size: Optional[int] = None, steps: Optional[int] = None) -> None:
        """Set mean/variance from ``data`` (an array, or an iterable of array batches)."""
        if self.input_mean is not None:
            raise ValueError(f"Layer {self.name}: `adapt` cannot change a mean and variance that "
                             "were given to the constructor.")
        batches = [data] if hasattr(data, "shape") else list(data)[:steps]
        arrays = [np.asarray(b[0] if isinstance(b, (tuple, list)) else b, dtype=np.float64) for b in batches]
        x = np.concatenate(arrays, axis=0)
        if not self.built:
            self._maybe_build((None,) + x.shape[1:])
        mean = x.mean(axis=self._reduce_axes)
        var = x.var(axis=self._reduce_axes)
        weights = self.weights
        names = [w.name.split("/")[-1].split(":")[0] for w in weights]
        values = {"mean": mean, "variance": var, "count": np.asarray(x.size // max(mean.size, 1))}
        for w, n in zip(weights, names):
            w.assign(np.asarray(values[n]).reshape(w.shape).astype(w.numpy().dtype))

    def _stats(self, like: torch.Tensor):
        if self.input_mean is not None:
            mean = torch.as_tensor(np.asarray(self.input_mean, dtype="float32"), device=like.device)
            var = torch.as_tensor(np.asarray(self.input_variance, dtype="float32"), device=like.device)
            if mean.dim() > 0:
                mean, var = mean.reshape(self._stat_shape), var.reshape(self._stat_shape)
            return mean, var
        return self.adapt_mean.reshape(self._stat_shape), self.adapt_variance.reshape(self._stat_shape)

    def call(self, inputs):
        x = inputs.to(torch.float32) if not inputs.is_floating_point() else inputs
        mean, var = self._stats(x)
        std = torch.clamp(torch.sqrt(var.to(x.dtype)), min=backend_config.epsilon())
        if self.invert:
            return mean.to(x.dtype) + x * std
        return (x - mean.to(x.dtype)) / std

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"axis": self.axis, "invert": self.invert,
                       "mean": _plain(self.input_mean), "variance": _plain(self.input_variance)})
        return config


def _plain(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


class _ImageLayer(Layer):
    """Base of the image layers: NHWC (or one HWC image) in, NHWC view for torch's NCHW ops."""

    @staticmethod
    def _nchw(x):
        single = x.dim() == 3
        x = x.unsqueeze(0) if single else x
        return x.permute(0, 3, 1, 2), single

    @staticmethod
    def _back(x, single):
        x = x.permute(0, 2, 3, 1)
        return x[0] if single else x

    def _hw_shape(self, input_shape, h, w):
        shape = list(input_shape)
        shape[-3], shape[-2] = h, w
        return tuple(shape)


_INTERPOLATIONS = {"bilinear": "bilinear", "nearest": "nearest-exact", "bicubic": "bicubic",
                   "area": "area"}


@registry.register("layer")
class Resizing(_ImageLayer):
    """Resizes images to ``(height, width)``; TF's half-pixel-centre sampling, no antialiasing.

    ``crop_to_aspect_ratio=True`` first crops the largest centred window with the target aspect
    ratio, so that the image is not distorted.
    """

    def __init__(self, height: int, width: int, interpolation: str = "bilinear",
                 crop_to_aspect_ratio: bool = False, **kwargs):
        super().__init__(**kwargs)
        if interpolation not in _INTERPOLATIONS:
            raise NotImplementedError(f"Layer {self.name}: interpolation={interpolation!r} is not "
                                      f"supported here; use one of {sorted(_INTERPOLATIONS)}.")
        self.height, self.width = int(height), int(width)
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)

    def call(self, inputs):
        x, single = self._nchw(inputs.to(torch.float32) if not inputs.is_floating_point() else inputs)
        if self.crop_to_aspect_ratio:
            h, w = x.shape[-2:]
            ch = min(h, int(w * self.height / self.width))
            cw = min(w, int(h * self.width / self.height))
            top, left = (h - ch) // 2, (w - cw) // 2
            x = x[:, :, top:top + ch, left:left + cw]
        mode = _INTERPOLATIONS[self.interpolation]
        kwargs = {"align_corners": False} if mode in ("bilinear", "bicubic") else {}
        y = F.interpolate(x, size=(self.height, self.width), mode=mode, **kwargs)
        return self._back(y, single)

    def compute_output_shape(self, input_shape):
        return self._hw_shape(input_shape, self.height, self.width)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width, "interpolation": self.interpolation,
                       "crop_to_aspect_ratio": self.crop_to_aspect_ratio})
        return config


@registry.register("layer")
class CenterCrop(_ImageLayer):
    """Crops the centred ``(height, width)`` window; smaller images are first resized up (as Keras)."""

    def __init__(self, height: int, width: int, **kwargs):
        super().__init__(**kwargs)
        self.height, self.width = int(height), int(width)

    def call(self, inputs):
        x = inputs.to(torch.float32) if not inputs.is_floating_point() else inputs
        h, w = x.shape[-3], x.shape[-2]
        if h < self.height or w < self.width:
            return Resizing(self.height, self.width, crop_to_aspect_ratio=True)(x)
        top, left = (h - self.height) // 2, (w - self.width) // 2
        return x[..., top:top + self.height, left:left + self.width, :]

    def compute_output_shape(self, input_shape):
        return self._hw_shape(input_shape, self.height, self.width)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width})
        return config


_FLIP_MODES = ("horizontal", "vertical", "horizontal_and_vertical")


@registry.register("layer")
class RandomFlip(_ImageLayer):
    """In training, flips each image left-right (``horizontal``) and/or up-down (``vertical``)
    with probability 1/2; at inference it returns its input."""

    def __init__(self, mode: str = "horizontal_and_vertical", seed: Optional[int] = None, **kwargs):
        kwargs.pop("rng_type", None)
        super().__init__(**kwargs)
        if mode not in _FLIP_MODES:
            raise ValueError(f"Layer {self.name}: RandomFlip layer {mode!r} is not a valid mode; "
                             f"expected one of {_FLIP_MODES}.")
        self.mode, self.seed = mode, seed
        self._generator = torch.Generator().manual_seed(seed) if seed is not None else None

    def call(self, inputs, training=None):
        if not training:
            return inputs
        x = inputs
        single = x.dim() == 3
        x = x.unsqueeze(0) if single else x
        for axis, name in ((2, "horizontal"), (1, "vertical")):
            if name in self.mode:
                flip = torch.rand(x.shape[0], generator=self._generator) < 0.5
                flip = flip.to(x.device).reshape((-1,) + (1,) * (x.dim() - 1))
                x = torch.where(flip, x.flip(axis), x)
        return x[0] if single else x

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"rng_type": "stateful", "mode": self.mode, "seed": self.seed})
        return config
