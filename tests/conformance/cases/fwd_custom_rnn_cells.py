"""Forward parity: user-written RNN cells as in the Keras docs (MinimalRNNCell, state_size set before super().__init__), stacked, with constants, with two states (list state_size), AbstractRNNCell subclass, masks and go_backwards through a custom cell."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import backend as K
from keras import layers as L
from keras.models import Model


class MinimalRNNCell(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        self.units = units
        self.state_size = units
        super(MinimalRNNCell, self).__init__(**kwargs)

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="uniform", name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer="uniform",
                                                name="recurrent_kernel")
        self.built = True

    def call(self, inputs, states):
        prev_output = states[0]
        h = K.dot(inputs, self.kernel)
        output = h + K.dot(prev_output, self.recurrent_kernel)
        return output, [output]


class TwoStateCell(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = [units, units]
        self.output_size = units

    def build(self, input_shape):
        self.w = self.add_weight(name="w", shape=(input_shape[-1], self.units), initializer="uniform")

    def call(self, inputs, states):
        h, c = states
        c2 = c + K.tanh(K.dot(inputs, self.w))
        h2 = h * 0.5 + c2
        return h2, [h2, c2]


class ConstantCell(keras.layers.Layer):
    def __init__(self, units, constant_dim, **kwargs):
        self.units = units
        self.constant_dim = constant_dim
        self.state_size = units
        super().__init__(**kwargs)

    def build(self, input_shape):
        # the Keras docs' cell reads [step_shape, constant_shape]; tf_keras 2.21 passes only the step shape
        step_shape = input_shape[0] if isinstance(input_shape[0], (tuple, list)) else input_shape
        self.w = self.add_weight(name="w", shape=(step_shape[-1], self.units), initializer="uniform")
        self.wc = self.add_weight(name="wc", shape=(self.constant_dim, self.units), initializer="uniform")

    def call(self, inputs, states, constants):
        return self._step(inputs, states[0], constants[0])

    def _step(self, x, h, c):
        out = K.tanh(K.dot(x, self.w) + K.dot(c, self.wc) + h)
        return out, [out]


class AbstractCell(keras.layers.AbstractRNNCell):
    def __init__(self, units, **kwargs):
        self.units = units
        super().__init__(**kwargs)

    @property
    def state_size(self):
        return self.units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="uniform", name="kernel")

    def call(self, inputs, states):
        output = K.dot(inputs, self.kernel) + states[0] * 0.9
        return output, output


xs = data(1, (2, 5, 3))
layer_case("minimal_cell", lambda: L.RNN(MinimalRNNCell(4)), xs)
layer_case("minimal_cell_seq_backwards", lambda: L.RNN(MinimalRNNCell(3), return_sequences=True, go_backwards=True), xs)
layer_case("minimal_cells_stacked", lambda: L.RNN([MinimalRNNCell(4), MinimalRNNCell(2)]), xs)
layer_case("two_state_cell_state", lambda: L.RNN(TwoStateCell(3), return_state=True), xs)
layer_case("abstract_cell", lambda: L.RNN(AbstractCell(2), return_sequences=True), xs)
layer_case("minimal_cell_unroll", lambda: L.RNN(MinimalRNNCell(2), unroll=True, return_state=True), xs)


@sub("constants")
def _():
    x, c = L.Input(shape=(5, 3)), L.Input(shape=(2,))
    rnn = L.RNN(ConstantCell(3, 2), return_sequences=True)
    model = Model([x, c], rnn(x, constants=c))
    seed_weights(model, 2)
    report("constants", model.predict([xs, data(3, (2, 2))], verbose=0), rule="close", **TOL)
    report("constants.weights", [[w.name.split("/")[-1], list(w.shape)] for w in rnn.weights], rule="exact")


@sub("masked_custom_cell")
def _():
    x = xs.copy()
    x[0, 3:] = 0.0
    inp = L.Input(shape=(5, 3))
    out = L.RNN(MinimalRNNCell(2), return_sequences=True)(L.Masking()(inp))
    model = Model(inp, out)
    seed_weights(model, 4)
    report("masked_custom_cell", model.predict(x, verbose=0), rule="close", **TOL)


@sub("custom_cell_names_counts")
def _():
    inp = L.Input(shape=(None, 3))
    rnn = L.RNN([MinimalRNNCell(4), MinimalRNNCell(2)], return_sequences=True)
    out = rnn(inp)
    report("custom_cell_names_counts", [list(out.shape), rnn.count_params(),
                                        [w.name for w in rnn.weights]], rule="exact")


finish()
