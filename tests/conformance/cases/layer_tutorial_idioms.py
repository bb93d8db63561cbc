"""Layers in common tutorial idioms: frozen pretrained Embedding (weights=, trainable=False) into a text CNN, feature extraction from an inner layer, K.function on layer outputs, Dense on 3D input, shared layers."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import backend as K
from keras.layers import (Conv1D, Dense, Dropout, Embedding, Flatten, GlobalMaxPooling1D, Input, LSTM,
                          MaxPooling1D, GRU, Bidirectional, TimeDistributed)
from keras.models import Model, Sequential

glove = data(1, (20, 5))
ids = np.random.RandomState(2).randint(0, 20, (3, 12))


@sub("frozen_pretrained_embedding")
def _():
    model = Sequential()
    model.add(Embedding(20, 5, weights=[glove], input_length=12, trainable=False))
    model.add(Conv1D(4, 3, activation="relu"))
    model.add(MaxPooling1D(2))
    model.add(Conv1D(3, 2, activation="relu", padding="same"))
    model.add(GlobalMaxPooling1D())
    model.add(Dense(2, activation="sigmoid"))
    report("frozen.embedding_same", bool(np.allclose(model.layers[0].get_weights()[0], glove)), rule="exact")
    report("frozen.shapes", [[list(l.input_shape), list(l.output_shape)] for l in model.layers], rule="exact")
    report("frozen.counts", [len(model.trainable_weights), len(model.non_trainable_weights), model.count_params()],
           rule="exact")
    seed_weights(model, 3)
    model.layers[0].set_weights([glove])
    report("frozen.predict", model.predict(ids, verbose=0), rule="close", **TOL)
    model.compile("sgd", "binary_crossentropy")
    model.fit(ids, np.eye(2)[[0, 1, 1]], epochs=1, verbose=0)
    report("frozen.embedding_unchanged", bool(np.allclose(model.layers[0].get_weights()[0], glove)), rule="exact")


@sub("feature_extractor")
def _():
    inp = Input(shape=(12,), name="tokens")
    h = Embedding(20, 5, name="emb")(inp)
    h = Bidirectional(LSTM(3, return_sequences=True), name="bi")(h)
    h = TimeDistributed(Dense(2), name="td")(h)
    h = GRU(2, name="gru")(h)
    out = Dense(1, name="out")(Dropout(0.5)(h))
    model = Model(inputs=inp, outputs=out)
    seed_weights(model, 4)
    feat = Model(inputs=model.input, outputs=model.get_layer("bi").output)
    report("feature.bi", feat.predict(ids, verbose=0), rule="close", **TOL)
    report("feature.bi_shape", list(model.get_layer("bi").output_shape), rule="exact")
    report("feature.td_shapes", [list(model.get_layer("td").input_shape), list(model.get_layer("td").output_shape)],
           rule="exact")
    f = K.function([model.input], [model.get_layer("td").output, model.output])
    td, y = f([ids])
    report("feature.k_function_td", td, rule="close", **TOL)
    report("feature.k_function_out", y, rule="close", **TOL)
    report("feature.layer_names", [l.name for l in model.layers], rule="exact")
    report("feature.weight_shapes", {l.name: [list(w.shape) for w in l.get_weights()] for l in model.layers},
           rule="exact")


@sub("dense_on_3d")
def _():
    inp = Input(shape=(4, 3))
    model = Model(inp, Dense(2, activation="tanh")(inp))
    seed_weights(model, 5)
    report("dense_on_3d.shape", list(model.output_shape), rule="exact")
    report("dense_on_3d", model.predict(data(6, (2, 4, 3)), verbose=0), rule="close", **TOL)


@sub("layer_reuse")
def _():
    shared = Dense(3, name="shared")
    a, b = Input(shape=(4,)), Input(shape=(4,))
    model = Model([a, b], keras.layers.concatenate([shared(a), shared(b)]))
    seed_weights(model, 7)
    report("layer_reuse.nodes", [list(shared.get_output_at(0).shape)[1:], list(shared.get_output_at(1).shape)[1:]],
           rule="exact")
    report("layer_reuse.predict", model.predict([data(8, (2, 4)), data(9, (2, 4))], verbose=0), rule="close", **TOL)
    report("layer_reuse.params", model.count_params(), rule="exact")


finish()
