"""Bidirectional and TimeDistributed against tf_keras 2.21 numbers."""
import os
import sys

import numpy as np
import pytest
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rnn_fixture_utils as U  # noqa: E402

import torchkeras_compat as keras  # noqa: E402
from torchkeras_compat.layers.recurrent import GRU, LSTM, SimpleRNN  # noqa: E402
from torchkeras_compat.layers.wrappers import Bidirectional, TimeDistributed  # noqa: E402

Input, Model, Dense = keras.layers.Input, keras.models.Model, keras.layers.Dense
CASES, ARRAYS = U.load("wrappers")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_matches_keras(case):
    model = U.check(case, ARRAYS)
    U.check_configs(case, model)


def test_bidirectional_weight_names_and_order():
    case = next(c for c in CASES if c["name"] == "bidir_lstm_concat")
    model, _ = U.build(case, ARRAYS)
    assert [w.name for w in model.weights] == case["weight_names"]


def test_bidirectional_shapes_and_states():
    inp = Input(shape=(5, 3))
    outs = Bidirectional(LSTM(4, return_state=True))(inp)
    assert [o.shape for o in outs] == [(None, 8)] + [(None, 4)] * 4
    seq = Bidirectional(GRU(2, return_sequences=True), merge_mode=None)(inp)
    assert [o.shape for o in seq] == [(None, 5, 2), (None, 5, 2)]
    model = keras.models.Sequential([Bidirectional(SimpleRNN(3), input_shape=(5, 3))])
    assert model.output_shape == (None, 6)
    nested = keras.models.Sequential([Bidirectional(SimpleRNN(3, input_shape=(5, 3)))])
    assert nested.output_shape == (None, 6)


def test_bidirectional_initial_state_is_split_forward_then_backward():
    x = torch.rand(2, 4, 3)
    layer = Bidirectional(SimpleRNN(2, return_sequences=True), merge_mode=None)
    h_f, h_b = torch.rand(2, 2), torch.rand(2, 2)
    fw, bw = layer(x, initial_state=[h_f, h_b])
    torch.testing.assert_close(fw, layer.forward_layer(x, initial_state=[h_f]))
    torch.testing.assert_close(bw, layer.backward_layer(x, initial_state=[h_b]).flip(1))
    with pytest.raises(ValueError, match="even"):
        layer(x, initial_state=[h_f])


def test_bidirectional_errors_and_config_roundtrip():
    with pytest.raises(ValueError, match="merge mode"):
        Bidirectional(LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="go_backwards"):
        Bidirectional(LSTM(2), backward_layer=LSTM(2))
    layer = Bidirectional(LSTM(3, return_sequences=True), merge_mode="ave")
    clone = Bidirectional.from_config(layer.get_config())
    assert clone.merge_mode == "ave" and clone.forward_layer.units == 3
    assert clone.backward_layer.go_backwards and clone.return_sequences


def test_time_distributed_any_layer_and_shapes():
    inp = Input(shape=(4, 6))
    td = TimeDistributed(Dense(3))
    out = td(inp)
    assert out.shape == (None, 4, 3)
    x = np.random.rand(2, 4, 6).astype("float32")
    y = Model(inp, out).predict(x, verbose=0)
    k, b = td.get_weights()
    np.testing.assert_allclose(y, x @ k + b, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError):
        TimeDistributed("dense")
    inner = TimeDistributed(LSTM(2))
    assert inner(torch.rand(2, 3, 5, 4)).shape == (2, 3, 2)
    clone = TimeDistributed.from_config(td.get_config())
    assert clone.layer.units == 3


def test_tf_keras_h5_model_of_these_layers_loads_with_same_predictions(tmp_path):
    """Embedding(mask_zero) - Bidirectional(LSTM) - TimeDistributed - GRU(reset_after=False) -
    SimpleRNN - BatchNormalization - LeakyReLU - PReLU - merges - LayerNormalization, saved by
    tf_keras 2.21; and written back here, it loads again with the same predictions."""
    path = os.path.join(U.FIXTURES, "model.h5")
    io = np.load(os.path.join(U.FIXTURES, "model_h5_io.npz"))
    model = keras.models.load_model(path, compile=False)
    np.testing.assert_allclose(model.predict(io["x"], verbose=0), io["y"], **U.TOL)
    model.save(str(tmp_path / "again.h5"))
    again = keras.models.load_model(str(tmp_path / "again.h5"), compile=False)
    np.testing.assert_allclose(again.predict(io["x"], verbose=0), io["y"], **U.TOL)
