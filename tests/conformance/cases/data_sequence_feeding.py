"""fit/evaluate/predict fed by keras.utils.Sequence, Python generators and TimeseriesGenerator."""
# ---- common case header (copied into every case; cases must be self-contained) ----
import traceback

import numpy as np

import keras

TOL = dict(rtol=1e-4, atol=1e-5)  # float32 forward pass
FAILED = []


def sub(name):
    """Run the decorated function at once; on error note it and go on, so the other keys still report."""
    def run(fn):
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - any failure of the implementation under test
            traceback.print_exc()
            FAILED.append(f"{name}: {type(e).__name__}: {' '.join(str(e).split())[:150]}")
    return run


def finish():
    """Fail the case (after reporting what passed) when a sub-test raised."""
    if FAILED:
        raise RuntimeError(f"{len(FAILED)} sub-test(s) raised: " + " | ".join(FAILED))


def seed_weights(model, seed):
    """Replace every weight, layer by layer, by seeded uniform(-0.5, 0.5) float32 values.

    Nested models are walked into; a BatchNormalization's moving variance (its last weight) is drawn
    from uniform(0.5, 1.5) so that it stays positive.
    """
    rng = np.random.RandomState(seed)

    def visit(layer):
        inner = getattr(layer, "layers", None)
        if isinstance(inner, (list, tuple)) and inner:
            for s in inner:
                visit(s)
            return
        old = layer.get_weights()
        if old:
            new = [rng.uniform(-0.5, 0.5, w.shape).astype("float32") for w in old]
            if type(layer).__name__ == "BatchNormalization":
                new[-1] = rng.uniform(0.5, 1.5, old[-1].shape).astype("float32")
            layer.set_weights(new)

    for layer in model.layers:
        visit(layer)


def data(seed, shape, lo=-1.0, hi=1.0):
    return np.random.RandomState(seed).uniform(lo, hi, shape).astype("float32")


def num(v):
    """A tensor/scalar as a numpy array (0-d for a scalar), so TF scalars and torch 0-d tensors report alike."""
    if hasattr(v, "detach"):
        v = v.detach().cpu()
    return np.asarray(v)


def report_outputs(key, y, tol=TOL):
    if isinstance(y, (list, tuple)):
        for i, yi in enumerate(y):
            report(f"{key}.{i}", yi, rule="close", **tol)
    else:
        report(key, y, rule="close", **tol)


def layer_case(key, make_layer, x, seed=0, tol=TOL, input_dtype=None):
    """Sub-test: one layer on a functional Input, every weight seeded, predict on x, report close."""
    @sub(key)
    def _():
        inp = keras.layers.Input(shape=x.shape[1:], **({"dtype": input_dtype} if input_dtype else {}))
        model = keras.models.Model(inputs=inp, outputs=make_layer()(inp))
        seed_weights(model, seed)
        report_outputs(key, model.predict(x, verbose=0), tol)
# ---- end of common header ----
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
