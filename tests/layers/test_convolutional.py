"""Convolutional layers against real Keras 2 (tf_keras 2.21) outputs for the same weights.

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
from torchkeras_compat.layers import convolutional as conv

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures", "layers_conv")
with open(os.path.join(FIXTURES, "cases.json")) as f:
    CASES = json.load(f)
ARRAYS = dict(np.load(os.path.join(FIXTURES, "cases.npz")))
NAMES = [name for name, meta in CASES.items() if hasattr(conv, meta["class"])]


@pytest.fixture(params=["cpu", pytest.param("cuda", marks=pytest.mark.cuda)])
def device(request):
    """Run a test with the layers' weights (and inputs) on this device, then restore."""
    previous = backend_config.get_device()
    backend_config.set_device(request.param)
    yield torch.device(request.param)
    backend_config.set_device(previous)


def loaded_layer(module, name: str, device):
    """The case's layer, built on the recorded input and given Keras's recorded weights."""
    meta = CASES[name]
    layer = getattr(module, meta["class"])(**meta["kwargs"])
    x = torch.as_tensor(ARRAYS[f"{name}.x"], device=device)
    layer(x)
    layer.set_weights([ARRAYS[f"{name}.w{i}"] for i in range(len(meta["weight_names"]))])
    return layer, x


def plain_config(config: dict) -> dict:
    """A config as JSON sees it (tuples -> lists); initializers compared by class and arguments."""
    config = json.loads(json.dumps(config))
    config.pop("name")
    for key, value in config.items():
        if isinstance(value, dict) and "class_name" in value:
            config[key] = {"class_name": value["class_name"], "config": value["config"]}
    return config


