"""keras.preprocessing.sequence against values recorded from Keras 2."""
import json
import os
import random

import numpy as np
import pytest

from torchkeras_compat.preprocessing.sequence import (TimeseriesGenerator, make_sampling_table,
                                                      pad_sequences, skipgrams)
from torchkeras_compat.utils import Sequence
from torchkeras_compat.utils import pad_sequences as utils_pad_sequences

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "preprocessing",
                       "text_sequence.json")
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


def test_pad_sequences_bad_input():
    with pytest.raises(ValueError, match="non-iterable"):
        pad_sequences([[1, 2], 3])
    with pytest.raises(ValueError, match="dtype=object"):
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
