"""Embedding against tf_keras 2.21 numbers; masks flowing into RNNs are in test_recurrent."""
import os
import sys
import warnings

import numpy as np
import pytest
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rnn_fixture_utils as U  # noqa: E402

import torchkeras_compat as keras  # noqa: E402
from torchkeras_compat.layers.embeddings import Embedding  # noqa: E402

CASES, ARRAYS = U.load("embeddings")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_matches_keras(case):
    model = U.check(case, ARRAYS)
    U.check_configs(case, model)


def test_mask_zero_and_output_shape():
    layer = Embedding(5, 2, mask_zero=True)
    x = torch.tensor([[0, 1, 2], [3, 0, 0]])
    y = layer(x)
    assert y.shape == (2, 3, 2)
    assert y._keras_mask.tolist() == [[False, True, True], [True, False, False]]
    assert Embedding(5, 2).get_config()["batch_input_shape"] == (None, None)
    model = keras.models.Sequential([Embedding(10, 4, input_length=7), keras.layers.Flatten()])
    assert model.output_shape == (None, 28)


def test_out_of_range_ids_raise_clear_error():
    layer = Embedding(5, 2, name="emb")
    with pytest.raises(ValueError, match=r"emb.*id 7.*input_dim=5"):
        layer(torch.tensor([[1, 7]]))


def test_keras1_spellings_and_roundtrip():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer = Embedding(6, 3, init="uniform", W_regularizer="l2", dropout=0.2, input_length=4)
    assert layer.embeddings_regularizer is not None
    layer(torch.zeros(1, 4, dtype=torch.long))
    w = np.arange(18, dtype="float32").reshape(6, 3)
    layer.set_weights([w])
    np.testing.assert_array_equal(layer.get_weights()[0], w)
    clone = Embedding.from_config(layer.get_config())
    assert clone.input_length == 4 and clone.output_dim == 3
