"""Image preprocessing and augmentation (``keras.preprocessing.image``).

``ImageDataGenerator`` keeps Keras 2's arguments, parameter semantics and random draws: the
per-image parameters come from numpy's global RNG with exactly Keras's values and order (so a
seed gives the same augmentations as Keras; a batch's draws are taken in one call), and the
pixel work is done per *batch*: Keras's matrices built for all images at once, flips folded
into them, one sampling grid sampled with ``torch.nn.functional.grid_sample`` (on the GPU when
the generator is given ``device='cuda'``; on the CPU in cache-sized chunks read from and
written to the channels-last arrays directly), then vectorised channel shifts and brightness.
"""
import os
import threading
import warnings
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, List, Optional, Tuple

import numpy as np

from torchkeras_compat import legacy
from torchkeras_compat.backend import config
from torchkeras_compat.utils.data_utils import Sequence
from torchkeras_compat.utils.image_utils import (array_to_img, img_to_array, load_img, save_img,
                                                 smart_resize)
from torchkeras_compat.utils.io_utils import print_msg

__all__ = ["ImageDataGenerator", "Iterator", "NumpyArrayIterator", "DirectoryIterator",
           "DataFrameIterator", "load_img", "img_to_array", "array_to_img", "save_img",
           "smart_resize", "apply_affine_transform", "apply_channel_shift",
           "apply_brightness_shift", "random_rotation", "random_shift", "random_shear",
           "random_zoom", "random_channel_shift", "random_brightness", "flip_axis",
           "transform_matrix_offset_center"]

WHITE_LIST_FORMATS = ("png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff")
_SIGNS = np.array([-1, 1])


# -- single-image transforms (the free functions of Keras 2) --------------------------------

def flip_axis(x: np.ndarray, axis: int) -> np.ndarray:
    """`x` reversed along `axis`."""
    return np.flip(np.asarray(x), axis)


def transform_matrix_offset_center(matrix: np.ndarray, x: int, y: int) -> np.ndarray:
    """`matrix` (3x3) re-expressed around the centre of an image of extents `(x, y)`."""
    o_x, o_y = float(x) / 2 - 0.5, float(y) / 2 - 0.5
    offset = np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]])
    reset = np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]])
    return offset @ matrix @ reset


def _is_identity(theta, tx, ty, shear, zx, zy) -> bool:
    return theta == 0 and tx == 0 and ty == 0 and shear == 0 and zx == 1 and zy == 1


# On the CPU a batch is warped in chunks of about this many bytes of output: each chunk's
# buffers are small enough for malloc to recycle them instead of mapping (and page-faulting)
# fresh memory for every batch, yet big enough that few parallel regions are entered.
_CHUNK_BYTES = 16 << 20


def _sampling_grid(matrix: np.ndarray, offset: np.ndarray, extents: Tuple[int, int],
                   fill_mode: str, order: int, dtype, device):
    """`grid_sample`'s grid for ``source = matrix @ (row, col) + offset``, with scipy's fill
    mode applied to the source coordinates.

    Args:
        matrix: `(B, 2, 2)` float64; offset: `(B, 2)` float64; extents: `(H, W)`.

    Returns:
        `(grid (B, H, W, 2), outside)`: grid component 0 is the source column, 1 the source
        row, normalised for ``align_corners=False``; `outside` is the `(B, H, W)` mask of
        output pixels whose source lies off the image ('constant' only, else None).
    """
    import torch

    from torchkeras_compat.utils._affine import _map_coordinates

    h, w = extents
    size = np.array([w, h], dtype=np.float64)[:, None, None, None]
    scale, shift = 2.0 / size, 1.0 / size - 1.0  # pixel p -> (p + 0.5) * 2 / n - 1
    # 'nearest' with bilinear sampling needs only clamping, which is grid_sample's border
    # padding: normalise the float64 parts directly. Other modes remap pixel coordinates.
    direct = fill_mode == "nearest" and order == 1
    # The grid is separable: a part from the output row (with the offset) plus a part from the
    # output column, each computed in float64 and rounded to the working precision, then
    # summed (within a few float32 ulps of the exact value). It is built as two planes
    # (source column, source row) and handed to grid_sample as a (B, H, W, 2) view.
    m, o = matrix[:, ::-1].transpose(1, 0, 2), offset[:, ::-1].T  # (2, B, 2), (2, B)
    rows = m[:, :, None, None, 0] * np.arange(h, dtype=np.float64)[:, None] + o[:, :, None, None]
    cols = m[:, :, None, None, 1] * np.arange(w, dtype=np.float64)
    if direct:
        rows, cols = rows * scale + shift, cols * scale
    planes = torch.from_numpy(rows).to(device, dtype) + torch.from_numpy(cols).to(device, dtype)
    grid = planes.permute(1, 2, 3, 0)
    if direct:
        return grid, None
    src_c, src_r = planes[0], planes[1]
    outside = None
    if fill_mode == "constant":
        outside = (src_r < 0) | (src_r > h - 1) | (src_c < 0) | (src_c > w - 1)
    if order == 0 and fill_mode == "mirror":
        # scipy rounds before mirroring past the far edge (ties then fall inwards)
        src_r.copy_(torch.where(src_r > h - 1, torch.floor(src_r + 0.5), src_r))
        src_c.copy_(torch.where(src_c > w - 1, torch.floor(src_c + 0.5), src_c))
    if fill_mode not in ("nearest", "constant"):  # those two: border padding clamps
        src_r.copy_(_map_coordinates(src_r, h, fill_mode))
        src_c.copy_(_map_coordinates(src_c, w, fill_mode))
    if order == 0:
        planes.add_(0.5).floor_()
    planes.mul_(torch.from_numpy(scale).to(device, dtype))
    planes.add_(torch.from_numpy(shift).to(device, dtype))
    return grid, outside


