"""Forward parity: ConvLSTM3D (valid/same, strides, return_sequences/state, go_backwards), ConvLSTM2D/1D options (dropout at inference, initial_state, masking), weight names, shapes and configs."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import layers as L
from keras.models import Model

x3 = data(1, (2, 3, 4, 5, 4, 2))
x2 = data(2, (2, 3, 5, 4, 2))
layer_case("convlstm3d_valid", lambda: L.ConvLSTM3D(2, 2), x3)
layer_case("convlstm3d_same_seq", lambda: L.ConvLSTM3D(2, (1, 3, 2), padding="same", return_sequences=True), x3)
layer_case("convlstm3d_strided_state", lambda: L.ConvLSTM3D(2, 2, strides=(1, 2, 2), return_state=True), x3)
layer_case("convlstm3d_backwards", lambda: L.ConvLSTM3D(1, 2, go_backwards=True, activation="relu"), x3)
layer_case("convlstm2d_dropout_inference", lambda: L.ConvLSTM2D(2, 3, padding="same", dropout=0.3, recurrent_dropout=0.3), x2)
layer_case("convlstm1d_backwards_seq", lambda: L.ConvLSTM1D(2, 2, go_backwards=True, return_sequences=True), data(3, (2, 3, 6, 2)))


@sub("convlstm2d_initial_state")
def _():
    inp, h0, c0 = L.Input(shape=(3, 5, 4, 2)), L.Input(shape=(5, 4, 2)), L.Input(shape=(5, 4, 2))
    out = L.ConvLSTM2D(2, 3, padding="same", return_sequences=True)(inp, initial_state=[h0, c0])
    model = Model([inp, h0, c0], out)
    seed_weights(model, 4)
    report("convlstm2d_initial_state", model.predict([x2, data(5, (2, 5, 4, 2)), data(6, (2, 5, 4, 2))], verbose=0),
           rule="close", **TOL)


@sub("convlstm3d_meta")
def _():
    layer = L.ConvLSTM3D(2, 2, strides=(1, 2, 1), padding="same")
    inp = L.Input(shape=(3, 4, 5, 4, 2))
    out = layer(inp)
    report("convlstm3d_meta", [list(out.shape), [w.name for w in layer.weights], [list(w.shape) for w in layer.weights],
                               layer.count_params(), list(layer.compute_output_shape((None, 3, 4, 5, 4, 2)))], rule="exact")
    cfg = {k: v for k, v in layer.get_config().items() if k != "name"}
    report("convlstm3d_config", cfg, rule="exact")


finish()
