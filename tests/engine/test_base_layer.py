"""The Layer contract: lazy build, add_weight forms, weights in Keras layout, masks, losses, config."""
import numpy as np
import pytest
import torch

import torchkeras_compat as keras
from torchkeras_compat import backend as K
from torchkeras_compat import layers


class MyDense(layers.Layer):
    """A custom layer written the Keras 2 way."""

    def __init__(self, output_dim, **kwargs):
        self.output_dim = output_dim
        super().__init__(**kwargs)

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[1], self.output_dim),
                                      initializer="uniform", trainable=True)
        super().build(input_shape)

    def call(self, x):
        return K.dot(x, self.kernel)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.output_dim)


def test_custom_keras2_layer_trains_in_a_model():
    model = keras.Sequential([MyDense(2, input_shape=(3,)), layers.Activation("softmax")])
    model.compile("sgd", "categorical_crossentropy")
    before = model.get_weights()[0].copy()
    model.fit(np.random.rand(8, 3), np.eye(2)[np.random.randint(0, 2, 8)], verbose=0)
    assert not np.allclose(before, model.get_weights()[0])
    assert model.layers[0].weights[0].name == "my_dense/kernel:0"
    assert model.output_shape == (None, 2)


def test_add_weight_positional_forms():
    class Old(layers.Layer):
        def build(self, input_shape):
            self.a = self.add_weight("a", (2, 3), initializer="ones")      # Keras 2.2
            self.b = self.add_weight((4,), "zeros", name="b")             # Keras 2.0
            self.built = True

    layer = Old()
    layer.build((None, 2))
    assert [w.shape for w in layer.weights] == [(2, 3), (4,)]
    assert np.all(layer.get_weights()[0] == 1)


def test_lazy_build_and_weights_layout():
    dense = layers.Dense(3)
    assert not dense.built and dense.weights == []
    out = dense(torch.ones(2, 5))
    assert dense.built and tuple(out.shape) == (2, 3)
    kernel, bias = dense.get_weights()
    assert kernel.shape == (5, 3) and bias.shape == (3,)
    dense.set_weights([np.ones((5, 3)), np.arange(3)])
    np.testing.assert_allclose(dense(torch.ones(1, 5)).detach().numpy(), [[5, 6, 7]])
    with pytest.raises(ValueError, match="expecting 2 weights"):
        dense.set_weights([np.ones((5, 3))])
    with pytest.raises(ValueError, match="not compatible"):
        dense.set_weights([np.ones((3, 5)), np.zeros(3)])


def test_trainable_flag_moves_weights():
    dense = layers.Dense(2, input_shape=(3,))
    model = keras.Sequential([dense])
    dense.trainable = False
    assert dense.trainable_weights == [] and len(dense.non_trainable_weights) == 2
    assert len(model.non_trainable_weights) == 2


def test_incompatible_input_names_layer_and_shapes():
    inp = keras.Input((4,))
    dense = layers.Dense(2)
    dense(inp)
    with pytest.raises(ValueError, match=r'layer "dense".*expected axis -1 of input shape to have value 4'):
        dense(keras.Input((5,)))


def test_masking_propagates_to_mask_aware_layers():
    seen = {}

    class Probe(layers.Layer):
        def __init__(self, **kw):
            super().__init__(**kw)
            self.supports_masking = True

        def call(self, x, mask=None):
            seen["mask"] = mask
            return x

    inp = keras.Input((3, 2))
    out = Probe()(layers.Masking(0.0)(inp))
    model = keras.Model(inp, out)
    x = np.ones((1, 3, 2), "float32")
    x[0, 1] = 0
    model.predict(x)
    assert seen["mask"].tolist() == [[True, False, True]]


def test_activity_regularizer_adds_a_loss():
    inp = keras.Input((2,))
    model = keras.Model(inp, layers.ActivityRegularization(l1=0.5)(inp))
    model.compile("sgd", "mse")
    x = np.ones((4, 2), "float32")
    assert model.evaluate(x, x, verbose=0) == pytest.approx(0.5 * 2, rel=1e-5)


def test_weight_regularizer_in_losses_and_training_loss():
    dense = layers.Dense(1, kernel_regularizer="l2", input_shape=(2,), kernel_initializer="ones",
                         bias_initializer="zeros")
    model = keras.Sequential([dense])
    model.compile("sgd", "mse")
    assert float(sum(model.losses)) == pytest.approx(0.01 * 2)
    x = np.zeros((3, 2), "float32")
    assert model.evaluate(x, np.zeros((3, 1)), verbose=0) == pytest.approx(0.02, rel=1e-5)


def test_get_config_from_config_round_trip():
    dense = layers.Dense(4, activation="relu", use_bias=False, name="d")
    clone = layers.Dense.from_config(dense.get_config())
    assert clone.get_config() == dense.get_config()
    assert dense.get_config()["activation"] == "relu"


def test_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError, match="Keyword argument not understood"):
        layers.Dense(3, foo=1)


def test_layers_are_torch_modules():
    model = keras.Sequential([layers.Dense(4, input_shape=(3,)), layers.Dense(1)])
    assert isinstance(model, torch.nn.Module)
    assert len(list(model.parameters())) == 4
    out = model(torch.ones(2, 3))
    assert out.shape == (2, 1)
    state = model.state_dict()
    assert len(state) == 4


def test_model_weights_go_layer_by_layer_as_tf_keras():
    model = keras.Sequential([layers.Dense(3, input_shape=(2,)), layers.BatchNormalization(), layers.Dense(1)])
    assert [w.name for w in model.weights] == [
        "dense/kernel:0", "dense/bias:0", "batch_normalization/gamma:0", "batch_normalization/beta:0",
        "batch_normalization/moving_mean:0", "batch_normalization/moving_variance:0",
        "dense_1/kernel:0", "dense_1/bias:0"]
    assert [w.shape for w in model.get_weights()][:4] == [(2, 3), (3,), (3,), (3,)]


def test_built_model_as_first_layer_of_a_sequential():
    inner = keras.Sequential([layers.Dense(4, input_shape=(3,))])
    outer = keras.Sequential([inner, layers.Dense(1)])
    assert outer.built and outer.output_shape == (None, 1)


def test_a_variable_set_as_an_attribute_in_build_is_a_trained_weight():
    from torchkeras_compat import backend as K

    class Scale(keras.layers.Layer):
        def build(self, input_shape):
            self.scale = K.variable(np.full((input_shape[-1],), 2.0, "float32"), name="scale")
            super().build(input_shape)

        def call(self, inputs):
            return inputs * self.scale

    model = keras.Sequential([Scale(input_shape=(3,), name="sc")])
    assert [w.name for w in model.weights] == ["sc/scale:0"]
    assert model.count_params() == 3
    model.compile(keras.optimizers.SGD(0.1), "mse")
    model.fit(np.ones((4, 3), "float32"), np.zeros((4, 3), "float32"), epochs=1, verbose=0)
    assert np.all(model.get_weights()[0] < 2.0)
