"""Bad files fail with clear errors naming the file and leave the model untouched; stored
lambdas are refused by default; saving is atomic."""
import os
import shutil

import h5py
import numpy as np
import pytest

import torchkeras_compat as keras
from torchkeras_compat.saving import hdf5_format, lambda_code
from saving_helpers import assert_predicts, assert_same_weights, fixture_path, weights_snapshot


def small_model():
    return keras.Sequential([keras.layers.Dense(5, activation="relu", input_shape=(4,), name="hidden"),
                             keras.layers.Dropout(0.3, name="drop"),
                             keras.layers.Dense(3, activation="softmax", name="out")])


@pytest.fixture
def model():
    return small_model()


def _write(path, data: bytes):
    with open(path, "wb") as f:
        f.write(data)
    return str(path)


def test_missing_file(tmp_path, model):
    path = str(tmp_path / "nope.h5")
    with pytest.raises(OSError, match="nope.h5"):
        keras.models.load_model(path)
    before = weights_snapshot(model)
    with pytest.raises(OSError, match="nope.h5"):
        model.load_weights(path)
    assert_same_weights(model, before)


def test_empty_file(tmp_path, model):
    path = _write(tmp_path / "empty.h5", b"")
    with pytest.raises(ValueError, match=r"empty\.h5.*empty"):
        keras.models.load_model(path)
    before = weights_snapshot(model)
    with pytest.raises(ValueError, match="empty"):
        model.load_weights(path)
    assert_same_weights(model, before)


def test_random_bytes(tmp_path, model):
    path = _write(tmp_path / "noise.h5", np.random.RandomState(0).bytes(4096))
    with pytest.raises(ValueError, match=r"noise\.h5.*neither an HDF5"):
        keras.models.load_model(path)
    before = weights_snapshot(model)
    with pytest.raises(ValueError, match="noise.h5"):
        model.load_weights(path)
    assert_same_weights(model, before)


@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.9])
def test_truncated_h5(tmp_path, model, fraction):
    with open(fixture_path("seq_mlp.h5"), "rb") as f:
        data = f.read()
    path = _write(tmp_path / "cut.h5", data[:int(len(data) * fraction)])
    with pytest.raises(ValueError, match="cut.h5"):
        keras.models.load_model(path)
    before = weights_snapshot(model)
    with pytest.raises(ValueError, match="cut.h5"):
        model.load_weights(path)
    assert_same_weights(model, before)


