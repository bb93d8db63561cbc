"""Learning-rate schedules as an optimizer's learning_rate, schedule values, optimizer configs and weights."""
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
from keras.optimizers import schedules as S

TRAIN_TOL = dict(rtol=1e-4, atol=1e-5)
x = data(1, (24, 4))
y = (x @ np.array([[0.5], [-1.0], [0.25], [2.0]], dtype="float32")).astype("float32")


def flat(weights):
    return np.concatenate([np.asarray(w).ravel() for w in weights])


def trajectory(key, make_optimizer, epochs=3, batch_size=6):
    @sub(key)
    def _():
        model = Sequential([Dense(5, activation="tanh", input_shape=(4,)), Dense(1)])
        seed_weights(model, 3)
        model.compile(optimizer=make_optimizer(), loss="mse")
        hist = model.fit(x, y, batch_size=batch_size, epochs=epochs, shuffle=False, verbose=0)
        report(key + ".loss", hist.history["loss"], rule="close", **TRAIN_TOL)
        report(key + ".weights", flat(model.get_weights()), rule="close", **TRAIN_TOL)


trajectory("sgd_exp_decay", lambda: optimizers.SGD(learning_rate=S.ExponentialDecay(0.1, decay_steps=4, decay_rate=0.5)))
trajectory("sgd_exp_staircase", lambda: optimizers.SGD(learning_rate=S.ExponentialDecay(0.1, 3, 0.5, staircase=True)))
trajectory("adam_piecewise", lambda: optimizers.Adam(learning_rate=S.PiecewiseConstantDecay([4, 8], [0.05, 0.01, 0.001])))
trajectory("rmsprop_inverse_time", lambda: optimizers.RMSprop(learning_rate=S.InverseTimeDecay(0.01, 2, 0.5)))
trajectory("sgd_polynomial", lambda: optimizers.SGD(learning_rate=S.PolynomialDecay(0.1, 10, 0.01, power=2.0), momentum=0.5))
trajectory("adagrad_cosine", lambda: optimizers.Adagrad(learning_rate=S.CosineDecay(0.1, 12)))


@sub("values")
def _():
    for key, sch in (("exp", S.ExponentialDecay(0.1, 4, 0.5)), ("piecewise", S.PiecewiseConstantDecay([2, 5], [1.0, 0.5, 0.1])),
                     ("inverse", S.InverseTimeDecay(0.1, 2, 0.5, staircase=True)), ("poly", S.PolynomialDecay(0.1, 10, 0.0, power=0.5, cycle=True)),
                     ("cosine", S.CosineDecay(0.1, 10, alpha=0.1)), ("cosine_restarts", S.CosineDecayRestarts(0.1, 4))):
        report("values." + key, [float(num(sch(s))) for s in (0, 1, 3, 6, 11, 15)], rule="close", rtol=1e-5, atol=1e-7)
        cfg = sch.get_config()
        report("values." + key + ".config_keys", sorted(cfg))


@sub("configs")
def _():
    for key, opt in (("sgd", optimizers.SGD(lr=0.05, momentum=0.9, nesterov=True, decay=0.01)),
                     ("adam", optimizers.Adam(lr=0.002, amsgrad=True)),
                     ("rmsprop", optimizers.RMSprop(lr=0.01, rho=0.8, momentum=0.1, centered=True)),
                     ("adagrad", optimizers.Adagrad()), ("adadelta", optimizers.Adadelta()),
                     ("nadam", optimizers.Nadam()), ("adamax", optimizers.Adamax())):
        cfg = opt.get_config()
        report("configs." + key, {k: (float(np.asarray(v)) if isinstance(v, (float, np.floating)) or hasattr(v, "numpy") else v)
                                  for k, v in sorted(cfg.items())}, rule="close", rtol=1e-6)


@sub("optimizer_weights")
def _():
    model = Sequential([Dense(2, input_shape=(4,)), Dense(1)])
    seed_weights(model, 1)
    model.compile(optimizer=optimizers.Adam(lr=0.01), loss="mse")
    model.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    w = model.optimizer.get_weights()
    report("optimizer_weights.count", len(w))
    report("optimizer_weights.shapes", [list(np.shape(v)) for v in w])
    report("optimizer_weights.iterations", int(np.asarray(w[0])))
    report("optimizer_weights.m_first", np.asarray(w[1]), rule="close", **TRAIN_TOL)


finish()
