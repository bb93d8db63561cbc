"""Recurrent layers against tf_keras 2.21 numbers (tests/fixtures/make_layers_rnn.py)."""
import os
import sys
import warnings

import numpy as np
import pytest
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rnn_fixture_utils as U  # noqa: E402

import torchkeras_compat as keras  # noqa: E402
from torchkeras_compat.backend import config  # noqa: E402
from torchkeras_compat.engine import base_layer  # noqa: E402
from torchkeras_compat.layers import _defaults, recurrent  # noqa: E402
from torchkeras_compat.layers.recurrent import (GRU, LSTM, RNN, CuDNNGRU, CuDNNLSTM, GRUCell,  # noqa: E402
                                                LSTMCell, SimpleRNN, SimpleRNNCell, StackedRNNCells)

L = U.L
Input, Sequential = keras.layers.Input, keras.models.Sequential
Input, Model = keras.layers.Input, keras.models.Model
CASES, ARRAYS = U.load("recurrent")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_matches_keras(case):
    model = U.check(case, ARRAYS)
    U.check_configs(case, model)


@pytest.mark.parametrize("name", ["lstm", "gru_reset_after", "gru_reset_before", "simplernn",
                                  "convlstm2d_same_seq", "rnn_stacked"])
def test_weight_names_and_roundtrip(name):
    case = next(c for c in CASES if c["name"] == name)
    model, _ = U.build(case, ARRAYS)
    assert [w.name for w in model.weights] == case["weight_names"]
    weights = model.get_weights()
    for i, w in enumerate(weights):
        np.testing.assert_array_equal(w, ARRAYS[f"{name}/w{i}"])
    model.set_weights(weights)
    for a, b in zip(model.get_weights(), weights):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_stateful_carries_state_between_batches(kind):
    a = np.load(os.path.join(U.FIXTURES, "stateful.npz"))
    base_layer.reset_names()
    layer = (LSTM(3, stateful=True, return_sequences=True, batch_input_shape=(2, 4, 3)) if kind == "lstm"
             else GRU(3, stateful=True, batch_input_shape=(2, 4, 3)))
    model = keras.models.Sequential([layer])
    model.set_weights([a[f"{kind}/w{i}"] for i in range(3)])
    x = a[f"{kind}/x"]
    first = model.predict(x, batch_size=2, verbose=0)
    second = model.predict(x, batch_size=2, verbose=0)
    model.reset_states()
    third = model.predict(x, batch_size=2, verbose=0)
    for got, key in [(first, "first"), (second, "second"), (third, "after_reset")]:
        np.testing.assert_allclose(got, a[f"{kind}/{key}"], **U.TOL)
    assert not np.allclose(first, second)


def test_stateful_needs_batch_size_and_reset_states_values():
    with pytest.raises(ValueError, match="batch size"):
        keras.models.Sequential([LSTM(2, stateful=True, input_shape=(3, 2))])
    layer = SimpleRNN(2, stateful=True, batch_input_shape=(1, 3, 2))
    keras.models.Sequential([layer])
    layer.reset_states([np.ones((1, 2), "float32")])
    np.testing.assert_array_equal(layer.states[0].numpy(), np.ones((1, 2)))
    with pytest.raises(ValueError, match="expected shape"):
        layer.reset_states([np.ones((3, 2))])
    with pytest.raises(AttributeError, match="stateful"):
        SimpleRNN(2).reset_states()


def _pair(make, seed=0, steps=6, feat=3):
    """The same weights in two layers; returns (layer_a, layer_b, x)."""
    x = np.random.RandomState(seed).uniform(-1, 1, (4, steps, feat)).astype("float32")
    a, b = make(), make()
    a(torch.as_tensor(x)), b(torch.as_tensor(x))
    rng = np.random.RandomState(seed + 1)
    weights = [rng.uniform(-0.5, 0.5, w.shape).astype("float32") for w in a.get_weights()]
    a.set_weights(weights)
    b.set_weights(weights)
    return a, b, torch.as_tensor(x)


@pytest.mark.parametrize("make", [lambda: LSTM(5, return_sequences=True), lambda: GRU(5, return_sequences=True),
                                  lambda: SimpleRNN(5, return_sequences=True),
                                  lambda: SimpleRNN(5, activation="relu", return_sequences=True)])
