"""Metric classes used standalone: update_state over several batches (with sample_weight), result,
reset_state(s), thresholds/top_k/class_id, AUC variants, confusion counts, regression and
probabilistic metrics, Mean/Sum/MeanTensor, MeanMetricWrapper, configs, metric names in history."""
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
rng = np.random.RandomState(7)
yb = (rng.rand(24, 1) > 0.5).astype("float32")
pb = rng.uniform(0, 1, (24, 1)).astype("float32")
yml = (rng.rand(24, 3) > 0.5).astype("float32")
pml = rng.uniform(0, 1, (24, 3)).astype("float32")
yi = rng.randint(0, 4, 24)
yc = np.eye(4, dtype="float32")[yi]
pc = rng.dirichlet(np.ones(4), 24).astype("float32")
yr = rng.normal(size=(24, 3)).astype("float32")
pr = (yr + 0.4 * rng.normal(size=(24, 3))).astype("float32")
sw = rng.uniform(0, 2, 24).astype("float32")


def run(metric, yt, yp, weighted=True):
    metric.update_state(yt[:10], yp[:10])
    metric.update_state(yt[10:], yp[10:], sample_weight=sw[10:] if weighted else None)
    return num(metric.result())


@sub("binary_family")
def _():
    for key, metric in (("acc", M.BinaryAccuracy()), ("acc_thr", M.BinaryAccuracy(threshold=0.7)),
                        ("prec", M.Precision()), ("prec_thr_list", M.Precision(thresholds=[0.2, 0.5, 0.8])),
                        ("rec", M.Recall()), ("rec_thr", M.Recall(thresholds=0.3)),
                        ("tp", M.TruePositives()), ("fp", M.FalsePositives(thresholds=[0.3, 0.6])),
                        ("tn", M.TrueNegatives()), ("fn", M.FalseNegatives(thresholds=0.2)),
                        ("auc", M.AUC()), ("auc_pr", M.AUC(curve="PR")),
                        ("auc_minoring", M.AUC(summation_method="minoring")),
                        ("auc_majoring", M.AUC(summation_method="majoring", num_thresholds=20)),
                        ("auc_thresholds", M.AUC(thresholds=[0.25, 0.5, 0.75])),
                        ("spec_at_sens", M.SpecificityAtSensitivity(0.6)), ("rec_at_prec", M.RecallAtPrecision(0.5)),
                        ("prec_at_rec", M.PrecisionAtRecall(0.7, num_thresholds=50)),
                        ("sens_at_spec", M.SensitivityAtSpecificity(0.4)), ("bce", M.BinaryCrossentropy()),
                        ("bce_ls", M.BinaryCrossentropy(label_smoothing=0.1)), ("hinge", M.Hinge()),
                        ("sq_hinge", M.SquaredHinge())):
        report("binary_family." + key, run(metric, yb, pb), rule="close", **TOLM)


@sub("multilabel")
def _():
    for key, metric in (("prec_class1", M.Precision(class_id=1)), ("rec_class2", M.Recall(class_id=2, thresholds=0.4)),
                        ("prec_topk", M.Precision(top_k=1)), ("rec_topk_class", M.Recall(top_k=2, class_id=0)),
                        ("auc_multi", M.AUC(multi_label=True)), ("auc_multi_weights", M.AUC(multi_label=True, label_weights=[1.0, 2.0, 0.5])),
                        ("auc_flat", M.AUC(multi_label=False)), ("acc", M.BinaryAccuracy())):
        report("multilabel." + key, run(metric, yml, pml), rule="close", **TOLM)
    m = M.AUC(from_logits=True)
    report("multilabel.auc_logits", run(m, yb, np.log(pb / (1 - pb))), rule="close", **TOLM)


@sub("categorical")
def _():
    for key, metric, yt in (("cat_acc", M.CategoricalAccuracy(), yc), ("sparse_acc", M.SparseCategoricalAccuracy(), yi),
                            ("top2", M.TopKCategoricalAccuracy(k=2), yc), ("sparse_top2", M.SparseTopKCategoricalAccuracy(k=2), yi),
                            ("cce", M.CategoricalCrossentropy(), yc), ("scce", M.SparseCategoricalCrossentropy(), yi),
                            ("cat_hinge", M.CategoricalHinge(), yc), ("kld", M.KLDivergence(), yc),
                            ("poisson", M.Poisson(), yc), ("mean_iou", M.MeanIoU(num_classes=4), None)):
        if yt is None:
            metric.update_state(yi[:10], pc[:10].argmax(1))
            metric.update_state(yi[10:], pc[10:].argmax(1), sample_weight=sw[10:])
            report("categorical." + key, num(metric.result()), rule="close", **TOLM)
            report("categorical.mean_iou_matrix", num(metric.total_cm), rule="close", **TOLM)
            continue
        report("categorical." + key, run(metric, yt, pc), rule="close", **TOLM)
    acc = M.Accuracy()
    acc.update_state([1, 2, 3, 4], [1, 2, 0, 4])
    report("categorical.accuracy_exact", num(acc.result()), rule="close", **TOLM)


