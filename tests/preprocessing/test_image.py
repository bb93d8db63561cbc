"""keras.preprocessing.image against values recorded from Keras 2 (scipy/PIL based)."""
import os

import numpy as np
import pytest
from PIL import Image, UnidentifiedImageError

from torchkeras_compat.preprocessing import image as kimage
from torchkeras_compat.preprocessing.image import ImageDataGenerator

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "preprocessing", "image.npz")
PARAMS = dict(theta=25.0, tx=1.5, ty=-2.25, shear=10.0, zx=0.9, zy=1.15)
AUGMENT = dict(rotation_range=30, width_shift_range=0.2, height_shift_range=[-2, 3],
               shear_range=15, zoom_range=0.2, channel_shift_range=20.0, horizontal_flip=True,
               vertical_flip=True, brightness_range=(0.5, 1.4), fill_mode="reflect")
# float32 sampling grids: differences to scipy's float64 interpolation stay below this, on 0..255
ATOL = 2e-3


@pytest.fixture(scope="module")
def ref():
    return dict(np.load(FIXTURE))


def test_apply_transform_every_fill_mode_and_order(ref):
    x = ref["x"]
    for mode in ("constant", "nearest", "reflect", "wrap"):
        for order in (0, 1):
            gen = ImageDataGenerator(fill_mode=mode, cval=7.0, interpolation_order=order)
            got = gen.apply_transform(x[0], PARAMS)
            assert got.dtype == np.float32
            np.testing.assert_allclose(got, ref[f"affine_{mode}_{order}"], rtol=0, atol=ATOL,
                                       err_msg=f"{mode} order={order}")
    cf = ImageDataGenerator(data_format="channels_first", fill_mode="wrap")
    np.testing.assert_allclose(cf.apply_transform(np.moveaxis(x[3], -1, 0), PARAMS),
                               ref["affine_channels_first"], atol=ATOL)


def test_flips_channel_shift_and_brightness(ref):
    x = ref["x"]
    gen = ImageDataGenerator()
    got = gen.apply_transform(x[1], dict(flip_horizontal=True, flip_vertical=True,
                                         channel_shift_intensity=30.0))
    np.testing.assert_allclose(got, ref["flip_channel_shift"], rtol=1e-6)
    np.testing.assert_allclose(gen.apply_transform(x[2], dict(brightness=1.3)), ref["brightness"],
                               rtol=1e-6)
    np.testing.assert_allclose(gen.apply_transform(x[2] * 3 - 100, dict(brightness=0.7)),
                               ref["brightness_wide_range"], rtol=1e-5, atol=1e-3)


def test_brightness_follows_pil_for_rgba_and_gray():
    from PIL import ImageEnhance

    rng = np.random.RandomState(1)
    for channels, mode in ((4, "RGBA"), (1, "L"), (3, "RGB")):
        arr = (rng.rand(5, 6, channels) * 255).astype("float32")
        img = kimage.array_to_img(arr, scale=False)
        expected = kimage.img_to_array(ImageEnhance.Brightness(img).enhance(1.7))
        got = kimage.apply_brightness_shift(arr, 1.7, scale=False)
        np.testing.assert_array_equal(got, expected, err_msg=mode)


def test_seeded_augmentation_reproduces_keras(ref):
    # numpy's RNG drives the parameters in Keras's order, so the same seed gives Keras's images
    gen = ImageDataGenerator(**AUGMENT)
    it = gen.flow(ref["x"], np.arange(6), batch_size=4, shuffle=True, seed=11)
    bx, by = it[0]
    np.testing.assert_array_equal(by, ref["augment_batch0_y"])
    # brightness quantises to whole uint8 steps, so a 1e-4 interpolation difference can move a
    # pixel by one step (255 * 1.4 / range); allow that on a handful of pixels
    diff = np.abs(bx - ref["augment_batch0_x"])
    assert np.mean(diff < 0.05) > 0.99 and diff.max() < 3.0
    np.random.seed(5)
    params = [gen.get_random_transform((9, 7, 3)) for _ in range(4)]
    rows = np.array([[np.nan if v is None else float(v) for v in p.values()] for p in params])
    np.testing.assert_array_equal(rows, ref["random_transform_params"])


def test_same_seed_same_batches():
    x = np.random.RandomState(0).rand(8, 10, 10, 3).astype("float32") * 255
    gen = ImageDataGenerator(rotation_range=40, zoom_range=0.3, horizontal_flip=True)
    a = gen.flow(x, batch_size=8, seed=3)[0]
    b = gen.flow(x, batch_size=8, seed=3)[0]
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, x)


