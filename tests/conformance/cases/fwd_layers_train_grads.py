"""Gradients through layers: a few SGD steps (same weights, data, order) through masked Embedding+Bidirectional LSTM, GRU(reset_after=False), Conv1D/SeparableConv1D, Conv2DTranspose+BatchNormalization, LayerNormalization, PReLU, LocallyConnected1D, ConvLSTM2D and stacked cells; loss curves and final weights match tf.keras."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import layers as L
from keras.models import Model, Sequential
from keras.optimizers import SGD


def train_case(key, build, x, y, seed, loss="mse", lr=0.1, epochs=3):
    @sub(key)
    def _():
        model = build()
        seed_weights(model, seed)
        model.compile(SGD(learning_rate=lr), loss)
        hist = model.fit(x, y, batch_size=4, epochs=epochs, shuffle=False, verbose=0)
        report(key + ".loss", hist.history["loss"], rule="close", rtol=1e-3, atol=1e-5)
        report(key + ".weights", model.get_weights(), rule="close", rtol=1e-3, atol=1e-4)


ids = np.random.RandomState(0).randint(0, 9, (8, 6))
ids[:3, 4:] = 0
train_case("emb_bidir_lstm", lambda: Sequential([L.Embedding(9, 3, mask_zero=True, input_length=6),
                                                 L.Bidirectional(L.LSTM(2)), L.Dense(1)]),
           ids, data(1, (8, 1)), 1)
xs = data(2, (8, 5, 3))
train_case("gru_v1_seq", lambda: Sequential([L.GRU(3, reset_after=False, return_sequences=True, input_shape=(5, 3)),
                                             L.GlobalAveragePooling1D(), L.Dense(1)]), xs, data(3, (8, 1)), 2)
train_case("conv1d_separable", lambda: Sequential([L.Conv1D(4, 2, padding="causal", input_shape=(5, 3), activation="tanh"),
                                                   L.SeparableConv1D(2, 2, depth_multiplier=2), L.Flatten(), L.Dense(1)]),
           xs, data(4, (8, 1)), 3)
xi = data(5, (8, 4, 4, 2))
train_case("conv2dtranspose_bn", lambda: Sequential([L.Conv2DTranspose(2, 3, strides=2, input_shape=(4, 4, 2)),
                                                     L.BatchNormalization(momentum=0.8), L.PReLU(),
                                                     L.GlobalMaxPooling2D(), L.Dense(1)]), xi, data(6, (8, 1)), 4, lr=0.05)
train_case("layernorm_lc1d", lambda: Sequential([L.LocallyConnected1D(3, 2, input_shape=(5, 3)), L.LayerNormalization(),
                                                 L.Flatten(), L.Dense(2, activation="softmax")]),
           xs, np.eye(2)[[0, 1] * 4].astype("float32"), 5, loss="categorical_crossentropy")
train_case("convlstm2d", lambda: Sequential([L.ConvLSTM2D(2, 2, input_shape=(3, 4, 4, 2)), L.Flatten(), L.Dense(1)]),
           data(7, (8, 3, 4, 4, 2)), data(8, (8, 1)), 6, epochs=2)
train_case("stacked_cells", lambda: Sequential([L.RNN([L.LSTMCell(3), L.GRUCell(2)], input_shape=(5, 3)), L.Dense(1)]),
           xs, data(9, (8, 1)), 7)

finish()
