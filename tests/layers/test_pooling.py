"""Pooling layers against real Keras 2 (tf_keras 2.21) outputs.

Fixtures: tests/fixtures/layers_conv/ (generator: tests/fixtures/make_layers_conv.py).
"""
import json
import os
import warnings

import numpy as np
import pytest
import torch

from torchkeras_compat import backend as K
from torchkeras_compat.backend import config as backend_config
from torchkeras_compat.layers import pooling

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures", "layers_conv")
with open(os.path.join(FIXTURES, "cases.json")) as f:
    CASES = json.load(f)
ARRAYS = dict(np.load(os.path.join(FIXTURES, "cases.npz")))
NAMES = [name for name, meta in CASES.items() if hasattr(pooling, meta["class"])]


@pytest.fixture(params=["cpu", pytest.param("cuda", marks=pytest.mark.cuda)])
def device(request):
    previous = backend_config.get_device()
    backend_config.set_device(request.param)
    yield torch.device(request.param)
    backend_config.set_device(previous)


@pytest.mark.parametrize("name", NAMES)
def test_output_matches_keras(name, device):
    meta = CASES[name]
    layer = getattr(pooling, meta["class"])(**meta["kwargs"])
    x = torch.as_tensor(ARRAYS[f"{name}.x"], device=device)
    y = layer(x)
    assert y.device.type == device.type
    np.testing.assert_allclose(y.cpu().numpy(), ARRAYS[f"{name}.y"], rtol=1e-5, atol=1e-6)
    assert list(layer.compute_output_shape((None,) + tuple(x.shape[1:]))) == [None] + meta["output_shape"][1:]


@pytest.mark.parametrize("name", NAMES)
def test_config_matches_keras(name):
    meta = CASES[name]
    layer = getattr(pooling, meta["class"])(**meta["kwargs"])
    mine = json.loads(json.dumps(layer.get_config()))
    keras = dict(meta["config"])
    mine.pop("name"), keras.pop("name")
    assert mine == keras and list(mine) == list(keras)
    assert type(layer).from_config(layer.get_config()).get_config() == layer.get_config()


def test_global_average_pooling_1d_mask(device):
    layer = pooling.GlobalAveragePooling1D()
    x = torch.as_tensor(ARRAYS["gavg1d_mask.x"], device=device)
    mask = torch.as_tensor(ARRAYS["gavg1d_mask.mask"], device=device)
    y = layer(x, mask=mask)
    np.testing.assert_allclose(y.cpu().numpy(), ARRAYS["gavg1d_mask.y"], rtol=1e-6, atol=1e-6)
    assert getattr(y, "_keras_mask", None) is None


def test_aliases_are_the_same_classes():
    assert pooling.MaxPool2D is pooling.MaxPooling2D and pooling.AvgPool1D is pooling.AveragePooling1D
    assert pooling.GlobalAvgPool2D is pooling.GlobalAveragePooling2D
    from torchkeras_compat.engine import registry
    assert registry.lookup("layer", "MaxPool3D") is pooling.MaxPooling3D
    assert registry.lookup("layer", "GlobalMaxPool1D") is pooling.GlobalMaxPooling1D


def test_default_data_format():
    K.set_image_data_format("channels_first")
    try:
        assert pooling.MaxPooling2D().data_format == "channels_first"
        assert pooling.GlobalAveragePooling3D().data_format == "channels_first"
        assert pooling.MaxPooling1D().data_format == "channels_last"   # 1-D default, as in Keras
    finally:
        K.set_image_data_format("channels_last")


def test_keras1_spellings():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p2 = pooling.MaxPooling2D(pool_size=(2, 2), border_mode="valid")
        p1 = pooling.MaxPooling1D(pool_length=3, stride=1, border_mode="same")
        pth = pooling.AveragePooling2D(dim_ordering="th")
    assert (p2.pool_size, p2.padding, p2.strides) == ((2, 2), "valid", (2, 2))
    assert (p1.pool_size, p1.strides, p1.padding) == ((3,), (1,), "same")
    assert pth.data_format == "channels_first"


def test_uneven_same_average_counts_only_real_cells():
    """Keras's 'same' average pooling leaves padded cells out, including the extra end cell."""
    x = torch.ones(1, 5, 5, 1)
    y = pooling.AveragePooling2D(2, padding="same")(x)
    torch.testing.assert_close(y, torch.ones(1, 3, 3, 1))


def test_bad_input():
    with pytest.raises(ValueError, match=r"`padding` 'causal'"):
        pooling.MaxPooling2D(padding="causal")
    with pytest.raises(ValueError, match="pool_size"):
        pooling.MaxPooling2D(pool_size=(2, 2, 2))
    layer = pooling.MaxPooling2D(4, name="mp")
    with pytest.raises(ValueError, match=r"mp.*pool_size=\(4, 4\).*\(1, 3, 3, 2\)"):
        layer(torch.randn(1, 3, 3, 2))
    with pytest.raises(ValueError, match=r"mp.*expected ndim=4, found ndim=3"):
        layer(torch.randn(1, 3, 2))
    from torchkeras_compat.engine.input_layer import Input
    with pytest.raises(ValueError, match=r"global.*ndim=3"):
        pooling.GlobalMaxPooling1D(name="global")(Input((4, 5, 6)))
