"""Metric objects and names inside compile(): AUC, Precision, Recall, top-k, with evaluate() numbers."""
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
