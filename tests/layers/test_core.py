"""Core layers against outputs and configs recorded from tf.keras 2 (tests/fixtures/make_layers_core.py)."""
import json

import numpy as np
import pytest
import torch

import torchkeras_compat as keras
from torchkeras_compat import layers

MAKERS = {
    "dense_relu": lambda: layers.Dense(3, activation="relu"),
    "dense_rank3": lambda: layers.Dense(4, use_bias=False),
    "activation_softmax": lambda: layers.Activation("softmax"),
    "flatten": lambda: layers.Flatten(),
    "flatten_channels_first": lambda: layers.Flatten(data_format="channels_first"),
    "reshape_minus1": lambda: layers.Reshape((-1, 3)),
    "permute": lambda: layers.Permute((2, 1)),
    "repeat_vector": lambda: layers.RepeatVector(3),
    "lambda_square": lambda: layers.Lambda(lambda t: t ** 2),
    "dropout_inference": lambda: layers.Dropout(0.5),
    "masking": lambda: layers.Masking(mask_value=0.0),
}


@pytest.fixture(scope="module")
def recorded(request):
    import os
    base = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "layers_core")
    with open(os.path.join(base, "configs.json")) as f:
        configs = json.load(f)
    return np.load(os.path.join(base, "core.npz")), configs


@pytest.mark.parametrize("key", sorted(MAKERS))
def test_outputs_and_shapes_match_keras(key, recorded):
    arrays, configs = recorded
    x = arrays[f"{key}_x"]
    layer = MAKERS[key]()
    inp = keras.Input(x.shape[1:])
    model = keras.Model(inp, layer(inp))
    weights = [arrays[k] for k in sorted(a for a in arrays.files if a.startswith(f"{key}_w"))]
    if weights:
        layer.set_weights(weights)
    np.testing.assert_allclose(model.predict(x, verbose=0), arrays[f"{key}_y"], rtol=1e-5, atol=1e-6)
    assert list(model.output_shape) == configs[key]["output_shape"]


@pytest.mark.parametrize("key", ["dense_relu", "flatten", "reshape_minus1", "permute", "repeat_vector",
                                 "dropout_inference", "masking"])
def test_config_keys_match_keras(key, recorded):
    _, configs = recorded
    layer = MAKERS[key]()
    assert sorted(layer.get_config()) == sorted(configs[key]["config"])


def test_dense_on_rank3_input_applies_to_last_axis():
    dense = layers.Dense(2, input_shape=(3, 4))
    out = dense(torch.ones(5, 3, 4))
    assert tuple(out.shape) == (5, 3, 2)


def test_reshape_with_impossible_size_names_layer():
    with pytest.raises(ValueError, match="total size of new array must be unchanged"):
        layers.Reshape((4, 4))(keras.Input((10,)))


def test_lambda_output_shape_and_arguments():
    inp = keras.Input((3,))
    out = layers.Lambda(lambda x, k: x * k, output_shape=(3,), arguments={"k": 2.0})(inp)
    model = keras.Model(inp, out)
    assert model.output_shape == (None, 3)
    np.testing.assert_allclose(model.predict(np.ones((2, 3))), 2 * np.ones((2, 3)))


def test_dropout_noise_shape_drops_whole_features():
    layer = layers.Dropout(0.5, noise_shape=(None, 1, 4))
    out = layer(torch.ones(8, 5, 4), training=True)
    per_feature = out.detach().numpy()
    assert np.all(per_feature == per_feature[:, :1, :])


def test_permute_rejects_bad_dims():
    with pytest.raises(ValueError, match="Invalid permutation"):
        layers.Permute((0, 1))
