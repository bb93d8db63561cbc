"""F1Score/FBetaScore, R2Score, MeanRelativeError, focal crossentropy metric functions; F1Score in compile."""
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
