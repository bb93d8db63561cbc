"""model.summary() text of many model shapes: nested models, shared layers, multi-input graphs,
RNNs with None timesteps, layers with several inbound nodes, line_length/positions/print_fn,
expand_nested, show_trainable, and the error for a Sequential without an input shape."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras.layers import (Dense, Input, LSTM, GRU, Embedding, Conv2D, MaxPooling2D, Flatten,
                          Dropout, BatchNormalization, concatenate, add, TimeDistributed, Bidirectional)
from keras.models import Model, Sequential


def lines(model, **kw):
    out = []
    model.summary(print_fn=out.append, **kw)
    return out


@sub("seq_cnn")
def _():
    m = Sequential(name="cnn")
    m.add(Conv2D(8, (3, 3), activation="relu", input_shape=(28, 28, 1), name="c1"))
    m.add(MaxPooling2D((2, 2), name="p1"))
    m.add(Flatten(name="f"))
    m.add(Dropout(0.5, name="d"))
    m.add(Dense(10, activation="softmax", name="out"))
    report("seq_cnn", lines(m))


@sub("rnn_none_steps")
def _():
    m = Sequential(name="rnn")
    m.add(Embedding(100, 8, name="emb"))
    m.add(LSTM(4, return_sequences=True, name="l1"))
    m.add(GRU(3, name="g1"))
    m.add(Dense(1, name="o"))
    m.build((None, None))
    report("rnn_none_steps", lines(m))
    m2 = Sequential([Bidirectional(LSTM(5, return_sequences=True), input_shape=(None, 3), name="bi"),
                     TimeDistributed(Dense(2), name="td")], name="rnn2")
    report("rnn_bidir", lines(m2))


@sub("multi_input_shared")
def _():
    a = Input(shape=(8,), name="a")
    b = Input(shape=(8,), name="b")
    shared = Dense(4, name="shared")
    ha, hb = shared(a), shared(b)
    merged = concatenate([ha, hb], name="cat")
    s = add([ha, hb], name="sum")
    out = Dense(1, name="out")(concatenate([merged, s], name="cat2"))
    m = Model([a, b], out, name="siamese")
    report("multi_input_shared", lines(m))
    report("multi_input_shared_wide", lines(m, line_length=120, positions=[0.4, 0.6, 0.7, 1.0]))


@sub("nested")
def _():
    inner = Sequential([Dense(6, input_shape=(5,), name="i1"), BatchNormalization(name="ibn"),
                        Dense(3, name="i2")], name="inner")
    x = Input(shape=(5,), name="x")
    y = Dense(2, name="head")(inner(x))
    m = Model(x, y, name="outer")
    report("nested", lines(m))
    report("nested_expand", lines(m, expand_nested=True))
    inner.trainable = False
    report("nested_frozen", lines(m, show_trainable=True))
    seq = Sequential([inner, Dense(1, name="top")], name="seq_outer")
    report("nested_in_seq", lines(seq))


@sub("seq_positions")
def _():
    m = Sequential([Dense(3, input_dim=4, name="dense_a"), Dense(2, name="dense_b")], name="small")
    report("seq_line_length", lines(m, line_length=80))
    report("seq_positions", lines(m, positions=[0.5, 0.8, 1.0]))
    report("seq_abs_positions", lines(m, line_length=70, positions=[30, 55, 70]))


@sub("unbuilt")
def _():
    m = Sequential([Dense(3), Dense(2)])
    try:
        m.summary()
        report("unbuilt_error", None)
    except ValueError as e:
        report("unbuilt_error", str(e))


@sub("long_names_multi_output")
def _():
    inp = Input(shape=(4,), name="a_rather_long_input_layer_name")
    h = Dense(3, name="a_very_long_hidden_dense_layer_name_here")(inp)
    o1 = Dense(1, name="first_output")(h)
    o2 = Dense(2, name="second_output")(h)
    m = Model(inp, [o1, o2], name="two_heads")
    report("long_names_multi_output", lines(m))


finish()
