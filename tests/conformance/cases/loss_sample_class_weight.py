"""sample_weight and class_weight: their effect on the reported loss and metrics."""
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
from keras.layers import Dense
from keras.models import Sequential

TOLW = dict(rtol=1e-4, atol=1e-6)
x = data(1, (12, 3))
y = np.array([0, 1, 2, 1, 0, 2, 2, 1, 0, 0, 1, 2])
yc = np.eye(3, dtype="float32")[y]
yb = (y > 0).astype("float32").reshape(-1, 1)
sw = np.linspace(0.0, 2.0, 12).astype("float32")


def model(units, act, loss, metrics=()):
    m = Sequential([Dense(units, activation=act, input_shape=(3,))])
    seed_weights(m, 4)
    m.compile(optimizer="sgd", loss=loss, metrics=list(metrics))
    return m


@sub("evaluate_sample_weight")
def _():
    m = model(3, "softmax", "categorical_crossentropy", ["accuracy"])
    report("evaluate_sample_weight.none", m.evaluate(x, yc, verbose=0), rule="close", **TOLW)
    report("evaluate_sample_weight.sw", m.evaluate(x, yc, sample_weight=sw, verbose=0), rule="close", **TOLW)
    report("evaluate_sample_weight.sw_batch5", m.evaluate(x, yc, sample_weight=sw, batch_size=5, verbose=0),
           rule="close", **TOLW)
    report("evaluate_sample_weight.test_on_batch", m.test_on_batch(x, yc, sample_weight=sw), rule="close", **TOLW)


@sub("sparse_sample_weight")
def _():
    m = model(3, "softmax", "sparse_categorical_crossentropy", ["sparse_categorical_accuracy"])
    report("sparse_sample_weight.sw", m.evaluate(x, y, sample_weight=sw, verbose=0), rule="close", **TOLW)


@sub("train_class_weight")
def _():
    m = model(3, "softmax", "categorical_crossentropy", ["acc"])
    h = m.fit(x, yc, epochs=2, batch_size=4, shuffle=False, verbose=0, class_weight={0: 1.0, 1: 3.0, 2: 0.5})
    report("train_class_weight.loss", h.history["loss"], rule="close", **TOLW)
    report("train_class_weight.acc", h.history["acc"], rule="close", **TOLW)
    report("train_class_weight.weights", np.concatenate([w.ravel() for w in m.get_weights()]), rule="close", **TOLW)


@sub("train_sample_weight")
def _():
    m = model(1, "sigmoid", "binary_crossentropy", ["accuracy"])
    h = m.fit(x, yb, epochs=2, batch_size=4, shuffle=False, verbose=0, sample_weight=sw)
    report("train_sample_weight.loss", h.history["loss"], rule="close", **TOLW)
    report("train_sample_weight.weights", np.concatenate([w.ravel() for w in m.get_weights()]), rule="close", **TOLW)
    r = m.train_on_batch(x[:6], yb[:6], sample_weight=sw[:6])
    report("train_sample_weight.train_on_batch", r, rule="close", **TOLW)
    r2 = m.train_on_batch(x[:6], yb[:6], class_weight={0: 2.0, 1: 1.0})
    report("train_sample_weight.train_on_batch_cw", r2, rule="close", **TOLW)


@sub("binary_class_weight")
def _():
    m = model(1, "sigmoid", "binary_crossentropy", ["accuracy"])
    h = m.fit(x, yb, epochs=2, batch_size=6, shuffle=False, verbose=0, class_weight={0: 5.0, 1: 1.0},
              validation_data=(x, yb))
    report("binary_class_weight.loss", h.history["loss"], rule="close", **TOLW)
    report("binary_class_weight.val_loss", h.history["val_loss"], rule="close", **TOLW)


finish()
