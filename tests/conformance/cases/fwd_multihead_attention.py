"""Forward parity: MultiHeadAttention (projections, value_dim/output_shape, masks, causal, scores, a small transformer block saved to h5)."""
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
v = data(2, (2, 5, 6))
k = data(3, (2, 5, 6))


def mha_case(key, make_layer, with_key=False, masked=False, explicit_mask=False, **call_kwargs):
    @sub(key)
    def _():
        qi, vi = L.Input(shape=(3, 4)), L.Input(shape=(5, 6))
        ins = [qi, vi]
        qq, vv = qi, vi
        if masked:
            qq, vv = L.Masking(0.0)(qi), L.Masking(0.0)(vi)
        kwargs = dict(call_kwargs)
        if with_key:
            ki = L.Input(shape=(5, 6))
            ins.append(ki)
            kwargs["key"] = ki
        if explicit_mask:
            mi = L.Input(shape=(3, 5), dtype="bool")
            ins.append(mi)
            kwargs["attention_mask"] = mi
        layer = make_layer()
        out = layer(qq, vv, **kwargs)
        model = Model(ins, out)
        seed_weights(model, 4)
        report(key + ".weights", [[w.name.split("/", 1)[-1], [int(d) for d in w.shape]] for w in layer.weights],
               rule="exact")
        xq, xv = q.copy(), v.copy()
        if masked:
            xq[0, 2] = 0.0
            xv[0, 3:] = 0.0
            xv[1, 0] = 0.0
        feed = [xq, xv] + ([k] if with_key else [])
        if explicit_mask:
            feed.append(np.random.RandomState(5).rand(2, 3, 5) > 0.3)
        report_outputs(key, model.predict(feed, verbose=0))


mha_case("basic", lambda: L.MultiHeadAttention(num_heads=2, key_dim=3))
mha_case("value_dim_output_shape", lambda: L.MultiHeadAttention(2, 3, value_dim=2, output_shape=5))
mha_case("key_no_bias", lambda: L.MultiHeadAttention(3, 2, use_bias=False), with_key=True)
mha_case("masked", lambda: L.MultiHeadAttention(2, 3), masked=True)
mha_case("explicit_mask_scores", lambda: L.MultiHeadAttention(2, 2), explicit_mask=True, return_attention_scores=True)


@sub("self_attention_causal")
def _():
    inp = L.Input(shape=(4, 4))
    layer = L.MultiHeadAttention(2, 2)
    out, scores = layer(inp, inp, use_causal_mask=True, return_attention_scores=True)
    model = Model(inp, [out, scores])
    seed_weights(model, 6)
    report_outputs("self_attention_causal", model.predict(data(7, (2, 4, 4)), verbose=0))


@sub("transformer_block")
def _():
    inp = L.Input(shape=(5,))
    x = L.Embedding(10, 8, mask_zero=True)(inp)
    att = L.MultiHeadAttention(num_heads=2, key_dim=4)(x, x)
    x = L.LayerNormalization(epsilon=1e-6)(L.Add()([x, att]))
    ff = L.Dense(8)(L.Dense(16, activation="relu")(x))
    x = L.LayerNormalization(epsilon=1e-6)(L.Add()([x, ff]))
    out = L.Dense(2, activation="softmax")(L.GlobalAveragePooling1D()(x))
    model = Model(inp, out)
    seed_weights(model, 8)
    ids = np.array([[1, 2, 3, 0, 0], [4, 5, 6, 7, 8]])
    report("transformer_block", model.predict(ids, verbose=0), rule="close", **TOL)
    model.compile("adam", "sparse_categorical_crossentropy")
    model.save("tb.h5")
    report("transformer_block.reloaded", keras.models.load_model("tb.h5").predict(ids, verbose=0), rule="close", **TOL)


@sub("config")
def _():
    layer = L.MultiHeadAttention(2, 3, dropout=0.1)
    layer(L.Input(shape=(3, 4)), L.Input(shape=(5, 6)))
    cfg = layer.get_config()
    report("config", {k: v for k, v in cfg.items() if k != "name"}, rule="exact")


finish()
