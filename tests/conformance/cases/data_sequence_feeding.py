"""fit/evaluate/predict fed by keras.utils.Sequence, Python generators and TimeseriesGenerator."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras.layers import Dense, LSTM
from keras.models import Sequential
from keras.utils import Sequence
from keras.preprocessing.sequence import TimeseriesGenerator
from keras.callbacks import Callback

TOLD = dict(rtol=1e-4, atol=1e-5)
x = data(1, (30, 3))
y = (x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")).astype("float32")


class Batches(Sequence):
    def __init__(self, bs):
        self.bs = bs
        self.epochs_ended = 0

    def __len__(self):
        return int(np.ceil(len(x) / self.bs))

    def __getitem__(self, i):
        s = slice(i * self.bs, (i + 1) * self.bs)
        return x[s], y[s]

    def on_epoch_end(self):
        self.epochs_ended += 1


class CountBatches(Callback):
    def on_train_begin(self, logs=None):
        self.n = 0

    def on_train_batch_end(self, batch, logs=None):
        self.n += 1


def model_():
    m = Sequential([Dense(4, activation="tanh", input_shape=(3,)), Dense(1)])
    seed_weights(m, 9)
    m.compile("sgd", "mse", metrics=["mae"])
    return m


@sub("sequence")
def _():
    m = model_()
    seq = Batches(8)
    cb = CountBatches()
    h = m.fit(seq, epochs=3, verbose=0, shuffle=False, validation_data=Batches(10), callbacks=[cb])
    report("sequence.loss", h.history["loss"], rule="close", **TOLD)
    report("sequence.val_mae", h.history["val_mae"], rule="close", **TOLD)
    report("sequence.batches", cb.n)
    report("sequence.params_steps", h.params.get("steps"))
    report("sequence.evaluate", m.evaluate(Batches(7), verbose=0), rule="close", **TOLD)
    report("sequence.predict_shape", list(m.predict(Batches(7), verbose=0).shape))


@sub("fit_generator")
def _():
    def gen(bs):
        while True:
            for i in range(0, 24, bs):
                yield x[i:i + bs], y[i:i + bs]

    m = model_()
    h = m.fit_generator(gen(6), steps_per_epoch=4, epochs=2, verbose=0, validation_data=gen(12),
                        validation_steps=2)
    report("fit_generator.loss", h.history["loss"], rule="close", **TOLD)
    report("fit_generator.val_loss", h.history["val_loss"], rule="close", **TOLD)
    report("fit_generator.keys", sorted(h.history))
    report("fit_generator.evaluate_generator", m.evaluate_generator(gen(8), steps=3), rule="close", **TOLD)
    p = m.predict_generator((x[i:i + 5] for i in range(0, 30, 5)), steps=6)
    report("fit_generator.predict_generator", p, rule="close", **TOLD)
    h2 = m.fit(gen(6), steps_per_epoch=2, epochs=1, verbose=0)
    report("fit_generator.fit_gen_loss", h2.history["loss"], rule="close", **TOLD)


@sub("generator_sample_weights")
def _():
    def gen():
        while True:
            for i in range(0, 30, 10):
                yield x[i:i + 10], y[i:i + 10], np.linspace(0, 1, 10).astype("float32")

    m = model_()
    h = m.fit(gen(), steps_per_epoch=3, epochs=2, verbose=0)
    report("generator_sample_weights.loss", h.history["loss"], rule="close", **TOLD)


@sub("timeseries")
def _():
    series = np.sin(np.arange(60, dtype="float32") / 4.0).reshape(-1, 1)
    tg = TimeseriesGenerator(series, series, length=5, batch_size=8)
    report("timeseries.len", len(tg))
    m = Sequential([LSTM(4, input_shape=(5, 1)), Dense(1)])
    seed_weights(m, 11)
    m.compile("adam", "mse")
    h = m.fit(tg, epochs=2, verbose=0, shuffle=False)
    report("timeseries.loss", h.history["loss"], rule="close", rtol=1e-3, atol=1e-5)
    report("timeseries.predict_shape", list(m.predict(tg, verbose=0).shape))


@sub("validation_split")
def _():
    m = model_()
    h = m.fit(x, y, epochs=2, batch_size=5, validation_split=0.2, shuffle=False, verbose=0)
    report("validation_split.val_loss", h.history["val_loss"], rule="close", **TOLD)
    m2 = model_()
    m2.fit(x[:24], y[:24], epochs=2, batch_size=5, shuffle=False, verbose=0)
    report("validation_split.same_weights_as_first_80pct",
           all(np.allclose(a, b, atol=1e-6) for a, b in zip(m.get_weights(), m2.get_weights())))


finish()
