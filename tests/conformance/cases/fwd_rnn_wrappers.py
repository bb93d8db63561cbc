"""Forward parity: Bidirectional merge modes and states, GRU reset_after, TimeDistributed, ConvLSTM2D, RNN cells, masking into recurrent layers, stateful GRU with reset_states; weight names."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import layers as L
from keras.models import Model, Sequential

xs = data(1, (2, 5, 3))
for mode in ("concat", "sum", "mul", "ave"):
    layer_case("bidir_lstm_" + mode, lambda mode=mode: L.Bidirectional(L.LSTM(3, return_sequences=True), merge_mode=mode), xs)
layer_case("bidir_none", lambda: L.Bidirectional(L.GRU(2), merge_mode=None), xs)
layer_case("bidir_return_state", lambda: L.Bidirectional(L.LSTM(2, return_state=True)), xs)
layer_case("bidir_simplernn", lambda: L.Bidirectional(L.SimpleRNN(2, return_sequences=True)), xs)
layer_case("gru_reset_after_true", lambda: L.GRU(3, reset_after=True, return_sequences=True), xs)
layer_case("gru_reset_after_false", lambda: L.GRU(3, reset_after=False, return_sequences=True), xs)
layer_case("gru_return_state_backwards", lambda: L.GRU(3, return_state=True, go_backwards=True), xs)
layer_case("simplernn_relu_state", lambda: L.SimpleRNN(3, activation="relu", return_state=True), xs)
layer_case("timedistributed_dense", lambda: L.TimeDistributed(L.Dense(4, activation="relu")), xs)
layer_case("timedistributed_conv2d", lambda: L.TimeDistributed(L.Conv2D(2, 3)), data(2, (2, 3, 5, 5, 2)))
layer_case("timedistributed_flatten", lambda: L.TimeDistributed(L.Flatten()), data(2, (2, 3, 5, 5, 2)))
layer_case("convlstm2d", lambda: L.ConvLSTM2D(2, 3, padding="same", return_sequences=True), data(3, (2, 3, 5, 5, 2)))
layer_case("convlstm2d_last", lambda: L.ConvLSTM2D(2, (2, 3), strides=(1, 1)), data(3, (2, 3, 5, 5, 2)))
layer_case("rnn_cell_lstm", lambda: L.RNN(L.LSTMCell(3), return_sequences=True), xs)
layer_case("rnn_stacked_cells", lambda: L.RNN([L.GRUCell(3), L.SimpleRNNCell(2)]), xs)


@sub("masking_lstm")
def _():
    x = data(5, (3, 6, 2))
    x[0, 4:] = 0.0
    x[1, :2] = 0.0
    inp = L.Input(shape=(6, 2))
    h = L.Masking(mask_value=0.0)(inp)
    out = L.Bidirectional(L.LSTM(3, return_sequences=True))(h)
    out = L.LSTM(2)(out)
    model = Model(inp, out)
    seed_weights(model, 6)
    report("masking_lstm", model.predict(x, verbose=0), rule="close", **TOL)


@sub("embedding_mask_gru_seq")
def _():
    inp = L.Input(shape=(5,))
    e = L.Embedding(8, 3, mask_zero=True)(inp)
    out = L.GRU(2, return_sequences=True)(e)
    out = L.TimeDistributed(L.Dense(2))(out)
    model = Model(inp, out)
    seed_weights(model, 7)
    ids = np.array([[1, 2, 0, 0, 0], [3, 4, 5, 6, 7]])
    report("embedding_mask_gru_seq", model.predict(ids, verbose=0), rule="close", **TOL)


@sub("stateful_gru")
def _():
    model = Sequential([L.GRU(3, stateful=True, return_sequences=True, batch_input_shape=(2, 5, 3)), L.Dense(1)])
    seed_weights(model, 8)
    a = model.predict(xs, batch_size=2, verbose=0)
    b = model.predict(xs, batch_size=2, verbose=0)
    model.layers[0].reset_states()
    c = model.predict(xs, batch_size=2, verbose=0)
    report("stateful_gru.a", a, rule="close", **TOL)
    report("stateful_gru.b", b, rule="close", **TOL)
    report("stateful_gru.c", c, rule="close", **TOL)
    report("stateful_gru.states", [s.shape[-1] for s in model.layers[0].states], rule="exact")


@sub("weight_names")
def _():
    names = {}
    for key, layer, x in [("bidir", L.Bidirectional(L.LSTM(2)), xs), ("gru_v1", L.GRU(2, reset_after=False), xs),
                          ("gru", L.GRU(2), xs), ("td", L.TimeDistributed(L.Dense(2)), xs),
                          ("convlstm", L.ConvLSTM2D(2, 3), data(3, (2, 3, 5, 5, 2)))]:
        inp = L.Input(shape=x.shape[1:])
        layer(inp)
        names[key] = [[w.name.split("/", 1)[-1], [int(d) for d in w.shape]] for w in layer.weights]
    report("weight_names", names, rule="exact")


finish()
