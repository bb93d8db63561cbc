"""A Keras 1-style training script: Model(input=, output=), nb_epoch, samples_per_epoch, lowercase optimizers."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras.layers import Dense, Input, Dropout
from keras.models import Model, Sequential
from keras.optimizers import SGD, adam, rmsprop
from keras.utils.np_utils import to_categorical

x = data(1, (30, 6))
labels = np.random.RandomState(2).randint(0, 3, 30)
Y = to_categorical(labels, 3)
TOLK = dict(rtol=1e-4, atol=1e-5)


@sub("functional_input_output")
def _():
    a = Input(shape=(6,))
    b = Dense(3, activation="softmax", init="glorot_uniform")(Dense(output_dim=5, activation="relu")(a))
    m = Model(input=a, output=b)
    seed_weights(m, 1)
    m.compile(optimizer=SGD(lr=0.1, decay=1e-2, momentum=0.9, nesterov=True), loss="categorical_crossentropy",
              metrics=["accuracy"])
    h = m.fit(x, Y, nb_epoch=3, batch_size=10, shuffle=False, verbose=0)
    report("functional_input_output.keys", sorted(h.history))
    report("functional_input_output.loss", h.history["loss"], rule="close", **TOLK)
    report("functional_input_output.acc", h.history["accuracy"], rule="close", **TOLK)
    report("functional_input_output.lr_after", float(np.asarray(m.optimizer.get_config()["learning_rate"])),
           rule="close", rtol=1e-6)
    report("functional_input_output.iterations", int(np.asarray(m.optimizer.iterations)))


@sub("sequential_generators")
def _():
    m = Sequential()
    m.add(Dense(8, input_dim=6, activation="tanh"))
    m.add(Dropout(0.0))
    m.add(Dense(3, activation="softmax"))
    seed_weights(m, 2)
    m.compile(loss="categorical_crossentropy", optimizer=adam(lr=0.01), metrics=["acc"])

    def gen():
        while True:
            for i in range(0, 30, 10):
                yield x[i:i + 10], Y[i:i + 10]

    h = m.fit_generator(gen(), samples_per_epoch=3, nb_epoch=2, verbose=0, validation_data=gen(), nb_val_samples=2)
    report("sequential_generators.keys", sorted(h.history))
    report("sequential_generators.loss", h.history["loss"], rule="close", **TOLK)
    report("sequential_generators.val_acc", h.history["val_acc"], rule="close", **TOLK)
    ev = m.evaluate_generator(gen(), val_samples=3)
    report("sequential_generators.evaluate", ev, rule="close", **TOLK)
    p = m.predict(x, batch_size=7)
    report("sequential_generators.classes", p.argmax(axis=-1))


@sub("rmsprop_lower")
def _():
    m = Sequential([Dense(3, input_dim=6, activation="softmax")])
    seed_weights(m, 3)
    m.compile(loss="categorical_crossentropy", optimizer=rmsprop(lr=0.01, rho=0.9, epsilon=1e-6, decay=0.1))
    h = m.fit(x, Y, nb_epoch=2, batch_size=15, shuffle=False, verbose=0)
    report("rmsprop_lower.loss", h.history["loss"], rule="close", **TOLK)
    report("rmsprop_lower.weights", np.concatenate([w.ravel() for w in m.get_weights()]), rule="close", **TOLK)


finish()
