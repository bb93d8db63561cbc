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


class _RandomImageLayer(_ImageLayer):
    """Base of the random augmentation layers: Keras's ``rng_type`` argument, a generator seeded
    by ``seed``, and tf.keras's ``training=True`` default for direct calls."""

    def __init__(self, seed: Optional[int] = None, **kwargs):
        kwargs.pop("rng_type", None)
        super().__init__(**kwargs)
        # tf.keras's augmentation layers default to training=True in call(): a direct call (or a
        # model called directly) augments; fit/predict/evaluate set the mode themselves
        self.train(True)
        self.seed = seed
        self._generator = torch.Generator().manual_seed(seed) if seed is not None else None

    def _per_image(self, x: torch.Tensor, lower: float, upper: float, scale: float = 1.0) -> torch.Tensor:
        """One uniform draw from ``[lower, upper)`` (times ``scale``) per image of ``x`` (an NHWC
        batch or one HWC image), shaped to broadcast over it."""
        n = x.shape[0] if x.dim() == 4 else 1
        draw = (lower + (upper - lower) * torch.rand(n, generator=self._generator)) * scale
        return draw.to(x.device, x.dtype).reshape((n, 1, 1, 1) if x.dim() == 4 else (1, 1, 1))


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
class RandomFlip(_RandomImageLayer):
    """In training, flips each image left-right (``horizontal``) and/or up-down (``vertical``)
    with probability 1/2; at inference it returns its input."""

    def __init__(self, mode: str = "horizontal_and_vertical", seed: Optional[int] = None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if mode not in _FLIP_MODES:
            raise ValueError(f"Layer {self.name}: RandomFlip layer {mode!r} is not a valid mode; "
                             f"expected one of {_FLIP_MODES}.")
        self.mode = mode

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


# ---------------------------------------------------------------- random image augmentation
_FILL_MODES = {"reflect": "reflection", "nearest": "border", "constant": "zeros", "wrap": "zeros"}


def _factor_range(factor, name: str, layer: str, symmetric_only_positive: bool = False):
    """``f`` -> ``(-f, f)``; a pair stays a pair (lower <= upper)."""
    if isinstance(factor, (tuple, list)):
        lower, upper = float(factor[0]), float(factor[1])
    else:
        lower, upper = -float(factor), float(factor)
    if upper < lower:
        raise ValueError(f"Layer {layer}: `{name}` lower bound {lower} is above its upper bound {upper}.")
    return lower, upper


class _RandomAffine(_RandomImageLayer):
    """Base of RandomRotation/RandomZoom/RandomTranslation: in training, resamples each image
    through a random affine map of its pixel grid (about the image centre); at inference the
    input is returned unchanged. ``fill_mode`` says how points outside the image are read:
    'reflect' (about the edge, d c b a | a b c d), 'nearest' (edge pixel), 'constant'
    (``fill_value``) or 'wrap'."""

    def __init__(self, fill_mode: str = "reflect", interpolation: str = "bilinear",
                 seed: Optional[int] = None, fill_value: float = 0.0, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if fill_mode not in _FILL_MODES:
            raise NotImplementedError(f"Layer {self.name}: unknown fill_mode {fill_mode!r}; expected one "
                                      f"of {sorted(_FILL_MODES)}.")
        if interpolation not in ("bilinear", "nearest"):
            raise NotImplementedError(f"Layer {self.name}: unknown interpolation {interpolation!r}; "
                                      "expected 'bilinear' or 'nearest'.")
        self.fill_mode, self.interpolation = fill_mode, interpolation
        self.fill_value = float(fill_value)

    def _uniform(self, n: int, lower: float, upper: float) -> torch.Tensor:
        return lower + (upper - lower) * torch.rand(n, generator=self._generator, dtype=torch.float64)

    def _matrices(self, n: int, height: int, width: int) -> torch.Tensor:
        """``(n, 2, 3)`` maps from output to input pixel coordinates (centred, x right, y down)."""
        raise NotImplementedError

    def call(self, inputs, training=None):
        if not training:
            return inputs
        x, single = self._nchw(inputs.to(torch.float32) if not inputs.is_floating_point() else inputs)
        n, _, h, w = x.shape
        m = self._matrices(n, h, w)
        # pixel-centred coordinates -> grid_sample's normalised ones (align_corners=False)
        scale = torch.tensor([w / 2.0, h / 2.0], dtype=torch.float64)
        theta = m.clone()
        theta[:, :, :2] = m[:, :, :2] * scale[None, None, :] / scale[None, :, None]
        theta[:, :, 2] = m[:, :, 2] / scale[None, :]
        grid = F.affine_grid(theta.to(x.dtype), list(x.shape), align_corners=False).to(x.device)
        if self.fill_mode == "wrap":
            grid = torch.remainder(grid + 1, 2) - 1
        y = F.grid_sample(x, grid, mode=self.interpolation, padding_mode=_FILL_MODES[self.fill_mode],
                          align_corners=False)
        if self.fill_mode == "constant" and self.fill_value != 0.0:
            inside = F.grid_sample(torch.ones_like(x[:, :1]), grid, mode="nearest", align_corners=False)
            y = y + (1 - inside) * self.fill_value
        return self._back(y, single)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"rng_type": "stateful", "fill_mode": self.fill_mode, "fill_value": self.fill_value,
                       "interpolation": self.interpolation, "seed": self.seed})
        return config


