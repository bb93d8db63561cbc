"""Metric objects and names inside compile(): AUC, Precision, Recall, top-k, with evaluate() numbers."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras.layers import Dense
from keras.models import Sequential
from keras import metrics as M

TOLM = dict(rtol=1e-4, atol=1e-6)
x = data(1, (40, 5))
yb = (data(2, (40, 1)) > 0).astype("float32")
yi = np.random.RandomState(3).randint(0, 6, 40)
yc = np.eye(6, dtype="float32")[yi]


def binary():
    m = Sequential([Dense(1, activation="sigmoid", input_shape=(5,))])
    seed_weights(m, 7)
    return m


def multi():
    m = Sequential([Dense(6, activation="softmax", input_shape=(5,))])
    seed_weights(m, 8)
    return m


@sub("binary")
def _():
    m = binary()
    m.compile("sgd", "binary_crossentropy",
              metrics=["accuracy", M.AUC(), M.Precision(), M.Recall(), M.AUC(curve="PR", name="prauc"),
                       M.BinaryAccuracy(threshold=0.3, name="acc03"), M.TruePositives(), M.FalseNegatives()])
    report("binary.metrics_names_before", m.metrics_names)
    ev = m.evaluate(x, yb, batch_size=16, verbose=0)
    report("binary.metrics_names", m.metrics_names)
    report("binary.evaluate", ev, rule="close", **TOLM)
    h = m.fit(x, yb, epochs=1, batch_size=16, verbose=0, shuffle=False)
    report("binary.history_keys", sorted(h.history))


@sub("second_auc_name")
def _():
    m = binary()
    m.compile("sgd", "binary_crossentropy", metrics=[M.AUC(), M.AUC(num_thresholds=50)])
    h = m.fit(x, yb, epochs=1, batch_size=16, verbose=0, shuffle=False)
    report("second_auc_name.keys", sorted(h.history))


@sub("multi")
def _():
    m = multi()
    m.compile("adam", "categorical_crossentropy",
              metrics=["acc", "top_k_categorical_accuracy", M.TopKCategoricalAccuracy(k=2, name="top2"),
                       "categorical_crossentropy", M.CategoricalAccuracy(), "mse", "mae",
                       M.Precision(top_k=2, name="p_top2")])
    ev = m.evaluate(x, yc, batch_size=16, verbose=0)
    report("multi.metrics_names", m.metrics_names)
    report("multi.evaluate", ev, rule="close", **TOLM)


@sub("sparse")
def _():
    m = multi()
    m.compile("sgd", "sparse_categorical_crossentropy",
              metrics=["accuracy", "sparse_top_k_categorical_accuracy",
                       M.SparseTopKCategoricalAccuracy(k=3, name="top3"), M.SparseCategoricalCrossentropy()])
    ev = m.evaluate(x, yi, batch_size=16, verbose=0)
    report("sparse.metrics_names", m.metrics_names)
    report("sparse.evaluate", ev, rule="close", **TOLM)
    report("sparse.return_dict_keys", sorted(m.evaluate(x, yi, verbose=0, return_dict=True)))


@sub("standalone")
def _():
    p = binary().predict(x, verbose=0)
    for name, metric in (("auc", M.AUC()), ("auc_pr", M.AUC(curve="PR")), ("prec05", M.Precision(thresholds=0.5)),
                         ("rec_thr", M.Recall(thresholds=[0.3, 0.6])), ("mean_iou", M.MeanIoU(num_classes=2)),
                         ("pr_at_r", M.PrecisionAtRecall(0.5)), ("sens_at_spec", M.SensitivityAtSpecificity(0.5))):
        if name == "mean_iou":
            metric.update_state(yb, (p > 0.5).astype("float32"))
        else:
            metric.update_state(yb, p)
        report("standalone." + name, num(metric.result()), rule="close", **TOLM)
    mt = M.Mean()
    mt.update_state([1.0, 2.0, 6.0], sample_weight=[1.0, 0.0, 1.0])
    report("standalone.mean_weighted", num(mt.result()), rule="close", **TOLM)
    mt.reset_states()
    report("standalone.mean_reset", num(mt.result()), rule="close", **TOLM)


finish()
