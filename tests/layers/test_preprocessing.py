"""Normalization (adapt, constants, invert), Resizing, CenterCrop, RandomFlip."""
import numpy as np
import pytest

import torchkeras_compat as keras
from torchkeras_compat import layers as L


def test_normalization_adapt_sets_moments_and_saves(tmp_path):
    x = np.random.RandomState(0).rand(10, 3).astype("float32") * 5
    norm = L.Normalization()
    norm.adapt(x)
    mean, var, count = norm.get_weights()
    np.testing.assert_allclose(mean, x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(var, x.var(0), rtol=1e-5)
    assert int(count) == 10
    model = keras.models.Sequential([L.Input(shape=(3,)), norm])
    out = model.predict(x, verbose=0)
    np.testing.assert_allclose(out.mean(0), 0, atol=1e-5)
    model.save(str(tmp_path / "n.h5"))
    np.testing.assert_allclose(keras.models.load_model(str(tmp_path / "n.h5")).predict(x, verbose=0), out, atol=1e-6)


def test_normalization_constants_and_invert():
    x = np.arange(6, dtype="float32").reshape(2, 3)
    out = L.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 1.0, 0.25])(x).numpy()
    np.testing.assert_allclose(out, (x - [1, 2, 3]) / [2, 1, 0.5], rtol=1e-6)
    back = L.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 1.0, 0.25], invert=True)(out).numpy()
    np.testing.assert_allclose(back, x, rtol=1e-6)
    with pytest.raises(ValueError, match="both `mean` and `variance`"):
        L.Normalization(mean=1.0)


def test_resizing_center_crop_and_flip():
    img = np.arange(2 * 4 * 6 * 1, dtype="float32").reshape(2, 4, 6, 1)
    assert tuple(L.Resizing(8, 12, interpolation="nearest")(img).shape) == (2, 8, 12, 1)
    # half-pixel centres: doubling with nearest repeats every pixel twice
    np.testing.assert_array_equal(L.Resizing(8, 12, interpolation="nearest")(img).numpy()[:, ::2, ::2], img)
    np.testing.assert_array_equal(L.CenterCrop(2, 2)(img).numpy(), img[:, 1:3, 2:4])
    flip = L.RandomFlip("horizontal", seed=1)
    np.testing.assert_array_equal(flip(img, training=False).numpy(), img)  # inference: unchanged
    y = flip(img, training=True).numpy()
    assert all(np.array_equal(y[i], img[i]) or np.array_equal(y[i], img[i, :, ::-1]) for i in range(2))


def test_random_affine_layers_fixed_factors():
    img = np.random.RandomState(1).rand(2, 5, 6, 3).astype("float32")
    # zero ranges: the identity map, resampled exactly at the pixel centres
    for layer in (L.RandomRotation((0.0, 0.0)), L.RandomZoom((0.0, 0.0)), L.RandomTranslation((0.0, 0.0), 0.0)):
        np.testing.assert_allclose(layer(img, training=True).numpy(), img, atol=1e-5)
        np.testing.assert_array_equal(layer(img, training=False).numpy(), img)  # inference
    # a shift of exactly one column right: column j reads column j-1, the first one reflects
    shifted = L.RandomTranslation(0.0, (1 / 6, 1 / 6))(img, training=True).numpy()
    np.testing.assert_allclose(shifted[:, :, 1:], img[:, :, :-1], atol=1e-5)
    np.testing.assert_allclose(shifted[:, :, 0], img[:, :, 0], atol=1e-5)
    # a half turn: the image read backwards in both axes
    turned = L.RandomRotation((0.5, 0.5))(img, training=True).numpy()
    np.testing.assert_allclose(turned, img[:, ::-1, ::-1], atol=1e-4)
    filled = L.RandomZoom((1.0, 1.0), fill_mode="constant", fill_value=-1.0)(img, training=True).numpy()
    assert filled[0, 0, 0, 0] == -1.0 and filled.shape == img.shape


def test_random_contrast_and_crop():
    img = np.random.RandomState(2).rand(3, 6, 8, 1).astype("float32") * 255
    out = L.RandomContrast((0.5, 0.5), seed=0)(img, training=True).numpy()
    assert out.min() >= 0 and out.max() <= 255
    np.testing.assert_allclose(out.mean(axis=(1, 2)), img.mean(axis=(1, 2)), rtol=0.2)
    crop = L.RandomCrop(4, 4, seed=0)
    assert crop(img, training=True).shape == (3, 4, 4, 1)
    np.testing.assert_allclose(crop(img, training=False).numpy(),
                               L.Resizing(4, 4, crop_to_aspect_ratio=True)(img).numpy())


def test_augmentation_layers_augment_on_a_direct_call_and_not_in_predict():
    """tf.keras's augmentation layers default to training=True in call(); predict is inference."""
    img = np.random.RandomState(3).rand(8, 4, 6, 3).astype("float32") * 255
    for layer in (L.RandomFlip(), L.RandomRotation(0.3), L.RandomContrast(0.5), L.RandomBrightness(0.3)):
        assert not np.allclose(layer(img).numpy(), img)
        model = keras.Sequential([keras.Input(shape=(4, 6, 3)), layer])
        np.testing.assert_array_equal(model.predict(img, verbose=0), img)
    assert L.RandomHeight(0.5, seed=1)(img).shape[2:] == (6, 3)
    assert L.RandomWidth((0.5, 0.5))(img).shape[1:] == (4, 9, 3)
