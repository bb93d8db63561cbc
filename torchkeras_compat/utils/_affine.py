"""Pieces of batched affine warps with torch that reproduce ``scipy.ndimage.affine_transform``
(orders 0 and 1) as Keras 2's ImageDataGenerator used it: Keras's transform matrices for a
batch, and scipy's fill modes as maps of source coordinates (the warp itself is in
``preprocessing/image.py``):

- 'nearest':  clamp to the edge pixel;
- 'reflect':  half-sample symmetric (d c b a | a b c d | d c b a);
- 'mirror':   whole-sample symmetric (d c b | a b c d | c b a);
- 'wrap':     scipy's wrap, period ``n - 1`` (the first and last pixels overlap);
- 'constant': ``cval`` where a source coordinate lies outside ``[0, n - 1]``.
"""
from typing import Tuple

import numpy as np
import torch

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