def test_normalisation_matches_keras(ref):
    x = ref["x"]
    norm = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True,
                              rescale=1 / 255.0)
    norm.fit(x)
    np.testing.assert_allclose(norm.mean, ref["featurewise_mean"], rtol=1e-6)
    np.testing.assert_allclose(norm.std, ref["featurewise_std"], rtol=1e-6)
    np.testing.assert_allclose(norm.flow(x, batch_size=6, shuffle=False)[0],
                               ref["featurewise_flow"], rtol=1e-5, atol=1e-6)
    sample = ImageDataGenerator(samplewise_center=True, samplewise_std_normalization=True)
    np.testing.assert_allclose(sample.flow(x, batch_size=6, shuffle=False)[0],
                               ref["samplewise_flow"], rtol=1e-5, atol=1e-5)
    with pytest.warns(UserWarning, match="zca_whitening"):
        zca = ImageDataGenerator(zca_whitening=True)
    small = x[:, :4, :4, :]
    zca.fit(small)
    np.testing.assert_allclose(zca.zca_whitening_matrix, ref["zca_matrix"], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(zca.flow(small, batch_size=6, shuffle=False)[0], ref["zca_flow"],
                               rtol=1e-3, atol=1e-3)


def test_flow_extras_subset_weights_and_save(tmp_path):
    x = np.random.RandomState(0).rand(10, 4, 4, 3).astype("float32")
    y = np.array([0, 1] * 5)
    gen = ImageDataGenerator(validation_split=0.2)
    train = gen.flow(x, y, batch_size=16, subset="training", shuffle=False)
    val = gen.flow(x, y, batch_size=16, subset="validation", shuffle=False)
    assert train.n == 8 and val.n == 2
    bx, by, bw = gen.flow(x, y, sample_weight=np.arange(10.0), batch_size=3, shuffle=False)[1]
    assert bw.tolist() == [3.0, 4.0, 5.0]
    (imgs, extra), _ = gen.flow((x, np.arange(10)), y, batch_size=4, shuffle=False)[0]
    assert extra.tolist() == [0, 1, 2, 3]
    gen.flow(x, y, batch_size=2, shuffle=False, save_to_dir=str(tmp_path), save_prefix="aug")[0]
    assert len(os.listdir(tmp_path)) == 2
    with pytest.raises(ValueError, match="rank 4"):
        gen.flow(np.zeros((2, 4, 4)))
    with pytest.warns(UserWarning, match="channels"):
        gen.flow(np.zeros((2, 4, 4, 5)))
    with pytest.raises(ValueError, match="same length"):
        gen.flow(x, y[:3])


def _write_tree(root, sizes=(6, 8)):
    for cls, values in (("dogs", [200, 210]), ("cats", [10, 20, 30])):
        os.makedirs(os.path.join(root, cls))
        for i, v in enumerate(values):
            arr = np.full((sizes[1], sizes[0], 3), v, dtype=np.uint8)
            Image.fromarray(arr).save(os.path.join(root, cls, f"{cls}{i}.png"))


def test_flow_from_directory_class_modes(tmp_path, capsys):
    _write_tree(str(tmp_path))
    gen = ImageDataGenerator(rescale=1 / 255.0, validation_split=0.4)
    it = gen.flow_from_directory(str(tmp_path), target_size=(4, 3), batch_size=5, shuffle=False,
                                 class_mode="sparse")
    assert "Found 5 images belonging to 2 classes." in capsys.readouterr().out
    x, y = it[0]
    assert x.shape == (5, 4, 3, 3) and y.tolist() == [0, 0, 0, 1, 1]
    np.testing.assert_allclose(x[:, 0, 0, 0] * 255, [10, 20, 30, 200, 210], rtol=1e-5)
    gray = gen.flow_from_directory(str(tmp_path), target_size=(4, 3), color_mode="grayscale",
                                   class_mode=None, batch_size=2, shuffle=False)
    assert gray[0].shape == (2, 4, 3, 1)
    same = gen.flow_from_directory(str(tmp_path), target_size=(4, 3), class_mode="input")
    bx, by = same[0]
    np.testing.assert_array_equal(bx, by)
    val = gen.flow_from_directory(str(tmp_path), target_size=(4, 3), subset="validation")
    train = gen.flow_from_directory(str(tmp_path), target_size=(4, 3), subset="training")
    assert val.samples + train.samples == 5
    assert sorted(val.filenames + train.filenames) == sorted(it.filenames)


def test_flow_from_directory_bad_input(tmp_path, capsys):
    os.makedirs(tmp_path / "empty" / "a")
    os.makedirs(tmp_path / "empty" / "b")
    with pytest.warns(UserWarning, match="no images"):
        it = ImageDataGenerator().flow_from_directory(str(tmp_path / "empty"))
    assert "Found 0 images belonging to 2 classes." in capsys.readouterr().out
    assert it.samples == 0 and len(it) == 0
    with pytest.raises(ValueError, match="length 0"):
        it[0]
    bx, by = next(it)  # Keras 2 hands out empty batches
    assert bx.shape == (0, 256, 256, 3) and by.shape == (0, 2)
    with pytest.raises(FileNotFoundError, match="not a directory"):
        ImageDataGenerator().flow_from_directory(str(tmp_path / "missing"))
    os.makedirs(tmp_path / "bad" / "a")
    (tmp_path / "bad" / "a" / "broken.png").write_bytes(b"not a png")
    it = ImageDataGenerator().flow_from_directory(str(tmp_path / "bad"), target_size=(4, 4))
    # Keras 2 lists the file and fails when the batch is read, with PIL's error type
    with pytest.raises(UnidentifiedImageError, match="broken.png"):
        it[0]


def test_images_of_the_wrong_rank_or_channels():
    gen = ImageDataGenerator(rotation_range=10)
    with pytest.raises(ValueError, match="multi-channel 2D images"):
        gen.random_transform(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="multi-channel 2D images"):
        gen.random_transform(np.zeros((2, 4, 4, 3)))
    with pytest.raises(ValueError, match="rank 4"):
        gen.flow(np.zeros((2, 4, 4, 3, 1)))
    with pytest.raises(ValueError, match="rank 4"):
        gen.fit(np.zeros((2, 4, 4)))
    with pytest.warns(UserWarning, match="5 channels"):
        gen.fit(np.zeros((2, 4, 4, 5)))
    norm = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True)
    norm.fit(np.random.RandomState(0).rand(3, 4, 4, 3))
    assert norm.standardize(np.ones((2, 4, 4, 3))).shape == (2, 4, 4, 3)
    for shape in ((4, 4, 5), (4, 4)):
        with pytest.raises(ValueError, match="do not match what `fit` computed"):
            norm.standardize(np.ones(shape))
    zca = ImageDataGenerator(zca_whitening=True, featurewise_center=True)
    zca.fit(np.random.RandomState(0).rand(5, 2, 2, 3))
    with pytest.raises(ValueError, match="ZCA matrix for images of 12 values"):
        zca.standardize(np.ones((3, 3, 3)))


