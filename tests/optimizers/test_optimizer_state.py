"""Optimizer state on layers stored in torch layouts (Conv2D kernels, LSTM weights), against
tf_keras 2.21 (recorded by tests/fixtures/make_optimizer_state.py): ``optimizer.weights`` names and
Keras-layout shapes, ``get_weights()`` values after training, and ``set_weights()`` of Keras-layout
values followed by a training step."""
import copy
import os
import sys

import numpy as np
import pytest
import torch

import torchkeras_compat as keras

HERE = os.path.dirname(os.path.abspath(__file__))
REF = np.load(os.path.join(HERE, "..", "fixtures", "optimizer_state.npz"))
sys.path.insert(0, os.path.join(HERE, "..", "fixtures"))
from optimizer_cases import STATE_CASES  # noqa: E402  (the table the fixture was made from)

TOL = dict(rtol=2e-4, atol=2e-5)  # float32 round-off over a few steps of a conv + LSTM model
X, Y = REF["in.x"], REF["in.y"]


def make_model():
    inputs = keras.Input((6, 6, 2))
    x = keras.layers.Conv2D(3, 3, name="conv2d")(inputs)
    x = keras.layers.Reshape((16, 3))(x)
    x = keras.layers.LSTM(4, name="lstm")(x)
    model = keras.Model(inputs, keras.layers.Dense(2, name="dense")(x))
    model.set_weights([REF[f"in.w{i}"] for i in range(len(model.get_weights()))])
    return model


def arrays(prefix):
    out, i = [], 0
    while f"{prefix}.{i}" in REF.files:
        out.append(REF[f"{prefix}.{i}"])
        i += 1
    return out


