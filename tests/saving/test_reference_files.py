"""Files written by real Keras (tf.keras 2.21, Keras 1 and 2.2 layouts, Keras 3) load here and
predict what Keras recorded (tests/fixtures/make_saving.py)."""
import json

import numpy as np
import pytest

import torchkeras_compat as keras
from saving_helpers import assert_predicts, fixture_path, recorded, require_layers

# fixture stem -> layer classes it needs beyond the core ones
FAMILIES = {
    "seq_mlp": (),
    "fn_nested": (),
    "seq_cnn": ("Conv2D", "MaxPooling2D"),
    "seq_lstm": ("LSTM",),
    "seq_gru": ("GRU",),
    "seq_bn": ("BatchNormalization",),
    "seq_embedding": ("Embedding",),
    "fn_merge": ("Add", "Concatenate", "Multiply"),
}


@pytest.mark.parametrize("stem", sorted(FAMILIES))
def test_load_model_h5_predicts_as_keras(stem):
    require_layers(*FAMILIES[stem])
    model = keras.models.load_model(fixture_path(stem + ".h5"))
    assert_predicts(model, stem)


@pytest.mark.parametrize("stem", sorted(FAMILIES))
def test_model_from_json_and_load_weights(stem):
    require_layers(*FAMILIES[stem])
    with open(fixture_path(stem + ".json")) as f:
        model = keras.models.model_from_json(f.read())
    model.load_weights(fixture_path(stem + "_weights.h5"))
    assert_predicts(model, stem)


@pytest.mark.parametrize("stem", sorted(FAMILIES))
def test_layer_names_and_order_match_keras(stem):
    require_layers(*FAMILIES[stem])
    import h5py
    model = keras.models.load_model(fixture_path(stem + ".h5"), compile=False)
    with h5py.File(fixture_path(stem + ".h5"), "r") as f:
        saved = [n.decode() if isinstance(n, bytes) else str(n) for n in f["model_weights"].attrs["layer_names"]]
    assert [l.name for l in model.layers] == saved


def test_compiled_model_comes_back_compiled_with_optimizer_state():
    model = keras.models.load_model(fixture_path("seq_mlp.h5"))
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert model.loss == "categorical_crossentropy"
    assert int(model.optimizer.iterations) == 2  # 6 samples, batch 3, one epoch
    np.testing.assert_allclose(float(model.optimizer.learning_rate), 0.01, rtol=1e-6)
    xs, ys = recorded("seq_mlp")
    result = model.evaluate(xs[0], np.eye(3, dtype="float32")[[0, 1, 2, 0, 1, 2]], verbose=0)
    assert len(result) == 2 and model.metrics_names == ["loss", "accuracy"]
    history = model.fit(xs[0], np.eye(3, dtype="float32")[[0, 1, 2, 0, 1, 2]], epochs=1, verbose=0)
    assert sorted(history.history) == ["accuracy", "loss"]
    assert int(model.optimizer.iterations) == 3


def test_momentum_state_restored_from_legacy_sgd():
    require_layers("BatchNormalization")
    import h5py
    model = keras.models.load_model(fixture_path("seq_bn.h5"))
    with h5py.File(fixture_path("seq_bn.h5"), "r") as f:
        g = f["optimizer_weights"]
        names = [n.decode() if isinstance(n, bytes) else n for n in g.attrs["weight_names"]]
        saved = [np.asarray(g[n]) for n in names]
    state = model.optimizer.get_weights()
    assert len(state) == len(saved)
    for a, b in zip(state, saved):
        np.testing.assert_allclose(a, b)


def test_compile_false_leaves_model_uncompiled():
    model = keras.models.load_model(fixture_path("seq_mlp.h5"), compile=False)
    assert model.optimizer is None
    assert_predicts(model, "seq_mlp")


def test_weights_into_model_built_in_code_topological_and_by_name():
    def build(name_out="out"):
        return keras.Sequential([keras.layers.Dense(5, activation="relu", input_shape=(4,), name="hidden"),
                                 keras.layers.Dropout(0.3),
                                 keras.layers.Dense(3, activation="softmax", name=name_out)])
    model = build()
    model.load_weights(fixture_path("seq_mlp_weights.h5"))
    assert_predicts(model, "seq_mlp")
    model = build()
    model.load_weights(fixture_path("seq_mlp_weights.h5"), by_name=True)
    assert_predicts(model, "seq_mlp")
    # full-model files also serve as weight files (old tutorials did this)
    model = build()
    model.load_weights(fixture_path("seq_mlp.h5"))
    assert_predicts(model, "seq_mlp")


