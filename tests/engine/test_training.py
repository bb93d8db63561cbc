"""fit/evaluate/predict against values recorded from tf.keras 2 (tests/fixtures/make_engine.py)."""
import json

import numpy as np
import pytest
import torch

import torchkeras_compat as keras
from torchkeras_compat import layers


@pytest.fixture
def recorded(fixture_path):
    with open(fixture_path("engine", "engine.json")) as f:
        return json.load(f)


def test_fit_follows_keras_loss_curve(recorded, fixture_path):
    data = np.load(fixture_path("engine", "training.npz"))
    model = keras.Sequential([layers.Dense(3, activation="tanh", input_shape=(4,)),
                              layers.Dense(1, activation="sigmoid")])
    model.set_weights([data[f"w0_{i}"] for i in range(4)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="binary_crossentropy",
                  metrics=["accuracy"])
    hist = model.fit(data["x"], data["y"], batch_size=8, epochs=3, shuffle=False, verbose=0,
                     validation_split=0.25)
    want = recorded["training"]["history"]
    assert list(hist.history) == list(want)
    for key in want:
        np.testing.assert_allclose(hist.history[key], want[key], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.evaluate(data["x"], data["y"], verbose=0),
                               recorded["training"]["evaluate"], rtol=1e-5)
    np.testing.assert_allclose(model.predict(data["x"][:5]), data["pred"], rtol=1e-5, atol=1e-6)
    for i, w in enumerate(model.get_weights()):
        np.testing.assert_allclose(w, data[f"w1_{i}"], rtol=1e-5, atol=1e-6)
    assert model.metrics_names == recorded["training"]["metrics_names"]


def test_multi_output_names_weights_and_dict_inputs(recorded, fixture_path):
    data = np.load(fixture_path("engine", "multi_output.npz"))
    a = keras.Input((3,), name="left")
    b = keras.Input((2,), name="right")
    h = layers.concatenate([layers.Dense(4, activation="relu")(a), b])
    model = keras.Model([a, b], [layers.Dense(1, name="score")(h),
                                 layers.Dense(3, activation="softmax", name="label")(h)])
    model.set_weights([data[f"w0_{i}"] for i in range(6)])
    model.compile("sgd", loss={"score": "mse", "label": "categorical_crossentropy"},
                  loss_weights={"score": 0.5, "label": 1.0},
                  metrics={"label": ["accuracy"], "score": ["mae"]})
    hist = model.fit({"left": data["xa"], "right": data["xb"]}, {"score": data["y1"], "label": data["y2"]},
                     batch_size=4, epochs=2, shuffle=False, verbose=0)
    want = recorded["multi_output"]
    assert list(hist.history) == list(want["history"])
    for key, values in want["history"].items():
        np.testing.assert_allclose(hist.history[key], values, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.evaluate([data["xa"], data["xb"]], [data["y1"], data["y2"]], verbose=0),
                               want["evaluate"], rtol=1e-5)
    assert model.metrics_names == want["metrics_names"]


def _mlp():
    model = keras.Sequential([layers.Dense(4, activation="relu", input_shape=(3,)), layers.Dense(1)])
    model.compile("adam", "mse")
    return model


def test_evaluate_returns_scalar_for_loss_only_and_predict_numpy():
    model = _mlp()
    x, y = np.random.rand(10, 3), np.random.rand(10, 1)
    assert isinstance(model.evaluate(x, y, verbose=0), float)
    pred = model.predict(x)
    assert isinstance(pred, np.ndarray) and pred.shape == (10, 1) and pred.dtype == np.float32
    assert np.allclose(model.predict_on_batch(x), pred, atol=1e-6)
    assert isinstance(model.train_on_batch(x, y), float)
    assert isinstance(model.test_on_batch(x, y), float)


def test_wrong_input_shape_names_input_and_both_shapes():
    model = _mlp()
    with pytest.raises(ValueError, match=r"expected dense_input to have shape \(3,\) but got array with shape \(5,\)"):
        model.fit(np.zeros((4, 5)), np.zeros((4, 1)), verbose=0)


def test_sample_count_mismatch_and_fit_before_compile():
    model = _mlp()
    with pytest.raises(ValueError, match="Data cardinality is ambiguous"):
        model.fit(np.zeros((4, 3)), np.zeros((5, 1)), verbose=0)
    raw = keras.Sequential([layers.Dense(1, input_shape=(3,))])
    with pytest.raises(RuntimeError, match="compile"):
        raw.fit(np.zeros((4, 3)), np.zeros((4, 1)))


def test_non_numeric_data_is_a_clear_error():
    model = _mlp()
    with pytest.raises(ValueError, match="Failed to convert a NumPy array"):
        model.fit(np.array([["a", "b", "c"]]), np.zeros((1, 1)), verbose=0)


def test_unknown_names_suggest_the_right_one():
    model = keras.Sequential([layers.Dense(1, input_shape=(3,))])
    with pytest.raises(ValueError, match="binary_crossentropy"):
        model.compile(optimizer="adam", loss="binary_arossentropy")
    with pytest.raises(ValueError, match="Did you mean"):
        model.compile(optimizer="adma", loss="mse")
    with pytest.raises(ValueError, match="relu"):
        layers.Dense(3, activation="rleu")


def test_legacy_nb_epoch_and_history_accuracy_key():
    model = keras.Sequential([layers.Dense(1, activation="sigmoid", input_dim=2)])
    model.compile("sgd", "binary_crossentropy", metrics=["accuracy"])
    with pytest.warns(UserWarning, match="epochs"):
        hist = model.fit(np.random.rand(8, 2), np.random.randint(0, 2, (8, 1)), nb_epoch=2, verbose=0)
    assert len(hist.history["accuracy"]) == 2
    assert hist.epoch == [0, 1]


def test_generators_and_legacy_fit_generator():
    model = _mlp()

    def gen():
        while True:
            yield np.random.rand(4, 3), np.random.rand(4, 1)

    hist = model.fit(gen(), steps_per_epoch=3, epochs=2, verbose=0)
    assert len(hist.history["loss"]) == 2
    hist = model.fit_generator(gen(), steps_per_epoch=2, epochs=1, verbose=0)
    assert len(hist.history["loss"]) == 1
    assert isinstance(model.evaluate_generator(gen(), steps=2), float)
    assert model.predict_generator((x for x, _ in gen()), steps=2).shape == (8, 1)


def test_class_weight_and_sample_weight_change_the_loss():
    x, y = np.random.rand(8, 3), np.random.randint(0, 2, (8, 1)).astype("float32")
    model = _mlp()
    base = model.evaluate(x, y, verbose=0)
    weighted = model.evaluate(x, y, sample_weight=np.where(y[:, 0] > 0, 3.0, 0.0), verbose=0)
    assert not np.isclose(base, weighted)
    model.fit(x, y, class_weight={0: 1.0, 1: 5.0}, epochs=1, verbose=0)


def test_predict_classes_and_proba():
    model = keras.Sequential([layers.Dense(3, activation="softmax", input_shape=(2,))])
    x = np.random.rand(5, 2)
    assert model.predict_classes(x).shape == (5,)
    assert np.allclose(model.predict_proba(x).sum(1), 1, atol=1e-6)


def test_verbose_1_prints_keras_progress_bar(capsys):
    model = _mlp()
    model.fit(np.random.rand(64, 3), np.random.rand(64, 1), batch_size=32, epochs=2, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch 2/2" in out and "2/2 [==============================]" in out and "loss:" in out


def test_verbose_2_one_line_per_epoch(capsys):
    model = _mlp()
    model.fit(np.random.rand(64, 3), np.random.rand(64, 1), batch_size=32, epochs=2, verbose=2)
    lines = [l for l in capsys.readouterr().out.splitlines() if l.startswith("2/2 - ")]
    assert len(lines) == 2


def test_callbacks_see_validation_data_as_keras_2_2_did():
    seen = {}

    class Peek(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen["shapes"] = [np.shape(a) for a in self.validation_data]

    model = _mlp()
    x, y = np.random.rand(10, 3), np.random.rand(10, 1)
    model.fit(x, y, validation_data=(x[:4], y[:4]), epochs=1, verbose=0, callbacks=[Peek()])
    assert seen["shapes"] == [(4, 3), (4, 1), (4,)]


def test_subclassed_model_trains_and_predicts():
    class TwoLayer(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(8, activation="relu")
            self.out = layers.Dense(1)

        def call(self, inputs):
            return self.out(self.hidden(inputs))

    model = TwoLayer()
    model.compile("adam", "mse")
    x, y = np.random.rand(32, 4), np.random.rand(32, 1)
    hist = model.fit(x, y, epochs=3, verbose=0)
    assert hist.history["loss"][-1] < hist.history["loss"][0]
    assert model.predict(x).shape == (32, 1)
    assert model.name == "two_layer" and len(model.trainable_weights) == 4


def test_initial_epoch_validation_freq_and_return_dict():
    model = _mlp()
    x, y = np.random.rand(16, 3), np.random.rand(16, 1)
    hist = model.fit(x, y, epochs=4, initial_epoch=1, validation_data=(x, y), validation_freq=2, verbose=0)
    assert hist.epoch == [1, 2, 3]
    assert len(hist.history["loss"]) == 3 and len(hist.history["val_loss"]) == 2  # epochs 2 and 4
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert list(logs) == ["loss"]


def test_shuffle_batch_and_steps_per_epoch_on_arrays():
    model = _mlp()
    x, y = np.random.rand(20, 3), np.random.rand(20, 1)
    model.fit(x, y, batch_size=4, shuffle="batch", epochs=1, verbose=0)
    seen = []
    cb = keras.callbacks.LambdaCallback(on_batch_end=lambda b, logs: seen.append(b))
    model.fit(x, y, batch_size=4, steps_per_epoch=2, epochs=1, verbose=0, callbacks=[cb])
    assert seen == [0, 1]


def test_validation_data_as_a_generator_with_steps():
    model = _mlp()
    x, y = np.random.rand(16, 3), np.random.rand(16, 1)

    def val_gen():
        while True:
            yield x[:4], y[:4]

    hist = model.fit(x, y, epochs=1, validation_data=val_gen(), validation_steps=2, verbose=0)
    assert "val_loss" in hist.history


def test_torch_dataset_and_dataloader_inputs():
    import torch
    x = torch.rand(12, 3)
    y = torch.rand(12, 1)
    ds = torch.utils.data.TensorDataset(x, y)
    model = _mlp()
    assert len(model.fit(ds, batch_size=4, epochs=1, verbose=0).history["loss"]) == 1
    loader = torch.utils.data.DataLoader(ds, batch_size=6)
    assert isinstance(model.evaluate(loader, verbose=0), float)


def test_keras_sequence_input():
    class Batches(keras.utils.Sequence):
        def __len__(self):
            return 3

        def __getitem__(self, i):
            return np.full((4, 3), i, "float32"), np.zeros((4, 1), "float32")

    model = _mlp()
    hist = model.fit(Batches(), epochs=2, verbose=0)
    assert len(hist.history["loss"]) == 2
    assert model.predict(Batches()).shape == (12, 1)


def test_old_acc_keys_read_as_accuracy():
    model = keras.Sequential([layers.Dense(1, activation="sigmoid", input_dim=2)])
    model.compile("sgd", "binary_crossentropy", metrics=["accuracy"])
    x, y = np.random.rand(8, 2), np.random.randint(0, 2, (8, 1))
    hist = model.fit(x, y, validation_data=(x, y), epochs=2, verbose=0)
    assert list(hist.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert hist.history["acc"] == hist.history["accuracy"]
    assert hist.history["val_acc"] == hist.history["val_accuracy"]
    assert "acc" in hist.history and hist.history.get("val_acc") is not None


def test_ctrl_c_stops_after_the_current_batch_and_keeps_history():
    import os
    import signal
    model = _mlp()
    seen = []

    class Interrupt(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(batch)
            if len(seen) == 5:  # during the second epoch
                os.kill(os.getpid(), signal.SIGINT)

    x, y = np.random.rand(12, 3), np.random.rand(12, 1)
    with pytest.warns(UserWarning, match="Ctrl-C"):
        hist = model.fit(x, y, batch_size=4, epochs=5, verbose=0, callbacks=[Interrupt()])
    assert seen == [0, 1, 2, 0, 1]  # the interrupted batch finished, the next did not start
    assert len(hist.history["loss"]) == 2 and model.history is hist
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_same_seed_gives_identical_history():
    def run():
        keras.utils.set_random_seed(7)
        model = keras.Sequential([layers.Dense(8, activation="relu", input_shape=(3,)), layers.Dropout(0.3),
                                  layers.Dense(1)])
        model.compile("adam", "mse")
        rng = np.random.RandomState(0)
        return model.fit(rng.rand(40, 3), rng.rand(40, 1), batch_size=8, epochs=3, verbose=0).history

    assert run() == run()


def test_generator_with_wrong_structure_or_running_dry():
    model = _mlp()

    def bad():
        while True:
            yield np.zeros((4, 3))  # inputs only: no targets to train on

    with pytest.raises(ValueError, match=r"must yield tuples \(inputs, targets\)"):
        model.fit(bad(), steps_per_epoch=2, verbose=0)

    def short():
        for _ in range(3):
            yield np.zeros((4, 3)), np.zeros((4, 1))

    with pytest.warns(UserWarning, match="ran out of data"):
        hist = model.fit(short(), steps_per_epoch=2, epochs=3, verbose=0)
    assert len(hist.history["loss"]) == 2


def test_a_failing_callback_surfaces_with_its_name():
    class Boom(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            raise RuntimeError("boom")

    model = _mlp()
    with pytest.raises(RuntimeError, match="boom") as info:
        model.fit(np.zeros((4, 3)), np.zeros((4, 1)), epochs=2, verbose=0, callbacks=[Boom()])
    assert "Boom.on_epoch_end" in "".join(getattr(info.value, "__notes__", []))


def test_sample_and_class_weights_apply_to_labels_of_shape_n_against_n_by_1_predictions():
    # tf.keras expands (n,) labels and weights to (n, 1) before the loss: the weights count
    rng = np.random.RandomState(1)
    x = rng.uniform(-1, 1, (24, 3)).astype("float32")
    labels = (x[:, 0] > 0).astype("float32")
    sw = np.linspace(0.5, 1.5, 24)
    model = keras.Sequential([layers.Dense(1, activation="sigmoid", input_shape=(3,), kernel_initializer="ones")])
    model.compile("sgd", "binary_crossentropy")
    p = model.predict(x, verbose=0)[:, 0]
    bce = -(labels * np.log(p) + (1 - labels) * np.log(1 - p))
    assert model.evaluate(x, labels, sample_weight=sw, verbose=0) == pytest.approx((bce * sw).mean(), rel=1e-5)
    assert model.evaluate(x, labels, sample_weight=sw, verbose=0) == \
        pytest.approx(model.evaluate(x, labels[:, None], sample_weight=sw, verbose=0), rel=1e-6)
    cw = np.where(labels > 0, 1.0, 2.0)
    assert model.test_on_batch(x, labels, sample_weight=cw) == pytest.approx((bce * cw).mean(), rel=1e-5)


def test_steps_per_epoch_on_arrays_continues_where_the_last_epoch_stopped():
    # tf.keras: the passes over the arrays form one stream; each epoch takes steps_per_epoch batches
    seen = []

    class Record(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            seen.append(None)

    x = np.arange(20, dtype="float32").reshape(10, 2)
    model = keras.Sequential([layers.Dense(1, input_shape=(2,))])
    model.compile("sgd", "mse")
    from torchkeras_compat.engine import data_adapter
    handler = data_adapter.ArrayHandler([torch.as_tensor(x)], [torch.zeros(10, 1)], [None], batch_size=4, steps=2,
                                        passes=2)
    firsts = [[float(b[0][0][0, 0]) for b in handler.batches(e)] for e in range(3)]
    assert firsts == [[0.0, 8.0], [16.0, 0.0], [8.0, 16.0]]  # 3 batches a pass (the last one partial)
    assert list(handler.batches(3)) == [] or handler.exhausted
    with pytest.warns(UserWarning, match="ran out of data"):
        history = model.fit(x, np.zeros((10, 1)), batch_size=4, steps_per_epoch=4, epochs=3, verbose=0,
                            callbacks=[Record()])
    assert len(seen) == 9 and len(history.history["loss"]) == 3  # 3 passes of 3 batches: the last epoch runs dry
