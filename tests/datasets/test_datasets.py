"""keras.datasets loaders on tiny files in the real cache formats, compared with what Keras's
own loaders returned for the same files (tests/fixtures/make_preprocessing.py)."""
import hashlib
import json
import os
import pickle
import shutil
import tarfile
import warnings

import numpy as np
import pytest

from torchkeras_compat.datasets import (boston_housing, cifar10, cifar100, fashion_mnist, imdb,
                                        mnist, reuters)
from torchkeras_compat.utils import data_utils

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "preprocessing")
RAW = os.path.join(FIXTURES, "datasets")


def _sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    """A fresh $KERAS_HOME whose datasets/ holds the tiny files; the loaders' expected hashes
    are set to those files' hashes so that the hash check runs as it would for real files."""
    cache = tmp_path / "keras_home" / "datasets"
    shutil.copytree(RAW, cache)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    for module, name in ((mnist, "mnist.npz"), (imdb, "imdb.npz"), (reuters, "reuters.npz"),
                         (boston_housing, "boston_housing.npz"),
                         (cifar10, "cifar-10-batches-py.tar.gz"),
                         (cifar100, "cifar-100-python.tar.gz")):
        monkeypatch.setattr(module, "FILE_HASH", _sha256(cache / name))
    monkeypatch.setattr(imdb, "WORD_INDEX_HASH", _sha256(cache / "imdb_word_index.json"))
    return cache


@pytest.fixture(scope="module")
def expected():
    return dict(np.load(os.path.join(FIXTURES, "datasets_expected.npz")))


def _check(name, result, expected):
    (a, b), (c, d) = result
    for key, got in zip(("x_train", "y_train", "x_test", "y_test"), (a, b, c, d)):
        want = expected[f"{name}/{key}"]
        if want.dtype.kind == "U":  # object arrays of index lists, stored as JSON
            assert got.dtype == object and got.ndim == 1
            assert [list(map(int, v)) for v in got] == json.loads(str(want)), f"{name} {key}"
        else:
            assert got.dtype == want.dtype, f"{name} {key}"
            np.testing.assert_array_equal(got, want, err_msg=f"{name} {key}")


def test_image_datasets(keras_home, expected):
    _check("mnist", mnist.load_data(), expected)
    _check("fashion_mnist", fashion_mnist.load_data(), expected)
    _check("cifar100_fine", cifar100.load_data(), expected)
    _check("cifar100_coarse", cifar100.load_data("coarse"), expected)
    with pytest.raises(ValueError, match="label_mode"):
        cifar100.load_data("medium")


def test_cifar10_reads_all_batches(keras_home):
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and y_train.shape == (10, 1)
    assert x_test.shape == (2, 32, 32, 3) and x_train.dtype == y_train.dtype == np.uint8
    with tarfile.open(keras_home / "cifar-10-batches-py.tar.gz") as tar:
        batch = pickle.load(tar.extractfile("cifar-10-batches-py/data_batch_2"), encoding="bytes")
    np.testing.assert_array_equal(x_train[2:4], batch[b"data"].reshape(2, 3, 32, 32).transpose(0, 2, 3, 1))
    assert y_train[2:4, 0].tolist() == batch[b"labels"]
    assert os.path.isdir(keras_home / "cifar-10-batches-py")  # extracted once, next to the archive


def test_text_and_tabular_datasets(keras_home, expected):
    _check("imdb", imdb.load_data(), expected)
    _check("imdb_limited", imdb.load_data(num_words=15, skip_top=4, maxlen=7, seed=5,
                                          oov_char=None, index_from=2, start_char=None), expected)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        _check("imdb_oov", imdb.load_data(nb_words=20, maxlen=8, seed=1), expected)
    _check("reuters", reuters.load_data(test_split=0.3), expected)
    _check("reuters_limited", reuters.load_data(num_words=12, skip_top=5, maxlen=6, seed=2), expected)
    _check("boston_housing", boston_housing.load_data(), expected)
    _check("boston_housing_split", boston_housing.load_data(test_split=0.5, seed=3), expected)
    assert imdb.get_word_index() == {"the": 1, "movie": 2}
    assert len(reuters.get_label_names()) == 46
    with pytest.raises(ValueError, match="maxlen"):
        imdb.load_data(maxlen=1)


def test_missing_file_offline_gives_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))

    def offline(*args, **kwargs):
        raise data_utils.urllib.error.URLError("no network")

    monkeypatch.setattr(data_utils.urllib.request, "urlretrieve", offline)
    with pytest.raises(ConnectionError, match="mnist.npz"):
        mnist.load_data()
    assert not any(p.name.startswith("mnist") for p in (tmp_path / "datasets").iterdir())
