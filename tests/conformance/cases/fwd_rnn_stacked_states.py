"""Stacked recurrent cells: RNN([cells]) and StackedRNNCells with return_state give the states nested per cell ([out, [h1, c1], h2]) in symbolic, eager and predict results; nested initial_state; state_size/output_size."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import layers as L
from keras.models import Model, Sequential

xs = data(1, (2, 6, 3))
layer_case("rnn_lstm_cells_state", lambda: L.RNN([L.LSTMCell(3), L.LSTMCell(2)], return_state=True), xs)
layer_case("rnn_mixed_cells_state_seq", lambda: L.RNN([L.SimpleRNNCell(2), L.GRUCell(3), L.LSTMCell(2)],
                                                      return_state=True, return_sequences=True), xs)
layer_case("rnn_stacked_cells_object", lambda: L.RNN(L.StackedRNNCells([L.GRUCell(2), L.LSTMCell(3)]),
                                                     return_state=True, go_backwards=True), xs)
layer_case("rnn_single_cell_list", lambda: L.RNN([L.LSTMCell(2)], return_state=True), xs)


@sub("stacked_structure")
def _():
    inp = L.Input(shape=(6, 3))
    out = L.RNN([L.LSTMCell(3), L.GRUCell(2)], return_state=True, return_sequences=True)(inp)
    report("stacked_structure.symbolic", [len(out), list(out[0].shape), [list(s.shape) for s in out[1]], list(out[2].shape)],
           rule="exact")
    model = Model(inp, out)
    seed_weights(model, 3)
    y = model.predict(xs, verbose=0)
    report("stacked_structure.predict", [len(y), list(y[0].shape), [list(s.shape) for s in y[1]], list(y[2].shape)],
           rule="exact")
    report("stacked_structure.outputs", len(model.outputs), rule="exact")
    report("stacked_structure.values", [y[0], y[1][0], y[1][1], y[2]], rule="close", **TOL)
    cell = L.StackedRNNCells([L.LSTMCell(4), L.GRUCell(2), L.SimpleRNNCell(3)])
    report("stacked_structure.state_size", [cell.state_size[0][0], cell.state_size[0][1], cell.state_size[1],
                                            cell.state_size[2], cell.output_size], rule="exact")


@sub("stacked_initial_state")
def _():
    inp = L.Input(shape=(6, 3))
    h1, c1, h2 = L.Input(shape=(3,)), L.Input(shape=(3,)), L.Input(shape=(2,))
    out = L.RNN([L.LSTMCell(3), L.GRUCell(2)], return_sequences=True)(inp, initial_state=[[h1, c1], h2])
    model = Model([inp, h1, c1, h2], out)
    seed_weights(model, 4)
    report("stacked_initial_state", model.predict([xs, data(5, (2, 3)), data(6, (2, 3)), data(7, (2, 2))], verbose=0),
           rule="close", **TOL)


@sub("stacked_eager_and_model_shape")
def _():
    layer = L.RNN([L.LSTMCell(3), L.GRUCell(2)], return_state=True)
    y = layer(xs)
    report("stacked_eager.structure", [list(num(y[0]).shape), [list(num(s).shape) for s in y[1]],
                                       list(num(y[2]).shape)], rule="exact")
    inp = L.Input(shape=(6, 3))
    model = Model(inp, L.RNN([L.LSTMCell(3), L.LSTMCell(2)], return_state=True)(inp))
    report("stacked_model.output_shape", [list(model.output_shape[0])] +
           [[list(s) for s in group] for group in model.output_shape[1:]], rule="exact")


finish()