def test_image_file_helpers(ref, tmp_path):
    x = ref["x"][0]
    np.testing.assert_array_equal(np.asarray(kimage.array_to_img(x[:, :, :1])),
                                  ref["array_to_img_gray"])
    np.testing.assert_array_equal(np.asarray(kimage.array_to_img(x, scale=False)),
                                  ref["array_to_img_rgb_noscale"])
    path = str(tmp_path / "img.png")
    kimage.save_img(path, x, scale=False)
    back = kimage.img_to_array(kimage.load_img(path))
    np.testing.assert_array_equal(back, x.astype("uint8"))
    assert kimage.img_to_array(kimage.load_img(path, target_size=(3, 5))).shape == (3, 5, 3)
    assert kimage.img_to_array(kimage.load_img(path, color_mode="grayscale"),
                               data_format="channels_first").shape == (1, 9, 7)
    np.testing.assert_allclose(kimage.smart_resize(x, (5, 5)), ref["smart_resize"], rtol=1e-5,
                               atol=1e-3)
    np.testing.assert_array_equal(kimage.smart_resize(x, (4, 6), interpolation="nearest"),
                                  ref["smart_resize_nearest"])
    with pytest.raises(ValueError, match="rank 3"):
        kimage.array_to_img(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="channel number"):
        kimage.array_to_img(np.zeros((2, 2, 5)))


def test_free_functions_and_argument_checks():
    x = np.random.RandomState(0).rand(3, 8, 8).astype("float32")  # channels first
    assert kimage.random_rotation(x, 30).shape == x.shape
    assert kimage.random_shift(x, 0.2, 0.2).shape == x.shape
    assert kimage.random_shear(x, 10).shape == x.shape
    assert kimage.random_zoom(x, (0.8, 1.2)).shape == x.shape
    np.testing.assert_array_equal(kimage.apply_affine_transform(x), x)
    with pytest.raises(ValueError, match="distinct"):
        kimage.apply_affine_transform(x, theta=3, row_axis=1, col_axis=1)
    with pytest.raises(ValueError, match="zoom_range"):
        ImageDataGenerator(zoom_range=(1, 2, 3))
    with pytest.raises(ValueError, match="validation_split"):
        ImageDataGenerator(validation_split=1.5)
    with pytest.raises(NotImplementedError, match="interpolation_order"):
        ImageDataGenerator(interpolation_order=3)
    with pytest.warns(UserWarning):
        gen = ImageDataGenerator(dim_ordering="th")
    assert gen.data_format == "channels_first"
