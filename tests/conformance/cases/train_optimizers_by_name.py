"""Training trajectories with each optimizer given by name string, by class, and by old spelling."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras.layers import Dense
from keras.models import Sequential
from keras import optimizers

TRAIN_TOL = dict(rtol=1e-4, atol=1e-5)
x = data(1, (32, 5))
_rng = np.random.RandomState(2)
y = (np.tanh(x @ _rng.uniform(-1, 1, (5, 2))) + 0.1 * _rng.normal(size=(32, 2))).astype("float32")


def flat(weights):
    return np.concatenate([np.asarray(w).ravel() for w in weights])


def trajectory(key, make_optimizer, epochs=3, batch_size=8):
    @sub(key)
    def _():
        model = Sequential([Dense(8, activation="tanh", input_shape=(5,)), Dense(2)])
        seed_weights(model, 3)
        model.compile(optimizer=make_optimizer(), loss="mse")
        hist = model.fit(x, y, batch_size=batch_size, nb_epoch=epochs, shuffle=False, verbose=0)
        report(key + ".loss", hist.history["loss"], rule="close", **TRAIN_TOL)
        report(key + ".weights", flat(model.get_weights()), rule="close", **TRAIN_TOL)


# 'nadam' by name is left out: tf_keras 2.21's current Nadam advances its momentum product once per
# variable (a Python counter frozen when tf.function traces), so its curve depends on the layer count.
for name in ("sgd", "adam", "rmsprop", "adagrad", "adadelta", "adamax"):
    trajectory("name_" + name, lambda n=name: n)
trajectory("sgd_lower", lambda: optimizers.sgd(lr=0.05, momentum=0.9, nesterov=True))
trajectory("rmsprop_lower", lambda: optimizers.rmsprop(lr=0.005, rho=0.8))
trajectory("adagrad_decay", lambda: optimizers.Adagrad(lr=0.05, decay=0.01))
trajectory("adadelta_lr1", lambda: optimizers.Adadelta(lr=1.0, rho=0.95))
trajectory("adamax_lr", lambda: optimizers.Adamax(lr=0.01))
trajectory("nadam_lr", lambda: optimizers.Nadam(lr=0.01))
trajectory("sgd_clipnorm", lambda: optimizers.SGD(lr=0.1, clipnorm=0.1))
trajectory("sgd_clipvalue", lambda: optimizers.SGD(lr=0.1, clipvalue=0.01))


@sub("get")
def _():
    o = optimizers.get("adam")
    report("get.class", type(o).__name__)
    cfg = optimizers.Adam(lr=0.003).get_config()
    report("get.adam_lr", float(cfg["learning_rate"]), rule="close", rtol=1e-6)
    s = optimizers.serialize(optimizers.SGD(lr=0.1, momentum=0.5))
    report("get.serialize_class_name", s["class_name"])
    o2 = optimizers.deserialize(s)
    report("get.deserialize_momentum", float(o2.get_config()["momentum"]), rule="close", rtol=1e-6)


finish()
