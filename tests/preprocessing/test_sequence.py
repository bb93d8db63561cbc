"""keras.preprocessing.sequence against values recorded from Keras 2."""
import json
import os
import random
import sys

import numpy as np
import pytest

from torchkeras_compat.preprocessing import sequence as sequence_module
from torchkeras_compat.preprocessing.sequence import (TimeseriesGenerator, make_sampling_table,
                                                      pad_sequences, skipgrams)
from torchkeras_compat.utils import Sequence
from torchkeras_compat.utils import pad_sequences as utils_pad_sequences

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")
FIXTURE = os.path.join(FIXTURES, "preprocessing", "text_sequence.json")
sys.path.insert(0, FIXTURES)
from pad_sequences_cases import cases as pad_cases, describe  # noqa: E402  (the fixture's table)

PAD_CASES = pad_cases()
with open(os.path.join(FIXTURES, "preprocessing", "pad_sequences.json")) as f:
    PAD_RECORDED = json.load(f)
PAD_SEQUENCES = [[1, 2, 3, 4], [5, 6], [7], [8, 9, 10, 11, 12, 13], []]


@pytest.fixture(scope="module")
def ref():
    with open(FIXTURE) as f:
        return json.load(f)


def test_pad_sequences_every_option_matches_keras(ref):
    for settings, expected, dtype in ref["pad"]:
        got = pad_sequences(PAD_SEQUENCES, **settings)
        assert str(got.dtype) == dtype
        np.testing.assert_array_equal(got, np.array(expected), err_msg=str(settings))
    assert utils_pad_sequences is pad_sequences


def test_pad_sequences_strings_vectors_and_arrays(ref):
    assert pad_sequences([["a", "b"], ["c"]], dtype=object, value="<p>").tolist() == ref["pad_object"]
    got = pad_sequences([np.ones((2, 3)), np.zeros((4, 3))], maxlen=3, dtype="float32")
    np.testing.assert_array_equal(got, np.array(ref["pad_vectors"]))
    np.testing.assert_array_equal(pad_sequences(np.arange(12).reshape(3, 4), maxlen=3),
                                  [[1, 2, 3], [5, 6, 7], [9, 10, 11]])
    assert pad_sequences([np.arange(3), np.arange(5)], maxlen=4, padding="post").tolist() == \
        [[0, 1, 2, 0], [1, 2, 3, 4]]
    assert pad_sequences([[1.5, 2.7], [3.9]]).tolist() == [[1, 2], [0, 3]]


@pytest.mark.parametrize("name", sorted(PAD_CASES))
def test_pad_sequences_case_matches_keras_byte_for_byte(name):
    """Each recorded case: same dtype, shape and bytes as Keras 2, or the same error (type and
    message), whichever of our paths (vectorised or per-sequence) the input takes."""
    build, kwargs = PAD_CASES[name]
    assert describe(pad_sequences, build, kwargs) == PAD_RECORDED[name]


# Inputs that need the per-sequence path by design (nothing to vectorise, or Keras quirks); every
# other recorded case that Keras does not reject must be handled by the vectorised paths.
PER_SEQUENCE_BY_DESIGN = {"vectors_object_dtype", "empty_list_with_maxlen", "all_empty",
                          "all_empty_arrays_maxlen", "bad_options_all_empty", "maxlen_zero_post",
                          "string_as_sequence", "range_sequences"}


def test_pad_sequences_common_inputs_take_the_vectorised_paths(monkeypatch):
    """Lists, tuples, object arrays of lists, lists of arrays, one 2-D/3-D array and sequences
    of vectors, with every option, never fall back to the slow per-sequence conversion."""
    def per_sequence(*args, **kwargs):
        raise AssertionError("fell back to the per-sequence path")

    monkeypatch.setattr(sequence_module, "_fill_one_by_one", per_sequence)
    vectorised = [name for name in sorted(PAD_CASES) if "error" not in PAD_RECORDED[name]
                  and name not in PER_SEQUENCE_BY_DESIGN]
    assert len(vectorised) > 150
    for name in vectorised:
        build, kwargs = PAD_CASES[name]
        assert describe(pad_sequences, build, kwargs) == PAD_RECORDED[name], name


