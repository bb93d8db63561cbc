"""Forward parity: Bidirectional merge modes and states, GRU reset_after, TimeDistributed, ConvLSTM2D, RNN cells, masking into recurrent layers, stateful GRU with reset_states; weight names."""
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
from keras.models import Model, Sequential

xs = data(1, (2, 5, 3))
for mode in ("concat", "sum", "mul", "ave"):
    layer_case("bidir_lstm_" + mode, lambda mode=mode: L.Bidirectional(L.LSTM(3, return_sequences=True), merge_mode=mode), xs)
layer_case("bidir_none", lambda: L.Bidirectional(L.GRU(2), merge_mode=None), xs)
layer_case("bidir_return_state", lambda: L.Bidirectional(L.LSTM(2, return_state=True)), xs)
layer_case("bidir_simplernn", lambda: L.Bidirectional(L.SimpleRNN(2, return_sequences=True)), xs)
layer_case("gru_reset_after_true", lambda: L.GRU(3, reset_after=True, return_sequences=True), xs)
layer_case("gru_reset_after_false", lambda: L.GRU(3, reset_after=False, return_sequences=True), xs)
layer_case("gru_return_state_backwards", lambda: L.GRU(3, return_state=True, go_backwards=True), xs)
layer_case("simplernn_relu_state", lambda: L.SimpleRNN(3, activation="relu", return_state=True), xs)
layer_case("timedistributed_dense", lambda: L.TimeDistributed(L.Dense(4, activation="relu")), xs)
layer_case("timedistributed_conv2d", lambda: L.TimeDistributed(L.Conv2D(2, 3)), data(2, (2, 3, 5, 5, 2)))
layer_case("timedistributed_flatten", lambda: L.TimeDistributed(L.Flatten()), data(2, (2, 3, 5, 5, 2)))
layer_case("convlstm2d", lambda: L.ConvLSTM2D(2, 3, padding="same", return_sequences=True), data(3, (2, 3, 5, 5, 2)))
layer_case("convlstm2d_last", lambda: L.ConvLSTM2D(2, (2, 3), strides=(1, 1)), data(3, (2, 3, 5, 5, 2)))
layer_case("rnn_cell_lstm", lambda: L.RNN(L.LSTMCell(3), return_sequences=True), xs)
layer_case("rnn_stacked_cells", lambda: L.RNN([L.GRUCell(3), L.SimpleRNNCell(2)]), xs)


@sub("masking_lstm")
def _():
    x = data(5, (3, 6, 2))
    x[0, 4:] = 0.0
    x[1, :2] = 0.0
    inp = L.Input(shape=(6, 2))
    h = L.Masking(mask_value=0.0)(inp)
    out = L.Bidirectional(L.LSTM(3, return_sequences=True))(h)
    out = L.LSTM(2)(out)
    model = Model(inp, out)
    seed_weights(model, 6)
    report("masking_lstm", model.predict(x, verbose=0), rule="close", **TOL)


@sub("embedding_mask_gru_seq")
def _():
    inp = L.Input(shape=(5,))
    e = L.Embedding(8, 3, mask_zero=True)(inp)
    out = L.GRU(2, return_sequences=True)(e)
    out = L.TimeDistributed(L.Dense(2))(out)
    model = Model(inp, out)
    seed_weights(model, 7)
    ids = np.array([[1, 2, 0, 0, 0], [3, 4, 5, 6, 7]])
    report("embedding_mask_gru_seq", model.predict(ids, verbose=0), rule="close", **TOL)


@sub("stateful_gru")
def _():
    model = Sequential([L.GRU(3, stateful=True, return_sequences=True, batch_input_shape=(2, 5, 3)), L.Dense(1)])
    seed_weights(model, 8)
    a = model.predict(xs, batch_size=2, verbose=0)
    b = model.predict(xs, batch_size=2, verbose=0)
    model.layers[0].reset_states()
    c = model.predict(xs, batch_size=2, verbose=0)
    report("stateful_gru.a", a, rule="close", **TOL)
    report("stateful_gru.b", b, rule="close", **TOL)
    report("stateful_gru.c", c, rule="close", **TOL)
    report("stateful_gru.states", [s.shape[-1] for s in model.layers[0].states], rule="exact")


@sub("weight_names")
def _():
    names = {}
    for key, layer, x in [("bidir", L.Bidirectional(L.LSTM(2)), xs), ("gru_v1", L.GRU(2, reset_after=False), xs),
                          ("gru", L.GRU(2), xs), ("td", L.TimeDistributed(L.Dense(2)), xs),
                          ("convlstm", L.ConvLSTM2D(2, 3), data(3, (2, 3, 5, 5, 2)))]:
        inp = L.Input(shape=x.shape[1:])
        layer(inp)
        names[key] = [[w.name.split("/", 1)[-1], [int(d) for d in w.shape]] for w in layer.weights]
    report("weight_names", names, rule="exact")


finish()
