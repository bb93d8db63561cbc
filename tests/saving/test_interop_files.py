"""Files of many layer types written by real Keras load here with Keras's predictions, and the
files written here have the layout tf.keras reads (tests/fixtures/make_interop.py records them).

Checked by hand once with tf_keras 2.21 (``make_interop.py --check DIR`` on files this package
wrote from the same models): every ``.h5`` / weights ``.h5`` loads in tf_keras with the same
predictions; the tests below keep the layout facts that make that work.
"""
import json
import os
import sys

import h5py
import numpy as np
import pytest

import torchkeras_compat as keras
from torchkeras_compat import backend as K

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(HERE, "fixtures", "interop")
sys.path.insert(0, os.path.join(HERE, "fixtures"))
from make_interop import custom_objects  # noqa: E402

with open(os.path.join(FIXTURES, "manifest.json")) as _f:
    MANIFEST = json.load(_f)
TF_STEMS = sorted(n for n in MANIFEST if not n.startswith("opt_"))
OPT_STEMS = sorted(n for n in MANIFEST if n.startswith("opt_"))
K3_STEMS = sorted(f[:-6] for f in os.listdir(FIXTURES) if f.endswith(".keras"))


def path(name: str) -> str:
    return os.path.join(FIXTURES, name)


def recorded(stem: str):
    z = np.load(path(stem + ".npz"))
    xs = [z[k] for k in sorted((k for k in z.files if k.startswith("x")), key=lambda k: int(k[1:]))]
    ys = [z[k] for k in sorted((k for k in z.files if k.startswith("y")), key=lambda k: int(k[1:]))]
    return xs, ys


def assert_predicts(model, stem: str):
    xs, ys = recorded(stem)
    preds = model.predict(xs if len(xs) > 1 else xs[0], verbose=0, batch_size=len(xs[0]))
    preds = preds if isinstance(preds, list) else [preds]
    assert len(preds) == len(ys)
    for p, y in zip(preds, ys):
        np.testing.assert_allclose(p, y, rtol=1e-4, atol=1e-5)


def load(stem: str, **kwargs):
    return keras.models.load_model(path(stem + ".h5"), custom_objects=custom_objects(keras),
                                   safe_mode=False, **kwargs)


@pytest.mark.parametrize("stem", TF_STEMS)
def test_tf_keras_h5_predicts_as_keras(stem):
    assert_predicts(load(stem, compile=False), stem)


@pytest.mark.parametrize("stem", TF_STEMS)
def test_tf_keras_json_plus_weights_predicts_as_keras(stem):
    with open(path(stem + ".json")) as f:
        model = keras.models.model_from_json(f.read(), custom_objects=custom_objects(keras),
                                             safe_mode=False)
    model.load_weights(path(stem + "_weights.h5"))
    assert_predicts(model, stem)


@pytest.mark.parametrize("stem", K3_STEMS)
def test_keras3_file_predicts_as_keras(stem):
    assert_predicts(keras.models.load_model(path(stem + ".keras"), safe_mode=False), stem)


@pytest.mark.parametrize("stem", OPT_STEMS)
def test_compiled_file_restores_optimizer_and_training_state(stem):
    info = MANIFEST[stem]
    model = load(stem)
    assert_predicts(model, stem)
    assert type(model.optimizer).__name__ == info["optimizer"]
    assert int(K.get_value(model.optimizer.iterations)) == info["iterations"]
    x, y = np.asarray(info["x_fit"], "float32"), np.asarray(info["y_fit"], "float32")
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), info["evaluate"], rtol=1e-4, atol=1e-6)
    model.fit(x, y, batch_size=3, epochs=1, verbose=0, shuffle=False)
    assert int(K.get_value(model.optimizer.iterations)) == info["iterations"] + 2


def test_stateful_file_keeps_batch_size_and_states():
    model = load("stateful_rnn", compile=False)
    assert model.layers[0].stateful and model.input_shape == (2, 4, 2)
    xs, ys = recorded("stateful_rnn")
    first = model.predict(xs[0], batch_size=2, verbose=0)
    second = model.predict(xs[0], batch_size=2, verbose=0)
    np.testing.assert_allclose(first, ys[0], rtol=1e-4, atol=1e-5)
    assert not np.allclose(first, second)  # state carried over
    model.reset_states()
    np.testing.assert_allclose(model.predict(xs[0], batch_size=2, verbose=0), ys[0], rtol=1e-4, atol=1e-5)


