"""Subclassed keras.Model (layers in __init__, call()), fit/evaluate/predict/summary on it; overriding
test_step/predict_step with the tf.keras 2.2+ API (self(x, training=False), self.compiled_loss,
self.compiled_metrics.update_state, {m.name: m.result() for m in self.metrics}); a custom layer with
build/add_weight/add_loss/add_metric; model.losses."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import backend as K
from keras.layers import Dense, Layer, Dropout
from keras.models import Model, Sequential

TOLC = dict(rtol=1e-4, atol=1e-5)
x = data(1, (16, 4))
y = data(2, (16, 2))


class MLP(Model):
    def __init__(self, hidden=8, **kwargs):
        super().__init__(**kwargs)
        self.d1 = Dense(hidden, activation="relu")
        self.drop = Dropout(0.5)
        self.d2 = Dense(2)

    def call(self, inputs, training=None):
        h = self.d1(inputs)
        h = self.drop(h, training=training)
        return self.d2(h)


def mlp():
    m = MLP(name="mlp")
    m.build((None, 4))
    seed_weights(m, 3)
    return m


@sub("subclassed")
def _():
    m = mlp()
    report("sub.layer_types", [type(l).__name__ for l in m.layers])
    report("sub.n_weights", len(m.weights))
    report("sub.count_params", m.count_params())
    m.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    report("sub.evaluate", m.evaluate(x, y, verbose=0), rule="close", **TOLC)
    h = m.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)  # dropout: values are random
    report("sub.history_keys", sorted(h.history))
    report("sub.predict_shape", list(m.predict(x, batch_size=5, verbose=0).shape))
    report("sub.metrics_names", m.metrics_names)
    out = []
    m.summary(print_fn=out.append)
    report("sub.summary_total", [l for l in out if l.startswith("Total params")])
    report("sub.call_eager", num(m(x[:2])).shape)


class EvalOverride(Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.d = Dense(2)

    def call(self, inputs):
        return self.d(inputs)

    def test_step(self, data):
        x_, y_ = data
        y_pred = self(x_, training=False)
        self.compiled_loss(y_, y_pred * 0.5, regularization_losses=self.losses)
        self.compiled_metrics.update_state(y_, y_pred * 0.5)
        return {m.name: m.result() for m in self.metrics}

    def predict_step(self, data):
        return self(data, training=False) + 1.0


@sub("step_overrides")
def _():
    m = EvalOverride()
    m.build((None, 4))
    seed_weights(m, 4)
    m.compile("sgd", "mse", metrics=["mae"])
    report("steps.evaluate", m.evaluate(x, y, batch_size=4, verbose=0), rule="close", **TOLC)
    report("steps.evaluate_dict", m.evaluate(x, y, batch_size=4, verbose=0, return_dict=True), rule="close", **TOLC)
    report("steps.predict", m.predict(x[:3], verbose=0), rule="close", **TOLC)
    h = m.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False, validation_data=(x, y))
    report("steps.val_loss", h.history["val_loss"], rule="close", **TOLC)


class ActivityPenalty(Layer):
    def __init__(self, rate=0.1, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def build(self, input_shape):
        self.scale = self.add_weight(name="scale", shape=(input_shape[-1],), initializer="ones")
        self.count = self.add_weight(name="count", shape=(), initializer="zeros", trainable=False)
        super().build(input_shape)

    def call(self, inputs):
        self.add_loss(self.rate * K.mean(K.square(inputs)))
        return inputs * self.scale

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return dict(super().get_config(), rate=self.rate)


@sub("custom_layer_losses")
def _():
    inp = keras.Input(shape=(4,))
    out = Dense(2)(ActivityPenalty(0.5, name="pen")(inp))
    m = Model(inp, out)
    seed_weights(m, 5)
    report("layer.weight_names", [w.name for w in m.weights])
    report("layer.trainable_count", [len(m.trainable_weights), len(m.non_trainable_weights)])
    m.compile("sgd", "mse")
    report("layer.evaluate_with_penalty", m.evaluate(x, y, verbose=0), rule="close", **TOLC)
    report("layer.n_losses", len(m.losses))
    h = m.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    report("layer.fit_loss", h.history["loss"], rule="close", **TOLC)
    report("layer.config_rate", m.get_layer("pen").get_config()["rate"])


class Keras20Layer(Layer):
    """The Keras 2.0 custom-layer recipe, with a K.variable made in build as well."""

    def __init__(self, output_dim, **kwargs):
        self.output_dim = output_dim
        super(Keras20Layer, self).__init__(**kwargs)

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[1], self.output_dim),
                                      initializer="uniform", trainable=True)
        self.offset = K.variable(np.zeros((self.output_dim,), "float32"), name="offset")
        super(Keras20Layer, self).build(input_shape)

    def call(self, x, mask=None):
        return K.dot(x, self.kernel) + self.offset

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.output_dim)

    def get_config(self):
        config = {"output_dim": self.output_dim}
        base_config = super(Keras20Layer, self).get_config()
        return dict(list(base_config.items()) + list(config.items()))


@sub("keras20_layer")
def _():
    m = Sequential([Keras20Layer(3, input_shape=(4,), name="k20"), Dense(2)])
    seed_weights(m, 6)
    report("k20.weight_names", [w.name for w in m.weights])
    report("k20.count_params", m.count_params())
    report("k20.output_shape", m.output_shape)
    report("k20.predict", m.predict(x, verbose=0), rule="close", **TOLC)
    m.compile(keras.optimizers.SGD(0.1), "mse")
    h = m.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    report("k20.loss", h.history["loss"], rule="close", **TOLC)
    report("k20.offset_trained", num(m.get_layer("k20").get_weights()[1]), rule="close", **TOLC)


finish()
