"""Batched random augmentation: parameters drawn for a whole batch at once, warps sampled in
chunks, against seeded batches recorded from Keras 2 (tests/fixtures/make_image_augment.py)."""
import os
import sys

import numpy as np
import pytest

from torchkeras_compat.preprocessing import image as kimage
from torchkeras_compat.preprocessing.image import ImageDataGenerator

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "fixtures"))
from make_image_augment import CASES, images  # noqa: E402  (the table the fixture was made from)

FIXTURE = os.path.join(HERE, "..", "fixtures", "preprocessing", "image_augment.npz")
# float32 sampling grids against scipy's float64 coordinates, on 0..255 pixel values
ATOL = 2e-3


@pytest.fixture(scope="module")
def ref():
    return dict(np.load(FIXTURE))


@pytest.mark.parametrize("name", sorted(CASES))
def test_seeded_flow_batches_match_keras(ref, name):
    gen_args, flow_args = CASES[name]
    x = images(gen_args.get("data_format") == "channels_first")
    before = x.copy()
    batches = ImageDataGenerator(**gen_args).flow(x, np.arange(len(x)), **flow_args)
    bx, by = batches[0]
    np.testing.assert_array_equal(by, ref[name + "_y"])
    assert bx.dtype == np.float32 and bx.flags.c_contiguous
    atol = ATOL * gen_args.get("rescale", 1)
    if "brightness_range" in gen_args:
        # brightness works in whole uint8 steps: a 1e-4 difference can move a pixel one step
        diff = np.abs(bx - ref[name + "_x"])
        assert np.mean(diff <= atol) > 0.99 and diff.max() <= 1.5 / 255 * 1.3 + atol
    else:
        np.testing.assert_allclose(bx, ref[name + "_x"], rtol=0, atol=atol)
    again, _ = batches[0]  # the iterator's seed moves on with each batch, as in Keras
    if "brightness_range" not in gen_args:
        np.testing.assert_allclose(again, ref[name + "_next_x"], rtol=0, atol=atol)
    np.testing.assert_array_equal(x, before)  # the caller's images are never written to


CONFIGS = [
    dict(rotation_range=20, width_shift_range=0.1, height_shift_range=0.1, shear_range=10,
         zoom_range=0.15, horizontal_flip=True),
    dict(rotation_range=30, width_shift_range=0.2, height_shift_range=3.5, vertical_flip=True,
         channel_shift_range=20.0, brightness_range=(0.5, 1.4), zoom_range=[0.8, 1.3]),
    dict(),
    dict(height_shift_range=[-2, 3], rotation_range=5),  # randint draws: image by image
    dict(width_shift_range=2, shear_range=3, data_format="channels_first"),
]


@pytest.mark.parametrize("config", CONFIGS)
def test_batch_draws_equal_per_image_draws(config):
    gen = ImageDataGenerator(**config)
    shape = (3, 9, 7) if config.get("data_format") == "channels_first" else (9, 7, 3)
    np.random.seed(4)
    batch = gen._random_columns(50, shape)
    after_batch = np.random.random()
    np.random.seed(4)
    one_by_one = kimage._params_to_columns([gen.get_random_transform(shape)
                                            for _ in range(50)])
    assert np.random.random() == after_batch  # numpy's RNG left in the same state
    for key, values in one_by_one.items():
        np.testing.assert_array_equal(batch[key], values, err_msg=key)


def test_batch_transform_equals_image_by_image_transform():
    x = (np.random.RandomState(3).rand(40, 11, 13, 3) * 255).astype("float32")
    for mode in ("nearest", "constant", "reflect", "wrap"):
        gen = ImageDataGenerator(rotation_range=35, width_shift_range=0.2, shear_range=12,
                                 zoom_range=0.25, horizontal_flip=True, vertical_flip=True,
                                 fill_mode=mode, cval=5.0)
        np.random.seed(0)
        batch = gen._random_transform_batch(x)
        np.random.seed(0)
        single = np.stack([gen.random_transform(img) for img in x])
        np.testing.assert_allclose(batch, single, rtol=0, atol=1e-3, err_msg=mode)


def test_chunked_warp_equals_one_pass(monkeypatch):
    # batches bigger than one chunk are warped piecewise: the seams must not show
    x = (np.random.RandomState(1).rand(13, 16, 16, 3) * 255).astype("float32")
    gen = ImageDataGenerator(rotation_range=30, zoom_range=0.2, fill_mode="reflect")
    np.random.seed(2)
    whole = gen._random_transform_batch(x)
    monkeypatch.setattr(kimage, "_CHUNK_BYTES", x[0].nbytes * 4)
    np.random.seed(2)
    np.testing.assert_array_equal(gen._random_transform_batch(x), whole)


def test_unaugmented_flow_leaves_the_data_alone():
    # a shuffle-free flow hands the pipeline a view of the data; in-place normalisation must
    # then work on a copy
    x = np.random.RandomState(0).rand(6, 4, 4, 3).astype("float32")
    before = x.copy()
    gen = ImageDataGenerator(rescale=2.0, samplewise_center=True)
    out = gen.flow(x, batch_size=6, shuffle=False)[0]
    np.testing.assert_array_equal(x, before)
    expected = x * 2 - (x * 2).mean(axis=(1, 2, 3), keepdims=True)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    assert not np.shares_memory(out, x)


def test_uint8_and_float64_generators_keep_their_dtype():
    x = (np.random.RandomState(0).rand(4, 8, 8, 3) * 255).astype("float32")
    for dtype in ("float64", "uint8"):
        gen = ImageDataGenerator(rotation_range=20, dtype=dtype)
        out = gen.flow(x, batch_size=4, shuffle=False, seed=1)[0]
        assert out.dtype == np.dtype(dtype) and out.shape == x.shape