def trained(key):
    _, cls_name, kwargs = STATE_CASES[key]
    model = make_model()
    model.compile(optimizer=getattr(keras.optimizers, cls_name)(**kwargs), loss="mse")
    model.fit(X, Y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    return model


@pytest.mark.parametrize("key", list(STATE_CASES))
def test_get_weights_names_shapes_and_values_match_keras(key):
    model = trained(key)
    opt = model.optimizer
    assert [v.name for v in opt.weights] == [str(n) for n in REF[f"{key}.names"]]
    expected = arrays(f"{key}.state")
    state = opt.get_weights()
    assert [np.shape(v) for v in state] == [v.shape for v in expected]
    assert [tuple(v.shape) for v in opt.variables()] == [v.shape for v in expected]
    for name, got, want in zip(REF[f"{key}.names"], state, expected):
        np.testing.assert_allclose(got, want, err_msg=str(name), **TOL)
    for i, (got, want) in enumerate(zip(model.get_weights(), arrays(f"{key}.final"))):
        np.testing.assert_allclose(got, want, err_msg=f"weight {i}", **TOL)


@pytest.mark.parametrize("key", list(STATE_CASES))
def test_set_weights_in_keras_layout_then_a_step_matches_keras(key):
    model = trained(key)
    model.optimizer.set_weights(arrays(f"{key}.set"))
    np.testing.assert_allclose(model.optimizer.get_weights()[-1], arrays(f"{key}.set")[-1])
    model.set_weights([REF[f"in.w{i}"] for i in range(len(model.get_weights()))])
    model.fit(X[:4], Y[:4], batch_size=4, epochs=1, shuffle=False, verbose=0)
    for i, (got, want) in enumerate(zip(model.get_weights(), arrays(f"{key}.after_set"))):
        np.testing.assert_allclose(got, want, err_msg=f"weight {i}", **TOL)
    for i, (got, want) in enumerate(zip(model.optimizer.get_weights(), arrays(f"{key}.after_set_state"))):
        np.testing.assert_allclose(got, want, err_msg=f"optimizer weight {i}", **TOL)


def test_state_stays_in_torch_layout_inside():
    model = trained("adam")
    opt = model.optimizer
    conv_kernel = model.get_layer("conv2d").kernel
    m = opt._slots["m"][opt._params.index(conv_kernel)]
    assert m.shape == conv_kernel.shape == (3, 2, 3, 3)  # (out, in, rows, cols), as the kernel
    keras_m = opt.weights[1]
    assert keras_m.name == "Adam/conv2d/kernel/m:0" and keras_m.shape == (3, 3, 2, 3)
    np.testing.assert_array_equal(keras_m.numpy(), m.permute(2, 3, 1, 0).numpy())
    assert keras.backend.get_value(keras_m).shape == (3, 3, 2, 3)
    # `variables` is a method of the legacy optimizers and a list in tf.keras 2.11+: both work
    assert [v.name for v in opt.variables] == [v.name for v in opt.variables()] == [v.name for v in opt.weights]


def test_set_weights_names_the_variable_whose_shape_is_wrong():
    model = trained("sgd_momentum")
    state = model.optimizer.get_weights()
    state[1] = np.zeros((3, 2, 3, 3), "float32")  # the torch layout is not accepted
    with pytest.raises(ValueError, match=r"SGD/conv2d/kernel/momentum:0 of shape \(3, 3, 2, 3\)"):
        model.optimizer.set_weights(state)


def test_a_copied_model_keeps_keras_layouts_for_its_optimizer():
    model = copy.deepcopy(make_model())
    model.compile(optimizer=keras.optimizers.Adam(), loss="mse")
    model.fit(X[:4], Y[:4], verbose=0)
    assert model.optimizer.weights[1].shape == (3, 3, 2, 3)


def test_build_and_apply_gradients_with_weight_handles():
    model = make_model()
    opt = keras.optimizers.SGD(learning_rate=0.1)
    handles = model.trainable_weights
    opt.build(handles)
    kernel = handles[0]
    before = kernel.numpy()
    grads = [torch.ones(w.shape) for w in handles]  # gradients in the Keras layout, as in Keras
    opt.apply_gradients(zip(grads, handles))
    np.testing.assert_allclose(kernel.numpy(), before - 0.1, rtol=1e-6)
    assert int(opt.iterations) == 1


@pytest.mark.parametrize("key", ["adam", "adafactor", "adamw_amsgrad"])
def test_h5_written_by_keras_restores_the_state_in_keras_layout(key):
    model = keras.models.load_model(os.path.join(HERE, "..", "fixtures", "optimizers", f"state_{key}.h5"))
    assert type(model.optimizer).__name__ == STATE_CASES[key][1]
    assert [v.name for v in model.optimizer.weights] == [str(n) for n in REF[f"{key}.names"]]
    for name, got, want in zip(REF[f"{key}.names"], model.optimizer.get_weights(), arrays(f"{key}.state")):
        np.testing.assert_allclose(got, want, err_msg=str(name), rtol=1e-6)


@pytest.mark.parametrize("key", ["adam", "sgd_momentum", "adafactor", "lion", "adamw_amsgrad"])
def test_h5_round_trip_keeps_the_state_and_the_next_step(key, tmp_path):
    model = trained(key)
    path = str(tmp_path / "m.h5")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert [v.name for v in loaded.optimizer.weights] == [v.name for v in model.optimizer.weights]
    for a, b in zip(model.optimizer.get_weights(), loaded.optimizer.get_weights()):
        np.testing.assert_array_equal(a, b)
    for m in (model, loaded):
        m.fit(X[:4], Y[:4], batch_size=4, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_exclude_from_weight_decay_by_keras_name_pattern_or_weight_handle():
    model = make_model()
    opt = keras.optimizers.AdamW(learning_rate=0.1, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_list=[model.get_layer("dense").kernel], var_names=[r"bias:0$"])
    before = {w.name: w.numpy() for w in model.trainable_weights}
    opt.apply_gradients((torch.zeros(w.shape), w) for w in model.trainable_weights)  # Adam moves 0
    for w in model.trainable_weights:
        decayed = not (w.name.endswith("bias:0") or w.name == "dense/kernel:0")
        np.testing.assert_allclose(w.numpy(), before[w.name] * (0.95 if decayed else 1.0),
                                   rtol=1e-6, err_msg=w.name)


def test_restore_optimizer_state_takes_slots_grouped_or_variable_by_variable():
    from torchkeras_compat.saving import compile_config
    for key in ("adam", "adamw_amsgrad"):
        model = trained(key)
        state = model.optimizer.get_weights()
        other = make_model()
        _, cls_name, kwargs = STATE_CASES[key]
        other.compile(optimizer=getattr(keras.optimizers, cls_name)(**kwargs), loss="mse")
        if key == "adam":  # legacy Adam groups slot by slot; Keras 3 stores m, v of each weight in turn
            n = len(model.trainable_weights)
            given = [state[0]] + [state[1 + s * n + p] for p in range(n) for s in range(2)]
        else:  # AdamW's own order is Keras 3's and tf.keras 2.11+'s: variable by variable
            given = state
        assert compile_config.restore_optimizer_state(other, given, per_variable=True)
        for a, b in zip(other.optimizer.get_weights(), state):
            np.testing.assert_array_equal(a, b)
