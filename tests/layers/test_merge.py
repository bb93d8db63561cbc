"""Merge layers and functions (including Keras 1's merge) against tf_keras 2.21 numbers."""
import os
import sys
import warnings

import numpy as np
import pytest
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rnn_fixture_utils as U  # noqa: E402

import torchkeras_compat as keras  # noqa: E402
import importlib  # noqa: E402

# keras.layers.merge is the Keras 1 function (as in Keras 2.0); the module is reached by its path
M = importlib.import_module("torchkeras_compat.layers.merge")

Input, Model = keras.layers.Input, keras.models.Model
CASES, ARRAYS = U.load("merge")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_matches_keras(case):
    model = U.check(case, ARRAYS)
    U.check_configs(case, model)


A = np.random.RandomState(0).uniform(-1, 1, (3, 4)).astype("float32")
B = np.random.RandomState(1).uniform(-1, 1, (3, 4)).astype("float32")


def _run(fn, arrays):
    inputs = [Input(shape=a.shape[1:]) for a in arrays]
    return Model(inputs, fn(inputs)).predict(arrays, verbose=0)


@pytest.mark.parametrize("layer,fn,expected", [
    (M.Add, M.add, A + B), (M.Subtract, M.subtract, A - B), (M.Multiply, M.multiply, A * B),
    (M.Average, M.average, (A + B) / 2), (M.Maximum, M.maximum, np.maximum(A, B)),
    (M.Minimum, M.minimum, np.minimum(A, B))])
def test_elementwise_classes_and_functions(layer, fn, expected):
    np.testing.assert_allclose(_run(lambda t: layer()(t), [A, B]), expected, rtol=1e-6)
    np.testing.assert_allclose(_run(lambda t: fn(t), [A, B]), expected, rtol=1e-6)


def test_concatenate_and_dot():
    np.testing.assert_allclose(_run(lambda t: M.concatenate(t, axis=-1), [A, B]), np.concatenate([A, B], -1))
    dots = _run(lambda t: M.dot(t, axes=1), [A, B])
    np.testing.assert_allclose(dots, (A * B).sum(1, keepdims=True), rtol=1e-5)
    cos = _run(lambda t: M.Dot(axes=1, normalize=True)(t), [A, B])
    ref = (A * B).sum(1) / np.linalg.norm(A, axis=1) / np.linalg.norm(B, axis=1)
    np.testing.assert_allclose(cos[:, 0], ref, rtol=1e-5)


@pytest.mark.parametrize("mode,expected", [
    ("sum", A + B), ("mul", A * B), ("ave", (A + B) / 2), ("max", np.maximum(A, B)),
    ("concat", np.concatenate([A, B], 1)), ("dot", (A * B).sum(1, keepdims=True)),
    ("cos", ((A * B).sum(1) / np.linalg.norm(A, axis=1) / np.linalg.norm(B, axis=1))[:, None])])
def test_keras1_merge_function(mode, expected):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kwargs = {"dot_axes": 1} if mode in ("dot", "cos") else {}
        y = _run(lambda t: M.merge(t, mode=mode, **kwargs), [A, B])
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)


def test_keras1_merge_concat_axis_and_callable():
    s1 = np.random.rand(2, 3, 4).astype("float32")
    s2 = np.random.rand(2, 5, 4).astype("float32")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = _run(lambda t: M.merge(t, mode="concat", concat_axis=1), [s1, s2])
        np.testing.assert_allclose(y, np.concatenate([s1, s2], 1))
        z = _run(lambda t: M.merge(t, mode=lambda xs: xs[0] * 2 + xs[1], output_shape=(4,)), [A, B])
        np.testing.assert_allclose(z, A * 2 + B, rtol=1e-6)
        with pytest.raises(ValueError, match="invalid merge mode"):
            M.merge([Input(shape=(2,)), Input(shape=(2,))], mode="bogus")


def test_incompatible_shapes_name_layer_and_shapes():
    a, b = Input(shape=(4,)), Input(shape=(5,))
    with pytest.raises(ValueError, match=r"my_add.*\(4,\).*\(5,\)"):
        M.Add(name="my_add")([a, b])
    with pytest.raises(ValueError, match=r"Concatenate.*axis=-1.*\(None, 3, 4\)"):
        M.Concatenate()([Input(shape=(3, 4)), Input(shape=(2, 4))])
    with pytest.raises(ValueError, match=r"axis values 4 \(at axis 1\) != 5"):
        M.Dot(axes=1)([a, b])
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        M.Subtract()([a, a, a])
    with pytest.raises(ValueError, match="list of inputs"):
        M.Add()(a)


def test_masks_are_combined():
    x1, x2 = torch.rand(2, 3, 4), torch.rand(2, 3, 4)
    x1._keras_mask = torch.tensor([[True, True, False], [True, False, False]])
    x2._keras_mask = torch.tensor([[True, False, True], [True, True, False]])
    out = M.Add()([x1, x2])
    assert out._keras_mask.tolist() == [[True, False, False], [True, False, False]]
    cat = M.Concatenate()([x1, torch.rand(2, 3, 2)])
    assert cat._keras_mask.tolist() == x1._keras_mask.tolist()


def test_keras1_merge_layer_on_tensors_and_branches_error():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer = M.Merge(mode="concat", concat_axis=-1)
        assert isinstance(layer, M.Concatenate)
        np.testing.assert_allclose(_run(lambda t: layer(t), [A, B]), np.concatenate([A, B], 1))
        with pytest.raises(NotImplementedError, match="functional API"):
            M.Merge([keras.models.Sequential(), keras.models.Sequential()], mode="concat")


def test_keras1_lstm_forget_bias_init():
    from torchkeras_compat.layers.recurrent import LSTM
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert LSTM(2, forget_bias_init="one").cell.unit_forget_bias is True
        assert LSTM(2, forget_bias_init="zero").cell.unit_forget_bias is False
