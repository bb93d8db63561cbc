"""Sequential/functional idioms of 2017-2020 tutorials: add() with input_dim/batch_input_shape,
Keras 1 Model(input=, output=), a model used as a layer, a stateful LSTM with reset_states(),
variable-length inputs (None timesteps), models called on new Inputs; and the error types Keras
raises for mistakes (fit before compile, wrong input shape, wrong number of arrays, unknown loss,
adding a non-layer, a duplicate layer name)."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras.layers import Dense, Input, LSTM, GRU, Activation, Dropout, Embedding, GlobalAveragePooling1D
from keras.models import Model, Sequential

TOLS = dict(rtol=1e-4, atol=1e-5)
x = data(1, (6, 4))


def error_type(fn):
    try:
        fn()
        return None
    except Exception as e:  # noqa: BLE001 - the type is what is checked
        return type(e).__name__


@sub("add_idioms")
def _():
    m = Sequential()
    m.add(Dense(5, input_dim=4))
    m.add(Activation("relu"))
    m.add(Dense(2, kernel_initializer="uniform"))
    m.add(Activation("softmax"))
    seed_weights(m, 1)
    report("add.shapes", [m.input_shape, m.output_shape])
    report("add.predict", m.predict(x, verbose=0), rule="close", **TOLS)
    b = Sequential()
    b.add(Dense(3, batch_input_shape=(None, 4)))
    report("add.batch_input_shape", b.input_shape)
    inp = Input(shape=(4,))
    as_layer = Model(inp, m(inp))
    report("add.model_as_layer", as_layer.predict(x, verbose=0), rule="close", **TOLS)
    report("add.model_as_layer_layers", [type(l).__name__ for l in as_layer.layers])
    k1 = Model(input=inp, output=Dense(3, name="k1_out")(inp))
    report("add.keras1_model", [k1.output_names, k1.output_shape])


@sub("stateful")
def _():
    m = Sequential([LSTM(3, stateful=True, batch_input_shape=(2, 5, 2)), Dense(1)])
    seed_weights(m, 2)
    xs = data(2, (2, 5, 2))
    first = m.predict(xs, batch_size=2, verbose=0)
    second = m.predict(xs, batch_size=2, verbose=0)
    m.reset_states()
    third = m.predict(xs, batch_size=2, verbose=0)
    report("stateful.first", first, rule="close", **TOLS)
    report("stateful.second", second, rule="close", **TOLS)
    report("stateful.reset_same", bool(np.allclose(first, third, atol=1e-6)))
    report("stateful.state_changes", bool(not np.allclose(first, second, atol=1e-6)))
    m.compile("sgd", "mse")
    h = m.fit(xs, np.zeros((2, 1), "float32"), batch_size=2, epochs=2, shuffle=False, verbose=0)
    report("stateful.fit_loss", h.history["loss"], rule="close", **TOLS)


@sub("variable_length")
def _():
    m = Sequential([Embedding(20, 4, input_length=None, mask_zero=True), GRU(3), Dense(1)])
    seed_weights(m, 3)
    a = np.array([[1, 2, 3, 0, 0], [4, 5, 6, 7, 8]])
    b = np.array([[1, 2, 3], [4, 5, 6]])
    report("varlen.len5", m.predict(a, verbose=0), rule="close", **TOLS)
    report("varlen.len3", m.predict(b, verbose=0), rule="close", **TOLS)
    report("varlen.output_shape", m.output_shape)
    inp = Input(shape=(None, 3))
    f = Model(inp, Dense(2)(GlobalAveragePooling1D()(LSTM(4, return_sequences=True)(inp))))
    seed_weights(f, 4)
    report("varlen.func7", f.predict(data(5, (2, 7, 3)), verbose=0), rule="close", **TOLS)
    report("varlen.func2", f.predict(data(6, (3, 2, 3)), verbose=0), rule="close", **TOLS)


@sub("errors")
def _():
    m = Sequential([Dense(2, input_shape=(4,))])
    report("errors.fit_before_compile", error_type(lambda: m.fit(x, np.zeros((6, 2)), verbose=0)))
    m.compile("sgd", "mse")
    report("errors.wrong_feature_size", error_type(lambda: m.fit(np.zeros((6, 3)), np.zeros((6, 2)), verbose=0)))
    report("errors.extra_unit_axis_squeezed", m.predict(np.ones((2, 4, 1)), verbose=0).shape)
    report("errors.wrong_rank_raises", error_type(lambda: m.predict(np.zeros((6, 4, 2)), verbose=0)) is not None)

    def typo_loss():
        m2 = Sequential([Dense(2, input_shape=(4,))])
        m2.compile("sgd", "mean_squared_errr")  # tf.keras 2.21 raises at fit, Keras 2.0-2.3 at compile
        m2.fit(x, np.zeros((6, 2)), verbose=0)
    report("errors.unknown_loss", error_type(typo_loss))
    report("errors.unknown_optimizer", error_type(lambda: m.compile("sgdd", "mse")))
    report("errors.add_non_layer", error_type(lambda: Sequential().add("dense")))
    a, b = Input(shape=(2,)), Input(shape=(2,))
    two = Model([a, b], Dense(1)(keras.layers.concatenate([a, b])))
    two.compile("sgd", "mse")
    report("errors.missing_input", error_type(lambda: two.fit([np.zeros((4, 2))], np.zeros((4, 1)), verbose=0)))
    report("errors.sample_mismatch", error_type(lambda: m.fit(x, np.zeros((5, 2)), verbose=0)))
    report("errors.duplicate_names", error_type(lambda: Sequential([Dense(2, input_shape=(2,), name="same"),
                                                                    Dense(2, name="same")])))
    report("errors.disconnected", error_type(lambda: Model(Input(shape=(2,)), Dense(1)(Input(shape=(2,))))))


finish()
