"""File interop: tf_keras 2.21 HDF5 files of models compiled with SGD(nesterov), RMSprop(centered,
momentum), Adagrad, Adadelta, Adamax, Nadam and Adam(amsgrad) after one epoch of training: the loaded
model is compiled with the same optimizer (class, config values, iteration count), evaluates as Keras,
and one more epoch of training from the restored optimizer state gives Keras's loss and weights."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import backend as K  # noqa: E402
from keras.models import load_model  # noqa: E402

NAMES = ["opt_sgd_nesterov", "opt_rmsprop_centered", "opt_adagrad", "opt_adadelta", "opt_adamax", "opt_nadam",
         "opt_adam_amsgrad"]
KEYS = ("learning_rate", "momentum", "nesterov", "rho", "centered", "epsilon", "beta_1", "beta_2", "amsgrad",
        "initial_accumulator_value")
y = np.eye(2, dtype="float32")[[0, 1, 1, 0, 1, 0]]

for name in NAMES:
    @sub(name)
    def _():
        x = np.load(fixture(f"interop_{name}_in0.npy"))
        model = load_model(fixture(f"interop_{name}.h5"))
        report(name + ".optimizer", type(model.optimizer).__name__)
        cfg = model.optimizer.get_config()
        report(name + ".config", {k: cfg[k] for k in KEYS if k in cfg}, rule="close", rtol=1e-6)
        report(name + ".iterations", int(K.get_value(model.optimizer.iterations)))
        report(name + ".evaluate", model.evaluate(x, y, verbose=0), rule="close", rtol=1e-4, atol=1e-6)
        history = model.fit(x, y, batch_size=3, epochs=1, shuffle=False, verbose=0)
        report(name + ".fit_loss", history.history["loss"], rule="close", rtol=1e-4, atol=1e-6)
        report(name + ".weights_after", [w for w in model.get_weights()], rule="close", rtol=1e-4, atol=1e-5)
        report(name + ".iterations_after", int(K.get_value(model.optimizer.iterations)))

finish()
