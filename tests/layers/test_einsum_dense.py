"""EinsumDense: kernel/bias shapes read off the equation, numbers against numpy's einsum, errors."""
import numpy as np
import pytest

from torchkeras_compat import layers as L


def test_shapes_and_numbers_match_numpy_einsum():
    layer = L.EinsumDense("abc,cde->abde", output_shape=(5, 2, 3), bias_axes="de")
    x = np.random.RandomState(0).rand(2, 5, 4).astype("float32")
    y = layer(x).detach().numpy()
    kernel, bias = layer.get_weights()
    assert kernel.shape == (4, 2, 3) and bias.shape == (2, 3)
    np.testing.assert_allclose(y, np.einsum("abc,cde->abde", x, kernel) + bias, rtol=1e-5, atol=1e-6)
    assert layer.compute_output_shape((None, 5, 4)) == (None, 5, 2, 3)


def test_ellipsis_equations():
    left = L.EinsumDense("...b,bc->...c", output_shape=3, bias_axes="c")
    assert left(np.zeros((2, 7, 4), "float32")).shape == (2, 7, 3)
    assert [w.shape for w in left.weights] == [(4, 3), (3,)]
    right = L.EinsumDense("ab...,bc->ac...", output_shape=(2,), bias_axes="c")
    assert right(np.zeros((2, 4, 3), "float32")).shape == (2, 2, 3)
    assert right.get_weights()[1].shape == (2, 1)  # the bias broadcasts over the elided axis


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="Invalid einsum equation"):
        L.EinsumDense("ab->b", output_shape=2)
    with pytest.raises(ValueError, match="bias dimension 'z'"):
        L.EinsumDense("ab,bc->ac", output_shape=2, bias_axes="z")(np.zeros((1, 3), "float32"))
    with pytest.raises(ValueError, match="do not match at shared dimension 'b'"):
        L.EinsumDense("abc,cd->abd", output_shape=(4, 2))(np.zeros((1, 5, 3), "float32"))
