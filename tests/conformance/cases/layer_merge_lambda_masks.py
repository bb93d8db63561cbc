"""Merge layers with broadcasting and masks, Lambda (output_shape, arguments, mask, multiple inputs), Masking outputs, Embedding masks and input_length errors, RepeatVector/Reshape/Permute masks, ActivityRegularization losses, noise and normalization layers in training mode (deterministic parts)."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import backend as K
from keras import layers as L
from keras.models import Model, Sequential

ids = np.array([[3, 4, 0, 0], [1, 2, 3, 4], [0, 0, 5, 6]])


def merge_case(key, shapes, fn, arrays):
    @sub(key)
    def _():
        ins = [L.Input(shape=s) for s in shapes]
        out = fn(ins)
        model = Model(ins, out)
        report(key + ".shape", list(model.output_shape), rule="exact")
        report(key, model.predict(arrays, verbose=0), rule="close", **TOL)


a, b = data(1, (2, 3, 4)), data(2, (2, 1, 4))
merge_case("add_broadcast", [(3, 4), (1, 4)], lambda t: L.Add()(t), [a, b])
merge_case("multiply_broadcast", [(3, 4), (1, 4)], lambda t: L.Multiply()(t), [a, b])
merge_case("maximum_broadcast", [(3, 4), (1, 4)], lambda t: L.Maximum()(t), [a, b])
merge_case("subtract_broadcast", [(3, 4), (1, 4)], lambda t: L.Subtract()(t), [a, b])
merge_case("average_rank", [(3, 4), (4,)], lambda t: L.Average()(t), [a, data(3, (2, 4))])
merge_case("dot_negative_axes", [(3, 4), (5, 4)], lambda t: L.Dot(axes=-1)(t), [a, data(4, (2, 5, 4))])
merge_case("dot_axes_list_norm", [(3, 4), (4, 2)], lambda t: L.Dot(axes=[2, 1], normalize=True)(t), [a, data(5, (2, 4, 2))])
merge_case("concat_neg2", [(3, 4), (2, 4)], lambda t: L.Concatenate(axis=-2)(t), [a, data(6, (2, 2, 4))])
merge_case("lambda_two_inputs", [(3, 4), (3, 4)], lambda t: L.Lambda(lambda z: z[0] * 2 - z[1])(t), [a, data(7, (2, 3, 4))])
merge_case("lambda_arguments", [(3, 4)], lambda t: L.Lambda(lambda z, k: K.sum(z, axis=k), arguments={"k": 1})(t[0]), [a])
merge_case("lambda_output_shape_fn", [(3, 4)],
           lambda t: L.Lambda(lambda z: K.concatenate([z, z], axis=-1), output_shape=lambda s: s[:-1] + (2 * s[-1],))(t[0]),
           [a])


def masked_case(key, head):
    @sub(key)
    def _():
        inp = L.Input(shape=(4,))
        e = L.Embedding(8, 3, mask_zero=True)(inp)
        model = Model(inp, head(e))
        seed_weights(model, 3)
        report_outputs(key, model.predict(ids, verbose=0))


masked_case("add_masks_lstm", lambda e: L.LSTM(2)(L.Add()([e, L.Dense(3)(e)])))
masked_case("multiply_masks_gap", lambda e: L.GlobalAveragePooling1D()(L.Multiply()([e, e])))
masked_case("lambda_mask_passthrough", lambda e: L.GRU(2)(L.Lambda(lambda z: z * 2, mask=lambda i, m: m)(e)))
masked_case("lambda_drops_mask", lambda e: L.GRU(2)(L.Lambda(lambda z: z * 2)(e)))
masked_case("reshape_drops_mask", lambda e: L.GRU(2)(L.Reshape((4, 3))(e)))
masked_case("masking_then_bidir_sum", lambda e: L.Bidirectional(L.SimpleRNN(2), merge_mode="sum")(e))


@sub("mask_values")
def _():
    inp = L.Input(shape=(4,))
    emb = L.Embedding(8, 3, mask_zero=True)
    e = emb(inp)
    report("mask_values.embedding", num(emb.compute_mask(K.constant(ids))).tolist(), rule="exact")
    x = data(8, (2, 3, 2))
    x[0, 1] = 0.0
    x[1, :, 0] = 0.0
    m = L.Masking(0.0)
    y = m(K.constant(x))
    report("mask_values.masking_out", y, rule="close", **TOL)
    report("mask_values.masking_mask", num(m.compute_mask(K.constant(x))).tolist(), rule="exact")


@sub("embedding_input_length")
def _():
    model = Sequential([L.Embedding(10, 2, input_length=5), L.Flatten(), L.Dense(1)])
    report("embedding_input_length.shapes", [list(l.output_shape) for l in model.layers], rule="exact")
    report("embedding_input_length.params", model.count_params(), rule="exact")
    try:
        Sequential([L.Embedding(10, 2, input_length=5), L.Flatten(), L.Dense(1)]).predict(np.zeros((2, 6)), verbose=0)
        report("embedding_input_length.mismatch", "no error", rule="exact")
    except Exception as e:  # noqa: BLE001
        report("embedding_input_length.mismatch", "error", rule="exact")
    report("embedding_input_length.functional_other_length",
           list(L.Embedding(10, 2, input_length=5)(L.Input(shape=(6,))).shape), rule="exact")
    report("embedding_input_length.float_ids", L.Embedding(10, 2, embeddings_initializer="ones")(np.array([[1.7, 2.2]])),
           rule="close", **TOL)
    model2 = Sequential([L.Embedding(10, 2, input_length=5)])
    report("embedding_input_length.no_flatten", list(model2.output_shape), rule="exact")


@sub("activity_regularization_losses")
def _():
    inp = L.Input(shape=(3,))
    out = L.ActivityRegularization(l1=0.1, l2=0.05)(L.Dense(2, kernel_initializer="ones", activity_regularizer="l2")(inp))
    model = Model(inp, out)
    model(K.constant(data(9, (4, 3))))
    report("activity_regularization_losses", [float(num(l)) for l in model.losses], rule="close", rtol=1e-4, atol=1e-6)


@sub("training_mode_noise")
def _():
    x = data(10, (64, 16), 0.5, 1.5)
    d = num(L.Dropout(0.5)(K.constant(x), training=True))
    report("training_mode_noise.dropout_values", sorted(set(np.round(np.unique(d / x), 4).tolist())), rule="exact")
    sd = num(L.SpatialDropout1D(0.5)(K.constant(x.reshape(8, 8, 16)), training=True))
    report("training_mode_noise.spatial_whole_channels",
           bool(np.all((sd == 0).all(axis=1) | (sd != 0).all(axis=1))), rule="exact")
    ad = num(L.AlphaDropout(0.3)(K.constant(x), training=True))
    report("training_mode_noise.alpha_dropout_levels", len(np.unique(np.round(ad - x * (ad / np.maximum(x, 1e-9)), 3))) > 0,
           rule="exact")
    gd = num(L.GaussianDropout(0.2)(K.constant(x), training=True))
    report("training_mode_noise.gaussian_dropout_mean", float((gd / x).mean()), rule="range", lo=0.9, hi=1.1)
    report("training_mode_noise.inference_identity",
           [bool(np.allclose(num(l(K.constant(x), training=False)), x)) for l in
            (L.Dropout(0.5), L.GaussianNoise(1.0), L.GaussianDropout(0.5), L.AlphaDropout(0.5))], rule="exact")


finish()
