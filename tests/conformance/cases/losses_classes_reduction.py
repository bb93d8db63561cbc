"""Loss classes called directly: reductions, sample_weight, from_logits, label_smoothing, configs."""
# ---- common case header (copied into every case; cases must be self-contained) ----
import traceback

import numpy as np

import keras

TOL = dict(rtol=1e-4, atol=1e-5)  # float32 forward pass
FAILED = []


def sub(name):
    """Run the decorated function at once; on error note it and go on, so the other keys still report."""
    def run(fn):
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - any failure of the implementation under test
            traceback.print_exc()
            FAILED.append(f"{name}: {type(e).__name__}: {' '.join(str(e).split())[:150]}")
    return run


def finish():
    """Fail the case (after reporting what passed) when a sub-test raised."""
    if FAILED:
        raise RuntimeError(f"{len(FAILED)} sub-test(s) raised: " + " | ".join(FAILED))


def seed_weights(model, seed):
    """Replace every weight, layer by layer, by seeded uniform(-0.5, 0.5) float32 values.

    Nested models are walked into; a BatchNormalization's moving variance (its last weight) is drawn
    from uniform(0.5, 1.5) so that it stays positive.
    """
    rng = np.random.RandomState(seed)

    def visit(layer):
        inner = getattr(layer, "layers", None)
        if isinstance(inner, (list, tuple)) and inner:
            for s in inner:
                visit(s)
            return
        old = layer.get_weights()
        if old:
            new = [rng.uniform(-0.5, 0.5, w.shape).astype("float32") for w in old]
            if type(layer).__name__ == "BatchNormalization":
                new[-1] = rng.uniform(0.5, 1.5, old[-1].shape).astype("float32")
            layer.set_weights(new)

    for layer in model.layers:
        visit(layer)


def data(seed, shape, lo=-1.0, hi=1.0):
    return np.random.RandomState(seed).uniform(lo, hi, shape).astype("float32")


def num(v):
    """A tensor/scalar as a numpy array (0-d for a scalar), so TF scalars and torch 0-d tensors report alike."""
    if hasattr(v, "detach"):
        v = v.detach().cpu()
    return np.asarray(v)


def report_outputs(key, y, tol=TOL):
    if isinstance(y, (list, tuple)):
        for i, yi in enumerate(y):
            report(f"{key}.{i}", yi, rule="close", **tol)
    else:
        report(key, y, rule="close", **tol)


def layer_case(key, make_layer, x, seed=0, tol=TOL, input_dtype=None):
    """Sub-test: one layer on a functional Input, every weight seeded, predict on x, report close."""
    @sub(key)
    def _():
        inp = keras.layers.Input(shape=x.shape[1:], **({"dtype": input_dtype} if input_dtype else {}))
        model = keras.models.Model(inputs=inp, outputs=make_layer()(inp))
        seed_weights(model, seed)
        report_outputs(key, model.predict(x, verbose=0), tol)
# ---- end of common header ----
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
