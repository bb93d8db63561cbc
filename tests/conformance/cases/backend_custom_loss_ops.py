"""Backend ops as custom losses use them: cross-entropies on K.softmax/K.sigmoid outputs (Keras
uses their logits), integer means, K.variable dtypes and updates, K.switch/K.clip/K.cast inside a
compiled loss, K.clear_session name counters."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import backend as K
from keras.layers import Dense
from keras.models import Sequential

TOLB = dict(rtol=1e-5, atol=1e-5)


def ev(t):
    return num(K.eval(t))


@sub("logits_paths")
def _():
    z = K.constant([[20.0, -20.0, 0.0], [1.0, 2.0, 3.0]])
    y = K.constant([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    report("logits_paths.cce_softmax", ev(K.categorical_crossentropy(y, K.softmax(z))), rule="close", **TOLB)
    report("logits_paths.cce_probs", ev(K.categorical_crossentropy(y, K.constant(ev(K.softmax(z))))), rule="close", **TOLB)
    report("logits_paths.bce_sigmoid", ev(K.binary_crossentropy(y, K.sigmoid(z))), rule="close", **TOLB)
    report("logits_paths.bce_probs", ev(K.binary_crossentropy(y, K.constant(ev(K.sigmoid(z))))), rule="close", **TOLB)
    report("logits_paths.scce_softmax", ev(K.sparse_categorical_crossentropy(K.constant([1, 2]), K.softmax(z))), rule="close", **TOLB)
    report("logits_paths.loss_fn_softmax", num(keras.losses.categorical_crossentropy(y, K.softmax(z))), rule="close", **TOLB)


@sub("dtypes")
def _():
    report("dtypes.variable_int_values", K.dtype(K.variable(np.array([1, 2]))))
    report("dtypes.variable_given", K.dtype(K.variable(np.array([1, 2]), dtype="int32")))
    report("dtypes.zeros_int", K.dtype(K.zeros((2,), dtype="int32")))
    report("dtypes.ones_default", K.dtype(K.ones((2, 2))))
    report("dtypes.mean_int", ev(K.mean(K.constant([1, 2, 4], dtype="int32"))).tolist())
    report("dtypes.mean_int_axis", ev(K.mean(K.constant([[1, 2], [4, 7]], dtype="int32"), axis=0)).tolist())
    report("dtypes.mean_bool", ev(K.mean(K.greater(K.constant([1.0, -1.0, 2.0]), 0.0))).tolist())
    report("dtypes.sum_bool_cast", ev(K.sum(K.cast(K.greater(K.constant([1.0, -1.0, 2.0]), 0.0), "int32"))).tolist())


@sub("updates")
def _():
    v = K.variable([1.0, 2.0])
    K.update_add(v, K.constant([0.5, 0.5]))
    report("updates.add", K.get_value(v), rule="close", **TOLB)
    K.update_sub(v, K.constant([1.0, 1.0]))
    report("updates.sub", K.get_value(v), rule="close", **TOLB)
    K.update(v, [7.0, 8.0])
    report("updates.set", K.get_value(v), rule="close", **TOLB)
    m = K.variable([0.0, 10.0])
    K.moving_average_update(m, K.constant([1.0, 0.0]), 0.9)
    report("updates.moving_average", K.get_value(m), rule="close", **TOLB)


@sub("compiled_loss")
def _():
    def focal_like(y_true, y_pred):
        y_pred = K.clip(y_pred, K.epsilon(), 1.0 - K.epsilon())
        pt = K.switch(K.equal(y_true, 1.0), y_pred, 1.0 - y_pred)
        return -K.mean(K.pow(1.0 - pt, 2.0) * K.log(pt), axis=-1)

    def weighted_cce(y_true, y_pred):
        w = K.constant([1.0, 2.0, 0.5])
        return K.sum(K.categorical_crossentropy(y_true, y_pred) * K.cast(K.argmax(y_true, axis=-1) >= 0, K.floatx())
                     * K.sum(y_true * w, axis=-1), axis=-1) / K.cast(K.shape(y_true)[0], K.floatx())

    x = data(1, (16, 4))
    yb = (data(2, (16, 3)) > 0).astype("float32")
    yc = np.eye(3, dtype="float32")[np.random.RandomState(3).randint(0, 3, 16)]
    m = Sequential([Dense(3, activation="sigmoid", input_shape=(4,))])
    seed_weights(m, 4)
    m.compile("sgd", focal_like)
    report("compiled_loss.focal_like", m.fit(x, yb, epochs=2, batch_size=8, shuffle=False, verbose=0).history["loss"],
           rule="close", rtol=1e-4, atol=1e-6)
    m = Sequential([Dense(3, activation="softmax", input_shape=(4,))])
    seed_weights(m, 5)
    m.compile("adam", weighted_cce)
    report("compiled_loss.weighted_cce", m.fit(x, yc, epochs=2, batch_size=8, shuffle=False, verbose=0).history["loss"],
           rule="close", rtol=1e-4, atol=1e-6)


@sub("clear_session")
def _():
    Dense(2)
    K.clear_session()
    report("clear_session.names", [Dense(2).name, Dense(2).name, keras.layers.Conv2D(1, 1).name])
    report("clear_session.model_name", Sequential().name)


finish()
