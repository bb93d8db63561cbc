"""More activations: selu, gelu, swish, exponential, relu6, mish, softmax axes, relu options,
advanced activation layers, Dense(activation=...) by name and callable, serialize/get."""
from keras import activations
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import backend as K
from keras.layers import Activation, Dense, LeakyReLU, PReLU, ELU, ThresholdedReLU, ReLU, Softmax
from keras.models import Sequential

TOLA = dict(rtol=1e-5, atol=1e-6)
x = np.array([[-6.0, -3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0, 6.5],
              [-20.0, -2.0, -0.1, 0.1, 0.2, 2.0, 2.5, 10.0, 30.0]], dtype="float32")
t = K.constant(x)


def ev(v):
    return num(K.eval(v))


for name in ("selu", "gelu", "swish", "exponential", "relu6", "mish", "softsign", "hard_sigmoid", "silu"):
    @sub(name)
    def _(name=name):
        m = Sequential([Activation(name, input_shape=(9,))])
        report(name, m.predict(x, verbose=0), rule="close", **TOLA)


@sub("functions")
def _():
    report("functions.gelu_approx", ev(activations.gelu(t, approximate=True)), rule="close", **TOLA)
    report("functions.softmax_axis0", ev(activations.softmax(t, axis=0)), rule="close", **TOLA)
    report("functions.relu_threshold", ev(activations.relu(t, threshold=1.0)), rule="close", **TOLA)
    report("functions.relu_all", ev(activations.relu(t, alpha=0.2, max_value=5.0, threshold=0.5)), rule="close", **TOLA)
    report("functions.softmax_3d", ev(activations.softmax(K.constant(x.reshape(2, 3, 3)))), rule="close", **TOLA)
    report("functions.serialize", [activations.serialize(activations.get(n)) for n in ("relu", "softmax", "linear", None)])
    report("functions.get_none_is_linear", ev(activations.get(None)(t)), rule="close", **TOLA)


@sub("layers")
def _():
    for key, layer in (("leaky_default", LeakyReLU()), ("leaky_alpha", LeakyReLU(alpha=0.1)), ("elu", ELU(alpha=0.7)),
                       ("thresholded", ThresholdedReLU(theta=0.4)), ("relu_layer", ReLU(max_value=2.0, negative_slope=0.1)),
                       ("softmax_layer", Softmax(axis=-1))):
        m = Sequential([layer.__class__.from_config(layer.get_config())])
        m.build((None, 9))
        report("layers." + key, m.predict(x, verbose=0), rule="close", **TOLA)
        report("layers." + key + ".config", {k: v for k, v in sorted(layer.get_config().items()) if k not in ("name", "dtype", "trainable")})
    p = Sequential([PReLU(input_shape=(9,))])
    p.set_weights([np.linspace(0, 1, 9).astype("float32")])
    report("layers.prelu", p.predict(x, verbose=0), rule="close", **TOLA)


@sub("dense_activation")
def _():
    for key, act in (("name", "selu"), ("callable", activations.swish), ("k_func", K.tanh)):
        m = Sequential([Dense(4, input_shape=(9,), activation=act)])
        seed_weights(m, 1)
        report("dense_activation." + key, m.predict(x, verbose=0), rule="close", **TOLA)
    m = Sequential([Dense(3, input_shape=(9,), activation="softmax")])
    report("dense_activation.config_name", m.layers[0].get_config()["activation"])


finish()
