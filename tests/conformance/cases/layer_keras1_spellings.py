"""Keras 1 spellings of conv/pool/recurrent/dense layers (Convolution2D(nb_filter, nb_row, nb_col, border_mode=, subsample=, dim_ordering=), pool_length=, output_dim=, inner_activation=, dropout_W=), Embedding(mask_zero) into LSTM."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras.layers import (Convolution1D, Convolution2D, MaxPooling1D, MaxPooling2D, AveragePooling1D,
                          AveragePooling2D, Dense, Dropout, Embedding, LSTM, GRU, SimpleRNN, Flatten, Input)
from keras.models import Sequential, Model

x2 = data(1, (2, 8, 8, 3))
layer_case("conv2d_keras1", lambda: Convolution2D(4, 3, 3, border_mode="same", subsample=(2, 2), dim_ordering="tf"), x2)
layer_case("conv2d_keras1_valid", lambda: Convolution2D(nb_filter=3, nb_row=2, nb_col=3, init="he_normal"), x2)
layer_case("conv2d_keras1_nobias", lambda: Convolution2D(2, 3, 3, bias=False, activation="relu"), x2)
x1 = data(3, (2, 10, 3))
layer_case("conv1d_keras1", lambda: Convolution1D(nb_filter=4, filter_length=3, border_mode="same", subsample_length=2), x1)
layer_case("conv1d_keras1_valid", lambda: Convolution1D(4, 5, border_mode="valid"), x1)
layer_case("maxpool1d_keras1", lambda: MaxPooling1D(pool_length=3, stride=2, border_mode="same"), x1)
layer_case("avgpool1d_keras1", lambda: AveragePooling1D(pool_length=2, border_mode="valid"), x1)
layer_case("maxpool2d_keras1", lambda: MaxPooling2D((3, 3), strides=(2, 2), border_mode="same"), x2)
layer_case("avgpool2d_keras1_same", lambda: AveragePooling2D(border_mode="same", strides=(3, 3)), x2)
xs = data(4, (2, 5, 3))
layer_case("lstm_keras1", lambda: LSTM(output_dim=4, inner_activation="sigmoid", init="glorot_normal",
                                       inner_init="orthogonal", return_sequences=True), xs)
layer_case("gru_keras1", lambda: GRU(output_dim=3, inner_activation="hard_sigmoid", dropout_W=0.2, dropout_U=0.1), xs)
layer_case("simplernn_keras1", lambda: SimpleRNN(output_dim=3, dropout_W=0.5, return_sequences=True), xs)
layer_case("dense_keras1", lambda: Dense(output_dim=3, init="uniform", bias=False), data(5, (3, 4)))


@sub("keras1_sequential_shapes")
def _():
    model = Sequential()
    model.add(Convolution2D(8, 3, 3, border_mode="same", input_shape=(12, 12, 1)))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Convolution2D(4, 3, 3, subsample=(2, 2)))
    model.add(Dropout(p=0.25))
    model.add(Flatten())
    model.add(Dense(output_dim=5, init="glorot_uniform", activation="softmax"))
    report("keras1_sequential_shapes.shapes", [list(l.output_shape) for l in model.layers], rule="exact")
    report("keras1_sequential_shapes.params", model.count_params(), rule="exact")
    report("keras1_sequential_shapes.configs", [
        {k: l.get_config().get(k) for k in ("filters", "kernel_size", "strides", "padding", "data_format", "rate",
                                               "units", "pool_size")} for l in model.layers], rule="exact")
    seed_weights(model, 9)
    report("keras1_sequential_shapes.predict", model.predict(data(6, (2, 12, 12, 1)), verbose=0), rule="close", **TOL)


@sub("embedding_mask_lstm")
def _():
    model = Sequential()
    model.add(Embedding(10, 4, input_length=6, mask_zero=True, init="uniform"))
    model.add(LSTM(output_dim=3, return_sequences=True))
    model.add(LSTM(3))
    seed_weights(model, 4)
    ids = np.array([[0, 0, 3, 4, 5, 1], [2, 3, 0, 0, 0, 0], [1, 2, 3, 4, 5, 6]])
    report("embedding_mask_lstm.shapes", [list(l.output_shape) for l in model.layers], rule="exact")
    report("embedding_mask_lstm.predict", model.predict(ids, verbose=0), rule="close", **TOL)


finish()
