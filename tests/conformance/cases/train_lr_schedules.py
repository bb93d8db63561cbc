"""Learning-rate schedules as an optimizer's learning_rate, schedule values, optimizer configs and weights."""
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
