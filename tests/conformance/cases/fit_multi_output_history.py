"""Two-output functional model: history keys, metrics_names and evaluate()/*_on_batch structures."""
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
from keras.layers import Dense, Input
from keras.models import Model

x = data(1, (24, 4))
y1 = (x.sum(axis=1, keepdims=True) > 0).astype("float32")
y2 = data(2, (24, 2))


def build(metrics, loss_weights=None, names=("cls", "reg")):
    inp = Input(shape=(4,))
    h = Dense(6, activation="relu")(inp)
    o1 = Dense(1, activation="sigmoid", name=names[0])(h)
    o2 = Dense(2, name=names[1])(h)
    m = Model(inputs=inp, outputs=[o1, o2])
    m.compile(optimizer="sgd", loss=["binary_crossentropy", "mse"], metrics=metrics,
              loss_weights=loss_weights)
    seed_weights(m, 5)
    return m


@sub("list_metrics")
def _():
    m = build(["accuracy"])
    h = m.fit(x, [y1, y2], epochs=2, batch_size=8, verbose=0, shuffle=False, validation_split=0.25)
    report("list_metrics.history_keys", sorted(h.history))
    report("list_metrics.metrics_names", m.metrics_names)
    report("list_metrics.loss", h.history["loss"], rule="close", rtol=1e-4, atol=1e-5)
    report("list_metrics.val_cls_accuracy", h.history["val_cls_accuracy"], rule="close", rtol=1e-4, atol=1e-5)
    ev = m.evaluate(x, [y1, y2], verbose=0)
    report("list_metrics.evaluate", ev, rule="close", rtol=1e-4, atol=1e-5)
    tb = m.test_on_batch(x[:8], [y1[:8], y2[:8]])
    report("list_metrics.test_on_batch", tb, rule="close", rtol=1e-4, atol=1e-5)
    tr = m.train_on_batch(x[:8], [y1[:8], y2[:8]])
    report("list_metrics.train_on_batch_len", len(tr))


@sub("dict_metrics")
def _():
    m = build({"cls": ["accuracy", "mse"], "reg": "mae"}, loss_weights=[1.0, 0.5])
    h = m.fit(x, [y1, y2], epochs=1, batch_size=8, verbose=0, shuffle=False)
    report("dict_metrics.history_keys", sorted(h.history))
    report("dict_metrics.metrics_names", m.metrics_names)
    ev = m.evaluate(x, [y1, y2], verbose=0, return_dict=True)
    report("dict_metrics.evaluate_dict_keys", sorted(ev))
    report("dict_metrics.evaluate_loss", ev["loss"], rule="close", rtol=1e-4, atol=1e-5)
    pred = m.predict(x, batch_size=5)
    report("dict_metrics.predict_type", type(pred).__name__)
    report("dict_metrics.predict_shapes", [list(p.shape) for p in pred])


@sub("dict_targets")
def _():
    m = build(["mae"])
    h = m.fit(x, {"cls": y1, "reg": y2}, epochs=1, batch_size=12, verbose=0, shuffle=False)
    report("dict_targets.history_keys", sorted(h.history))
    report("dict_targets.loss", h.history["loss"], rule="close", rtol=1e-4, atol=1e-5)


finish()
