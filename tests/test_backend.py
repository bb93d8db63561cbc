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


# ---------------------------------------------------------------- image / sequence ops (backend/nn.py)
def test_conv2d_matches_conv2d_layer():
    from torchkeras_compat.layers import Conv2D
    x = np.random.RandomState(0).rand(2, 7, 6, 3).astype("float32")
    layer = Conv2D(4, (3, 2), strides=(2, 2), padding="same", use_bias=False)
    want = layer(K.constant(x)).detach().numpy()
    got = K.eval(K.conv2d(x, layer.get_weights()[0], strides=(2, 2), padding="same"))
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5, atol=1e-6)


def test_padding_and_bias_add_shapes():
    x = np.zeros((2, 5, 4, 3), "float32")
    assert tuple(K.spatial_2d_padding(x, ((1, 2), (0, 1))).shape) == (2, 8, 5, 3)
    assert tuple(K.temporal_padding(np.zeros((2, 5, 3)), (2, 1)).shape) == (2, 8, 3)
    y = K.bias_add(x, np.array([1.0, 2.0, 3.0], "float32"))
    assert np.asarray(y)[0, 0, 0].tolist() == [1.0, 2.0, 3.0]


def test_in_top_k_counts_ties_inside():
    p = np.array([[0.1, 0.5, 0.5, 0.2]], "float32")
    assert bool(K.in_top_k(p, np.array([2]), 1)[0]) and bool(K.in_top_k(p, np.array([1]), 1)[0])
    assert not bool(K.in_top_k(p, np.array([3]), 2)[0])


def test_ctc_greedy_decode_merges_repeats_and_drops_blanks():
    # classes 0..2, blank = 2; path 0 0 2 0 1 1 -> [0, 0, 1]
    path = [0, 0, 2, 0, 1, 1]
    probs = np.full((1, 6, 3), 0.1, "float32")
    probs[0, np.arange(6), path] = 0.8
    decoded, log_prob = K.ctc_decode(probs, np.array([6]))
    assert np.asarray(decoded[0]).tolist() == [[0, 0, 1, -1, -1, -1]]
    assert float(log_prob[0, 0]) == pytest.approx(-6 * np.log(0.8 + 1e-7), rel=1e-5)
    cost = K.ctc_batch_cost(np.array([[0, 0, 1]]), probs, np.array([[6]]), np.array([[3]]))
    assert tuple(cost.shape) == (1, 1) and float(cost[0, 0]) > 0


def test_conv2d_transpose_checks_output_shape():
    x = np.zeros((1, 4, 4, 2), "float32")
    k = np.zeros((3, 3, 5, 2), "float32")
    assert tuple(K.conv2d_transpose(x, k, (1, 8, 8, 5), strides=(2, 2), padding="same").shape) == (1, 8, 8, 5)
    with pytest.raises(ValueError, match="output_shape"):
        K.conv2d_transpose(x, k, (1, 12, 12, 5), strides=(2, 2), padding="same")


def test_keras_dtype_rules_of_variables_and_means():
    assert K.dtype(K.variable(np.array([1, 2]))) == "float32"
    assert K.dtype(K.zeros((2,), dtype="int32")) == "int32"
    assert K.eval(K.mean(K.constant([1, 2, 4], dtype="int32"))).tolist() == 2  # truncated, int32
    assert K.eval(K.mean(K.constant([[1, 2], [4, 7]], dtype="int32"), axis=0)).tolist() == [2, 4]
    assert float(K.eval(K.mean(K.greater(K.constant([1.0, -1.0, 2.0]), 0.0)))) == pytest.approx(2 / 3)


def test_cross_entropies_of_softmax_and_sigmoid_outputs_use_their_logits():
    z = K.constant([[20.0, -20.0, 0.0]])
    y = K.constant([[0.0, 1.0, 0.0]])
    # from the logits: 40 nats, not the -log(epsilon) = 16.1 that clipped probabilities give
    assert float(K.eval(K.categorical_crossentropy(y, K.softmax(z)))[0]) == pytest.approx(40.0, rel=1e-5)
    assert float(K.eval(K.binary_crossentropy(y, K.sigmoid(z)))[0, 0]) == pytest.approx(20.0, rel=1e-5)


def test_backend_functions_on_symbolic_tensors_build_working_models():
    import torchkeras_compat as keras
    x = keras.Input((3, 4))
    model = keras.Model(x, [K.relu(x - 0.5), K.batch_flatten(x), K.batch_dot(x, x, axes=[2, 2])])
    data = np.random.RandomState(0).rand(2, 3, 4).astype("float32")
    relu, flat, gram = model.predict(data, verbose=0)
    np.testing.assert_allclose(relu, np.maximum(data - 0.5, 0), rtol=1e-6)
    np.testing.assert_allclose(flat, data.reshape(2, 12), rtol=1e-6)
    np.testing.assert_allclose(gram, np.einsum("bik,bjk->bij", data, data), rtol=1e-5)


def test_batch_dot_shapes_follow_keras():
    rng = np.random.RandomState(1)
    x, y = rng.rand(2, 3).astype("float32"), rng.rand(2, 3).astype("float32")
    np.testing.assert_allclose(K.eval(K.batch_dot(x, y, axes=1)), (x * y).sum(1, keepdims=True), rtol=1e-6)
    a, b = rng.rand(3, 2, 4, 5).astype("float32"), rng.rand(3, 5, 6).astype("float32")
    np.testing.assert_allclose(K.eval(K.batch_dot(a, b)), np.einsum("zabn,znc->zabc", a, b), rtol=1e-5)
    assert K.int_shape(K.batch_flatten(np.ones(5))) == (5, 1)


def test_layer_parameters_read_and_write_in_keras_layout():
    """``K.get_value(layer.kernel)``: Keras code expects (kh, kw, in, out) for a Conv2D kernel,
    however the Parameter is stored."""
    import torchkeras_compat as keras
    model = keras.Sequential([keras.layers.Conv2D(4, 3, input_shape=(5, 5, 2))])
    kernel = model.layers[0].kernel
    assert K.int_shape(kernel) == (3, 3, 2, 4)
    np.testing.assert_array_equal(K.get_value(kernel), model.layers[0].get_weights()[0])
    value = np.random.RandomState(0).rand(3, 3, 2, 4).astype("float32")
    K.set_value(kernel, value)
    np.testing.assert_array_equal(model.layers[0].get_weights()[0], value)


def test_layers_serialize_has_tf_keras_2_21_keys():
    import torchkeras_compat as keras
    out = keras.layers.serialize(keras.layers.Dense(2))
    assert list(out) == ["module", "class_name", "config", "registered_name"]
    assert out["module"] == "keras.layers" and out["registered_name"] is None
    assert keras.layers.deserialize(out).units == 2
