"""keras.backend (K): settings and tensor functions on torch tensors."""
import numpy as np
import pytest
import torch

import torchkeras_compat as keras
from torchkeras_compat import backend as K


def test_settings_and_setters():
    assert K.floatx() == "float32" and K.epsilon() == pytest.approx(1e-7)
    assert K.image_data_format() == "channels_last"
    K.set_image_data_format("channels_first")
    try:
        assert K.image_data_format() == "channels_first" and K.image_dim_ordering() == "th"
    finally:
        K.set_image_data_format("channels_last")
    with pytest.raises(ValueError, match="data_format"):
        K.set_image_data_format("nhwc")


def test_keras_json_is_honoured(tmp_path, monkeypatch):
    import importlib
    import json
    (tmp_path / "keras.json").write_text(json.dumps({"epsilon": 1e-5, "image_data_format": "channels_first"}))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    from torchkeras_compat.backend import config
    saved = (config._EPSILON, config._IMAGE_DATA_FORMAT)
    try:
        config._read_keras_json()
        assert K.epsilon() == 1e-5 and K.image_data_format() == "channels_first"
    finally:
        config._EPSILON, config._IMAGE_DATA_FORMAT = saved
    del importlib


def test_batch_dot_shapes_as_keras_documents():
    x, y = torch.ones(32, 20), torch.ones(32, 20)
    assert tuple(K.batch_dot(x, y, axes=1).shape) == (32, 1)
    x, y = torch.rand(32, 20, 1), torch.rand(32, 30, 20)
    out = K.batch_dot(x, y, axes=(1, 2))
    assert tuple(out.shape) == (32, 1, 30)
    np.testing.assert_allclose(out[0].numpy(), (x[0].T @ y[0].T).numpy(), rtol=1e-5)


def test_dot_with_nd_second_argument():
    x, y = torch.rand(2, 3), torch.rand(4, 3, 5)
    assert tuple(K.dot(x, y).shape) == (2, 4, 5)
    np.testing.assert_allclose(K.dot(x, torch.eye(3)).numpy(), x.numpy())


def test_reductions_and_elementwise_accept_numpy():
    a = np.array([[1.0, -2.0], [3.0, 4.0]], "float32")
    assert K.eval(K.sum(a)) == pytest.approx(6.0)
    np.testing.assert_allclose(K.eval(K.mean(a, axis=0)), [2.0, 1.0])
    np.testing.assert_allclose(K.eval(K.max(a, axis=1, keepdims=True)), [[1.0], [4.0]])
    np.testing.assert_allclose(K.eval(K.clip(a, 0, 2)), [[1, 0], [2, 2]])
    assert K.int_shape(K.permute_dimensions(K.expand_dims(a), (2, 0, 1))) == (1, 2, 2)
    np.testing.assert_allclose(K.eval(K.std(a, axis=0)), a.std(axis=0), rtol=1e-6)


def test_variables_get_and_set_value():
    v = K.variable(np.ones((2, 2)))
    assert isinstance(v, torch.nn.Parameter) and v.dtype == torch.float32
    K.set_value(v, np.zeros((2, 2)))
    assert np.all(K.get_value(v) == 0)


def test_optimizer_lr_read_and_written_through_k():
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    model.compile(keras.optimizers.SGD(lr=0.1), "mse")
    assert K.get_value(model.optimizer.lr) == pytest.approx(0.1)
    K.set_value(model.optimizer.lr, 0.01)
    assert K.get_value(model.optimizer.lr) == pytest.approx(0.01)


def test_learning_phase_drives_dropout():
    layer = keras.layers.Dropout(0.5)
    x = torch.ones(100, 10)
    assert torch.equal(layer(x), x)
    K.set_learning_phase(1)
    try:
        assert not torch.equal(layer(x), x)
    finally:
        K.clear_session()
    assert K.in_train_phase(1, 2, training=0) == 2


def test_weights_work_with_get_value():
    dense = keras.layers.Dense(2, input_shape=(3,))
    keras.Sequential([dense])
    assert K.get_value(dense.weights[0]).shape == (3, 2)
    assert K.batch_get_value(dense.weights)[1].shape == (2,)
