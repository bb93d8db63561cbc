"""Categorical and text preprocessing layers (TF 2.3+ tutorials): CategoryEncoding, Discretization, Hashing, IntegerLookup, StringLookup, TextVectorization — adapt, vocabularies, every output mode, configs, and numeric ones inside a model; EinsumDense (equations, bias_axes, shapes, configs) and RandomBrightness/RandomHeight/RandomWidth (configs, shapes, predict is inference, a direct call augments)."""
# the helpers every case uses: sub, finish, seed_weights, data, num, report_outputs, layer_case
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _case_common import *  # noqa: E402,F401,F403

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import layers as L
from keras.models import Model

texts = ["The cat sat on the mat.", "The dog ate my homework!", "A cat, a dog; the END", "dogs & cats?"]


def vocab(layer):
    return [v.decode() if isinstance(v, bytes) else (int(v) if isinstance(v, (int, np.integer)) else str(v))
            for v in layer.get_vocabulary()]


def cfg(layer):
    return {k: v for k, v in layer.get_config().items() if k not in ("name",)}


@sub("category_encoding")
def _():
    ids = np.array([[0, 1, 1], [2, 2, 4]])
    report("category_encoding.multi_hot", L.CategoryEncoding(num_tokens=5)(ids), rule="close", **TOL)
    report("category_encoding.count", L.CategoryEncoding(5, output_mode="count")(ids), rule="close", **TOL)
    report("category_encoding.count_weights", L.CategoryEncoding(5, output_mode="count")(
        ids, count_weights=np.array([[0.5, 1, 2], [1, 1, 3]], "float32")), rule="close", **TOL)
    report("category_encoding.one_hot", L.CategoryEncoding(5, output_mode="one_hot")(np.array([[3], [0]])),
           rule="close", **TOL)
    report("category_encoding.config", cfg(L.CategoryEncoding(4, output_mode="count")), rule="exact")


@sub("discretization")
def _():
    x = np.array([[-1.5, 0.0, 0.2], [1.0, 2.5, 9.0]], "float32")
    d = L.Discretization(bin_boundaries=[0.0, 1.0, 2.0])
    report("discretization.int", d(x), rule="exact")
    report("discretization.one_hot", L.Discretization(bin_boundaries=[0.0, 1.0], output_mode="one_hot")(x[0]),
           rule="close", **TOL)
    a = L.Discretization(num_bins=4)
    a.adapt(np.array([5.0, 1, 9, 3, 7, 2, 8, 4, 6, 0, 11]))
    report("discretization.adapt_boundaries", a.bin_boundaries, rule="close", rtol=1e-5, atol=1e-6)
    report("discretization.adapt_out", a(np.array([[0.5, 4.0, 10.0]])), rule="exact")
    report("discretization.config", cfg(d), rule="exact")


@sub("integer_lookup")
def _():
    il = L.IntegerLookup()
    il.adapt(np.array([5, 3, 3, 7, 7, 7, 9, 1, 1, 12]))
    report("integer_lookup.vocab", vocab(il), rule="exact")
    report("integer_lookup.ids", il(np.array([[7, 3, 100], [1, 12, 5]])), rule="exact")
    report("integer_lookup.size", il.vocabulary_size(), rule="exact")
    fixed = L.IntegerLookup(vocabulary=[12, 36, 1138, 42], mask_token=0)
    report("integer_lookup.masked_ids", fixed(np.array([[12, 0, 42, 5]])), rule="exact")
    report("integer_lookup.masked_vocab", vocab(fixed), rule="exact")
    report("integer_lookup.multi_hot", L.IntegerLookup(vocabulary=[12, 36], output_mode="multi_hot")(
        np.array([[12, 12, 99], [36, 36, 36]])), rule="close", **TOL)
    report("integer_lookup.invert", L.IntegerLookup(vocabulary=[12, 36], invert=True)(np.array([[1, 2, 0]])),
           rule="exact")
    c = cfg(il)
    c.pop("batch_input_shape", None)
    report("integer_lookup.config", c, rule="exact")