def test_fused_kernel_equals_step_loop(make, monkeypatch):
    fused, loop, x = _pair(make)
    assert fused.cell._fused_op() is not None
    y_fused = fused(x)
    monkeypatch.setattr(type(loop.cell), "_fused_op", lambda self: None)
    y_loop = loop(x)
    np.testing.assert_allclose(y_fused.detach().numpy(), y_loop.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_fused_path_is_used_for_tf_keras_defaults(monkeypatch):
    calls = []
    real = recurrent._run_fused
    monkeypatch.setattr(recurrent, "_run_fused", lambda *a: calls.append(1) or real(*a))
    x = torch.rand(2, 4, 3)
    LSTM(3)(x), GRU(3)(x), SimpleRNN(3)(x)
    assert len(calls) == 3
    LSTM(3, recurrent_activation="hard_sigmoid")(x), GRU(3, reset_after=False)(x)
    assert len(calls) == 3


def test_cudnn_layers_match_their_plain_twins():
    x = torch.as_tensor(np.random.RandomState(0).uniform(-1, 1, (2, 5, 3)).astype("float32"))
    cud, plain = CuDNNLSTM(4, return_sequences=True), LSTM(4, return_sequences=True)
    cud(x), plain(x)
    k, r, b = [np.random.RandomState(i).uniform(-.5, .5, w.shape).astype("float32") for i, w in
               enumerate(cud.get_weights())]
    assert b.shape == (32,) and k.shape == (3, 16) and r.shape == (4, 16)
    cud.set_weights([k, r, b])
    plain.set_weights([k, r, b[:16] + b[16:]])
    np.testing.assert_allclose(cud(x).detach().numpy(), plain(x).detach().numpy(), rtol=1e-5, atol=1e-6)
    cud_g, plain_g = CuDNNGRU(4), GRU(4, reset_after=True)
    cud_g(x), plain_g(x)
    k, r, b = [np.random.RandomState(i).uniform(-.5, .5, w.shape).astype("float32") for i, w in
               enumerate(cud_g.get_weights())]
    assert b.shape == (24,)
    cud_g.set_weights([k, r, b])
    plain_g.set_weights([k, r, b.reshape(2, 12)])
    np.testing.assert_allclose(cud_g(x).detach().numpy(), plain_g(x).detach().numpy(), rtol=1e-5, atol=1e-6)
    init_bias = CuDNNLSTM(2)
    init_bias(x)
    np.testing.assert_array_equal(init_bias.get_weights()[2], [0] * 10 + [1, 1] + [0] * 4)
    assert set(cud.get_config()) == {"name", "trainable", "dtype", "return_sequences", "return_state",
                                     "go_backwards", "stateful", "units", "kernel_initializer",
                                     "recurrent_initializer", "bias_initializer", "unit_forget_bias",
                                     "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
                                     "activity_regularizer", "kernel_constraint", "recurrent_constraint",
                                     "bias_constraint"}


def test_unit_forget_bias_initialises_forget_gate_to_one():
    layer = LSTM(3)
    layer(torch.zeros(1, 2, 2))
    np.testing.assert_array_equal(layer.get_weights()[2], [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    layer = LSTM(3, unit_forget_bias=False)
    layer(torch.zeros(1, 2, 2))
    np.testing.assert_array_equal(layer.get_weights()[2], np.zeros(12))


def test_keras22_version_knob(monkeypatch):
    assert LSTM(2).recurrent_activation is keras.activations.sigmoid
    assert GRU(2).reset_after is True
    _defaults.set_keras_version("2.2.4")
    try:
        assert LSTM(2).recurrent_activation is keras.activations.hard_sigmoid
        gru = GRU(2)
        assert gru.reset_after is False and gru.recurrent_activation is keras.activations.hard_sigmoid
        assert GRU(2, reset_after=True).reset_after is True  # explicit arguments win
        assert LSTM(2).get_config()["recurrent_activation"] == "hard_sigmoid"
    finally:
        _defaults.set_keras_version(None)
    monkeypatch.setenv("TORCHKERAS_KERAS_VERSION", "2.1")
    assert GRU(2).reset_after is False
    monkeypatch.setenv("TORCHKERAS_KERAS_VERSION", "2.3")
    assert GRU(2).reset_after is True
    monkeypatch.setenv("TORCHKERAS_KERAS_VERSION", "two")
    with pytest.raises(ValueError, match="TORCHKERAS_KERAS_VERSION"):
        LSTM(2)


def test_keras1_arguments():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer = LSTM(output_dim=4, input_dim=3, input_length=5, init="glorot_normal",
                     inner_init="orthogonal", inner_activation="hard_sigmoid", dropout_W=0.1,
                     dropout_U=0.2, consume_less="gpu", return_sequences=True)
    assert layer.units == 4 and layer.dropout == 0.1 and layer.recurrent_dropout == 0.2
    assert layer.recurrent_activation is keras.activations.hard_sigmoid
    model = keras.models.Sequential([layer])
    assert model.output_shape == (None, 5, 4)


def test_initial_state_masks_and_training_run_through_fit():
    keras.utils.set_random_seed(0) if hasattr(keras.utils, "set_random_seed") else None
    ids = Input(shape=(6,))
    emb = L.Embedding(10, 4, mask_zero=True)(ids)
    seq = LSTM(5, return_sequences=True, dropout=0.2, recurrent_dropout=0.2)(emb)
    out = keras.layers.Dense(1, activation="sigmoid")(GRU(3)(seq))
    model = Model(ids, out)
    model.compile("adam", "binary_crossentropy")
    x = np.random.RandomState(0).randint(0, 10, (16, 6))
    y = (x.sum(1) > 27).astype("float32")
    before = [w.copy() for w in model.get_weights()]
    hist = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert np.isfinite(hist.history["loss"]).all()
    assert all(not np.allclose(a, b) for a, b in zip(before, model.get_weights()) if a.ndim == 2)


def test_dropout_only_in_training():
    layer = LSTM(4, dropout=0.5, recurrent_dropout=0.5, return_sequences=True)
    x = torch.rand(3, 5, 2)
    a, b = layer(x), layer(x)
    torch.testing.assert_close(a, b)
    c, d = layer(x, training=True), layer(x, training=True)
    assert not torch.allclose(c, d)


def test_custom_cell_in_rnn():
    class MinimalRNNCell(keras.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units))
            self.recurrent_kernel = self.add_weight(name="recurrent_kernel", shape=(self.units, self.units))
            self.built = True

        def call(self, inputs, states):
            prev = states[0]
            out = inputs @ self.kernel + prev @ self.recurrent_kernel
            return out, [out]

    x = np.random.RandomState(0).uniform(-1, 1, (2, 4, 3)).astype("float32")
    inp = Input(shape=(4, 3))
    layer = RNN(MinimalRNNCell(2), return_sequences=True)
    model = Model(inp, layer(inp))
    k, r = model.get_weights()
    y = model.predict(x, verbose=0)
    h = np.zeros((2, 2), "float32")
    for t in range(4):
        h = x[:, t] @ k + h @ r
        np.testing.assert_allclose(y[:, t], h, rtol=1e-5, atol=1e-6)
    stacked = RNN([MinimalRNNCell(2), MinimalRNNCell(3)])
    assert stacked(torch.as_tensor(x)).shape == (2, 3)


def test_cells_callable_alone():
    cell = LSTMCell(3)
    x, h, c = torch.rand(2, 4), torch.zeros(2, 3), torch.zeros(2, 3)
    out, (h1, c1) = cell(x, [h, c])
    assert out.shape == (2, 3) and torch.equal(out, h1)
    assert [w.shape for w in cell.weights] == [(4, 12), (3, 12), (12,)]
    gru = GRUCell(3, reset_after=False)
    out, states = gru(x, [h])
    assert [w.shape for w in gru.weights] == [(4, 9), (3, 9), (9,)]
    simple = SimpleRNNCell(3)
    out, _ = simple(x, [h])
    assert out.shape == (2, 3)
    stacked = StackedRNNCells([SimpleRNNCell(2), LSTMCell(3)])
    assert stacked.state_size == (2, [3, 3])  # one entry per cell, as Keras
    assert stacked.output_size == 3


def test_stacked_cells_nest_states_per_cell():
    """tf.keras returns (and takes) stacked cells' states grouped per cell: [out, [h1, c1], h2]."""
    x = np.random.RandomState(0).rand(2, 5, 3).astype("float32")
    cells = [LSTMCell(4), GRUCell(2)]
    rnn = RNN(cells, return_state=True)
    out, (h1, c1), h2 = rnn(torch.as_tensor(x))
    assert out.shape == (2, 2) and h1.shape == c1.shape == (2, 4) and h2.shape == (2, 2)
    assert torch.equal(out, h2)
    # the same numbers as the two layers run one after the other
    first = RNN(cells[0], return_sequences=True, return_state=True)
    seq, fh, fc = first(torch.as_tensor(x))
    second_out, sh = RNN(cells[1], return_state=True)(seq)
    assert torch.allclose(h1, fh) and torch.allclose(c1, fc) and torch.allclose(h2, sh, atol=1e-6)
    # initial states nested the same way (a flat list in that order is accepted too)
    init = [[torch.ones(2, 4), torch.zeros(2, 4)], torch.ones(2, 2)]
    nested = rnn(torch.as_tensor(x), initial_state=init)
    flat = rnn(torch.as_tensor(x), initial_state=[init[0][0], init[0][1], init[1]])
    assert torch.allclose(nested[0], flat[0]) and not torch.allclose(nested[0], out)
    # shapes: the symbolic call nests like the eager one; compute_output_shape stays flat (Keras)
    sym = RNN([LSTMCell(4), GRUCell(2)], return_state=True)(Input(shape=(5, 3)))
    assert [sym[0].shape, [t.shape for t in sym[1]], sym[2].shape] == [(None, 2), [(None, 4), (None, 4)], (None, 2)]
    assert rnn.compute_output_shape((None, 5, 3)) == [(None, 2), (None, 4), (None, 4), (None, 2)]
    step_out, step_states = StackedRNNCells(cells)(torch.as_tensor(x[:, 0]), init)
    assert isinstance(step_states[0], list) and len(step_states[0]) == 2 and torch.is_tensor(step_states[1])


def test_stateful_stacked_states_nested():
    rnn = RNN([LSTMCell(3), SimpleRNNCell(2)], stateful=True)
    Sequential([Input(batch_shape=(2, 4, 3)), rnn])
    assert rnn.states == [[None, None], None]
    rnn(torch.rand(2, 4, 3))
    (h1, c1), h2 = rnn.states
    assert h1.shape == (2, 3) and h2.shape == (2, 2)
    rnn.reset_states([[np.ones((2, 3)), np.ones((2, 3))], np.zeros((2, 2))])
    assert float(rnn.states[0][1].sum()) == 6.0


def test_config_roundtrip():
    for layer in [LSTM(3, return_sequences=True, go_backwards=True), GRU(2, reset_after=False),
                  SimpleRNN(4, activation="relu"), RNN([LSTMCell(2), GRUCell(3)]), CuDNNLSTM(3)]:
        cfg = layer.get_config()
        clone = type(layer).from_config(cfg)
        cfg2 = clone.get_config()
        cfg.pop("name"), cfg2.pop("name")
        if "cell" in cfg:
            cfg.pop("cell"), cfg2.pop("cell")
        assert cfg == cfg2


def test_bad_input_errors_name_layer_and_shapes():
    layer = LSTM(3, name="my_lstm")
    with pytest.raises(ValueError, match=r"my_lstm.*ndim=3.*\(None, 5\)"):
        Model(Input(shape=(5,)), layer(Input(shape=(5,))))
    with pytest.raises(ValueError, match="units"):
        LSTM(0)
    inp, h = Input(shape=(4, 3)), Input(shape=(2,))
    with pytest.raises(ValueError, match="state"):
        LSTM(2)(torch.rand(1, 4, 3), initial_state=[torch.zeros(1, 2)])


def test_time_major_and_mask_with_return_state():
    layer = GRU(3, time_major=True, return_sequences=True)
    x = torch.rand(5, 2, 4)
    assert layer(x).shape == (5, 2, 3)
    ids = Input(shape=(5,))
    outs = LSTM(2, return_state=True)(L.Embedding(5, 3, mask_zero=True)(ids))
    assert len(outs) == 3 and all(o.shape == (None, 2) for o in outs)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
@pytest.mark.parametrize("case", [c for c in CASES if not c["name"].startswith("convlstm")][:40],
                         ids=lambda c: c["name"])
def test_matches_keras_on_cuda(case):
    old = config.get_device()
    config.set_device("cuda")
    try:
        model = U.check(case, ARRAYS)
        assert all(p.is_cuda for p in model.parameters())
    finally:
        config.set_device(old)


@pytest.mark.parametrize("make", [lambda: LSTM(4, return_sequences=True), lambda: GRU(4, return_state=True),
                                  lambda: SimpleRNN(4, return_sequences=True, go_backwards=True),
                                  lambda: LSTM(4, return_sequences=True, zero_output_for_mask=True)])
def test_masked_fused_kernel_equals_masked_loop(make, monkeypatch):
    calls = []
    real = recurrent._run_fused_masked
    monkeypatch.setattr(recurrent, "_run_fused_masked", lambda *a: calls.append(1) or real(*a))
    fused, loop, x = _pair(make, steps=6)
    masks = {
        "pre/post padding": torch.tensor([[0, 0, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1],
                                          [1, 1, 1, 0, 0, 0], [0, 1, 1, 1, 1, 0]], dtype=torch.bool),
        "holes (loop fallback)": torch.tensor([[1, 0, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1],
                                               [1, 1, 1, 0, 0, 0], [0, 1, 1, 1, 1, 0]], dtype=torch.bool),
        "empty row (loop fallback)": torch.tensor([[0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1],
                                                   [1, 1, 1, 0, 0, 0], [0, 1, 1, 1, 1, 0]], dtype=torch.bool),
    }
    object.__setattr__(loop.cell, "_fused_op", lambda: None)  # this instance only
    for what, mask in masks.items():
        a, b = fused(x, mask=mask), loop(x, mask=mask)
        for u, v in zip(a if isinstance(a, list) else [a], b if isinstance(b, list) else [b]):
            np.testing.assert_allclose(u.detach().numpy(), v.detach().numpy(), rtol=1e-5, atol=1e-6,
                                       err_msg=what)
    assert len(calls) == 3


def test_convlstm2d_channels_first_matches_channels_last():
    from torchkeras_compat.layers.convolutional_recurrent import ConvLSTM2D
    x = torch.as_tensor(np.random.RandomState(0).uniform(-1, 1, (2, 3, 5, 6, 2)).astype("float32"))
    last = ConvLSTM2D(3, 3, padding="same", return_sequences=True, return_state=True)
    first = ConvLSTM2D(3, 3, padding="same", return_sequences=True, return_state=True,
                       data_format="channels_first")
    y_last = last(x)
    y_first = first(x.permute(0, 1, 4, 2, 3))
    first.set_weights(last.get_weights())
    y_first = first(x.permute(0, 1, 4, 2, 3))
    np.testing.assert_allclose(y_first[0].permute(0, 1, 3, 4, 2).detach().numpy(), y_last[0].detach().numpy(),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(y_first[1].permute(0, 2, 3, 1).detach().numpy(), y_last[1].detach().numpy(),
                               rtol=1e-5, atol=1e-6)
    assert first.compute_output_shape((None, 3, 2, 5, 6))[0] == (None, 3, 3, 5, 6)


def test_conv_lstm1d_channels_first_agrees_with_channels_last_and_config_round_trips():
    from torchkeras_compat import layers as L
    x = np.random.RandomState(0).rand(2, 3, 6, 2).astype("float32")
    last = L.ConvLSTM1D(2, 3, padding="same", return_sequences=True)
    first = L.ConvLSTM1D(2, 3, padding="same", return_sequences=True, data_format="channels_first")
    y_last = last(x).detach().numpy()
    first(np.swapaxes(x, -1, -2))
    assert [w.shape for w in last.weights] == [(3, 2, 8), (3, 2, 8), (8,)]
    first.set_weights(last.get_weights())
    y_first = first(np.swapaxes(x, -1, -2)).detach().numpy()
    np.testing.assert_allclose(np.swapaxes(y_first, -1, -2), y_last, rtol=1e-5, atol=1e-6)
    clone = L.ConvLSTM1D.from_config(last.get_config())
    assert clone.get_config()["kernel_size"] == (3,) and clone.get_config()["strides"] == (1,)


def test_constants_reach_the_cell_as_a_list_and_abstract_cells_need_only_state_size():
    class Cell(keras.layers.AbstractRNNCell):
        state_size = 2

        def call(self, inputs, states, constants):
            return states[0] + inputs[:, :2] + constants[0], states[0] + 1

    rnn = RNN(Cell(), return_sequences=True)
    const = torch.ones(3, 2)
    out = rnn(torch.zeros(3, 4, 5), constants=const)  # one tensor: the cell still sees [const]
    assert out.shape == (3, 4, 2)
    assert out[:, -1].tolist() == [[4.0, 4.0]] * 3  # state t (0..3) + 1 per step
    assert rnn.compute_output_shape((None, 4, 5)) == (None, 4, 2)  # output_size from state_size


def test_convlstm3d_kernel_layout_and_shapes():
    layer = keras.layers.ConvLSTM3D(2, (1, 3, 2), padding="same", return_sequences=True)
    x = torch.rand(2, 3, 4, 5, 4, 2)
    y = layer(x)
    assert y.shape == (2, 3, 4, 5, 4, 2)
    kernel, recurrent, bias = layer.get_weights()
    assert kernel.shape == (1, 3, 2, 2, 8) and recurrent.shape == (1, 3, 2, 2, 8) and bias.shape == (8,)
    layer.set_weights([kernel * 0 + 1, recurrent, bias])  # Keras layout in, the same layout back
    assert np.allclose(layer.get_weights()[0], 1.0)
    assert layer.compute_output_shape((None, 3, 4, 5, 4, 2)) == (None, 3, 4, 5, 4, 2)