@pytest.mark.parametrize("block_cells", [1 << 20, 40])
@pytest.mark.parametrize("container", ["lists", "tuples", "arrays", "object_array", "mixed"])
def test_pad_sequences_vectorised_equals_per_sequence_path(container, block_cells, monkeypatch):
    """On random ragged data, for every option, the vectorised result is byte for byte the
    per-sequence (Keras) algorithm's result, whether lists are converted in one block of rows
    or in many."""
    reference = sequence_module._fill_one_by_one

    def per_sequence(*args, **kwargs):
        raise AssertionError("fell back to the per-sequence path")

    monkeypatch.setattr(sequence_module, "_fill_one_by_one", per_sequence)
    monkeypatch.setattr(sequence_module, "_BLOCK_CELLS", block_cells)
    rng = np.random.RandomState(7)
    lists = [rng.randint(-9, 500, rng.randint(0, 25)).tolist() for _ in range(60)]
    if container == "tuples":
        data = [tuple(q) for q in lists]
    elif container == "arrays":
        data = [np.asarray(q, dtype="int64") for q in lists]
    elif container == "object_array":
        data = np.empty(len(lists), dtype=object)
        data[:] = lists
    elif container == "mixed":
        data = [np.asarray(q, dtype="int16") if i % 3 == 0 else q for i, q in enumerate(lists)]
    else:
        data = lists
    for maxlen in (None, 1, 9, 30):
        for padding in ("pre", "post"):
            for truncating in ("pre", "post"):
                for dtype, value in (("int32", 0), ("float32", -1.5), ("int64", 7),
                                     (object, "<p>")):
                    got = pad_sequences(data, maxlen=maxlen, dtype=dtype, padding=padding,
                                        truncating=truncating, value=value)
                    width = max(map(len, lists)) if maxlen is None else maxlen
                    want = reference(
                        np.full((len(lists), width), value, dtype=dtype), data, width, padding,
                        truncating, dtype)
                    assert got.dtype == want.dtype and got.shape == want.shape
                    if dtype is object:
                        assert repr(got.tolist()) == repr(want.tolist())
                    else:
                        assert got.tobytes() == want.tobytes()


def test_pad_sequences_bad_input():
    with pytest.raises(ValueError, match="non-iterable"):
        pad_sequences([[1, 2], 3])
    with pytest.raises(ValueError, match="invalid literal"):  # numpy's own error, as in Keras
        pad_sequences([["a", "b"]])
    with pytest.raises(ValueError, match="dtype=object"):
        pad_sequences([[1]], value="x")
    with pytest.raises(ValueError, match="Padding type"):
        pad_sequences([[1]], padding="middle")
    with pytest.raises(ValueError, match="Shape of sample"):
        pad_sequences([np.ones((2, 3)), np.ones((2, 4))])


def test_timeseries_generator_matches_keras(ref):
    data, targets = np.arange(100).reshape(50, 2), np.arange(50)
    for settings, length, batches in ref["timeseries"]:
        g = TimeseriesGenerator(data, targets, **settings)
        assert isinstance(g, Sequence) and len(g) == length
        for i, (bx, by) in enumerate(batches):
            x, y = g[i]
            np.testing.assert_array_equal(x, bx)
            np.testing.assert_array_equal(y, by)
        # lists give the same batches as arrays
        gl = TimeseriesGenerator(data.tolist(), targets.tolist(), **settings)
        np.testing.assert_array_equal(gl[0][0], g[0][0])
    np.random.seed(1)
    g = TimeseriesGenerator(data, targets, length=4, batch_size=8, shuffle=True)
    assert g[0][1].tolist() == ref["timeseries_shuffled_targets"]
    assert TimeseriesGenerator(data[:10], targets[:10], length=3).get_config() == ref["timeseries_config"]


def test_timeseries_generator_seed_post_example():
    data = np.array([[i] for i in range(50)])
    gen = TimeseriesGenerator(data, data, length=10, sampling_rate=2, batch_size=2)
    assert len(gen) == 20
    x, y = gen[0]
    assert np.array_equal(x, np.array([[[0], [2], [4], [6], [8]], [[1], [3], [5], [7], [9]]]))
    assert np.array_equal(y, np.array([[10], [11]]))
    with pytest.raises(ValueError, match="same length"):
        TimeseriesGenerator(data, data[:-1], length=3)
    with pytest.raises(ValueError, match="disallowed"):
        TimeseriesGenerator(data[:5], data[:5], length=10)


def test_skipgrams_and_sampling_table_match_keras(ref):
    np.testing.assert_allclose(make_sampling_table(20), ref["sampling_table"], rtol=0, atol=0)
    random.seed(3)
    couples, labels = skipgrams([0, 1, 2, 3, 4, 5, 2, 0, 7], 10, window_size=2, seed=5)
    assert [couples, labels] == ref["skipgrams"]
    random.seed(3)
    got = skipgrams([1, 2, 3, 4, 5, 2, 7], 10, window_size=1, categorical=True,
                    negative_samples=0.5, sampling_table=make_sampling_table(10, 0.1))
    assert [got[0], got[1]] == ref["skipgrams_categorical"]
