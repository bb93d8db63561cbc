"""What callbacks print with verbose=1 (fit itself silent): EarlyStopping, ReduceLROnPlateau,
ModelCheckpoint, LearningRateScheduler; and optimizer.lr set through K.set_value."""
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
import contextlib
import io

from keras import backend as K
from keras.callbacks import Callback, EarlyStopping, LearningRateScheduler, ModelCheckpoint, ReduceLROnPlateau
from keras.layers import Dense
from keras.models import Sequential
from keras.optimizers import SGD

SCRIPT = [1.0, 0.9, 0.95, 0.97, 0.85, 0.9, 0.91, 0.92, 0.99, 1.0]
x = data(1, (16, 3))
y = x.sum(axis=1, keepdims=True)


class ScriptedValLoss(Callback):
    def on_epoch_end(self, epoch, logs=None):
        logs["val_loss"] = SCRIPT[epoch]


def model_():
    m = Sequential([Dense(1, input_dim=3)])
    seed_weights(m, 1)
    m.compile(optimizer=SGD(lr=0.1), loss="mse")
    return m


def printed(callbacks, epochs=10):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        model_().fit(x, y, epochs=epochs, batch_size=8, verbose=0, callbacks=[ScriptedValLoss()] + callbacks)
    return [line for line in buf.getvalue().splitlines() if line.strip()]


@sub("early_stopping")
def _():
    report("early_stopping.lines", printed([EarlyStopping(patience=2, verbose=1)]))
    report("early_stopping.restore_lines", printed([EarlyStopping(patience=2, verbose=1, restore_best_weights=True)]))


@sub("reduce_lr")
def _():
    report("reduce_lr.lines", printed([ReduceLROnPlateau(factor=0.5, patience=1, verbose=1)]))


@sub("checkpoint")
def _():
    report("checkpoint.best_only", printed([ModelCheckpoint("m.h5", save_best_only=True, verbose=1)], epochs=5))
    report("checkpoint.every", printed([ModelCheckpoint("w{epoch}.h5", save_weights_only=True, verbose=1)], epochs=2))


@sub("scheduler")
def _():
    report("scheduler.lines", printed([LearningRateScheduler(lambda e: 0.1 * 0.5 ** e, verbose=1)], epochs=3))


@sub("set_value_lr")
def _():
    m = model_()
    K.set_value(m.optimizer.lr, 0.02)
    report("set_value_lr.get", float(K.get_value(m.optimizer.lr)), rule="close", rtol=1e-6)
    h = m.fit(x, y, epochs=2, batch_size=8, verbose=0, shuffle=False)
    report("set_value_lr.loss", h.history["loss"], rule="close", rtol=1e-4, atol=1e-6)
    m.optimizer.learning_rate = 0.001
    report("set_value_lr.assigned", float(K.get_value(m.optimizer.learning_rate)), rule="close", rtol=1e-6)
    report("set_value_lr.config_lr", float(m.optimizer.get_config()["learning_rate"]), rule="close", rtol=1e-6)


finish()