def test_custom_objects_are_required_and_named():
    with pytest.raises(ValueError, match="ScaledDense"):
        keras.models.load_model(path("custom_objects.h5"))


def _byname_target():
    L = keras.layers
    return keras.Sequential([L.Dense(4, input_shape=(3,), name="shared_a"), L.Dense(7, name="changed"),
                             L.Dense(5, name="extra"), L.Dense(2, name="shared_b")])


def test_weights_by_name_with_skip_mismatch():
    z = np.load(path("byname_src.npz"))
    model = _byname_target()
    before = model.get_layer("changed").get_weights()
    with pytest.warns(UserWarning, match="changed"):
        model.load_weights(path("byname_src_weights.h5"), by_name=True, skip_mismatch=True)
    np.testing.assert_array_equal(model.get_layer("shared_a").get_weights()[0], z["a_kernel"])
    np.testing.assert_array_equal(model.get_layer("shared_b").get_weights()[1], z["b_bias"])
    for a, b in zip(model.get_layer("changed").get_weights(), before):
        np.testing.assert_array_equal(a, b)


def test_weights_by_name_mismatch_raises_and_loads_nothing():
    model = _byname_target()
    before = model.get_weights()
    with pytest.raises(ValueError, match="changed"):
        model.load_weights(path("byname_src_weights.h5"), by_name=True)
    for a, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------- TF operations on symbolic tensors
def _ops_model():
    inp = keras.Input((4,), name="x")
    a = inp / 255.0
    b = a * 2 + 1
    c = K.concatenate([a, b], axis=-1)
    d = K.maximum(c - 0.5, 0.0)
    e = d[:, 0]
    r = K.mean(d, axis=1, keepdims=True)
    s = K.expand_dims(e, -1) + (1.0 - r)
    return keras.Model(inp, [s, d[..., ::2], K.square(d)])


def test_symbolic_ops_are_named_and_configured_as_tf_keras():
    config = json.loads(_ops_model().to_json())["config"]["layers"]
    rows = {l["name"]: (l["class_name"], l["config"]["function"], l["inbound_nodes"]) for l in config[1:]}
    # node forms as tf.keras 2.21 writes them for the same operations
    assert rows["tf.math.truediv"] == ("TFOpLambda", "math.truediv", [["x", 0, 0, {"y": 255.0, "name": None}]])
    assert rows["tf.__operators__.add"][:2] == ("TFOpLambda", "__operators__.add")
    assert rows["tf.concat"] == ("TFOpLambda", "concat", [[["tf.math.truediv", 0, 0, {"axis": -1}],
                                                           ["tf.__operators__.add", 0, 0, {"axis": -1}]]])
    assert rows["tf.__operators__.getitem"] == (
        "SlicingOpLambda", "__operators__.getitem",
        [["tf.math.maximum", 0, 0, {"slice_spec": [{"start": None, "stop": None, "step": None}, 0]}]])
    assert rows["tf.math.reduce_mean"][2] == [["tf.math.maximum", 0, 0, {"axis": 1, "keepdims": True}]]
    assert rows["tf.math.subtract_1"][2] == [["_CONSTANT_VALUE", -1, 1.0,
                                              {"y": ["tf.math.reduce_mean", 0, 0], "name": None}]]
    assert rows["tf.__operators__.getitem_1"][2][0][3]["slice_spec"] == [
        {"class_name": "__ellipsis__"}, {"start": None, "stop": None, "step": 2}]


def test_symbolic_ops_round_trip_through_h5_and_json(tmp_path):
    model = _ops_model()
    x = np.random.RandomState(0).uniform(0, 255, (3, 4)).astype("float32")
    want = model.predict(x, verbose=0)
    model.save(str(tmp_path / "ops.h5"))
    for loaded in (keras.models.load_model(str(tmp_path / "ops.h5"), compile=False),
                   keras.models.model_from_json(model.to_json())):
        for p, w in zip(loaded.predict(x, verbose=0), want):
            np.testing.assert_allclose(p, w, rtol=1e-6, atol=1e-6)
        assert [type(l).__name__ for l in loaded.layers] == [type(l).__name__ for l in model.layers]