def test_truncated_dot_keras(tmp_path):
    with open(fixture_path("k3_mlp.keras"), "rb") as f:
        data = f.read()
    path = _write(tmp_path / "cut.keras", data[:len(data) // 2])
    with pytest.raises(ValueError, match="cut.keras"):
        keras.models.load_model(path)


def test_hdf5_that_is_not_a_keras_file(tmp_path, model):
    path = str(tmp_path / "data.h5")
    with h5py.File(path, "w") as f:
        f.create_dataset("images", data=np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"No model config found in the file at .*data\.h5"):
        keras.models.load_model(path)
    before = weights_snapshot(model)
    with pytest.raises(ValueError, match=r"data\.h5.*not a Keras weights file"):
        model.load_weights(path)
    assert_same_weights(model, before)


def test_weights_only_file_given_to_load_model(tmp_path):
    with pytest.raises(ValueError, match="only weights"):
        keras.models.load_model(fixture_path("seq_mlp_weights.h5"))


def test_json_file_given_to_load_model():
    with pytest.raises(ValueError, match="model_from_json"):
        keras.models.load_model(fixture_path("seq_mlp.json"))


def test_layer_count_mismatch_changes_nothing():
    model = keras.Sequential([keras.layers.Dense(5, input_shape=(4,)), keras.layers.Dense(3),
                              keras.layers.Dense(2)])
    before = weights_snapshot(model)
    with pytest.raises(ValueError, match="Layer count mismatch.*expected 3 layers, found 2"):
        model.load_weights(fixture_path("seq_mlp_weights.h5"))
    assert_same_weights(model, before)


def test_shape_mismatch_in_a_later_layer_changes_nothing():
    """The first layer fits, the second does not: the first must not have been assigned."""
    model = keras.Sequential([keras.layers.Dense(5, input_shape=(4,)), keras.layers.Dense(4)])
    before = weights_snapshot(model)
    with pytest.raises(ValueError, match=r"layer #1.*shape"):
        model.load_weights(fixture_path("seq_mlp_weights.h5"))
    assert_same_weights(model, before)


def test_missing_dataset_is_reported(tmp_path, model):
    path = str(tmp_path / "broken.h5")
    shutil.copy(fixture_path("seq_mlp_weights.h5"), path)
    with h5py.File(path, "a") as f:
        del f["out/out/bias:0"]
    before = weights_snapshot(model)
    with pytest.raises(ValueError, match=r"broken\.h5.*bias:0.*missing"):
        model.load_weights(path)
    assert_same_weights(model, before)


# ---------------------------------------------------------------- Lambda safety
def test_lambda_in_h5_loads_by_default_as_tf_keras_and_is_refused_with_safe_mode_true():
    assert_predicts(keras.models.load_model(fixture_path("seq_lambda.h5")), "seq_lambda")
    with pytest.raises(ValueError, match=r"arbitrary code.*safe_mode=False"):
        keras.models.load_model(fixture_path("seq_lambda.h5"), safe_mode=True)


def test_lambda_in_dot_keras_refused_by_default(tmp_path):
    model = keras.models.load_model(fixture_path("seq_lambda.h5"))
    model.save(str(tmp_path / "lam.keras"))
    with pytest.raises(ValueError, match="safe_mode=False"):
        keras.models.load_model(str(tmp_path / "lam.keras"))
    assert_predicts(keras.models.load_model(str(tmp_path / "lam.keras"), safe_mode=False), "seq_lambda")


def test_lambda_in_json_refused_by_default():
    with open(fixture_path("seq_lambda.json")) as f:
        text = f.read()
    with pytest.raises(ValueError, match="safe_mode=False"):
        keras.models.model_from_json(text)
    model = keras.models.model_from_json(text, safe_mode=False)
    model.load_weights(fixture_path("seq_lambda_weights.h5"))
    assert_predicts(model, "seq_lambda")


def test_lambda_in_dot_keras_refused_by_default(tmp_path):
    m = keras.Sequential([keras.layers.Dense(2, input_shape=(3,)),
                          keras.layers.Lambda(lambda t: t * 3.0)])
    path = str(tmp_path / "lam.keras")
    m.save(path)
    with pytest.raises(ValueError, match="safe_mode=False"):
        keras.models.load_model(path)
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(keras.models.load_model(path, safe_mode=False).predict(x, verbose=0),
                               m.predict(x, verbose=0), rtol=1e-6)


def test_safe_mode_is_restored_after_a_load():
    keras.models.load_model(fixture_path("seq_lambda.h5"))  # .h5: unsafe for this load only
    assert lambda_code.in_safe_mode()
    with pytest.raises(ValueError, match="safe_mode"):
        keras.models.load_model(fixture_path("seq_lambda.h5"), safe_mode=True)


def test_named_functions_need_no_unsafe_mode(tmp_path):
    """A Lambda of a named function is stored by name, not as code: safe to load."""
    m = keras.Sequential([keras.layers.Dense(2, input_shape=(3,)), keras.layers.Lambda(abs)])
    path = str(tmp_path / "abs.h5")
    m.save(path)
    loaded = keras.models.load_model(path)
    x = -np.ones((2, 3), "float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), m.predict(x, verbose=0))


# ---------------------------------------------------------------- atomic writes
@pytest.mark.parametrize("exc", [KeyboardInterrupt, RuntimeError])
def test_interrupted_save_keeps_earlier_file(tmp_path, monkeypatch, exc, model):
    path = str(tmp_path / "m.h5")
    model.save(path)
    with open(path, "rb") as f:
        original = f.read()

    def boom(*args, **kwargs):
        raise exc("interrupted while writing")

    monkeypatch.setattr(hdf5_format, "write_weights_group", boom)
    with pytest.raises(exc):
        small_model().save(path)
    with pytest.raises(exc):
        model.save_weights(path)
    with open(path, "rb") as f:
        assert f.read() == original
    assert os.listdir(tmp_path) == ["m.h5"]  # no temporary files left behind
    monkeypatch.undo()
    keras.models.load_model(path)


def test_interrupted_keras3_save_keeps_earlier_file(tmp_path, monkeypatch, model):
    from torchkeras_compat.saving import keras3_format
    path = str(tmp_path / "m.keras")
    model.save(path)
    size = os.path.getsize(path)

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(keras3_format.zipfile.ZipFile, "writestr", boom)
    with pytest.raises(KeyboardInterrupt):
        model.save(path)
    assert os.path.getsize(path) == size and os.listdir(tmp_path) == ["m.keras"]


def test_overwrite_false_asks(tmp_path, monkeypatch, model):
    path = str(tmp_path / "m.h5")
    model.save(path)
    mtime = os.path.getmtime(path)
    monkeypatch.setattr("builtins.input", lambda prompt="": "n")
    model.save(path, overwrite=False)
    assert os.path.getmtime(path) == mtime


def test_keras3_lambda_refused_by_default():
    with pytest.raises(ValueError, match=r"arbitrary code.*safe_mode=False"):
        keras.models.load_model(fixture_path("k3_lambda.keras"))
    model = keras.models.load_model(fixture_path("k3_lambda.keras"), safe_mode=False)
    assert_predicts(model, "k3_lambda")
