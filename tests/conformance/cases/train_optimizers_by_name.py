"""Training trajectories with each optimizer given by name string, by class, and by old spelling."""
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

TRAIN_TOL = dict(rtol=1e-4, atol=1e-5)
x = data(1, (32, 5))
_rng = np.random.RandomState(2)
y = (np.tanh(x @ _rng.uniform(-1, 1, (5, 2))) + 0.1 * _rng.normal(size=(32, 2))).astype("float32")


def flat(weights):
    return np.concatenate([np.asarray(w).ravel() for w in weights])


def trajectory(key, make_optimizer, epochs=3, batch_size=8):
    @sub(key)
    def _():
        model = Sequential([Dense(8, activation="tanh", input_shape=(5,)), Dense(2)])
        seed_weights(model, 3)
        model.compile(optimizer=make_optimizer(), loss="mse")
        hist = model.fit(x, y, batch_size=batch_size, nb_epoch=epochs, shuffle=False, verbose=0)
        report(key + ".loss", hist.history["loss"], rule="close", **TRAIN_TOL)
        report(key + ".weights", flat(model.get_weights()), rule="close", **TRAIN_TOL)


# 'nadam' by name is left out: tf_keras 2.21's current Nadam advances its momentum product once per
# variable (a Python counter frozen when tf.function traces), so its curve depends on the layer count.
for name in ("sgd", "adam", "rmsprop", "adagrad", "adadelta", "adamax"):
    trajectory("name_" + name, lambda n=name: n)
trajectory("sgd_lower", lambda: optimizers.sgd(lr=0.05, momentum=0.9, nesterov=True))
trajectory("rmsprop_lower", lambda: optimizers.rmsprop(lr=0.005, rho=0.8))
trajectory("adagrad_decay", lambda: optimizers.Adagrad(lr=0.05, decay=0.01))
trajectory("adadelta_lr1", lambda: optimizers.Adadelta(lr=1.0, rho=0.95))
trajectory("adamax_lr", lambda: optimizers.Adamax(lr=0.01))
trajectory("nadam_lr", lambda: optimizers.Nadam(lr=0.01))
trajectory("sgd_clipnorm", lambda: optimizers.SGD(lr=0.1, clipnorm=0.1))
trajectory("sgd_clipvalue", lambda: optimizers.SGD(lr=0.1, clipvalue=0.01))


@sub("get")
def _():
    o = optimizers.get("adam")
    report("get.class", type(o).__name__)
    cfg = optimizers.Adam(lr=0.003).get_config()
    report("get.adam_lr", float(cfg["learning_rate"]), rule="close", rtol=1e-6)
    s = optimizers.serialize(optimizers.SGD(lr=0.1, momentum=0.5))
    report("get.serialize_class_name", s["class_name"])
    o2 = optimizers.deserialize(s)
    report("get.deserialize_momentum", float(o2.get_config()["momentum"]), rule="close", rtol=1e-6)


finish()