def test_unknown_tf_function_in_file_names_layer_and_function():
    spec = {"class_name": "Functional", "config": {
        "name": "m", "layers": [
            {"class_name": "InputLayer", "name": "x", "inbound_nodes": [],
             "config": {"batch_input_shape": [None, 3], "dtype": "float32", "name": "x"}},
            {"class_name": "TFOpLambda", "name": "tf.signal.fft",
             "config": {"name": "tf.signal.fft", "trainable": True, "dtype": "float32",
                        "function": "signal.fft"},
             "inbound_nodes": [["x", 0, 0, {"name": None}]]}],
        "input_layers": [["x", 0, 0]], "output_layers": [["tf.signal.fft", 0, 0]]}}
    with pytest.raises(ValueError, match=r"tf\.signal\.fft.*tf\.signal\.fft|'tf\.signal\.fft'"):
        keras.models.model_from_json(json.dumps(spec))


def test_untranslatable_torch_op_refuses_to_save():
    import torch
    inp = keras.Input((4,))
    model = keras.Model(inp, torch.cumprod(inp, dim=1))
    with pytest.raises(NotImplementedError, match="cumprod"):
        model.to_json()


# ---------------------------------------------------------------- files written here, for tf.keras
def test_written_h5_has_tf_keras_layout(tmp_path):
    """What tf.keras's HDF5 loader reads: per-layer groups in model.layers order, weight names
    scoped by layer (wrappers and cells included), and the model_config node form."""
    model = load("bidirectional_modes", compile=False)
    model.save(str(tmp_path / "m.h5"))
    with h5py.File(path("bidirectional_modes.h5"), "r") as ref, h5py.File(str(tmp_path / "m.h5"), "r") as ours:
        def names(g, attr):
            return [n.decode() if isinstance(n, bytes) else str(n) for n in g.attrs[attr]]
        assert names(ours["model_weights"], "layer_names") == names(ref["model_weights"], "layer_names")
        for layer in names(ref["model_weights"], "layer_names"):
            assert names(ours["model_weights"][layer], "weight_names") == \
                names(ref["model_weights"][layer], "weight_names"), layer
        ref_cfg = json.loads(ref.attrs["model_config"])
        our_cfg = json.loads(ours.attrs["model_config"])
        assert [l["inbound_nodes"] for l in our_cfg["config"]["layers"]] == \
            [l["inbound_nodes"] for l in ref_cfg["config"]["layers"]]
        assert sorted(our_cfg["config"]) == sorted(ref_cfg["config"])


@pytest.mark.parametrize("stem", ["tf_ops", "attention_layers", "convlstm_timedistributed", "nested_in_sequential"])
def test_written_config_matches_tf_keras_config(stem):
    """model.to_json() of a model loaded from a tf.keras file gives back tf.keras's layer list,
    class names and node form."""
    model = load(stem, compile=False)
    ours = json.loads(model.to_json())["config"]
    with open(path(stem + ".json")) as f:
        ref = json.load(f)["config"]
    assert [(l["class_name"], l.get("name", l["config"].get("name"))) for l in ours["layers"]] == \
        [(l["class_name"], l.get("name", l["config"].get("name"))) for l in ref["layers"]]
    if "inbound_nodes" in ref["layers"][-1]:
        assert [l["inbound_nodes"] for l in ours["layers"]] == [l["inbound_nodes"] for l in ref["layers"]]


@pytest.mark.parametrize("stem", ["nested_in_sequential", "conv2d_variants", "attention_layers",
                                  "convlstm_timedistributed", "embedding_mask_rnn"])
def test_to_json_equals_tf_keras_json(stem):
    """The whole to_json() of a model loaded from a tf.keras file is tf.keras's own: every layer
    config key and value, module/registered_name (TFOpLambda's and a nested Functional's private
    modules), the full form of layers nested in a Sequential."""
    model = load(stem, compile=False)
    with open(path(stem + ".json")) as f:
        assert json.loads(model.to_json()) == json.load(f)


def test_new_optimizer_written_to_h5_as_tf_keras_does(tmp_path):
    """tf.keras reads a plain "Adam" in an HDF5 training config as its legacy Adam, which rejects
    weight_decay & co.: the 2.11+ optimizers go in as "Custom>Adam", is_legacy_optimizer false."""
    model = load("opt_new_adam")
    model.save(str(tmp_path / "m.h5"))
    with h5py.File(path("opt_new_adam.h5"), "r") as ref, h5py.File(str(tmp_path / "m.h5"), "r") as ours:
        want = json.loads(ref.attrs["training_config"])["optimizer_config"]
        got = json.loads(ours.attrs["training_config"])["optimizer_config"]
    assert got["class_name"] == want["class_name"] == "Custom>Adam"
    assert got["config"]["is_legacy_optimizer"] is False
    assert type(keras.models.load_model(str(tmp_path / "m.h5")).optimizer).__name__ == "Adam"


