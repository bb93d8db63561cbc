"""Files written here: their HDF5 layout is tf.keras's, and they load back identically (.h5,
.keras, JSON, weights), compiled state included; configs, custom objects, cloning, state_dict."""
import json
import os

import h5py
import numpy as np
import pytest
import torch

import torchkeras_compat as keras
from torchkeras_compat.saving import hdf5_format, model_config


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def functional_model():
    a = keras.Input((3,), name="a")
    b = keras.Input((3,), name="b")
    shared = keras.layers.Dense(4, activation="tanh", name="shared")
    ha, hb = shared(a), shared(b)
    inner = keras.Sequential([keras.layers.Dense(3, input_shape=(4,), name="inner_d")], name="inner")
    out1 = keras.layers.Dense(2, name="out1")(inner(ha))
    out2 = keras.layers.Dense(1, activation="sigmoid", name="out2")(hb)
    return keras.Model([a, b], [out1, out2], name="two_heads")


X = [np.random.RandomState(1).rand(6, 3).astype("float32"), np.random.RandomState(2).rand(6, 3).astype("float32")]
Y = [np.random.RandomState(3).rand(6, 2).astype("float32"), (np.random.RandomState(4).rand(6, 1) > 0.5).astype("float32")]


def _same_predictions(m1, m2, x):
    p1, p2 = m1.predict(x, verbose=0), m2.predict(x, verbose=0)
    for a, b in zip(p1 if isinstance(p1, list) else [p1], p2 if isinstance(p2, list) else [p2]):
        np.testing.assert_array_equal(a, b)


def test_h5_layout_is_tf_keras(tmp_path):
    model = functional_model()
    model.compile(optimizer="adam", loss=["mse", "binary_crossentropy"], metrics=["mae"])
    model.fit(X, Y, epochs=1, batch_size=3, verbose=0)
    path = str(tmp_path / "m.h5")
    model.save(path)
    with h5py.File(path, "r") as f:
        assert sorted(f.attrs) == ["backend", "keras_version", "model_config", "training_config"]
        assert sorted(f) == ["model_weights", "optimizer_weights"]
        assert text(f.attrs["backend"]) == "tensorflow" and text(f.attrs["keras_version"]) == "2.21.0"
        cfg = json.loads(text(f.attrs["model_config"]))
        assert cfg["class_name"] == "Functional"
        assert cfg["config"]["input_layers"] == [["a", 0, 0], ["b", 0, 0]]
        assert cfg["config"]["output_layers"] == [["out1", 0, 0], ["out2", 0, 0]]
        inner = [l for l in cfg["config"]["layers"] if l["name"] == "inner"][0]
        assert inner["inbound_nodes"] == [[["shared", 0, 0, {}]]]
        out1 = [l for l in cfg["config"]["layers"] if l["name"] == "out1"][0]
        assert out1["inbound_nodes"] == [[["inner", 1, 0, {}]]]  # a nested model's call is node 1
        shared = [l for l in cfg["config"]["layers"] if l["name"] == "shared"][0]
        assert shared["inbound_nodes"] == [[["a", 0, 0, {}]], [["b", 0, 0, {}]]]
        train = json.loads(text(f.attrs["training_config"]))
        assert sorted(train) == ["loss", "loss_weights", "metrics", "optimizer_config", "weighted_metrics"]
        assert train["loss"] == ["mse", "binary_crossentropy"]
        assert train["optimizer_config"]["class_name"] == "Custom>Adam"  # as tf_keras 2.21 writes its (non-legacy) Adam
        g = f["model_weights"]
        assert [text(n) for n in g.attrs["layer_names"]] == [l.name for l in model.layers]
        assert [text(n) for n in g["shared"].attrs["weight_names"]] == ["shared/kernel:0", "shared/bias:0"]
        assert [text(n) for n in g["inner"].attrs["weight_names"]] == ["inner_d/kernel:0", "inner_d/bias:0"]
        assert g["shared/shared/kernel:0"].shape == (3, 4)
        np.testing.assert_array_equal(g["out2/out2/kernel:0"][()], model.get_layer("out2").get_weights()[0])
        assert len(g["a"].attrs["weight_names"]) == 0
        assert "top_level_model_weights" in g
        opt = [text(n) for n in f["optimizer_weights"].attrs["weight_names"]]
        assert opt[0] == "Adam/iter:0" and len(opt) == 1 + 2 * len(model.trainable_weights)
        assert "Adam/shared/kernel/m:0" in opt


