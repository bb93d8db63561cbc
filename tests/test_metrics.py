"""Metrics against values recorded from tf_keras 2.21 (tests/fixtures/make_numerics.py)."""
import os

import numpy as np
import pytest
import torch

from torchkeras_compat import backend as K, losses, metrics

REF = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "numerics.npz"))
I = {k[len("met.in."):]: REF[k] for k in REF.files if k.startswith("met.in.")}
y, p, y2, p2, sw = I["y"], I["p"], I["y2"], I["p2"], I["sw"]
oh, probs = I["oh"], I["probs"]
M = metrics
CASES = {
    "auc": (lambda: M.AUC(), [(y, p)]),
    "auc_2": (lambda: M.AUC(), [(y, p), (y2, p2)]),
    "auc_pr": (lambda: M.AUC(curve="PR"), [(y, p)]),
    "auc_pr_majoring": (lambda: M.AUC(curve="PR", summation_method="majoring"), [(y, p)]),
    "auc_11": (lambda: M.AUC(num_thresholds=11), [(y, p)]),
    "auc_minoring": (lambda: M.AUC(summation_method="minoring"), [(y, p)]),
    "auc_sw": (lambda: M.AUC(), [(y, p, sw)]),
    "auc_thresholds": (lambda: M.AUC(thresholds=[0.2, 0.5, 0.7]), [(y, p)]),
    "precision": (lambda: M.Precision(), [(y, p)]),
    "sens_at_spec": (lambda: M.SensitivityAtSpecificity(0.6), [(y, p)]),
    "spec_at_sens": (lambda: M.SpecificityAtSensitivity(0.7, num_thresholds=11), [(y, p, sw)]),
    "prec_at_rec": (lambda: M.PrecisionAtRecall(0.8), [(y, p), (y2, p2)]),
    "rec_at_prec": (lambda: M.RecallAtPrecision(0.75), [(y, p)]),
    "rec_at_prec_none": (lambda: M.RecallAtPrecision(1.0, num_thresholds=5), [(y, 1 - p)]),
    "precision_sw": (lambda: M.Precision(thresholds=0.3), [(y, p, sw)]),
    "recall": (lambda: M.Recall(thresholds=[0.3, 0.7]), [(y, p)]),
    "tp": (lambda: M.TruePositives(), [(y, p)]),
    "fp": (lambda: M.FalsePositives(), [(y, p)]),
    "tn": (lambda: M.TrueNegatives(), [(y, p)]),
    "fn": (lambda: M.FalseNegatives(thresholds=0.6), [(y, p)]),
    "precision_top2": (lambda: M.Precision(top_k=2), [(oh, probs)]),
    "recall_class1": (lambda: M.Recall(class_id=1), [(oh, probs)]),
    "binary_accuracy": (lambda: M.BinaryAccuracy(threshold=0.6), [(y, p)]),
    "accuracy": (lambda: M.Accuracy(), [(I["seg_true"], I["seg_pred"])]),
    "categorical_accuracy": (lambda: M.CategoricalAccuracy(), [(oh, probs)]),
    "sparse_categorical_accuracy": (lambda: M.SparseCategoricalAccuracy(), [(oh.argmax(-1), probs)]),
    "top_k2": (lambda: M.TopKCategoricalAccuracy(k=2), [(oh, probs)]),
    "sparse_top_k2": (lambda: M.SparseTopKCategoricalAccuracy(k=2), [(oh.argmax(-1), probs)]),
    "mean_iou": (lambda: M.MeanIoU(num_classes=3), [(I["seg_true"], I["seg_pred"])]),
    "mean": (lambda: M.Mean(), [(p, sw), (y,)]),
    "sum": (lambda: M.Sum(), [(p,)]),
    "mse": (lambda: M.MeanSquaredError(), [(y, p), (y2, p2)]),
    "mae_sw": (lambda: M.MeanAbsoluteError(), [(y.reshape(-1, 3), p.reshape(-1, 3), sw[:10])]),
    "rmse": (lambda: M.RootMeanSquaredError(), [(y, p)]),
    "cosine": (lambda: M.CosineSimilarity(), [(oh, probs)]),
    "logcosh": (lambda: M.LogCoshError(), [(oh, probs)]),
    "bce": (lambda: M.BinaryCrossentropy(), [(y, p)]),
    "cce": (lambda: M.CategoricalCrossentropy(), [(oh, probs)]),
    "scce": (lambda: M.SparseCategoricalCrossentropy(), [(oh.argmax(-1), probs)]),
    "kld": (lambda: M.KLDivergence(), [(oh, probs)]),
    "poisson": (lambda: M.Poisson(), [(oh, probs)]),
    "hinge": (lambda: M.Hinge(), [(oh, probs)]),
    "mape": (lambda: M.MeanAbsolutePercentageError(), [(oh + 1, probs)]),
}


