"""Activations against values recorded from tf_keras 2.21 (tests/fixtures/make_numerics.py)."""
import os

import numpy as np
import pytest
import torch

from torchkeras_compat import activations

REF = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "numerics.npz"))
X = torch.from_numpy(REF["act.x"])

NAMES = ["relu", "elu", "selu", "softplus", "softsign", "sigmoid", "hard_sigmoid", "tanh",
         "exponential", "linear", "softmax", "swish", "gelu", "mish", "relu6", "log_softmax",
         "leaky_relu"]


@pytest.mark.parametrize("name", NAMES)
def test_by_name_matches_keras(name):
    out = activations.get(name)(X)
    np.testing.assert_allclose(out.numpy(), REF[f"act.{name}"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("key,kwargs", [
    ("relu_alpha_max", dict(alpha=0.1, max_value=2.0)),
    ("relu_threshold", dict(threshold=0.5)),
    ("relu_all", dict(alpha=0.3, max_value=4.0, threshold=0.5)),
    ("relu_max6", dict(max_value=6.0)),
])
def test_relu_arguments(key, kwargs):
    np.testing.assert_allclose(activations.relu(X, **kwargs).numpy(), REF[f"act.{key}"], rtol=1e-6, atol=1e-6)


def test_arguments_of_other_functions():
    np.testing.assert_allclose(activations.elu(X, alpha=0.5).numpy(), REF["act.elu_alpha"], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(activations.gelu(X, approximate=True).numpy(), REF["act.gelu_approx"],
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(activations.softmax(X, axis=0).numpy(), REF["act.softmax_axis0"], rtol=1e-6)
    x3 = torch.from_numpy(REF["act.x3"])
    np.testing.assert_allclose(activations.softmax(x3, axis=1).numpy(), REF["act.softmax_3d_axis1"], rtol=1e-6)


def test_numpy_input_and_hard_sigmoid_formula():
    out = activations.hard_sigmoid(np.array([-3.0, -1.0, 0.0, 2.0, 3.0], "float32"))
    np.testing.assert_allclose(out.numpy(), [0.0, 0.3, 0.5, 0.9, 1.0], rtol=1e-6)


def test_get_serialize_and_errors():
    assert activations.get(None) is activations.linear
    assert activations.get("silu") is activations.swish
    assert activations.get(torch.tanh) is torch.tanh
    assert activations.serialize(activations.relu) == "relu"
    assert activations.deserialize("relu") is activations.relu
    with pytest.raises(ValueError, match="'relu'"):
        activations.get("relux")
    with pytest.raises(ValueError, match="1D"):
        activations.softmax(torch.ones(3))


def test_softmax_and_sigmoid_remember_logits():
    x = torch.randn(2, 3)
    assert activations.softmax(x)._keras_logits is x
    assert activations.sigmoid(x)._keras_logits is x