@sub("string_lookup")
def _():
    sl = L.StringLookup()
    sl.adapt(np.array([["b", "a", "a"], ["c", "c", "d"], ["b", "e", "a"]]))
    report("string_lookup.vocab", vocab(sl), rule="exact")
    report("string_lookup.ids", sl(np.array([["a", "zz", "c"], ["e", "d", "b"]])), rule="exact")
    report("string_lookup.one_hot", L.StringLookup(vocabulary=["x", "y"], output_mode="one_hot")(np.array(["y", "q", "x"])),
           rule="close", **TOL)
    report("string_lookup.count_max_tokens", L.StringLookup(vocabulary=["x", "y"], output_mode="count",
                                                            pad_to_max_tokens=True, max_tokens=5)(
        np.array([["x", "y", "y", "q"]])), rule="close", **TOL)
    inv = L.StringLookup(vocabulary=["x", "y"], invert=True)(np.array([[1, 2, 0]]))
    report("string_lookup.invert", [[v.decode() if isinstance(v, bytes) else str(v) for v in row]
                                    for row in np.asarray(num(inv) if hasattr(inv, "numpy") else inv).tolist()],
           rule="exact")
    m = L.StringLookup(vocabulary=["x", "y"], mask_token="")
    report("string_lookup.mask", [vocab(m), num(m(np.array([["", "x", "q"]]))).tolist()], rule="exact")
    limited = L.StringLookup(max_tokens=3, num_oov_indices=1)
    limited.adapt(np.array(["a", "b", "b", "c", "c", "c"]))
    report("string_lookup.max_tokens", vocab(limited), rule="exact")
    c = cfg(sl)
    c.pop("batch_input_shape", None)
    report("string_lookup.config", c, rule="exact")


@sub("text_vectorization")
def _():
    tv = L.TextVectorization(max_tokens=10, output_sequence_length=6)
    tv.adapt(texts)
    report("tv.vocab", vocab(tv), rule="exact")
    report("tv.int", tv(np.array(texts)), rule="exact")
    report("tv.int_short", tv(["cat dog", "the the the the the the the the"]), rule="exact")
    free = L.TextVectorization()
    free.adapt(texts)
    report("tv.ragged_padded", free(texts), rule="exact")
    report("tv.vocab_full", vocab(free), rule="exact")
    mh = L.TextVectorization(output_mode="multi_hot", ngrams=2)
    mh.adapt(texts)
    report("tv.ngram_vocab", vocab(mh), rule="exact")
    report("tv.multi_hot", mh(["the cat sat", "zebra"]), rule="close", **TOL)
    tf_idf = L.TextVectorization(output_mode="tf_idf", max_tokens=8)
    tf_idf.adapt(texts)
    report("tv.tf_idf", tf_idf(["the cat the zebra zebra", "a dog"]), rule="close", rtol=1e-5, atol=1e-6)
    cnt = L.TextVectorization(output_mode="count", standardize="lower", split="whitespace")
    cnt.adapt(texts)
    report("tv.count_lower", [vocab(cnt), num(cnt(["The cat cat mat."])).tolist()], rule="exact")
    ch = L.TextVectorization(split="character", standardize=None, max_tokens=8)
    ch.adapt(["abc ab", "Ba"])
    report("tv.character", [vocab(ch), num(ch(["abz"])).tolist()], rule="exact")
    given = L.TextVectorization(vocabulary=["hello", "world"], output_sequence_length=4)
    report("tv.given_vocab", [vocab(given), num(given(["Hello, big world!"])).tolist()], rule="exact")
    c = cfg(tv)
    c.pop("batch_input_shape", None)
    report("tv.config", c, rule="exact")


@sub("hashing")
def _():
    words = np.array([["cat"], ["dog"], ["a much longer token than sixteen bytes"], [""], ["x" * 70]])
    report("hashing.strings", L.Hashing(num_bins=11)(words), rule="exact")
    report("hashing.mask", L.Hashing(num_bins=5, mask_value="")(words), rule="exact")
    report("hashing.ints", L.Hashing(num_bins=6)(np.array([[1, 22, -333], [4444, 0, 7]])), rule="exact")
    report("hashing.multi_hot", L.Hashing(num_bins=4, output_mode="multi_hot")(np.array([["a", "b", "c"]])),
           rule="close", **TOL)
    report("hashing.config", cfg(L.Hashing(num_bins=4, mask_value=0)), rule="exact")
    inp = L.Input(shape=(2,), dtype="int64")
    model = Model(inp, L.Dense(1)(L.Hashing(8, output_mode="count")(inp)))
    seed_weights(model, 3)
    report("hashing.model", model.predict(np.array([[3, 3], [10, 99]]), verbose=0), rule="close", **TOL)


