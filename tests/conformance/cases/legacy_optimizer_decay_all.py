"""Keras 2.0-2.2 optimizer spellings for every optimizer: lr=, decay=, epsilon=None, Nadam's
schedule_decay, the lower-case aliases; their training curves, rates read back, configs."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import warnings  # noqa: E402

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import backend as K
from keras import optimizers
from keras.layers import Dense
from keras.models import Sequential

warnings.simplefilter("ignore")
x = data(1, (24, 5))
y = np.tanh(x @ data(2, (5, 2)))
TOLO = dict(rtol=1e-4, atol=1e-6)

OPTS = {
    "sgd_decay": lambda: optimizers.SGD(lr=0.05, decay=0.1, momentum=0.5),
    "adagrad": lambda: optimizers.Adagrad(lr=0.1, epsilon=None, decay=0.05),
    "adadelta": lambda: optimizers.Adadelta(lr=1.0, rho=0.9, epsilon=1e-6, decay=0.0),
    "adamax": lambda: optimizers.Adamax(lr=0.02, beta_1=0.9, beta_2=0.999, epsilon=None, decay=0.01),
    "nadam": lambda: optimizers.Nadam(lr=0.01, beta_1=0.9, beta_2=0.999, epsilon=None, schedule_decay=0.004),
    "rmsprop_decay": lambda: optimizers.RMSprop(lr=0.01, rho=0.8, epsilon=None, decay=0.2),
    "adam_decay": lambda: optimizers.Adam(lr=0.01, decay=0.3, amsgrad=True),
    "lower_sgd": lambda: optimizers.sgd(lr=0.1, momentum=0.9, nesterov=True),
    "lower_adagrad": lambda: optimizers.adagrad(lr=0.05),
    "lower_adadelta": lambda: optimizers.adadelta(),
    "lower_adamax": lambda: optimizers.adamax(lr=0.01),
    "lower_nadam": lambda: optimizers.nadam(lr=0.005),
}

for key, make in OPTS.items():
    @sub(key)
    def _(key=key, make=make):
        m = Sequential([Dense(4, input_shape=(5,), activation="tanh"), Dense(2)])
        seed_weights(m, 3)
        opt = make()
        m.compile(optimizer=opt, loss="mse")
        h = m.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
        report(key + ".loss", h.history["loss"], rule="close", **TOLO)
        report(key + ".weights", np.concatenate([w.ravel() for w in m.get_weights()]), rule="close", **TOLO)
        report(key + ".lr", float(K.get_value(m.optimizer.lr)), rule="close", rtol=1e-6)
        report(key + ".iterations", int(K.get_value(m.optimizer.iterations)))
        cfg = m.optimizer.get_config()
        report(key + ".config", {k: (v if isinstance(v, (bool, str)) or v is None else round(float(v), 6))
                                 for k, v in sorted(cfg.items())})


finish()