def _warp_batch(batch: np.ndarray, params: dict, spatial: Tuple[int, int], channel_axis: int,
                fill_mode: str, cval: float, order: int, device=None,
                flips: Optional[Tuple[np.ndarray, np.ndarray]] = None) -> np.ndarray:
    """Affine-warp a batch `(B, ...)` (one channel axis, two spatial axes) with per-image
    Keras parameters given as arrays in `params`; returns a new array of the same dtype.

    `flips` = (horizontal, vertical) boolean arrays: flips applied after the warp, folded into
    the sampling grid (a flip of the output is a mirrored lookup), so they cost nothing.
    """
    import torch
    import torch.nn.functional as F

    from torchkeras_compat.utils._affine import keras_transform_matrices

    row_axis, col_axis = spatial
    shape = batch.shape[1:]
    matrix, offset = keras_transform_matrices(
        params["theta"], params["tx"], params["ty"], params["shear"], params["zx"], params["zy"],
        (shape[row_axis], shape[col_axis]), swap_axes=col_axis > row_axis)
    # the spatial axes keep their original order in the (C, d1, d2) channel images scipy saw
    grid_axis = {a: k for k, a in enumerate(ax for ax in range(3) if ax != channel_axis)}
    extents = tuple(shape[ax] for ax in range(3) if ax != channel_axis)
    if flips is not None:
        for flags, axis in zip(flips, (col_axis, row_axis)):
            flags = np.asarray(flags, dtype=bool)
            if flags.any():
                k = grid_axis[axis]
                offset[flags] += matrix[flags][:, :, k] * (extents[k] - 1)
                matrix[flags, :, k] *= -1
    work = np.float64 if batch.dtype == np.float64 else np.float32
    source = np.asarray(batch, dtype=work)
    device = torch.device(device or "cpu")
    # (B, C, d1, d2) views of the batch layout: on the CPU grid_sample reads channels-last
    # input through its strides, and each chunk's result goes straight into the batch layout
    perm = (0, channel_axis + 1) + tuple(a + 1 for a in range(3) if a != channel_axis)
    images = torch.from_numpy(source).permute(*perm)
    result = np.empty(source.shape, dtype=work)
    if device.type == "cpu":
        step = max(1, _CHUNK_BYTES // max(1, source[0].nbytes))
        target = result.transpose(perm)
    else:
        images, step, target = images.to(device).contiguous(), len(source), None
    mode = "bilinear" if order == 1 else "nearest"
    for start in range(0, len(source), step):
        part = slice(start, start + step)
        grid, outside = _sampling_grid(matrix[part], offset[part], extents, fill_mode, order,
                                       images.dtype, device)
        sampled = F.grid_sample(images[part], grid, mode=mode, padding_mode="border",
                                align_corners=False)
        if outside is not None:
            sampled.masked_fill_(outside[:, None], float(cval))
        if target is not None:
            # numpy, channel by channel: as fast as torch's reordering copy, without a
            # parallel region
            for channel, plane in enumerate(sampled.numpy().transpose(1, 0, 2, 3)):
                target[part, channel] = plane
        else:  # from the device: reorder there, then one plain copy into host memory
            back = sampled.permute(*np.argsort(perm).tolist()).contiguous()
            torch.from_numpy(result).copy_(back)
    if np.issubdtype(batch.dtype, np.integer):
        info = np.iinfo(batch.dtype)
        result = np.clip(np.round(result), info.min, info.max)
    return result.astype(batch.dtype, copy=False)


def apply_affine_transform(x: np.ndarray, theta: float = 0, tx: float = 0, ty: float = 0,
                           shear: float = 0, zx: float = 1, zy: float = 1, row_axis: int = 1,
                           col_axis: int = 2, channel_axis: int = 0, fill_mode: str = "nearest",
                           cval: float = 0.0, order: int = 1) -> np.ndarray:
    """Rotate (`theta` degrees), shift (`tx`, `ty` pixels), shear (`shear` degrees) and zoom
    (`zx`, `zy`) one 3-D image about its centre, as Keras 2 did with scipy.

    Args:
        x: 3-D image.
        row_axis, col_axis, channel_axis: the axes of `x` (channels first or last).
        fill_mode: 'constant', 'nearest', 'reflect' or 'wrap' (also scipy's 'mirror').
        cval: fill value for 'constant'.
        order: interpolation order, 0 (nearest) or 1 (bilinear).
    """
    if len({row_axis, col_axis, channel_axis}) != 3:
        raise ValueError("'row_axis', 'col_axis', and 'channel_axis' must be distinct")
    if {row_axis, col_axis, channel_axis} != {0, 1, 2}:
        invalid = {row_axis, col_axis, channel_axis} - {0, 1, 2}
        raise ValueError(f"Invalid axis' indices: {invalid}")
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError("Input arrays must be multi-channel 2D images.")
    if channel_axis not in (0, 2):
        raise ValueError("Channels are allowed and the first and last dimensions.")
    if _is_identity(theta, tx, ty, shear, zx, zy):
        return x
    params = {k: np.array([v], dtype=np.float64) for k, v in
              dict(theta=theta, tx=tx, ty=ty, shear=shear, zx=zx, zy=zy).items()}
    spatial = tuple(a - (a > channel_axis) for a in (row_axis, col_axis))
    return _warp_batch(x[None], params, spatial, channel_axis, fill_mode, cval, order)[0]


def random_rotation(x, rg: float, row_axis: int = 1, col_axis: int = 2, channel_axis: int = 0,
                    fill_mode: str = "nearest", cval: float = 0.0, interpolation_order: int = 1):
    """Rotate by a uniform random angle in `[-rg, rg]` degrees."""
    theta = np.random.uniform(-rg, rg)
    return apply_affine_transform(x, theta=theta, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_shift(x, wrg: float, hrg: float, row_axis: int = 1, col_axis: int = 2,
                 channel_axis: int = 0, fill_mode: str = "nearest", cval: float = 0.0,
                 interpolation_order: int = 1):
    """Shift by random fractions `[-hrg, hrg]` of the height and `[-wrg, wrg]` of the width."""
    h, w = x.shape[row_axis], x.shape[col_axis]
    tx = np.random.uniform(-hrg, hrg) * h
    ty = np.random.uniform(-wrg, wrg) * w
    return apply_affine_transform(x, tx=tx, ty=ty, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_shear(x, intensity: float, row_axis: int = 1, col_axis: int = 2,
                 channel_axis: int = 0, fill_mode: str = "nearest", cval: float = 0.0,
                 interpolation_order: int = 1):
    """Shear by a uniform random angle in `[-intensity, intensity]` degrees."""
    shear = np.random.uniform(-intensity, intensity)
    return apply_affine_transform(x, shear=shear, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_zoom(x, zoom_range: Tuple[float, float], row_axis: int = 1, col_axis: int = 2,
                channel_axis: int = 0, fill_mode: str = "nearest", cval: float = 0.0,
                interpolation_order: int = 1):
    """Zoom by independent random factors for the two axes, drawn from `zoom_range`."""
    if len(zoom_range) != 2:
        raise ValueError("`zoom_range` should be a tuple or list of two floats. "
                         f"Received: {zoom_range}")
    if zoom_range[0] == 1 and zoom_range[1] == 1:
        zx, zy = 1, 1
    else:
        zx, zy = np.random.uniform(zoom_range[0], zoom_range[1], 2)
    return apply_affine_transform(x, zx=zx, zy=zy, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def apply_channel_shift(x: np.ndarray, intensity: float, channel_axis: int = 0) -> np.ndarray:
    """Add `intensity` to every channel, clipped to the image's original min and max."""
    x = np.asarray(x)
    return np.clip(x + intensity, np.min(x), np.max(x))


def random_channel_shift(x, intensity_range: float, channel_axis: int = 0):
    """`apply_channel_shift` with an intensity drawn from `[-intensity_range, intensity_range]`."""
    intensity = np.random.uniform(-intensity_range, intensity_range)
    return apply_channel_shift(x, intensity, channel_axis=channel_axis)


def _brightness_batch(batch: np.ndarray, factors: np.ndarray, scale: bool,
                      channel_axis: int) -> np.ndarray:
    """Keras's PIL brightness round trip, vectorised over images (channels last or first).

    Per image: values are stretched to 0..255 if they leave that range (or `scale`), cut to
    uint8, multiplied by the factor as PIL does (float32 product, truncated, clipped; an
    alpha channel is kept), and stretched back when `scale` is False.
    """
    x = np.asarray(batch, dtype=np.float32)
    b = x.shape[0]
    flat = x.reshape(b, -1)
    x_min, x_max = flat.min(axis=1), flat.max(axis=1)
    local_scale = (x_min < 0) | (x_max > 255)
    stretch = local_scale | scale
    bshape = (b,) + (1,) * (x.ndim - 1)
    y = x.copy()
    if stretch.any():
        shifted = x - x_min.reshape(bshape)
        top = shifted.reshape(b, -1).max(axis=1)
        safe_top = np.where(top != 0, top, np.float32(1)).astype(np.float32)
        stretched = shifted / safe_top.reshape(bshape) * np.float32(255)
        y = np.where(stretch.reshape(bshape), stretched, y)
    pixels = y.astype(np.uint8).astype(np.float32)
    scaled = pixels * factors.astype(np.float32).reshape(bshape)
    out = np.clip(scaled, 0, 255).astype(np.uint8).astype(np.float32)
    channels = x.shape[channel_axis + 1]
    if channels == 4:  # PIL leaves the alpha band alone
        alpha = [slice(None)] * x.ndim
        alpha[channel_axis + 1] = 3
        out[tuple(alpha)] = pixels[tuple(alpha)]
    if not scale:
        back = out / 255 * (x_max - x_min).reshape(bshape) + x_min.reshape(bshape)
        out = np.where(local_scale.reshape(bshape), back, out)
    return out


def apply_brightness_shift(x: np.ndarray, brightness: float, scale: bool = True) -> np.ndarray:
    """Scale the brightness of a channels-last image by `brightness` (PIL's rule, uint8 steps).

    With `scale=True` the result is in 0..255; with False, images outside 0..255 are mapped
    back to their original range.
    """
    x = np.asarray(x)
    if x.ndim != 3 or x.shape[-1] not in (1, 3, 4):
        raise ValueError("apply_brightness_shift expects a channels-last image with 1, 3 or 4 "
                         f"channels; got shape {x.shape}.")
    return _brightness_batch(x[None], np.array([brightness]), scale, channel_axis=2)[0]


def random_brightness(x, brightness_range: Tuple[float, float], scale: bool = True):
    """`apply_brightness_shift` with a factor drawn from `brightness_range`."""
    if len(brightness_range) != 2:
        raise ValueError("`brightness_range should be tuple or list of two floats. "
                         f"Received: {brightness_range}")
    u = np.random.uniform(brightness_range[0], brightness_range[1])
    return apply_brightness_shift(x, u, scale)


# -- the generator ------------------------------------------------------------------------

_AFFINE_DEFAULTS = (("theta", 0.0), ("tx", 0.0), ("ty", 0.0), ("shear", 0.0), ("zx", 1.0),
                    ("zy", 1.0))


def _params_to_columns(params: List[dict]) -> dict:
    """Per-image parameter dicts (`get_random_transform`'s format) as arrays over the batch:
    float64 'theta', 'tx', 'ty', 'shear', 'zx', 'zy', 'channel_shift_intensity' and
    'brightness' (NaN where absent), boolean 'flip_horizontal' and 'flip_vertical'."""
    def column(key, default):
        return np.array([default if p.get(key) is None else p[key] for p in params],
                        dtype=np.float64).reshape(len(params))

    columns = {key: column(key, default) for key, default in _AFFINE_DEFAULTS}
    for key in ("flip_horizontal", "flip_vertical"):
        columns[key] = np.array([bool(p.get(key, False)) for p in params], dtype=bool)
    for key in ("channel_shift_intensity", "brightness"):
        columns[key] = column(key, np.nan)
    return columns


def _identity_columns(n: int) -> dict:
    """`_params_to_columns` of `n` empty dicts: no transformation."""
    columns = {key: np.full(n, default) for key, default in _AFFINE_DEFAULTS}
    columns.update(flip_horizontal=np.zeros(n, dtype=bool), flip_vertical=np.zeros(n, dtype=bool),
                   channel_shift_intensity=np.full(n, np.nan), brightness=np.full(n, np.nan))
    return columns


def _range_pair(value, name: str) -> List[float]:
    if isinstance(value, (float, int)):
        return [1 - value, 1 + value]
    if len(value) == 2 and all(isinstance(v, (float, int)) for v in value):
        return [value[0], value[1]]
    raise ValueError(f"`{name}` should be a float or a tuple or list of two floats. "
                     f"Received: {value}")


class ImageDataGenerator:
    """Real-time image augmentation and normalisation, feeding batches to `fit`.

    Every argument means what it meant in Keras 2:

    Args:
        featurewise_center / featurewise_std_normalization: subtract the dataset mean /
            divide by its std, per channel (call `fit` first).
        samplewise_center / samplewise_std_normalization: the same per image.
        zca_whitening, zca_epsilon: ZCA whitening (call `fit` first).
        rotation_range: degrees; random rotation in `[-r, r]`.
        width_shift_range, height_shift_range: float < 1: fraction of the size; >= 1: pixels;
            a list: one of its values with a random sign; an int n: 0..n-1 pixels, either sign.
        brightness_range: `(low, high)` factor range.
        shear_range: degrees, counter-clockwise.
        zoom_range: float z -> `[1 - z, 1 + z]`, or `[low, high]`.
        channel_shift_range: random shift of all channels in `[-r, r]`.
        fill_mode: 'constant', 'nearest', 'reflect' or 'wrap'; `cval` for 'constant'.
        horizontal_flip, vertical_flip: random flips.
        rescale: factor applied before everything else in `standardize`.
        preprocessing_function: called on each image (3-D array) after augmentation.
        data_format: 'channels_last' or 'channels_first' (default: global setting).
        validation_split: fraction kept for `subset='validation'`.
        interpolation_order: 0 (nearest) or 1 (bilinear).
        dtype: dtype of the batches (default floatx).
        device: (this package only) torch device for the batched warps, e.g. 'cuda'.
    """

    def __init__(self, featurewise_center: bool = False, samplewise_center: bool = False,
                 featurewise_std_normalization: bool = False,
                 samplewise_std_normalization: bool = False, zca_whitening: bool = False,
                 zca_epsilon: float = 1e-6, rotation_range: float = 0,
                 width_shift_range=0.0, height_shift_range=0.0, brightness_range=None,
                 shear_range: float = 0.0, zoom_range=0.0, channel_shift_range: float = 0.0,
                 fill_mode: str = "nearest", cval: float = 0.0, horizontal_flip: bool = False,
                 vertical_flip: bool = False, rescale: Optional[float] = None,
                 preprocessing_function: Optional[Callable] = None,
                 data_format: Optional[str] = None, validation_split: float = 0.0,
                 interpolation_order: int = 1, dtype: Optional[str] = None, device=None,
                 **kwargs):
        legacy.translate("ImageDataGenerator", kwargs)
        data_format = kwargs.pop("data_format", data_format)
        if kwargs:
            raise TypeError(f"ImageDataGenerator got unexpected arguments {sorted(kwargs)}.")
        if data_format is None:
            data_format = config.image_data_format()
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError('`data_format` should be `"channels_last"` (channel after row and '
                             'column) or `"channels_first"` (channel before row and column). '
                             f"Received: {data_format}")
        from torchkeras_compat.utils._affine import FILL_MODES

        if fill_mode not in FILL_MODES:
            raise ValueError(f"Invalid fill_mode {fill_mode!r}; expected one of "
                             "'constant', 'nearest', 'reflect', 'wrap'.")
        if interpolation_order not in (0, 1):
            raise NotImplementedError(f"interpolation_order={interpolation_order} is not "
                                      "supported: only 0 (nearest) and 1 (bilinear).")
        if validation_split and not 0 < validation_split < 1:
            raise ValueError("`validation_split` must be strictly between 0 and 1.  "
                             f"Received: {validation_split}")
        if brightness_range is not None and (not isinstance(brightness_range, (tuple, list))
                                             or len(brightness_range) != 2):
            raise ValueError("`brightness_range should be tuple or list of two floats. "
                             f"Received: {brightness_range}")
        self.featurewise_center = featurewise_center
        self.samplewise_center = samplewise_center
        self.featurewise_std_normalization = featurewise_std_normalization
        self.samplewise_std_normalization = samplewise_std_normalization
        self.zca_whitening = zca_whitening
        self.zca_epsilon = zca_epsilon
        self.rotation_range = rotation_range
        self.width_shift_range = width_shift_range
        self.height_shift_range = height_shift_range
        self.shear_range = shear_range
        self.zoom_range = _range_pair(zoom_range, "zoom_range")
        self.channel_shift_range = channel_shift_range
        self.fill_mode = fill_mode
        self.cval = cval
        self.horizontal_flip = horizontal_flip
        self.vertical_flip = vertical_flip
        self.rescale = rescale
        self.preprocessing_function = preprocessing_function
        self.dtype = dtype or config.floatx()
        self.interpolation_order = interpolation_order
        self.brightness_range = brightness_range
        self.device = device
        self.data_format = data_format
        if data_format == "channels_first":
            self.channel_axis, self.row_axis, self.col_axis = 1, 2, 3
        else:
            self.channel_axis, self.row_axis, self.col_axis = 3, 1, 2
        self._validation_split = validation_split
        self.mean = None
        self.std = None
        self.zca_whitening_matrix = None
        self._resolve_implied_flags(zca_whitening, featurewise_center,
                                    featurewise_std_normalization, samplewise_std_normalization,
                                    samplewise_center)

    def _resolve_implied_flags(self, zca, f_center, f_std, s_std, s_center) -> None:
        """Keras's rules: ZCA and std normalisation imply centring (with a warning)."""
        if zca:
            if not f_center:
                self.featurewise_center = True
                warnings.warn("This ImageDataGenerator specifies `zca_whitening`, which "
                              "overrides setting of `featurewise_center`.")
            if f_std:
                self.featurewise_std_normalization = False
                warnings.warn("This ImageDataGenerator specifies `zca_whitening` which "
                              "overrides setting of`featurewise_std_normalization`.")
        if f_std and not f_center:
            self.featurewise_center = True
            warnings.warn("This ImageDataGenerator specifies `featurewise_std_normalization`, "
                          "which overrides setting of `featurewise_center`.")
        if s_std and not s_center:
            self.samplewise_center = True
            warnings.warn("This ImageDataGenerator specifies `samplewise_std_normalization`, "
                          "which overrides setting of `samplewise_center`.")

    # -- iterators ------------------------------------------------------------------------

    def flow(self, x, y=None, batch_size: int = 32, shuffle: bool = True, sample_weight=None,
             seed: Optional[int] = None, save_to_dir: Optional[str] = None,
             save_prefix: str = "", save_format: str = "png", ignore_class_split: bool = False,
             subset: Optional[str] = None) -> "NumpyArrayIterator":
        """Batches of augmented images from arrays: `(x, y)` or `(x, y, sample_weight)`, or
        `x` alone when `y` is None. `x` may be `(images, [other arrays])`."""
        return NumpyArrayIterator(x, y, self, batch_size=batch_size, shuffle=shuffle,
                                  sample_weight=sample_weight, seed=seed,
                                  data_format=self.data_format, save_to_dir=save_to_dir,
                                  save_prefix=save_prefix, save_format=save_format,
                                  ignore_class_split=ignore_class_split, subset=subset,
                                  dtype=self.dtype)

    def flow_from_directory(self, directory: str, target_size: Tuple[int, int] = (256, 256),
                            color_mode: str = "rgb", classes: Optional[List[str]] = None,
                            class_mode: Optional[str] = "categorical", batch_size: int = 32,
                            shuffle: bool = True, seed: Optional[int] = None,
                            save_to_dir: Optional[str] = None, save_prefix: str = "",
                            save_format: str = "png", follow_links: bool = False,
                            subset: Optional[str] = None, interpolation: str = "nearest",
                            keep_aspect_ratio: bool = False) -> "DirectoryIterator":
        """Batches of augmented images read from `directory/<class>/<image files>`."""
        return DirectoryIterator(directory, self, target_size=target_size, color_mode=color_mode,
                                 keep_aspect_ratio=keep_aspect_ratio, classes=classes,
                                 class_mode=class_mode, data_format=self.data_format,
                                 batch_size=batch_size, shuffle=shuffle, seed=seed,
                                 save_to_dir=save_to_dir, save_prefix=save_prefix,
                                 save_format=save_format, follow_links=follow_links,
                                 subset=subset, interpolation=interpolation, dtype=self.dtype)

    def flow_from_dataframe(self, dataframe, directory: Optional[str] = None,
                            x_col: str = "filename", y_col="class", weight_col=None,
                            target_size: Tuple[int, int] = (256, 256), color_mode: str = "rgb",
                            classes=None, class_mode: Optional[str] = "categorical",
                            batch_size: int = 32, shuffle: bool = True, seed=None,
                            save_to_dir=None, save_prefix: str = "", save_format: str = "png",
                            subset=None, interpolation: str = "nearest",
                            validate_filenames: bool = True, **kwargs) -> "DataFrameIterator":
        """Batches of augmented images whose file names (and labels) are columns of a pandas
        DataFrame."""
        for old, msg in (("has_ext", "has_ext is deprecated, filenames in the dataframe have "
                                     "to match the exact filenames in disk."),
                         ("sort", "sort is deprecated, batches will be created in the same "
                                  "order than the filenames provided if shuffle is set to False."),
                         ("drop_duplicates", "drop_duplicates is deprecated, you can drop "
                                             "duplicates by using the pandas.DataFrame."
                                             "drop_duplicates method.")):
            if old in kwargs:
                kwargs.pop(old)
                warnings.warn(msg, DeprecationWarning)
        if kwargs:
            raise TypeError(f"flow_from_dataframe got unexpected arguments {sorted(kwargs)}.")
        if class_mode == "other":
            warnings.warn('`class_mode` "other" is deprecated, please use `class_mode` "raw".',
                          DeprecationWarning)
            class_mode = "raw"
        return DataFrameIterator(dataframe, directory, self, x_col=x_col, y_col=y_col,
                                 weight_col=weight_col, target_size=target_size,
                                 color_mode=color_mode, classes=classes, class_mode=class_mode,
                                 data_format=self.data_format, batch_size=batch_size,
                                 shuffle=shuffle, seed=seed, save_to_dir=save_to_dir,
                                 save_prefix=save_prefix, save_format=save_format, subset=subset,
                                 interpolation=interpolation,
                                 validate_filenames=validate_filenames, dtype=self.dtype)

    # -- normalisation --------------------------------------------------------------------

    def standardize(self, x: np.ndarray) -> np.ndarray:
        """Apply the normalisation settings to `x` (in place where Keras did so).

        Order: preprocessing_function, rescale, samplewise centre/std, featurewise centre/std,
        ZCA. Sample-wise statistics are over all of `x`, as in Keras.
        """
        if self.preprocessing_function:
            x = self.preprocessing_function(x)
        if self.rescale:
            x *= self.rescale
        if self.samplewise_center:
            x -= np.mean(x, keepdims=True)
        if self.samplewise_std_normalization:
            x /= np.std(x, keepdims=True) + 1e-6
        return self._featurewise(x)

    def _standardize_batch(self, batch: np.ndarray) -> np.ndarray:
        """`standardize` applied to each image of a batch, vectorised."""
        if self.preprocessing_function and len(batch):
            batch = np.stack([np.asarray(self.preprocessing_function(img)) for img in batch])
            batch = batch.astype(self.dtype, copy=False)
        if self.rescale:
            batch *= self.rescale
        flat = batch.reshape(len(batch), int(np.prod(batch.shape[1:])))  # also for 0 images
        bshape = (len(batch),) + (1,) * (batch.ndim - 1)
        if self.samplewise_center:
            batch -= flat.mean(axis=1).reshape(bshape)
        if self.samplewise_std_normalization:
            batch /= flat.std(axis=1).reshape(bshape) + 1e-6
        return self._featurewise(batch)

    def _check_fitted_shape(self, x: np.ndarray) -> None:
        """Name a mismatch between `x` and the statistics `fit` computed, rather than leave
        numpy's broadcasting error."""
        def broadcasts(stat):
            try:
                return np.broadcast_shapes(x.shape, stat.shape) == x.shape
            except ValueError:
                return False

        fitted = None
        for stat in (self.mean, self.std):
            if stat is not None and not broadcasts(stat):
                fitted = f"per-channel statistics of shape {stat.shape}"
        zca = self.zca_whitening_matrix if self.zca_whitening else None
        if zca is not None and (x.ndim < 3 or np.prod(x.shape[-3:]) != len(zca)):
            fitted = f"a ZCA matrix for images of {len(zca)} values"
        if fitted:
            raise ValueError(f"ImageDataGenerator.standardize: images of shape {x.shape} do not "
                             f"match what `fit` computed ({fitted}). Pass images with the "
                             "same size, channels and data_format as the data given to `fit`.")

    def _featurewise(self, x: np.ndarray) -> np.ndarray:
        if self.featurewise_center or self.featurewise_std_normalization or self.zca_whitening:
            self._check_fitted_shape(x)
        if self.featurewise_center:
            if self.mean is not None:
                x -= self.mean
            else:
                warnings.warn("This ImageDataGenerator specifies `featurewise_center`, but it "
                              "hasn't been fit on any training data. Fit it first by calling "
                              "`.fit(numpy_data)`.")
        if self.featurewise_std_normalization:
            if self.std is not None:
                x /= self.std + 1e-6
            else:
                warnings.warn("This ImageDataGenerator specifies `featurewise_std_normalization`, "
                              "but it hasn't been fit on any training data. Fit it first by "
                              "calling `.fit(numpy_data)`.")
        if self.zca_whitening:
            if self.zca_whitening_matrix is not None:
                flat_x = x.reshape(-1, np.prod(x.shape[-3:]))
                x = np.reshape(flat_x @ self.zca_whitening_matrix, x.shape)
            else:
                warnings.warn("This ImageDataGenerator specifies `zca_whitening`, but it hasn't "
                              "been fit on any training data. Fit it first by calling "
                              "`.fit(numpy_data)`.")
        return x

    # -- augmentation ---------------------------------------------------------------------

    def _shift(self, shift_range, extent: int) -> float:
        if not shift_range:
            return 0
        # Keras: np.random.choice(range) (one of a list's values, or 0..n-1 for an int n) with
        # a random sign; a float range makes choice() fail and falls back to uniform. The
        # draws below consume numpy's RNG exactly as those calls do, without their overhead.
        if isinstance(shift_range, (float, np.floating)):
            value = np.random.uniform(-shift_range, shift_range)
        else:
            values = (np.arange(shift_range) if isinstance(shift_range, (int, np.integer))
                      else np.asarray(shift_range))
            if values.ndim != 1 or values.size == 0:
                value = np.random.uniform(-shift_range, shift_range)
            else:
                value = values[np.random.randint(0, values.size)]
                value *= _SIGNS[np.random.randint(0, 2)]
        limit = (shift_range if isinstance(shift_range, (int, float, np.number))
                 else np.max(shift_range))
        if limit < 1:  # fractions of the image size; >= 1: pixels
            value *= extent
        return value

    def get_random_transform(self, img_shape: tuple, seed: Optional[int] = None) -> dict:
        """Draw the parameters of one random transformation (numpy's RNG, Keras's order).

        Returns a dict with 'theta', 'tx', 'ty', 'shear', 'zx', 'zy', 'flip_horizontal',
        'flip_vertical', 'channel_shift_intensity' and 'brightness'.
        """
        if seed is not None:
            np.random.seed(seed)
        theta = np.random.uniform(-self.rotation_range, self.rotation_range) \
            if self.rotation_range else 0
        tx = self._shift(self.height_shift_range, img_shape[self.row_axis - 1])
        ty = self._shift(self.width_shift_range, img_shape[self.col_axis - 1])
        shear = np.random.uniform(-self.shear_range, self.shear_range) if self.shear_range else 0
        if self.zoom_range[0] == 1 and self.zoom_range[1] == 1:
            zx, zy = 1, 1
        else:
            zx, zy = np.random.uniform(self.zoom_range[0], self.zoom_range[1], 2)
        flip_horizontal = (np.random.random() < 0.5) * self.horizontal_flip
        flip_vertical = (np.random.random() < 0.5) * self.vertical_flip
        channel_shift_intensity = None
        if self.channel_shift_range != 0:
            channel_shift_intensity = np.random.uniform(-self.channel_shift_range,
                                                        self.channel_shift_range)
        brightness = None
        if self.brightness_range is not None:
            brightness = np.random.uniform(self.brightness_range[0], self.brightness_range[1])
        return {"theta": theta, "tx": tx, "ty": ty, "shear": shear, "zx": zx, "zy": zy,
                "flip_horizontal": flip_horizontal, "flip_vertical": flip_vertical,
                "channel_shift_intensity": channel_shift_intensity, "brightness": brightness}

    def apply_transform(self, x: np.ndarray, transform_parameters: dict) -> np.ndarray:
        """Apply the transformation described by `transform_parameters` to one 3-D image."""
        return self._apply_transform_batch(np.asarray(x)[None],
                                           _params_to_columns([transform_parameters]))[0]

    def _random_columns(self, n: int, img_shape: tuple) -> dict:
        """The parameters of `n` successive `get_random_transform(img_shape)` calls, as arrays
        (see `_params_to_columns`): the same values, leaving numpy's RNG in the same state.

        Every draw Keras makes is one double from the global RNG, and `uniform(low, high)` is
        `low + (high - low) * double`, so they are drawn in one `random_sample` call and
        mapped column by column. Integer or list shift ranges draw with `randint`, whose
        consumption varies: then the parameters are drawn image by image.
        """
        shift_ranges = (self.height_shift_range, self.width_shift_range)
        if not all(not s or isinstance(s, (float, np.floating)) for s in shift_ranges):
            return _params_to_columns([self.get_random_transform(img_shape) for _ in range(n)])
        # (key, low, high) per double, in Keras's per-image order; low None: a coin flip
        slots = []
        if self.rotation_range:
            slots.append(("theta", -self.rotation_range, self.rotation_range))
        if self.height_shift_range:
            slots.append(("tx", -self.height_shift_range, self.height_shift_range))
        if self.width_shift_range:
            slots.append(("ty", -self.width_shift_range, self.width_shift_range))
        if self.shear_range:
            slots.append(("shear", -self.shear_range, self.shear_range))
        if not (self.zoom_range[0] == 1 and self.zoom_range[1] == 1):
            slots += [(k, self.zoom_range[0], self.zoom_range[1]) for k in ("zx", "zy")]
        slots += [("flip_horizontal", None, None), ("flip_vertical", None, None)]
        if self.channel_shift_range != 0:
            slots.append(("channel_shift_intensity", -self.channel_shift_range,
                          self.channel_shift_range))
        if self.brightness_range is not None:
            slots.append(("brightness",) + tuple(self.brightness_range))
        draws = np.random.random_sample((n, len(slots)))
        columns = _identity_columns(n)
        for k, (key, low, high) in enumerate(slots):
            if low is None:
                columns[key] = draws[:, k] < 0.5
            else:
                low, high = float(low), float(high)
                columns[key] = low + (high - low) * draws[:, k]
        columns["flip_horizontal"] &= bool(self.horizontal_flip)
        columns["flip_vertical"] &= bool(self.vertical_flip)
        # shift ranges below 1 are fractions of the image size, as in `_shift`
        for key, shift_range, axis in (("tx", self.height_shift_range, self.row_axis),
                                       ("ty", self.width_shift_range, self.col_axis)):
            if shift_range and shift_range < 1:
                columns[key] = columns[key] * img_shape[axis - 1]
        return columns

    def _apply_transform_batch(self, batch: np.ndarray, columns: dict) -> np.ndarray:
        """Apply per-image transformations (arrays from `_params_to_columns`) to a batch
        `(B, ...)`, with Keras's results: affine warp (one grid for the batch), channel shift,
        flips, brightness. Flips of warped images are folded into the grid; the other steps
        are vectorised over the batch. The result never shares memory with `batch`."""
        img_channel = self.channel_axis - 1
        spatial = (self.row_axis - 1, self.col_axis - 1)
        affine = {k: columns[k] for k, _ in _AFFINE_DEFAULTS}
        flip_h, flip_v = columns["flip_horizontal"], columns["flip_vertical"]
        moving = ~((affine["theta"] == 0) & (affine["tx"] == 0) & (affine["ty"] == 0)
                   & (affine["shear"] == 0) & (affine["zx"] == 1) & (affine["zy"] == 1))
        if moving.any():
            if batch.ndim != 4:
                raise ValueError("Input arrays must be multi-channel 2D images. Got an image of "
                                 f"shape {batch.shape[1:]}; expected rank 3 (rows, columns and "
                                 "channels in the generator's data_format).")
            idx = slice(None) if moving.all() else np.nonzero(moving)[0]
            warped = _warp_batch(batch[idx], {k: v[idx] for k, v in affine.items()}, spatial,
                                 img_channel, self.fill_mode, self.cval,
                                 self.interpolation_order, self.device,
                                 flips=(flip_h[idx], flip_v[idx]))
            if moving.all():
                out = warped
            else:
                out = batch.copy()
                out[idx] = warped
            flip_h, flip_v = flip_h & ~moving, flip_v & ~moving  # done inside the warp
        else:
            out = batch.copy()
        # channel shift, flips and brightness are pointwise or per-image: their order among
        # themselves only matters for brightness, which Keras applies last
        shifts = columns["channel_shift_intensity"]
        sel = np.nonzero(~np.isnan(shifts))[0]
        if len(sel):
            part = out[sel]
            flat = part.reshape(len(sel), -1)
            bshape = (len(sel),) + (1,) * (part.ndim - 1)
            lo, hi = flat.min(axis=1).reshape(bshape), flat.max(axis=1).reshape(bshape)
            out[sel] = np.clip(part + shifts[sel].reshape(bshape), lo, hi)
        for flags, axis in ((flip_h, spatial[1]), (flip_v, spatial[0])):
            if flags.any():
                out[flags] = np.flip(out[flags], axis + 1)
        factors = columns["brightness"]
        sel = np.nonzero(~np.isnan(factors))[0]
        if len(sel):
            if batch.ndim != 4:
                raise ValueError("Expected image array to have rank 3 (single image). Got array "
                                 f"with shape: {batch.shape[1:]}")
            out = out if out.dtype == np.float32 else out.astype(np.float32)
            out[sel] = _brightness_batch(out[sel], factors[sel], False, img_channel)
        return out

    def random_transform(self, x: np.ndarray, seed: Optional[int] = None) -> np.ndarray:
        """A randomly transformed copy of one 3-D image."""
        params = self.get_random_transform(x.shape, seed)
        return self.apply_transform(x, params)

    def _random_transform_batch(self, batch: np.ndarray) -> np.ndarray:
        return self._apply_transform_batch(batch, self._random_columns(len(batch),
                                                                       batch.shape[1:]))

    def fit(self, x, augment: bool = False, rounds: int = 1, seed: Optional[int] = None) -> None:
        """Compute the dataset statistics that featurewise centring/normalisation and ZCA use.

        Args:
            x: images, rank 4.
            augment: also fit on `rounds` randomly augmented copies.
            rounds: number of augmented passes when `augment`.
            seed: numpy seed.
        """
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim != 4:
            raise ValueError("Input to `.fit()` should have rank 4. Got array with shape: "
                             + str(x.shape))
        if x.shape[self.channel_axis] not in (1, 3, 4):
            warnings.warn(f'Expected input to be images (as Numpy array) following the data '
                          f'format convention "{self.data_format}" (channels on axis '
                          f'{self.channel_axis}), i.e. expected either 1, 3 or 4 channels on axis '
                          f'{self.channel_axis}. However, it was passed an array with shape '
                          f'{x.shape} ({x.shape[self.channel_axis]} channels).')
        if seed is not None:
            np.random.seed(seed)
        x = np.copy(x)
        if self.rescale:
            x *= self.rescale
        if augment:
            x = np.concatenate([self._random_transform_batch(x) for _ in range(rounds)])
            x = x.astype(self.dtype, copy=False)
        broadcast = [1, 1, 1]
        broadcast[self.channel_axis - 1] = x.shape[self.channel_axis]
        if self.featurewise_center:
            self.mean = np.mean(x, axis=(0, self.row_axis, self.col_axis)).reshape(broadcast)
            x -= self.mean
        if self.featurewise_std_normalization:
            self.std = np.std(x, axis=(0, self.row_axis, self.col_axis)).reshape(broadcast)
            x /= self.std + 1e-6
        if self.zca_whitening:
            n = len(x)
            flat_x = np.reshape(x, (n, -1))
            u, s, _ = np.linalg.svd(flat_x.T, full_matrices=False)
            s_inv = np.sqrt(n) / (s + self.zca_epsilon)
            self.zca_whitening_matrix = (u * s_inv).dot(u.T)

    def _transform_and_standardize(self, batch: np.ndarray) -> np.ndarray:
        """The per-batch pipeline of the iterators: random transforms, then `standardize`.
        `batch` is only read (it may be a view of the iterator's data)."""
        batch = self._random_transform_batch(batch)
        if batch.dtype != np.dtype(self.dtype) or not batch.flags.c_contiguous:
            batch = np.ascontiguousarray(batch, dtype=self.dtype)
        return np.asarray(self._standardize_batch(batch), dtype=self.dtype)


# -- iterators ----------------------------------------------------------------------------

class Iterator(Sequence):
    """Base of the image iterators: batches of indices into `n` samples, usable both as an
    endless python iterator (`next()`) and as a `Sequence` (`it[i]`, `len(it)`).

    Args:
        n: number of samples.
        batch_size: samples per batch.
        shuffle: shuffle the order at the start of each epoch.
        seed: numpy seed; batch `k` is generated with seed `seed + k`.
    """

    white_list_formats = WHITE_LIST_FORMATS

    def __init__(self, n: int, batch_size: int, shuffle: bool, seed: Optional[int]):
        self.n = n
        self.batch_size = batch_size
        self.seed = seed
        self.shuffle = shuffle
        self.batch_index = 0
        self.total_batches_seen = 0
        self.lock = threading.Lock()
        self.index_array = None
        self.index_generator = self._flow_index()

    def _set_index_array(self) -> None:
        self.index_array = np.arange(self.n)
        if self.shuffle:
            self.index_array = np.random.permutation(self.n)

    def __getitem__(self, idx: int):
        if idx >= len(self):
            raise ValueError(f"Asked to retrieve element {idx}, but the Sequence has length "
                             f"{len(self)}")
        if self.seed is not None:
            np.random.seed(self.seed + self.total_batches_seen)
        self.total_batches_seen += 1
        if self.index_array is None:
            self._set_index_array()
        index_array = self.index_array[self.batch_size * idx:self.batch_size * (idx + 1)]
        return self._get_batches_of_transformed_samples(index_array)

    def __len__(self) -> int:
        return (self.n + self.batch_size - 1) // self.batch_size

    def on_epoch_end(self) -> None:
        self._set_index_array()

    def reset(self) -> None:
        self.batch_index = 0

    def _flow_index(self):
        self.reset()
        while True:
            if self.seed is not None:
                np.random.seed(self.seed + self.total_batches_seen)
            if self.batch_index == 0:
                self._set_index_array()
            current = 0 if self.n == 0 else (self.batch_index * self.batch_size) % self.n
            if self.n > current + self.batch_size:
                self.batch_index += 1
            else:
                self.batch_index = 0
            self.total_batches_seen += 1
            yield self.index_array[current:current + self.batch_size]

    def __iter__(self):
        return self

    def __next__(self):
        return self.next()

    def next(self):
        """The next batch (endless: epochs follow each other)."""
        with self.lock:
            index_array = next(self.index_generator)
        return self._get_batches_of_transformed_samples(index_array)

    def _get_batches_of_transformed_samples(self, index_array):
        raise NotImplementedError(f"{type(self).__name__} must implement "
                                  "_get_batches_of_transformed_samples(index_array).")


def _save_batch(batch_x, index_array, data_format, save_to_dir, save_prefix, save_format,
                hash_high: int) -> None:
    for i, j in enumerate(index_array):
        img = array_to_img(batch_x[i], data_format, scale=True)
        fname = "{prefix}_{index}_{hash}.{format}".format(
            prefix=save_prefix, index=j, hash=np.random.randint(hash_high), format=save_format)
        img.save(os.path.join(save_to_dir, fname))


class NumpyArrayIterator(Iterator):
    """Batches of augmented images from numpy arrays (what `ImageDataGenerator.flow` returns).

    Args:
        x: images, rank 4; or a tuple `(images, other)` where `other` is an array or a list
            of arrays passed through alongside.
        y: labels or None.
        image_data_generator: the `ImageDataGenerator` doing the augmentation.
        batch_size, shuffle, seed: see `Iterator`.
        sample_weight: per-sample weights, returned as a third element.
        data_format, save_to_dir, save_prefix, save_format, subset, ignore_class_split, dtype:
            as in `ImageDataGenerator.flow`.
    """

    def __init__(self, x, y, image_data_generator: ImageDataGenerator, batch_size: int = 32,
                 shuffle: bool = False, sample_weight=None, seed: Optional[int] = None,
                 data_format: Optional[str] = None, save_to_dir: Optional[str] = None,
                 save_prefix: str = "", save_format: str = "png", subset: Optional[str] = None,
                 ignore_class_split: bool = False, dtype: Optional[str] = None):
        data_format = config.normalize_data_format(data_format)
        self.dtype = dtype or config.floatx()
        if isinstance(x, (tuple, list)):
            x_misc = ([np.asarray(a) for a in x[1]] if isinstance(x[1], list)
                      else [np.asarray(x[1])])
            x = x[0]
            for extra in x_misc:
                if len(x) != len(extra):
                    raise ValueError("All of the arrays in `x` should have the same length. "
                                     f"Found a pair with: len(x[0]) = {len(x)}, "
                                     f"len(x[?]) = {len(extra)}")
        else:
            x_misc = []
        if y is not None and len(x) != len(y):
            raise ValueError("`x` (images tensor) and `y` (labels) should have the same length. "
                             f"Found: x.shape = {np.asarray(x).shape}, y.shape = "
                             f"{np.asarray(y).shape}")
        if sample_weight is not None and len(x) != len(sample_weight):
            raise ValueError("`x` (images tensor) and `sample_weight` should have the same "
                             f"length. Found: x.shape = {np.asarray(x).shape}, "
                             f"sample_weight.shape = {np.asarray(sample_weight).shape}")
        if subset is not None:
            x, y, x_misc = self._split(x, y, x_misc, subset, image_data_generator,
                                       ignore_class_split)
        try:
            self.x = np.asarray(x, dtype=self.dtype)
        except (ValueError, TypeError) as e:
            raise ValueError("`x` must be a numeric array of images (rank 4); it could not be "
                             f"converted to {self.dtype}: {e}") from None
        self.x_misc = x_misc
        if self.x.ndim != 4:
            raise ValueError("Input data in `NumpyArrayIterator` should have rank 4. You passed "
                             "an array with shape", self.x.shape)
        channels_axis = 3 if data_format == "channels_last" else 1
        if self.x.shape[channels_axis] not in (1, 3, 4):
            warnings.warn(f'NumpyArrayIterator is set to use the data format convention '
                          f'"{data_format}" (channels on axis {channels_axis}), i.e. expected '
                          f'either 1, 3, or 4 channels on axis {channels_axis}. However, it was '
                          f'passed an array with shape {self.x.shape} '
                          f'({self.x.shape[channels_axis]} channels).')
        self.y = np.asarray(y) if y is not None else None
        self.sample_weight = np.asarray(sample_weight) if sample_weight is not None else None
        self.image_data_generator = image_data_generator
        self.data_format = data_format
        self.save_to_dir = save_to_dir
        self.save_prefix = save_prefix
        self.save_format = save_format
        super().__init__(self.x.shape[0], batch_size, shuffle, seed)

    @staticmethod
    def _split(x, y, x_misc, subset, generator, ignore_class_split):
        if subset not in ("training", "validation"):
            raise ValueError("Invalid subset name:", subset,
                             '; expected "training" or "validation".')
        split_idx = int(len(x) * generator._validation_split)
        if (y is not None and not ignore_class_split
                and not np.array_equal(np.unique(y[:split_idx]), np.unique(y[split_idx:]))):
            raise ValueError("Training and validation subsets have different number of classes "
                             "after the split. If your numpy arrays are sorted by the label, you "
                             "might want to shuffle them.")
        part = slice(None, split_idx) if subset == "validation" else slice(split_idx, None)
        x_misc = [np.asarray(a[part]) for a in x_misc]
        return x[part], (y[part] if y is not None else None), x_misc

    def _get_batches_of_transformed_samples(self, index_array):
        # the pipeline never writes into its input: a run of consecutive samples (no shuffle)
        # is passed as a view instead of a copy
        first = index_array[0] if len(index_array) else 0
        if len(index_array) and index_array[-1] - first == len(index_array) - 1 \
                and np.array_equal(index_array, np.arange(first, first + len(index_array))):
            images = self.x[first:first + len(index_array)]
        else:
            images = self.x[index_array]
        batch_x = self.image_data_generator._transform_and_standardize(images)
        if self.save_to_dir:
            _save_batch(batch_x, index_array, self.data_format, self.save_to_dir,
                        self.save_prefix, self.save_format, int(1e4))
        misc = [a[index_array] for a in self.x_misc]
        output = (batch_x if not misc else [batch_x] + misc,)
        if self.y is None:
            return output[0]
        output += (self.y[index_array],)
        if self.sample_weight is not None:
            output += (self.sample_weight[index_array],)
        return output


class BatchFromFilesMixin:
    """Loading, augmenting and labelling batches of image files (directory or dataframe)."""

    def set_processing_attrs(self, image_data_generator, target_size, color_mode, data_format,
                             save_to_dir, save_prefix, save_format, subset, interpolation,
                             keep_aspect_ratio) -> None:
        self.image_data_generator = image_data_generator
        self.target_size = tuple(target_size)
        self.keep_aspect_ratio = keep_aspect_ratio
        channels = {"rgba": 4, "rgb": 3, "grayscale": 1}
        if color_mode not in channels:
            raise ValueError("Invalid color mode:", color_mode,
                             '; expected "rgb", "rgba", or "grayscale".')
        self.color_mode = color_mode
        self.data_format = data_format
        c = channels[color_mode]
        self.image_shape = (self.target_size + (c,) if data_format == "channels_last"
                            else (c,) + self.target_size)
        self.save_to_dir = save_to_dir
        self.save_prefix = save_prefix
        self.save_format = save_format
        self.interpolation = interpolation
        if subset is not None:
            split = image_data_generator._validation_split
            if subset == "validation":
                self.split = (0, split)
            elif subset == "training":
                self.split = (split, 1)
            else:
                raise ValueError(f'Invalid subset name: {subset};expected "training" or '
                                 '"validation"')
        else:
            self.split = None
        self.subset = subset

    def _load(self, path: str) -> np.ndarray:
        try:
            img = load_img(path, color_mode=self.color_mode, target_size=self.target_size,
                           interpolation=self.interpolation,
                           keep_aspect_ratio=self.keep_aspect_ratio)
        except OSError as e:
            raise type(e)(f"Cannot read the image file {path!r}: {e}. Remove or replace it.") from e
        x = img_to_array(img, data_format=self.data_format, dtype=self.dtype)
        if hasattr(img, "close"):
            img.close()
        return x

    def _get_batches_of_transformed_samples(self, index_array):
        filepaths = self.filepaths
        if len(index_array) > 4:  # decoding files releases the GIL: read them in parallel
            with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
                images = list(pool.map(self._load, [filepaths[j] for j in index_array]))
        else:
            images = [self._load(filepaths[j]) for j in index_array]
        batch_x = (np.stack(images).astype(self.dtype, copy=False) if images
                   else np.zeros((0,) + self.image_shape, dtype=self.dtype))
        if self.image_data_generator:
            batch_x = self.image_data_generator._transform_and_standardize(batch_x)
        if self.save_to_dir:
            _save_batch(batch_x, index_array, self.data_format, self.save_to_dir,
                        self.save_prefix, self.save_format, int(1e7))
        return self._with_labels(batch_x, index_array)

    def _with_labels(self, batch_x, index_array):
        mode = self.class_mode
        if mode == "input":
            batch_y = batch_x.copy()
        elif mode in ("binary", "sparse"):
            batch_y = np.asarray([self.classes[j] for j in index_array], dtype=self.dtype)
        elif mode == "categorical":
            batch_y = np.zeros((len(batch_x), len(self.class_indices)), dtype=self.dtype)
            for i, j in enumerate(index_array):
                batch_y[i, self.classes[j]] = 1.0
        elif mode == "multi_output":
            batch_y = [output[index_array] for output in self.labels]
        elif mode == "raw":
            batch_y = self.labels[index_array]
        else:
            return batch_x
        if self.sample_weight is None:
            return batch_x, batch_y
        return batch_x, batch_y, self.sample_weight[index_array]

    @property
    def filepaths(self):
        raise NotImplementedError(f"`filepaths` property method has not been implemented in "
                                  f"{type(self).__name__}.")

    @property
    def labels(self):
        raise NotImplementedError(f"`labels` property method has not been implemented in "
                                  f"{type(self).__name__}.")

    @property
    def sample_weight(self):
        raise NotImplementedError(f"`sample_weight` property method has not been implemented "
                                  f"in {type(self).__name__}.")


def _iter_valid_files(directory: str, white_list_formats, follow_links: bool):
    """(folder, file name) of every image file under `directory`, folders and files sorted."""
    walk = sorted(os.walk(directory, followlinks=follow_links), key=lambda entry: entry[0])
    for root, _, files in walk:
        for fname in sorted(files):
            if fname.lower().endswith(".tiff"):
                warnings.warn('Using ".tiff" files with multiple bands will cause distortion. '
                              "Please verify your output.")
            if fname.lower().endswith(white_list_formats):
                yield root, fname


def _list_valid_filenames_in_directory(directory, white_list_formats, split, class_indices,
                                       follow_links):
    """Class indices and paths relative to the parent of `directory`, for one class folder."""
    dirname = os.path.basename(directory)
    valid = list(_iter_valid_files(directory, white_list_formats, follow_links))
    if split:
        start, stop = int(split[0] * len(valid)), int(split[1] * len(valid))
        valid = valid[start:stop]
    classes, filenames = [], []
    for root, fname in valid:
        classes.append(class_indices[dirname])
        absolute = os.path.join(root, fname)
        filenames.append(os.path.join(dirname, os.path.relpath(absolute, directory)))
    return classes, filenames


class DirectoryIterator(BatchFromFilesMixin, Iterator):
    """Batches of augmented images from `directory/<class name>/<files>`.

    Classes are the sub-folders (sorted) unless `classes` lists them; files are taken in
    sorted order, recursively. `class_mode`: 'categorical' (one-hot), 'binary' / 'sparse'
    (class index), 'input' (the images themselves) or None (images only).
    """

    allowed_class_modes = {"categorical", "binary", "sparse", "input", None}

    def __init__(self, directory: str, image_data_generator, target_size=(256, 256),
                 color_mode: str = "rgb", classes=None, class_mode="categorical",
                 batch_size: int = 32, shuffle: bool = True, seed=None, data_format=None,
                 save_to_dir=None, save_prefix: str = "", save_format: str = "png",
                 follow_links: bool = False, subset=None, interpolation: str = "nearest",
                 keep_aspect_ratio: bool = False, dtype=None):
        data_format = config.normalize_data_format(data_format)
        self.dtype = dtype or config.floatx()
        self.set_processing_attrs(image_data_generator, target_size, color_mode, data_format,
                                  save_to_dir, save_prefix, save_format, subset, interpolation,
                                  keep_aspect_ratio)
        self.directory = directory
        if class_mode not in self.allowed_class_modes:
            raise ValueError(f"Invalid class_mode: {class_mode}; expected one of: "
                             f"{self.allowed_class_modes}")
        self.class_mode = class_mode
        if not os.path.isdir(directory):
            raise FileNotFoundError(f"flow_from_directory: {directory!r} is not a directory. "
                                    "Expected a folder with one sub-folder of images per class.")
        if not classes:
            classes = [d for d in sorted(os.listdir(directory))
                       if os.path.isdir(os.path.join(directory, d))]
        self.num_classes = len(classes)
        self.class_indices = dict(zip(classes, range(len(classes))))
        folders = [os.path.join(directory, c) for c in classes]
        with ThreadPoolExecutor(max_workers=max(1, min(8, len(folders)))) as pool:
            listed = list(pool.map(lambda d: _list_valid_filenames_in_directory(
                d, self.white_list_formats, self.split, self.class_indices, follow_links),
                folders))
        self.filenames = [f for _, names in listed for f in names]
        self.samples = len(self.filenames)
        self.classes = np.array([c for cls, _ in listed for c in cls], dtype="int32")
        print_msg(f"Found {self.samples} images belonging to {self.num_classes} classes.")
        if self.samples == 0:
            warnings.warn(f"flow_from_directory found no images in {directory!r}: it expects "
                          "one sub-folder per class holding files ending in "
                          f"{', '.join(WHITE_LIST_FORMATS)}.")
        self._filepaths = [os.path.join(self.directory, f) for f in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed)

    @property
    def filepaths(self):
        return self._filepaths

    @property
    def labels(self):
        return self.classes

    @property
    def sample_weight(self):
        return None


class DataFrameIterator(BatchFromFilesMixin, Iterator):
    """Batches of augmented images whose paths (column `x_col`, relative to `directory`) and
    labels (`y_col`) come from a pandas DataFrame.

    `class_mode`: 'categorical' (labels are class names or lists of them), 'binary', 'sparse',
    'raw' (the `y_col` values as they are), 'multi_output' (`y_col` is a list of columns),
    'input' or None.
    """

    allowed_class_modes = {"binary", "categorical", "input", "multi_output", "raw", "sparse", None}

    def __init__(self, dataframe, directory=None, image_data_generator=None, x_col="filename",
                 y_col="class", weight_col=None, target_size=(256, 256), color_mode="rgb",
                 classes=None, class_mode="categorical", batch_size=32, shuffle=True, seed=None,
                 data_format="channels_last", save_to_dir=None, save_prefix="",
                 save_format="png", subset=None, interpolation="nearest",
                 keep_aspect_ratio=False, dtype="float32", validate_filenames=True):
        self.set_processing_attrs(image_data_generator, target_size, color_mode, data_format,
                                  save_to_dir, save_prefix, save_format, subset, interpolation,
                                  keep_aspect_ratio)
        df = dataframe.copy()
        self.directory = directory or ""
        self.class_mode = class_mode
        self.dtype = dtype
        self._check_params(df, x_col, y_col, weight_col, classes)
        if validate_filenames:
            df = self._filter_valid_filepaths(df, x_col)
        labelled = class_mode not in ("input", "multi_output", "raw", None)
        if labelled:
            df, classes = self._filter_classes(df, y_col, classes)
            self.class_indices = dict(zip(classes, range(len(classes))))
        if self.split:
            start, stop = int(self.split[0] * len(df)), int(self.split[1] * len(df))
            df = df.iloc[start:stop, :]
        if labelled:
            self.classes = self.get_classes(df, y_col)
        self.filenames = df[x_col].tolist()
        self._sample_weight = df[weight_col].values if weight_col else None
        if class_mode == "multi_output":
            self._targets = [np.array(df[col].tolist()) for col in y_col]
        if class_mode == "raw":
            self._targets = df[y_col].values
        self.samples = len(self.filenames)
        validated = "validated" if validate_filenames else "non-validated"
        if labelled:
            print_msg(f"Found {self.samples} {validated} image filenames belonging to "
                      f"{len(classes)} classes.")
        else:
            print_msg(f"Found {self.samples} {validated} image filenames.")
        self._filepaths = [os.path.join(self.directory, f) for f in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed)

    def _check_params(self, df, x_col, y_col, weight_col, classes) -> None:
        if self.class_mode not in self.allowed_class_modes:
            raise ValueError(f"Invalid class_mode: {self.class_mode}; expected one of: "
                             f"{self.allowed_class_modes}")
        if self.class_mode == "multi_output" and not isinstance(y_col, list):
            raise TypeError(f'If class_mode="{self.class_mode}", y_col must be a list. '
                            f"Received {type(y_col).__name__}.")
        if not all(isinstance(v, str) for v in df[x_col]):
            raise TypeError(f"All values in column x_col={x_col} must be strings.")
        if self.class_mode in ("binary", "sparse"):
            if not all(isinstance(v, str) for v in df[y_col]):
                raise TypeError(f'If class_mode="{self.class_mode}", y_col="{y_col}" column '
                                "values must be strings.")
        if self.class_mode == "binary":
            if classes:
                if len(set(classes)) != 2:
                    raise ValueError('If class_mode="binary" there must be 2 classes. '
                                     f"{len(set(classes))} class/es were given.")
            elif df[y_col].nunique() != 2:
                raise ValueError('If class_mode="binary" there must be 2 classes. Found '
                                 f"{df[y_col].nunique()} classes.")
        if self.class_mode == "categorical":
            if not all(isinstance(v, (str, list, tuple)) for v in df[y_col]):
                raise TypeError(f'If class_mode="{self.class_mode}", y_col="{y_col}" column '
                                "values must be type string, list or tuple.")
        if classes and self.class_mode in ("input", "multi_output", "raw", None):
            warnings.warn(f'`classes` will be ignored given the class_mode="{self.class_mode}"')
        if weight_col and not issubclass(df[weight_col].dtype.type, np.number):
            raise TypeError(f"Column weight_col={weight_col} must be numeric.")

    def get_classes(self, df, y_col) -> list:
        labels = []
        for label in df[y_col]:
            if isinstance(label, (list, tuple)):
                labels.append([self.class_indices[lbl] for lbl in label])
            else:
                labels.append(self.class_indices[label])
        return labels

    @staticmethod
    def _filter_classes(df, y_col, classes):
        df = df.copy()

        def keep_known(labels, known):
            if isinstance(labels, (list, tuple)):
                return [c for c in labels if c in known] or None
            if isinstance(labels, str):
                return labels if labels in known else None
            raise TypeError(f"Expect string, list or tuple but found {type(labels)} in {y_col} "
                            "column ")

        if classes:
            classes = list(OrderedDict.fromkeys(classes).keys())
            df[y_col] = df[y_col].apply(lambda v: keep_known(v, classes))
        else:
            found = set()
            for v in df[y_col]:
                found.update(v if isinstance(v, (list, tuple)) else [v])
            classes = sorted(found)
        return df.dropna(subset=[y_col]), classes

    def _filter_valid_filepaths(self, df, x_col):
        mask = np.array([fname.lower().endswith(self.white_list_formats)
                         and os.path.isfile(os.path.join(self.directory, fname))
                         for fname in df[x_col]], dtype=bool)
        n_invalid = int((~mask).sum())
        if n_invalid:
            warnings.warn(f'Found {n_invalid} invalid image filename(s) in x_col="{x_col}". '
                          "These filename(s) will be ignored.")
        return df[mask]

    @property
    def filepaths(self):
        return self._filepaths

    @property
    def labels(self):
        if self.class_mode in ("multi_output", "raw"):
            return self._targets
        return self.classes

    @property
    def sample_weight(self):
        return self._sample_weight
