"""Optimizer state of a Conv2D + LSTM + Dense model: the optimizer's variable names and shapes (each
slot in its weight's Keras shape), values after a few training steps, and set_weights of chosen
values followed by one more step; Adam, SGD with momentum, RMSprop, and the 2.11+ Adafactor and Lion."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import optimizers  # noqa: E402
from keras.layers import LSTM, Conv2D, Dense, Input, Reshape  # noqa: E402
from keras.models import Model  # noqa: E402

TRAIN_TOL = dict(rtol=2e-4, atol=2e-5)
x = data(1, (12, 6, 6, 2))
y = data(2, (12, 2))


def make_model():
    inp = Input(shape=(6, 6, 2))
    h = Conv2D(3, (3, 3), name="conv")(inp)
    h = Reshape((16, 3))(h)
    h = LSTM(4, name="lstm")(h)
    model = Model(inp, Dense(2, name="out")(h))
    seed_weights(model, 4)
    return model


def variables_of(opt):
    # legacy optimizers: a method; tf.keras 2.11+ ones: a list that may also be called
    return list(opt.variables())


def state_case(key, make_optimizer):
    @sub(key)
    def _():
        model = make_model()
        start = model.get_weights()
        opt = make_optimizer()
        model.compile(optimizer=opt, loss="mse")
        model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
        variables = variables_of(opt)
        report(key + ".names", [v.name for v in variables])
        report(key + ".shapes", [list(v.shape) for v in variables])
        for i, v in enumerate(variables):
            report(f"{key}.state.{i}", num(v.numpy()), rule="close", **TRAIN_TOL)
        rng = np.random.RandomState(7)
        chosen = [np.asarray(5, "int64") if len(v.shape) == 0 and "int" in str(v.dtype) else
                  rng.uniform(0.001, 0.01, tuple(v.shape)).astype("float32") for v in variables]
        opt.set_weights(chosen)
        model.set_weights(start)
        model.fit(x[:4], y[:4], batch_size=4, epochs=1, shuffle=False, verbose=0)
        for i, w in enumerate(model.get_weights()):
            report(f"{key}.after_set.{i}", w, rule="close", **TRAIN_TOL)


state_case("adam", lambda: optimizers.Adam(lr=0.01))
state_case("sgd_momentum", lambda: optimizers.SGD(lr=0.05, momentum=0.9, nesterov=True))
state_case("rmsprop_momentum", lambda: optimizers.RMSprop(lr=0.01, momentum=0.5))
state_case("adafactor", lambda: optimizers.Adafactor(learning_rate=0.1))
state_case("lion", lambda: optimizers.Lion(learning_rate=0.01))

finish()
