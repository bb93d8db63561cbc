"""Forward parity in less common corners: wrappers around normalization/recurrent layers, time_major and stateful SimpleRNN, masked GRU(reset_after=False), LayerNormalization on inner axes, BatchNormalization in training mode (axis 1 and 3D), Dense activations on 3D inputs, Embedding chains, Softmax/ReLU variants; SGD loss curves and weights through recurrent/conv/normalization/locally-connected/ConvLSTM layers."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras.optimizers import SGD
from keras import layers as L
from keras.models import Model, Sequential

xs = data(1, (2, 5, 3))
x4 = data(2, (2, 3, 4, 4, 2))
layer_case("td_batchnorm", lambda: L.TimeDistributed(L.BatchNormalization()), xs)
layer_case("td_lstm", lambda: L.TimeDistributed(L.LSTM(2)), data(3, (2, 3, 4, 2)))
layer_case("td_maxpool", lambda: L.TimeDistributed(L.MaxPooling2D(2)), x4)
layer_case("td_gap_dense", lambda: L.TimeDistributed(L.GlobalAveragePooling2D()), x4)
layer_case("lstm_time_major", lambda: L.LSTM(2, time_major=True, return_sequences=True), data(4, (5, 2, 3)))
layer_case("layernorm_axis1", lambda: L.LayerNormalization(axis=1), xs)
layer_case("layernorm_axis_neg2", lambda: L.LayerNormalization(axis=-2, center=False), data(5, (2, 3, 4, 2)))
layer_case("dense_softmax_3d", lambda: L.Dense(4, activation="softmax"), xs)
layer_case("dense_gelu_swish", lambda: L.Dense(3, activation="gelu"), xs)
layer_case("dense_hard_sigmoid", lambda: L.Dense(3, activation="hard_sigmoid"), data(6, (4, 3), -4, 4))
layer_case("dense_exponential_elu_selu", lambda: L.Dense(3, activation="selu"), data(6, (4, 3), -4, 4))
layer_case("softmax_axis_tuple", lambda: L.Softmax(axis=(1, 2)), xs)
layer_case("relu_max_only", lambda: L.ReLU(max_value=0.3), xs)
layer_case("leaky_default", lambda: L.LeakyReLU(), xs)
layer_case("prelu_2d_shared", lambda: L.PReLU(shared_axes=[1]), xs)
layer_case("conv1d_softplus_valid_s2", lambda: L.Conv1D(3, 2, strides=2, activation="softplus"), xs)
layer_case("bidir_stacked_seq_ave", lambda: L.Bidirectional(L.SimpleRNN(2, return_sequences=True, activation="relu"), merge_mode="ave"), xs)
layer_case("gru_v1_linear", lambda: L.GRU(2, reset_after=False, activation="linear", recurrent_activation="sigmoid"), xs)
layer_case("simplernn_sigmoid_unroll", lambda: L.SimpleRNN(2, activation="sigmoid", unroll=True, return_sequences=True), xs)


@sub("masked_gru_v1")
def _():
    x = xs.copy()
    x[0, 2:] = 0.0
    inp = L.Input(shape=(5, 3))
    out = L.GRU(3, reset_after=False, return_sequences=True)(L.Masking()(inp))
    model = Model(inp, out)
    seed_weights(model, 3)
    report("masked_gru_v1", model.predict(x, verbose=0), rule="close", **TOL)


@sub("bn_training_forward")
def _():
    for key, shape, axis in [("axis1_4d", (4, 3, 2, 2), 1), ("seq_3d", (4, 5, 3), -1), ("axis1_3d", (4, 3, 5), 1)]:
        inp = L.Input(shape=shape[1:])
        bn = L.BatchNormalization(axis=axis, momentum=0.5, epsilon=0.01)
        model = Model(inp, bn(inp))
        seed_weights(model, 4)
        x = data(5, shape)
        report("bn_training_forward." + key, model(x, training=True), rule="close", **TOL)
        report("bn_training_forward." + key + ".weights_after", bn.get_weights(), rule="close", **TOL)


@sub("stateful_simplernn")
def _():
    model = Sequential([L.SimpleRNN(2, stateful=True, batch_input_shape=(2, 5, 3), return_sequences=True)])
    seed_weights(model, 6)
    a = model.predict(xs, batch_size=2, verbose=0)
    b = model.predict(xs, batch_size=2, verbose=0)
    model.reset_states()
    c = model.predict(xs, batch_size=2, verbose=0)
    report("stateful_simplernn", [a, b, c], rule="close", **TOL)


@sub("embedding_chain")
def _():
    ids = np.array([[1, 2, 3, 0], [4, 4, 0, 0]])
    model = Sequential([L.Embedding(6, 3, input_length=4), L.Conv1D(2, 2, activation="relu"), L.Flatten(), L.Dense(1, activation="sigmoid")])
    seed_weights(model, 7)
    report("embedding_chain", model.predict(ids, verbose=0), rule="close", **TOL)
    model2 = Sequential([L.Embedding(6, 3, mask_zero=True), L.GlobalAveragePooling1D(), L.Dense(2)])
    seed_weights(model2, 8)
    report("embedding_chain.masked_gap", model2.predict(ids, verbose=0), rule="close", **TOL)


# ---- SGD loss curves and weights through recurrent/conv/normalization/locally-connected/ConvLSTM layers
def train_case(key, build, x, y, seed, loss="mse", lr=0.1, epochs=3):
    @sub(key)
    def _():
        model = build()
        seed_weights(model, seed)
        model.compile(SGD(learning_rate=lr), loss)
        hist = model.fit(x, y, batch_size=4, epochs=epochs, shuffle=False, verbose=0)
        report(key + ".loss", hist.history["loss"], rule="close", rtol=1e-3, atol=1e-5)
        report(key + ".weights", model.get_weights(), rule="close", rtol=1e-3, atol=1e-4)


tids = np.random.RandomState(0).randint(0, 9, (8, 6))
tids[:3, 4:] = 0
train_case("emb_bidir_lstm", lambda: Sequential([L.Embedding(9, 3, mask_zero=True, input_length=6),
                                                 L.Bidirectional(L.LSTM(2)), L.Dense(1)]),
           tids, data(1, (8, 1)), 1)
xt = data(2, (8, 5, 3))
train_case("gru_v1_seq", lambda: Sequential([L.GRU(3, reset_after=False, return_sequences=True, input_shape=(5, 3)),
                                             L.GlobalAveragePooling1D(), L.Dense(1)]), xt, data(3, (8, 1)), 2)
train_case("conv1d_separable", lambda: Sequential([L.Conv1D(4, 2, padding="causal", input_shape=(5, 3), activation="tanh"),
                                                   L.SeparableConv1D(2, 2, depth_multiplier=2), L.Flatten(), L.Dense(1)]),
           xt, data(4, (8, 1)), 3)
xti = data(5, (8, 4, 4, 2))
train_case("conv2dtranspose_bn", lambda: Sequential([L.Conv2DTranspose(2, 3, strides=2, input_shape=(4, 4, 2)),
                                                     L.BatchNormalization(momentum=0.8), L.PReLU(),
                                                     L.GlobalMaxPooling2D(), L.Dense(1)]), xti, data(6, (8, 1)), 4, lr=0.05)
train_case("layernorm_lc1d", lambda: Sequential([L.LocallyConnected1D(3, 2, input_shape=(5, 3)), L.LayerNormalization(),
                                                 L.Flatten(), L.Dense(2, activation="softmax")]),
           xt, np.eye(2)[[0, 1] * 4].astype("float32"), 5, loss="categorical_crossentropy")
train_case("convlstm2d", lambda: Sequential([L.ConvLSTM2D(2, 2, input_shape=(3, 4, 4, 2)), L.Flatten(), L.Dense(1)]),
           data(7, (8, 3, 4, 4, 2)), data(8, (8, 1)), 6, epochs=2)
train_case("stacked_cells", lambda: Sequential([L.RNN([L.LSTMCell(3), L.GRUCell(2)], input_shape=(5, 3)), L.Dense(1)]),
           xt, data(9, (8, 1)), 7)


finish()
