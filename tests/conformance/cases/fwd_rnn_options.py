"""Forward parity: RNN options — go_backwards/unroll/return_state for SimpleRNN/LSTM/GRU, dropout at inference, initial_state (keyword and list), stateful LSTM with reset_states(states), Bidirectional with mask and merge_mode None / backward_layer, time_major, GRU reset_after=False with activations, ConvLSTM2D return_state/go_backwards; user-written RNN cells as in the Keras docs (MinimalRNNCell, stacked, constants, two states, AbstractRNNCell, masks)."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import backend as K
from keras import layers as L
from keras.models import Model, Sequential

xs = data(1, (2, 6, 3))
layer_case("simplernn_backwards_unroll", lambda: L.SimpleRNN(3, go_backwards=True, unroll=True, return_sequences=True), xs)
layer_case("lstm_state_seq_backwards", lambda: L.LSTM(3, return_sequences=True, return_state=True, go_backwards=True), xs)
layer_case("gru_v1_state_hard_sigmoid", lambda: L.GRU(3, reset_after=False, recurrent_activation="hard_sigmoid",
                                                     activation="relu", return_state=True), xs)
layer_case("gru_dropout_inference", lambda: L.GRU(3, dropout=0.5, recurrent_dropout=0.5, return_sequences=True), xs)
layer_case("lstm_dropout_unroll", lambda: L.LSTM(2, dropout=0.3, recurrent_dropout=0.2, unroll=True), xs)
layer_case("simplernn_nobias_linear", lambda: L.SimpleRNN(2, use_bias=False, activation=None), xs)
layer_case("lstm_no_forget_bias", lambda: L.LSTM(2, unit_forget_bias=False, return_sequences=True), xs)
layer_case("rnn_simple_cell_time_major", lambda: L.RNN(L.SimpleRNNCell(2), time_major=True, return_sequences=True),
           data(2, (6, 2, 3)))
layer_case("bidir_masked_none", lambda: L.Bidirectional(L.LSTM(2, return_sequences=True), merge_mode=None),
           xs)
layer_case("bidir_backward_layer", lambda: L.Bidirectional(L.LSTM(2, return_sequences=True),
                                                           backward_layer=L.GRU(2, return_sequences=True, go_backwards=True)), xs)
layer_case("bidir_gru_state_seq", lambda: L.Bidirectional(L.GRU(2, return_sequences=True, return_state=True), merge_mode="ave"), xs)
layer_case("convlstm2d_state_backwards", lambda: L.ConvLSTM2D(2, 3, padding="same", return_state=True, go_backwards=True),
           data(3, (2, 3, 5, 4, 2)))
layer_case("convlstm2d_strided_dilated", lambda: L.ConvLSTM2D(2, 2, dilation_rate=2, return_sequences=True,
                                                             recurrent_activation="hard_sigmoid"), data(3, (2, 3, 5, 5, 2)))


@sub("initial_state_list_input")
def _():
    inp, h0 = L.Input(shape=(6, 3)), L.Input(shape=(3,))
    out = L.GRU(3, return_sequences=True)([inp, h0])
    model = Model([inp, h0], out)
    seed_weights(model, 5)
    report("initial_state_list_input", model.predict([xs, data(8, (2, 3))], verbose=0), rule="close", **TOL)


@sub("encoder_decoder_states")
def _():
    enc_in, dec_in = L.Input(shape=(None, 3)), L.Input(shape=(None, 2))
    _, h, c = L.LSTM(4, return_state=True)(enc_in)
    dec = L.LSTM(4, return_sequences=True, return_state=True)
    dec_out, _, _ = dec(dec_in, initial_state=[h, c])
    out = L.Dense(2, activation="softmax")(dec_out)
    model = Model([enc_in, dec_in], out)
    seed_weights(model, 6)
    report("encoder_decoder_states", model.predict([xs, data(9, (2, 4, 2))], verbose=0), rule="close", **TOL)
    report("encoder_decoder_states.shapes", [list(s) for s in dec.output_shape], rule="exact")


@sub("stateful_lstm_reset_values")
def _():
    model = Sequential([L.LSTM(3, stateful=True, batch_input_shape=(2, 6, 3))])
    seed_weights(model, 7)
    a = model.predict(xs, batch_size=2, verbose=0)
    layer = model.layers[0]
    report("stateful_lstm_reset_values.states", [num(s) for s in layer.states], rule="close", **TOL)
    layer.reset_states(states=[np.ones((2, 3), "float32"), np.zeros((2, 3), "float32")])
    b = model.predict(xs, batch_size=2, verbose=0)
    report("stateful_lstm_reset_values.a", a, rule="close", **TOL)
    report("stateful_lstm_reset_values.b", b, rule="close", **TOL)


@sub("masked_bidir_state")
def _():
    x = xs.copy()
    x[0, 4:] = 0.0
    inp = L.Input(shape=(6, 3))
    out = L.Bidirectional(L.GRU(2, return_state=True))(L.Masking()(inp))
    model = Model(inp, out)
    seed_weights(model, 8)
    report_outputs("masked_bidir_state", model.predict(x, verbose=0))


@sub("masked_unroll_backwards")
def _():
    x = xs.copy()
    x[1, :2] = 0.0
    inp = L.Input(shape=(6, 3))
    out = L.SimpleRNN(2, go_backwards=True, unroll=True, return_sequences=True)(L.Masking()(inp))
    model = Model(inp, out)
    seed_weights(model, 9)
    report("masked_unroll_backwards", model.predict(x, verbose=0), rule="close", **TOL)


# ---- user-written RNN cells as in the Keras docs (MinimalRNNCell, stacked, constants, two states, AbstractRNNCell, masks)
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


xc = data(1, (2, 5, 3))
layer_case("minimal_cell", lambda: L.RNN(MinimalRNNCell(4)), xc)
layer_case("minimal_cell_seq_backwards", lambda: L.RNN(MinimalRNNCell(3), return_sequences=True, go_backwards=True), xc)
layer_case("minimal_cells_stacked", lambda: L.RNN([MinimalRNNCell(4), MinimalRNNCell(2)]), xc)
layer_case("two_state_cell_state", lambda: L.RNN(TwoStateCell(3), return_state=True), xc)
layer_case("abstract_cell", lambda: L.RNN(AbstractCell(2), return_sequences=True), xc)
layer_case("minimal_cell_unroll", lambda: L.RNN(MinimalRNNCell(2), unroll=True, return_state=True), xc)


@sub("constants")
def _():
    x, c = L.Input(shape=(5, 3)), L.Input(shape=(2,))
    rnn = L.RNN(ConstantCell(3, 2), return_sequences=True)
    model = Model([x, c], rnn(x, constants=c))
    seed_weights(model, 2)
    report("constants", model.predict([xc, data(3, (2, 2))], verbose=0), rule="close", **TOL)
    report("constants.weights", [[w.name.split("/")[-1], list(w.shape)] for w in rnn.weights], rule="exact")


@sub("masked_custom_cell")
def _():
    x = xc.copy()
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
