"""Image files and arrays (``keras.utils.image_utils``): ``load_img``, ``img_to_array``,
``array_to_img``, ``save_img`` and ``smart_resize``. PIL is imported on first use only."""
import io
import os
import pathlib
import warnings
from typing import Optional, Tuple

import numpy as np

from torchkeras_compat.backend import config

__all__ = ["load_img", "img_to_array", "array_to_img", "save_img", "smart_resize"]


def _pil():
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is a declared dependency
        raise ImportError("Could not import PIL.Image. Image files need Pillow: "
                          "`pip install Pillow`.") from None
    return Image


def _pil_resampling(name: str):
    Image = _pil()
    methods = getattr(Image, "Resampling", Image)
    table = {"nearest": methods.NEAREST, "bilinear": methods.BILINEAR,
             "bicubic": methods.BICUBIC, "hamming": methods.HAMMING, "box": methods.BOX,
             "lanczos": methods.LANCZOS}
    if name not in table:
        raise ValueError(f"Invalid interpolation method {name} specified. Supported methods "
                         f"are {', '.join(table)}")
    return table[name]


def load_img(path, grayscale: bool = False, color_mode: str = "rgb",
             target_size: Optional[Tuple[int, int]] = None, interpolation: str = "nearest",
             keep_aspect_ratio: bool = False):
    """Load an image file as a PIL image.

    Args:
        path: file path (str, bytes, pathlib.Path) or an `io.BytesIO`.
        grayscale: deprecated; same as `color_mode='grayscale'`.
        color_mode: 'grayscale', 'rgb' or 'rgba'.
        target_size: `(height, width)` to resize to, or None for the file's size.
        interpolation: PIL resampling: 'nearest', 'bilinear', 'bicubic', 'hamming', 'box',
            'lanczos'.
        keep_aspect_ratio: crop the centre to the target aspect ratio before resizing.
    """
    if grayscale:
        warnings.warn('grayscale is deprecated. Please use color_mode = "grayscale"')
        color_mode = "grayscale"
    Image = _pil()
    if isinstance(path, io.BytesIO):
        img = Image.open(path)
    elif isinstance(path, (pathlib.Path, bytes, str, os.PathLike)):
        path = os.fspath(path)
        with open(path, "rb") as f:
            img = Image.open(io.BytesIO(f.read()))
    else:
        raise TypeError(f"path should be path-like or io.BytesIO, not {type(path)}")
    if color_mode == "grayscale":
        if img.mode not in ("L", "I;16", "I"):
            img = img.convert("L")
    elif color_mode == "rgba":
        if img.mode != "RGBA":
            img = img.convert("RGBA")
    elif color_mode == "rgb":
        if img.mode != "RGB":
            img = img.convert("RGB")
    else:
        raise ValueError('color_mode must be "grayscale", "rgb", or "rgba"')
    if target_size is not None:
        size = (target_size[1], target_size[0])  # PIL wants (width, height)
        if img.size != size:
            resample = _pil_resampling(interpolation)
            if keep_aspect_ratio:
                img = img.resize(size, resample, box=_center_crop_box(img.size, size))
            else:
                img = img.resize(size, resample)
    return img