def test_by_name_skips_unknown_layers_and_skip_mismatch():
    model = keras.Sequential([keras.layers.Dense(5, input_shape=(4,), name="hidden"),
                              keras.layers.Dense(7, name="out"),  # 7 units: does not fit the file
                              keras.layers.Dense(2, name="extra")])
    before = model.get_weights()
    with pytest.raises(ValueError, match="out"):
        model.load_weights(fixture_path("seq_mlp_weights.h5"), by_name=True)
    for a, b in zip(model.get_weights(), before):  # a failed load changes nothing
        np.testing.assert_array_equal(a, b)
    with pytest.warns(UserWarning, match="Skipping loading weights"):
        model.load_weights(fixture_path("seq_mlp_weights.h5"), by_name=True, skip_mismatch=True)
    import h5py
    with h5py.File(fixture_path("seq_mlp_weights.h5"), "r") as f:
        np.testing.assert_array_equal(model.get_layer("hidden").get_weights()[0], f["hidden/hidden/kernel:0"][()])
    np.testing.assert_array_equal(model.get_layer("out").get_weights()[0], before[2])
    with pytest.raises(ValueError, match="skip_mismatch"):
        model.load_weights(fixture_path("seq_mlp_weights.h5"), skip_mismatch=True)


def test_keras22_list_form_sequential_with_byte_strings():
    model = keras.models.load_model(fixture_path("keras22_seq_mlp.h5"))
    assert [l.name for l in model.layers] == ["hidden", "drop", "out"]
    assert_predicts(model, "keras22_seq_mlp")


def test_keras22_model_class_name():
    require_layers("Add", "Concatenate", "Multiply")
    model = keras.models.load_model(fixture_path("keras22_fn_merge.h5"))
    assert_predicts(model, "keras22_fn_merge")


def test_keras1_lstm_full_model_and_weights():
    require_layers("LSTM")
    model = keras.models.load_model(fixture_path("keras1_lstm.h5"))
    assert [l.units for l in model.layers] == [3, 2]
    assert_predicts(model, "keras1_lstm")
    coded = keras.Sequential([keras.layers.LSTM(3, input_shape=(5, 2), return_sequences=True),
                              keras.layers.LSTM(2)])
    coded.load_weights(fixture_path("keras1_lstm_weights.h5"))
    assert_predicts(coded, "keras1_lstm")


def test_keras1_gru_nine_arrays():
    require_layers("GRU")
    model = keras.Sequential([keras.layers.GRU(3, input_shape=(5, 2), reset_after=False),
                              keras.layers.Dense(1)])
    model.load_weights(fixture_path("keras1_gru_weights.h5"))
    assert_predicts(model, "keras1_gru")


K3 = {"k3_mlp": (), "k3_lstm": ("LSTM",), "k3_cnn": ("Conv2D", "BatchNormalization"),
      "k3_nested": ("Concatenate",)}


@pytest.mark.parametrize("stem", sorted(K3))
def test_keras3_dot_keras_files(stem):
    require_layers(*K3[stem])
    model = keras.models.load_model(fixture_path(stem + ".keras"))
    assert_predicts(model, stem)


def test_keras3_compiled_model_restores_optimizer():
    model = keras.models.load_model(fixture_path("k3_mlp.keras"))
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert int(model.optimizer.iterations) == 2
    assert model.loss == "mse"


def test_keras3_weights_only_from_dot_keras():
    model = keras.Sequential([keras.layers.Dense(5, activation="relu", input_shape=(4,), name="hidden"),
                              keras.layers.Dense(2, name="out")])
    model.load_weights(fixture_path("k3_mlp.keras"))
    assert_predicts(model, "k3_mlp")


def test_json_config_is_tf_keras_json():
    """Our to_json of a model loaded from tf.keras's JSON gives back the same JSON structure."""
    with open(fixture_path("seq_mlp.json")) as f:
        theirs = json.load(f)
    model = keras.models.model_from_json(json.dumps(theirs))
    ours = json.loads(model.to_json())
    assert ours["class_name"] == theirs["class_name"] == "Sequential"
    assert ours["keras_version"] == "2.21.0" and ours["backend"] == "tensorflow"
    assert [l["class_name"] for l in ours["config"]["layers"]] == [l["class_name"] for l in theirs["config"]["layers"]]
    # Dense, key for key (nested initializer dicts compared without tf.keras's module fields,
    # which the initializers module does not write yet)
    assert _strip(ours["config"]["layers"][1]) == _strip(theirs["config"]["layers"][1])


def _strip(obj):
    if isinstance(obj, dict):
        inner = "config" in obj and "class_name" in obj and "build_config" not in obj
        return {k: _strip(v) for k, v in obj.items()
                if not (inner and k in ("module", "registered_name"))}
    if isinstance(obj, list):
        return [_strip(o) for o in obj]
    return obj


def test_functional_json_matches_tf_keras():
    with open(fixture_path("fn_nested.json")) as f:
        theirs = json.load(f)
    model = keras.models.model_from_json(json.dumps(theirs))
    ours = json.loads(model.to_json())
    for key in ("input_layers", "output_layers"):
        assert ours["config"][key] == theirs["config"][key]
    assert [(l["name"], l["inbound_nodes"]) for l in ours["config"]["layers"]] == \
        [(l["name"], l["inbound_nodes"]) for l in theirs["config"]["layers"]]


