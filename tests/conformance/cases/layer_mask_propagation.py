"""Mask propagation through layers: Embedding(mask_zero) and Masking into pooling, Flatten, Conv1D, Dense, Dropout, TimeDistributed, Bidirectional, Concatenate and Attention."""
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

ids = np.array([[3, 4, 0, 0, 0, 0], [1, 2, 3, 4, 5, 6], [0, 0, 7, 8, 9, 0]])


def emb_case(key, head):
    @sub(key)
    def _():
        inp = L.Input(shape=(6,))
        e = L.Embedding(10, 4, mask_zero=True)(inp)
        model = Model(inp, head(e))
        seed_weights(model, 2)
        report_outputs(key, model.predict(ids, verbose=0))


emb_case("gap1d_masked_mean", lambda e: L.GlobalAveragePooling1D()(e))
emb_case("gmp1d", lambda e: L.GlobalMaxPooling1D()(e))
emb_case("flatten_dense", lambda e: L.Dense(2)(L.Flatten()(e)))
emb_case("conv1d_drops_mask", lambda e: L.LSTM(2)(L.Conv1D(3, 2, padding="same")(e)))
emb_case("dense_keeps_mask", lambda e: L.LSTM(2)(L.Dense(3, activation="relu")(e)))
emb_case("dropout_activation_keep_mask", lambda e: L.GRU(2)(L.Activation("tanh")(L.Dropout(0.5)(e))))
emb_case("td_dense_lstm_seq", lambda e: L.LSTM(2, return_sequences=True)(L.TimeDistributed(L.Dense(3))(e)))
emb_case("bidir_seq_gap", lambda e: L.GlobalAveragePooling1D()(L.Bidirectional(L.LSTM(2, return_sequences=True))(e)))
emb_case("simplernn_seq_then_lstm", lambda e: L.LSTM(2)(L.SimpleRNN(3, return_sequences=True)(e)))
emb_case("lstm_state_outputs", lambda e: L.LSTM(2, return_sequences=True, return_state=True)(e))
emb_case("attention_self", lambda e: L.GlobalAveragePooling1D()(L.Attention()([e, e])))


@sub("concat_masked_unmasked")
def _():
    a, b = L.Input(shape=(6,)), L.Input(shape=(6, 2))
    e = L.Embedding(10, 3, mask_zero=True)(a)
    h = L.Concatenate()([e, b])
    model = Model([a, b], L.LSTM(2)(h))
    seed_weights(model, 3)
    report("concat_masked_unmasked", model.predict([ids, data(4, (3, 6, 2))], verbose=0), rule="close", **TOL)


@sub("masking_layer_td_lstm")
def _():
    x = data(5, (3, 5, 2))
    x[0, 3:] = 0
    x[2, :2] = 0
    inp = L.Input(shape=(5, 2))
    h = L.TimeDistributed(L.Dense(3))(L.Masking()(inp))
    model = Model(inp, L.LSTM(2, return_sequences=True)(h))
    seed_weights(model, 6)
    report("masking_layer_td_lstm", model.predict(x, verbose=0), rule="close", **TOL)


finish()