@pytest.mark.parametrize("key", list(CASES))
def test_stateful_metric_matches_keras(key):
    make, updates = CASES[key]
    m = make()
    for args in updates:
        m.update_state(*args)
    np.testing.assert_allclose(m.result().numpy(), REF["met.state." + key], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("key,call", [
    ("binary_accuracy", lambda: M.binary_accuracy(oh, probs)),
    ("categorical_accuracy", lambda: M.categorical_accuracy(oh, probs)),
    ("sparse_categorical_accuracy", lambda: M.sparse_categorical_accuracy(oh.argmax(-1), probs)),
    ("sparse_categorical_accuracy_n1", lambda: M.sparse_categorical_accuracy(oh.argmax(-1)[:, None], probs)),
    ("top_k2", lambda: M.top_k_categorical_accuracy(oh, probs, k=2)),
    ("sparse_top_k2", lambda: M.sparse_top_k_categorical_accuracy(oh.argmax(-1), probs, k=2)),
])
def test_metric_functions(key, call):
    np.testing.assert_allclose(call().numpy(), REF["met.fn." + key], rtol=1e-6)


def test_top_k_counts_ties_as_inside():
    tie = np.array([[0.3, 0.3, 0.3, 0.1]], "float32")
    assert float(M.sparse_top_k_categorical_accuracy(np.array([2]), tie, k=1)[0]) == 1.0


def test_reset_call_and_names():
    m = M.AUC()
    m.update_state(y, p)
    m.reset_states()
    assert float(m.result()) == 0.0
    acc = M.BinaryAccuracy()
    assert float(acc([1.0, 0.0], [0.9, 0.7])) == pytest.approx(0.5)
    K.clear_session()
    assert (acc.name, M.MeanIoU(3).name, M.AUC().name, M.Mean().name) == \
        ("binary_accuracy", "mean_io_u", "auc", "mean")
    # unnamed metrics are numbered as tf.keras numbers them; named defaults are not
    assert (M.AUC().name, M.AUC().name, M.Mean().name) == ("auc_1", "auc_2", "mean")
    assert M.BinaryAccuracy(threshold=0.7).get_config() == {"threshold": 0.7, "name": "binary_accuracy",
                                                          "dtype": "float32"}


@pytest.mark.parametrize("ident,yt,yp,fn,name", [
    ("accuracy", (8, 1), (8, 1), M.binary_accuracy, "accuracy"),
    ("acc", (8,), (8, 1), M.binary_accuracy, "acc"),
    ("accuracy", (8,), (8, 3), M.sparse_categorical_accuracy, "accuracy"),
    ("acc", (8, 1), (8, 3), M.sparse_categorical_accuracy, "acc"),
    ("accuracy", (8, 3), (8, 3), M.categorical_accuracy, "accuracy"),
    ("ce", (8, 3), (8, 3), losses.categorical_crossentropy, "ce"),
    ("crossentropy", (8,), (8, 3), losses.sparse_categorical_crossentropy, "crossentropy"),
    ("mae", (8, 3), (8, 3), losses.mean_absolute_error, "mae"),
    (losses.mean_absolute_error, (8, 3), (8, 3), losses.mean_absolute_error, "mean_absolute_error"),
])
def test_resolve_follows_tf_keras_rules(ident, yt, yp, fn, name):
    m = M.resolve(ident, yt, yp)
    assert isinstance(m, M.MeanMetricWrapper) and m._fn is fn and m.name == name


def test_resolve_instances_classes_and_custom_functions():
    auc = M.AUC()
    assert M.resolve(auc, (4, 1), (4, 1)) is auc
    assert isinstance(M.resolve("AUC", (4, 1), (4, 1)), M.AUC)

    def mean_pred(y_true, y_pred):
        return torch.mean(y_pred)
    m = M.resolve(mean_pred, (4, 2), (4, 2))
    assert m.name == "mean_pred"
    with pytest.raises(ValueError, match="accuracy"):
        M.resolve("acuracy", (4, 1), (4, 1))


def test_state_stays_on_device_and_is_lazy():
    m = M.Mean()
    m.update_state(torch.tensor([1.0, 2.0]))
    assert isinstance(m.total, torch.Tensor) and m.total.device.type == "cpu"


def test_user_written_metric_with_add_weight():
    class CountPositives(M.Metric):
        def __init__(self, name="count_positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.count = self.add_weight(name="count", initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.count.assign_add(torch.sum((torch.as_tensor(y_pred) > 0.5).float()))

        def result(self):
            return self.count

    m = CountPositives()
    m.update_state(None, [0.2, 0.7, 0.9])
    m.update_state(None, [0.6])
    assert float(m.result()) == 3.0 and m.name == "count_positives"
    m.reset_states()
    assert float(m.result()) == 0.0
    assert type(m.count + 1) is torch.Tensor


def test_misspelt_module_attribute_suggests_the_name():
    with pytest.raises(AttributeError, match="'categorical_accuracy'"):
        M.catogrical_accuracy


def test_f1_r2_and_mean_relative_error():
    yt = np.eye(3, dtype="float32")[[0, 1, 2, 1]]
    yp = np.array([[.8, .1, .1], [.2, .7, .1], [.5, .3, .2], [.1, .2, .7]], "float32")
    # per class: class 0 P=1/2 R=1, class 1 P=1 R=1/2, class 2 P=0 R=0
    assert float(M.F1Score(average="macro")(yt, yp)) == pytest.approx((2 / 3 + 2 / 3 + 0) / 3, rel=1e-6)
    assert M.F1Score().get_config() == {"average": None, "threshold": None, "name": "f1_score", "dtype": "float32"}
    y = np.array([[1.0], [2.0], [3.0], [4.0]], "float32")
    assert float(M.R2Score()(y, y + 0.5)) == pytest.approx(1 - 1.0 / 5.0, rel=1e-6)
    with pytest.raises(ValueError, match="2D"):
        M.R2Score()(y[:, 0], y[:, 0])
    assert float(M.MeanRelativeError(normalizer=[2.0, 4.0])([[1.0, 1.0]], [[2.0, 3.0]])) == pytest.approx(0.5)


def test_multi_label_auc_is_the_mean_of_the_label_aucs():
    rng = np.random.RandomState(0)
    y = (rng.rand(30, 3) > 0.5).astype("float32")
    p = rng.uniform(size=(30, 3)).astype("float32")
    per_label = []
    for j in range(3):
        auc = metrics.AUC()
        auc.update_state(y[:, j], p[:, j])
        per_label.append(float(auc.result()))
    multi = metrics.AUC(multi_label=True)
    multi.update_state(y, p)
    assert float(multi.result()) == pytest.approx(np.mean(per_label), rel=1e-6)
    weighted = metrics.AUC(multi_label=True, label_weights=[1.0, 0.0, 3.0])
    weighted.update_state(y, p)
    assert float(weighted.result()) == pytest.approx((per_label[0] + 3 * per_label[2]) / 4, rel=1e-6)
    multi.reset_state()
    assert float(multi.result()) == 0.0


def test_mean_tensor_averages_element_wise():
    m = metrics.MeanTensor()
    m.update_state([1.0, 2.0, 3.0])
    m.update_state([3.0, 2.0, 1.0], sample_weight=[1.0, 0.0, 2.0])
    np.testing.assert_allclose(m.result().numpy(), [2.0, 2.0, 5.0 / 3.0], rtol=1e-6)
    with pytest.raises(ValueError, match="same shape"):
        m.update_state([1.0, 2.0])


def test_add_metric_in_call_reports_epoch_means_after_compiled_metrics():
    from torchkeras_compat.layers import Dense, Input, Layer
    from torchkeras_compat.models import Model

    class Stats(Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.peak = metrics.Mean(name="peak")  # tracked: a Metric held by the layer

        def call(self, inputs):
            self.add_metric(K.mean(inputs), name="act_mean")
            self.add_metric(self.peak(K.max(inputs, axis=-1)))
            return inputs

    inp = Input(shape=(2,))
    model = Model(inp, Dense(1, kernel_initializer="ones", use_bias=False)(Stats()(inp)))
    model.compile("sgd", "mse", metrics=["mae"])
    x = np.array([[1.0, 3.0], [2.0, 2.0], [0.0, 4.0], [1.0, 1.0]], "float32")
    logs = model.evaluate(x, np.zeros((4, 1), "float32"), batch_size=2, verbose=0, return_dict=True)
    assert model.metrics_names == ["loss", "mae", "peak", "act_mean"]
    assert logs["act_mean"] == pytest.approx(x.mean())
    assert logs["peak"] == pytest.approx(x.max(axis=1).mean())
    with pytest.raises(ValueError, match="name"):
        Stats().add_metric(torch.ones(2))
