"""Regularizers: model.losses contents, their share of the training/evaluation loss, configs."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import regularizers as R
from keras.layers import Dense, Conv2D, Flatten, Embedding, LSTM
from keras.models import Sequential

TOLR = dict(rtol=1e-5, atol=1e-6)
x = data(1, (8, 4))
y = data(2, (8, 2))


@sub("model_losses")
def _():
    m = Sequential([Dense(3, input_shape=(4,), kernel_regularizer=R.l2(0.01), bias_regularizer=R.l1(0.02),
                          activity_regularizer=R.l1_l2(l1=0.001, l2=0.002)),
                    Dense(2, kernel_regularizer="l1_l2")])
    seed_weights(m, 3)
    m.compile("sgd", "mse")
    m2 = Sequential([Dense(3, input_shape=(4,), kernel_regularizer=R.l2(0.01), bias_regularizer=R.l1(0.02)),
                     Dense(2, kernel_regularizer="l1_l2")])
    seed_weights(m2, 3)
    report("model_losses.weight_losses", sorted(float(num(v)) for v in m2.losses), rule="close", **TOLR)
    ev = m.evaluate(x, y, verbose=0)
    plain = float(np.mean((m.predict(x, verbose=0) - y) ** 2))
    report("model_losses.evaluate", ev, rule="close", **TOLR)
    report("model_losses.evaluate_minus_mse", ev - plain, rule="close", rtol=1e-4, atol=1e-6)
    h = m.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
    report("model_losses.fit_loss", h.history["loss"], rule="close", rtol=1e-4, atol=1e-6)


@sub("keras1_names")
def _():
    m = Sequential([Dense(3, input_dim=4, W_regularizer=R.l2(0.05), b_regularizer=R.l2(0.1))])
    seed_weights(m, 4)
    m.compile("sgd", "mse")
    report("keras1_names.losses", sorted(float(num(v)) for v in m.losses), rule="close", **TOLR)
    report("keras1_names.evaluate", m.evaluate(x, y[:, :1].repeat(3, 1), verbose=0), rule="close", **TOLR)


@sub("other_layers")
def _():
    m = Sequential([Embedding(10, 4, input_length=5, embeddings_regularizer=R.l2(0.01)),
                    LSTM(3, kernel_regularizer=R.l1(0.01), recurrent_regularizer=R.l2(0.02)),
                    Dense(1)])
    seed_weights(m, 5)
    report("other_layers.losses", sorted(float(num(v)) for v in m.losses), rule="close", **TOLR)
    c = Sequential([Conv2D(2, (2, 2), input_shape=(4, 4, 1), kernel_regularizer=R.L2(0.1)), Flatten()])
    seed_weights(c, 6)
    report("other_layers.conv", [float(num(v)) for v in c.losses], rule="close", **TOLR)


@sub("config")
def _():
    report("config.l2", R.serialize(R.l2(0.05)))
    report("config.l1_l2", R.l1_l2(l1=0.1, l2=0.2).get_config())
    report("config.get_str", type(R.get("l2")).__name__)
    report("config.get_str_l2_value", R.get("l2").get_config())
    report("config.call", float(num(R.l1_l2(0.1, 0.2)(keras.backend.constant([[1.0, -2.0]])))), rule="close", **TOLR)
    report("config.orthogonal", float(num(R.OrthogonalRegularizer(factor=0.1)(keras.backend.constant([[1.0, 0.5], [0.2, 1.0]])))),
           rule="close", **TOLR)


finish()
