"""``keras.wrappers.scikit_learn`` inside scikit-learn's model selection tools."""
import subprocess
import sys
import warnings

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")
from sklearn.base import clone, is_classifier, is_regressor  # noqa: E402
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score  # noqa: E402

from torchkeras_compat.layers import Dense  # noqa: E402
from torchkeras_compat.models import Sequential  # noqa: E402
from torchkeras_compat.optimizers import Adam  # noqa: E402
from torchkeras_compat.utils import set_random_seed  # noqa: E402
from torchkeras_compat.wrappers.scikit_learn import KerasClassifier, KerasRegressor  # noqa: E402


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    # These models are tiny: with several intra-op threads on a busy CPU, torch spends most of
    # each step handing work between threads (measured 40x slower), so use one while here.
    import torch
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def blobs(n=90, classes=3, seed=0):
    rng = np.random.RandomState(seed)
    y = np.arange(n) % classes
    centers = np.array([[0, 0, 0, 0], [4, 4, 0, 0], [0, 4, 4, 4]], dtype="float32")[:classes]
    x = centers[y] + rng.normal(scale=0.3, size=(n, 4)).astype("float32")
    return x, y


def make_classifier(units=8, classes=3, lr=0.05):
    # a high learning rate and few, large batches: the tests stay fast on a busy CPU
    model = Sequential([Dense(units, input_dim=4, activation="relu"),
                        Dense(classes, activation="softmax")])
    model.compile(optimizer=Adam(lr), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def make_regressor(units=8):
    model = Sequential([Dense(units, input_dim=4, activation="relu"), Dense(1)])
    model.compile(optimizer=Adam(0.05), loss="mse")
    return model


def test_sklearn_sees_classifier_and_regressor_and_clones_them():
    clf = KerasClassifier(build_fn=make_classifier, epochs=2, verbose=0)
    reg = KerasRegressor(build_fn=make_regressor, epochs=2, verbose=0)
    assert is_classifier(clf) and is_regressor(reg)
    copy = clone(clf)
    assert copy is not clf and copy.get_params() == clf.get_params()
    assert clf.get_params() == {"build_fn": make_classifier, "epochs": 2, "verbose": 0}


def test_cross_val_score_classifier_with_string_labels():
    set_random_seed(0)
    x, y = blobs()
    labels = np.array(["cat", "dog", "emu"])[y]
    clf = KerasClassifier(build_fn=make_classifier, epochs=15, batch_size=32, verbose=0)
    scores = cross_val_score(clf, x, labels, cv=KFold(3, shuffle=True, random_state=0))
    assert scores.shape == (3,) and scores.min() > 0.8
    clf.fit(x, labels)
    assert list(clf.classes_) == ["cat", "dog", "emu"] and clf.n_classes_ == 3
    pred = clf.predict(x[:5])
    assert pred.shape == (5,) and set(pred) <= {"cat", "dog", "emu"}
    proba = clf.predict_proba(x[:5])
    assert proba.shape == (5, 3) and np.allclose(proba.sum(axis=1), 1, atol=1e-5)


def test_grid_search_cv_picks_among_build_fn_and_fit_params():
    set_random_seed(1)
    x, y = blobs()
    clf = KerasClassifier(build_fn=make_classifier, verbose=0, batch_size=32)
    grid = GridSearchCV(clf, {"units": [2, 16], "epochs": [1, 15]}, cv=3)
    grid.fit(x, y)
    assert set(grid.best_params_) == {"units", "epochs"}
    assert grid.best_params_["epochs"] == 15
    assert len(grid.cv_results_["mean_test_score"]) == 4
    assert grid.best_estimator_.model.layers[0].units == grid.best_params_["units"]
    assert grid.score(x, y) > 0.8


def test_regressor_cross_val_score_is_negative_mse():
    set_random_seed(2)
    rng = np.random.RandomState(0)
    x = rng.normal(size=(60, 4)).astype("float32")
    y = x @ np.array([1.0, -2.0, 0.5, 0.0], dtype="float32")
    reg = KerasRegressor(build_fn=make_regressor, epochs=20, batch_size=20, verbose=0)
    scores = cross_val_score(reg, x, y, cv=3)
    assert scores.shape == (3,) and np.all(scores <= 0)
    reg.fit(x, y)
    assert reg.predict(x[:7]).shape == (7,)
    assert np.isclose(reg.score(x, y), -reg.model.evaluate(x, y, verbose=0))


def test_binary_sigmoid_proba_two_columns_and_one_hot_targets():
    set_random_seed(3)
    x, y = blobs(n=40, classes=2)

    def binary():
        model = Sequential([Dense(1, input_dim=4, activation="sigmoid")])
        model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
        return model

    clf = KerasClassifier(binary, epochs=1, verbose=0).fit(x, y)
    assert clf is not None
    est = KerasClassifier(binary, epochs=1, verbose=0)
    est.fit(x, y)
    proba = est.predict_proba(x[:4])
    assert proba.shape == (4, 2) and np.allclose(proba.sum(axis=1), 1)

    def categorical():
        model = Sequential([Dense(2, input_dim=4, activation="softmax")])
        model.compile("adam", "categorical_crossentropy", metrics=["accuracy"])
        return model

    est = KerasClassifier(categorical, epochs=1, verbose=0)
    est.fit(x, y)  # integer labels are one-hot encoded for a categorical_crossentropy model
    assert 0.0 <= est.score(x, y) <= 1.0
    est.fit(x, np.eye(2)[y])  # one-hot labels are taken as they are
    assert list(est.classes_) == [0, 1]


def test_bad_parameters_and_missing_accuracy():
    with pytest.raises(ValueError, match="nb_neurons is not a legal parameter"):
        KerasClassifier(build_fn=make_classifier, nb_neurons=3)
    clf = KerasClassifier(build_fn=make_classifier)
    with pytest.raises(ValueError, match="wrong is not a legal parameter"):
        clf.set_params(wrong=1)

    def no_accuracy():
        model = Sequential([Dense(3, input_dim=4, activation="softmax")])
        model.compile("adam", "sparse_categorical_crossentropy")
        return model

    x, y = blobs(n=12)
    est = KerasClassifier(no_accuracy, epochs=1, verbose=0)
    est.fit(x, y)
    with pytest.raises(ValueError, match="not configured to compute accuracy"):
        est.score(x, y)
    with pytest.raises(ValueError, match="Invalid shape for y"):
        est.fit(x, np.zeros((12, 2, 2)))


def test_keras1_nb_epoch_warns_and_trains_that_many_epochs():
    x, y = blobs(n=12)
    est = KerasClassifier(make_classifier, nb_epoch=3, verbose=0)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        history = est.fit(x, y)
    assert len(history.history["loss"]) == 3


def test_importing_the_wrapper_does_not_import_sklearn():
    code = "import torchkeras_compat.wrappers.scikit_learn, sys; print('sklearn' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert r.stdout.strip() == "False", r.stderr


def test_inside_a_pipeline_with_a_scaler():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    set_random_seed(4)
    x, y = blobs()
    pipe = make_pipeline(StandardScaler(),
                         KerasClassifier(build_fn=make_classifier, epochs=10, batch_size=32, verbose=0))
    pipe.fit(x * 100.0 + 7.0, y)  # badly scaled inputs: the scaler fixes them before the model
    assert pipe.score(x * 100.0 + 7.0, y) > 0.8
    assert pipe.predict(x[:3] * 100.0 + 7.0).shape == (3,)
