"""Loss classes' configs, loss names and aliases (get/serialize/deserialize, compile strings),
focal losses, ignore_class, axis, sample_weight shapes on 3-D targets, reductions and errors."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import losses as L
from keras.layers import Dense
from keras.models import Sequential

TOLL = dict(rtol=1e-5, atol=1e-6)
rng = np.random.RandomState(4)
yt_b = (rng.rand(6, 3) > 0.5).astype("float32")
yp_b = rng.uniform(0.05, 0.95, (6, 3)).astype("float32")
logits = rng.normal(size=(6, 3)).astype("float32")
yt_c = np.eye(3, dtype="float32")[[0, 2, 1, 2, 0, 1]]
yp_c = (np.exp(logits) / np.exp(logits).sum(1, keepdims=True)).astype("float32")
yt_r3 = rng.normal(size=(2, 4, 3)).astype("float32")
yp_r3 = rng.normal(size=(2, 4, 3)).astype("float32")


@sub("configs")
def _():
    for cls in (L.MeanSquaredError, L.MeanAbsoluteError, L.MeanAbsolutePercentageError,
                L.MeanSquaredLogarithmicError, L.Huber, L.LogCosh, L.KLDivergence, L.Poisson,
                L.CosineSimilarity, L.Hinge, L.SquaredHinge, L.CategoricalHinge, L.BinaryCrossentropy,
                L.CategoricalCrossentropy, L.SparseCategoricalCrossentropy, L.BinaryFocalCrossentropy,
                L.CategoricalFocalCrossentropy):
        report("configs." + cls.__name__, cls().get_config())
    report("configs.custom_args", L.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0,
                                                                   reduction="sum", name="sc").get_config())
    report("configs.roundtrip", L.Huber.from_config(L.Huber(delta=0.3, reduction="none").get_config()).get_config())


@sub("names")
def _():
    for name in ("mse", "MSE", "mae", "MAE", "mape", "MAPE", "msle", "MSLE", "kld", "KLD", "kl_divergence",
                 "kullback_leibler_divergence", "logcosh", "log_cosh", "huber", "huber_loss", "cosine_similarity",
                 "poisson", "hinge", "squared_hinge", "categorical_hinge", "binary_crossentropy",
                 "categorical_crossentropy", "sparse_categorical_crossentropy", "binary_focal_crossentropy",
                 "mean_squared_error", "mean_absolute_percentage_error"):
        fn = L.get(name)
        report("names.get." + name, getattr(fn, "__name__", type(fn).__name__))
    report("names.serialize_fn", L.serialize(L.get("mse")))
    report("names.serialize_obj", L.serialize(L.MeanAbsoluteError(reduction="sum")))
    report("names.deserialize_fn", L.deserialize("mean_absolute_error").__name__)
    report("names.deserialize_cls", L.deserialize({"class_name": "CategoricalCrossentropy",
                                                   "config": {"label_smoothing": 0.1}}).get_config()["label_smoothing"],
           rule="close", rtol=1e-6)
    report("names.get_class_name", type(L.get("Huber")).__name__)
    report("names.get_callable", L.get(L.mean_squared_error) is L.mean_squared_error)
    try:
        L.get("no_such_loss")
        report("names.unknown", None)
    except ValueError:
        report("names.unknown", "ValueError")


@sub("focal")
def _():
    report("focal.bfce", num(L.BinaryFocalCrossentropy()(yt_b, yp_b)), rule="close", **TOLL)
    report("focal.bfce_balanced", num(L.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=0.3, gamma=1.5)(yt_b, yp_b)),
           rule="close", **TOLL)
    report("focal.bfce_logits_ls", num(L.BinaryFocalCrossentropy(from_logits=True, label_smoothing=0.1)(yt_b, logits)),
           rule="close", **TOLL)
    report("focal.bfce_none", num(L.BinaryFocalCrossentropy(reduction="none")(yt_b, yp_b)), rule="close", **TOLL)
    report("focal.cfce", num(L.CategoricalFocalCrossentropy()(yt_c, yp_c)), rule="close", **TOLL)
    report("focal.cfce_logits", num(L.CategoricalFocalCrossentropy(from_logits=True, alpha=0.5, gamma=1.0,
                                                                   label_smoothing=0.1)(yt_c, logits)), rule="close", **TOLL)
    report("focal.fn_bfce", num(L.binary_focal_crossentropy(yt_b, yp_b, gamma=3.0)), rule="close", **TOLL)
    report("focal.fn_cfce", num(L.categorical_focal_crossentropy(yt_c, yp_c)), rule="close", **TOLL)


@sub("sparse_ignore_axis")
def _():
    ys = np.array([0, 2, 1, 2, 0, 1])
    report("sparse_ignore_axis.ignore", num(L.SparseCategoricalCrossentropy(ignore_class=2)(ys, yp_c)), rule="close", **TOLL)
    report("sparse_ignore_axis.ignore_none", num(L.SparseCategoricalCrossentropy(ignore_class=1, reduction="none")(ys, yp_c)),
           rule="close", **TOLL)
    report("sparse_ignore_axis.col_labels", num(L.SparseCategoricalCrossentropy()(ys[:, None], yp_c)), rule="close", **TOLL)
    report("sparse_ignore_axis.cce_axis0", num(L.CategoricalCrossentropy(axis=0)(yt_c.T, yp_c.T)), rule="close", **TOLL)
    report("sparse_ignore_axis.fn_cce_axis", num(L.categorical_crossentropy(yt_c.T, yp_c.T, axis=0)), rule="close", **TOLL)
    report("sparse_ignore_axis.cosine_axis0", num(L.CosineSimilarity(axis=0)(yt_b, yp_b)), rule="close", **TOLL)
    report("sparse_ignore_axis.bce_axis0", num(L.binary_crossentropy(yt_b, yp_b, axis=0)), rule="close", **TOLL)


@sub("sample_weight_3d")
def _():
    for key, sw in (("scalar", 2.0), ("per_sample", np.array([1.0, 3.0], "float32")),
                    ("per_sample_col", np.array([[1.0], [3.0]], "float32")),
                    ("per_step", rng.uniform(0, 1, (2, 4)).astype("float32"))):
        report("sample_weight_3d." + key, num(L.MeanSquaredError()(yt_r3, yp_r3, sample_weight=sw)), rule="close", **TOLL)
        report("sample_weight_3d." + key + ".none",
               num(L.MeanAbsoluteError(reduction="none")(yt_r3, yp_r3, sample_weight=sw)), rule="close", **TOLL)
    report("sample_weight_3d.sum_over_batch", num(L.Huber(reduction="sum_over_batch_size")(yt_r3, yp_r3)), rule="close", **TOLL)
    report("sample_weight_3d.fn_shape", list(num(L.mean_squared_error(yt_r3, yp_r3)).shape))
    report("sample_weight_3d.zero_weights", num(L.MeanSquaredError()(yt_r3, yp_r3, sample_weight=0.0)), rule="close", **TOLL)


@sub("errors")
def _():
    try:
        L.MeanSquaredError(reduction="mean")
        report("errors.bad_reduction", None)
    except ValueError:
        report("errors.bad_reduction", "ValueError")


@sub("compile_strings")
def _():
    x = data(1, (12, 3), 0.1, 1.0)
    for name, y in (("kld", yt_c[[0, 1, 2, 3, 4, 5] * 2]), ("logcosh", yt_b[[0, 1, 2, 3, 4, 5] * 2]),
                    ("huber_loss", yt_b[[0, 1, 2, 3, 4, 5] * 2]), ("poisson", yt_b[[0, 1, 2, 3, 4, 5] * 2]),
                    ("categorical_hinge", yt_c[[0, 1, 2, 3, 4, 5] * 2]), ("cosine_similarity", yt_b[[0, 1, 2, 3, 4, 5] * 2]),
                    ("mean_squared_logarithmic_error", yt_b[[0, 1, 2, 3, 4, 5] * 2])):
        m = Sequential([Dense(3, activation="softmax", input_shape=(3,))])
        seed_weights(m, 2)
        # tf.keras cannot use 'kld'/'huber_loss' as metric strings: those get a metric that works there
        m.compile("sgd", name, metrics=[name if name not in ("kld", "huber_loss") else "cosine_proximity"])
        report("compile_strings." + name, m.evaluate(x, y, verbose=0), rule="close", rtol=1e-4, atol=1e-6)
        report("compile_strings." + name + ".names", m.metrics_names)


finish()