def test_h5_round_trip_predictions_and_training_state(tmp_path):
    model = functional_model()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=["mse", "binary_crossentropy"],
                  loss_weights=[1.0, 0.5], metrics=["mae"])
    model.fit(X, Y, epochs=2, batch_size=3, verbose=0)
    path = str(tmp_path / "m.h5")
    model.save(path)
    loaded = keras.models.load_model(path)
    _same_predictions(model, loaded, X)
    assert int(loaded.optimizer.iterations) == 4
    for a, b in zip(model.optimizer.get_weights(), loaded.optimizer.get_weights()):
        np.testing.assert_array_equal(a, b)
    # training on from the file gives what training on in memory gives
    model.fit(X, Y, epochs=1, batch_size=3, verbose=0, shuffle=False)
    loaded.fit(X, Y, epochs=1, batch_size=3, verbose=0, shuffle=False)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    assert model.evaluate(X, Y, verbose=0) == pytest.approx(loaded.evaluate(X, Y, verbose=0), rel=1e-5)


def test_include_optimizer_false(tmp_path):
    model = functional_model()
    model.compile("sgd", "mse")
    path = str(tmp_path / "m.h5")
    model.save(path, include_optimizer=False)
    with h5py.File(path, "r") as f:
        assert "training_config" not in f.attrs and "optimizer_weights" not in f
    with pytest.warns(UserWarning, match="not\\* compiled"):
        assert keras.models.load_model(path).optimizer is None


@pytest.mark.parametrize("filename", ["weights.h5", "weights.hdf5", "my_weights", "ckpt.weights"])
def test_save_weights_any_file_name(tmp_path, filename):
    model = functional_model()
    path = str(tmp_path / filename)
    model.save_weights(path)
    with h5py.File(path, "r") as f:
        assert sorted(f.attrs) == ["backend", "keras_version", "layer_names"]
    fresh = functional_model()
    fresh.load_weights(path)
    _same_predictions(model, fresh, X)


def test_dot_keras_round_trip(tmp_path):
    model = functional_model()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=["mse", "binary_crossentropy"])
    model.fit(X, Y, epochs=1, batch_size=3, verbose=0)
    path = str(tmp_path / "m.keras")
    model.save(path)
    import zipfile
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == ["config.json", "metadata.json", "model.weights.h5"]
        cfg = json.loads(zf.read("config.json"))
        assert cfg["class_name"] == "Functional" and "compile_config" in cfg
        first = cfg["config"]["layers"][0]
        assert first["class_name"] == "InputLayer" and first["config"]["batch_shape"] == [None, 3]
    loaded = keras.models.load_model(path)
    _same_predictions(model, loaded, X)
    assert int(loaded.optimizer.iterations) == 2
    for a, b in zip(model.optimizer.get_weights(), loaded.optimizer.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_chunked_attributes(tmp_path):
    names = [f"layer_with_a_rather_long_name_{i:05d}" for i in range(3000)]  # ~100 KB
    with h5py.File(str(tmp_path / "a.h5"), "w") as f:
        hdf5_format.save_attributes(f, "layer_names", names)
        assert "layer_names" not in f.attrs and "layer_names0" in f.attrs and "layer_names1" in f.attrs
        assert hdf5_format.load_attributes(f, "layer_names") == names


def test_json_round_trip_and_model_from_config():
    model = functional_model()
    again = keras.models.model_from_json(model.to_json())
    assert [l.name for l in again.layers] == [l.name for l in model.layers]
    again.set_weights(model.get_weights())
    _same_predictions(model, again, X)
    cfg = {"class_name": "Functional", "config": model.get_config()}
    assert keras.models.model_from_config(cfg).count_params() == model.count_params()
    seq = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
    assert isinstance(keras.Sequential.from_config(seq.get_config()), keras.Sequential)
    with pytest.raises(TypeError, match="Sequential.from_config"):
        keras.models.model_from_config(seq.get_config()["layers"])


def test_harmless_unknown_keys_are_accepted():
    cfg = {"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 3], "dtype": "float32",
                                                "sparse": False, "ragged": False, "name": "in",
                                                "optional": False}},
        {"class_name": "Dense", "config": {"name": "d", "units": 2, "implementation": 1,
                                           "time_major": False, "autocast": True}}]}}
    model = keras.models.model_from_config(cfg)
    assert model.layers[0].units == 2
    bad = json.loads(json.dumps(cfg))
    bad["config"]["layers"][1]["config"]["units_typo"] = 3
    with pytest.raises(TypeError, match="units_typo"):
        keras.models.model_from_config(bad)


