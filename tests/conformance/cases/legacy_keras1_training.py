"""A Keras 1-style training script: Model(input=, output=), nb_epoch, samples_per_epoch, lowercase optimizers."""
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
