"""fit/evaluate with dict inputs and outputs (by Input/output names), class_weight (one and two
outputs), sample_weight arrays, shuffle='batch', history.params/epoch, train_on_batch/test_on_batch
with reset_metrics=False and return_dict, metrics_names before/after training, stop_training from a
callback, predict with steps and batch_size, evaluate(steps=)."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras.layers import Dense, Input, concatenate
from keras.models import Model, Sequential
from keras.callbacks import Callback

TOLF = dict(rtol=1e-4, atol=1e-5)
xa = data(1, (24, 3))
xb = data(2, (24, 2))
labels = (xa[:, 0] + xb[:, 0] > 0).astype("int32")
onehot = np.eye(2, dtype="float32")[labels]
reg = data(3, (24, 1))


def two_io():
    a = Input(shape=(3,), name="in_a")
    b = Input(shape=(2,), name="in_b")
    h = Dense(5, activation="tanh", name="h")(concatenate([a, b]))
    cls = Dense(2, activation="softmax", name="cls")(h)
    val = Dense(1, name="val")(h)
    m = Model(inputs=[a, b], outputs=[cls, val])
    seed_weights(m, 7)
    m.compile(optimizer=keras.optimizers.SGD(0.1), loss={"cls": "categorical_crossentropy", "val": "mse"},
              metrics={"cls": "accuracy"})
    return m


@sub("dict_io")
def _():
    m = two_io()
    report("dict_io.names_before", m.metrics_names)
    h = m.fit({"in_a": xa, "in_b": xb}, {"cls": onehot, "val": reg}, batch_size=8, epochs=2,
              shuffle=False, verbose=0)
    report("dict_io.keys", sorted(h.history))
    report("dict_io.loss", h.history["loss"], rule="close", **TOLF)
    report("dict_io.params", {k: h.params.get(k) for k in ("epochs", "steps", "verbose")})
    report("dict_io.epoch", h.epoch)
    report("dict_io.names_after", m.metrics_names)
    ev = m.evaluate({"in_b": xb, "in_a": xa}, {"val": reg, "cls": onehot}, verbose=0, return_dict=True)
    report("dict_io.evaluate_dict", ev, rule="close", **TOLF)
    p = m.predict({"in_a": xa, "in_b": xb}, batch_size=5, verbose=0)
    report("dict_io.predict", [num(t) for t in p], rule="close", **TOLF)
    p2 = m.predict([xa, xb], steps=2, verbose=0)
    report("dict_io.predict_steps_shape", [list(t.shape) for t in p2])
    report("dict_io.evaluate_steps", m.evaluate([xa, xb], [onehot, reg], steps=3, verbose=0), rule="close", **TOLF)


@sub("class_weight")
def _():
    m = Sequential([Dense(2, activation="softmax", input_shape=(3,))])
    seed_weights(m, 8)
    m.compile(keras.optimizers.SGD(0.2), "categorical_crossentropy", metrics=["accuracy"])
    h = m.fit(xa, onehot, batch_size=6, epochs=2, shuffle=False, verbose=0, class_weight={0: 1.0, 1: 3.0})
    report("class_weight.loss", h.history["loss"], rule="close", **TOLF)
    sparse = Sequential([Dense(2, activation="softmax", input_shape=(3,))])
    seed_weights(sparse, 8)
    sparse.compile(keras.optimizers.SGD(0.2), "sparse_categorical_crossentropy", metrics=["acc"])
    h2 = sparse.fit(xa, labels, batch_size=6, epochs=2, shuffle=False, verbose=0, class_weight={0: 0.5, 1: 2.0})
    report("class_weight.sparse_loss", h2.history["loss"], rule="close", **TOLF)
    report("class_weight.sparse_keys", sorted(h2.history))
    binary = Sequential([Dense(1, activation="sigmoid", input_shape=(3,))])
    seed_weights(binary, 9)
    binary.compile(keras.optimizers.SGD(0.2), "binary_crossentropy", metrics=["accuracy"])
    h3 = binary.fit(xa, labels.astype("float32"), batch_size=6, epochs=2, shuffle=False, verbose=0,
                    class_weight={0: 2.0, 1: 1.0}, sample_weight=np.linspace(0.5, 1.5, 24))
    report("class_weight.binary_with_sw", h3.history["loss"], rule="close", **TOLF)


@sub("shuffle_batch")
def _():
    m = Sequential([Dense(1, input_shape=(3,))])
    seed_weights(m, 10)
    m.compile("sgd", "mse")
    h = m.fit(xa, reg, batch_size=8, epochs=2, shuffle="batch", verbose=0)
    report("shuffle_batch.n", len(h.history["loss"]))


@sub("on_batch")
def _():
    m = Sequential([Dense(2, activation="softmax", input_shape=(3,))])
    seed_weights(m, 11)
    m.compile(keras.optimizers.SGD(0.1), "categorical_crossentropy", metrics=["accuracy", "mse"])
    r1 = m.train_on_batch(xa[:8], onehot[:8])
    r2 = m.train_on_batch(xa[8:16], onehot[8:16], reset_metrics=False)
    report("on_batch.train", [r1, r2], rule="close", **TOLF)
    report("on_batch.test_acc", m.test_on_batch(xa, onehot, reset_metrics=False), rule="close", **TOLF)
    report("on_batch.test_dict", m.test_on_batch(xa[:5], onehot[:5], return_dict=True), rule="close", **TOLF)
    report("on_batch.sample_weight", m.test_on_batch(xa[:6], onehot[:6], sample_weight=np.arange(6.0)), rule="close", **TOLF)
    report("on_batch.predict", m.predict_on_batch(xa[:2]), rule="close", **TOLF)
    single = Sequential([Dense(1, input_shape=(3,))])
    single.compile("sgd", "mse")
    report("on_batch.single_type", type(single.train_on_batch(xa, reg)).__name__ in ("float", "float32", "float64"))


class StopAfter(Callback):
    def __init__(self, n):
        super().__init__()
        self.n = n
        self.seen = 0

    def on_batch_end(self, batch, logs=None):
        self.seen += 1
        if self.seen >= self.n:
            self.model.stop_training = True


@sub("stop_training")
def _():
    m = Sequential([Dense(1, input_shape=(3,))])
    seed_weights(m, 12)
    m.compile("sgd", "mse")
    cb = StopAfter(5)
    h = m.fit(xa, reg, batch_size=4, epochs=10, verbose=0, callbacks=[cb])
    report("stop_training.epochs_run", len(h.history["loss"]))
    report("stop_training.batches", cb.seen)
    report("stop_training.flag", m.stop_training)


@sub("steps_stream")
def _():
    # steps_per_epoch shorter than the arrays: each epoch goes on where the last one stopped
    m = Sequential([Dense(1, activation="sigmoid", input_shape=(3,))])
    seed_weights(m, 13)
    m.compile(keras.optimizers.SGD(0.3), "binary_crossentropy")
    h = m.fit(xa[:20], labels[:20].astype("float32"), epochs=3, steps_per_epoch=2, batch_size=4, shuffle=False,
              verbose=0, validation_data=(xa, labels.astype("float32")), validation_steps=2)
    report("steps_stream.loss", h.history["loss"], rule="close", **TOLF)
    report("steps_stream.val_loss", h.history["val_loss"], rule="close", **TOLF)
    h2 = m.fit(xa[:20], labels[:20].astype("float32"), epochs=2, steps_per_epoch=3, batch_size=8, shuffle=False,
               verbose=0)
    report("steps_stream.across_passes", h2.history["loss"], rule="close", **TOLF)


@sub("weighted_metric_names")
def _():
    sw = np.linspace(0, 1, 24)
    m = Sequential([Dense(1, activation="sigmoid", input_shape=(3,))])
    seed_weights(m, 14)
    m.compile("sgd", "binary_crossentropy", metrics=["accuracy"], weighted_metrics=["accuracy", "mse"])
    ev = m.evaluate(xa, labels.astype("float32"), sample_weight=sw, verbose=0, return_dict=True)
    report("weighted_metric_names.evaluate", ev, rule="close", **TOLF)
    report("weighted_metric_names.names", m.metrics_names)
    i = Input(shape=(3,))
    f = Model(i, [Dense(1, name="o1", activation="sigmoid")(i), Dense(1, name="o2")(i)])
    f.compile("sgd", ["binary_crossentropy", "mse"], metrics=["mae"], weighted_metrics=["mae", "mse"])
    f.evaluate(xa, [labels, reg], verbose=0, sample_weight=[sw, sw])
    report("weighted_metric_names.multi", f.metrics_names)


finish()
