"""Keras 1 spellings of conv/pool/recurrent/dense layers (Convolution2D(nb_filter, nb_row, nb_col, border_mode=, subsample=, dim_ordering=), pool_length=, output_dim=, inner_activation=, dropout_W=), Embedding(mask_zero) into LSTM."""
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
from keras.layers import (Convolution1D, Convolution2D, MaxPooling1D, MaxPooling2D, AveragePooling1D,
                          AveragePooling2D, Dense, Dropout, Embedding, LSTM, GRU, SimpleRNN, Flatten, Input)
from keras.models import Sequential, Model

x2 = data(1, (2, 8, 8, 3))
layer_case("conv2d_keras1", lambda: Convolution2D(4, 3, 3, border_mode="same", subsample=(2, 2), dim_ordering="tf"), x2)
layer_case("conv2d_keras1_valid", lambda: Convolution2D(nb_filter=3, nb_row=2, nb_col=3, init="he_normal"), x2)
layer_case("conv2d_keras1_nobias", lambda: Convolution2D(2, 3, 3, bias=False, activation="relu"), x2)
x1 = data(3, (2, 10, 3))
layer_case("conv1d_keras1", lambda: Convolution1D(nb_filter=4, filter_length=3, border_mode="same", subsample_length=2), x1)
layer_case("conv1d_keras1_valid", lambda: Convolution1D(4, 5, border_mode="valid"), x1)
layer_case("maxpool1d_keras1", lambda: MaxPooling1D(pool_length=3, stride=2, border_mode="same"), x1)
layer_case("avgpool1d_keras1", lambda: AveragePooling1D(pool_length=2, border_mode="valid"), x1)
layer_case("maxpool2d_keras1", lambda: MaxPooling2D((3, 3), strides=(2, 2), border_mode="same"), x2)
layer_case("avgpool2d_keras1_same", lambda: AveragePooling2D(border_mode="same", strides=(3, 3)), x2)
xs = data(4, (2, 5, 3))
layer_case("lstm_keras1", lambda: LSTM(output_dim=4, inner_activation="sigmoid", init="glorot_normal",
                                       inner_init="orthogonal", return_sequences=True), xs)
layer_case("gru_keras1", lambda: GRU(output_dim=3, inner_activation="hard_sigmoid", dropout_W=0.2, dropout_U=0.1), xs)
layer_case("simplernn_keras1", lambda: SimpleRNN(output_dim=3, dropout_W=0.5, return_sequences=True), xs)
layer_case("dense_keras1", lambda: Dense(output_dim=3, init="uniform", bias=False), data(5, (3, 4)))


@sub("keras1_sequential_shapes")
def _():
    model = Sequential()
    model.add(Convolution2D(8, 3, 3, border_mode="same", input_shape=(12, 12, 1)))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Convolution2D(4, 3, 3, subsample=(2, 2)))
    model.add(Dropout(p=0.25))
    model.add(Flatten())
    model.add(Dense(output_dim=5, init="glorot_uniform", activation="softmax"))
    report("keras1_sequential_shapes.shapes", [list(l.output_shape) for l in model.layers], rule="exact")
    report("keras1_sequential_shapes.params", model.count_params(), rule="exact")
    report("keras1_sequential_shapes.configs", [
        {k: l.get_config().get(k) for k in ("filters", "kernel_size", "strides", "padding", "data_format", "rate",
                                               "units", "pool_size")} for l in model.layers], rule="exact")
    seed_weights(model, 9)
    report("keras1_sequential_shapes.predict", model.predict(data(6, (2, 12, 12, 1)), verbose=0), rule="close", **TOL)


@sub("embedding_mask_lstm")
def _():
    model = Sequential()
    model.add(Embedding(10, 4, input_length=6, mask_zero=True, init="uniform"))
    model.add(LSTM(output_dim=3, return_sequences=True))
    model.add(LSTM(3))
    seed_weights(model, 4)
    ids = np.array([[0, 0, 3, 4, 5, 1], [2, 3, 0, 0, 0, 0], [1, 2, 3, 4, 5, 6]])
    report("embedding_mask_lstm.shapes", [list(l.output_shape) for l in model.layers], rule="exact")
    report("embedding_mask_lstm.predict", model.predict(ids, verbose=0), rule="close", **TOL)


finish()