@sub("numeric_in_model")
def _():
    inp = L.Input(shape=(1,), dtype="int64")
    lookup = L.IntegerLookup(vocabulary=[3, 5, 7, 9], output_mode="one_hot")
    h = lookup(inp)
    out = L.Dense(2)(h)
    model = Model(inp, out)
    seed_weights(model, 1)
    report("numeric_in_model.shape", [list(h.shape), list(model.output_shape)], rule="exact")
    report("numeric_in_model.predict", model.predict(np.array([[3], [9], [4]]), verbose=0), rule="close", **TOL)
    inp2 = L.Input(shape=(3,))
    enc = L.CategoryEncoding(num_tokens=4, output_mode="multi_hot")(L.Discretization(bin_boundaries=[0.0, 0.5, 1.0])(inp2))
    model2 = Model(inp2, L.Dense(1)(enc))
    seed_weights(model2, 2)
    report("numeric_in_model.discretize_encode", model2.predict(np.array([[-1, 0.2, 0.7], [2, 2, 0.4]], "float32"), verbose=0),
           rule="close", **TOL)


# ---- EinsumDense (equations, bias_axes, shapes, configs) and RandomBrightness/RandomHeight/RandomWidth (configs, shapes, predict is inference, a direct call augments)
x2, x3 = data(1, (3, 4)), data(2, (2, 5, 4))
layer_case("einsum_ab_bc", lambda: L.EinsumDense("ab,bc->ac", output_shape=6, bias_axes="c"), x2)
layer_case("einsum_abc_cd", lambda: L.EinsumDense("abc,cd->abd", output_shape=(None, 3), bias_axes="d", activation="relu"), x3)
layer_case("einsum_abc_cde", lambda: L.EinsumDense("abc,cde->abde", output_shape=(5, 2, 3), bias_axes="de"), x3)
layer_case("einsum_ellipsis_left", lambda: L.EinsumDense("...b,bc->...c", output_shape=3), x3)
layer_case("einsum_ellipsis_right", lambda: L.EinsumDense("ab...,bc->ac...", output_shape=(2,), bias_axes="c"), data(3, (2, 4, 3)))
layer_case("einsum_no_bias_d_bias", lambda: L.EinsumDense("abc,cd->abd", output_shape=(5, 2)), x3)


@sub("einsum_meta")
def _():
    out = {}
    for key, layer, x in [("2d", L.EinsumDense("ab,bc->ac", 6, bias_axes="c"), x2),
                          ("3d", L.EinsumDense("abc,cde->abde", (5, 2, 3), bias_axes="de"), x3),
                          ("ell", L.EinsumDense("...b,bc->...c", 3, bias_axes="c"), x3),
                          ("none_dim", L.EinsumDense("abc,cd->abd", (None, 3)), x3)]:
        inp = L.Input(shape=x.shape[1:])
        y = layer(inp)
        out[key] = [list(y.shape), [list(w.shape) for w in layer.weights], [w.name for w in layer.weights],
                    layer.count_params(), {k: v for k, v in layer.get_config().items() if k != "name"}]
    report("einsum_meta", out, rule="exact")


img = data(4, (4, 6, 8, 3), 0.0, 255.0)


@sub("augment_layers")
def _():
    layers = [L.RandomBrightness(0.2), L.RandomBrightness((-0.1, 0.4), value_range=(0, 1), seed=3),
              L.RandomHeight(0.2), L.RandomWidth((0.1, 0.3), interpolation="nearest", seed=1)]
    info = []
    for layer in layers:
        inp = L.Input(shape=(6, 8, 3))
        y = layer(inp)
        model = Model(inp, y)
        info.append([list(y.shape), {k: v for k, v in layer.get_config().items() if k != "name"},
                     bool(np.allclose(model.predict(img, verbose=0), img))])
    report("augment_layers", info, rule="exact")
    direct = L.RandomBrightness((0.3, 0.5))(img)
    report("augment_layers.direct_call_brightens", bool(np.all(num(direct) >= img - 1e-4)) and
           not bool(np.allclose(num(direct), img)), rule="exact")
    report("augment_layers.height_range", int(num(L.RandomHeight((0.5, 0.5))(img)).shape[1]), rule="exact")
    report("augment_layers.flip_direct_call", not bool(np.allclose(num(L.RandomFlip("horizontal")(data(5, (16, 4, 4, 1)))),
                                                                   data(5, (16, 4, 4, 1)))), rule="exact")


finish()