def test_keras3_file_layout_written_here(tmp_path):
    """What Keras 3 needs (checked once with Keras 3.15): group names in its snake case,
    MultiHeadAttention weights in per-projection sublayer groups with a shapes_dict build config,
    no tf.keras-only config keys, Lambda functions in Keras 3's form."""
    import zipfile
    model = load("attention_layers", compile=False)
    model.save(str(tmp_path / "a.keras"))
    with zipfile.ZipFile(str(tmp_path / "a.keras")) as z:
        cfg = json.loads(z.read("config.json"))
        z.extract("model.weights.h5", str(tmp_path))
    mha = next(l for l in cfg["config"]["layers"] if l["class_name"] == "MultiHeadAttention")
    assert "query_shape" not in mha["config"] and "softmax_robust_masking" not in mha["config"]
    assert sorted(mha["build_config"]["shapes_dict"]) == ["key_shape", "query_shape", "value_shape"]
    with h5py.File(str(tmp_path / "model.weights.h5"), "r") as f:
        g = f["layers/multi_head_attention"]
        assert sorted(k for k in g if k != "vars") == ["key_dense", "output_dense", "query_dense", "value_dense"]
        assert g["query_dense/vars/0"].shape == (6, 2, 3)
    assert keras.models.load_model(str(tmp_path / "a.keras")).count_params() == model.count_params()

    model = load("convlstm_timedistributed", compile=False)
    model.save(str(tmp_path / "c.keras"))
    with zipfile.ZipFile(str(tmp_path / "c.keras")) as z:
        z.extract("model.weights.h5", str(tmp_path / "c"))
    with h5py.File(str(tmp_path / "c" / "model.weights.h5"), "r") as f:
        assert "conv_lstm2d" in f["layers"] and "conv_lstm2d/cell/vars/0" in f["layers"]

    model = load("lambda_layers", compile=False)
    model.save(str(tmp_path / "l.keras"))
    with zipfile.ZipFile(str(tmp_path / "l.keras")) as z:
        cfg = json.loads(z.read("config.json"))
    lam = next(l for l in cfg["config"]["layers"] if l["class_name"] == "Lambda")["config"]
    assert lam["function"]["class_name"] == "__lambda__" and "function_type" not in lam
    assert_predicts(keras.models.load_model(str(tmp_path / "l.keras"), safe_mode=False), "lambda_layers")


def test_keras3_ops_become_tf_op_layers_that_save_for_tf_keras(tmp_path):
    """keras.ops on symbolic tensors in a Keras 3 file load as the TF functions of the same
    meaning; saved again as .h5 they are TFOpLambda layers with tf.keras's node arguments."""
    model = keras.models.load_model(path("k3_ops.keras"))
    config = json.loads(model.to_json())["config"]["layers"]
    rows = {l["name"]: l for l in config}
    assert rows["true_divide"]["config"]["function"] == "math.truediv"
    assert rows["concatenate"]["inbound_nodes"][0][0][3] == {"axis": -1}
    assert rows["get_item"]["class_name"] == "SlicingOpLambda"
    assert rows["get_item"]["inbound_nodes"][0][3]["slice_spec"] == [
        {"start": None, "stop": None, "step": None}, 0]
    model.save(str(tmp_path / "ops.h5"))
    assert_predicts(keras.models.load_model(str(tmp_path / "ops.h5"), compile=False), "k3_ops")


def test_unknown_keras3_op_names_layer_and_op():
    spec = {"module": "keras.src.ops.numpy", "class_name": "Einsum", "config": {"name": "einsum"}}
    from torchkeras_compat.saving import model_config
    with pytest.raises(ValueError, match="einsum.*Einsum"):
        model_config.deserialize_layer(spec)


