"""F1Score/FBetaScore, R2Score, MeanRelativeError, focal crossentropy metric functions; F1Score in compile."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import metrics as M
from keras.layers import Dense
from keras.models import Sequential

TOLM = dict(rtol=1e-5, atol=1e-6)
rng = np.random.RandomState(0)
yt = np.eye(4, dtype="float32")[rng.randint(0, 4, 20)]
yp = rng.dirichlet(np.ones(4), 20).astype("float32")
sw = rng.uniform(0, 2, 20).astype("float32")
yr = rng.normal(size=(20, 3)).astype("float32")
pr = (yr + 0.5 * rng.normal(size=(20, 3))).astype("float32")


@sub("fbeta")
def _():
    for key, metric in (("f1_none", M.F1Score()), ("f1_macro", M.F1Score(average="macro")),
                        ("f1_micro", M.F1Score(average="micro")), ("f1_weighted", M.F1Score(average="weighted")),
                        ("f1_threshold", M.F1Score(average="macro", threshold=0.3)),
                        ("fbeta2", M.FBetaScore(beta=2.0)), ("fbeta05_micro", M.FBetaScore(average="micro", beta=0.5))):
        metric.update_state(yt[:12], yp[:12])
        metric.update_state(yt[12:], yp[12:], sample_weight=sw[12:])
        report("fbeta." + key, num(metric.result()), rule="close", **TOLM)
    report("fbeta.config", M.FBetaScore(average="macro", beta=2.0, threshold=0.5).get_config())
    report("fbeta.f1_config", M.F1Score(average="micro").get_config())


@sub("r2")
def _():
    for key, metric in (("uniform", M.R2Score()), ("variance", M.R2Score(class_aggregation="variance_weighted_average")),
                        ("raw", M.R2Score(class_aggregation=None)), ("adjusted", M.R2Score(num_regressors=3))):
        metric.update_state(yr[:8], pr[:8])
        metric.update_state(yr[8:], pr[8:], sample_weight=sw[8:])
        report("r2." + key, num(metric.result()), rule="close", **TOLM)
    try:
        M.R2Score().update_state(yr[:, 0], pr[:, 0])
        report("r2.one_dim_error", None)
    except ValueError as e:
        report("r2.one_dim_error", type(e).__name__)
    report("r2.config", M.R2Score(num_regressors=2).get_config())


@sub("misc")
def _():
    mre = M.MeanRelativeError(normalizer=[1.0, 2.0, 4.0])
    mre.update_state(yr, pr)
    report("misc.mean_relative_error", num(mre.result()), rule="close", **TOLM)
    report("misc.binary_focal", num(M.binary_focal_crossentropy(yt, yp)), rule="close", **TOLM)
    report("misc.categorical_focal", num(M.categorical_focal_crossentropy(yt, yp)), rule="close", **TOLM)


@sub("compile")
def _():
    x = rng.uniform(-1, 1, (20, 5)).astype("float32")
    m = Sequential([Dense(4, activation="softmax", input_shape=(5,))])
    seed_weights(m, 2)
    m.compile("adam", "categorical_crossentropy", metrics=[M.F1Score(average="macro"), M.R2Score(), "accuracy"])
    h = m.fit(x, yt, epochs=2, batch_size=10, shuffle=False, verbose=0)
    report("compile.keys", sorted(h.history))
    report("compile.f1", h.history["f1_score"], rule="close", rtol=1e-4, atol=1e-5)
    report("compile.r2", h.history["r2_score"], rule="close", rtol=1e-4, atol=1e-5)


@sub("iou")
def _():
    yi = rng.randint(0, 4, 30)
    pi = rng.randint(0, 4, 30)
    for key, metric, a, b in (("iou_one", M.IoU(4, [2]), yi, pi), ("iou_two", M.IoU(4, [0, 3]), yi, pi),
                              ("binary", M.BinaryIoU(), (yi > 1).astype("float32"), rng.uniform(0, 1, 30)),
                              ("binary_thr", M.BinaryIoU(target_class_ids=[1], threshold=0.3), (yi > 1).astype("float32"),
                               rng.uniform(0, 1, 30)),
                              ("onehot", M.OneHotIoU(4, [1, 2]), np.eye(4)[yi], rng.uniform(0, 1, (30, 4))),
                              ("onehot_mean", M.OneHotMeanIoU(4), np.eye(4)[yi], rng.uniform(0, 1, (30, 4)))):
        metric.update_state(a, b)
        report("iou." + key, num(metric.result()), rule="close", **TOLM)
        report("iou." + key + ".config", {k: v for k, v in sorted(metric.get_config().items()) if k not in ("name", "dtype")})


finish()
