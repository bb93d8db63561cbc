"""More activations: selu, gelu, swish, exponential, relu6, mish, softmax axes, relu options,
advanced activation layers, Dense(activation=...) by name and callable, serialize/get."""
from keras import activations
# ---- common case header (copied into every case; cases must be self-contained) ----
import traceback

import numpy as np

import keras

TOL = dict(rtol=1e-4, atol=1e-5)  # float32 forward pass
FAILED = []


def sub(name):
    """Run the decorated function at once; on error note it and go on, so the other keys still report."""
    def run(fn):
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - any failure of the implementation under test
            traceback.print_exc()
            FAILED.append(f"{name}: {type(e).__name__}: {' '.join(str(e).split())[:150]}")
    return run


def finish():
    """Fail the case (after reporting what passed) when a sub-test raised."""
    if FAILED:
        raise RuntimeError(f"{len(FAILED)} sub-test(s) raised: " + " | ".join(FAILED))


def seed_weights(model, seed):
    """Replace every weight, layer by layer, by seeded uniform(-0.5, 0.5) float32 values.

    Nested models are walked into; a BatchNormalization's moving variance (its last weight) is drawn
    from uniform(0.5, 1.5) so that it stays positive.
    """
    rng = np.random.RandomState(seed)

    def visit(layer):
        inner = getattr(layer, "layers", None)
        if isinstance(inner, (list, tuple)) and inner:
            for s in inner:
                visit(s)
            return
        old = layer.get_weights()
        if old:
            new = [rng.uniform(-0.5, 0.5, w.shape).astype("float32") for w in old]
            if type(layer).__name__ == "BatchNormalization":
                new[-1] = rng.uniform(0.5, 1.5, old[-1].shape).astype("float32")
            layer.set_weights(new)

    for layer in model.layers:
        visit(layer)


def data(seed, shape, lo=-1.0, hi=1.0):
    return np.random.RandomState(seed).uniform(lo, hi, shape).astype("float32")


def num(v):
    """A tensor/scalar as a numpy array (0-d for a scalar), so TF scalars and torch 0-d tensors report alike."""
    if hasattr(v, "detach"):
        v = v.detach().cpu()
    return np.asarray(v)


def report_outputs(key, y, tol=TOL):
    if isinstance(y, (list, tuple)):
        for i, yi in enumerate(y):
            report(f"{key}.{i}", yi, rule="close", **tol)
    else:
        report(key, y, rule="close", **tol)


def layer_case(key, make_layer, x, seed=0, tol=TOL, input_dtype=None):
    """Sub-test: one layer on a functional Input, every weight seeded, predict on x, report close."""
    @sub(key)
    def _():
        inp = keras.layers.Input(shape=x.shape[1:], **({"dtype": input_dtype} if input_dtype else {}))
        model = keras.models.Model(inputs=inp, outputs=make_layer()(inp))
        seed_weights(model, seed)
        report_outputs(key, model.predict(x, verbose=0), tol)
# ---- end of common header ----
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
