"""Forward parity: Attention/AdditiveAttention (scores, masks, causal), Rescaling, Identity."""
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
from keras import layers as L
from keras.models import Model

q = data(1, (2, 3, 4))
v = data(2, (2, 5, 4))
k = data(3, (2, 5, 4))


def attn_case(key, make_layer, with_key=False, masked=False, **call_kwargs):
    @sub(key)
    def _():
        qi, vi = L.Input(shape=(3, 4)), L.Input(shape=(5, 4))
        ins = [qi, vi]
        qq, vv = qi, vi
        if masked:
            qq, vv = L.Masking(0.0)(qi), L.Masking(0.0)(vi)
        args = [qq, vv]
        if with_key:
            ki = L.Input(shape=(5, 4))
            ins.append(ki)
            args.append(ki)
        layer = make_layer()
        out = layer(args, **call_kwargs)
        model = Model(ins, out)
        seed_weights(model, 4)
        report(key + ".weights", [[w.name.split("/")[-1], [int(d) for d in w.shape]] for w in layer.weights],
               rule="exact")
        xq, xv = q.copy(), v.copy()
        if masked:
            xq[0, 2] = 0.0
            xv[0, 3:] = 0.0
            xv[1, 0] = 0.0
        feed = [xq, xv] + ([k] if with_key else [])
        report_outputs(key, model.predict(feed, verbose=0))


attn_case("dot", lambda: L.Attention())
attn_case("dot_scale", lambda: L.Attention(use_scale=True))
attn_case("concat", lambda: L.Attention(score_mode="concat", use_scale=True))
attn_case("dot_key", lambda: L.Attention(), with_key=True)
attn_case("dot_masked", lambda: L.Attention(), masked=True)
attn_case("dot_causal_scores", lambda: L.Attention(), use_causal_mask=True, return_attention_scores=True)
attn_case("additive", lambda: L.AdditiveAttention())
attn_case("additive_noscale_key", lambda: L.AdditiveAttention(use_scale=False), with_key=True)
attn_case("additive_masked_scores", lambda: L.AdditiveAttention(), masked=True, return_attention_scores=True)


@sub("configs")
def _():
    report("configs", [{k: v for k, v in l.get_config().items() if k != "name"} for l in
                       (L.Attention(use_scale=True), L.AdditiveAttention(dropout=0.1),
                        L.Rescaling(1.0 / 255, offset=-1.0), L.Identity())], rule="exact")


@sub("rescaling_identity")
def _():
    inp = L.Input(shape=(2, 3))
    out = L.Identity()(L.Rescaling(1.0 / 127.5, offset=-1)(inp))
    model = Model(inp, out)
    report("rescaling_identity", model.predict(np.arange(12, dtype="float32").reshape(2, 2, 3) * 20, verbose=0),
           rule="close", **TOL)


finish()
