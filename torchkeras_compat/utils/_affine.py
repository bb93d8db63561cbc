"""Batched affine warps of images with torch, reproducing ``scipy.ndimage.affine_transform``
(orders 0 and 1) as Keras 2's ImageDataGenerator used it.

One sampling grid is built for a whole batch and applied with ``grid_sample``; the fill modes
are reproduced by mapping source coordinates the way scipy does before sampling:

- 'nearest':  clamp to the edge pixel;
- 'reflect':  half-sample symmetric (d c b a | a b c d | d c b a);
- 'mirror':   whole-sample symmetric (d c b | a b c d | c b a);
- 'wrap':     scipy's wrap, period ``n - 1`` (the first and last pixels overlap);
- 'constant': ``cval`` where a source coordinate lies outside ``[0, n - 1]``.
"""
from typing import Tuple

import numpy as np
import torch
import torch.nn.functional as F

FILL_MODES = ("constant", "nearest", "reflect", "wrap", "mirror")


def keras_transform_matrices(theta, tx, ty, shear, zx, zy, size: Tuple[int, int],
                             swap_axes: bool) -> Tuple[np.ndarray, np.ndarray]:
    """Keras 2's per-image affine matrices, for a batch of parameters.

    All parameter arguments are 1-D arrays of length B (theta and shear in degrees). The
    matrix is rotation @ shift @ shear @ zoom, recentred on the image centre computed from
    `size` = (extent of the first spatial axis, extent of the second); `swap_axes` exchanges
    the two coordinates (Keras does so when the column axis comes after the row axis).

    Returns:
        `(matrix (B, 2, 2), offset (B, 2))`, float64: source = matrix @ output + offset.
    """
    theta = np.deg2rad(np.asarray(theta, dtype=np.float64))
    shear = np.deg2rad(np.asarray(shear, dtype=np.float64))
    b = theta.shape[0]
    one, zero = np.ones(b), np.zeros(b)

    def stack(rows):
        return np.stack([np.stack(r, axis=-1) for r in rows], axis=-2)

    rotation = stack([[np.cos(theta), -np.sin(theta), zero], [np.sin(theta), np.cos(theta), zero],
                      [zero, zero, one]])
    shift = stack([[one, zero, np.asarray(tx, np.float64)], [zero, one, np.asarray(ty, np.float64)],
                   [zero, zero, one]])
    shearing = stack([[one, -np.sin(shear), zero], [zero, np.cos(shear), zero], [zero, zero, one]])
    zoom = stack([[np.asarray(zx, np.float64), zero, zero], [zero, np.asarray(zy, np.float64), zero],
                  [zero, zero, one]])
    # identity factors multiply exactly, so composing all four equals Keras's skipping them
    matrix = rotation @ shift @ shearing @ zoom
    o_x, o_y = float(size[0]) / 2 - 0.5, float(size[1]) / 2 - 0.5
    offset = np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]], dtype=np.float64)
    reset = np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]], dtype=np.float64)
    matrix = offset @ matrix @ reset
    if swap_axes:
        matrix = matrix[:, [1, 0, 2]][:, :, [1, 0, 2]]
    return matrix[:, :2, :2].copy(), matrix[:, :2, 2].copy()


def _reflect(c: torch.Tensor, n: int) -> torch.Tensor:
    if n == 1:
        return torch.zeros_like(c)
    t = torch.remainder(c + 0.5, 2 * n)
    t = torch.where(t >= n, 2 * n - t, t)
    return (t - 0.5).clamp_(0, n - 1)


def _mirror(c: torch.Tensor, n: int) -> torch.Tensor:
    if n == 1:
        return torch.zeros_like(c)
    period = 2 * (n - 1)
    t = torch.remainder(c, period)
    return torch.where(t > n - 1, period - t, t)


def _wrap(c: torch.Tensor, n: int) -> torch.Tensor:
    if n == 1:
        return torch.zeros_like(c)
    inside = (c >= 0) & (c <= n - 1)
    return torch.where(inside, c, torch.remainder(c, n - 1))


def _map_coordinates(c: torch.Tensor, n: int, fill_mode: str) -> torch.Tensor:
    if fill_mode == "reflect":
        return _reflect(c, n)
    if fill_mode == "mirror":
        return _mirror(c, n)
    if fill_mode == "wrap":
        return _wrap(c, n)
    return c  # 'nearest' and 'constant': grid_sample's border padding clamps


