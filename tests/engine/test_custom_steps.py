"""Subclassed models: build(input_shape), and the tf.keras 2.2+ step API (train_step/test_step/
predict_step overrides, compiled_loss/compiled_metrics/compute_loss called by a user's step)."""
import numpy as np
import pytest
import torch

import torchkeras_compat as keras
from torchkeras_compat import layers

X = np.random.RandomState(0).uniform(-1, 1, (32, 4)).astype("float32")
Y = X @ np.array([[1.0], [-1.0], [0.5], [2.0]], dtype="float32")


class Linear(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(1)

    def call(self, inputs):
        return self.dense(inputs)


class TorchStyleTrainStep(Linear):
    """A train_step written with torch autograd, the way this package's users write one."""

    def train_step(self, data):
        x, y = data
        y_pred = self(x, training=True)
        loss = self.compute_loss(x, y, y_pred)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        self.compiled_metrics.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def test_build_creates_the_weights_of_a_subclassed_model():
    model = Linear()
    assert not model.built
    model.build((None, 4))
    assert model.built
    assert [tuple(w.shape) for w in model.weights] == [(4, 1), (1,)]
    assert model.count_params() == 5


def test_build_without_a_shape_is_an_error():
    with pytest.raises(ValueError, match="input_shape"):
        Linear().build()


def test_first_call_builds_without_an_extra_trial_run():
    calls = []

    class Counting(Linear):
        def call(self, inputs):
            calls.append(tuple(inputs.shape))
            return self.dense(inputs)

    Counting()(X[:3])
    assert calls == [(3, 4)]


def test_a_torch_style_train_step_trains_and_reports_its_logs():
    model = TorchStyleTrainStep()
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    history = model.fit(X, Y, batch_size=8, epochs=5, verbose=0)
    assert sorted(history.history) == ["loss", "mae"]
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.metrics_names == ["loss", "mae"]
    logs = model.train_on_batch(X[:8], Y[:8], return_dict=True)
    assert sorted(logs) == ["loss", "mae"]


def test_an_overridden_test_step_and_predict_step_are_used():
    class Halved(Linear):
        def test_step(self, data):
            x, y = data
            self.compiled_loss(y, self(x, training=False) * 0.0)
            return {"loss": self.metrics[0].result(), "extra": torch.tensor(7.0)}

        def predict_step(self, data):
            return {"double": self(data) * 2, "same": self(data)}

    model = Halved()
    model.compile("sgd", "mse")
    expected = float(np.mean(np.square(Y)))
    assert model.evaluate(X, Y, batch_size=32, verbose=0) == pytest.approx([expected, 7.0], rel=1e-5)
    assert model.evaluate(X, Y, verbose=0, return_dict=True)["extra"] == 7.0
    out = model.predict(X, batch_size=5, verbose=0)
    assert sorted(out) == ["double", "same"]
    np.testing.assert_allclose(out["double"], 2 * out["same"], rtol=1e-6)


def test_a_custom_step_returning_no_dict_is_a_clear_error():
    class Bad(Linear):
        def test_step(self, data):
            return 1.0

    model = Bad()
    model.compile("sgd", "mse")
    with pytest.raises(TypeError, match="test_step"):
        model.evaluate(X, Y, verbose=0)


def test_super_train_step_runs_the_built_in_step():
    class Passthrough(Linear):
        def train_step(self, data):
            return super().train_step(data)

    model = Passthrough()
    model.compile(keras.optimizers.SGD(0.1), "mse")
    plain = Linear()
    plain.compile(keras.optimizers.SGD(0.1), "mse")
    model.build((None, 4))
    plain.build((None, 4))
    plain.set_weights(model.get_weights())
    a = model.fit(X, Y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"]
    b = plain.fit(X, Y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(a, b, rtol=1e-6)


def test_unpack_and_pack_x_y_sample_weight():
    from torchkeras_compat.utils import pack_x_y_sample_weight, unpack_x_y_sample_weight
    assert unpack_x_y_sample_weight((1, 2)) == (1, 2, None)
    assert unpack_x_y_sample_weight(5) == (5, None, None)
    assert pack_x_y_sample_weight(1, 2, 3) == (1, 2, 3)
    with pytest.raises(ValueError):
        unpack_x_y_sample_weight((1, 2, 3, 4))