@registry.register("layer")
class RandomRotation(_RandomAffine):
    """Rotates each training image by a random angle in ``factor * 2*pi`` (``factor`` f: [-f, f])."""

    def __init__(self, factor, fill_mode: str = "reflect", interpolation: str = "bilinear",
                 seed: Optional[int] = None, fill_value: float = 0.0, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.factor = factor
        self._range = _factor_range(factor, "factor", self.name)

    def _matrices(self, n, height, width):
        lower, upper = self._range
        angle = self._uniform(n, lower * 2 * np.pi, upper * 2 * np.pi)
        c, s = torch.cos(angle), torch.sin(angle)
        zero = torch.zeros_like(c)
        return torch.stack([torch.stack([c, -s, zero], 1), torch.stack([s, c, zero], 1)], 1)

    def get_config(self):
        config = super().get_config()
        config = {"factor": self.factor, **config}
        return _reorder(config, ("name", "trainable", "dtype", "rng_type", "factor"))


@registry.register("layer")
class RandomZoom(_RandomAffine):
    """Zooms each training image by ``1 + U(height_factor)`` vertically and ``1 +
    U(width_factor)`` horizontally (positive values zoom out); ``width_factor=None`` keeps the
    aspect ratio."""

    def __init__(self, height_factor, width_factor=None, fill_mode: str = "reflect",
                 interpolation: str = "bilinear", seed: Optional[int] = None, fill_value: float = 0.0,
                 **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.height_factor, self.width_factor = height_factor, width_factor
        self._h_range = _factor_range(height_factor, "height_factor", self.name)
        self._w_range = _factor_range(width_factor, "width_factor", self.name) if width_factor is not None else None

    def _matrices(self, n, height, width):
        zy = 1 + self._uniform(n, *self._h_range)
        zx = 1 + self._uniform(n, *self._w_range) if self._w_range is not None else zy
        zero = torch.zeros_like(zy)
        return torch.stack([torch.stack([zx, zero, zero], 1), torch.stack([zero, zy, zero], 1)], 1)

    def get_config(self):
        config = super().get_config()
        config.update({"height_factor": self.height_factor, "width_factor": self.width_factor})
        return _reorder(config, ("name", "trainable", "dtype", "rng_type", "height_factor", "width_factor"))


@registry.register("layer")
class RandomTranslation(_RandomAffine):
    """Shifts each training image by ``U(height_factor) * height`` rows and ``U(width_factor) *
    width`` columns."""

    def __init__(self, height_factor, width_factor, fill_mode: str = "reflect",
                 interpolation: str = "bilinear", seed: Optional[int] = None, fill_value: float = 0.0,
                 **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.height_factor, self.width_factor = height_factor, width_factor
        self._h_range = _factor_range(height_factor, "height_factor", self.name)
        self._w_range = _factor_range(width_factor, "width_factor", self.name)

    def _matrices(self, n, height, width):
        dy = self._uniform(n, *self._h_range) * height
        dx = self._uniform(n, *self._w_range) * width
        one, zero = torch.ones_like(dx), torch.zeros_like(dx)
        return torch.stack([torch.stack([one, zero, -dx], 1), torch.stack([zero, one, -dy], 1)], 1)

    def get_config(self):
        config = super().get_config()
        config.update({"height_factor": self.height_factor, "width_factor": self.width_factor})
        return _reorder(config, ("name", "trainable", "dtype", "rng_type", "height_factor", "width_factor"))


def _reorder(config: dict, first) -> dict:
    """Keras's key order (the JSON files list the factors before the fill options)."""
    return {**{k: config[k] for k in first if k in config}, **config}


@registry.register("layer")
class RandomContrast(_RandomImageLayer):
    """In training, scales each image's (and channel's) deviation from its mean by a random
    factor in ``[1 - lower, 1 + upper]``, then clips to [0, 255]; identity at inference."""

    def __init__(self, factor, seed: Optional[int] = None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if isinstance(factor, (tuple, list)):
            lower, upper = float(factor[0]), float(factor[1])
        else:
            lower = upper = float(factor)
        if lower < 0 or upper < 0 or lower > 1:
            raise ValueError(f"Layer {self.name}: `factor` must be non-negative with a lower bound "
                             f"at most 1; received {factor!r}.")
        self.factor = factor
        self._range = (1 - lower, 1 + upper)

    def call(self, inputs, training=None):
        if not training:
            return inputs
        x = inputs.to(torch.float32) if not inputs.is_floating_point() else inputs
        f = self._per_image(x, *self._range)
        mean = x.mean(dim=(-3, -2), keepdim=True)
        return torch.clamp((x - mean) * f + mean, 0, 255)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"rng_type": "stateful", "factor": self.factor, "seed": self.seed})
        return config


@registry.register("layer")
class RandomCrop(_RandomImageLayer):
    """In training, crops a random ``(height, width)`` window (images smaller than that are
    resized); at inference, crops the centred window of that aspect ratio and resizes it."""

    def __init__(self, height: int, width: int, seed: Optional[int] = None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.height, self.width = int(height), int(width)

    def call(self, inputs, training=None):
        x = inputs.to(torch.float32) if not inputs.is_floating_point() else inputs
        h, w = x.shape[-3], x.shape[-2]
        if not training or h < self.height or w < self.width:
            return Resizing(self.height, self.width, crop_to_aspect_ratio=True)(x)
        top = int(torch.randint(0, h - self.height + 1, (1,), generator=self._generator))
        left = int(torch.randint(0, w - self.width + 1, (1,), generator=self._generator))
        return x[..., top:top + self.height, left:left + self.width, :]

    def compute_output_shape(self, input_shape):
        return self._hw_shape(input_shape, self.height, self.width)

    def get_config(self):
        config = super().get_config()
        config.update({"rng_type": "stateful", "height": self.height, "width": self.width, "seed": self.seed})
        return config


@registry.register("layer")
class RandomBrightness(_RandomImageLayer):
    """In training, adds to each image one random delta drawn from ``factor`` (a fraction of
    ``value_range``'s width; a float ``f`` means ``(-f, f)``), then clips to ``value_range``;
    identity at inference."""

    def __init__(self, factor, value_range=(0, 255), seed: Optional[int] = None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        lower, upper = (factor[0], factor[1]) if isinstance(factor, (tuple, list)) else (-factor, factor)
        if not (-1.0 <= lower <= 1.0 and -1.0 <= upper <= 1.0):
            raise ValueError(f"Layer {self.name}: `factor` values must be in [-1.0, 1.0]; received "
                             f"factor={factor!r}.")
        if len(value_range) != 2:
            raise ValueError(f"Layer {self.name}: `value_range` must be a (low, high) pair; received "
                             f"value_range={value_range!r}.")
        self.factor = [min(lower, upper), max(lower, upper)]
        self.value_range = sorted(value_range)

    def call(self, inputs, training=None):
        if not training:
            return inputs
        x = inputs.to(torch.float32) if not inputs.is_floating_point() else inputs
        low, high = self.value_range
        delta = self._per_image(x, *self.factor, scale=high - low)
        return torch.clamp(x + delta, low, high)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"rng_type": "stateful", "factor": self.factor, "value_range": self.value_range,
                       "seed": self.seed})
        return config


class _RandomResize(_RandomImageLayer):
    """In training, resizes the batch along one axis by a random factor drawn from ``factor``
    (a float ``f`` means ``(-f, f)``, sizes scale by ``1 + draw``); identity at inference."""

    _axis = None  # -3 (height) or -2 (width) of an NHWC tensor

    def __init__(self, factor, interpolation: str = "bilinear", seed: Optional[int] = None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        lower, upper = (factor[0], factor[1]) if isinstance(factor, (tuple, list)) else (-factor, factor)
        if upper < lower or lower < -1.0:
            raise ValueError(f"Layer {self.name}: `factor` must be a value >= -1 or a (lower, upper) "
                             f"pair with lower <= upper; received factor={factor!r}.")
        if interpolation not in _INTERPOLATIONS:
            raise NotImplementedError(f"Layer {self.name}: interpolation={interpolation!r} is not "
                                      f"supported here; use one of {sorted(_INTERPOLATIONS)}.")
        self.factor, self.interpolation = factor, interpolation
        self._bounds = (1.0 + lower, 1.0 + upper)

    def call(self, inputs, training=None):
        if not training:
            return inputs
        lo, hi = self._bounds
        scale = lo + (hi - lo) * float(torch.rand(1, generator=self._generator))
        size = [inputs.shape[-3], inputs.shape[-2]]
        axis = 0 if self._axis == -3 else 1
        size[axis] = max(int(size[axis] * scale), 1)
        return Resizing(size[0], size[1], interpolation=self.interpolation)(inputs)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        shape[self._axis] = None
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config.update({"rng_type": "stateful", "factor": self.factor, "interpolation": self.interpolation,
                       "seed": self.seed})
        return config


@registry.register("layer")
class RandomHeight(_RandomResize):
    """Random resizing of the height in training (see ``_RandomResize``)."""
    _axis = -3


@registry.register("layer")
class RandomWidth(_RandomResize):
    """Random resizing of the width in training (see ``_RandomResize``)."""
    _axis = -2