def _separable_coordinates(matrix: np.ndarray, offset: np.ndarray, k: int, h: int, w: int,
                           scale: float, shift: float, out: torch.Tensor = None, dtype=None,
                           device=None) -> torch.Tensor:
    """Source coordinate `k` (0: row, 1: column) of every output pixel, times `scale` plus
    `shift`, as a (B, h, w) tensor: the part from the row index (with the offset) plus the part
    from the column index, each computed exactly in float64 and summed once."""
    rows = np.arange(h, dtype=np.float64)
    cols = np.arange(w, dtype=np.float64)
    from_rows = (matrix[:, k, 0, None] * rows[None, :] + offset[:, k, None]) * scale + shift
    from_cols = matrix[:, k, 1, None] * cols[None, :] * scale
    if out is not None:
        dtype, device = out.dtype, out.device
    a = torch.as_tensor(from_rows, dtype=dtype, device=device)
    c = torch.as_tensor(from_cols, dtype=dtype, device=device)
    if out is None:
        return a[:, :, None] + c[:, None, :]
    return torch.add(a[:, :, None], c[:, None, :], out=out)


def warp_affine(images: torch.Tensor, matrix: np.ndarray, offset: np.ndarray,
                fill_mode: str = "nearest", cval: float = 0.0, order: int = 1) -> torch.Tensor:
    """Warp a batch: ``out[b, :, i, j] = images[b, :, matrix[b] @ (i, j) + offset[b]]``.

    Args:
        images: float tensor `(B, C, H, W)`; the result has its dtype and device.
        matrix: `(B, 2, 2)` float64, acting on (row, column) coordinates.
        offset: `(B, 2)` float64.
        fill_mode: 'constant', 'nearest', 'reflect', 'wrap' or 'mirror' (scipy's meanings).
        cval: value outside the image with 'constant'.
        order: 0 (nearest pixel, halves rounded up like scipy) or 1 (bilinear).
    """
    if fill_mode not in FILL_MODES:
        raise ValueError(f"Unknown fill_mode {fill_mode!r}; use one of {', '.join(FILL_MODES)}.")
    if order not in (0, 1):
        raise NotImplementedError(f"interpolation_order={order} is not supported: only 0 "
                                  "(nearest) and 1 (bilinear) are implemented; spline orders "
                                  "2-5 are not.")
    b, _, h, w = images.shape
    dtype, device = images.dtype, images.device
    grid = torch.empty((b, h, w, 2), dtype=dtype, device=device)
    # grid[..., 0] is the source column (x), grid[..., 1] the source row (y)
    if fill_mode == "nearest" and order == 1:
        # clamping is all this mode needs, and grid_sample's border padding does it: build
        # the normalised grid directly
        for comp, k, n in ((0, 1, w), (1, 0, h)):
            _separable_coordinates(matrix, offset, k, h, w, 2.0 / n, 1.0 / n - 1.0,
                                   out=grid[..., comp])
        return F.grid_sample(images, grid, mode="bilinear", padding_mode="border",
                             align_corners=False)
    src_r = _separable_coordinates(matrix, offset, 0, h, w, 1.0, 0.0, dtype=dtype, device=device)
    src_c = _separable_coordinates(matrix, offset, 1, h, w, 1.0, 0.0, dtype=dtype, device=device)
    outside = None
    if fill_mode == "constant":
        outside = (src_r < 0) | (src_r > h - 1) | (src_c < 0) | (src_c > w - 1)
    if order == 0 and fill_mode == "mirror":
        # scipy rounds before mirroring past the far edge (ties then fall inwards)
        src_r = torch.where(src_r > h - 1, torch.floor(src_r + 0.5), src_r)
        src_c = torch.where(src_c > w - 1, torch.floor(src_c + 0.5), src_c)
    src_r = _map_coordinates(src_r, h, fill_mode)
    src_c = _map_coordinates(src_c, w, fill_mode)
    if order == 0:
        src_r = torch.floor(src_r + 0.5)
        src_c = torch.floor(src_c + 0.5)
    # pixel -> normalised coordinates for align_corners=False
    torch.add(src_c * (2.0 / w), 1.0 / w - 1.0, out=grid[..., 0])
    torch.add(src_r * (2.0 / h), 1.0 / h - 1.0, out=grid[..., 1])
    out = F.grid_sample(images, grid, mode="bilinear" if order == 1 else "nearest",
                        padding_mode="border", align_corners=False)
    if outside is not None:
        out = out.masked_fill_(outside[:, None], float(cval))
    return out