def test_backend_functions_on_symbolic_tensors_save_as_tf_functions(tmp_path):
    """K.var/argmax/cumsum/softplus/elu/greater/switch/temporal_padding/cast on KerasTensors become
    TFOpLambda layers (checked once: tf_keras loads the file and predicts the same)."""
    x = keras.Input((4, 3))
    outs = [K.var(x, axis=1), K.cast(K.argmax(x, axis=-1), "float32"), K.cumsum(x, axis=1), K.softplus(x),
            K.elu(x), K.switch(K.greater(x, 0.0), x, -x), K.temporal_padding(x, (1, 2))]
    model = keras.Model(x, outs)
    layers = {l["name"]: l for l in json.loads(model.to_json())["config"]["layers"]}
    functions = {l["config"]["function"] for l in layers.values() if l["class_name"] == "TFOpLambda"}
    assert functions == {"math.reduce_variance", "math.argmax", "cast", "math.cumsum", "nn.softplus",
                         "nn.elu", "math.greater", "math.negative", "where", "pad"}
    assert layers["tf.pad"]["inbound_nodes"][0][3] == {"paddings": [[0, 0], [1, 2], [0, 0]], "mode": "CONSTANT",
                                                       "constant_values": 0}
    data_ = np.random.RandomState(0).uniform(-1, 1, (2, 4, 3)).astype("float32")
    model.save(str(tmp_path / "k.h5"))
    again = keras.models.load_model(str(tmp_path / "k.h5"), compile=False)
    for a, b in zip(again.predict(data_, verbose=0), model.predict(data_, verbose=0)):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_variable_operand_is_not_baked_into_a_constant():
    """x * K.variable(...) keeps the live variable (an OpLayer), rather than copying its current
    value into a TFOpLambda config."""
    x = keras.Input((3,))
    w = K.variable(np.ones((3,)))
    model = keras.Model(x, x * w)
    K.set_value(w, np.full((3,), 2.0))
    np.testing.assert_allclose(model.predict(np.ones((1, 3), "float32"), verbose=0), [[2.0, 2.0, 2.0]])


# Keras 3 cannot load these .keras files: LocallyConnected and TFOpLambda do not exist in Keras 3
# (its own ops are not written back as such), its Bidirectional rejects a go_backwards=True layer, its ConvLSTM2D's
# hard_sigmoid differs from tf.keras's, and the custom-object models need tf_keras classes.
NOT_FOR_KERAS3 = {"locally_connected", "tf_ops", "tf_ops_more", "k3_ops", "bidirectional_modes", "convlstm_timedistributed",
                  "custom_objects", "custom_layer_loss", "uses_tf_in_lambda"}


@pytest.mark.skipif(not os.environ.get("KERAS_REF_PYTHON"),
                    reason="set KERAS_REF_PYTHON to a Python with tf_keras/keras to check in real Keras")
def test_files_written_here_load_in_real_keras(tmp_path):
    """Every fixture model, loaded here and saved again (.h5, weights .h5 + JSON, .keras), loads in
    tf_keras 2.21 (Keras 3 for .keras) with this package's predictions (make_interop.py --check)."""
    import subprocess
    for stem in TF_STEMS + OPT_STEMS + K3_STEMS:
        source = path(stem + (".keras" if stem in K3_STEMS else ".h5"))
        model = keras.models.load_model(source, custom_objects=custom_objects(keras), safe_mode=False)
        xs, _ = recorded(stem)
        ys = model.predict(xs if len(xs) > 1 else xs[0], verbose=0, batch_size=len(xs[0]))
        ys = ys if isinstance(ys, list) else [ys]
        np.savez(str(tmp_path / (stem + ".npz")), **{f"x{i}": x for i, x in enumerate(xs)},
                 **{f"y{i}": y for i, y in enumerate(ys)})
        model.save(str(tmp_path / (stem + ".h5")))
        model.save_weights(str(tmp_path / (stem + "_weights.h5")))
        (tmp_path / (stem + ".json")).write_text(model.to_json())
        if stem not in NOT_FOR_KERAS3:
            model.save(str(tmp_path / (stem + ".keras")))
    script = os.path.join(HERE, "fixtures", "make_interop.py")
    result = subprocess.run([os.environ["KERAS_REF_PYTHON"], script, "--check", str(tmp_path)],
                            capture_output=True, text=True, timeout=900)
    lines = [l for l in result.stdout.splitlines() if l.startswith(("OK", "BAD"))]
    assert result.returncode == 0, "\n".join(l for l in lines if l.startswith("BAD")) + result.stderr[-2000:]