@sub("regression")
def _():
    for key, metric in (("mse", M.MeanSquaredError()), ("rmse", M.RootMeanSquaredError()), ("mae", M.MeanAbsoluteError()),
                        ("mape", M.MeanAbsolutePercentageError()), ("msle", M.MeanSquaredLogarithmicError()),
                        ("cosine", M.CosineSimilarity()), ("logcosh", M.LogCoshError())):
        report("regression." + key, run(metric, yr, pr), rule="close", **TOLM)
    report("regression.cosine_axis0", run(M.CosineSimilarity(axis=0), yr, pr, weighted=False), rule="close", **TOLM)


@sub("reducers")
def _():
    m = M.Mean()
    m.update_state([1.0, 3.0, 5.0])
    m.update_state(7.0, sample_weight=2.0)
    report("reducers.mean", num(m.result()), rule="close", **TOLM)
    s = M.Sum()
    s.update_state([[1.0, 2.0], [3.0, 4.0]], sample_weight=[1.0, 0.5])
    report("reducers.sum", num(s.result()), rule="close", **TOLM)
    t = M.MeanTensor()
    t.update_state([1.0, 2.0, 3.0])
    t.update_state([3.0, 2.0, 1.0], sample_weight=[1.0, 0.0, 2.0])
    report("reducers.mean_tensor", num(t.result()), rule="close", **TOLM)
    w = M.MeanMetricWrapper(M.mean_absolute_error, name="my_mae")
    report("reducers.wrapper", run(w, yr, pr), rule="close", **TOLM)
    report("reducers.wrapper_name", w.name)
    c = M.Mean(name="calls")
    report("reducers.call_returns_result", num(c([2.0, 4.0])), rule="close", **TOLM)
    report("reducers.call_again", num(c(9.0)), rule="close", **TOLM)
    c.reset_state()
    report("reducers.after_reset", num(c.result()), rule="close", **TOLM)
    p = M.Precision()
    run(p, yb, pb)
    p.reset_states()
    report("reducers.precision_reset", num(p.result()), rule="close", **TOLM)
    report("reducers.n_variables", [len(M.Precision().variables), len(M.AUC().variables), len(M.Mean().variables)])


@sub("configs")
def _():
    for metric in (M.AUC(), M.Precision(thresholds=0.3, top_k=2, class_id=1), M.Recall(), M.BinaryAccuracy(threshold=0.4),
                   M.TopKCategoricalAccuracy(k=3), M.MeanIoU(num_classes=3), M.Mean(), M.TruePositives(thresholds=[0.1, 0.9]),
                   M.RootMeanSquaredError(), M.CosineSimilarity(axis=0), M.SparseCategoricalAccuracy(),
                   M.SensitivityAtSpecificity(0.5), M.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)):
        cfg = {k: v for k, v in metric.get_config().items() if k not in ("name",)}
        report("configs." + type(metric).__name__, cfg)
        report("configs." + type(metric).__name__ + ".name", metric.name)
    report("configs.roundtrip", M.AUC.from_config(M.AUC(curve="PR", num_thresholds=7).get_config()).get_config()["num_thresholds"])
    report("configs.serialize_fn", M.serialize(M.binary_accuracy))
    report("configs.get_fn", M.get("top_k_categorical_accuracy").__name__)
    report("configs.get_class", type(M.get("AUC")).__name__)


@sub("history_names")
def _():
    m = Sequential([Dense(4, activation="softmax", input_shape=(3,))])
    seed_weights(m, 3)
    m.compile("sgd", "categorical_crossentropy",
              metrics=["mean_squared_error", "mse", "MAE", "categorical_accuracy", "top_k_categorical_accuracy",
                       "kullback_leibler_divergence", "cosine_similarity", M.RootMeanSquaredError(), "poisson"])
    h = m.fit(rng.uniform(size=(24, 3)).astype("float32"), yc, epochs=1, batch_size=8, verbose=0, shuffle=False)
    report("history_names.keys", list(h.history))
    report("history_names.values", [h.history[k][0] for k in h.history], rule="close", rtol=1e-4, atol=1e-6)


@sub("function_shapes")
def _():
    for key, value in (("sparse_topk_col", M.sparse_top_k_categorical_accuracy(yi[:, None], pc, k=2)),
                       ("sparse_topk_flat", M.sparse_top_k_categorical_accuracy(yi, pc, k=2)),
                       ("sparse_acc_col", M.sparse_categorical_accuracy(yi[:, None].astype("float32"), pc)),
                       ("topk_k1", M.top_k_categorical_accuracy(yc, pc, k=1)),
                       ("bin_acc_flat_vs_col", M.binary_accuracy(yb[:, 0], pb)),
                       ("bin_acc_thr", M.binary_accuracy(yb, pb, threshold=0.8))):
        report("function_shapes." + key, num(value), rule="close", **TOLM)


finish()
