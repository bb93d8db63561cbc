"""Loss classes called directly: reductions, sample_weight, from_logits, label_smoothing, configs."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import losses as L

TOLL = dict(rtol=1e-5, atol=1e-6)
rng = np.random.RandomState(0)
yt_b = (rng.rand(4, 3) > 0.5).astype("float32")
yp_b = rng.uniform(0.05, 0.95, (4, 3)).astype("float32")
logits = rng.normal(size=(4, 3)).astype("float32")
yt_c = np.eye(3, dtype="float32")[[0, 2, 1, 2]]
yp_c = (np.exp(logits) / np.exp(logits).sum(1, keepdims=True)).astype("float32")
yt_s = np.array([0, 2, 1, 2])
yt_r = rng.normal(size=(4, 3)).astype("float32")
yp_r = rng.normal(size=(4, 3)).astype("float32")
sw = np.array([1.0, 0.0, 2.0, 0.5], dtype="float32")

CASES = {
    "bce": (L.BinaryCrossentropy, {}, yt_b, yp_b),
    "bce_logits_ls": (L.BinaryCrossentropy, {"from_logits": True, "label_smoothing": 0.1}, yt_b, logits),
    "cce": (L.CategoricalCrossentropy, {}, yt_c, yp_c),
    "cce_logits_ls": (L.CategoricalCrossentropy, {"from_logits": True, "label_smoothing": 0.2}, yt_c, logits),
    "scce": (L.SparseCategoricalCrossentropy, {}, yt_s, yp_c),
    "scce_logits": (L.SparseCategoricalCrossentropy, {"from_logits": True}, yt_s, logits),
    "mse": (L.MeanSquaredError, {}, yt_r, yp_r),
    "mae": (L.MeanAbsoluteError, {}, yt_r, yp_r),
    "mape": (L.MeanAbsolutePercentageError, {}, yt_r, yp_r),
    "msle": (L.MeanSquaredLogarithmicError, {}, np.abs(yt_r), np.abs(yp_r)),
    "huber": (L.Huber, {"delta": 0.5}, yt_r, yp_r),
    "logcosh": (L.LogCosh, {}, yt_r, yp_r),
    "kld": (L.KLDivergence, {}, yt_c * 0.9 + 0.033, yp_c),
    "poisson": (L.Poisson, {}, np.abs(yt_r), np.abs(yp_r)),
    "cosine": (L.CosineSimilarity, {"axis": -1}, yt_r, yp_r),
    "hinge": (L.Hinge, {}, yt_b * 2 - 1, yp_r),
    "squared_hinge": (L.SquaredHinge, {}, yt_b, yp_r),
    "categorical_hinge": (L.CategoricalHinge, {}, yt_c, yp_r),
}

for key, (cls, kw, yt, yp) in CASES.items():
    @sub(key)
    def _(key=key, cls=cls, kw=kw, yt=yt, yp=yp):
        report(key + ".auto", num(cls(**kw)(yt, yp)), rule="close", **TOLL)
        report(key + ".sum", num(cls(reduction="sum", **kw)(yt, yp)), rule="close", **TOLL)
        report(key + ".none", num(cls(reduction="none", **kw)(yt, yp)), rule="close", **TOLL)
        report(key + ".sw", num(cls(**kw)(yt, yp, sample_weight=sw)), rule="close", **TOLL)
        report(key + ".sw_none", num(cls(reduction="none", **kw)(yt, yp, sample_weight=sw)), rule="close", **TOLL)
        report(key + ".name", cls(**kw).name)


@sub("config")
def _():
    cfg = L.BinaryCrossentropy(from_logits=True, label_smoothing=0.1).get_config()
    report("config.bce", {k: cfg[k] for k in ("from_logits", "label_smoothing", "name", "reduction")})
    report("config.get_fn", L.get("mse").__name__)
    report("config.get_class", type(L.get({"class_name": "Huber", "config": {"delta": 2.0}})).__name__)
    report("config.fn_values", num(L.mean_squared_error(yt_r, yp_r)), rule="close", **TOLL)
    report("config.fn_cce_ls", num(L.categorical_crossentropy(yt_c, logits, from_logits=True, label_smoothing=0.1)),
           rule="close", **TOLL)
    report("config.fn_bce_ls", num(L.binary_crossentropy(yt_b, yp_b, label_smoothing=0.2)), rule="close", **TOLL)


finish()