def test_keras1_theano_ordered_conv_model():
    require_layers("Conv2D", "GlobalAveragePooling2D")
    model = keras.models.load_model(fixture_path("keras1_th_conv.h5"))
    assert model.layers[0].data_format == "channels_first"
    assert model.layers[0].get_weights()[0].shape == (3, 2, 2, 3)
    assert_predicts(model, "keras1_th_conv")


def test_keras20_theano_trained_conv_kernels_are_flipped():
    require_layers("Conv2D", "GlobalAveragePooling2D")
    model = keras.Sequential([keras.layers.Conv2D(3, (3, 2), input_shape=(2, 6, 5), data_format="channels_first"),
                              keras.layers.GlobalAveragePooling2D(data_format="channels_first")])
    model.load_weights(fixture_path("keras20_theano_conv_weights.h5"))
    assert_predicts(model, "keras20_theano_conv")


@pytest.mark.parametrize("stem", ["k3_mlp", "k3_nested"])
def test_keras3_legacy_h5_files(stem):
    require_layers(*K3[stem])
    model = keras.models.load_model(fixture_path(stem + "_legacy.h5"))
    assert_predicts(model, stem)  # recorded in the same run as the .keras file


def test_keras3_weights_h5_file():
    model = keras.Sequential([keras.layers.LSTM(3, input_shape=(5, 2), name="lstm"), keras.layers.Dense(1, name="out")])
    model.load_weights(fixture_path("k3_lstm.weights.h5"))
    assert_predicts(model, "k3_lstm")


def test_keras22_training_config_and_adam_state_with_vhats(tmp_path):
    """Keras 2.2's Adam saved [iterations, m..., v..., vhat...] (vhats of shape (1,) without
    amsgrad) and its optimizer config used `lr`."""
    import h5py
    import shutil
    path = str(tmp_path / "k22.h5")
    shutil.copy(fixture_path("keras22_seq_mlp.h5"), path)
    model = keras.models.load_model(path, compile=False)
    shapes = [w.shape for w in model.trainable_weights]
    rng = np.random.RandomState(0)
    ms = [rng.rand(*s).astype("float32") for s in shapes]
    vs = [rng.rand(*s).astype("float32") for s in shapes]
    with h5py.File(path, "a") as f:
        f.attrs["training_config"] = json.dumps({
            "optimizer_config": {"class_name": "Adam", "config": {
                "lr": 0.002, "beta_1": 0.9, "beta_2": 0.999, "decay": 0.0, "epsilon": 1e-07,
                "amsgrad": False}},
            "loss": "categorical_crossentropy", "metrics": ["acc"], "sample_weight_mode": None,
            "loss_weights": None}).encode()
        g = f.create_group("optimizer_weights")
        arrays = [np.array(7, "int64")] + ms + vs + [np.zeros(1, "float32")] * len(shapes)
        names = [f"training/Adam/Variable_{i}:0" for i in range(len(arrays))]
        g.attrs["weight_names"] = np.array([n.encode() for n in names])
        for n, a in zip(names, arrays):
            g.create_dataset(n, data=a)
    model = keras.models.load_model(path)
    np.testing.assert_allclose(float(model.optimizer.learning_rate), 0.002, rtol=1e-6)
    state = model.optimizer.get_weights()
    assert int(state[0]) == 7
    for a, b in zip(state[1:], ms + vs):
        np.testing.assert_array_equal(a, b)
    xs, _ = recorded("keras22_seq_mlp")
    model.evaluate(xs[0], np.eye(3, dtype="float32")[[0, 1, 2, 0, 1, 2]], verbose=0)
    assert model.metrics_names == ["loss", "acc"]


def test_tf_keras_dot_keras_file_with_optimizer_state():
    """tf.keras 2.13+ writes its own .keras: Keras 2 configs, slots interleaved per variable, no
    learning-rate entry; LSTM kernels' Adam moments must come back in the torch layout."""
    model = keras.models.load_model(fixture_path("tfk_dot_keras.keras"))
    assert_predicts(model, "tfk_dot_keras")
    z = np.load(fixture_path("tfk_dot_keras.npz"))
    slots = [z[f"slot{i}"] for i in range(len([k for k in z.files if k.startswith("slot")]))]
    n = len(model.trainable_weights)
    assert int(model.optimizer.iterations) == int(slots[0]) == 1
    from torchkeras_compat.saving.compile_config import optimizer_weights_keras_layout
    ours = optimizer_weights_keras_layout(model)
    for p in range(n):  # tf.keras: m_p at 1 + 2p, v_p at 2 + 2p
        np.testing.assert_allclose(ours[1 + p], slots[1 + 2 * p], rtol=1e-6)
        np.testing.assert_allclose(ours[1 + n + p], slots[2 + 2 * p], rtol=1e-6)
