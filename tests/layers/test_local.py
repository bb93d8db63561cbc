"""LocallyConnected1D/2D (implementations 1, 2 and 3) against real Keras 2 (tf_keras 2.21).

Fixtures: tests/fixtures/layers_conv/ (generator: tests/fixtures/make_layers_conv.py).
"""
import json
import os
import warnings

import numpy as np
import pytest
import torch

from torchkeras_compat.backend import config as backend_config
from torchkeras_compat.layers import local

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures", "layers_conv")
with open(os.path.join(FIXTURES, "cases.json")) as f:
    CASES = json.load(f)
ARRAYS = dict(np.load(os.path.join(FIXTURES, "cases.npz")))
NAMES = [name for name, meta in CASES.items() if hasattr(local, meta["class"])]


@pytest.fixture(params=["cpu", pytest.param("cuda", marks=pytest.mark.cuda)])
def device(request):
    previous = backend_config.get_device()
    backend_config.set_device(request.param)
    yield torch.device(request.param)
    backend_config.set_device(previous)


def loaded_layer(name, device):
    meta = CASES[name]
    layer = getattr(local, meta["class"])(**meta["kwargs"])
    x = torch.as_tensor(ARRAYS[f"{name}.x"], device=device)
    layer(x)
    layer.set_weights([ARRAYS[f"{name}.w{i}"] for i in range(len(meta["weight_names"]))])
    return layer, x


@pytest.mark.parametrize("name", NAMES)
def test_output_matches_keras(name, device):
    layer, x = loaded_layer(name, device)
    y = layer(x)
    np.testing.assert_allclose(y.detach().cpu().numpy(), ARRAYS[f"{name}.y"], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", NAMES)
def test_config_and_weight_layouts_match_keras(name):
    meta = CASES[name]
    layer, x = loaded_layer(name, "cpu")
    mine = json.loads(json.dumps(layer.get_config()))
    keras = dict(meta["config"])
    for config in (mine, keras):
        config.pop("name")
        for key in ("kernel_initializer", "bias_initializer"):
            config[key] = {k: config[key][k] for k in ("class_name", "config")}
    assert mine == keras and list(mine) == list(keras)
    assert [w.shape for w in layer.weights] == [ARRAYS[f"{name}.w{i}"].shape for i in range(len(layer.weights))]
    assert list(layer.compute_output_shape((None,) + tuple(x.shape[1:]))) == [None] + meta["output_shape"][1:]


def test_gradients_flow_to_kernel_and_bias():
    for implementation in (1, 2, 3):
        layer = local.LocallyConnected2D(2, 2, implementation=implementation)
        layer(torch.randn(3, 4, 5, 2)).square().sum().backward()
        assert layer.kernel.grad is not None and layer.bias.grad is not None


def test_keras1_spellings():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer = local.LocallyConnected1D(nb_filter=3, filter_length=2, subsample_length=2)
    assert (layer.filters, layer.kernel_size, layer.strides) == (3, (2,), (2,))


def test_bad_input():
    with pytest.raises(ValueError, match=r"only \"valid\" is supported if implementation is 1"):
        local.LocallyConnected2D(2, 3, padding="same")
    with pytest.raises(ValueError, match="implementation"):
        local.LocallyConnected1D(2, 3, implementation=4)
    layer = local.LocallyConnected2D(2, 3, name="lc")
    layer(torch.randn(1, 5, 5, 2))
    with pytest.raises(ValueError, match=r"\"lc\".*\(None, 5, 5, 2\).*\(1, 6, 5, 2\)"):
        layer(torch.randn(1, 6, 5, 2))
    with pytest.raises(ValueError, match="fully defined"):
        from torchkeras_compat.engine.input_layer import Input
        local.LocallyConnected1D(2, 3)(Input((None, 4)))
    with pytest.raises(ValueError, match=r"output is <= 0.*lc2"):
        local.LocallyConnected1D(2, 5, name="lc2")(torch.randn(1, 3, 2))
