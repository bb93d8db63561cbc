"""Categorical/text preprocessing layers; the values are Keras's (checked against tf_keras 2.21 by
tests/conformance/cases/layer_lookup_text.py), here the orders, errors and round-trips."""
import numpy as np
import pytest
import torch

import torchkeras_compat as keras
from torchkeras_compat import layers as L


def test_adapt_orders_by_count_then_token_descending():
    lookup = L.StringLookup()
    lookup.adapt(np.array(["b", "a", "a", "c", "c", "d", "b"]))
    assert lookup.get_vocabulary() == ["[UNK]", "c", "b", "a", "d"]
    assert lookup(np.array([["a", "zz"]])).tolist() == [[3, 0]]
    ints = L.IntegerLookup()
    ints.adapt(np.array([5, 3, 3, 7, 7, 7, 9, 1, 1]))
    assert ints.get_vocabulary() == [-1, 7, 3, 1, 9, 5]


def test_text_vectorization_int_and_tf_idf():
    texts = ["The cat sat on the mat.", "The dog ate my homework!", "A cat, a dog; the end"]
    tv = L.TextVectorization(max_tokens=8, output_sequence_length=6)
    tv.adapt(texts)
    assert tv.get_vocabulary() == ["", "[UNK]", "the", "dog", "cat", "a", "sat", "on"]
    out = tv(texts)
    assert out.dtype == torch.int64 and out.tolist()[0] == [2, 4, 6, 7, 2, 1]
    idf = L.TextVectorization(output_mode="tf_idf")
    idf.adapt(texts)
    row = idf(["the zebra zebra cat"])[0]
    # idf = log(1 + documents / (1 + document frequency)); the OOV weight is the mean idf
    assert row[1].item() == pytest.approx(np.log(1 + 3 / 4), rel=1e-6)
    assert row[0].item() == pytest.approx(2 * 0.84329, rel=1e-4)


def test_config_round_trip_keeps_vocabulary():
    tv = L.TextVectorization(vocabulary=["hello", "world"], output_sequence_length=3)
    clone = L.TextVectorization.from_config(tv.get_config())
    assert clone.get_vocabulary() == tv.get_vocabulary()
    assert clone(["hello there world"]).tolist() == [[2, 1, 3]]
    sl = L.StringLookup(vocabulary=["x", "y"], mask_token="")
    assert L.StringLookup.from_config(sl.get_config())(np.array(["", "y"])).tolist() == [0, 3]


def test_vocabulary_file(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("red\ngreen\nblue\n", encoding="utf-8")
    lookup = L.StringLookup(vocabulary=str(path))
    assert lookup(np.array(["blue", "pink"])).tolist() == [3, 0]


def test_numeric_layers_in_a_model():
    inp = L.Input(shape=(3,))
    h = L.CategoryEncoding(num_tokens=4)(L.Discretization(bin_boundaries=[0.0, 0.5, 1.0])(inp))
    model = keras.models.Model(inp, h)
    assert model.output_shape == (None, 4)
    assert model.predict(np.array([[-1, 0.2, 0.7]], "float32"), verbose=0).tolist() == [[1, 1, 1, 0]]


def test_clear_errors():
    with pytest.raises(NotImplementedError, match="before the model"):
        L.StringLookup(vocabulary=["a"])(L.Input(shape=(1,), dtype="string"))
    with pytest.raises(ValueError, match="num_tokens=3"):
        L.CategoryEncoding(3)(np.array([[0, 5]]))
    with pytest.raises(ValueError, match="repeated"):
        L.StringLookup(vocabulary=["a", "a"])
    with pytest.raises(ValueError, match="num_oov_indices=0"):
        L.StringLookup(vocabulary=["a"], num_oov_indices=0)(np.array(["b"]))


@pytest.mark.parametrize("text,expected", [
    ("", 1936946117179621455), ("a", 3694432073954588131), ("hello", 3786372426573024488),
    ("y" * 17, 426471879119003573), ("q" * 33, 337133943010535267), ("e" * 65, 3880795628666184432),
    ("t" * 129, 3234498929978985394)])
def test_farmhash_matches_tensorflow(text, expected):
    """tf.strings.to_hash_bucket_fast(text, 2**62) values, recorded from TensorFlow 2.21 (every
    length branch of FarmHash: 0-16, 17-32, 33-64, >64 bytes)."""
    from torchkeras_compat.layers._farmhash import fingerprint64
    assert fingerprint64(text.encode()) % 2 ** 62 == expected


def test_hashing_layer_strings_ints_and_mask():
    assert L.Hashing(num_bins=3)([["A"], ["B"], ["C"], ["D"], ["E"]]).reshape(-1).tolist() == [1, 0, 1, 1, 2]
    assert L.Hashing(num_bins=3, mask_value="")(np.array([["A"], [""], ["C"]])).reshape(-1).tolist() == [1, 0, 2]
    assert L.Hashing(num_bins=7, mask_value=0)(np.array([[0], [5], [9]])).reshape(-1).tolist() == [0, 2, 6]
    inp = L.Input(shape=(1,), dtype="int64")
    model = keras.models.Model(inp, L.Hashing(5, output_mode="one_hot")(inp))
    assert model.predict(np.array([[11], [22]]), verbose=0).argmax(-1).tolist() == [4, 0]
    with pytest.raises(NotImplementedError, match="salt"):
        L.Hashing(3, salt=1)


def test_several_oov_indices_hash_unknown_tokens_as_tf():
    lookup = L.StringLookup(vocabulary=["a", "b"], num_oov_indices=3)
    assert lookup(np.array([["a", "zz", "q", "hello", "[UNK]", "b"]])).tolist() == [[3, 1, 2, 1, 0, 4]]
    ints = L.IntegerLookup(vocabulary=[10, 20], num_oov_indices=2, mask_token=0)
    assert ints(np.array([[10, 0, 7, 8, -3, 20]])).tolist() == [[3, 0, 2, 1, 2, 4]]  # floormod for ints