def _center_crop_box(size, target):
    """The centred (left, top, right, bottom) box with the target's aspect ratio."""
    width, height = size
    target_width, target_height = target
    crop_height = min(height, width * target_height // target_width)
    crop_width = min(width, height * target_width // target_height)
    top = (height - crop_height) // 2
    left = (width - crop_width) // 2
    return [left, top, left + crop_width, top + crop_height]


def img_to_array(img, data_format: Optional[str] = None, dtype: Optional[str] = None) -> np.ndarray:
    """A PIL image (or array) as a 3-D array: `(h, w, c)` or `(c, h, w)`; grey images get c=1."""
    data_format = config.normalize_data_format(data_format)
    x = np.asarray(img, dtype=dtype or config.floatx())
    if x.ndim == 3:
        if data_format == "channels_first":
            x = x.transpose(2, 0, 1)
    elif x.ndim == 2:
        x = x.reshape((1,) + x.shape if data_format == "channels_first" else x.shape + (1,))
    else:
        raise ValueError(f"Unsupported image shape: {x.shape}")
    return x


def array_to_img(x, data_format: Optional[str] = None, scale: bool = True,
                 dtype: Optional[str] = None):
    """A 3-D array as a PIL image (1 channel: 'L', or 'I' above 255; 3: 'RGB'; 4: 'RGBA').

    Args:
        x: array `(h, w, c)` or `(c, h, w)`.
        data_format: layout of `x`; default the global image data format.
        scale: stretch the values to 0..255 first.
        dtype: dtype `x` is converted to before scaling (default floatx).
    """
    data_format = config.normalize_data_format(data_format)
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    x = np.asarray(x, dtype=dtype or config.floatx())
    if x.ndim != 3:
        raise ValueError("Expected image array to have rank 3 (single image). "
                         f"Got array with shape: {x.shape}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        x_max = np.max(x)
        if x_max != 0:
            x /= x_max
        x *= 255
    Image = _pil()
    channels = x.shape[2]
    if channels == 4:
        return Image.fromarray(x.astype("uint8"), "RGBA")
    if channels == 3:
        return Image.fromarray(x.astype("uint8"), "RGB")
    if channels == 1:
        if np.max(x) > 255:  # 32-bit integer grey image
            return Image.fromarray(x[:, :, 0].astype("int32"), "I")
        return Image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported channel number: {channels}")


def save_img(path, x, data_format: Optional[str] = None, file_format: Optional[str] = None,
             scale: bool = True, **kwargs) -> None:
    """Save a 3-D array as an image file (format from `file_format` or the file name)."""
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format in ("jpg", "jpeg"):
        warnings.warn("The JPG format does not support RGBA images, converting to RGB.")
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def smart_resize(x, size: Tuple[int, int], interpolation: str = "bilinear"):
    """Resize images to `size` without distortion: crop the largest centred box with the
    target aspect ratio, then resize it (TF's half-pixel rule, no antialiasing).

    Args:
        x: image `(h, w, c)` or batch `(n, h, w, c)`, numpy array or torch tensor.
        size: `(height, width)`.
        interpolation: 'bilinear' or 'nearest' (others raise NotImplementedError).

    Returns:
        float32 array (or tensor, for tensor input) of shape `size + (c,)` per image.
    """
    import torch
    import torch.nn.functional as F

    if len(size) != 2:
        raise ValueError(f"Expected `size` to be a tuple of 2 integers, but got: {size}.")
    modes = {"bilinear": "bilinear", "nearest": "nearest-exact"}
    if interpolation not in modes:
        raise NotImplementedError(f"smart_resize: interpolation={interpolation!r} is not "
                                  f"supported here; use one of {sorted(modes)}.")
    is_tensor = isinstance(x, torch.Tensor)
    img = x if is_tensor else torch.as_tensor(np.asarray(x))
    if img.ndim not in (3, 4):
        raise ValueError("Expected an image array with shape `(height, width, channels)`, or "
                         "`(batch_size, height, width, channels)`, but got input with incorrect "
                         f"rank, of shape {tuple(img.shape)}.")
    height, width = int(img.shape[-3]), int(img.shape[-2])
    target_height, target_width = int(size[0]), int(size[1])
    # TF computes the crop in float32 and truncates
    crop_height = min(height, int(np.float32(width * target_height) / np.float32(target_width)))
    crop_width = min(width, int(np.float32(height * target_width) / np.float32(target_height)))
    top = int(np.float32(height - crop_height) / np.float32(2))
    left = int(np.float32(width - crop_width) / np.float32(2))
    img = img[..., top:top + crop_height, left:left + crop_width, :]
    batch = img if img.ndim == 4 else img[None]
    batch = batch.permute(0, 3, 1, 2).to(torch.float32)
    out = F.interpolate(batch, size=(target_height, target_width), mode=modes[interpolation],
                        **({"align_corners": False} if interpolation == "bilinear" else {}))
    out = out.permute(0, 2, 3, 1)
    out = out if img.ndim == 4 else out[0]
    return out if is_tensor else out.contiguous().numpy()
