"""File interop: a tf_keras 2.21 HDF5 model with a custom layer (get_config), compiled with a custom loss
function: load_model without custom_objects fails naming the layer; with custom_objects (and inside
CustomObjectScope) it predicts and evaluates as Keras, the custom layer's config and weights come back,
and compile=False needs only the layer."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import backend as K  # noqa: E402
from keras.layers import Layer  # noqa: E402
from keras.models import load_model  # noqa: E402
from keras.utils import CustomObjectScope  # noqa: E402


class ScaledDense(Layer):
    def __init__(self, units, scale=1.0, **kwargs):
        super(ScaledDense, self).__init__(**kwargs)
        self.units, self.scale = units, scale

    def build(self, input_shape):
        self.w = self.add_weight(name="w", shape=(input_shape[-1], self.units),
                                 initializer="glorot_uniform", trainable=True)
        self.b = self.add_weight(name="b", shape=(self.units,), initializer="zeros")
        super(ScaledDense, self).build(input_shape)

    def call(self, inputs):
        return (K.dot(inputs, self.w) + self.b) * self.scale

    def get_config(self):
        config = super(ScaledDense, self).get_config()
        config.update({"units": self.units, "scale": self.scale})
        return config


def scaled_mse(y_true, y_pred):
    return K.mean(K.square(y_pred - y_true), axis=-1) * 2.0


x = np.load(fixture("interop_custom_layer_loss_in0.npy"))
y = np.zeros((len(x), 2), "float32")
path = fixture("interop_custom_layer_loss.h5")
CUSTOM = {"ScaledDense": ScaledDense, "scaled_mse": scaled_mse}


@sub("without_custom_objects")
def _():
    try:
        load_model(path)
        report("without_custom_objects.raises", False)
    except ValueError as e:
        report("without_custom_objects.raises", True)
        report("without_custom_objects.names_layer", "ScaledDense" in str(e))


@sub("with_custom_objects")
def _():
    model = load_model(path, custom_objects=CUSTOM)
    report_outputs("with_custom_objects", model.predict(x, verbose=0))
    layer = model.get_layer("scaled")
    report("with_custom_objects.config", {k: layer.get_config()[k] for k in ("units", "scale", "name")})
    report("with_custom_objects.weight_shapes", [list(w.shape) for w in layer.get_weights()])
    report("with_custom_objects.evaluate", model.evaluate(x, y, verbose=0), rule="close", rtol=1e-4, atol=1e-6)
    report("with_custom_objects.metrics_names", model.metrics_names)


@sub("compile_false")
def _():
    model = load_model(path, custom_objects={"ScaledDense": ScaledDense}, compile=False)
    report_outputs("compile_false", model.predict(x, verbose=0))


@sub("scope")
def _():
    with CustomObjectScope(CUSTOM):
        model = load_model(path)
    report_outputs("scope", model.predict(x, verbose=0))

finish()