@pytest.mark.parametrize("name", NAMES)
def test_output_matches_keras(name, device):
    layer, x = loaded_layer(conv, name, device)
    y = layer(x)
    assert y.device.type == device.type
    np.testing.assert_allclose(y.detach().cpu().numpy(), ARRAYS[f"{name}.y"], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", NAMES)
def test_config_weights_and_shapes_match_keras(name):
    meta = CASES[name]
    layer, x = loaded_layer(conv, name, "cpu")
    assert plain_config(layer.get_config()) == plain_config(meta["config"])
    assert list(plain_config(layer.get_config())) == list(plain_config(meta["config"]))  # key order
    assert [w.name.split("/")[-1] for w in layer.weights] == [n.split("/")[-1] for n in meta["weight_names"]]
    for i, w in enumerate(layer.get_weights()):     # Keras layouts, values round-trip
        np.testing.assert_array_equal(w, ARRAYS[f"{name}.w{i}"])
    shape = layer.compute_output_shape((None,) + tuple(x.shape[1:]))
    assert list(shape) == [None] + meta["output_shape"][1:]
    clone = type(layer).from_config(layer.get_config())
    assert plain_config(clone.get_config()) == plain_config(layer.get_config())


def test_kernels_are_stored_in_torch_layouts():
    c2 = conv.Conv2D(5, (3, 2))
    c2.build((None, 8, 8, 4))
    assert tuple(c2.kernel.shape) == (5, 4, 3, 2) and c2.weights[0].shape == (3, 2, 4, 5)
    t2 = conv.Conv2DTranspose(5, (3, 2))
    t2.build((None, 8, 8, 4))
    assert tuple(t2.kernel.shape) == (4, 5, 3, 2) and t2.weights[0].shape == (3, 2, 5, 4)
    dw = conv.DepthwiseConv2D(3, depth_multiplier=2)
    dw.build((None, 8, 8, 4))
    assert tuple(dw.depthwise_kernel.shape) == (8, 1, 3, 3) and dw.weights[0].shape == (3, 3, 4, 2)
    sep = conv.SeparableConv2D(6, 3, depth_multiplier=2)
    sep.build((None, 8, 8, 4))
    assert [w.shape for w in sep.weights] == [(3, 3, 4, 2), (1, 1, 8, 6), (6,)]
    assert tuple(sep.pointwise_kernel.shape) == (6, 8, 1, 1)


def test_channels_last_output_is_a_plain_nhwc_tensor():
    """torch runs on the NCHW-shaped view of the NHWC input; the result comes back NHWC-contiguous."""
    layer = conv.Conv2D(4, 3, padding="same")
    y = layer(torch.randn(2, 6, 5, 3))
    assert tuple(y.shape) == (2, 6, 5, 4) and y.is_contiguous()


def test_gradients_reach_the_stored_kernel():
    layer = conv.Conv2D(2, 3, strides=2, padding="same")
    layer(torch.randn(2, 6, 6, 3)).sum().backward()
    assert layer.kernel.grad is not None and layer.kernel.grad.shape == layer.kernel.shape


def test_default_data_format_follows_image_data_format():
    K.set_image_data_format("channels_first")
    try:
        assert conv.Conv2D(2, 3).data_format == "channels_first"
        assert conv.UpSampling2D().data_format == "channels_first"
        assert conv.Conv1D(2, 3).data_format == "channels_last"   # Conv1D's own default, as in Keras
    finally:
        K.set_image_data_format("channels_last")
    assert conv.Conv2D(2, 3).data_format == "channels_last"


def test_extra_leading_batch_axes_pass_through():
    layer = conv.Conv1D(3, 2)
    x = torch.randn(2, 4, 6, 5)
    y = layer(x)
    assert tuple(y.shape) == (2, 4, 5, 3)
    torch.testing.assert_close(y[1], layer(x[1]))


# ---------------------------------------------------------------- Keras 1 spellings
def test_keras1_convolution2d_positional_and_border_mode():
    from torchkeras_compat.engine.sequential import Sequential
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer = conv.Convolution2D(32, 3, 3, border_mode="same", input_shape=(28, 28, 1))
        model = Sequential([layer])
    assert layer.kernel_size == (3, 3) and layer.padding == "same" and layer.filters == 32
    assert tuple(model.output_shape) == (None, 28, 28, 32)


def test_keras1_convolution1d_keywords():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer = conv.Convolution1D(nb_filter=4, filter_length=3, subsample_length=2, border_mode="same",
                                   init="he_normal", W_regularizer="l2", bias=False)
    assert (layer.filters, layer.kernel_size, layer.strides, layer.padding) == (4, (3,), (2,), "same")
    assert layer.use_bias is False and layer.kernel_regularizer is not None
    assert layer.get_config()["kernel_initializer"]["class_name"] == "HeNormal"


def test_keras1_dim_ordering_and_subsample():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer = conv.Convolution2D(8, 5, 5, subsample=(2, 2), dim_ordering="th", border_mode="valid")
    assert (layer.strides, layer.data_format, layer.kernel_size) == ((2, 2), "channels_first", (5, 5))
    with pytest.warns(UserWarning, match="border_mode"):
        conv.Conv3D(2, 3, border_mode="same")


def test_keras2_0_atrous_convolution():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer = conv.AtrousConvolution2D(4, 3, 3, atrous_rate=(2, 2), border_mode="same")
    assert type(layer) is conv.Conv2D and layer.dilation_rate == (2, 2) and layer.kernel_size == (3, 3)


def test_keras1_zero_padding_2d_forms():
    with pytest.warns(UserWarning, match="tuple of 2 tuples"):
        a = conv.ZeroPadding2D((1, 2, 3, 4))
    with pytest.warns(UserWarning):
        b = conv.ZeroPadding2D(padding={"top_pad": 1, "right_pad": 2})
    assert a.padding == ((1, 2), (3, 4)) and b.padding == ((1, 0), (0, 2))
    assert tuple(a(torch.zeros(1, 2, 2, 1)).shape) == (1, 5, 9, 1)


def test_integer_images_are_cast_to_the_kernel_dtype():
    layer = conv.Conv2D(2, 3)
    x = torch.randint(0, 255, (1, 5, 5, 3), dtype=torch.uint8)
    y = layer(x)
    assert y.dtype == torch.float32
    torch.testing.assert_close(y, layer(x.float()))


def test_mixed_precision_autocast_runs_in_half_precision():
    layer = conv.Conv2D(2, 3)
    x = torch.randn(1, 5, 5, 3)
    layer(x)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        y = layer(x.to(torch.bfloat16))
    assert y.dtype == torch.bfloat16


# ---------------------------------------------------------------- bad input
def test_wrong_rank_names_the_layer_and_shape():
    layer = conv.Conv2D(2, 3, name="my_conv")
    with pytest.raises(ValueError, match=r"my_conv.*min_ndim=4.*\(2, 5, 3\)"):
        layer(torch.randn(2, 5, 3))
    layer(torch.randn(1, 5, 5, 3))
    with pytest.raises(ValueError, match=r"my_conv.*min_ndim=4"):
        layer(torch.randn(2, 5, 3))


def test_channel_mismatch_after_build():
    from torchkeras_compat.engine.input_layer import Input
    layer = conv.Conv2D(2, 3, name="c")
    layer(torch.randn(1, 5, 5, 3))
    with pytest.raises(ValueError, match=r"\"c\".*axis -1.*value 3.*\(1, 5, 5, 4\)"):
        layer(torch.randn(1, 5, 5, 4))
    with pytest.raises(ValueError, match=r"\"c\".*axis -1.*value 3"):
        layer(Input((5, 5, 4)))


def test_kernel_larger_than_input():
    from torchkeras_compat.engine.input_layer import Input
    with pytest.raises(ValueError, match=r"output is <= 0.*big.*kernel_size=\(5, 5\).*\(None, 4, 4, 1\)"):
        conv.Conv2D(2, 5, name="big")(Input((4, 4, 1)))
    layer = conv.Conv2D(2, 3, name="big2")
    layer(torch.randn(1, 6, 6, 1))
    with pytest.raises(ValueError, match=r"big2.*\(1, 2, 2, 1\)"):
        layer(torch.randn(1, 2, 2, 1))


def test_invalid_padding_names():
    with pytest.raises(ValueError, match=r"conv2d.*`padding` 'causal'.*'valid', 'same'"):
        conv.Conv2D(2, 3, padding="causal")
    with pytest.raises(ValueError, match=r"`padding` 'full'.*Keras 1"):
        conv.Conv1D(2, 3, padding="full")
    with pytest.raises(ValueError, match="`padding` 'sam'"):
        conv.SeparableConv2D(2, 3, padding="sam")
    assert conv.Conv1D(2, 3, padding="CAUSAL").padding == "causal"


def test_invalid_arguments():
    with pytest.raises(ValueError, match="kernel_size"):
        conv.Conv2D(2, (3, 3, 3))
    with pytest.raises(ValueError, match="filters"):
        conv.Conv2D(0, 3)
    with pytest.raises(ValueError, match="groups=3, filters=4"):
        conv.Conv2D(4, 3, groups=3)
    with pytest.raises(ValueError, match="input channels.*groups=2.*3 channels"):
        conv.Conv2D(4, 3, groups=2)(torch.randn(1, 5, 5, 3))
    with pytest.raises(ValueError, match="strides > 1.*dilation_rate > 1"):
        conv.Conv2D(4, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="output padding"):
        conv.Conv2DTranspose(2, 3, strides=2, output_padding=2)
    with pytest.raises(NotImplementedError, match="interpolation='bicubic'"):
        conv.UpSampling2D(interpolation="bicubic")
    with pytest.raises(ValueError, match="removes all"):
        conv.Cropping1D((3, 3))(torch.randn(1, 6, 2))


# ---------------------------------------------------------------- CUDA
@pytest.mark.cuda
def test_cuda_model_matches_cpu_and_predict_returns_numpy():
    from torchkeras_compat.engine.sequential import Sequential

    def make():
        return Sequential([conv.Conv2D(4, 3, strides=2, padding="same", input_shape=(9, 8, 3)),
                           conv.SeparableConv2D(3, 3, padding="same"),
                           conv.Conv2DTranspose(2, 3, strides=2, padding="same")])

    previous = backend_config.get_device()
    x = np.random.RandomState(0).uniform(-1, 1, (2, 9, 8, 3)).astype("float32")
    try:
        backend_config.set_device("cuda")
        model = make()
        assert model.weights[0].param.device.type == "cuda"
        y = model.predict(x, verbose=0)
        assert isinstance(y, np.ndarray)
        backend_config.set_device("cpu")
        cpu_model = make()
        cpu_model.set_weights(model.get_weights())
        np.testing.assert_allclose(y, cpu_model.predict(x, verbose=0), rtol=1e-4, atol=1e-5)
    finally:
        backend_config.set_device(previous)


# ---------------------------------------------------------------- whole models
def test_real_keras_h5_model_with_conv_pool_local_layers_loads_and_predicts():
    """A functional model saved by tf_keras (HDF5) loads here and predicts the same numbers."""
    pytest.importorskip("torchkeras_compat.layers.merge")   # the model ends in a Concatenate
    from torchkeras_compat import models
    from torchkeras_compat.layers import local, pooling  # noqa: F401  (registers their classes)
    data = np.load(os.path.join(FIXTURES, "cnn_model.npz"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = models.load_model(os.path.join(FIXTURES, "cnn_model.h5"))
    np.testing.assert_allclose(model.predict(data["x"], verbose=0), data["y"], rtol=1e-5, atol=1e-6)


def test_cnn_trains_with_fit_and_round_trips_through_h5(tmp_path):
    from torchkeras_compat import models
    from torchkeras_compat.engine.sequential import Sequential
    from torchkeras_compat.layers import Dense, pooling
    model = Sequential([conv.Conv2D(4, 3, padding="same", activation="relu", input_shape=(8, 8, 2)),
                        conv.SeparableConv2D(4, 3, strides=2, padding="same"),
                        conv.Conv2DTranspose(3, 3, strides=2, padding="same"),
                        pooling.MaxPooling2D(), pooling.GlobalAveragePooling2D(),
                        Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    rng = np.random.RandomState(0)
    x, y = rng.rand(32, 8, 8, 2).astype("float32"), rng.randint(0, 3, 32)
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert len(history.history["loss"]) == 2
    assert all(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    path = str(tmp_path / "cnn.h5")
    model.save(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded = models.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6, atol=1e-7)
