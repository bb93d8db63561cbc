"""Noise layers: identity at inference, Keras's noise statistics in training, Keras configs."""
import warnings

import numpy as np
import pytest
import torch

from torchkeras_compat.layers.noise import (AlphaDropout, GaussianDropout, GaussianNoise, SpatialDropout1D,
                                            SpatialDropout2D, SpatialDropout3D)

LAYERS = [GaussianNoise(0.5), GaussianDropout(0.3), AlphaDropout(0.2), SpatialDropout1D(0.3),
          SpatialDropout2D(0.3), SpatialDropout3D(0.3)]
SHAPES = [(4, 5), (4, 5), (4, 5), (4, 5, 6), (2, 3, 3, 4), (2, 2, 2, 2, 3)]


@pytest.mark.parametrize("layer,shape", list(zip(LAYERS, SHAPES)), ids=lambda v: type(v).__name__)
def test_identity_at_inference(layer, shape):
    x = torch.rand(shape)
    assert torch.equal(layer(x), x)
    assert torch.equal(layer(x, training=False), x)
    assert not torch.equal(layer(x, training=True), x)


def test_training_statistics():
    torch.manual_seed(0)
    x = torch.ones(200, 500)
    noisy = GaussianNoise(0.5)(x, training=True) - 1
    assert abs(noisy.std().item() - 0.5) < 0.01
    gd = GaussianDropout(0.2)(x, training=True)
    assert abs(gd.mean().item() - 1) < 0.01 and abs(gd.std().item() - np.sqrt(0.2 / 0.8)) < 0.01
    selu_like = torch.randn(200, 500)
    ad = AlphaDropout(0.1)(selu_like, training=True)
    assert abs(ad.mean().item()) < 0.02 and abs(ad.std().item() - 1) < 0.02


def test_spatial_dropout_drops_whole_channels():
    torch.manual_seed(1)
    x = torch.ones(8, 10, 6)
    y = SpatialDropout1D(0.5)(x, training=True)
    per_channel = y.amax(dim=1) == y.amin(dim=1)
    assert per_channel.all() and (y == 0).any()
    y2 = SpatialDropout2D(0.5, data_format="channels_first")(torch.ones(4, 6, 3, 3), training=True)
    assert (y2.flatten(2).amax(-1) == y2.flatten(2).amin(-1)).all()


def test_configs_and_keras1_spellings():
    assert set(GaussianNoise(0.1).get_config()) == {"name", "trainable", "dtype", "stddev", "seed"}
    assert set(GaussianDropout(0.1).get_config()) == {"name", "trainable", "dtype", "rate", "seed"}
    assert set(AlphaDropout(0.1).get_config()) == {"name", "trainable", "dtype", "rate", "seed"}
    assert set(SpatialDropout2D(0.1).get_config()) == {"name", "trainable", "dtype", "rate", "noise_shape", "seed"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert GaussianNoise(sigma=0.2).stddev == 0.2
        assert GaussianDropout(p=0.4).rate == 0.4
        assert SpatialDropout2D(p=0.3, dim_ordering="th").data_format == "channels_first"
    with pytest.raises(ValueError, match="rate"):
        GaussianDropout(1.5)
