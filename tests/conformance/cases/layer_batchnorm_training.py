"""BatchNormalization in training: moving statistics after fit, training=True calls, a frozen BN layer in fit, BN after a conv layer."""
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

x = data(1, (8, 4), 0.0, 2.0)
y = data(2, (8, 1))


@sub("moving_stats_after_fit")
def _():
    model = Sequential([L.BatchNormalization(momentum=0.9, input_shape=(4,)), L.Dense(1)])
    seed_weights(model, 0)
    model.compile(SGD(learning_rate=0.0), "mse")
    model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    w = model.layers[0].get_weights()
    report("moving_stats_after_fit.mean", w[2], rule="close", **TOL)
    report("moving_stats_after_fit.var", w[3], rule="close", **TOL)
    report("moving_stats_after_fit.predict", model.predict(x, verbose=0), rule="close", **TOL)
    report("moving_stats_after_fit.trainable", [v.name.split("/")[-1] for v in model.layers[0].trainable_weights],
           rule="exact")
    report("moving_stats_after_fit.non_trainable", [v.name.split("/")[-1] for v in model.layers[0].non_trainable_weights],
           rule="exact")


@sub("training_call")
def _():
    inp = L.Input(shape=(3, 3, 2))
    bn = L.BatchNormalization()
    model = Model(inp, bn(inp))
    seed_weights(model, 1)
    xi = data(3, (4, 3, 3, 2))
    report("training_call.train", model(xi, training=True), rule="close", **TOL)
    report("training_call.infer", model(xi, training=False), rule="close", **TOL)


@sub("frozen_bn_fit")
def _():
    model = Sequential([L.Dense(3, input_shape=(4,)), L.BatchNormalization(), L.Dense(1)])
    seed_weights(model, 2)
    model.layers[1].trainable = False
    model.compile(SGD(learning_rate=0.1), "mse")
    hist = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    report("frozen_bn_fit.loss", hist.history["loss"], rule="close", rtol=1e-3, atol=1e-5)
    report("frozen_bn_fit.bn_weights", model.layers[1].get_weights(), rule="close", **TOL)
    report("frozen_bn_fit.counts", [len(model.trainable_weights), len(model.non_trainable_weights)], rule="exact")


@sub("bn_fit_conv")
def _():
    model = Sequential([L.Conv2D(2, 2, input_shape=(4, 4, 1)), L.BatchNormalization(axis=-1, momentum=0.5),
                        L.Flatten(), L.Dense(1)])
    seed_weights(model, 4)
    model.compile(SGD(learning_rate=0.05), "mse")
    xi = data(5, (6, 4, 4, 1))
    hist = model.fit(xi, data(6, (6, 1)), batch_size=3, epochs=3, shuffle=False, verbose=0)
    report("bn_fit_conv.loss", hist.history["loss"], rule="close", rtol=1e-3, atol=1e-5)
    report("bn_fit_conv.bn", model.layers[1].get_weights(), rule="close", rtol=1e-3, atol=1e-5)


finish()