class Scale(keras.layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor

    def get_config(self):
        cfg = super().get_config()
        cfg["factor"] = self.factor
        return cfg


def test_custom_objects_and_scope(tmp_path):
    x = keras.Input((3,))
    model = keras.Model(x, Scale(3.0, name="scale")(keras.layers.Dense(2)(x)))
    path = str(tmp_path / "c.h5")
    model.save(path)
    with pytest.raises(ValueError, match="Unknown layer: 'Scale'.*custom_objects"):
        keras.models.load_model(path)
    loaded = keras.models.load_model(path, custom_objects={"Scale": Scale})
    assert loaded.get_layer("scale").factor == 3.0
    _same_predictions(model, loaded, X[0])
    with keras.utils.custom_object_scope({"Scale": Scale}):
        keras.models.load_model(path)
    with keras.utils.CustomObjectScope({"Scale": Scale}):
        keras.models.model_from_json(model.to_json())


def test_clone_model_fresh_weights_same_structure():
    model = functional_model()
    clone = keras.models.clone_model(model)
    assert [l.name for l in clone.layers] == [l.name for l in model.layers]
    assert all(a.shape == b.shape for a, b in zip(clone.get_weights(), model.get_weights()))
    assert not all(np.array_equal(a, b) for a, b in zip(clone.get_weights(), model.get_weights()))
    assert clone.get_layer("shared") is not model.get_layer("shared")
    clone.set_weights(model.get_weights())
    _same_predictions(model, clone, X)
    seq = keras.Sequential([keras.layers.Dense(2, input_shape=(3,)), keras.layers.Lambda(lambda t: t + 1)])
    seq_clone = keras.models.clone_model(seq)
    seq_clone.set_weights(seq.get_weights())
    _same_predictions(seq, seq_clone, X[0])
    new_in = keras.Input((3,), name="other")
    assert keras.models.clone_model(seq, input_tensors=new_in).layers[0].name == seq.layers[0].name


def test_clone_model_refuses_subclassed_models():
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.d = keras.layers.Dense(2)

        def call(self, x):
            return self.d(x)

    with pytest.raises(ValueError, match="subclassed"):
        keras.models.clone_model(Net())


def test_torch_state_dict_round_trip(tmp_path):
    model = functional_model()
    path = str(tmp_path / "state.pt")
    torch.save(model.state_dict(), path)
    fresh = functional_model()
    fresh.load_state_dict(torch.load(path))
    _same_predictions(model, fresh, X)


def test_sequential_deferred_build_saves_after_building(tmp_path):
    model = keras.Sequential([keras.layers.Dense(3), keras.layers.Dense(1)])
    model.build((None, 4))
    path = str(tmp_path / "s.h5")
    model.save(path)
    loaded = keras.models.load_model(path)
    _same_predictions(model, loaded, np.ones((2, 4), "float32"))


KERAS1_DENSE = {"W_constraint": {"name": "MaxNorm", "m": 2, "axis": 0}, "b_constraint": None,
                "name": "dense_1", "activity_regularizer": None, "trainable": True,
                "init": "glorot_uniform", "bias": True, "input_dim": 4, "input_dtype": "float32",
                "batch_input_shape": [None, 4], "activation": "relu", "output_dim": 8,
                "W_regularizer": {"name": "WeightRegularizer", "l1": 0.0, "l2": 0.01},
                "b_regularizer": None}


def test_keras1_layer_config():
    model = keras.models.model_from_config({"class_name": "Sequential",
                                            "config": [{"class_name": "Dense", "config": KERAS1_DENSE}]})
    cfg = model.layers[0].get_config()
    assert cfg["units"] == 8 and cfg["use_bias"] is True and cfg["activation"] == "relu"
    assert cfg["kernel_regularizer"]["class_name"] == "L1L2"
    assert cfg["kernel_regularizer"]["config"]["l2"] == pytest.approx(0.01)
    assert cfg["kernel_constraint"]["config"]["max_value"] == 2
    assert model.input_shape == (None, 4)


def test_keras1_merge_layer_has_a_clear_error():
    cfg = {"class_name": "Sequential", "config": [{"class_name": "Merge", "config": {"mode": "sum"}}]}
    with pytest.raises(ValueError, match="Merge.*functional API"):
        keras.models.model_from_config(cfg)


def test_keras1_functional_nodes_without_kwargs():
    cfg = {"class_name": "Model", "config": {
        "name": "m", "input_layers": [["input_1", 0, 0]], "output_layers": [["dense_1", 0, 0]],
        "layers": [
            {"class_name": "InputLayer", "name": "input_1", "inbound_nodes": [],
             "config": {"batch_input_shape": [None, 4], "input_dtype": "float32", "sparse": False,
                        "name": "input_1"}},
            {"class_name": "Dense", "name": "dense_1", "inbound_nodes": [[["input_1", 0, 0]]],
             "config": dict(KERAS1_DENSE, batch_input_shape=None)}]}}
    model = keras.models.model_from_config(cfg)
    assert model.output_shape == (None, 8)


def test_open_h5py_file_objects(tmp_path):
    model = functional_model()
    path = str(tmp_path / "f.h5")
    with h5py.File(path, "w") as f:
        keras.models.save_model(model, f)
    with h5py.File(path, "r") as f:
        loaded = keras.models.load_model(f)
    _same_predictions(model, loaded, X)
    with h5py.File(str(tmp_path / "w.h5"), "w") as f:
        model.save_weights(f)
    fresh = functional_model()
    with h5py.File(str(tmp_path / "w.h5"), "r") as f:
        fresh.load_weights(f)
    _same_predictions(model, fresh, X)


def test_model_from_yaml_is_removed():
    from torchkeras_compat.saving.api import model_from_yaml
    with pytest.raises(RuntimeError, match="security risk"):
        model_from_yaml("a: 1")


def test_register_keras_serializable(tmp_path):
    from torchkeras_compat.saving import serialization

    @serialization.register_keras_serializable(package="MyPkg")
    class Double(keras.layers.Layer):
        def call(self, x):
            return x * 2.0

    assert serialization.get_registered_name(Double) == "MyPkg>Double"
    assert serialization.get_registered_object("MyPkg>Double") is Double
    x = keras.Input((3,))
    model = keras.Model(x, Double(name="dbl")(keras.layers.Dense(2)(x)))
    path = str(tmp_path / "r.h5")
    model.save(path)
    _same_predictions(model, keras.models.load_model(path), X[0])
    spec = serialization.serialize_keras_object(keras.layers.Dense(3, name="d3"))
    assert spec["class_name"] == "Dense" and spec["module"] == "keras.layers"
    assert serialization.deserialize_keras_object(spec).units == 3


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.d1 = keras.layers.Dense(4, activation="relu")
        self.d2 = keras.layers.Dense(2)

    def call(self, x):
        return self.d2(self.d1(x))


def test_subclassed_models_save_weights_not_whole_model(tmp_path):
    model = Net()
    model(X[0])
    with pytest.raises(NotImplementedError, match="subclassed"):
        model.save(str(tmp_path / "net.h5"))
    with pytest.raises(NotImplementedError, match="subclassed"):
        model.save(str(tmp_path / "net.keras"))
    assert not os.path.exists(tmp_path / "net.h5")
    model.save_weights(str(tmp_path / "net_weights.h5"))
    other = Net()
    other(X[0])
    other.load_weights(str(tmp_path / "net_weights.h5"))
    _same_predictions(model, other, X[0])


def test_weights_of_sublayers_are_named_in_their_owner_scope(tmp_path):
    class Block(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = keras.layers.Dense(2, name="proj")

        def call(self, x):
            return self.inner(x)

    x = keras.Input((3,))
    model = keras.Model(x, Block(name="block")(x))
    path = str(tmp_path / "b.h5")
    model.save_weights(path)
    with h5py.File(path, "r") as f:
        assert [text(n) for n in f["block"].attrs["weight_names"]] == ["block/proj/kernel:0", "block/proj/bias:0"]


def test_dot_weights_h5_suffix_uses_keras3_layout(tmp_path):
    model = functional_model()
    path = str(tmp_path / "m.weights.h5")
    model.save_weights(path)
    with h5py.File(path, "r") as f:
        assert "layers" in f and "layer_names" not in f.attrs
        assert f["layers/dense/vars/0"].shape == (3, 4)  # the shared Dense, Keras 3 naming
    fresh = functional_model()
    fresh.load_weights(path)
    _same_predictions(model, fresh, X)


def test_config_keys_that_would_change_the_computation_are_not_dropped():
    cfg = {"class_name": "Dense", "config": {"name": "d", "units": 2, "time_major": True}}
    with pytest.raises(ValueError, match="time_major=True"):
        keras.models.model_from_config(cfg)


def test_loss_and_metric_objects_survive_the_training_config(tmp_path):
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(3,))])
    model.compile(keras.optimizers.SGD(0.1, momentum=0.9),
                  loss=keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[keras.metrics.AUC(name="auc"), "accuracy"])
    x = X[0]
    y = Y[1]
    model.fit(x, y, epochs=2, batch_size=3, verbose=0)
    path = str(tmp_path / "objs.h5")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded.loss, keras.losses.BinaryCrossentropy)
    assert loaded.loss.get_config()["from_logits"] is True
    assert loaded.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0), rel=1e-6)
    assert loaded.metrics_names == ["loss", "auc", "accuracy"]
    assert isinstance(loaded.optimizer, keras.optimizers.SGD)
    np.testing.assert_array_equal(loaded.optimizer.get_weights()[1], model.optimizer.get_weights()[1])


