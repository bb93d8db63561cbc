"""Mask propagation through layers: Embedding(mask_zero) and Masking into pooling, Flatten, Conv1D, Dense, Dropout, TimeDistributed, Bidirectional, Concatenate and Attention."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import layers as L
from keras.models import Model

ids = np.array([[3, 4, 0, 0, 0, 0], [1, 2, 3, 4, 5, 6], [0, 0, 7, 8, 9, 0]])


def emb_case(key, head):
    @sub(key)
    def _():
        inp = L.Input(shape=(6,))
        e = L.Embedding(10, 4, mask_zero=True)(inp)
        model = Model(inp, head(e))
        seed_weights(model, 2)
        report_outputs(key, model.predict(ids, verbose=0))


emb_case("gap1d_masked_mean", lambda e: L.GlobalAveragePooling1D()(e))
emb_case("gmp1d", lambda e: L.GlobalMaxPooling1D()(e))
emb_case("flatten_dense", lambda e: L.Dense(2)(L.Flatten()(e)))
emb_case("conv1d_drops_mask", lambda e: L.LSTM(2)(L.Conv1D(3, 2, padding="same")(e)))
emb_case("dense_keeps_mask", lambda e: L.LSTM(2)(L.Dense(3, activation="relu")(e)))
emb_case("dropout_activation_keep_mask", lambda e: L.GRU(2)(L.Activation("tanh")(L.Dropout(0.5)(e))))
emb_case("td_dense_lstm_seq", lambda e: L.LSTM(2, return_sequences=True)(L.TimeDistributed(L.Dense(3))(e)))
emb_case("bidir_seq_gap", lambda e: L.GlobalAveragePooling1D()(L.Bidirectional(L.LSTM(2, return_sequences=True))(e)))
emb_case("simplernn_seq_then_lstm", lambda e: L.LSTM(2)(L.SimpleRNN(3, return_sequences=True)(e)))
emb_case("lstm_state_outputs", lambda e: L.LSTM(2, return_sequences=True, return_state=True)(e))
emb_case("attention_self", lambda e: L.GlobalAveragePooling1D()(L.Attention()([e, e])))


@sub("concat_masked_unmasked")
def _():
    a, b = L.Input(shape=(6,)), L.Input(shape=(6, 2))
    e = L.Embedding(10, 3, mask_zero=True)(a)
    h = L.Concatenate()([e, b])
    model = Model([a, b], L.LSTM(2)(h))
    seed_weights(model, 3)
    report("concat_masked_unmasked", model.predict([ids, data(4, (3, 6, 2))], verbose=0), rule="close", **TOL)


@sub("masking_layer_td_lstm")
def _():
    x = data(5, (3, 5, 2))
    x[0, 3:] = 0
    x[2, :2] = 0
    inp = L.Input(shape=(5, 2))
    h = L.TimeDistributed(L.Dense(3))(L.Masking()(inp))
    model = Model(inp, L.LSTM(2, return_sequences=True)(h))
    seed_weights(model, 6)
    report("masking_layer_td_lstm", model.predict(x, verbose=0), rule="close", **TOL)


finish()