def test_optimizer_slots_are_saved_in_keras_layout(tmp_path):
    """Adam moments of a conv kernel are stored (rows, cols, in, out) like the kernel itself."""
    model = keras.Sequential([keras.layers.Conv2D(2, 3, input_shape=(5, 5, 1), name="conv"),
                              keras.layers.Flatten(), keras.layers.Dense(1, name="out")])
    model.compile(keras.optimizers.Adam(0.01), "mse")
    x = np.random.RandomState(0).rand(4, 5, 5, 1).astype("float32")
    y = np.random.RandomState(1).rand(4, 1).astype("float32")
    model.fit(x, y, epochs=2, batch_size=2, verbose=0, shuffle=False)
    path = str(tmp_path / "conv.h5")
    model.save(path)
    with h5py.File(path, "r") as f:
        assert f["optimizer_weights"]["Adam/conv/kernel/m:0"].shape == (3, 3, 1, 2)
    loaded = keras.models.load_model(path)
    model.fit(x, y, epochs=1, batch_size=2, verbose=0, shuffle=False)
    loaded.fit(x, y, epochs=1, batch_size=2, verbose=0, shuffle=False)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    path3 = str(tmp_path / "conv.keras")
    model.save(path3)
    again = keras.models.load_model(path3)
    for a, b in zip(model.optimizer.get_weights(), again.optimizer.get_weights()):
        np.testing.assert_array_equal(a, b)
